rule fit_language_laws:
    """L(N, D) = A·N^-α + B·D^-β + E per language from the scaling family (Huber, L-BFGS)."""
    input:
        specs=get_spec_files(get_scaling_runs()),
        evals=get_eval_files(get_scaling_runs()),
    output:
        "results/laws/language_laws.json",
    params:
        languages=CODE_LANGUAGES,
        options=config["laws"],
    log:
        "logs/fit_language_laws/fit_language_laws.log",
    cache: "omit-software"
    conda:
        "../../envs/codescale.yaml"
    script:
        "../scripts/fit_language_laws.py"


rule export_law_table:
    """One row per language: parameters, 95% intervals and held-out error."""
    input:
        "results/laws/language_laws.json",
    output:
        report("results/laws/language_laws.csv", caption="../report/laws.rst", category=REPORT_SECTIONS["laws"], subcategory=REPORT_SUBSECTIONS["ours"]),
    params:
    log:
        "logs/export_law_table/export_law_table.log",
    conda:
        "../../envs/codescale.yaml"
    script:
        "../scripts/export_law_table.py"


rule fit_synergy:
    """Synergy gain Δ(i←j) = L(i+i) − L(i+j) of every auxiliary for every target (positive =
    helps), with 95% intervals over seeds; one bilingual run serves both its targets."""
    input:
        specs=get_spec_files(get_synergy_runs()),
        evals=get_eval_files(get_synergy_runs()),
    output:
        "results/laws/synergy.json",
        report("results/laws/synergy.csv", caption="../report/synergy_table.rst", category=REPORT_SECTIONS["synergy"], subcategory=REPORT_SUBSECTIONS["ours"]),
    params:
    log:
        "logs/fit_synergy/fit_synergy.log",
    conda:
        "../../envs/codescale.yaml"
    script:
        "../scripts/fit_synergy.py"


rule fit_mixture_laws:
    """The paper's proportion-dependent law and the per-target transfer law, fitted on the
    single-language, synergy and mixture runs, compared with the independent laws, a RegMix-style
    regression and the trivial predictor on held-out mixture runs; names the allocating form."""
    input:
        unpack(get_synergy_input),
        specs=get_spec_files(get_mixture_law_runs()),
        evals=get_eval_files(get_mixture_law_runs()),
        laws="results/laws/language_laws.json",
        manifest="results/tokens/manifest.json",
    output:
        "results/laws/mixture_laws.json",
    params:
        languages=CODE_LANGUAGES,
        options=config["laws"],
        law=config["allocation"]["law"],
    log:
        "logs/fit_mixture_laws/fit_mixture_laws.log",
    cache: "omit-software"
    conda:
        "../../envs/codescale.yaml"
    script:
        "../scripts/fit_mixture_laws.py"


rule export_mixture_models:
    """Each mixture model's held-out error on every mixture run, and overall."""
    input:
        "results/laws/mixture_laws.json",
    output:
        report("results/laws/mixture_models.csv", caption="../report/mixture_models_table.rst", category=REPORT_SECTIONS["allocation"], subcategory=REPORT_SUBSECTIONS["ours"]),
    params:
    log:
        "logs/export_mixture_models/export_mixture_models.log",
    conda:
        "../../envs/codescale.yaml"
    script:
        "../scripts/export_mixture_models.py"


rule fit_translation_laws:
    """L(N, D) of translation loss per data organization on seen and on unseen directions, and
    per direction where the grid has enough points (the paper's Table 2)."""
    input:
        specs=get_spec_files(get_strategy_runs()),
        tasks=get_strategy_task_dirs(),
    output:
        "results/laws/translation_laws.json",
        report("results/laws/translation_laws.csv", caption="../report/translation_laws_table.rst", category=REPORT_SECTIONS["strategy"], subcategory=REPORT_SUBSECTIONS["ours"]),
    params:
        options=config["laws"],
    threads: 2  # per-direction fits run in parallel processes
    log:
        "logs/fit_translation_laws/fit_translation_laws.log",
    conda:
        "../../envs/codescale.yaml"
    script:
        "../scripts/fit_translation_laws.py"
