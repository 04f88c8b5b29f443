"""Scaling-law fits: ``L(N, D) = A·N^-α + B·D^-β + E`` per language."""
