# (issue 15) The claims check: each qualitative claim of the paper beside what this run's results
# show, with a verdict computed by codescale.claims (never written by hand). Its inputs follow the
# config: a family the config does not run adds no input, and its claims say why they are not
# testable at this scale.

from codescale.claims import THRESHOLDS


def get_claims_inputs(wildcards=None):
    """The result files the claims read, for the families the config runs."""
    experiments = config["experiments"]
    inputs = {}
    if "scaling" in experiments:
        inputs["language_laws"] = "results/laws/language_laws.json"
    if "synergy" in experiments:
        inputs["synergy"] = "results/laws/synergy.csv"
    if "strategy" in experiments:
        inputs["strategy"] = "results/eval/strategy.csv"
        inputs["translation_laws"] = "results/laws/translation_laws.json"
    inputs.update({f"difference_{b}": f"results/allocation/{b}/difference.csv" for b in BUDGETS})
    return inputs


def claims_outputs():
    """Targets of rule all that this file's rules write."""
    return ["results/claims.csv", "results/claims.html"]


# Seconds of pandas on a few small tables: on a cluster it runs in the Snakemake process.
localrules:
    claims_check,


rule claims_check:
    """The paper's claims, each with our value, its interval, the paper's value and a verdict
    (reproduced / not reproduced / not testable at this scale): results/claims.csv and the table
    the report opens with."""
    input:
        unpack(get_claims_inputs),
    output:
        table=report("results/claims.csv", caption="../report/claims_table.rst", category=REPORT_SECTIONS["claims"]),
        html=report("results/claims.html", caption="../report/claims.rst", category=REPORT_SECTIONS["claims"]),
    params:
        budgets=list(BUDGETS),
        thresholds=THRESHOLDS,  # the verdicts' thresholds, stated in the caption
    log:
        "logs/claims_check/claims_check.log",
    conda:
        "../../envs/codescale.yaml"
    script:
        "../scripts/claims_check.py"
