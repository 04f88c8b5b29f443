rule filter_documents:
    """Step 1 for one (language, content shard): heuristic and syntax filters, exact dedup, Ruff
    (Python), MinHash band hashes; rows in repository-shard order for step 3."""
    input:
        get_corpus_dirs_for_lang,
    output:
        documents="results/curate/filtered/{lang}/{shard}.parquet",
        stats="results/curate/stats/filter/{lang}/{shard}.json",
        flagged="results/curate/flagged/filter/{lang}/{shard}.parquet",
    params:
        curate=get_curate_params("filter"),
        shards=len(SHARDS),
    threads: 2  # the filters run in parallel within a shard (processes over batches of documents)
    log:
        "logs/filter_documents/{lang}/{shard}.log",
    benchmark:
        "benchmarks/filter_documents/{lang}/{shard}.tsv"
    conda:
        "../../envs/codescale.yaml"
    script:
        "../scripts/filter_documents.py"


rule find_near_duplicates:
    """Step 2 for one language: MinHash LSH over every shard's band hashes (one band at a time)."""
    input:
        get_filtered_shards_for_lang,
    output:
        "results/curate/near_duplicates/{lang}.parquet",
    params:
        curate=get_curate_params("near_dedup"),
    log:
        "logs/find_near_duplicates/{lang}.log",
    benchmark:
        "benchmarks/find_near_duplicates/{lang}.tsv"
    conda:
        "../../envs/codescale.yaml"
    script:
        "../scripts/find_near_duplicates.py"


rule index_evaluation_data:
    """Hashed n-grams of every evaluation item (held-out translations, HumanEval, MultiPL-E)."""
    input:
        unpack(get_evaluation_data),
    output:
        "results/curate/eval_ngrams.npz",
    params:
        ngram=config["curate"]["decontaminate"]["ngram"],
        humaneval="humaneval" in config["evaluate"],
    log:
        "logs/index_evaluation_data/index_evaluation_data.log",
    conda:
        "../../envs/codescale.yaml"
    script:
        "../scripts/index_evaluation_data.py"


rule assemble_documents:
    """Step 3 for one (language, repository shard): drop near duplicates and contaminated documents,
    order each repository's files by their dependencies, write file- or repository-level documents."""
    input:
        unpack(get_assemble_inputs),
    output:
        documents="results/curate/{lang}/{shard}.parquet",
        stats="results/curate/stats/assemble/{lang}/{shard}.json",
        flagged="results/curate/flagged/assemble/{lang}/{shard}.parquet",
    params:
        curate=get_curate_params("assemble"),
    log:
        "logs/assemble_documents/{lang}/{shard}.log",
    benchmark:
        "benchmarks/assemble_documents/{lang}/{shard}.tsv"
    conda:
        "../../envs/codescale.yaml"
    script:
        "../scripts/assemble_documents.py"


rule summarize_curation:
    """Documents and bytes kept and dropped per language and reason, with examples."""
    input:
        get_curation_stats(),
    output:
        report(
            "results/curate/summary.tsv",
            caption="../report/curation.rst",
            category=REPORT_SECTIONS["curation"], subcategory=REPORT_SUBSECTIONS["ours"],
        ),
    params:
    log:
        "logs/summarize_curation/summarize_curation.log",
    conda:
        "../../envs/codescale.yaml"
    script:
        "../scripts/summarize_curation.py"
