"""Per-run cgroups against fake trees (plain files standing in for the kernel's): what is written,
what is detected, what each Result says was enforced, for cgroup v1, v2 and the hybrid layout."""

import errno
import subprocess
from pathlib import Path

import pytest

from codescale.sandbox import executor
from codescale.sandbox.executor import CGROUP_LEAF, Limits, _Cgroups, _describe_limits

L = Limits(memory_mb=256, processes=32)
MEM = str(256 << 20)


def tree(root: Path, files: dict[str, str]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    return root


def v1_tree(tmp_path: Path, unified_controllers: str | None = None) -> tuple[Path, Path]:
    files = {"pids/cgroup.procs": "", "memory/cgroup.procs": "", "memory/job/cgroup.procs": "",
             "proc_cgroup": "8:pids:/\n4:memory:/job\n1:name=systemd:/\n0::/\n"}
    if unified_controllers is not None:  # a hybrid machine: v2 mounted beside the v1 hierarchies
        files["unified/cgroup.controllers"] = unified_controllers
    root = tree(tmp_path / "cg", files)
    return root, root / "proc_cgroup"


@pytest.fixture
def fake_kernel(monkeypatch):
    """Writes that behave like cgroup v2's: enabling controllers in a group that holds processes
    fails with EBUSY, and writing a pid to cgroup.procs moves it out of its previous group."""
    real_write = executor._write

    def write(path: Path, value: str) -> None:
        path = Path(path)
        if path.name == "cgroup.subtree_control" and (path.parent / "cgroup.procs").read_text().split():
            raise OSError(errno.EBUSY, "Device or resource busy")
        if path.name == "cgroup.procs":
            source = path.parent.parent / "cgroup.procs"
            if source.exists():
                source.write_text("".join(f"{p}\n" for p in source.read_text().split() if p != value))
            with open(path, "a") as fh:
                fh.write(f"{value}\n")
            return
        real_write(path, value)

    monkeypatch.setattr(executor, "_write", write)


def v2_tree(tmp_path: Path, own: str = "/user.slice/job", procs: str = "123\n456\n") -> tuple[Path, Path]:
    root = tree(tmp_path / "cg", {
        "cgroup.controllers": "cpuset cpu io memory pids", "cgroup.subtree_control": "memory pids",
        "cgroup.procs": "",
        "user.slice/job/cgroup.controllers": "memory pids", "user.slice/job/cgroup.subtree_control": "",
        "user.slice/job/cgroup.procs": procs,
        "proc_cgroup": f"0::{own}\n"})
    return root, root / "proc_cgroup"


def test_v1_groups_below_the_processs_own_groups(tmp_path):
    root, proc = v1_tree(tmp_path)
    cg = _Cgroups(L, root, proc, name="run1")
    pids, mem = root / "pids" / "run1", root / "memory" / "job" / "run1"
    assert (pids / "pids.max").read_text() == "32"
    assert (mem / "memory.limit_in_bytes").read_text() == MEM
    assert cg.version == {"pids": 1, "memory": 1}
    assert cg.procs_files() == sorted([str(mem / "cgroup.procs"), str(pids / "cgroup.procs")])
    enforced = _describe_limits(L, cg)
    assert enforced["processes"] == "cgroup v1 pids.max=32"
    assert enforced["memory"] == f"cgroup v1 memory.limit_in_bytes={MEM} (256 MB)"


def test_v1_trips(tmp_path):
    root, proc = v1_tree(tmp_path)
    cg = _Cgroups(L, root, proc, name="run1")
    pids, mem = root / "pids" / "run1", root / "memory" / "job" / "run1"
    assert not cg.pids_tripped() and not cg.memory_tripped(failed=True)
    (pids / "pids.events").write_text("max 3\n")
    assert cg.pids_tripped()
    (mem / "memory.failcnt").write_text("5\n")  # the limit was hit (page cache reclaimed) ...
    assert not cg.memory_tripped(failed=False)  # ... which is no failure when the program succeeded
    assert cg.memory_tripped(failed=True)
    (mem / "memory.failcnt").write_text("0\n")
    (mem / "memory.oom_control").write_text("oom_kill_disable 0\nunder_oom 0\noom_kill 1\n")
    assert cg.memory_tripped(failed=False)


def test_v1_kill_all_kills_what_the_group_lists(tmp_path):
    root, proc = v1_tree(tmp_path)
    cg = _Cgroups(L, root, proc, name="run1")
    sleeper = subprocess.Popen(["sleep", "60"])
    try:
        (root / "pids" / "run1" / "cgroup.procs").write_text(f"{sleeper.pid}\n")
        cg.kill_all()
        assert sleeper.wait(timeout=5) == -9
    finally:
        sleeper.kill()


def test_hybrid_without_delegated_v2_controllers_uses_v1(tmp_path):
    # This machine's layout: the unified mount offers only hugetlb, pids and memory are v1's.
    root, proc = v1_tree(tmp_path, unified_controllers="hugetlb\n")
    cg = _Cgroups(L, root, proc, name="run1")
    assert cg.version == {"pids": 1, "memory": 1}
    assert not (root / "unified" / "run1").exists()


def test_v2_moves_processes_to_a_leaf_then_limits_a_run_group(tmp_path, fake_kernel):
    root, proc = v2_tree(tmp_path)
    job = root / "user.slice" / "job"
    cg = _Cgroups(L, root, proc, name="run1")
    assert (job / CGROUP_LEAF / "cgroup.procs").read_text().split() == ["123", "456"]
    assert (job / "cgroup.procs").read_text().split() == []
    assert set((job / "cgroup.subtree_control").read_text().split()) == {"+memory", "+pids"}
    run = job / "run1"
    assert (run / "pids.max").read_text() == "32"
    assert (run / "memory.max").read_text() == MEM
    assert (run / "memory.swap.max").read_text() == "0"
    assert cg.version == {"pids": 2, "memory": 2}
    assert cg.procs_files() == [str(run / "cgroup.procs")]
    enforced = _describe_limits(L, cg)
    assert enforced["processes"] == "cgroup v2 pids.max=32"
    assert enforced["memory"] == f"cgroup v2 memory.max={MEM} (256 MB), memory.swap.max=0"


def test_v2_from_inside_the_leaf_creates_beside_it(tmp_path):
    root, proc = v2_tree(tmp_path, own=f"/user.slice/job/{CGROUP_LEAF}", procs="")
    (root / "user.slice" / "job" / "cgroup.subtree_control").write_text("memory pids")
    cg = _Cgroups(L, root, proc, name="run2")
    assert cg.groups["pids"] == root / "user.slice" / "job" / "run2"


def test_v2_trips_and_kill(tmp_path, fake_kernel):
    root, proc = v2_tree(tmp_path)
    cg = _Cgroups(L, root, proc, name="run1")
    run = root / "user.slice" / "job" / "run1"
    (run / "pids.events").write_text("max 7\n")
    assert cg.pids_tripped()
    (run / "memory.events").write_text("low 0\nhigh 0\nmax 4\noom 0\noom_kill 0\n")
    assert not cg.memory_tripped(failed=False) and cg.memory_tripped(failed=True)
    (run / "memory.events").write_text("low 0\nhigh 0\nmax 4\noom 1\noom_kill 1\n")
    assert cg.memory_tripped(failed=False)
    (run / "cgroup.kill").write_text("0")
    cg.kill_all()
    assert (run / "cgroup.kill").read_text() == "1"


def test_v2_unified_at_the_hybrid_mount(tmp_path):
    root = tree(tmp_path / "cg", {"unified/cgroup.controllers": "memory pids", "unified/cgroup.subtree_control":
                                  "memory pids", "unified/cgroup.procs": "1\n", "proc_cgroup": "0::/\n"})
    cg = _Cgroups(L, root, root / "proc_cgroup", name="run1")
    assert cg.version == {"pids": 2, "memory": 2}
    assert (root / "unified" / "run1" / "pids.max").read_text() == "32"


def test_no_usable_cgroup_falls_back_and_says_why(tmp_path, monkeypatch):
    root = tree(tmp_path / "cg", {"cgroup.controllers": "cpu io", "cgroup.subtree_control": "",
                                  "cgroup.procs": "", "proc_cgroup": "0::/\n"})
    cg = _Cgroups(L, root, root / "proc_cgroup", name="run1")
    assert cg.groups == {} and cg.procs_files() == []
    monkeypatch.setattr(executor.os, "geteuid", lambda: 0)
    enforced = _describe_limits(L, cg)
    assert enforced["processes"].startswith("not enforced (RLIMIT_NPROC does not apply to root; cgroup v2")
    assert "offers neither pids nor memory" in enforced["processes"]
    assert enforced["memory"].startswith("RLIMIT_DATA=256 MB (cgroup v2")
    monkeypatch.setattr(executor.os, "geteuid", lambda: 1000)
    assert _describe_limits(L, cg)["processes"].startswith("RLIMIT_NPROC=32 (")


def test_v2_enable_failing_otherwise_falls_back(tmp_path, monkeypatch):
    root, proc = v2_tree(tmp_path, procs="")
    real_write = executor._write

    def write(path, value):
        if Path(path).name == "cgroup.subtree_control":
            raise OSError(errno.EACCES, "Permission denied")
        real_write(path, value)

    monkeypatch.setattr(executor, "_write", write)
    cg = _Cgroups(L, root, proc, name="run1")
    assert cg.groups == {}
    assert "cannot enable +memory +pids: Permission denied" in cg.why["pids"]


def test_run_reports_and_detects_through_the_fake_tree(tmp_path, monkeypatch, fake_kernel):
    # The whole run against a fake v2 tree: the child writes its pid into the fake group, the
    # limits reported are the fake group's, and an OOM kill recorded there becomes status "memory".
    root, proc = v2_tree(tmp_path, procs="")
    monkeypatch.setattr(executor, "CGROUP_ROOT", root)
    monkeypatch.setattr(executor, "PROC_CGROUP", proc)
    real_write = executor._write

    def write(path, value):
        real_write(path, value)
        if Path(path).name == "memory.max":  # the kernel's files of a new group, and an OOM kill
            (Path(path).parent / "cgroup.procs").write_text("")
            (Path(path).parent / "memory.events").write_text("max 1\noom 1\noom_kill 1\n")

    monkeypatch.setattr(executor, "_write", write)
    r = executor.run(["python3", "-c", "print('hi')"], limits=L)
    assert r.enforced["processes"] == "cgroup v2 pids.max=32"
    assert r.enforced["memory"].startswith("cgroup v2 memory.max=")
    assert r.status == "memory" and r.stdout == "hi\n"
    groups = [p for p in (root / "user.slice" / "job").iterdir() if p.name.startswith("codescale-") and p.name
              != CGROUP_LEAF]
    assert len(groups) == 1 and (groups[0] / "cgroup.procs").read_text().split()  # the child joined


def test_run_without_cgroups_when_joining_fails(tmp_path, monkeypatch):
    # A group that can be created but not entered (here: no cgroup.procs in it): the program
    # still runs, without cgroups, and the Result says why.
    root, proc = v2_tree(tmp_path, procs="")
    monkeypatch.setattr(executor, "CGROUP_ROOT", root)
    monkeypatch.setattr(executor, "PROC_CGROUP", proc)
    r = executor.run(["python3", "-c", "print('hi')"], limits=L)
    assert r.ok and r.stdout == "hi\n"
    assert "joining the cgroup failed" in r.enforced["memory"]
