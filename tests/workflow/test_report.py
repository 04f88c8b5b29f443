"""The report of the smoke run (`snakemake --report`): one self-contained file, the claims check first
and one section per study in reading order, the provenance on its front page, every figure a
caption names included; and provenance that can be forced without rerunning anything else."""

import ast
import datetime
import json
import re
import subprocess

import pytest

from .conftest import REPO, snakemake
from .test_workflow import planned_rules

pytestmark = pytest.mark.workflow

# A tag that would fetch something when the report opens (a script, a stylesheet, an image, a frame).
EXTERNAL = re.compile(r"<(?:script|link|img|iframe|source|embed|object)\b[^>]*\b(?:src|href|data)\s*=\s*"
                      r"[\"']?(?:https?:)?//", re.I)
FIGURE = re.compile(r"[\w./\-]+\.(?:png|pdf|svg)\b")  # results/figures/x.png, figures/x.pdf, x.png


def report_var(html: str, name: str):
    """A variable the report declares in its own script block (``var categories = {...};``)."""
    m = re.search(rf'<script id="{name}">\s*var \w+ = (.*?);\s*</script>', html, re.S)
    assert m, f"the report has no <script id={name}> block"
    return json.loads(m.group(1))


def report_sections() -> dict:
    text = (REPO / "workflow/rules/common.smk").read_text()
    return ast.literal_eval(re.search(r"^REPORT_SECTIONS = (\{.*?^\})", text, re.S | re.M).group(1))


@pytest.fixture(scope="module")
def report(smoke_run, tmp_path_factory):
    """(workdir, the report's HTML, its categories, its results) for the smoke run."""
    workdir, _ = smoke_run
    path = tmp_path_factory.mktemp("report") / "report.html"
    snakemake(workdir, "--report", str(path))
    html = path.read_text(encoding="utf-8")
    return workdir, html, report_var(html, "categories"), report_var(html, "results")


def test_the_report_is_one_self_contained_file(report):
    _, html, _, results = report
    assert not EXTERNAL.findall(html), EXTERNAL.findall(html)[:5]
    desc = report_var(html, "workflow-desc")
    for text in [desc, *(r["caption"] for r in results.values())]:
        assert not EXTERNAL.findall(text)
    # every result is inlined (a data URI), none a link to a file beside the report
    assert all(r["data_uri"].startswith("data:") for r in results.values())


def test_sections_are_the_claims_check_then_each_study_in_order(report):
    _, _, categories, _ = report
    titles = list(report_sections().values())
    assert set(categories) == set(titles), "the smoke config runs every family: every section has results"
    assert sorted(categories) == titles  # the report's menu sorts by title
    assert all(sum(len(v) for v in sub.values()) for sub in categories.values())


def test_every_figure_a_caption_names_is_in_the_report(report):
    workdir, _, _, results = report
    included = set(results)
    named = {name for r in results.values() for name in FIGURE.findall(r["caption"])}
    for name in named:  # by its path's tail; a PDF named for print is in the report as its PNG
        tails = {name, name.rsplit(".", 1)[0] + ".png"}
        assert any(p == t or p.endswith("/" + t) for p in included for t in tails), name
    figures = [p for p in included if p.startswith("results/figures/")]
    assert figures and all((workdir / p).is_file() for p in figures)


def test_the_front_page_shows_the_provenance(report):
    workdir, html, _, _ = report
    desc = report_var(html, "workflow-desc")
    head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "HEAD"], capture_output=True, text=True)
    if head.returncode == 0:
        assert head.stdout.strip()[:12] in desc
    for part in ("Provenance", "Wall time per stage", "Wall time per rule", "Merged config", "torch ",
                 "megatron-core ", "snakemake ", "smoke_js"):
        assert part in desc, part
    assert desc.count("javascript:app.showCategory(") >= len(report_sections())  # a link per section
    # the front page and the Provenance section show the same file's content
    provenance = json.loads((workdir / "results/provenance.json").read_text())
    assert provenance["git"]["short"] in (workdir / "results/report/provenance.html").read_text()


def test_provenance_times_every_job_of_the_run(smoke_run):
    """Its per-rule job counts are the DAG's (a forced dry run lists every job), and it ran last."""
    workdir, _ = smoke_run
    provenance = json.loads((workdir / "results/provenance.json").read_text())
    counted = {r["rule"]: r["jobs"] for r in provenance["times"]["rules"]}
    dag = planned_rules(snakemake(workdir, "-n", "--forceall"))
    mine = {"report_provenance", "report_provenance_pages", "all"}
    assert counted == {rule: n for rule, n in dag.items() if rule not in mine}
    stages = {r["rule"]: r["stage"] for r in provenance["times"]["rules"]}
    assert stages["train_model"] == "train" and stages["fit_language_laws"] == "laws"
    written = datetime.datetime.fromisoformat(provenance["written_at"]).timestamp()
    assert max(r["last_end"] for r in provenance["times"]["rules"]) <= written + 1
    assert provenance["config"]["languages"] == ["python", "javascript"]


def test_forcing_the_provenance_reruns_nothing_else(smoke_run):
    """scripts/run_pipeline.sh forces it on every run: that must cost it and its pages only."""
    workdir, _ = smoke_run
    rules = planned_rules(snakemake(workdir, "-n", "--forcerun=report_provenance"))
    assert rules == {"report_provenance": 1, "report_provenance_pages": 1, "all": 1}
    assert "--forcerun=report_provenance" in (REPO / "scripts/run_pipeline.sh").read_text()
