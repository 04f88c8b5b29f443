"""Hostile programs are contained and reported with a reason; the machine is unaffected."""

import os
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


def test_writing_outside_the_run_directory_fails():
    target = "/etc/codescale-sandbox-escape"
    r = py(f"open({target!r}, 'w').write('x')")
    assert not os.path.exists(target)
    if r.enforced["filesystem"].startswith("bwrap"):
        assert r.status == "error" and "Read-only" in r.stderr


def test_no_network():
    r = py("import socket\nsocket.create_connection(('192.0.2.1', 80), timeout=2)")
    assert r.status == "error"
    if not r.enforced["network"].startswith("not enforced"):
        assert "unreachable" in r.stderr.lower() or "refused" in r.stderr.lower()


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
