"""A warm process that forks one child per job, so small jobs stop paying the import of torch and
Megatron-Core (seconds per process) each time.

A training or evaluation job of the embedded default computes for a few seconds and spends ~4.5 s
of its life importing torch, Megatron-Core and TorchDynamo (``bench/results/train_fixed_cost.json``).
:func:`call` runs a package function in a child forked from a server that has already imported
them: the job's process stays what Snakemake started and waits (its exit status, log and outputs
are the job's as before), while the work runs in the child with the job's working directory,
environment, ``sys.path`` and standard output and error (passed as file descriptors). What the
function returns comes back pickled; what it raises is raised again in the job with the child's
traceback in its message.

- **One server per code version.** Its socket's name (Linux's abstract namespace; it serves
  only its own user's connections) hashes the interpreter, the preloaded modules
  and every ``codescale`` source file's name, size and modification time: after an edit the next
  job starts a fresh server, and the old one exits when idle (:data:`IDLE_SECONDS`).
- **Nothing outlives its job.** The child watches its connection: when the job's process dies
  (Snakemake cancelled it, a signal, a crash) the connection closes and the child exits at once.
- **Fork safety.** The server imports modules and runs nothing else: no torch operation, no
  thread pool, no CUDA. It is used only where that holds and where a job's process may leave a
  process behind: never inside a SLURM allocation (``SLURM_JOB_ID``; the cluster's cgroups would
  kill it and jobs there are long), never on a machine with an NVIDIA device (CUDA must not be
  initialised before a fork), and never when ``CODESCALE_FORKSERVER=0``. Everywhere else
  :func:`call` falls back to running the function in the job's own process if the server cannot
  start, with a line in the job's log saying why.

The results are the same either way: ``tests/unit/test_forkserver.py`` trains one run both ways
and compares the checkpoints' digests. This is a machine knob, not a science knob, so it is not in
the config and does not enter any rule's cache key.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import importlib
import os
import pickle
import select
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

#: Modules a training or evaluation job imports; the server imports them once.
PRELOAD = ("codescale.train.loop", "codescale.evaluate.loss", "codescale.evaluate.tasks", "torch._dynamo")
#: Seconds a server with no job waits for the next one before it exits.
IDLE_SECONDS = 120.0
#: Seconds a job waits for a server it started to answer before running in its own process.
START_SECONDS = 90.0

_PACKAGE_DIR = Path(__file__).resolve().parent
_HEADER = struct.Struct("!Q")


class WorkerError(RuntimeError):
    """The child died before it reported a result (killed, out of memory, a crash in C code)."""


def enabled(environ: dict[str, str] | None = None) -> tuple[bool, str]:
    """Whether jobs may use a warm server here, and why not when they may not."""
    environ = os.environ if environ is None else environ
    if environ.get("CODESCALE_FORKSERVER", "1") == "0":
        return False, "CODESCALE_FORKSERVER=0"
    if environ.get("SLURM_JOB_ID"):
        return False, "inside a SLURM job"
    if sys.platform != "linux":
        return False, f"not on Linux ({sys.platform})"
    if os.path.exists("/dev/nvidiactl"):
        return False, "an NVIDIA device is present (CUDA must not start before a fork)"
    return True, ""


def server_key(preload: Sequence[str] = PRELOAD) -> str:
    """The identity of a server able to run this code: interpreter, preloads, package sources."""
    digest = hashlib.sha256()
    digest.update(os.path.realpath(sys.executable).encode())
    digest.update("\0".join(preload).encode())
    for path in sorted(_PACKAGE_DIR.rglob("*.py")):
        st = path.stat()
        digest.update(f"\0{path.relative_to(_PACKAGE_DIR)}:{st.st_size}:{st.st_mtime_ns}".encode())
    return digest.hexdigest()[:20]


def runtime_dir() -> Path:
    """A directory only this user can enter, for the servers' locks and logs."""
    base = os.environ.get("XDG_RUNTIME_DIR") or tempfile.gettempdir()
    path = Path(base) / f"codescale-forkserver-{os.getuid()}"
    path.mkdir(mode=0o700, exist_ok=True)
    st = path.stat()
    if st.st_uid != os.getuid() or st.st_mode & 0o077:
        raise PermissionError(f"{path}: must belong to uid {os.getuid()} with mode 0700")
    return path


# ------------------------------------------------------------------ framing


def _send(sock: socket.socket, obj: Any) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    sock.sendall(_HEADER.pack(len(data)) + data)


def _recv_exactly(sock: socket.socket, n: int) -> bytes:
    chunks, left = [], n
    while left:
        chunk = sock.recv(min(left, 1 << 20))
        if not chunk:
            raise EOFError("connection closed")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _recv(sock: socket.socket) -> Any:
    (size,) = _HEADER.unpack(_recv_exactly(sock, _HEADER.size))
    return pickle.loads(_recv_exactly(sock, size))


# ------------------------------------------------------------------ client


def call(function: Callable[..., Any], /, **kwargs: Any) -> Any:
    """``function(**kwargs)`` in a child of the warm server (a module-level function of the
    package; arguments and result picklable), or here when a server cannot be used."""
    ok, why = enabled()
    sock = None
    if ok:
        try:
            sock = _connect(PRELOAD)
        except OSError as error:  # pragma: no cover - depends on the machine
            why = f"no warm server ({error})"
    if sock is None:
        print(f"forkserver: running in this process: {why}", file=sys.stderr, flush=True)
        return function(**kwargs)
    with sock:
        return _run_remote(sock, function, kwargs)


def _run_remote(sock: socket.socket, function: Callable[..., Any], kwargs: dict[str, Any]) -> Any:
    sys.stdout.flush()
    sys.stderr.flush()
    fds = [sys.stdout.fileno(), sys.stderr.fileno()]
    socket.send_fds(sock, [b"J"], fds)
    _send(sock, {"module": function.__module__, "name": function.__qualname__, "kwargs": kwargs,
                 "cwd": os.getcwd(), "environ": dict(os.environ), "path": list(sys.path)})
    try:
        pid = _recv(sock)["pid"]
        reply = _recv(sock)
    except EOFError:
        raise WorkerError(f"the forked worker for {function.__module__}.{function.__qualname__} died "
                          "before reporting (killed, out of memory or crashed; the server's log: "
                          f"{runtime_dir()})") from None
    if reply["ok"]:
        return reply["result"]
    error = reply.get("error")
    note = f"in forked worker {pid}:\n{reply['traceback']}"
    if isinstance(error, BaseException):
        error.add_note(note)
        raise error
    raise RuntimeError(f"{reply['type']}: {reply['message']}\n{note}")


def address(key: str) -> bytes:
    """The server's socket: a name in Linux's abstract namespace (no file to go stale when a server
    is killed, no path-length limit); the server serves only connections from its own user."""
    return f"\0codescale-forkserver-{os.getuid()}-{key}".encode()


def _connect(preload: Sequence[str]) -> socket.socket:
    key = server_key(preload)
    sock = _try_connect(key)
    if sock is not None:
        return sock
    directory = runtime_dir()
    with open(directory / f"{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one job starts the server; the others wait and connect
        sock = _try_connect(key)
        if sock is not None:
            return sock
        log = directory / f"{key}.log"
        with open(log, "ab") as out:
            server = subprocess.Popen(
                [sys.executable, "-m", "codescale.forkserver", key, *preload],
                stdin=subprocess.DEVNULL, stdout=out, stderr=out, start_new_session=True,
                cwd="/", env={**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)})
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            sock = _try_connect(key)
            if sock is not None:
                return sock
            if server.poll() is not None:
                raise OSError(f"the server exited with status {server.returncode}; see {log}")
            time.sleep(0.05)
        server.kill()
        raise OSError(f"the server did not answer within {START_SECONDS:.0f} s; see {log}")


def _try_connect(key: str) -> socket.socket | None:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(address(key))
    except ConnectionRefusedError:
        sock.close()
        return None
    return sock


# ------------------------------------------------------------------ server


def serve(key: str, preload: Sequence[str], idle: float = IDLE_SECONDS) -> None:
    """Import ``preload``, then fork a worker per connection until idle for ``idle`` seconds."""
    started = time.monotonic()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        listener.bind(address(key))  # before the imports: a second server for the key stops here
    except OSError as error:
        _log(f"another server holds this key ({error}): exiting")
        return
    if any(m.startswith("codescale.") for m in preload):
        from codescale import megatron

        megatron.import_megatron()  # as a job would: without compiling the GPU fusions
    for module in preload:
        importlib.import_module(module)
    listener.listen(64)
    _log(f"ready in {time.monotonic() - started:.2f} s: {', '.join(preload)}")
    children: dict[int, float] = {}
    last = time.monotonic()
    with listener:
        while True:
            ready, _, _ = select.select([listener], [], [], 1.0)
            if ready:
                conn, _ = listener.accept()
                if _peer_uid(conn) != os.getuid():
                    _log(f"refused a connection from uid {_peer_uid(conn)}")
                    conn.close()
                    continue
                pid = os.fork()
                if pid == 0:
                    listener.close()
                    _worker(conn)  # never returns
                conn.close()
                children[pid] = time.monotonic()
            for pid in list(children):
                done, status = os.waitpid(pid, os.WNOHANG)
                if done:
                    seconds = time.monotonic() - children.pop(pid)
                    if status:
                        _log(f"worker {pid} ended with status {os.waitstatus_to_exitcode(status)} "
                             f"after {seconds:.1f} s")
            if children or ready:
                last = time.monotonic()
            elif time.monotonic() - last > idle:
                _log(f"idle for {idle:.0f} s: exiting")
                return


def _peer_uid(conn: socket.socket) -> int:
    """The uid of the process at the other end of a Unix socket (SO_PEERCRED: pid, uid, gid)."""
    creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    return struct.unpack("3i", creds)[1]


def _worker(conn: socket.socket) -> None:
    status = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.setpgid(0, 0)
        _, fds, _, _ = socket.recv_fds(conn, 1, 2)
        request = _recv(conn)
        for fd, target in zip(fds, (1, 2), strict=True):
            os.dup2(fd, target)
            os.close(fd)
        sys.stdout = os.fdopen(1, "w", buffering=1, closefd=False)
        sys.stderr = os.fdopen(2, "w", buffering=1, closefd=False)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["environ"])
        sys.path[:] = request["path"]
        _send(conn, {"pid": os.getpid()})
        finished = threading.Event()
        threading.Thread(target=_exit_when_closed, args=(conn, finished), daemon=True).start()
        try:
            module = importlib.import_module(request["module"])
            function = module
            for part in request["name"].split("."):
                function = getattr(function, part)
            reply = {"ok": True, "result": function(**request["kwargs"])}
        except BaseException as error:  # noqa: BLE001 - everything goes back to the job
            reply = {"ok": False, "type": type(error).__name__, "message": str(error),
                     "traceback": traceback.format_exc()}
            try:
                pickle.dumps(error)
                reply["error"] = error
            except Exception:  # noqa: BLE001 - an unpicklable exception goes back as text
                pass
        sys.stdout.flush()
        sys.stderr.flush()
        finished.set()
        _send(conn, reply)
        status = 0
    finally:
        os._exit(status)


def _exit_when_closed(conn: socket.socket, finished: threading.Event) -> None:
    """Exit the worker as soon as its job's process goes away (the job sends nothing more)."""
    with contextlib.suppress(OSError):
        conn.recv(1)
    os._exit(0 if finished.is_set() else 143)


def _log(message: str) -> None:
    print(f"{time.strftime('%Y-%m-%d %H:%M:%S')} [{os.getpid()}] {message}", file=sys.stderr, flush=True)


def _main(argv: list[str]) -> None:
    if not argv:
        raise SystemExit("usage: python -m codescale.forkserver KEY [MODULE ...]")
    serve(argv[0], argv[1:] or list(PRELOAD))


if __name__ == "__main__":
    _main(sys.argv[1:])
