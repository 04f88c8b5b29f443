"""Snakemake for real: lint, dry-runs of the shipped configs, the smoke run end to end, and the
rerun and cache behaviour promised in the README."""

import json
import os
import re
import shutil
import subprocess

import pandas as pd
import pytest
import yaml

from codescale.artifacts import digested_directory, read_json, tree_digest

from .conftest import REPO, SMOKE, SNAKEMAKE, prepare_workdir, snakemake

pytestmark = pytest.mark.workflow


def planned_rules(proc: subprocess.CompletedProcess) -> dict[str, int]:
    """Rule -> job count from a dry-run's job stats table."""
    text = proc.stdout + proc.stderr
    if "Nothing to be done" in text:
        return {}
    stats = text.split("Job stats:", 1)[1].split("Reasons:", 1)[0]
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"^(\w+)\s+(\d+)$", stats, re.M)
            if m.group(1) != "total"}


def test_lint_is_clean():
    proc = subprocess.run([str(SNAKEMAKE), "--lint"], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Lints for" not in proc.stdout + proc.stderr, proc.stdout + proc.stderr


@pytest.mark.parametrize("config", sorted(p.name for p in (REPO / "config").glob("*.yaml")))
def test_dry_run_of_shipped_config(config):
    args = [] if config == "config.yaml" else ["--configfile", f"config/{config}"]
    proc = subprocess.run([str(SNAKEMAKE), "-n", "--quiet", "rules", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_paper_study_builds_through_the_slurm_profile():
    """`snakemake -n --profile slurm --configfile config/paper.yaml`, as typed in the README: every
    run of the paper's study, sized for the cluster (bench/stage_times.py times it)."""
    proc = subprocess.run([str(SNAKEMAKE), "-n", "--profile", "slurm", "--configfile", "config/paper.yaml"],
                          cwd=REPO, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    rules = planned_rules(proc)
    # 420 scaling + 28 × 3 seeds synergy + 64 mixtures + 40 strategy + 2 allocation, all multi-GPU
    assert rules["train_model_distributed"] == rules["plan_run"] == 610
    assert "train_model" not in rules
    # 7 languages + text, each in corpus.shard_bytes-sized shards (2 GB of a 400 GB cap: 200)
    assert rules["filter_documents"] == rules["assemble_documents"] == rules["tokenize_shard"] == 8 * 200
    text = proc.stdout + proc.stderr

    def resources(run):
        block = text.split(f"log: logs/train_model_distributed/{run}.log", 1)[1]
        return dict(kv.split("=", 1) for kv in block.split("resources: ", 1)[1].split("\n", 1)[0].split(", "))

    big = resources("strategy-pairing-m7b0-t64b")  # 128 GPUs: 16 nodes of 8, one rank per GPU
    assert (big["nodes"], big["gres"], big["tasks_per_node"], big["mpi"]) == ("16", "gpu:8", "8", "srun")
    assert big["slurm_partition"] == "gpu" and 30 < int(big["runtime"]) <= 2880
    small = resources("scaling-python-m100m-t2b")  # 8 GPUs: one node (torchrun)
    assert small["nodes"] == "1" and int(small["runtime"]) < int(big["runtime"])


def test_malformed_config_fails_before_any_job(tmp_path):
    bad = yaml.safe_load(SMOKE.read_text())
    bad["train"]["batch"]["globl"] = 8
    (tmp_path / "bad.yaml").write_text(yaml.safe_dump(bad))
    proc = subprocess.run([str(SNAKEMAKE), "-s", str(REPO / "Snakefile"), "--configfile",
                           str(tmp_path / "bad.yaml"), "-n"], cwd=tmp_path, capture_output=True,
                          text=True)
    assert proc.returncode != 0
    assert "globl" in proc.stdout + proc.stderr
    assert not (tmp_path / "results").exists()


def test_smoke_run_produces_every_artifact(smoke_run):
    workdir, _ = smoke_run
    res = workdir / "results"
    summary = pd.read_parquet(res / "eval/summary.parquet")
    assert set(summary.family) == {"scaling", "synergy", "mixtures", "strategy", "allocation"}
    # the run used --cache: two organizations of one corpus must not share a cache key
    bins = {o: (res / f"tokens/parallel_{o}/train.bin").read_bytes() for o in ("shuffled", "pairing")}
    assert bins["shuffled"] != bins["pairing"]
    valid = summary[summary.task == "valid_loss"]
    assert set(valid.lang_or_direction) == {"python", "javascript"}
    assert summary[summary.metric == "loss"].value.between(0, 20).all()
    # Strategy runs: translation per direction (seen: Python↔X) and HumanEval, from the sandbox.
    tr = summary[summary.task == "translation"]
    assert set(tr.run) == {"strategy-shuffled-s1-t1024", "strategy-pairing-s1-t1024"}
    assert set(zip(tr.lang_or_direction, tr.direction_kind, strict=True)) == {("python->javascript", "seen"),
                                                                              ("javascript->python", "seen")}
    assert {"loss", "bleu", "pass@1", "items"} <= set(tr.metric)
    assert tr[tr.metric == "pass@1"].value.between(0, 1).all()
    he = summary[summary.task == "humaneval"]
    assert set(he.metric) >= {"pass@1", "problems"} and (he[he.metric == "problems"].value == 3).all()
    task = json.loads((res / "eval/strategy-pairing-s1-t1024/tasks/translation.json").read_text())
    assert task["format"] == "pairing" and task["window"] == 64
    shuffled = json.loads((res / "eval/strategy-shuffled-s1-t1024/tasks/translation.json").read_text())
    assert shuffled["format"] == "prompt"
    assert (res / "figures/strategy_translation.png").stat().st_size > 1000
    assert set(pd.read_csv(res / "eval/strategy.csv").organization) == {"shuffled", "pairing"}
    spec = json.loads((res / "runs/strategy-pairing-s1-t1024/spec.json").read_text())
    assert spec["blend"]["prefixes"][0] == "parallel_pairing/train" and spec["model"]["seq"] == 64
    laws = json.loads((res / "laws/language_laws.json").read_text())
    assert set(laws) == {"python", "javascript"}
    assert all(len(fit["points"]) == 6 for fit in laws.values())
    # The paper's science: synergy with seed intervals, mixture models held out, translation laws.
    synergy = pd.read_csv(res / "laws/synergy.csv")
    assert set(zip(synergy.target, synergy.auxiliary, strict=True)) == {("python", "javascript"),
                                                                        ("javascript", "python")}
    assert (synergy.n_seeds == 2).all() and synergy.gain_ci_low.notna().all()
    self_spec = json.loads((res / "runs/synergy-python_python-s1-t1024-s1/spec.json").read_text())
    assert self_spec["blend"]["epochs"] == 2 and self_spec["seed"] == 2  # train.seed 1 + seed 1
    mixture = json.loads((res / "laws/mixture_laws.json").read_text())
    assert mixture["chosen"] in ("paper", "transfer", "independent") and mixture["chosen_reason"]
    assert {"paper", "transfer", "independent", "uniform"} <= set(mixture["models"])
    models = pd.read_csv(res / "laws/mixture_models.csv")
    assert set(models[models.scope == "run"].heldout) == {"mix01"}
    translation = pd.read_csv(res / "laws/translation_laws.csv")
    assert set(translation.organization) == {"shuffled", "pairing"}
    assert translation.skipped.notna().all()  # one point per organization: every fit says why not
    alloc_json = json.loads((res / "allocation/b2k/allocation.json").read_text())
    assert alloc_json["law"]["form"] == mixture["chosen"]
    assert alloc_json["bootstrap"]["draws"] >= 1 or alloc_json["law"]["form"] == "independent"
    assert set(alloc_json["unique_tokens"]) == {"python", "javascript"}
    for name in ("synergy_matrix", "mixture_models", "translation_laws"):
        assert (res / f"figures/{name}.png").stat().st_size > 1000
    comparison = pd.read_csv(res / "allocation/b2k/comparison.csv")
    assert set(comparison.mixture) == {"uniform", "optimized"}
    assert (comparison.seeds == 2).all() and comparison.ci95_low.notna().all()
    difference = pd.read_csv(res / "allocation/b2k/difference.csv").set_index("lang")
    assert difference.loc["average", "verdict"] in ("won", "lost", "tied")
    assert difference.loc["average", "ci95_low"] <= difference.loc["average", "ci95_high"]
    for name in ("loss_vs_tokens", "loss_vs_params", "allocation_b2k", "curation_removals"):
        assert (res / f"figures/{name}.png").stat().st_size > 1000
        assert (res / f"figures/{name}.pdf").stat().st_size > 1000
    for split in ("train", "valid"):
        assert (res / f"tokens/python/{split}.bin").stat().st_size > 0
        assert (res / f"tokens/python/{split}.idx").is_file()
    metrics = (res / "runs/scaling-python-s2-t2048/metrics.jsonl").read_text().splitlines()
    assert json.loads(metrics[-1])["tokens"] == 2048
    spec = json.loads((res / "runs/allocation-optimized-s1-t2048-s1/spec.json").read_text())
    alloc = json.loads((res / "allocation/b2k/allocation.json").read_text())
    props = alloc["mixtures"]["optimized"]["proportions"]
    assert spec["blend"]["weights"] == [round(props[k], 6) for k in sorted(props)]
    stats = pd.read_csv(res / "curate/summary.tsv", sep="\t")
    assert {"input", "kept", "undefined_name", "near_duplicate", "contaminated"} <= set(stats.step)
    curated = pd.read_parquet(res / "curate/python/part000.parquet")
    assert (curated.groupby(["source", "repo"]).order.min() == 0).all()
    assert (res / "curate/near_duplicates/python.parquet").is_file()
    assert (res / "curate/eval_ngrams.npz").is_file()
    flagged = pd.read_parquet(res / "curate/flagged/filter/python/part000.parquet")
    assert set(flagged.reason) <= set(stats.step)
    synth = json.loads((res / "synth/corpus/report.json").read_text())
    assert synth["programs"] == 4 and synth["verified"] + sum(synth["failed"].values()) == 4
    assert synth["user_pairs"] == {"train": 0, "eval": 1}
    assert "user:add-js-py" in set(pd.read_parquet(res / "synth/corpus/eval_pairs.parquet").program)
    for organization in ("shuffled", "pairing"):
        assert (res / f"tokens/parallel_{organization}/train.bin").stat().st_size > 0


def test_directory_digests_describe_their_directories(smoke_run):
    """Every directory a cached rule reads has a digest beside it that hashes exactly its files."""
    workdir, _ = smoke_run
    digests = [*workdir.glob("resources/sources/*.digest.json"), *workdir.glob("results/**/*.digest.json")]
    names = {str(p.relative_to(workdir)) for p in digests}
    assert {"results/synth/corpus.digest.json", "results/tokens/python.digest.json",
            "results/tokens/parallel_pairing.digest.json", "resources/sources/smoke_js.digest.json",
            "results/runs/strategy-pairing-s1-t1024/checkpoint.digest.json"} <= names
    for path in digests:
        assert read_json(path) == tree_digest(digested_directory(path)), path


def test_report_is_generated(smoke_run, tmp_path):
    workdir, _ = smoke_run
    snakemake(workdir, "--report", str(tmp_path / "report.html"))
    html = (tmp_path / "report.html").read_text(errors="replace")
    assert "loss_vs_tokens.png" in html and "allocation_b2k.png" in html


def test_second_run_does_nothing(smoke_run):
    workdir, _ = smoke_run
    assert planned_rules(snakemake(workdir, "-n")) == {}


def test_touching_without_change_reruns_nothing(smoke_run):
    workdir, _ = smoke_run
    for rel in ("results/curate/python/part000.parquet", "results/tokenizer/tokenizer.json",
                "results/runs/scaling-python-s1-t512/spec.json"):
        os.utime(workdir / rel)
    assert planned_rules(snakemake(workdir, "-n")) == {}


def test_threshold_change_reruns_curation_and_downstream_only(smoke_run, tmp_path):
    workdir, _ = smoke_run
    config = yaml.safe_load(SMOKE.read_text())
    config["curate"]["defaults"]["max_line_length"] = 900
    (tmp_path / "changed.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    proc = subprocess.run([str(SNAKEMAKE), "-s", str(REPO / "Snakefile"), "--configfile",
                           str(tmp_path / "changed.yaml"), "--directory", str(workdir), "-n"],
                          capture_output=True, text=True)
    rules = planned_rules(proc)
    assert rules.get("filter_documents") == 4          # 2 languages × 2 shards
    assert {"train_tokenizer", "tokenize_language", "train_model", "summarize_evaluation",
            "fit_language_laws", "plot_language_laws"} <= set(rules)
    assert "fetch_sources" not in rules and "build_corpus" not in rules
    assert "synthesize_parallel_corpus" not in rules


def test_decontamination_change_reruns_assembly_not_filters(smoke_run, tmp_path):
    workdir, _ = smoke_run
    config = yaml.safe_load(SMOKE.read_text())
    config["curate"]["decontaminate"] = {"ngram": 12}
    (tmp_path / "changed.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    proc = subprocess.run([str(SNAKEMAKE), "-s", str(REPO / "Snakefile"), "--configfile",
                           str(tmp_path / "changed.yaml"), "--directory", str(workdir), "-n"],
                          capture_output=True, text=True)
    rules = planned_rules(proc)
    assert rules.get("index_evaluation_data") == 1 and rules.get("assemble_documents") == 4
    assert "filter_documents" not in rules and "find_near_duplicates" not in rules
    assert "synthesize_parallel_corpus" not in rules and "train_model" in rules


def test_every_scripted_job_recorded_its_code_hash(smoke_run):
    """The smoke run's job records (.snakemake/metadata) hold, among their params, the hash of the
    rule's script's import closure: the param reaches every rule with a script."""
    from codescale.provenance import SCRIPTS, script_code_hash

    workdir, _ = smoke_run
    seen = set()
    for record in (workdir / ".snakemake" / "metadata").iterdir():
        meta = json.loads(record.read_text())
        rule = meta["rule"]
        if (SCRIPTS / f"{rule}.py").is_file():
            assert repr(script_code_hash(SCRIPTS / f"{rule}.py")) in meta["params"], (rule, meta["params"])
            seen.add(rule)
    assert {"fetch_sources", "filter_documents", "train_model", "optimize_allocation", "plot_curation"} <= seen


def provenance_triggered(proc: subprocess.CompletedProcess) -> set[str]:
    """Rules a dry run reruns because their params (the code hash among them) changed."""
    text = (proc.stdout + proc.stderr).split("Reasons:", 1)[-1]
    m = re.search(r"params have changed since last execution:\n\s+(.+)", text)
    return set(m.group(1).replace(" ", "").split(",")) if m else set()


# One module per stage, and the rules whose scripts reach it that Snakemake reruns by their params
# (it names one reason per job: a rule that reaches the module but sits downstream of another that
# does, such as evaluate_run after train_model, reruns by its updated inputs and is listed there).
CODE_EDITS = {
    "sources/fetch.py": {"fetch_sources"},
    "corpus/build.py": {"build_corpus"},
    "curate/filters.py": {"filter_documents"},
    "curate/near_duplicates.py": {"find_near_duplicates"},
    "curate/assembly.py": {"assemble_documents"},
    "curate/summary.py": {"summarize_curation"},
    # tokenize_language imports it too, but reruns for its inputs (the parts), which Snakemake reports
    "tokens/shards.py": {"tokenize_shard", "tokenize_parallel"},
    "synth/generate.py": {"synthesize_parallel_corpus"},
    "experiments/grid.py": {"plan_run"},
    "train/loop.py": {"train_model"},  # evaluate_run too, downstream of it
    "evaluate/tasks.py": {"evaluate_run"},
    # export, mixture laws, allocation and plots downstream of these two
    # and Table 1 beside the paper's (its script draws with codescale.laws.fit.Law; its input, the
    # synergy table, does not change)
    "laws/fit.py": {"fit_language_laws", "fit_translation_laws", "plot_paper_synergy"},
    "laws/mixture.py": {"fit_mixture_laws"},  # optimize_allocation downstream of it
    "laws/synergy.py": {"fit_synergy"},  # fit_mixture_laws downstream of it
    "allocate/optimize.py": {"optimize_allocation"},
    "figures/curation.py": {"plot_curation"},
}


# report_provenance reads every target (it records their wall times), so it and its pages follow
# any change.
SIDE_EDITS = {
    "curate/summary.py": {"summarize_curation", "plot_curation", "report_provenance", "report_provenance_pages", "all"},
    "figures/curation.py": {"plot_curation", "report_provenance", "report_provenance_pages", "all"},
}


def test_code_change_reruns_exactly_that_stage_and_downstream(smoke_run, tmp_path):
    """Edit one module of each stage in a copy of the package: exactly the rules whose scripts
    import it (transitively) rerun by their code hash, what follows them reruns by its inputs, and
    nothing upstream runs."""
    workdir, _ = smoke_run
    copy = tmp_path / "repo"
    copy.mkdir()
    for part in ("Snakefile", "workflow", "src", "config", "profiles", "envs"):
        src = REPO / part
        (shutil.copytree if src.is_dir() else shutil.copy)(src, copy / part)
    if (REPO / ".tools").exists():  # the project-local toolchains (tsc) belong to the copy too
        (copy / ".tools").symlink_to(REPO / ".tools")
    env = {**os.environ, "PYTHONPATH": str(copy / "src")}

    def dry():
        return subprocess.run([str(SNAKEMAKE), "-s", str(copy / "Snakefile"), "--configfile", str(SMOKE),
                               "--directory", str(workdir), "-n"], capture_output=True, text=True, env=env)

    assert planned_rules(dry()) == {}  # the same code at another path is the same code
    order = ["fetch_sources", "build_corpus", "filter_documents", "find_near_duplicates", "assemble_documents"]
    for module, expected in CODE_EDITS.items():
        path = copy / "src/codescale" / module
        original = path.read_text()
        path.write_text(original + "\n# an edit\n")
        try:
            proc = dry()
            assert provenance_triggered(proc) == expected, (module, proc.stdout[-3000:])
            rules = planned_rules(proc)
            # synthesis feeds assembly (decontamination against the held-out translations)
            feeds = order.index("assemble_documents") if module.startswith("synth/") else len(order)
            first = min((order.index(r) for r in expected if r in order), default=feeds)
            assert not set(order[:first]) & set(rules), (module, rules)  # nothing upstream
            assert "all" in rules
            if module in SIDE_EDITS:  # a step off the main line: exactly it and what reads it
                assert set(rules) == SIDE_EDITS[module], (module, rules)
        finally:
            path.write_text(original)


def test_between_workflow_cache_restores_instead_of_recomputing(smoke_run, cache_dir, tmp_path):
    assert any(cache_dir.iterdir()), "the smoke run stored nothing in the output cache"
    other = prepare_workdir(tmp_path / "other")
    snakemake(other, "--cache", env={"SNAKEMAKE_OUTPUT_CACHE": str(cache_dir)})
    logs = other / "logs"
    # Cached rules were restored: their scripts never ran, so their logs (which Snakemake
    # creates) stayed empty; the scripts always write to them when they run.
    for rule in ("fetch_sources", "build_corpus", "train_tokenizer", "tokenize_shard", "tokenize_language",
                 "train_model", "fit_language_laws"):
        written = [p for p in (logs / rule).rglob("*.log") if p.stat().st_size > 0]
        assert not written, f"{rule} ran instead of being restored: {written}"
    assert (logs / "compare_allocation/b2k.log").stat().st_size > 0  # not cached: it ran
    assert (other / "results/eval/summary.parquet").is_file()
    a = pd.read_parquet(smoke_run[0] / "results/eval/summary.parquet")
    b = pd.read_parquet(other / "results/eval/summary.parquet")
    pd.testing.assert_frame_equal(a, b)


def test_a_broken_toolchain_stops_the_run_before_any_job(tmp_path):
    """The preflight (onstart) runs each executed language's one-line program in the sandbox: with
    no toolchain on PATH the run fails at once, one line per language naming tool and package."""
    workdir = prepare_workdir(tmp_path / "w")
    bare = tmp_path / "bin"  # what Snakemake itself needs, no toolchain
    bare.mkdir()
    for tool in ("bash", "sh", "which"):
        (bare / tool).symlink_to(shutil.which(tool))
    proc = snakemake(workdir, env={"PATH": str(bare)}, check=False, timeout=300)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "python: python3 cannot compile and run a one-line program" in out, out[-3000:]
    assert "javascript: node cannot compile and run" in out and "apt-get install nodejs" in out
    assert not (workdir / "results").exists(), "a job ran before the preflight"
