"""Run a command on untrusted code with limits, and say which limits were enforced how.

Every run gets a fresh temporary directory (removed afterwards) and its own session/process group,
which is killed as a whole on time-out or when a limit trips. Isolation is layered, using what the
machine allows, and each :class:`Result` records what was in force (``enforced``):

- **filesystem and network**: ``bwrap`` (bubblewrap, Debian package) with a read-only root, a
  private ``/tmp``, only the run directory writable, new network/PID/IPC/UTS namespaces
  (``"bwrap"``); without bwrap, ``unshare -n`` for the network only (``"netns"``); else none;
- **processes**: a cgroup-v1 ``pids`` group with ``pids.max`` (``"cgroup"``), else only
  ``RLIMIT_NPROC`` (which the kernel does not apply to root: ``"rlimit (not for root)"``);
- **memory**: a cgroup-v1 ``memory`` group (``"cgroup"``), else ``RLIMIT_DATA`` (``"rlimit"``);
- **time**: wall-clock time-out plus ``RLIMIT_CPU``; **output**: stdout/stderr capped while read;
  **files**: ``RLIMIT_FSIZE``.
"""

from __future__ import annotations

import functools
import os
import resource
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

CGROUP_V1 = Path("/sys/fs/cgroup")


@dataclass(frozen=True)
class Limits:
    time_s: float = 10.0
    memory_mb: int = 1024
    processes: int = 64
    output_bytes: int = 1 << 20
    file_bytes: int = 16 << 20
    network: bool = False


@dataclass
class Result:
    status: str                 # ok | error | timeout | memory | output_limit | processes | killed
    returncode: int | None
    stdout: str
    stderr: str
    seconds: float
    reason: str = ""
    enforced: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == "ok"


@functools.cache
def _bwrap() -> str | None:
    path = shutil.which("bwrap")
    if not path:
        return None
    probe = subprocess.run([path, "--ro-bind", "/", "/", "--dev", "/dev", "--unshare-net", "true"],
                           capture_output=True)
    return path if probe.returncode == 0 else None


@functools.cache
def _unshare_net() -> str | None:
    path = shutil.which("unshare")
    if path and subprocess.run([path, "-n", "true"], capture_output=True).returncode == 0:
        return path
    return None


def _cgroup_available(controller: str) -> bool:
    base = CGROUP_V1 / controller
    return base.is_dir() and os.access(base, os.W_OK)


class _Cgroups:
    """Per-run cgroup-v1 groups (pids, memory); removed on close."""

    def __init__(self, limits: Limits):
        self.paths: dict[str, Path] = {}
        name = f"codescale-{uuid.uuid4().hex[:12]}"
        settings = {"pids": {"pids.max": str(limits.processes)},
                    "memory": {"memory.limit_in_bytes": str(limits.memory_mb << 20),
                               "memory.swappiness": "0"}}
        for controller, values in settings.items():
            if not _cgroup_available(controller):
                continue
            path = CGROUP_V1 / controller / name
            try:
                path.mkdir()
                for key, value in values.items():
                    target = path / key
                    if target.exists():
                        target.write_text(value)
                self.paths[controller] = path
            except OSError:
                self._remove(path)

    def procs_files(self) -> list[str]:
        return [str(p / "cgroup.procs") for p in self.paths.values()]

    def memory_tripped(self) -> bool:
        path = self.paths.get("memory")
        if not path:
            return False
        try:
            return int((path / "memory.failcnt").read_text()) > 0
        except (OSError, ValueError):
            return False

    def pids_tripped(self) -> bool:
        path = self.paths.get("pids")
        if not path:
            return False
        try:
            events = (path / "pids.events").read_text()
            return int(events.split()[-1]) > 0
        except (OSError, ValueError, IndexError):
            return False

    def kill_all(self) -> None:
        for path in self.paths.values():
            try:
                for pid in (path / "cgroup.procs").read_text().split():
                    try:
                        os.kill(int(pid), signal.SIGKILL)
                    except ProcessLookupError:
                        pass
            except OSError:
                pass

    @staticmethod
    def _remove(path: Path) -> None:
        for _ in range(50):
            try:
                path.rmdir()
                return
            except FileNotFoundError:
                return
            except OSError:
                time.sleep(0.02)

    def close(self) -> None:
        self.kill_all()
        for path in self.paths.values():
            self._remove(path)


def _reader(stream, cap: int, sink: list, overflow: threading.Event) -> None:
    total = 0
    while True:
        chunk = stream.read(65536)
        if not chunk:
            break
        if total < cap:
            sink.append(chunk[: cap - total])
        total += len(chunk)
        if total > cap:
            overflow.set()
    stream.close()


DEFAULT_LIMITS = Limits()


def run(cmd: list[str], files: dict[str, str | bytes] | None = None, limits: Limits = DEFAULT_LIMITS,
        stdin: str | None = None, env: dict[str, str] | None = None,
        extra_ro_binds: tuple[str, ...] = ()) -> Result:
    """Run ``cmd`` in a fresh directory holding ``files``; never raises for the program's faults."""
    rundir = Path(tempfile.mkdtemp(prefix="codescale-run-"))
    enforced: dict[str, str] = {}
    cgroups = _Cgroups(limits)
    try:
        for name, content in (files or {}).items():
            target = rundir / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content.encode() if isinstance(content, str) else content)

        full = list(cmd)
        bwrap = _bwrap()
        if bwrap:
            wrap = [bwrap, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
                    "--tmpfs", "/tmp", "--bind", str(rundir), str(rundir), "--chdir", str(rundir),
                    "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--die-with-parent",
                    "--new-session", "--setenv", "HOME", str(rundir), "--setenv", "TMPDIR", str(rundir)]
            for path in extra_ro_binds:
                wrap += ["--ro-bind", path, path]
            if not limits.network:
                wrap.append("--unshare-net")
            full = [*wrap, *full]
            enforced["filesystem"] = "bwrap: read-only root, private /tmp, run directory writable"
            enforced["network"] = "allowed" if limits.network else "bwrap: new network namespace"
        else:
            enforced["filesystem"] = "none (install bubblewrap): the program can write where the user can"
            if not limits.network and _unshare_net():
                full = [_unshare_net(), "-n", *full]
                enforced["network"] = "unshare: new network namespace"
            else:
                enforced["network"] = "allowed" if limits.network else "not enforced (no bwrap or unshare)"
        enforced["processes"] = "cgroup pids.max" if "pids" in cgroups.paths else (
            "RLIMIT_NPROC" if os.geteuid() else "not enforced (RLIMIT_NPROC does not apply to root)")
        enforced["memory"] = "cgroup memory.limit_in_bytes" if "memory" in cgroups.paths else "RLIMIT_DATA"
        enforced["time"] = f"wall {limits.time_s}s + RLIMIT_CPU"
        enforced["output"] = f"{limits.output_bytes} bytes per stream"

        procs_files = cgroups.procs_files()
        use_rlimit_mem = "memory" not in cgroups.paths

        def preexec() -> None:
            os.setsid()
            pid = str(os.getpid())
            for f in procs_files:
                with open(f, "w") as fh:
                    fh.write(pid)
            cpu = int(limits.time_s) + 1
            resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
            resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_bytes, limits.file_bytes))
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
            if os.geteuid() != 0:
                resource.setrlimit(resource.RLIMIT_NPROC, (limits.processes, limits.processes))
            if use_rlimit_mem:
                mem = limits.memory_mb << 20
                resource.setrlimit(resource.RLIMIT_DATA, (mem, mem))

        base_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8",
                    "HOME": str(rundir), "TMPDIR": str(rundir)}
        start = time.monotonic()
        proc = subprocess.Popen(full, cwd=rundir, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env={**base_env, **(env or {})},
                                preexec_fn=preexec, close_fds=True)
        out, err = [], []
        overflow = threading.Event()
        threads = [threading.Thread(target=_reader, args=(proc.stdout, limits.output_bytes, out, overflow),
                                    daemon=True),
                   threading.Thread(target=_reader, args=(proc.stderr, limits.output_bytes, err, overflow),
                                    daemon=True)]
        for t in threads:
            t.start()
        try:
            if stdin is not None:
                proc.stdin.write(stdin.encode())
            proc.stdin.close()
        except BrokenPipeError:
            pass
        status, reason = None, ""
        deadline = start + limits.time_s
        while proc.poll() is None:
            if overflow.is_set():
                status, reason = "output_limit", f"output exceeded {limits.output_bytes} bytes"
                break
            if time.monotonic() > deadline:
                status, reason = "timeout", f"wall time exceeded {limits.time_s}s"
                break
            time.sleep(0.005)
        _kill_group(proc.pid)
        cgroups.kill_all()
        proc.wait()
        for t in threads:
            t.join(timeout=2)
        seconds = time.monotonic() - start
        rc = proc.returncode
        if status == "timeout" and cgroups.pids_tripped():  # a fork bomb spins until the time-out
            status, reason = "processes", f"process limit {limits.processes} reached; {reason}"
        if status is None:
            if overflow.is_set():
                status, reason = "output_limit", f"output exceeded {limits.output_bytes} bytes"
            elif cgroups.memory_tripped():
                status, reason = "memory", f"memory limit {limits.memory_mb} MB reached"
            elif cgroups.pids_tripped():
                status, reason = ("processes" if rc != 0 else "ok",
                                  f"process limit {limits.processes} reached" if rc != 0 else "")
            elif rc == 0:
                status = "ok"
            elif rc in (-signal.SIGXCPU, 128 + signal.SIGXCPU) or rc == -signal.SIGKILL and seconds >= limits.time_s:
                status, reason = "timeout", "CPU time limit"
            elif rc < 0:
                status, reason = "killed", f"killed by signal {-rc}"
            else:
                status, reason = "error", f"exit status {rc}"
        return Result(status, rc, b"".join(out).decode("utf-8", "replace"),
                      b"".join(err).decode("utf-8", "replace"), round(seconds, 4), reason, enforced)
    finally:
        cgroups.close()
        shutil.rmtree(rundir, ignore_errors=True)


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
