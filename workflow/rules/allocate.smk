rule optimize_allocation:
    """Language shares minimising the chosen mixture law's mean predicted loss at a budget, under
    share bounds and data availability, against uniform, with the optimum bootstrapped."""
    input:
        laws="results/laws/language_laws.json",
        mixture="results/laws/mixture_laws.json",
        manifest="results/tokens/manifest.json",
    output:
        "results/allocation/{budget}/allocation.json",
    params:
        budget=get_budget,
        model_params=get_budget_model_params,
        min_share=config["allocation"]["min_share"],
        max_share=config["allocation"]["max_share"],
        max_loss_increase=config["allocation"]["max_loss_increase"],
        unique_tokens=config["allocation"]["unique_tokens"],
        bootstrap=config["allocation"]["bootstrap"],
        seed=config["allocation"]["seed"],
    log:
        "logs/optimize_allocation/{budget}.log",
    cache: "omit-software"
    conda:
        "../../envs/codescale.yaml"
    script:
        "../scripts/optimize_allocation.py"


rule compare_allocation:
    """Predicted vs measured loss of the uniform and optimized runs over their seeds, per language
    and on average, and optimized - uniform with a 95% interval and a verdict (won, lost, tied)."""
    input:
        allocation="results/allocation/{budget}/allocation.json",
        specs=get_budget_spec_files,
        evals=get_budget_eval_files,
    output:
        comparison=report(
            "results/allocation/{budget}/comparison.csv",
            caption="../report/allocation_table.rst",
            category=REPORT_SECTIONS["allocation"], subcategory=REPORT_SUBSECTIONS["ours"],
        ),
        difference=report(
            "results/allocation/{budget}/difference.csv",
            caption="../report/allocation_difference.rst",
            category=REPORT_SECTIONS["allocation"], subcategory=REPORT_SUBSECTIONS["ours"],
        ),
    params:
        runs=get_budget_runs,
    log:
        "logs/compare_allocation/{budget}.log",
    conda:
        "../../envs/codescale.yaml"
    script:
        "../scripts/compare_allocation.py"
