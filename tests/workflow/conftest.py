"""Workflow tests run Snakemake for real on tests/workflow/smoke.yaml in a scratch directory."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SMOKE = REPO / "tests" / "workflow" / "smoke.yaml"
SNAKEMAKE = Path(sys.executable).parent / "snakemake"


def smoke_js_source() -> Path:
    """Real JavaScript that needs no network: npm's own sources, installed with node."""
    npm = shutil.which("npm")
    if npm:
        root = subprocess.run([npm, "root", "-g"], capture_output=True, text=True).stdout.strip()
        if root and (Path(root) / "npm").is_dir():
            return Path(root) / "npm"
    pytest.skip("npm's own sources are needed as the smoke test's JavaScript")


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
    workdir.mkdir(parents=True, exist_ok=True)
    js = workdir / "resources" / "smoke_js" / "npm"
    if not js.exists():
        src = smoke_js_source()
        shutil.copytree(src, js, ignore=shutil.ignore_patterns("*.md", "man", "docs", "*.json"),
                        symlinks=True)
    shutil.copy(Path(__file__).parent / "data" / "user_eval.jsonl", workdir / "resources" / "user_eval.jsonl")
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
