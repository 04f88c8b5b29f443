rule plot_language_laws:
    """Per-language loss vs tokens and vs parameters, with the fitted curves."""
    input:
        summary="results/eval/summary.parquet",
        laws="results/laws/language_laws.json",
    output:
        tokens_pdf="results/figures/loss_vs_tokens.pdf",
        tokens_png=report(
            "results/figures/loss_vs_tokens.png",
            caption="../report/loss_vs_tokens.rst",
            category="Scaling laws",
        ),
        params_pdf="results/figures/loss_vs_params.pdf",
        params_png=report(
            "results/figures/loss_vs_params.png",
            caption="../report/loss_vs_params.rst",
            category="Scaling laws",
        ),
    params:
    log:
        "logs/plot_language_laws/plot_language_laws.log",
    conda:
        "../../envs/codescale.yaml"
    script:
        "../scripts/plot_language_laws.py"


rule plot_allocation:
    """Token composition and loss, uniform vs optimized."""
    input:
        allocation="results/allocation/{budget}/allocation.json",
        comparison="results/allocation/{budget}/comparison.csv",
    output:
        pdf="results/figures/allocation_{budget}.pdf",
        png=report(
            "results/figures/allocation_{budget}.png",
            caption="../report/allocation.rst",
            category="Allocation",
        ),
    params:
    log:
        "logs/plot_allocation/{budget}.log",
    conda:
        "../../envs/codescale.yaml"
    script:
        "../scripts/plot_allocation.py"


rule plot_strategy:
    """Translation by data organization and model size (seen vs unseen directions), and the table
    of loss, BLEU, pass@1 and HumanEval pass@1 per strategy run."""
    input:
        summary="results/eval/summary.parquet",
    output:
        table=report("results/eval/strategy.csv", caption="../report/strategy_table.rst", category="Strategies"),
        pdf="results/figures/strategy_translation.pdf",
        png=report(
            "results/figures/strategy_translation.png",
            caption="../report/strategy.rst",
            category="Strategies",
        ),
    params:
    log:
        "logs/plot_strategy/plot_strategy.log",
    conda:
        "../../envs/codescale.yaml"
    script:
        "../scripts/plot_strategy.py"


rule plot_curation:
    """Bytes removed per filter and language (the Zhusuan-style removal breakdown)."""
    input:
        "results/curate/summary.tsv",
    output:
        pdf="results/figures/curation_removals.pdf",
        png=report(
            "results/figures/curation_removals.png",
            caption="../report/curation_removals.rst",
            category="Curation",
        ),
    params:
    log:
        "logs/plot_curation/plot_curation.log",
    conda:
        "../../envs/codescale.yaml"
    script:
        "../scripts/plot_curation.py"
