rule plan_run:
    """The run's spec: model, tokens, blend, schedule, precision, seed. Optimized allocation runs
    take their blend from the allocate stage."""
    input:
        allocation=get_run_allocation_input,
    output:
        "results/runs/{run}/spec.json",
    params:
        spec=get_run_spec,
    log:
        "logs/plan_run/{run}.log",
    conda:
        "../../envs/codescale.yaml"
    script:
        "../scripts/plan_run.py"


rule train_model:
    """Train one run with Megatron-Core (CPU: local spec + gloo; GPU: TE spec, bf16/fp8), then
    score its final checkpoint on every language's validation tokens in the same job, as
    Megatron-LM does at the end of training (a separate job per run would load it again). The
    work runs in a child of the warm fork server where one can be used (codescale.forkserver:
    no import of torch and Megatron-Core per job). A WSD branch
    (grid: wsd) starts from its stable run's checkpoint at its ladder point (input `branch`)."""
    input:
        spec="results/runs/{run}/spec.json",
        manifest="results/tokens/manifest.json",
        datasets=get_run_token_digests,
        branch=get_run_branch_input,
    output:
        metrics="results/runs/{run}/metrics.jsonl",
        checkpoint=directory("results/runs/{run}/checkpoint"),
        checkpoint_digest="results/runs/{run}/checkpoint.digest.json",
        evaluation="results/eval/{run}/valid_loss.json",
    params:
        log_interval=config["train"]["log_interval"],
        checkpoint_interval=config["train"]["checkpoint_interval"],
        eval_datasets=LANGUAGES,
        eval_sequences=config["evaluate"]["valid_sequences"],
    wildcard_constraints:
        run=_run_pattern(distributed=False),
    threads: 1  # two 1-thread runs beat one 2-thread run on tiny models (measured: 15k vs 2×~9k tok/s)
    resources:
        gpu=get_train_resource("gpu"),
        cpus_per_task=get_train_resource("cpus_per_task", 1),
        mem_mb=get_train_resource("mem_mb"),
        runtime=get_train_resource("runtime"),
    log:
        "logs/train_model/{run}.log",
    cache: "omit-software"
    conda:
        "../../envs/codescale.yaml"
    script:
        "../scripts/train_model.py"


rule train_model_distributed:
    """A run whose model has more than one GPU: the job starts one rank per GPU (torchrun on one
    node, srun across nodes; codescale.train.launch), then scores the checkpoint as train_model does."""
    input:
        spec="results/runs/{run}/spec.json",
        manifest="results/tokens/manifest.json",
        datasets=get_run_token_digests,
        branch=get_run_branch_input,
    output:
        metrics="results/runs/{run}/metrics.jsonl",
        checkpoint=directory("results/runs/{run}/checkpoint"),
        checkpoint_digest="results/runs/{run}/checkpoint.digest.json",
        evaluation="results/eval/{run}/valid_loss.json",
    wildcard_constraints:
        run=_run_pattern(distributed=True),
    params:
        log_interval=config["train"]["log_interval"],
        checkpoint_interval=config["train"]["checkpoint_interval"],
        eval_datasets=LANGUAGES,
        eval_sequences=config["evaluate"]["valid_sequences"],
        gpus=get_train_gpus,
        gpus_per_node=CLUSTER["gpus_per_node"],
    resources:
        nodes=get_train_resource("nodes", 1),
        gres=get_train_resource("gres", ""),
        tasks_per_node=get_train_resource("tasks_per_node", 1),
        mpi=get_train_resource("mpi", ""),
        cpus_per_task=get_train_resource("cpus_per_task", 1),
        mem_mb=get_train_resource("mem_mb"),
        runtime=get_train_resource("runtime"),
    log:
        "logs/train_model_distributed/{run}.log",
    cache: "omit-software"
    conda:
        "../../envs/codescale.yaml"
    script:
        "../scripts/train_model_distributed.py"


rule train_stable_run:
    """The stable run of a WSD grid (grid: wsd): warmup, then the peak rate, to the largest budget's
    branch point, saving a checkpoint (model, optimizer, step, tokens, RNG; its metrics so far) at
    each point of its ladder into points/step{k}/, from which each budget's branch (train_model,
    under the budget's usual run id) starts. Not evaluated: its branches are the grid's runs."""
    input:
        spec="results/runs/{run}/spec.json",
        manifest="results/tokens/manifest.json",
        datasets=get_run_token_digests,
    output:
        metrics="results/runs/{run}/metrics.jsonl",
        points=directory("results/runs/{run}/points"),
        points_digest="results/runs/{run}/points.digest.json",
    params:
        log_interval=config["train"]["log_interval"],
        checkpoint_interval=config["train"]["checkpoint_interval"],
        gpus=get_train_gpus,
        gpus_per_node=CLUSTER["gpus_per_node"],
    wildcard_constraints:
        run=_stable_pattern(),
    threads: 1
    resources:
        gpu=get_train_resource("gpu"),
        nodes=get_train_resource("nodes", 1),
        gres=get_train_resource("gres", ""),
        tasks_per_node=get_train_resource("tasks_per_node", 1),
        mpi=get_train_resource("mpi", ""),
        cpus_per_task=get_train_resource("cpus_per_task", 1),
        mem_mb=get_train_resource("mem_mb"),
        runtime=get_train_resource("runtime"),
    log:
        "logs/train_stable_run/{run}.log",
    cache: "omit-software"
    conda:
        "../../envs/codescale.yaml"
    script:
        "../scripts/train_stable_run.py"
