# (issue 15) The claims check: each qualitative claim of the paper beside what this run's results
# show, with a verdict computed by codescale.claims (never written by hand). Its inputs follow the
# config: a family the config does not run adds no input, and its claims say why they are not
# testable at this scale.

# Seconds of pandas on a few small tables: on a cluster it runs in the Snakemake process.
localrules:
    check_claims,


rule check_claims:
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
        thresholds=get_claims_thresholds,  # the verdicts' thresholds, stated in the caption
    log:
        "logs/check_claims/check_claims.log",
    conda:
        "../../envs/codescale.yaml"
    script:
        "../scripts/check_claims.py"
