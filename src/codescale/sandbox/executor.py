"""Run a command on untrusted code with limits, and say which limits were enforced how.

Every run gets a fresh temporary directory (removed afterwards) and its own session/process group,
which is killed as a whole on time-out or when a limit trips. Isolation is layered, using what the
machine allows, and each :class:`Result` records what was in force (``enforced``):

- **filesystem** (``bwrap``, bubblewrap, Debian package): the program sees a root built from
  nothing. Read-only: the system directories (:data:`SYSTEM_DIRS`; merged-/usr symlinks stay
  symlinks), a filtered ``/etc`` (:data:`ETC_EXPOSED`: dynamic linker, locale and time zone, name
  service, certificates, alternatives, Java/Mono/Python configuration; ``passwd``/``group`` are
  written per run and name only the sandbox user), and every toolchain the run declares: each
  tool's chain of symlinks and its resolved install prefix (``/usr/bin/java`` ->
  ``/etc/alternatives/java`` -> ``/usr/lib/jvm/...``; see :func:`tool_mounts`), each directory of
  ``toolchain_dirs`` and of ``$CODESCALE_TOOLCHAIN_DIRS`` (colon-separated). Writable: only the run
  directory (also ``HOME`` and ``TMPDIR``). Private: ``/tmp``, ``/var/tmp``, ``/dev``, ``/proc``.
  Everything else is absent: the home directory, the repository, ``/work``, ``/opt``, ``/srv``,
  ``/mnt``, ``/var``, ``/sys``, ``/run`` and the host's ``/tmp``. New PID/IPC/UTS/cgroup
  namespaces, and all capabilities dropped, so a program run by root cannot undo the mounts
  (``"bwrap"``). Without bwrap: no filesystem isolation;
- **network**: bwrap's new network namespace (only its own loopback); without bwrap,
  ``unshare -n``; else none. ``Limits(network=True)`` shares the host's network;
- **processes**: a per-run cgroup with ``pids.max``: cgroup v2 (the unified hierarchy at
  ``/sys/fs/cgroup`` or a hybrid's ``unified`` mount, below the process's own group) when its
  ``pids`` controller can be delegated there, else cgroup v1's ``pids`` hierarchy, else
  ``RLIMIT_NPROC`` (which the kernel does not apply to root);
- **memory**: the same per-run cgroup: v2 ``memory.max`` and ``memory.swap.max=0``, else v1
  ``memory.limit_in_bytes``, else ``RLIMIT_DATA``;
- **time**: wall-clock time-out plus ``RLIMIT_CPU``; **output**: stdout/stderr capped while read;
  **files**: ``RLIMIT_FSIZE``.

On cgroup v2 a non-root group may only delegate controllers to children when it holds no
processes itself, so the first run moves the processes of its own group into a leaf child
(:data:`CGROUP_LEAF`, limits of the group still apply to it) and creates run groups beside it.
The cgroup root and the ``/proc/self/cgroup`` file are module attributes (:data:`CGROUP_ROOT`,
:data:`PROC_CGROUP`) so that tests can point them at a fake tree.
"""

from __future__ import annotations

import errno
import fnmatch
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

CGROUP_ROOT = Path("/sys/fs/cgroup")
PROC_CGROUP = Path("/proc/self/cgroup")
CGROUP_LEAF = "codescale-leaf"
TOOLCHAIN_DIRS_ENV = "CODESCALE_TOOLCHAIN_DIRS"

SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
# What of /etc the toolchains read; names or shell patterns of entries directly in /etc.
ETC_EXPOSED = (
    "ld.so.cache", "ld.so.conf", "ld.so.conf.d",                      # dynamic linker
    "locale.alias", "locale.conf", "localtime", "timezone",           # locale, time zone
    "nsswitch.conf", "host.conf", "hosts", "resolv.conf", "gai.conf",  # name service ("localhost")
    "services", "protocols", "networks",
    "ssl", "ca-certificates", "ca-certificates.conf", "pki", "crypto-policies",  # certificates
    "alternatives",                                                   # /usr/bin/java -> ...
    "java", "java-*", "jvm", "mono", "python3*",                     # toolchain configuration
    "os-release", "debian_version", "mime.types",
)


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


# --- filesystem -------------------------------------------------------------------------------

def _system_mounts() -> list[str]:
    """bwrap arguments for the system directories, merged-/usr symlinks kept as symlinks."""
    args: list[str] = []
    for path in SYSTEM_DIRS:
        if os.path.islink(path):
            args += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            args += ["--ro-bind", path, path]
    return args


@functools.cache
def _etc_entries() -> tuple[str, ...]:
    try:
        names = sorted(os.listdir("/etc"))
    except OSError:
        return ()
    return tuple(n for n in names if any(fnmatch.fnmatchcase(n, pattern) for pattern in ETC_EXPOSED))


def _etc_mounts() -> list[str]:
    args = ["--dir", "/etc"]
    for name in _etc_entries():
        path = f"/etc/{name}"
        # A link into /usr stays a link (programs read /etc/localtime's target for the zone name);
        # any other is bound to what it points at, since its target directory is not visible.
        if os.path.islink(path) and os.path.realpath(path).startswith("/usr/"):
            args += ["--symlink", os.readlink(path), path]
        elif os.path.exists(path):
            args += ["--ro-bind", path, path]
    return args


def _users_files(meta: Path, rundir: Path) -> list[str]:
    """A passwd and group naming only the sandbox user, so no host account leaks in."""
    uid, gid = os.getuid(), os.getgid()
    user = "root" if uid == 0 else "sandbox"
    group = "root" if gid == 0 else "sandbox"
    (meta / "passwd").write_text(f"{user}:x:{uid}:{gid}:codescale sandbox:{rundir}:/bin/sh\n"
                                 "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n")
    (meta / "group").write_text(f"{group}:x:{gid}:\nnogroup:x:65534:\n")
    return ["--ro-bind", str(meta / "passwd"), "/etc/passwd", "--ro-bind", str(meta / "group"), "/etc/group"]


def _within(path: str, roots: list[str]) -> bool:
    return any(path == r or path.startswith(r.rstrip("/") + "/") for r in roots)


@functools.cache
def _system_roots() -> tuple[str, ...]:
    """Real paths that are visible inside through the system directories and the filtered /etc."""
    roots = {os.path.realpath(p) for p in SYSTEM_DIRS if os.path.exists(p)}
    roots |= {f"/etc/{name}" for name in _etc_entries()}
    return tuple(sorted(roots))


def _link_chain(tool: str) -> list[str]:
    """``tool`` and every symlink it passes through to the real file, each with its directory
    resolved (directory symlinks are followed on the host, so the path names a real directory)."""
    hops: list[str] = []
    path = os.path.abspath(tool)
    for _ in range(40):  # the kernel's own limit on links followed
        path = os.path.join(os.path.realpath(os.path.dirname(path)), os.path.basename(path))
        hops.append(path)
        if not os.path.islink(path):
            break
        path = os.path.normpath(os.path.join(os.path.dirname(path), os.readlink(path)))
    return hops


def install_prefix(real_tool: str) -> str:
    """The directory a resolved tool is installed in: ``X`` for ``X/bin/tool``, else its directory.

    A ``bin`` directly in the home directory, in ``~/.local`` or ``~/.cargo`` is shared with other
    things (credentials, caches), so there only the tool's own directory is exposed; a tool lying
    directly in the home directory or in ``/`` is exposed alone."""
    directory = os.path.dirname(real_tool)
    prefix = os.path.dirname(directory) if os.path.basename(directory) in ("bin", "sbin") else directory
    home = os.path.realpath(os.path.expanduser("~"))
    shared = {"/", home, os.path.join(home, ".local"), os.path.join(home, ".cargo")}
    if directory in shared:
        return real_tool
    return directory if prefix in shared else prefix


def tool_mounts(tool: str, visible: list[str]) -> tuple[list[str], list[str]]:
    """bwrap arguments that make ``tool`` runnable inside, and the real paths they expose.

    Links outside what is ``visible`` are recreated as links (a JVM finds its home through
    ``/proc/self/exe``, a rustup proxy acts on its own name, so the chain must stay a chain); the
    resolved file's install prefix is bound read-only."""
    hops = _link_chain(tool)
    args: list[str] = []
    exposed: list[str] = []
    real = hops[-1]
    if os.path.exists(real):
        prefix = install_prefix(real)
        if not _within(prefix, visible + exposed):
            args += ["--ro-bind", prefix, prefix]
            exposed.append(prefix)
    for hop in hops[:-1]:
        if not _within(hop, visible + exposed):
            args += ["--symlink", os.readlink(hop), hop]
            exposed.append(hop)
    return args, exposed


def declared_toolchain_dirs(extra: tuple[str, ...] | list[str] = ()) -> list[str]:
    """``extra`` and the directories of ``$CODESCALE_TOOLCHAIN_DIRS``, in that order.

    Raises ValueError for a directory that would expose the home directory or the whole root."""
    dirs = [*extra, *filter(None, os.environ.get(TOOLCHAIN_DIRS_ENV, "").split(":"))]
    home = os.path.realpath(os.path.expanduser("~"))
    for d in dirs:
        real = os.path.realpath(d)
        if real == "/" or _within(home, [real]):
            raise ValueError(f"toolchain directory {d} ({TOOLCHAIN_DIRS_ENV} or toolchain_dirs) would expose "
                             f"the home directory {home} to sandboxed programs: name the toolchain's own directory")
    return dirs


def _toolchain_mounts(dirs: list[str], tools: list[str], visible: list[str]) -> tuple[list[str], list[str], list[str]]:
    """bwrap arguments for declared toolchain directories and tools; exposed paths; notes."""
    args: list[str] = []
    exposed: list[str] = []
    notes: list[str] = []
    for d in dirs:
        real = os.path.realpath(d)
        if not os.path.isdir(real):
            notes.append(f"toolchain directory {d} does not exist")
            continue
        if not _within(real, visible + exposed):
            args += ["--ro-bind", real, real]
            exposed.append(real)
        path = os.path.abspath(d)
        if path != real and not _within(path, visible + exposed):
            args += ["--symlink", real, path]
            exposed.append(path)
    for tool in tools:
        more, paths = tool_mounts(tool, visible + exposed)
        args += more
        exposed += paths
    return args, exposed, notes


@functools.cache
def _bwrap() -> str | None:
    path = shutil.which("bwrap")
    if not path:
        return None
    probe = subprocess.run([path, *_system_mounts(), "--dev", "/dev", "--proc", "/proc", "--unshare-net",
                            "--unshare-pid", "--cap-drop", "ALL", "true"], capture_output=True)
    return path if probe.returncode == 0 else None


@functools.cache
def _unshare_net() -> str | None:
    path = shutil.which("unshare")
    if path and subprocess.run([path, "-n", "true"], capture_output=True).returncode == 0:
        return path
    return None


def isolation() -> dict[str, str]:
    """What the filesystem and network isolation of a run is on this machine (no run needed)."""
    if _bwrap():
        return {"filesystem": "bwrap", "network": "bwrap"}
    return {"filesystem": "none (install bubblewrap)",
            "network": "unshare" if _unshare_net() else "not enforced (no bwrap or unshare)"}


# --- cgroups ----------------------------------------------------------------------------------

CONTROLLERS = ("pids", "memory")
_V2_LOCK = threading.Lock()


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


def _write(path: Path, value: str) -> None:
    with open(path, "w") as fh:
        fh.write(value)


def _counters(text: str) -> dict[str, int]:
    """``key N`` lines (pids.events, memory.events, memory.oom_control) as a dict."""
    out: dict[str, int] = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1].lstrip("-").isdigit():
            out[parts[0]] = int(parts[1])
    return out


def _own_groups(proc_cgroup: Path) -> dict[str, str]:
    """Hierarchy -> this process's group in it: ``""`` for v2 (the ``0::`` line), else v1 controllers."""
    groups: dict[str, str] = {}
    for line in _read(proc_cgroup).splitlines():
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        if parts[0] == "0" and parts[1] == "":
            groups[""] = parts[2]
        for controller in filter(None, parts[1].split(",")):
            groups[controller] = parts[2]
    return groups


def _unified(root: Path) -> Path | None:
    for candidate in (root, root / "unified"):
        if (candidate / "cgroup.controllers").is_file():
            return candidate
    return None


def _v2_parent(unified: Path, own: str) -> tuple[Path | None, set[str], str]:
    """The group to create run groups in, the controllers they get there, or why there is none.

    Runs in threads and in sibling processes alike: the leaf is shared, and a process already in it
    creates its run groups beside it."""
    base = unified / own.strip("/")
    if base.name == CGROUP_LEAF:
        base = base.parent
    offered = set(_read(base / "cgroup.controllers").split()) & set(CONTROLLERS)
    if not offered:
        return None, set(), f"cgroup v2 {base} offers neither pids nor memory"
    if not os.access(base, os.W_OK):
        return None, set(), f"cgroup v2 {base} is not writable (not delegated)"
    with _V2_LOCK:
        missing = offered - set(_read(base / "cgroup.subtree_control").split())
        if not missing:
            return base, offered, ""
        enable = " ".join(f"+{c}" for c in sorted(missing))
        try:
            _write(base / "cgroup.subtree_control", enable)
        except OSError as exc:
            if exc.errno != errno.EBUSY:
                return None, set(), f"cgroup v2 {base}: cannot enable {enable}: {exc.strerror}"
            # "No internal processes": the group's own processes move to a leaf child first.
            leaf = base / CGROUP_LEAF
            try:
                leaf.mkdir(exist_ok=True)
                for pid in _read(base / "cgroup.procs").split():
                    try:
                        _write(leaf / "cgroup.procs", pid)
                    except ProcessLookupError:
                        pass  # exited meanwhile
                _write(base / "cgroup.subtree_control", enable)
            except OSError as exc2:
                return None, set(), f"cgroup v2 {base}: cannot enable {enable} even from a leaf: {exc2.strerror}"
    return base, offered, ""


class _Cgroups:
    """Per-run groups: one cgroup-v2 group for the controllers the unified hierarchy delegates, a
    cgroup-v1 group per remaining controller; what each enforces is in :attr:`enforced`; removed
    on close. ``root``/``proc_cgroup`` default to :data:`CGROUP_ROOT`/:data:`PROC_CGROUP`."""

    def __init__(self, limits: Limits, root: Path | None = None, proc_cgroup: Path | None = None,
                 name: str | None = None, enabled: bool = True, why_disabled: str = ""):
        self.limits = limits
        self.root = Path(root if root is not None else CGROUP_ROOT)
        self.version: dict[str, int] = {}          # controller -> 1 or 2
        self.groups: dict[str, Path] = {}          # controller -> its group directory
        self.enforced: dict[str, str] = {}          # controller -> what was written
        self.why: dict[str, str] = {c: why_disabled or "no cgroup" for c in CONTROLLERS}
        self._created: list[Path] = []
        if not enabled:
            return
        name = name or f"codescale-{uuid.uuid4().hex[:12]}"
        own = _own_groups(Path(proc_cgroup if proc_cgroup is not None else PROC_CGROUP))
        unified = _unified(self.root)
        remaining = list(CONTROLLERS)
        if unified is not None and "" in own:
            self._setup_v2(unified, own[""], name, remaining)
        for controller in remaining:
            self._setup_v1(controller, own.get(controller, "/"), name)

    # -- setup --
    def _setup_v2(self, unified: Path, own: str, name: str, remaining: list[str]) -> None:
        base, offered, why = _v2_parent(unified, own)
        if base is None:
            for c in remaining:
                self.why[c] = why
            return
        path = base / name
        try:
            path.mkdir()
        except OSError as exc:
            for c in remaining:
                self.why[c] = f"cgroup v2 {path}: {exc.strerror}"
            return
        self._created.append(path)
        mem = self.limits.memory_mb << 20
        if "pids" in offered:
            try:
                _write(path / "pids.max", str(self.limits.processes))
                self._take("pids", 2, path, f"cgroup v2 pids.max={self.limits.processes}")
            except OSError as exc:
                self.why["pids"] = f"cgroup v2 pids.max: {exc.strerror}"
        if "memory" in offered:
            try:
                _write(path / "memory.max", str(mem))
                what = f"cgroup v2 memory.max={mem} ({self.limits.memory_mb} MB)"
                try:  # without it the kernel swaps the program out instead of stopping it
                    _write(path / "memory.swap.max", "0")
                    what += ", memory.swap.max=0"
                except OSError:
                    what += " (no memory.swap.max: swap not accounted)"
                try:  # one OOM kill takes the whole group (a JVM's helpers, a forked child)
                    _write(path / "memory.oom.group", "1")
                except OSError:
                    pass
                self._take("memory", 2, path, what)
            except OSError as exc:
                self.why["memory"] = f"cgroup v2 memory.max: {exc.strerror}"
        remaining[:] = [c for c in remaining if c not in self.version]

    def _setup_v1(self, controller: str, own: str, name: str) -> None:
        hierarchy = self.root / controller
        if not (hierarchy / "cgroup.procs").is_file():
            if self.why[controller] == "no cgroup":
                self.why[controller] = f"no cgroup v1 {controller} hierarchy at {hierarchy} and no v2 delegation"
            return
        parent = hierarchy / own.strip("/")  # below our own group, so its limits still apply
        if not os.access(parent, os.W_OK):
            self.why[controller] = f"cgroup v1 {parent} is not writable"
            return
        path = parent / name
        try:
            path.mkdir()
        except OSError as exc:
            self.why[controller] = f"cgroup v1 {path}: {exc.strerror}"
            return
        self._created.append(path)
        try:
            if controller == "pids":
                _write(path / "pids.max", str(self.limits.processes))
                what = f"cgroup v1 pids.max={self.limits.processes}"
            else:
                mem = self.limits.memory_mb << 20
                _write(path / "memory.limit_in_bytes", str(mem))
                what = f"cgroup v1 memory.limit_in_bytes={mem} ({self.limits.memory_mb} MB)"
                if (path / "memory.memsw.limit_in_bytes").exists():  # memory plus swap
                    try:
                        _write(path / "memory.memsw.limit_in_bytes", str(mem))
                        what += ", memory.memsw.limit_in_bytes"
                    except OSError:
                        pass
                if (path / "memory.swappiness").exists():
                    try:
                        _write(path / "memory.swappiness", "0")
                    except OSError:
                        pass
        except OSError as exc:
            self.why[controller] = f"cgroup v1 {controller}: {exc.strerror}"
            self._remove(path)
            self._created.remove(path)
            return
        self._take(controller, 1, path, what)

    def _take(self, controller: str, version: int, path: Path, what: str) -> None:
        self.version[controller], self.groups[controller], self.enforced[controller] = version, path, what

    # -- use --
    def procs_files(self) -> list[str]:
        return sorted({str(p / "cgroup.procs") for p in self.groups.values()})

    def memory_tripped(self, failed: bool) -> bool:
        """The memory limit stopped the program: an OOM kill, or (``failed``) a hit of the limit."""
        path = self.groups.get("memory")
        if path is None:
            return False
        if self.version["memory"] == 2:
            events = _counters(_read(path / "memory.events"))
            return events.get("oom_kill", 0) > 0 or events.get("oom", 0) > 0 or (failed and events.get("max", 0) > 0)
        oom = _counters(_read(path / "memory.oom_control"))
        failcnt = _read(path / "memory.failcnt").strip()
        return oom.get("oom_kill", 0) > 0 or (failed and failcnt.isdigit() and int(failcnt) > 0)

    def pids_tripped(self) -> bool:
        path = self.groups.get("pids")
        return path is not None and _counters(_read(path / "pids.events")).get("max", 0) > 0

    def kill_all(self) -> None:
        for path in set(self.groups.values()):
            if (path / "cgroup.kill").exists():  # v2, Linux 5.14+: atomic, no race with fork
                try:
                    _write(path / "cgroup.kill", "1")
                    continue
                except OSError:
                    pass
            for _ in range(100):  # a fork bomb forks while it is killed: until the group is empty
                pids = _read(path / "cgroup.procs").split()
                if not pids:
                    break
                for pid in pids:
                    try:
                        os.kill(int(pid), signal.SIGKILL)
                    except (ProcessLookupError, ValueError):
                        pass
                time.sleep(0.001)

    @staticmethod
    def _remove(path: Path) -> None:
        for _ in range(100):
            try:
                path.rmdir()
                return
            except FileNotFoundError:
                return
            except OSError as exc:
                if exc.errno != errno.EBUSY:  # only "still has processes" passes with time
                    return
                time.sleep(0.02)

    def close(self) -> None:
        self.kill_all()
        for path in reversed(self._created):
            self._remove(path)
        self._created.clear()


# --- the run ----------------------------------------------------------------------------------

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


def _describe_limits(limits: Limits, cgroups: _Cgroups) -> dict[str, str]:
    out: dict[str, str] = {}
    if "pids" in cgroups.enforced:
        out["processes"] = cgroups.enforced["pids"]
    elif os.geteuid():
        out["processes"] = f"RLIMIT_NPROC={limits.processes} ({cgroups.why['pids']})"
    else:
        out["processes"] = f"not enforced (RLIMIT_NPROC does not apply to root; {cgroups.why['pids']})"
    out["memory"] = cgroups.enforced.get("memory") or f"RLIMIT_DATA={limits.memory_mb} MB ({cgroups.why['memory']})"
    out["time"] = f"wall {limits.time_s}s + RLIMIT_CPU"
    out["output"] = f"{limits.output_bytes} bytes per stream"
    out["files"] = f"RLIMIT_FSIZE={limits.file_bytes}"
    return out


def run(cmd: list[str], files: dict[str, str | bytes] | None = None, limits: Limits = DEFAULT_LIMITS,
        stdin: str | None = None, env: dict[str, str] | None = None,
        toolchain_dirs: tuple[str, ...] | list[str] = (), tools: tuple[str, ...] | list[str] = ()) -> Result:
    """Run ``cmd`` in a fresh directory holding ``files``; never raises for the program's faults.

    ``toolchain_dirs`` (plus ``$CODESCALE_TOOLCHAIN_DIRS``) are made visible read-only, and so are
    ``tools`` (executables: their symlinks and install prefixes) and ``cmd[0]`` when it is absolute;
    a bare ``cmd[0]`` is looked up on the part of ``PATH`` that is visible inside."""
    dirs = declared_toolchain_dirs(toolchain_dirs)
    base = Path(tempfile.mkdtemp(prefix="codescale-run-"))
    rundir = base / "run"
    rundir.mkdir()
    cgroups = _Cgroups(limits)
    try:
        for name, content in (files or {}).items():
            target = rundir / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content.encode() if isinstance(content, str) else content)

        enforced: dict[str, str] = {}
        full = list(cmd)
        path_env = os.environ.get("PATH", "/usr/bin:/bin")
        bwrap = _bwrap()
        if bwrap:
            visible = [*_system_roots(), str(rundir)]
            declared = [*tools, *([cmd[0]] if cmd[0].startswith("/") else [])]
            tool_args, exposed, notes = _toolchain_mounts(dirs, declared, visible)
            visible += exposed
            # Entries of PATH that do not exist inside would only slow every lookup down.
            path_env = ":".join(p for p in path_env.split(":") if p and _within(os.path.realpath(p), visible))
            wrap = [bwrap, *_system_mounts(), *_etc_mounts(), *_users_files(base, rundir),
                    "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp", "--tmpfs", "/var/tmp",
                    *tool_args, "--bind", str(rundir), str(rundir), "--remount-ro", "/", "--chdir", str(rundir),
                    "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
                    "--die-with-parent", "--new-session", "--cap-drop", "ALL",
                    "--setenv", "HOME", str(rundir), "--setenv", "TMPDIR", str(rundir)]
            if not limits.network:
                wrap.append("--unshare-net")
            full = [*wrap, *full]
            shown = ", ".join(exposed) if exposed else "none outside the system directories"
            enforced["filesystem"] = (f"bwrap: read-only system directories, filtered /etc, toolchains ({shown}); "
                                      "run directory writable; private /tmp; home, repository and the rest "
                                      "not visible" + "".join(f"; {n}" for n in notes))
            enforced["network"] = "allowed" if limits.network else "bwrap: new network namespace"
        else:
            enforced["filesystem"] = "none (install bubblewrap): the program can read and write what the user can"
            if not limits.network and _unshare_net():
                full = [_unshare_net(), "-n", *full]
                enforced["network"] = "unshare: new network namespace"
            else:
                enforced["network"] = "allowed" if limits.network else "not enforced (no bwrap or unshare)"

        base_env = {"PATH": path_env or "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(rundir),
                    "TMPDIR": str(rundir)}
        try:
            proc, start = _spawn(full, rundir, {**base_env, **(env or {})}, limits, cgroups)
        except subprocess.SubprocessError as exc:
            # Joining the cgroup failed in the child (a group we could create but not enter): run
            # again without cgroups rather than not at all, and say so.
            cgroups.close()
            cgroups = _Cgroups(limits, enabled=False, why_disabled=f"joining the cgroup failed: {exc}")
            proc, start = _spawn(full, rundir, {**base_env, **(env or {})}, limits, cgroups)
        enforced.update(_describe_limits(limits, cgroups))

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
            elif cgroups.memory_tripped(failed=rc != 0):
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
        shutil.rmtree(base, ignore_errors=True)


def _spawn(full: list[str], rundir: Path, env: dict[str, str], limits: Limits,
           cgroups: _Cgroups) -> tuple[subprocess.Popen, float]:
    procs_files = cgroups.procs_files()
    use_rlimit_mem = "memory" not in cgroups.groups

    def preexec() -> None:
        # Runs between fork and exec, possibly while other threads of the parent hold locks:
        # plain system calls only.
        os.setsid()
        pid = str(os.getpid()).encode()
        for f in procs_files:
            fd = os.open(f, os.O_WRONLY)
            try:
                os.write(fd, pid)
            finally:
                os.close(fd)
        cpu = int(limits.time_s) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_bytes, limits.file_bytes))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if os.geteuid() != 0:
            resource.setrlimit(resource.RLIMIT_NPROC, (limits.processes, limits.processes))
        if use_rlimit_mem:
            mem = limits.memory_mb << 20
            resource.setrlimit(resource.RLIMIT_DATA, (mem, mem))

    start = time.monotonic()
    proc = subprocess.Popen(full, cwd=rundir, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, preexec_fn=preexec, close_fds=True)
    return proc, start


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
