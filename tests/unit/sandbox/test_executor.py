"""Hostile programs are contained and reported with a reason; the machine is unaffected."""

import dataclasses
import os
import socket
import time
from pathlib import Path

import pytest

from codescale.sandbox import Limits, run
from codescale.sandbox.toolchains import available, execute

L = Limits(time_s=3, memory_mb=256, processes=32, output_bytes=20_000)


def py(src: str, limits: Limits = L):
    return run(["python3", "prog.py"], {"prog.py": src}, limits)


def test_ordinary_program_and_fresh_directory():
    r = py("import os\nprint(sorted(os.listdir('.')))\nopen('out.txt', 'w').write('x')")
    assert r.ok and r.stdout.strip() == "['prog.py']"
    assert r.enforced["time"].startswith("wall")


def test_infinite_loop_times_out():
    r = py("while True: pass")
    assert r.status == "timeout" and "wall time" in r.reason
    assert r.seconds < L.time_s + 2


def test_output_flood_is_capped():
    r = py("while True: print('y' * 1000)")
    assert r.status == "output_limit"
    assert len(r.stdout) <= L.output_bytes


def test_memory_bomb():
    r = py("blocks = []\nwhile True: blocks.append(bytearray(10**7))")
    assert r.status in ("memory", "killed", "error")
    if r.enforced["memory"].startswith("cgroup"):
        assert r.status == "memory", r


def test_fork_bomb_is_contained():
    r = py("import os\nwhile True:\n    try: os.fork()\n    except OSError: pass")
    assert r.status in ("processes", "timeout")
    if r.enforced["processes"].startswith("cgroup"):
        assert r.status == "processes", r
    # Nothing of it survives the run.
    assert not any("prog.py" in p.read_bytes().decode(errors="ignore")
                   for p in Path("/proc").glob("[0-9]*/cmdline") if p.exists())


def survivors(marker: str) -> list[str]:
    found = []
    for p in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if marker in p.read_bytes().decode(errors="ignore"):
                found.append(p.parent.name)
        except OSError:
            pass  # exited while we looked
    return found


def test_child_in_its_own_session_does_not_outlive_the_run():
    # setsid() leaves the run's process group, so killing the group alone would miss it; the PID
    # namespace (bwrap) or the cgroup takes it down with the run.
    marker = "codescale-escaped-session"
    src = ("import os, sys, time\nif os.fork() == 0:\n    os.setsid()\n"
           f"    os.execv(sys.executable, [sys.executable, '-c', 'import time; time.sleep(60)', {marker!r}])\n"
           "time.sleep(0.3)\nprint('parent exits')\n")
    r = py(src)
    assert r.ok and r.stdout == "parent exits\n", r.stderr
    time.sleep(0.2)
    left = survivors(marker)
    if left and not (r.enforced["filesystem"].startswith("bwrap") or r.enforced["processes"].startswith("cgroup")):
        for pid in left:
            os.kill(int(pid), 9)
        pytest.skip("neither bwrap's PID namespace nor a cgroup is available to contain it")
    assert left == []


def test_writing_outside_the_run_directory_fails():
    target = "/etc/codescale-sandbox-escape"
    r = py(f"open({target!r}, 'w').write('x')")
    assert not os.path.exists(target)
    if r.enforced["filesystem"].startswith("bwrap"):
        assert r.status == "error" and "Read-only" in r.stderr


def test_no_network_not_even_the_hosts_loopback():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        port = server.getsockname()[1]
        # The control: the listener is reachable from outside the sandbox.
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
        probe = ("import socket\ntry:\n"
                 f"    socket.create_connection(('127.0.0.1', {port}), timeout=2).close()\n    print('connected')\n"
                 "except OSError as e:\n    print('failed', e)\n")
        r = py(probe)
        assert r.ok, r.stderr
        if r.enforced["network"].startswith("not enforced"):
            pytest.skip(f"no network isolation on this machine: {r.enforced['network']}")
        assert r.stdout.startswith("failed"), r.stdout
        # Without a new network namespace the host's loopback is shared: the probe itself works.
        r = py(probe, dataclasses.replace(L, network=True))
        assert r.enforced["network"] == "allowed"
        assert r.stdout.strip() == "connected", r.stdout


@pytest.mark.skipif(not available("javascript")[0], reason="node is not installed")
def test_hostile_javascript_is_contained():
    r = execute("javascript", "while (true) {}", Limits(time_s=2))
    assert r.status == "timeout"
    r = execute("javascript", "const a = []; for (;;) a.push(new Array(1e6).fill(1));",
                Limits(time_s=10, memory_mb=256))
    assert r.status in ("memory", "killed", "error")


@pytest.mark.skipif(not available("go")[0], reason="go is not installed")
def test_hostile_go_output_flood():
    src = 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfor {\n\t\tfmt.Println("flood")\n\t}\n}\n'
    r = execute("go", src, Limits(time_s=30, processes=512, output_bytes=10_000))
    assert r.status == "output_limit"
