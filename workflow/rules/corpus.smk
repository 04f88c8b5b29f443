rule fetch_sources:
    """Fetch one raw source with the registries' own clients (apt, npm, pip)."""
    output:
        fetched=directory("resources/sources/{source}"),
        digest="resources/sources/{source}.digest.json",
    params:
        job_wildcards=get_wildcards,
        spec=get_source_spec,
        local_files=get_local_source_fingerprint,
    log:
        "logs/fetch_sources/{source}.log",
    cache: "omit-software"
    retries: 2  # registries time out now and then
    conda:
        "../../envs/codescale.yaml"
    script:
        "../scripts/fetch_sources.py"


rule build_corpus:
    """Documents of one source (language by extension, byte-capped sample), sharded by hash; a
    documents source streams (memory does not grow with its size)."""
    input:
        fetched=digest("resources/sources/{source}"),
    output:
        directory("results/corpus/{source}"),
    params:
        job_wildcards=get_wildcards,
        langs=get_source_langs,
        byte_caps=get_source_byte_caps,
        shards=len(SHARDS),
        max_file_bytes=config["corpus"]["max_file_bytes"],
        on_bad_record=config["corpus"]["on_bad_record"],
        record_spec=get_source_record_spec,
    log:
        "logs/build_corpus/{source}.log",
    cache: "omit-software"
    conda:
        "../../envs/codescale.yaml"
    script:
        "../scripts/build_corpus.py"
