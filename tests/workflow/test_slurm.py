"""The cluster path for real: a single-node SLURM (Debian's slurmctld/slurmd/munge, started by
scripts/slurm_cluster.sh) runs the smoke config through profiles/slurm with the between-workflow
cache on. Its outputs must equal the local run's; a second workflow must restore the cached jobs
from the shared cache; a training job killed mid-run must be retried and resume to the same result.

Needs root (the daemons run as root) and Debian's packages (installed by the script when
missing); skipped with the script's reason where that is not possible."""

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import torch
import yaml

from codescale.train.loop import load_model_state

from .conftest import REPO, SMOKE, SNAKEMAKE, prepare_workdir

pytestmark = pytest.mark.workflow

# Fields that measure time, not results: the only differences allowed between two runs.
TIMING_KEYS = {"seconds", "tokens_per_s", "mfu", "mean_seconds_per_language", "programs_per_second_per_core"}
HARD_TIMEOUT = 1200  # seconds for one workflow; the workflow is interrupted (SIGINT) after it



@pytest.fixture(scope="module")
def slurm():
    """Start the local cluster; yields the environment its clients need; stops it at the end."""
    # the script creates the state dir itself: munged (user munge) must be able to reach it, and
    # pytest's temporary directories are private to root
    state = Path(tempfile.gettempdir()) / f"codescale-slurm-test-{os.getpid()}"
    script = REPO / "scripts" / "slurm_cluster.sh"
    proc = subprocess.run(["bash", str(script), "start", str(state)], capture_output=True, text=True,
                          timeout=600)
    if proc.returncode == 77:
        pytest.skip(f"no local SLURM cluster here: {proc.stderr.strip()}")
    assert proc.returncode == 0, f"slurm_cluster.sh start failed:\n{proc.stdout}\n{proc.stderr}"
    yield {"SLURM_CONF": str(state / "slurm.conf")}
    subprocess.run(["bash", str(script), "stop", str(state)], capture_output=True, timeout=120)
    shutil.rmtree(state, ignore_errors=True)


def snakemake_slurm(workdir: Path, env: dict, *args: str, configfile: Path = SMOKE,
                    background: bool = False):
    """Snakemake with `--profile slurm` (as a user types it in the repository root, where ./slurm
    links to profiles/slurm), under a hard timeout. The test cluster has no accounting, so jobs
    are polled with squeue (it keeps finished jobs for an hour: MinJobAge)."""
    cmd = ["timeout", "-s", "INT", "-k", "60", str(HARD_TIMEOUT), str(SNAKEMAKE), "-s", str(REPO / "Snakefile"),
           "--configfile", str(configfile), "--directory", str(workdir), "--profile", "slurm",
           "--slurm-status-command", "squeue", "--slurm-init-seconds-before-status-checks", "1", *args]
    kwargs = dict(cwd=REPO, env={**os.environ, **env}, text=True)
    if background:
        return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, **kwargs)
    proc = subprocess.run(cmd, capture_output=True, **kwargs)
    assert proc.returncode == 0, f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr[-10000:]}"
    return proc


def _strip_timing(obj):
    if isinstance(obj, dict):
        return {k: _strip_timing(v) for k, v in obj.items() if k not in TIMING_KEYS}
    if isinstance(obj, list):
        return [_strip_timing(v) for v in obj]
    return obj


def _result_files(workdir: Path) -> list[Path]:
    """Files under results/, through the links --cache leaves to restored or stored outputs,
    without Snakemake's directory timestamps."""
    return sorted((Path(root) / name).relative_to(workdir)
                  for root, _, names in os.walk(workdir / "results", followlinks=True)
                  for name in names if name != ".snakemake_timestamp")


def assert_same_results(a: Path, b: Path) -> int:
    """Every file under a/results equals b's, up to timing fields; PDFs (which embed their
    creation date) must exist on both sides. Returns the number of files compared."""
    files_a, files_b = _result_files(a), _result_files(b)
    assert files_a == files_b, set(files_a) ^ set(files_b)
    for rel in files_a:
        x, y = a / rel, b / rel
        if rel.suffix == ".pdf":
            continue
        if rel.name.startswith("provenance"):
            # provenance.json and its report pages describe the run itself (its machine, commit,
            # job times), not its results: they differ between any two runs by design
            continue
        if rel.name.endswith(".digest.json"):
            # a digest hashes its directory's files, some of which hold timings; the files
            # themselves are compared one by one here, so compare the listings
            assert json.loads(x.read_text())["files"].keys() == json.loads(y.read_text())["files"].keys(), rel
            continue
        if rel.suffix == ".json":
            assert _strip_timing(json.loads(x.read_text())) == _strip_timing(json.loads(y.read_text())), rel
        elif rel.suffix == ".jsonl":
            rows = [[_strip_timing(json.loads(line)) for line in p.read_text().splitlines()] for p in (x, y)]
            assert rows[0] == rows[1], rel
        else:
            assert x.read_bytes() == y.read_bytes(), rel
    return len(files_a)


@pytest.fixture(scope="module")
def slurm_cache(tmp_path_factory):
    """The shared SNAKEMAKE_OUTPUT_CACHE of the cluster's workflows."""
    return tmp_path_factory.mktemp("slurm-output-cache")


@pytest.fixture(scope="module")
def slurm_run(slurm, slurm_cache, tmp_path_factory):
    """The smoke config through the slurm profile, storing the cached rules' outputs."""
    workdir = prepare_workdir(tmp_path_factory.mktemp("slurm-smoke"))
    snakemake_slurm(workdir, {**slurm, "SNAKEMAKE_OUTPUT_CACHE": str(slurm_cache)}, "--cache")
    return workdir


def test_smoke_through_slurm_equals_local_run(smoke_run, slurm_run):
    workdir = slurm_run
    logs = list((workdir / ".snakemake" / "slurm_logs").rglob("*.log"))
    assert logs, "no job went through SLURM"
    assert (workdir / ".snakemake/slurm_logs/rule_train_model").is_dir()
    assert assert_same_results(smoke_run[0], workdir) > 150


# Cached rules whose jobs run on the cluster (each job's own Snakemake fetches or stores), and one
# (fetch_sources, a local rule) that the workflow runs itself.
CACHED_RULES = ("fetch_sources", "build_corpus", "train_tokenizer", "tokenize_shard", "tokenize_language",
                "synthesize_parallel_corpus",
                "tokenize_parallel", "train_model", "evaluate_run", "fit_language_laws", "optimize_allocation")


def test_second_workflow_restores_cached_jobs_from_the_shared_cache(slurm, slurm_cache, slurm_run, tmp_path):
    """Workflow A (slurm_run) stored with a bare `--cache`, as a user types it; workflow B, the
    same study in another directory, restores every cached job (the Snakefile names the cached
    rules so that the cluster jobs get `--cache` too) and runs only the uncached ones."""
    assert (slurm_run / "results/tokenizer/tokenizer.json").resolve().is_relative_to(slurm_cache), \
        "workflow A did not store its outputs in the cache"
    run = sorted(p.parent.name for p in (slurm_run / "results/eval").glob("strategy-pairing-*/tasks"))[0]
    other = prepare_workdir(tmp_path / "other")
    snakemake_slurm(other, {**slurm, "SNAKEMAKE_OUTPUT_CACHE": str(slurm_cache)}, "--cache")
    assert (other / ".snakemake/slurm_logs/rule_filter_documents").is_dir()  # jobs went through SLURM
    for rule in CACHED_RULES:
        logs = list((other / "logs" / rule).rglob("*.log"))
        assert logs, f"no {rule} job in workflow B"
        # restored: the script never ran, and it always writes its log when it runs
        written = [p for p in logs if p.stat().st_size > 0]
        assert not written, f"{rule} ran instead of being restored: {written}"
    assert (other / "logs/filter_documents").is_dir() and \
        all(p.stat().st_size > 0 for p in (other / "logs/filter_documents").rglob("*.log"))  # not cached: ran
    for rel in (f"results/eval/{run}/valid_loss.json", f"results/runs/{run}/metrics.jsonl"):
        assert (other / rel).resolve() == (slurm_run / rel).resolve()  # the same entry of the cache
        assert (other / rel).resolve().is_relative_to(slurm_cache)
    tasks = sorted(p.relative_to(other) for p in (other / f"results/eval/{run}/tasks").iterdir()
                   if p.name != ".snakemake_timestamp")
    assert tasks and all((other / p).read_bytes() == (slurm_run / p).read_bytes() for p in tasks)


RUN = "scaling-python-s2-t200k"  # 782 steps of 256 tokens: long enough to kill mid-run


def _kill_config(tmp_path: Path) -> Path:
    cfg = yaml.safe_load(SMOKE.read_text())
    cfg["train"]["checkpoint_interval"] = 100
    cfg["experiments"]["scaling"]["tokens"].append(200000)
    path = tmp_path / "kill.yaml"
    path.write_text(yaml.safe_dump(cfg, sort_keys=False))
    return path


def test_training_killed_mid_run_resumes_to_the_same_result(slurm, slurm_run, tmp_path):
    config = _kill_config(tmp_path)
    target = f"results/eval/{RUN}/valid_loss.json"
    killed, reference = tmp_path / "killed", tmp_path / "reference"
    for d in (killed, reference):  # the smoke run's corpus, tokens and metadata: only the run is new
        shutil.copytree(slurm_run, d)  # copies what the links into the cache point to
    proc = snakemake_slurm(killed, slurm, target, configfile=config, background=True)
    state = killed / "results/runs" / RUN / "resume" / "state.pt"
    deadline = time.time() + HARD_TIMEOUT
    while not state.exists():
        assert proc.poll() is None, f"the workflow ended before the first checkpoint:\n{proc.stdout.read()}"
        assert time.time() < deadline, "no checkpoint appeared"
        time.sleep(0.2)
    jobs = subprocess.run(["squeue", "-h", "-t", "RUNNING", "-o", "%i %k"], capture_output=True, text=True,
                          env={**os.environ, **slurm}, check=True).stdout.split("\n")
    job = [line.split()[0] for line in jobs if "train_model" in line and RUN in line]
    assert len(job) == 1, jobs
    subprocess.run(["scancel", "--signal=KILL", "--full", job[0]], env={**os.environ, **slurm}, check=True)
    out, _ = proc.communicate(timeout=HARD_TIMEOUT + 120)
    assert proc.returncode == 0, out[-10000:]
    log = (killed / "logs/train_model" / f"{RUN}.log").read_text()
    assert f"resuming {RUN} from step" in log, log[-3000:]
    assert int(log.split(f"resuming {RUN} from step ")[1].split()[0]) >= 100

    subprocess.run([str(SNAKEMAKE), "-s", str(REPO / "Snakefile"), "--configfile", str(config), "--directory",
                    str(reference), "--cores", "2", target], check=True, capture_output=True, timeout=HARD_TIMEOUT)
    a, b = (load_model_state(d / "results/runs" / RUN / "checkpoint") for d in (killed, reference))
    assert a["step"] == b["step"] == 782  # 200,000 tokens / 256 per step, rounded up
    for key, value in b["model"].items():
        if torch.is_tensor(value):
            assert torch.allclose(value, a["model"][key], atol=1e-6), key
    rows = [[_strip_timing(json.loads(line)) for line in (d / "results/runs" / RUN / "metrics.jsonl")
             .read_text().splitlines()] for d in (killed, reference)]
    assert rows[0] == rows[1]
    assert not (killed / "results/runs" / RUN / "resume").exists()
    assert _strip_timing(json.loads((killed / target).read_text())) == \
        _strip_timing(json.loads((reference / target).read_text()))


def test_interrupted_workflow_leaves_no_job_behind(slurm, tmp_path):
    """SIGINT (what the hard timeout sends) cancels the workflow's queued and running jobs."""
    workdir = prepare_workdir(tmp_path / "interrupted")
    proc = snakemake_slurm(workdir, slurm, background=True)
    logs = workdir / ".snakemake" / "slurm_logs"
    deadline = time.time() + 300
    while not (logs.exists() and any(logs.rglob("*.log"))):
        assert proc.poll() is None and time.time() < deadline, "no job was submitted"
        time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=300)  # `timeout` passes the signal on to snakemake
    deadline = time.time() + 60  # scancel is asynchronous: a cancelled job may show RUNNING a while
    while True:
        left = subprocess.run(["squeue", "-h", "-t", "PENDING,RUNNING", "-o", "%i %j %T"], capture_output=True,
                              text=True, env={**os.environ, **slurm}, check=True).stdout.strip()
        if not left or time.time() > deadline:
            break
        time.sleep(1)
    assert not left, f"jobs left running 60 s after the interrupt: {left}"
