rule synthesize_parallel_corpus:
    """Generate programs, render them in every language, keep those whose outputs agree when run
    in the sandbox; training pairs Python↔X and a held-out 42-direction evaluation set, plus the
    user's own pairs when configured."""
    input:
        **get_user_pair_files(),
    output:
        corpus=directory("results/synth/corpus"),
        digest="results/synth/corpus.digest.json",
    params:
        programs=config["synth"]["programs"],
        seed=config["synth"]["seed"],
        functions=config["synth"]["functions"],
        eval_fraction=config["synth"]["eval_fraction"],
        languages=CODE_LANGUAGES,
        toolchains=get_toolchain_availability(),
    threads: 2  # programs verify in parallel; each one runs in its own sandboxed processes
    log:
        "logs/synthesize_parallel_corpus/synthesize_parallel_corpus.log",
    cache: "omit-software"
    conda:
        "../../envs/codescale.yaml"
    script:
        "../scripts/synthesize_parallel_corpus.py"


rule organize_parallel_data:
    """Documents of one data organization (shuffled, pairing, direct, prompt)."""
    input:
        "results/synth/corpus",
    output:
        "results/synth/organizations/{organization}.parquet",
    params:
        job_wildcards=get_wildcards,
        seed=config["synth"]["seed"],
    log:
        "logs/organize_parallel_data/{organization}.log",
    conda:
        "../../envs/codescale.yaml"
    script:
        "../scripts/organize_parallel_data.py"


rule tokenize_parallel:
    """Megatron-Core IndexedDataset for one data organization."""
    input:
        documents="results/synth/organizations/{organization}.parquet",
        tokenizer="results/tokenizer/tokenizer.json",
    output:
        tokens=directory("results/tokens/parallel_{organization}"),
        digest="results/tokens/parallel_{organization}.digest.json",
    params:
        job_wildcards=get_wildcards,
        valid_fraction=config["tokenizer"]["valid_fraction"],
    log:
        "logs/tokenize_parallel/{organization}.log",
    cache: "omit-software"
    conda:
        "../../envs/codescale.yaml"
    script:
        "../scripts/tokenize_parallel.py"
