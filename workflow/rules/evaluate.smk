rule evaluate_run:
    """Translation (loss, greedy BLEU and pass@1 for every direction), HumanEval and MultiPL-E of
    one run's final checkpoint, with the model loaded once; generated code runs in the sandbox."""
    input:
        unpack(get_run_task_inputs),
        spec="results/runs/{run}/spec.json",
        checkpoint=digest("results/runs/{run}/checkpoint"),
        tokenizer="results/tokenizer/tokenizer.json",
    output:
        directory("results/eval/{run}/tasks"),
    params:
        tasks=get_run_tasks,
        toolchains=get_toolchain_availability(),
    threads: 1  # tiny models decode no faster on 2 threads; two evaluation jobs run side by side
    resources:
        gpu=get_eval_gpu(),
        mem_mb=4000,
    log:
        "logs/evaluate_run/{run}.log",
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
        tasks=get_task_dirs(),
    output:
        "results/eval/summary.parquet",
    params:
    log:
        "logs/summarize_evaluation/summarize_evaluation.log",
    conda:
        "../../envs/codescale.yaml"
    script:
        "../scripts/summarize_evaluation.py"
