rule export_hf_model:
    """A trained run as a Hugging Face LLaMA model directory (config.json, model.safetensors, the
    run's tokenizer), for the harnesses users already run; on demand:
    `snakemake results/export/<run>`."""
    input:
        spec="results/runs/{run}/spec.json",
        checkpoint_digest="results/runs/{run}/checkpoint.digest.json",
        tokenizer="results/tokenizer/tokenizer.json",
    output:
        directory("results/export/{run}"),
    log:
        "logs/export_hf_model/{run}.log",
    conda:
        "../../envs/codescale.yaml"
    script:
        "../scripts/export_hf_model.py"
