"""Workflow tests run Snakemake for real on tests/workflow/smoke.yaml in a scratch directory."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SMOKE = REPO / "tests" / "workflow" / "smoke.yaml"
SNAKEMAKE = Path(sys.executable).parent / "snakemake"


def snakemake(workdir: Path, *args: str, env: dict | None = None, check: bool = True,
              timeout: int = 1200) -> subprocess.CompletedProcess:
    cmd = [str(SNAKEMAKE), "-s", str(REPO / "Snakefile"), "--configfile", str(SMOKE),
           "--directory", str(workdir), "--cores", "2", *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})
    if check and proc.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} failed ({proc.returncode}):\n"
                             f"{proc.stdout[-4000:]}\n{proc.stderr[-8000:]}")
    return proc


def prepare_workdir(workdir: Path) -> Path:
    """The smoke config's local inputs under ``workdir/resources`` (scripts/smoke_resources.sh)."""
    workdir.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(["bash", str(REPO / "scripts" / "smoke_resources.sh"), str(workdir)],
                          capture_output=True, text=True)
    if proc.returncode == 77:
        pytest.skip(proc.stderr.strip())
    assert proc.returncode == 0, proc.stderr
    return workdir


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("snakemake-output-cache")


@pytest.fixture(scope="session")
def smoke_run(tmp_path_factory, cache_dir):
    """One full smoke run with the between-workflow cache on; shared by the workflow tests."""
    workdir = prepare_workdir(tmp_path_factory.mktemp("smoke"))
    proc = snakemake(workdir, "--cache", env={"SNAKEMAKE_OUTPUT_CACHE": str(cache_dir)})
    return workdir, proc
