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
            category=REPORT_SECTIONS["laws"], subcategory=REPORT_SUBSECTIONS["ours"],
        ),
        params_pdf="results/figures/loss_vs_params.pdf",
        params_png=report(
            "results/figures/loss_vs_params.png",
            caption="../report/loss_vs_params.rst",
            category=REPORT_SECTIONS["laws"], subcategory=REPORT_SUBSECTIONS["ours"],
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
        difference="results/allocation/{budget}/difference.csv",
    output:
        pdf="results/figures/allocation_{budget}.pdf",
        png=report(
            "results/figures/allocation_{budget}.png",
            caption="../report/allocation.rst",
            category=REPORT_SECTIONS["allocation"], subcategory=REPORT_SUBSECTIONS["ours"],
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
        table=report("results/eval/strategy.csv", caption="../report/strategy_table.rst", category=REPORT_SECTIONS["strategy"], subcategory=REPORT_SUBSECTIONS["ours"]),
        pdf="results/figures/strategy_translation.pdf",
        png=report(
            "results/figures/strategy_translation.png",
            caption="../report/strategy.rst",
            category=REPORT_SECTIONS["strategy"], subcategory=REPORT_SUBSECTIONS["ours"],
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
            category=REPORT_SECTIONS["curation"], subcategory=REPORT_SUBSECTIONS["ours"],
        ),
    params:
    log:
        "logs/plot_curation/plot_curation.log",
    conda:
        "../../envs/codescale.yaml"
    script:
        "../scripts/plot_curation.py"


rule plot_synergy_matrix:
    """Relative synergy gain of every auxiliary for every target (the paper's Table 1)."""
    input:
        "results/laws/synergy.csv",
    output:
        pdf="results/figures/synergy_matrix.pdf",
        png=report("results/figures/synergy_matrix.png", caption="../report/synergy.rst", category=REPORT_SECTIONS["synergy"], subcategory=REPORT_SUBSECTIONS["ours"]),
    params:
    log:
        "logs/plot_synergy_matrix/plot_synergy_matrix.log",
    conda:
        "../../envs/codescale.yaml"
    script:
        "../scripts/plot_synergy_matrix.py"


rule plot_mixture_models:
    """Held-out predictions of every mixture model, and the fitted transfer matrix."""
    input:
        laws="results/laws/mixture_laws.json",
        comparison="results/laws/mixture_models.csv",
    output:
        pdf="results/figures/mixture_models.pdf",
        png=report("results/figures/mixture_models.png", caption="../report/mixture_models.rst",
                   category=REPORT_SECTIONS["allocation"], subcategory=REPORT_SUBSECTIONS["ours"]),
    params:
    log:
        "logs/plot_mixture_models/plot_mixture_models.log",
    conda:
        "../../envs/codescale.yaml"
    script:
        "../scripts/plot_mixture_models.py"


rule plot_translation_laws:
    """Translation loss vs model size per organization, seen and unseen, with the fitted laws."""
    input:
        laws="results/laws/translation_laws.json",
    output:
        pdf="results/figures/translation_laws.pdf",
        png=report("results/figures/translation_laws.png", caption="../report/translation_laws.rst",
                   category=REPORT_SECTIONS["strategy"], subcategory=REPORT_SUBSECTIONS["ours"]),
    params:
    log:
        "logs/plot_translation_laws/plot_translation_laws.log",
    conda:
        "../../envs/codescale.yaml"
    script:
        "../scripts/plot_translation_laws.py"
