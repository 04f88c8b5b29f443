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
        report("results/laws/language_laws.csv", caption="../report/laws.rst", category="Laws"),
    params:
    log:
        "logs/export_law_table/export_law_table.log",
    conda:
        "../../envs/codescale.yaml"
    script:
        "../scripts/export_law_table.py"
