# The report's provenance (issue 15): what code, software, machine and config made results/, and
# the wall time of each stage. The report (snakemake --report results/report.html) shows it on its
# front page (workflow/report/workflow.rst includes results/report/provenance_front.html) and in its
# Provenance section. The helpers live in codescale.report.

from codescale.report import PROVENANCE_RULES, provenance_inputs, provenance_targets, rule_stages

report_outputs = provenance_targets  # the targets of rule all that this file's rules write
get_provenance_inputs = provenance_inputs(get_final_outputs)  # every other target of rule all
get_rule_stages = rule_stages(workflow)  # rule -> the rule file that declares it


rule report_provenance:
    """The git commit (and whether the tree was dirty), package versions, machine, merged config and
    wall time per stage behind results/. It reruns when any target or the config changes, and
    scripts/run_pipeline.sh forces it on every run (a new commit changes no other input); nothing
    reads it but the pages below, rule all and the report, so it never makes another rule rerun."""
    input:
        get_provenance_inputs,
    output:
        "results/provenance.json",
    params:
        config=config,
        stages=get_rule_stages,
        metadata=".snakemake/metadata",  # Snakemake's job records (start and end of every job)
        own_rules=list(PROVENANCE_RULES),  # not timed: their records are the previous run's
    log:
        "logs/report_provenance/report_provenance.log",
    conda:
        "../../envs/codescale.yaml"
    script:
        "../scripts/report_provenance.py"


rule report_provenance_pages:
    """The provenance as the report shows it: a block on the front page and a page of its own (a
    rule apart so that the report's sidebar lists this job's parameters, not the whole config)."""
    input:
        "results/provenance.json",
    output:
        page=report("results/report/provenance.html", caption="../report/provenance.rst",
                    category=REPORT_SECTIONS["provenance"]),
        front="results/report/provenance_front.html",
    params:
    log:
        "logs/report_provenance_pages/report_provenance_pages.log",
    conda:
        "../../envs/codescale.yaml"
    script:
        "../scripts/report_provenance_pages.py"


localrules:
    report_provenance,
    report_provenance_pages,
