"""Running the registries' own command-line clients (apt-get, dpkg-deb, npm, pip)."""

from __future__ import annotations

import subprocess
from pathlib import Path


class ClientError(RuntimeError):
    """A package client could not provide what was asked."""


def run_client(cmd: list[str], cwd: Path, what: str, *, timeout: int = 900,
               error_prefixes: tuple[str, ...] = ()) -> str:
    """Run ``cmd``; on failure raise :class:`ClientError` naming ``what`` and the client's own
    error lines (those starting with ``error_prefixes``, else the last lines of its output)."""
    try:
        proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    except FileNotFoundError as err:
        raise ClientError(f"{what}: `{cmd[0]}` is not installed") from err
    except subprocess.TimeoutExpired as err:
        raise ClientError(f"{what}: timed out after {timeout} s (is the registry reachable?)") from err
    if proc.returncode != 0:
        output = (proc.stderr or proc.stdout).strip().splitlines()
        errors = [ln for ln in output if error_prefixes and ln.startswith(error_prefixes)]
        detail = "; ".join(errors) if errors else "\n".join(output[-6:])
        raise ClientError(f"{what}: `{' '.join(cmd)}` failed: {detail}")
    return proc.stdout
