"""grid: wsd for real: Snakemake trains one stable run per (language, model) and branches every
budget from its checkpoints; a rerun does nothing; changing one budget reruns only its branch."""

import json
import re
import subprocess

import pytest
import yaml

from codescale.experiments.grid import token_label

from .conftest import REPO, SMOKE, SNAKEMAKE, prepare_workdir

pytestmark = pytest.mark.workflow

LANGS, MODELS = ("python", "javascript"), ("s1", "s2")


def wsd_config(tokens):
    """The smoke config, standalone, with only the scaling family, as a WSD grid."""
    config = yaml.safe_load(SMOKE.read_text())
    config["standalone"] = True
    config["evaluate"] = {"valid_sequences": 4}
    config["experiments"] = {"scaling": {"models": list(MODELS), "tokens": tokens, "grid": "wsd",
                                         "decay_fraction": 0.25, "decay_shape": "linear"}}
    return config


def targets(tokens):
    return [f"results/eval/scaling-{lang}-{m}-t{token_label(t)}/valid_loss.json"
            for lang in LANGS for m in MODELS for t in tokens]


def snakemake(workdir, config, tokens, *args):
    path = workdir / "wsd.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    cmd = [str(SNAKEMAKE), "-s", str(REPO / "Snakefile"), "--configfile", str(path), "--directory",
           str(workdir), "--cores", "2", *args, *targets(tokens)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-6000:]
    return proc.stdout + proc.stderr


def planned(text):
    if "Nothing to be done" in text:
        return {}
    stats = text.split("Job stats:", 1)[1].split("Reasons:", 1)[0]
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"^(\w+)\s+(\d+)$", stats, re.M)
            if m.group(1) != "total"}


def job_inputs(text, rule):
    """Dry-run job blocks of ``rule``: output run id -> its input files."""
    jobs = {}
    for block in re.split(r"\n(?=(?:local)?rule \w+:)", text):
        if re.match(rf"(?:local)?rule {rule}:", block.strip()):
            inputs = re.search(r"input: (.*)", block).group(1).split(", ")
            run = re.search(r"output: results/runs/([^/]+)/", block).group(1)
            jobs[run] = inputs
    return jobs


@pytest.fixture(scope="module")
def wsd_run(tmp_path_factory):
    workdir = prepare_workdir(tmp_path_factory.mktemp("wsd"))
    tokens = [1024, 2048, 4096]   # 4, 8, 16 steps of 8 × 32 tokens: branch points 3, 6, 12
    dry = snakemake(workdir, wsd_config(tokens), tokens, "-n")
    snakemake(workdir, wsd_config(tokens), tokens)
    return workdir, tokens, dry


def test_branches_depend_on_the_stable_runs_checkpoints(wsd_run):
    workdir, tokens, dry = wsd_run
    rules = planned(dry)
    assert rules["train_stable_run"] == 4 and rules["train_model"] == 12
    assert rules["plan_run"] == 16
    branches = job_inputs(dry, "train_model")
    for lang in LANGS:
        for m in MODELS:
            for t in tokens:
                stable = f"results/runs/scaling-{lang}-{m}-stable/points.digest.json"
                assert stable in branches[f"scaling-{lang}-{m}-t{token_label(t)}"]
    stables = job_inputs(dry, "train_stable_run")
    assert sorted(stables) == sorted(f"scaling-{lang}-{m}-stable" for lang in LANGS for m in MODELS)


def test_stable_run_and_branches_share_one_trajectory(wsd_run):
    workdir, tokens, _ = wsd_run
    runs = workdir / "results/runs"
    stable = runs / "scaling-python-s1-stable"
    assert sorted(p.name for p in (stable / "points").glob("step*")) == ["step12", "step3", "step6"]
    assert json.loads((stable / "spec.json").read_text())["stable"] == {"points": [3, 6, 12]}
    stable_records = [json.loads(x) for x in (stable / "metrics.jsonl").read_text().splitlines()]
    for t, point in zip(tokens, (3, 6, 12), strict=True):
        run = runs / f"scaling-python-s1-t{token_label(t)}"
        spec = json.loads((run / "spec.json").read_text())
        assert spec["branch"] == {"from": "scaling-python-s1-stable", "step": point, "decay_start": point}
        assert spec["schedule"]["decay_steps"] == t // 256 - point
        records = [json.loads(x) for x in (run / "metrics.jsonl").read_text().splitlines()]
        before = [r for r in records if r["step"] <= point]
        assert before == [r for r in stable_records if r["step"] <= point]
        assert records[-1]["tokens"] == t and records[-1]["job_tokens"] == t - point * 256
        assert all("job_tokens" not in r for r in before)
        assert json.loads((workdir / f"results/eval/{run.name}/valid_loss.json").read_text())["results"]
    assert not (runs / "scaling-python-s1-stable" / "checkpoint").exists()
    assert not (workdir / "results/eval/scaling-python-s1-stable").exists()


def test_rerun_does_nothing_and_one_changed_budget_reruns_only_its_branch(wsd_run):
    workdir, tokens, _ = wsd_run
    assert planned(snakemake(workdir, wsd_config(tokens), tokens, "-n")) == {}
    changed = [1024, 3072, 4096]   # 12 steps: branch point 9, from the ladder's checkpoint at 6
    dry = snakemake(workdir, wsd_config(changed), changed, "-n")
    assert planned(dry) == {"plan_run": 4, "train_model": 4}
    assert sorted(job_inputs(dry, "train_model")) == sorted(
        f"scaling-{lang}-{m}-t3072" for lang in LANGS for m in MODELS)
    snakemake(workdir, wsd_config(changed), changed)
    run = workdir / "results/runs/scaling-javascript-s2-t3072"
    assert json.loads((run / "spec.json").read_text())["branch"]["step"] == 6
    records = [json.loads(x) for x in (run / "metrics.jsonl").read_text().splitlines()]
    assert records[-1]["step"] == 12 and records[-1]["job_tokens"] == 6 * 256
    assert planned(snakemake(workdir, wsd_config(changed), changed, "-n")) == {}
