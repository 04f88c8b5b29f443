rule evaluate_run:
    """Per-language validation loss of a run's final checkpoint on the held-out valid shards."""
    input:
        spec="results/runs/{run}/spec.json",
        checkpoint="results/runs/{run}/checkpoint",
        manifest="results/tokens/manifest.json",
        datasets=get_token_dirs(),
    output:
        "results/eval/{run}/{task}.json",
    params:
        datasets=LANGUAGES,
        sequences=config["evaluate"]["valid_sequences"],
        code=get_code_hash("evaluate/loss.py", "train"),
    threads: 1
    log:
        "logs/evaluate_run/{run}/{task}.log",
    cache: "omit-software"
    conda:
        "../../envs/codescale.yaml"
    script:
        "../scripts/evaluate_run.py"


rule summarize_evaluation:
    """The tidy table every later stage and figure reads."""
    input:
        specs=get_spec_files(get_all_runs()),
        evals=get_eval_files(get_all_runs()),
    output:
        "results/eval/summary.parquet",
    params:
        code=get_code_hash("evaluate/summary.py"),
    log:
        "logs/summarize_evaluation/summarize_evaluation.log",
    conda:
        "../../envs/codescale.yaml"
    script:
        "../scripts/summarize_evaluation.py"
