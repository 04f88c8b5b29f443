rule filter_documents:
    """Heuristic and syntax filters plus exact dedup for one (language, shard)."""
    input:
        get_corpus_dirs_for_lang,
    output:
        documents="results/curate/{lang}/{shard}.parquet",
        stats="results/curate/stats/{lang}/{shard}.json",
    params:
        curate=config["curate"],
        code=get_code_hash("curate", "corpus/documents.py", "artifacts.py", "progress.py"),
    threads: 1  # shards are the unit of parallelism; raise with --set-threads on big nodes
    log:
        "logs/filter_documents/{lang}/{shard}.log",
    benchmark:
        "benchmarks/filter_documents/{lang}/{shard}.tsv"
    conda:
        "../../envs/codescale.yaml"
    script:
        "../scripts/filter_documents.py"


rule summarize_curation:
    """Documents and bytes kept and dropped per language and reason."""
    input:
        get_curation_stats(),
    output:
        report(
            "results/curate/summary.tsv",
            caption="../report/curation.rst",
            category="Curation",
        ),
    params:
        code=get_code_hash("curate"),
    log:
        "logs/summarize_curation/summarize_curation.log",
    conda:
        "../../envs/codescale.yaml"
    script:
        "../scripts/summarize_curation.py"
