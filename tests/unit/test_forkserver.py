"""The warm fork server: a job's function runs in a forked child with the job's directory,
environment and output; results and errors come back; nothing outlives its job; and a training run
trained there is bit for bit the run trained in the job's own process."""

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from codescale import forkserver
from codescale.artifacts import tree_digest
from codescale.train import loop

HERE = Path(__file__).resolve().parent


@pytest.fixture
def light(monkeypatch, tmp_path):
    """A server that preloads only ``json`` (starts in a fraction of a second), in its own directory."""
    monkeypatch.setattr(forkserver, "PRELOAD", ("json",))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "run"))
    (tmp_path / "run").mkdir()
    monkeypatch.delenv("SLURM_JOB_ID", raising=False)
    monkeypatch.delenv("CODESCALE_FORKSERVER", raising=False)
    if not forkserver.enabled()[0]:
        pytest.skip(f"no fork server on this machine: {forkserver.enabled()[1]}")
    return tmp_path


def where(label):
    print(f"out {label}")
    print(f"err {label}", file=sys.stderr)
    return {"pid": os.getpid(), "server": os.getppid(), "cwd": os.getcwd(),
            "env": os.environ.get("FORKSERVER_TEST"), "label": label}


def fail(message):
    raise ValueError(message)


def die():
    os._exit(7)


def sleep_then_mark(pidfile, seconds):
    Path(pidfile).write_text(str(os.getpid()))
    time.sleep(seconds)


def test_runs_in_a_child_with_the_jobs_directory_environment_and_output(light, monkeypatch, capfd):
    monkeypatch.chdir(light)
    monkeypatch.setenv("FORKSERVER_TEST", "yes")
    first = forkserver.call(where, label="a")
    second = forkserver.call(where, label="b")
    assert first["pid"] != os.getpid() and second["pid"] not in (os.getpid(), first["pid"])
    assert first["cwd"] == str(light) and first["env"] == "yes" and second["label"] == "b"
    out, err = capfd.readouterr()
    assert "out a" in out and "out b" in out and "err a" in err and "err b" in err
    assert first["server"] == second["server"] != os.getpid()  # one server, reused


def test_an_error_comes_back_with_its_type_and_the_childs_traceback(light):
    with pytest.raises(ValueError, match="bad input") as info:
        forkserver.call(fail, message="bad input")
    assert any("forked worker" in note and "in fail" in note for note in info.value.__notes__)


def test_a_dead_child_is_an_error_naming_the_function(light):
    with pytest.raises(forkserver.WorkerError, match="die"):
        forkserver.call(die)


def test_switched_off_it_runs_in_this_process(light, monkeypatch, capfd):
    monkeypatch.setenv("CODESCALE_FORKSERVER", "0")
    assert forkserver.call(where, label="c")["pid"] == os.getpid()
    assert "running in this process: CODESCALE_FORKSERVER=0" in capfd.readouterr().err
    monkeypatch.setenv("CODESCALE_FORKSERVER", "1")
    monkeypatch.setenv("SLURM_JOB_ID", "42")
    assert forkserver.enabled() == (False, "inside a SLURM job")


def test_a_killed_server_is_replaced_and_a_second_one_stands_down(light):
    server = forkserver.call(where, label="d")["server"]
    key = forkserver.server_key(forkserver.PRELOAD)
    second = subprocess.run([sys.executable, "-m", "codescale.forkserver", key, "json"], capture_output=True,
                            text=True, timeout=60, env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert second.returncode == 0 and "another server holds this key" in second.stderr
    os.kill(server, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while _alive(server):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert forkserver.call(where, label="e")["server"] not in (server, os.getpid())


def test_the_child_exits_when_its_job_is_killed(light, tmp_path):
    pidfile = tmp_path / "worker.pid"
    job = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys; sys.path.insert(0, {str(HERE)!r})
        from codescale import forkserver
        forkserver.PRELOAD = ("json",)
        import test_forkserver
        forkserver.call(test_forkserver.sleep_then_mark, pidfile={str(pidfile)!r}, seconds=120)
        """)], env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    deadline = time.monotonic() + 60
    while not pidfile.exists() or not pidfile.read_text():
        assert time.monotonic() < deadline and job.poll() is None, "the worker never started"
        time.sleep(0.1)
    worker = int(pidfile.read_text())
    job.send_signal(signal.SIGKILL)
    job.wait()
    deadline = time.monotonic() + 10
    while _alive(worker):
        assert time.monotonic() < deadline, f"worker {worker} outlived its job"
        time.sleep(0.1)


def _alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


def train_and_digest(spec, run_dir, tokens_dir):
    loop.train_run(spec, run_dir, tokens_dir, log_interval=2)
    return tree_digest(Path(run_dir) / "checkpoint")


def test_training_in_the_warm_child_equals_training_here(tokens_dir, tmp_path, monkeypatch):
    from tests.unit.train.test_loop import tiny_spec

    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    if not forkserver.enabled()[0]:
        pytest.skip(forkserver.enabled()[1])
    spec = tiny_spec()
    here = train_and_digest(spec, tmp_path / "here", tokens_dir)
    warm = forkserver.call(train_and_digest, spec=spec, run_dir=tmp_path / "warm", tokens_dir=tokens_dir)
    assert warm == here
