# Config validation, the run table, wildcard constraints and small get_* helpers. No logic here:
# it lives in src/codescale.

import functools
import json
import re
from pathlib import Path

from snakemake.exceptions import WorkflowError
from snakemake.utils import validate

from codescale.artifacts import DIGEST_SUFFIX
from codescale.configuration import check_config, code_languages, corpus_shards, executed_languages
from codescale.corpus.documents import shard_names
from codescale.experiments.grid import allocation_budget_runs, allocation_runs, expand_runs, run_spec, stable_runs
from codescale.provenance import script_code_hash
from codescale.sources.fetch import local_fingerprint
from codescale.train.launch import cluster_settings, run_resources

validate(config, "../schemas/config.schema.yaml")
check_config(config)

LANGUAGES = config["languages"]
CODE_LANGUAGES = code_languages(LANGUAGES)  # without `text` (natural language)
SOURCES = {n: s for n, s in config["sources"].items() if set(s["langs"]) & set(LANGUAGES)}
SHARDS = shard_names(corpus_shards(config))
RUNS = {r.run: r for r in expand_runs(config)}
STABLE_RUNS = {r.run: r for r in stable_runs(config)}  # WSD grids: trained, not evaluated
ALLOCATION_RUNS = {r.run: r for r in allocation_runs(config)}
ALLOCATION_BY_BUDGET = allocation_budget_runs(config)  # budget -> mixture -> runs (one per seed)
BUDGETS = config["allocation"]["budgets"]
SYNTH = config.get("synth")
ORGANIZATIONS = SYNTH["organizations"] if SYNTH else []
CLUSTER = cluster_settings(config)


def _model_gpus(model):
    return config["models"][model]["gpus"]


def _run_pattern(distributed):
    """Run ids whose model trains in one process (CPU or one GPU) or across GPUs (torchrun/srun)."""
    models = sorted((m for m in config["models"] if (_model_gpus(m) > 1) == distributed),
                    key=len, reverse=True)
    if not models:
        return "(?!)"  # matches nothing
    return r"[a-z0-9_]+-[a-z0-9_]+-(?:" + "|".join(models) + r")-t[a-z0-9]+(?:-s\d+)?"


def _stable_pattern():
    """The stable runs of WSD grids (``scaling-python-m2-stable``, ``-s{seed}`` when seeded)."""
    return "|".join(re.escape(r) for r in sorted(STABLE_RUNS, key=len, reverse=True)) or "(?!)"


wildcard_constraints:
    source="|".join(SOURCES),
    lang="|".join(LANGUAGES),
    shard=r"part\d{3}",
    run=r"[a-z0-9_]+(-[a-z0-9_]+)+",
    budget="|".join(BUDGETS),
    organization="|".join(ORGANIZATIONS) or "none",


def get_wildcards(wildcards):
    """The job's wildcards as a param. The between-workflow cache keys a job by its script, params
    and inputs, not by its output paths: without this, two jobs that differ only by a wildcard
    (organizations pairing and shuffled of the same corpus) would share a key and one would
    restore the other's output."""
    return dict(wildcards.items())


def set_code_hashes(rules_):
    """Give each scripted rule the param ``code``, the hash of the package modules its script
    imports, followed transitively (codescale.provenance). A param, so an edit to a module the
    script reaches reruns the rule and what follows; derived from the script, never listed."""
    for r in rules_:
        if r.script:
            r.set_params(code=script_code_hash(Path(r.snakefile).parent / r.script))


def get_source_spec(wildcards):
    return SOURCES[wildcards.source]


def get_local_source_fingerprint(wildcards):
    """Content hash of a local source's files (a param: directories cannot be cached inputs)."""
    return local_fingerprint(SOURCES[wildcards.source])


def get_source_langs(wildcards):
    return sorted(set(SOURCES[wildcards.source]["langs"]) & set(LANGUAGES))


def get_source_byte_caps(wildcards):
    """Each language's byte cap, split evenly over the sources that provide it."""
    caps = {}
    for lang in get_source_langs(wildcards):
        n = sum(lang in s["langs"] for s in SOURCES.values())
        caps[lang] = config["corpus"]["byte_cap"] // n
    return caps


def get_source_record_spec(wildcards):
    """How a documents source's records map to documents: its columns, language and blob store."""
    spec = SOURCES[wildcards.source]
    return {k: spec[k] for k in ("columns", "lang", "blobs") if k in spec}


def get_corpus_dirs_for_lang(wildcards):
    return [f"results/corpus/{s}" for s, spec in SOURCES.items() if wildcards.lang in spec["langs"]]


def get_curate_params(step):
    """The part of the curate config one curation step uses (so a change reruns only that step on)."""
    from codescale.curate.pipeline import step_config

    return step_config(config["curate"], step)


def get_filtered_shards_for_lang(wildcards):
    return [f"results/curate/filtered/{wildcards.lang}/{s}.parquet" for s in SHARDS]


def get_evaluation_data(wildcards=None):
    """The evaluation sets to decontaminate against: the held-out translations (with synth) and MultiPL-E files."""
    inputs = {"synth_corpus": "results/synth/corpus"} if SYNTH else {}
    multipl_e = config["evaluate"].get("multipl_e")  # an optional task: absent, none
    files = multipl_e["files"] if multipl_e else {}
    inputs.update({f"multipl_e_{lang}": path for lang, path in sorted(files.items())})
    return inputs


def get_assemble_inputs(wildcards):
    inputs = {"filtered": get_filtered_shards_for_lang(wildcards)}
    if config["curate"]["near_dedup"]["enabled"]:
        inputs["near_duplicates"] = f"results/curate/near_duplicates/{wildcards.lang}.parquet"
    if config["curate"]["decontaminate"]["enabled"]:
        inputs["eval_index"] = "results/curate/eval_ngrams.npz"
    return inputs


def get_curated_shards(wildcards=None, lang=None):
    langs = [lang] if lang else LANGUAGES
    return [f"results/curate/{l}/{s}.parquet" for l in langs for s in SHARDS]


def get_curated_shards_for_lang(wildcards):
    return get_curated_shards(lang=wildcards.lang)


def get_token_part_digests_for_lang(wildcards):
    return [digest(f"results/token_parts/{wildcards.lang}/{s}") for s in SHARDS]


def get_curated_by_lang(wildcards):
    return {l: get_curated_shards(lang=l) for l in LANGUAGES}


def get_curation_stats(wildcards=None):
    return [f"results/curate/stats/{step}/{l}/{s}.json" for step in ("filter", "assemble")
            for l in LANGUAGES for s in SHARDS]


def get_token_dirs(wildcards=None):
    return [f"results/tokens/{l}" for l in LANGUAGES]


def digest(directory):
    """The digest file beside a directory artifact (codescale.artifacts). Cached rules take it as
    their input instead of the directory: under the slurm executor each job keys the cache by the
    content of its inputs, and a directory has none Snakemake can hash."""
    return f"{directory}{DIGEST_SUFFIX}"


def get_run_token_digests(wildcards):
    """Every language's tokens (validation) plus the parallel datasets the run's blend reads."""
    parallel = [d for d, _ in _run(wildcards).weights if d.startswith("parallel_")]
    return [digest(d) for d in get_token_dirs() + [f"results/tokens/{d}" for d in parallel]]


def _run(wildcards):
    return _run_of(wildcards.run)


def _run_of(run_id):
    return RUNS.get(run_id) or STABLE_RUNS.get(run_id) or ALLOCATION_RUNS[run_id]


def get_run_branch_input(wildcards):
    """A WSD branch's stable run's checkpoints (the digest of its points/ directory): the DAG edge
    from the stable run to each of its branches. Nothing for other runs."""
    wsd = _run(wildcards).wsd
    return [digest(f"results/runs/{wsd.stable}/points")] if wsd and not wsd.is_stable else []


def get_run_spec(wildcards):
    """The spec from config; an optimized allocation run's blend is filled in from its input."""
    return run_spec(_run(wildcards), config)


def _train_resources(run):
    spec = run_spec(run, config)
    return run_resources(spec["model"], run.tokens, _model_gpus(run.model), CLUSTER)


@functools.cache
def _single_process_runtime():
    """The longest time limit among train_model's runs: the plugin submits a job array with its
    first job's resources, so every run of the rule asks for the same."""
    runs = [r for r in (*RUNS.values(), *STABLE_RUNS.values(), *ALLOCATION_RUNS.values())
            if _model_gpus(r.model) <= 1]
    return max((_train_resources(r)["runtime"] for r in runs), default=0)


def get_train_resources(wildcards):
    """The run's cluster resources from its model's size and GPUs (codescale.train.launch)."""
    return _train_resources_of(wildcards.run)


@functools.cache
def _train_resources_of(run_id):  # resources are evaluated several times per job: compute once
    run = _run_of(run_id)
    resources = _train_resources(run)
    if _model_gpus(run.model) <= 1:
        resources["runtime"] = _single_process_runtime()
    return resources


def get_eval_gpu(wildcards=None):
    """Evaluation decodes on a GPU when the study's models train on GPUs (one value for the
    whole rule, so its jobs can go as one array)."""
    return int(any(_model_gpus(m) > 0 for m in config["models"]))


def get_train_resource(name, default=0):
    """One resource of get_train_resources, as a rule's resource function."""

    def resource(wildcards):
        return get_train_resources(wildcards).get(name, default)

    return resource


def get_train_gpus(wildcards):
    return _model_gpus(_run(wildcards).model)


def get_run_allocation_input(wildcards):
    run = _run(wildcards)
    if run.family == "allocation" and run.mixture == "optimized":
        return get_allocation_file(wildcards)
    return []


def get_allocation_budget(wildcards):
    for name, by_mixture in ALLOCATION_BY_BUDGET.items():
        if any(r.run == wildcards.run for runs in by_mixture.values() for r in runs):
            return name
    raise ValueError(f"no allocation budget for run {wildcards.run}")


def get_allocation_file(wildcards):
    return f"results/allocation/{get_allocation_budget(wildcards)}/allocation.json"


def get_eval_files(runs):
    return [f"results/eval/{r}/valid_loss.json" for r in runs]


def get_spec_files(runs):
    return [f"results/runs/{r}/spec.json" for r in runs]


def get_scaling_runs(wildcards=None):
    return [r for r, run in RUNS.items() if run.family == "scaling"]


def get_family_runs(*families):
    return [r for r, run in RUNS.items() if run.family in families]


def get_mixture_law_runs(wildcards=None):
    """The runs the proportion-dependent laws are fitted on: single-language, synergy, mixtures."""
    return get_family_runs("scaling", "synergy", "mixtures")


def get_synergy_runs(wildcards=None):
    return get_family_runs("synergy")


def get_strategy_runs(wildcards=None):
    return get_family_runs("strategy")


def get_strategy_task_dirs(wildcards=None):
    return [f"results/eval/{r}/tasks" for r in get_strategy_runs() if r in get_task_runs()]


def get_synergy_input(wildcards=None):
    """The synergy matrix (τ of the paper's form), when the study has a synergy family."""
    return {"synergy": "results/laws/synergy.json"} if "synergy" in config["experiments"] else {}


def get_budget_runs(wildcards):
    """mixture (uniform, optimized) -> the budget's run ids, one per allocation seed."""
    return {m: [r.run for r in runs] for m, runs in ALLOCATION_BY_BUDGET[wildcards.budget].items()}


def _budget_run_ids(wildcards):
    return [r for runs in get_budget_runs(wildcards).values() for r in runs]


def get_budget_eval_files(wildcards):
    return get_eval_files(_budget_run_ids(wildcards))


def get_budget_spec_files(wildcards):
    return get_spec_files(_budget_run_ids(wildcards))


def get_all_runs():
    return list(RUNS) + list(ALLOCATION_RUNS)


TASKS = ("translation", "humaneval", "multipl_e")


def _run_tasks(run):
    """The checkpoint-based tasks configured for ``run``'s family, with their settings."""
    tasks = {}
    for task in TASKS:
        cfg = config["evaluate"].get(task)
        if cfg and run.family in cfg["families"]:
            if task != "translation" and run.model not in cfg.get("models", [run.model]):
                continue  # a generation-only task restricted to other models
            cfg = {k: v for k, v in cfg.items() if k not in ("families", "models", "generate_models")}
            if task == "translation" and run.model not in config["evaluate"][task].get("generate_models", [run.model]):
                cfg["generate_per_direction"] = 0  # loss only
            if task == "translation" and run.family == "strategy" and run.mixture != "shuffled":
                cfg["format"] = run.mixture  # a pair-trained run is prompted in its own format
            tasks[task] = cfg
    return tasks


def get_task_runs():
    return [r for r in get_all_runs() if _run_tasks(RUNS.get(r) or ALLOCATION_RUNS[r])]


def get_run_tasks(wildcards):
    return _run_tasks(_run(wildcards))


def get_run_task_inputs(wildcards):
    tasks = _run_tasks(_run(wildcards))
    inputs = {}
    if "translation" in tasks:
        inputs["corpus"] = digest("results/synth/corpus")
    if "multipl_e" in tasks:
        inputs["multipl_e"] = sorted(tasks["multipl_e"]["files"].values())
    return inputs


def get_task_dirs(wildcards=None):
    return [f"results/eval/{r}/tasks" for r in get_task_runs()]


# The paper's figures and tables, the claims check (issue 15): their targets and inputs. Rule files
# hold rules only (snakemake --lint); the scripts get the runs in words as params
# (codescale.experiments.describe, no plotting library imported when the Snakefile is parsed).
from codescale.experiments.describe import describe_budgets, describe_strategy, graded_tasks

PAPER_STRATEGY_SCALE = describe_strategy(config)
PAPER_ALLOCATION_SCALES = describe_budgets(config)
PAPER_ALLOCATION_GRADED = graded_tasks(config, "allocation")


def paper_laws_outputs():
    """Targets of `all` from workflow/rules/paper_laws.smk: Fig. 1 always (the mixture laws are always
    fitted; without a `mixtures` family its panels say there is nothing held out), Fig. 2 with the
    `scaling` family, Table 1 with the `synergy` family."""
    outputs = ["results/figures/paper_fig1_multilingual_law.png", "results/paper/multilingual_law.csv"]
    if "scaling" in config["experiments"]:
        outputs += ["results/figures/paper_fig2_language_laws.png", "results/figures/paper_fig2_parameters.png",
                    "results/paper/language_laws.csv", "results/paper/language_law_ranks.csv"]
    if "synergy" in config["experiments"]:
        outputs += ["results/figures/paper_table1_synergy.png", "results/paper/synergy.csv"]
    return outputs


def paper_strategy_outputs():
    """Targets of `all` from workflow/rules/paper_strategy.smk: study 3's with the `strategy` family,
    Fig. 5 and Fig. 6 (and Fig. 6's table) per allocation budget."""
    outputs = []
    if "strategy" in config["experiments"]:
        outputs += ["results/paper/translation_laws.csv", "results/figures/paper_fig3_unseen_loss.png",
                    "results/paper/pass_at_1.csv", "results/figures/paper_fig4_translation_radar.png"]
    for b in BUDGETS:
        outputs += [f"results/figures/paper_fig5_token_composition_{b}.png",
                    f"results/figures/paper_fig6_allocation_scores_{b}.png", f"results/paper/allocation_scores_{b}.csv"]
    return outputs


def get_claims_inputs(wildcards=None):
    """The result files the claims read, for the families the config runs."""
    experiments = config["experiments"]
    inputs = {}
    if "scaling" in experiments:
        inputs["language_laws"] = "results/laws/language_laws.json"
    if "synergy" in experiments:
        inputs["synergy"] = "results/laws/synergy.csv"
    if "strategy" in experiments:
        inputs["strategy"] = "results/eval/strategy.csv"
        inputs["translation_laws"] = "results/laws/translation_laws.json"
    inputs.update({f"difference_{b}": f"results/allocation/{b}/difference.csv" for b in BUDGETS})
    return inputs


def get_claims_thresholds(wildcards):
    """The claims check's thresholds (a param, stated in its caption); imported only when the
    rule runs, so parsing the Snakefile does not load pandas and scipy."""
    from codescale.claims import THRESHOLDS

    return THRESHOLDS


def claims_outputs():
    """Targets of `all` from workflow/rules/claims.smk."""
    return ["results/claims.csv", "results/claims.html"]


# The report's sections (Snakemake report categories), in reading order: every report() names one.
REPORT_SECTIONS = {
    "claims": "1. Claims check",
    "laws": "2. Study 1 — per-language laws",
    "synergy": "3. Study 2 — synergy",
    "strategy": "4. Study 3 — cross-lingual strategies",
    "allocation": "5. Study 4 — mixture laws and allocation",
    "curation": "6. Data — curation",
    "provenance": "7. Provenance",
}
# Within a study's section: the paper's figures and tables first, then codescale's own (the report
# sorts subcategories by title, so each starts with its place; no colons, which break its links).
REPORT_SUBSECTIONS = {
    "paper": "1. The paper's figures and tables, ours beside the published numbers",
    "ours": "2. codescale's own figures and tables",
}


def get_final_outputs():
    return [
        "results/curate/summary.tsv",
        "results/figures/curation_removals.png",
        "results/tokens/manifest.json",
        "results/eval/summary.parquet",
        "results/laws/language_laws.csv",
        *[f"results/allocation/{b}/comparison.csv" for b in BUDGETS],
        "results/figures/loss_vs_tokens.png",
        "results/figures/loss_vs_params.png",
        *[f"results/figures/allocation_{b}.png" for b in BUDGETS],
        *[f"results/tokens/parallel_{o}" for o in ORGANIZATIONS],
        *(["results/figures/strategy_translation.png"] if "strategy" in config["experiments"] else []),
        *(["results/laws/synergy.csv", "results/figures/synergy_matrix.png"]
          if "synergy" in config["experiments"] else []),
        "results/laws/mixture_models.csv",
        "results/figures/mixture_models.png",
        *(["results/laws/translation_laws.csv", "results/figures/translation_laws.png"]
          if "strategy" in config["experiments"] else []),
        # the paper's figures and tables, the claims check and the report's provenance (issue 15)
        *paper_laws_outputs(),
        *paper_strategy_outputs(),
        *claims_outputs(),
        *report_outputs(),
    ]


def get_user_pair_files():
    """The user's parallel data files (synth.user_pairs.{train,eval}), inputs of the synth rule."""
    files = SYNTH["user_pairs"] if SYNTH else {}
    return {f"user_{split}": path for split, path in files.items()}


def get_toolchain_availability():
    """Which languages can be compiled and run here: a param, so installing a toolchain reruns
    the verification that marked its language unverified."""
    from codescale.sandbox.toolchains import availability

    return availability()


def preflight_toolchains():
    """The onstart check (Snakefile): the executed languages' toolchains work in the sandbox."""
    from codescale.sandbox.preflight import PreflightError, require

    languages = executed_languages(config)
    if languages:
        try:
            require(languages)
        except PreflightError as e:
            raise WorkflowError(f"preflight: a toolchain the study needs does not work:\n{e}") from None


def get_budget(wildcards):
    return BUDGETS[wildcards.budget]


def get_budget_model_params(wildcards):
    """Non-embedding parameters N of the budget's model (the N of the laws)."""
    from codescale.experiments.describe import non_embedding_params

    return non_embedding_params(config, BUDGETS[wildcards.budget]["model"])
