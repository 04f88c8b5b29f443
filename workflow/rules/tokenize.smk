rule train_tokenizer:
    """Byte-level BPE on an equal-bytes sample of every language's curated documents."""
    input:
        unpack(get_curated_by_lang),
    output:
        "results/tokenizer/tokenizer.json",
    params:
        vocab_size=config["tokenizer"]["vocab_size"],
        sample_bytes=config["tokenizer"]["sample_bytes_per_language"],
        seed=config["tokenizer"]["seed"],
    log:
        "logs/train_tokenizer/train_tokenizer.log",
    cache: "omit-software"
    threads: 2  # tokenizers trains with a Rust thread pool
    conda:
        "../../envs/codescale.yaml"
    script:
        "../scripts/train_tokenizer.py"


rule tokenize_shard:
    """One curated shard of a language as Megatron-Core IndexedDatasets (train and valid), a part
    of the language's tokens: a language tokenizes in parallel over its shards."""
    input:
        shard="results/curate/{lang}/{shard}.parquet",
        tokenizer="results/tokenizer/tokenizer.json",
    output:
        tokens=directory("results/token_parts/{lang}/{shard}"),
        digest="results/token_parts/{lang}/{shard}.digest.json",
    params:
        job_wildcards=get_wildcards,
        valid_fraction=config["tokenizer"]["valid_fraction"],
    log:
        "logs/tokenize_shard/{lang}/{shard}.log",
    cache: "omit-software"
    threads: 1
    conda:
        "../../envs/codescale.yaml"
    script:
        "../scripts/tokenize_shard.py"


rule tokenize_language:
    """A language's tokens (train and valid): its shards' parts concatenated with Megatron-Core's
    IndexedDatasetBuilder.add_index."""
    input:
        parts=get_token_part_digests_for_lang,
    output:
        tokens=directory("results/tokens/{lang}"),
        digest="results/tokens/{lang}.digest.json",
    params:
        job_wildcards=get_wildcards,
    log:
        "logs/tokenize_language/{lang}.log",
    cache: "omit-software"
    threads: 1
    conda:
        "../../envs/codescale.yaml"
    script:
        "../scripts/tokenize_language.py"


rule write_token_manifest:
    """Token counts per dataset and split, and the tokenizer facts the trainer needs."""
    input:
        tokenizer="results/tokenizer/tokenizer.json",
        datasets=get_token_dirs(),
    output:
        "results/tokens/manifest.json",
    params:
    log:
        "logs/write_token_manifest/write_token_manifest.log",
    conda:
        "../../envs/codescale.yaml"
    script:
        "../scripts/write_token_manifest.py"
