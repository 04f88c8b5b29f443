rule plan_run:
    """The run's spec: model, tokens, blend, schedule, precision, seed. Optimized allocation runs
    take their blend from the allocate stage."""
    input:
        allocation=get_run_allocation_input,
    output:
        "results/runs/{run}/spec.json",
    params:
        spec=get_run_spec,
        code=get_code_hash("experiments"),
    log:
        "logs/plan_run/{run}.log",
    conda:
        "../../envs/codescale.yaml"
    script:
        "../scripts/plan_run.py"


rule train_model:
    """Train one run with Megatron-Core (CPU: local spec + gloo; GPU: TE spec, bf16/fp8), then
    score its final checkpoint on every language's validation tokens in the same process, as
    Megatron-LM does at the end of training: importing Megatron costs ~7 s per process, a third
    of a small run, so a separate evaluation job per run would double that overhead."""
    input:
        spec="results/runs/{run}/spec.json",
        manifest="results/tokens/manifest.json",
        datasets=get_run_token_dirs,
    output:
        metrics="results/runs/{run}/metrics.jsonl",
        checkpoint=directory("results/runs/{run}/checkpoint"),
        evaluation="results/eval/{run}/valid_loss.json",
    params:
        log_interval=config["train"]["log_interval"],
        checkpoint_interval=config["train"]["checkpoint_interval"],
        eval_datasets=LANGUAGES,
        eval_sequences=config["evaluate"]["valid_sequences"],
        code=get_code_hash("train", "evaluate/loss.py", "evaluate/generate.py"),
    threads: 1  # two 1-thread runs beat one 2-thread run on tiny models (measured: 15k vs 2×~9k tok/s)
    resources:
        mem_mb=4000,
    log:
        "logs/train_model/{run}.log",
    cache: "omit-software"
    conda:
        "../../envs/codescale.yaml"
    script:
        "../scripts/train_model.py"
