"""Experiment families expanded from config into readable run ids and run specs."""
