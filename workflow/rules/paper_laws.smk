# (issue 15) The paper's Fig. 1 (the multilingual law against the baseline), Fig. 2 with its table
# (per-language laws beside the paper's) and Table 1 (the synergy matrix beside the paper's), drawn
# from the laws stage's outputs (codescale.figures.paper_laws).


localrules:
    plot_paper_multilingual_law,
    plot_paper_language_laws,
    plot_paper_synergy,


rule plot_paper_multilingual_law:
    """Fig. 1: predicted vs measured average loss of the held-out mixtures for the paper's
    proportion-dependent law, the mixture-blind baseline and the model the allocation used."""
    input:
        laws="results/laws/mixture_laws.json",
        comparison="results/laws/mixture_models.csv",
    output:
        table=report("results/paper/multilingual_law.csv", caption="../report/paper_laws_multilingual_table.rst",
                     category=REPORT_SECTIONS["allocation"], subcategory=REPORT_SUBSECTIONS["paper"]),
        pdf="results/figures/paper_fig1_multilingual_law.pdf",
        png=report("results/figures/paper_fig1_multilingual_law.png", caption="../report/plot_paper_multilingual_law.rst",
                   category=REPORT_SECTIONS["allocation"], subcategory=REPORT_SUBSECTIONS["paper"]),
    params:
    log:
        "logs/plot_paper_multilingual_law/plot_paper_multilingual_law.log",
    conda:
        "../../envs/codescale.yaml"
    script:
        "../scripts/plot_paper_multilingual_law.py"


rule plot_paper_language_laws:
    """Fig. 2: per-language fitted L(N, D) surfaces with the measured points; the table of α_N, α_D,
    L_∞ beside the paper's with both rankings and Spearman's ρ; our parameters beside the paper's."""
    input:
        "results/laws/language_laws.json",
    output:
        table=report("results/paper/language_laws.csv", caption="../report/paper_laws_languages_table.rst",
                     category=REPORT_SECTIONS["laws"], subcategory=REPORT_SUBSECTIONS["paper"]),
        ranks=report("results/paper/language_law_ranks.csv", caption="../report/paper_laws_languages_ranks.rst",
                     category=REPORT_SECTIONS["laws"], subcategory=REPORT_SUBSECTIONS["paper"]),
        surfaces_pdf="results/figures/paper_fig2_language_laws.pdf",
        surfaces_png=report("results/figures/paper_fig2_language_laws.png",
                            caption="../report/plot_paper_language_laws.rst", category=REPORT_SECTIONS["laws"], subcategory=REPORT_SUBSECTIONS["paper"]),
        parameters_pdf="results/figures/paper_fig2_parameters.pdf",
        parameters_png=report("results/figures/paper_fig2_parameters.png",
                              caption="../report/paper_laws_languages_parameters.rst",
                              category=REPORT_SECTIONS["laws"], subcategory=REPORT_SUBSECTIONS["paper"]),
    params:
    log:
        "logs/plot_paper_language_laws/plot_paper_language_laws.log",
    conda:
        "../../envs/codescale.yaml"
    script:
        "../scripts/plot_paper_language_laws.py"


rule plot_paper_synergy:
    """Table 1: our relative synergy gains with their seed intervals beside the paper's cells."""
    input:
        "results/laws/synergy.csv",
    output:
        table=report("results/paper/synergy.csv", caption="../report/paper_laws_synergy_table.rst",
                     category=REPORT_SECTIONS["synergy"], subcategory=REPORT_SUBSECTIONS["paper"]),
        pdf="results/figures/paper_table1_synergy.pdf",
        png=report("results/figures/paper_table1_synergy.png", caption="../report/plot_paper_synergy.rst",
                   category=REPORT_SECTIONS["synergy"], subcategory=REPORT_SUBSECTIONS["paper"]),
    params:
    log:
        "logs/plot_paper_synergy/plot_paper_synergy.log",
    conda:
        "../../envs/codescale.yaml"
    script:
        "../scripts/plot_paper_synergy.py"
