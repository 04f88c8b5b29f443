"""Safe execution of untrusted code (generated programs, model outputs): one executor for all."""

from codescale.sandbox.executor import Limits, Result, run

__all__ = ["Limits", "Result", "run"]
