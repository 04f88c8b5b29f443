# (issue 15) The paper's study 3 (Table 2, Fig. 3, Table 3, Fig. 4: cross-lingual strategies) with
# the `strategy` family, and study 4's Fig. 5 and Fig. 6 (token composition and scores, uniform vs
# optimized) for every allocation budget, from the workflow's own runs with the paper's numbers
# beside them where it prints them (codescale.figures.paper_strategy, codescale.figures.paper_allocation).

# Seconds of pandas and matplotlib on small tables: on a cluster they run in the Snakemake process.
localrules:
    paper_strategy_table2,
    paper_strategy_fig3,
    paper_strategy_table3,
    paper_strategy_fig4,
    paper_allocation_fig5,
    paper_allocation_fig6,


rule paper_strategy_table2:
    """Table 2: translation-law parameters per organization and direction kind, beside the paper's."""
    input:
        laws="results/laws/translation_laws.csv",
    output:
        table=report("results/paper/translation_laws.csv", caption="../report/paper_strategy_table2.rst",
                     category=REPORT_SECTIONS["strategy"], subcategory=REPORT_SUBSECTIONS["paper"]),
    params:
        scale=PAPER_STRATEGY_SCALE,
    log:
        "logs/paper_strategy_table2/paper_strategy_table2.log",
    conda:
        "../../envs/codescale.yaml"
    script:
        "../scripts/paper_strategy_table2.py"


rule paper_strategy_fig3:
    """Fig. 3: unseen-direction translation loss, shuffled vs pairing, by model size; the paper's beside."""
    input:
        summary="results/eval/summary.parquet",
    output:
        pdf="results/figures/paper_fig3_unseen_loss.pdf",
        png=report("results/figures/paper_fig3_unseen_loss.png", caption="../report/paper_strategy_fig3.rst",
                   category=REPORT_SECTIONS["strategy"], subcategory=REPORT_SUBSECTIONS["paper"]),
    params:
        scale=PAPER_STRATEGY_SCALE,
    log:
        "logs/paper_strategy_fig3/paper_strategy_fig3.log",
    conda:
        "../../envs/codescale.yaml"
    script:
        "../scripts/paper_strategy_fig3.py"


rule paper_strategy_table3:
    """Table 3: HumanEval / MultiPL-E Pass@1 of every organization per model and budget."""
    input:
        summary="results/eval/summary.parquet",
    output:
        table=report("results/paper/pass_at_1.csv", caption="../report/paper_strategy_table3.rst",
                     category=REPORT_SECTIONS["strategy"], subcategory=REPORT_SUBSECTIONS["paper"]),
    params:
        scale=PAPER_STRATEGY_SCALE,
    log:
        "logs/paper_strategy_table3/paper_strategy_table3.log",
    conda:
        "../../envs/codescale.yaml"
    script:
        "../scripts/paper_strategy_table3.py"


rule paper_strategy_fig4:
    """Fig. 4: translation loss and BLEU per direction by organization at the largest model (radar)."""
    input:
        summary="results/eval/summary.parquet",
    output:
        pdf="results/figures/paper_fig4_translation_radar.pdf",
        png=report("results/figures/paper_fig4_translation_radar.png", caption="../report/paper_strategy_fig4.rst",
                   category=REPORT_SECTIONS["strategy"], subcategory=REPORT_SUBSECTIONS["paper"]),
    params:
        scale=PAPER_STRATEGY_SCALE,
    log:
        "logs/paper_strategy_fig4/paper_strategy_fig4.log",
    conda:
        "../../envs/codescale.yaml"
    script:
        "../scripts/paper_strategy_fig4.py"


rule paper_allocation_fig5:
    """Fig. 5: token composition, uniform vs optimized, with the optimum's bootstrap interval."""
    input:
        allocation="results/allocation/{budget}/allocation.json",
    output:
        pdf="results/figures/paper_fig5_token_composition_{budget}.pdf",
        png=report("results/figures/paper_fig5_token_composition_{budget}.png",
                   caption="../report/paper_allocation_fig5.rst", category=REPORT_SECTIONS["allocation"], subcategory=REPORT_SUBSECTIONS["paper"]),
    params:
        scales=PAPER_ALLOCATION_SCALES,
    log:
        "logs/paper_allocation_fig5/{budget}.log",
    conda:
        "../../envs/codescale.yaml"
    script:
        "../scripts/paper_allocation_fig5.py"


rule paper_allocation_fig6:
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
                   caption="../report/paper_allocation_fig6.rst", category=REPORT_SECTIONS["allocation"], subcategory=REPORT_SUBSECTIONS["paper"]),
    params:
        scales=PAPER_ALLOCATION_SCALES,
        evaluated=PAPER_ALLOCATION_GRADED,
    log:
        "logs/paper_allocation_fig6/{budget}.log",
    conda:
        "../../envs/codescale.yaml"
    script:
        "../scripts/paper_allocation_fig6.py"
