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
