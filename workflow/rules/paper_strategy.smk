# (issue 15) The paper's study 3 (Table 2, Fig. 3, Table 3, Fig. 4: cross-lingual strategies) with
# the `strategy` family, and study 4's Fig. 5 and Fig. 6 (token composition and scores, uniform vs
# optimized) for every allocation budget, from the workflow's own runs with the paper's numbers
# beside them where it prints them (codescale.figures.paper_strategy, codescale.figures.paper_allocation).

# Seconds of pandas and matplotlib on small tables: on a cluster they run in the Snakemake process.
localrules:
    tabulate_paper_translation_laws,
    plot_paper_unseen_loss,
    tabulate_paper_pass_rates,
    plot_paper_translation_radar,
    plot_paper_token_composition,
    plot_paper_allocation_scores,


rule tabulate_paper_translation_laws:
    """Table 2: translation-law parameters per organization and direction kind, beside the paper's."""
    input:
        laws="results/laws/translation_laws.csv",
    output:
        table=report("results/paper/translation_laws.csv", caption="../report/tabulate_paper_translation_laws.rst",
                     category=REPORT_SECTIONS["strategy"], subcategory=REPORT_SUBSECTIONS["paper"]),
    params:
        scale=PAPER_STRATEGY_SCALE,
    log:
        "logs/tabulate_paper_translation_laws/tabulate_paper_translation_laws.log",
    conda:
        "../../envs/codescale.yaml"
    script:
        "../scripts/tabulate_paper_translation_laws.py"


rule plot_paper_unseen_loss:
    """Fig. 3: unseen-direction translation loss, shuffled vs pairing, by model size; the paper's beside."""
    input:
        summary="results/eval/summary.parquet",
    output:
        pdf="results/figures/paper_fig3_unseen_loss.pdf",
        png=report("results/figures/paper_fig3_unseen_loss.png", caption="../report/plot_paper_unseen_loss.rst",
                   category=REPORT_SECTIONS["strategy"], subcategory=REPORT_SUBSECTIONS["paper"]),
    params:
        scale=PAPER_STRATEGY_SCALE,
    log:
        "logs/plot_paper_unseen_loss/plot_paper_unseen_loss.log",
    conda:
        "../../envs/codescale.yaml"
    script:
        "../scripts/plot_paper_unseen_loss.py"


rule tabulate_paper_pass_rates:
    """Table 3: HumanEval / MultiPL-E Pass@1 of every organization per model and budget."""
    input:
        summary="results/eval/summary.parquet",
    output:
        table=report("results/paper/pass_at_1.csv", caption="../report/tabulate_paper_pass_rates.rst",
                     category=REPORT_SECTIONS["strategy"], subcategory=REPORT_SUBSECTIONS["paper"]),
    params:
        scale=PAPER_STRATEGY_SCALE,
    log:
        "logs/tabulate_paper_pass_rates/tabulate_paper_pass_rates.log",
    conda:
        "../../envs/codescale.yaml"
    script:
        "../scripts/tabulate_paper_pass_rates.py"


rule plot_paper_translation_radar:
    """Fig. 4: translation loss and BLEU per direction by organization at the largest model (radar)."""
    input:
        summary="results/eval/summary.parquet",
    output:
        pdf="results/figures/paper_fig4_translation_radar.pdf",
        png=report("results/figures/paper_fig4_translation_radar.png", caption="../report/plot_paper_translation_radar.rst",
                   category=REPORT_SECTIONS["strategy"], subcategory=REPORT_SUBSECTIONS["paper"]),
    params:
        scale=PAPER_STRATEGY_SCALE,
    log:
        "logs/plot_paper_translation_radar/plot_paper_translation_radar.log",
    conda:
        "../../envs/codescale.yaml"
    script:
        "../scripts/plot_paper_translation_radar.py"


rule plot_paper_token_composition:
    """Fig. 5: token composition, uniform vs optimized, with the optimum's bootstrap interval."""
    input:
        allocation="results/allocation/{budget}/allocation.json",
    output:
        pdf="results/figures/paper_fig5_token_composition_{budget}.pdf",
        png=report("results/figures/paper_fig5_token_composition_{budget}.png",
                   caption="../report/plot_paper_token_composition.rst", category=REPORT_SECTIONS["allocation"], subcategory=REPORT_SUBSECTIONS["paper"]),
    params:
        scales=PAPER_ALLOCATION_SCALES,
    log:
        "logs/plot_paper_token_composition/{budget}.log",
    conda:
        "../../envs/codescale.yaml"
    script:
        "../scripts/plot_paper_token_composition.py"


rule plot_paper_allocation_scores:
    """Fig. 6: BLEU, Pass@1 and validation loss per language, uniform vs optimized, over seeds."""
    input:
        summary="results/eval/summary.parquet",
        comparison="results/allocation/{budget}/comparison.csv",
        difference="results/allocation/{budget}/difference.csv",
    output:
        table=report("results/paper/allocation_scores_{budget}.csv",
                     caption="../report/paper_allocation_fig6_table.rst", category=REPORT_SECTIONS["allocation"], subcategory=REPORT_SUBSECTIONS["paper"]),
        pdf="results/figures/paper_fig6_allocation_scores_{budget}.pdf",
        png=report("results/figures/paper_fig6_allocation_scores_{budget}.png",
                   caption="../report/plot_paper_allocation_scores.rst", category=REPORT_SECTIONS["allocation"], subcategory=REPORT_SUBSECTIONS["paper"]),
    params:
        scales=PAPER_ALLOCATION_SCALES,
        evaluated=PAPER_ALLOCATION_GRADED,
    log:
        "logs/plot_paper_allocation_scores/{budget}.log",
    conda:
        "../../envs/codescale.yaml"
    script:
        "../scripts/plot_paper_allocation_scores.py"
