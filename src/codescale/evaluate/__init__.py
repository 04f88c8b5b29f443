"""Evaluation of trained runs and the tidy summary table every later stage reads."""
