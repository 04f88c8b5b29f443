# codescale: raw code → curated, tokenized shards → a grid of Megatron-Core runs → evaluation →
# scaling laws → language allocation → figures and report.
#
# Paths tell an artifact's story (all under results/ unless noted):
#   resources/sources/{source}/            fetched raw code (tree/ + fetched.json)
#   corpus/{source}/{shard}.parquet        documents; corpus/{source}/counts.json
#   curate/filtered/{lang}/{shard}.parquet filtered (step 1); curate/near_duplicates/{lang}.parquet (step 2)
#   curate/{lang}/{shard}.parquet          curated documents in dependency order (step 3, repository shards)
#   curate/stats/{step}/{lang}/{shard}.json; curate/flagged/{step}/...; curate/summary.tsv
#   tokenizer/tokenizer.json               tokens/{lang}/{train,valid}.{bin,idx}; tokens/manifest.json
#   synth/corpus/ (verified parallel code)  synth/organizations/{organization}.parquet; tokens/parallel_{organization}/
#   runs/{run}/spec.json                   runs/{run}/metrics.jsonl; runs/{run}/checkpoint/
#   eval/{run}/{task}.json                 eval/summary.parquet
#   laws/language_laws.{json,csv}          laws/synergy.{json,csv}; laws/mixture_laws.json; laws/mixture_models.csv
#   laws/translation_laws.{json,csv}       allocation/{budget}/{allocation.json,comparison.csv}
#   figures/*.{pdf,png}                    the Snakemake report (snakemake --report)

from snakemake.utils import min_version

min_version("9.0")

report: "workflow/report/workflow.rst"


# --configfile files are overlays on the embedded default, unless one says `standalone: true`
# (config/paper.yaml: its sources, models and budgets replace the default's, not join them).
if not config.get("standalone"):

    configfile: "config/config.yaml"


include: "workflow/rules/common.smk"
include: "workflow/rules/corpus.smk"
include: "workflow/rules/curate.smk"
include: "workflow/rules/tokenize.smk"
include: "workflow/rules/synth.smk"
include: "workflow/rules/train.smk"
include: "workflow/rules/evaluate.smk"
include: "workflow/rules/laws.smk"
include: "workflow/rules/allocate.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/paper_laws.smk"
include: "workflow/rules/paper_strategy.smk"
include: "workflow/rules/claims.smk"
include: "workflow/rules/report.smk"
include: "workflow/rules/export.smk"


# Before any job starts (not on a dry run): every language the study compiles and runs must compile
# and run a one-line program in the sandbox, or the run stops here with one line per language that
# names the tool and how to install it (`python -m codescale.sandbox.preflight LANG...` alone).
onstart:
    preflight_toolchains()


rule all:
    input:
        get_final_outputs(),


# On a cluster these run in the Snakemake process itself: they take seconds (a SLURM job costs
# more than that to schedule), and fetch_sources needs the network, which compute nodes often lack.
localrules:
    all,
    fetch_sources,
    plan_run,
    summarize_curation,
    plot_curation,
    write_token_manifest,
    summarize_evaluation,
    export_law_table,
    fit_synergy,
    export_mixture_models,
    compare_allocation,
    plot_language_laws,
    plot_allocation,
    plot_strategy,
    plot_synergy_matrix,
    plot_mixture_models,
    plot_translation_laws,


# Each rule's code hash, derived from its script's imports (workflow/rules/common.smk).
set_code_hashes(workflow.rules)


# Snakemake 9.27 hands `--cache` on to cluster jobs only when it names rules: a bare `--cache` is
# an empty list, which the jobs' command line drops, so on a cluster no job would store or restore.
# Name every rule that declares `cache:`, which is what a bare `--cache` means.
if workflow.workflow_settings.cache == []:
    workflow.workflow_settings.cache = [r.name for r in workflow.rules if r.cache and r.cache.output]
