"""Safe execution of untrusted code (generated programs, model outputs): one executor for all.

:mod:`~codescale.sandbox.executor` runs a command under bubblewrap and cgroup limits and says
what was enforced; :mod:`~codescale.sandbox.toolchains` compiles and runs the seven languages;
:mod:`~codescale.sandbox.preflight` checks, before a workflow starts, that each one works.
"""

from codescale.sandbox.executor import Limits, Result, run

__all__ = ["Limits", "Result", "run"]
