"""The report's provenance (codescale.report): git state, Snakemake's job records, wall time per
stage, the rendering, and the report's front page and section order."""

import ast
import datetime
import json
import re
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from codescale import report
from codescale.report import (
    JobRecord,
    busy_seconds,
    cpu_model,
    cuda_devices,
    describe_machine,
    format_seconds,
    git_state,
    memory_gib,
    package_versions,
    read_job_records,
    record_output,
    render_block,
    render_config,
    render_page,
    stage_times,
)

REPO = Path(__file__).resolve().parents[2]


def git(repo, *args):
    return subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
                          check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(tmp_path):
    r = tmp_path / "repo"
    r.mkdir()
    git(r, "init", "-q", "-b", "main")
    (r / ".gitignore").write_text("results/\n")
    (r / "a.py").write_text("x = 1\n")
    (r / "b.py").write_text("y = 2\n")
    git(r, "add", ".")
    git(r, "commit", "-q", "-m", "first commit")
    return r


# ---- git -------------------------------------------------------------------------------------


def test_a_clean_checkout_names_its_commit(repo):
    state = git_state(repo)
    assert state["commit"] == git(repo, "rev-parse", "HEAD").strip()
    assert state["short"] == state["commit"][:12] and state["branch"] == "main"
    assert state["subject"] == "first commit"
    assert state["dirty"] is False and state["changed"] == [] and state["diff_sha256"] is None
    (repo / "results").mkdir()
    (repo / "results" / "out.json").write_text("{}")  # ignored outputs do not make it dirty
    assert git_state(repo)["dirty"] is False


def test_a_modified_file_makes_the_tree_dirty_and_its_diff_is_hashed(repo):
    (repo / "a.py").write_text("x = 3\n")
    state = git_state(repo)
    assert state["dirty"] is True and state["modified"] == 1 and state["untracked"] == 0
    assert state["changed"] == ["a.py"]
    first = state["diff_sha256"]
    (repo / "a.py").write_text("x = 4\n")
    assert git_state(repo)["diff_sha256"] not in (None, first)  # another edit, another hash


def test_untracked_staged_and_renamed_files_count(repo):
    (repo / "new module.py").write_text("z = 0\n")  # a space: -z output, no quoting
    git(repo, "mv", "b.py", "c.py")
    state = git_state(repo)
    assert state["dirty"] is True
    assert state["modified"] == 1 and state["untracked"] == 1
    assert state["changed"] == ["c.py", "new module.py"]  # the rename's new name, not its old one


def test_not_a_checkout_says_why(tmp_path):
    state = git_state(tmp_path)
    assert state["commit"] is None and state["dirty"] is None
    assert "not a git repository" in state["error"]
    assert "unknown commit" in report.describe_git(state)


def test_a_detached_checkout_has_no_branch(repo):
    git(repo, "checkout", "-q", "--detach")
    assert git_state(repo)["branch"] is None


# ---- Snakemake's job records -----------------------------------------------------------------


def record_file(metadata: Path, output: str, max_len: int = 255) -> Path:
    """Where Snakemake 9 writes the record of ``output`` (its own function, with a name limit)."""
    from snakemake.persistence.file import FilePersistence

    path = Path(FilePersistence._record_path(SimpleNamespace(_fetch_max_len=lambda s: max_len), str(metadata), output))
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def write_record(metadata, output, rule, start, end, job_hash, incomplete=False, max_len=255):
    meta = {"rule": rule, "starttime": start, "endtime": end, "job_hash": job_hash, "incomplete": incomplete,
            "record_format_version": 6, "params": [], "input": []}
    record_file(metadata, output, max_len).write_text(json.dumps(meta))


def test_record_names_decode_to_their_outputs_long_ones_too(tmp_path):
    long = "results/runs/" + "scaling-python-m2-t4m-" * 8 + "/spec.json"
    for output, max_len in (("results/laws/language_laws.json", 255), (long, 32)):
        path = record_file(tmp_path, output, max_len)
        assert record_output(path.relative_to(tmp_path)) == output
    assert len(record_file(tmp_path, long, 32).relative_to(tmp_path).parts) > 1  # split into @ directories


def test_job_records_one_per_job_from_the_outputs_on_disk(tmp_path):
    meta, root = tmp_path / "metadata", tmp_path / "work"
    for name in ("results/a.json", "results/a.csv", "results/b.json", "results/c.json"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("x")
    write_record(meta, "results/a.json", "fit", 100.0, 110.0, job_hash=1)
    write_record(meta, "results/a.csv", "fit", 100.5, 111.0, job_hash=1)  # same job, second output
    write_record(meta, "results/b.json", "plot", 120.0, 121.0, job_hash=2)
    write_record(meta, "results/gone.json", "plot", 90.0, 95.0, job_hash=3)  # output removed since
    write_record(meta, "results/c.json", "plot", 130.0, None, job_hash=4, incomplete=True)
    write_record(meta, "results/p.json", "report_provenance", 1.0, 2.0, job_hash=5)
    (meta / "garbage").write_text("not base64 json")
    records, skipped = read_job_records(meta, root, skip_rules=("report_provenance",))
    assert records == [JobRecord("fit", 100.0, 111.0, ("results/a.csv", "results/a.json")),
                       JobRecord("plot", 120.0, 121.0, ("results/b.json",))]
    assert records[0].seconds == 11.0
    assert skipped == {"stale": 1, "unfinished": 1, "unreadable": 1, "skipped_rule": 1}


def test_no_metadata_directory_is_no_records(tmp_path):
    assert read_job_records(tmp_path / "absent") == ([], {})


def test_busy_time_counts_parallel_jobs_once_and_no_gaps():
    records = [JobRecord("r", 0, 10, ()), JobRecord("r", 5, 15, ()), JobRecord("r", 6, 8, ()),
               JobRecord("r", 100, 130, ())]
    assert busy_seconds(records) == 45  # [0, 15] and [100, 130]
    assert busy_seconds([]) == 0


def test_stage_times_per_rule_and_stage_in_pipeline_order():
    records = [JobRecord("train_model", 10, 20, ()), JobRecord("train_model", 12, 22, ()),
               JobRecord("plan_run", 0, 1, ()), JobRecord("fit_language_laws", 30, 35, ()),
               JobRecord("odd_rule", 40, 41, ())]
    times = stage_times(records, {"train_model": "train", "plan_run": "train", "fit_language_laws": "laws"})
    rules = {r["rule"]: r for r in times["rules"]}
    assert [r["rule"] for r in times["rules"]] == ["plan_run", "train_model", "fit_language_laws", "odd_rule"]
    assert rules["train_model"]["jobs"] == 2 and rules["train_model"]["job_seconds"] == 20
    assert rules["train_model"]["wall_seconds"] == 12 and rules["train_model"]["max_job_seconds"] == 10
    stages = {s["stage"]: s for s in times["stages"]}
    assert [s["stage"] for s in times["stages"]] == ["train", "laws", "odd_rule"]  # unknown: its own stage
    assert stages["train"]["rules"] == 2 and stages["train"]["jobs"] == 3 and stages["train"]["job_seconds"] == 21
    assert stages["train"]["wall_seconds"] == 13  # [0, 1] and [10, 22]
    assert times["total"]["jobs"] == 5 and times["total"]["first_start"] == 0 and times["total"]["last_end"] == 41
    assert stage_times([], {})["total"]["jobs"] == 0


# ---- software and machine --------------------------------------------------------------------


def test_package_versions_name_python_and_mark_missing_packages():
    versions = package_versions({"pyyaml": ("pyyaml",), "absent": ("no-such-distribution-xyz", "nor-this-one")})
    assert versions["python"].count(".") == 2
    assert versions["pyyaml"] == yaml.__version__
    assert versions["absent"] is None
    assert {"torch", "megatron-core", "snakemake", "tokenizers", "transformer-engine"} <= set(report.PACKAGES)


def test_cpu_and_memory_from_proc_files():
    cpuinfo = "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) Platinum 8480+\n"
    assert cpu_model(cpuinfo) == "Intel(R) Xeon(R) Platinum 8480+"
    assert cpu_model("processor : 0\nModel : Raspberry Pi 4 Model B\n") == "Raspberry Pi 4 Model B"
    assert memory_gib("MemTotal:       24576000 kB\nMemFree: 1 kB\n") == pytest.approx(23.4, abs=0.05)


def fake_torch(devices, cuda="12.8"):
    props = [SimpleNamespace(name=name, total_memory=int(gib * 2**30)) for name, gib in devices]
    return SimpleNamespace(
        version=SimpleNamespace(cuda=cuda),
        cuda=SimpleNamespace(is_available=lambda: bool(devices), device_count=lambda: len(devices),
                             get_device_properties=lambda i: props[i]))


def test_gpus_as_torch_sees_them():
    gpus = cuda_devices(fake_torch([("NVIDIA H200", 139.8), ("NVIDIA H200", 139.8)]))
    assert gpus == {"devices": [{"name": "NVIDIA H200", "memory_gib": 139.8}] * 2, "cuda": "12.8", "note": None}
    machine = {"cpu": "Xeon", "cores": 16, "usable_cores": 16, "memory_gib": 128.0, "gpus": gpus, "platform": "Linux"}
    assert "2 × NVIDIA H200 (139.8 GiB), CUDA 12.8" in describe_machine(machine)
    none = cuda_devices(fake_torch([], cuda=None))
    assert none["devices"] == [] and none["note"] == "a CPU build of torch"
    assert "no device visible" in cuda_devices(fake_torch([], cuda="12.8"))["note"]
    machine.update(gpus=none, usable_cores=2)
    text = describe_machine(machine)
    assert "16 cores (2 usable)" in text and "no GPU (a CPU build of torch)" in text


# ---- gathering and rendering -----------------------------------------------------------------


CONFIG = {"languages": ["python", "javascript"], "models": {"s1": {"layers": 1, "hidden": 32}},
          "experiments": {"scaling": {"models": ["s1"], "tokens": [512, 1024]}},
          "note": "<script>alert(1)</script>"}


def provenance(repo, tmp_path, **kw):
    meta, root = tmp_path / "metadata", tmp_path / "work"
    (root / "results").mkdir(parents=True)
    for i, (rule, start, end) in enumerate([("plan_run", 0, 2), ("train_model", 2, 3725), ("fit_synergy", 3800, 3812)]):
        (root / f"results/{i}.json").write_text("x")
        write_record(meta, f"results/{i}.json", rule, 1.8e9 + start, 1.8e9 + end, job_hash=i)
    now = datetime.datetime(2027, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)
    return report.gather_provenance(repo, meta, CONFIG, {"plan_run": "train", "train_model": "train",
                                                         "fit_synergy": "laws"}, root=root,
                                    torch_module=fake_torch([], cuda=None), now=now, **kw)


def test_gathered_provenance_is_json_and_holds_every_part(repo, tmp_path):
    p = json.loads(json.dumps(provenance(repo, tmp_path)))
    assert set(p) == {"written_at", "git", "packages", "machine", "config", "times"}
    assert p["written_at"] == "2027-01-02T03:04:05+00:00"
    assert p["git"]["commit"] == git(repo, "rev-parse", "HEAD").strip()
    assert p["config"] == CONFIG
    assert [s["stage"] for s in p["times"]["stages"]] == ["train", "laws"]
    assert p["times"]["total"]["jobs"] == 3 and p["times"]["total"]["job_seconds"] == 3737


def test_config_renders_as_yaml_in_its_own_order():
    text = render_config(CONFIG)
    assert yaml.safe_load(text) == CONFIG
    assert text.splitlines()[0].startswith("languages:")  # not sorted: the order of config/*.yaml
    assert text.index("models:") < text.index("experiments:") < text.index("note:")


def test_durations_read_at_a_glance():
    assert [format_seconds(s) for s in (0.42, 12.4, 185, 3725, 90061)] == [
        "0.4 s", "12 s", "3 min 05 s", "1 h 02 min", "25 h 01 min"]


def test_the_block_shows_commit_versions_machine_times_and_config(repo, tmp_path):
    p = provenance(repo, tmp_path)
    block = render_block(p)
    assert p["git"]["short"] in block and "(clean tree)" in block and 'class="dirty"' not in block
    assert "torch " in block and "megatron-core " in block and "snakemake " in block and "python " in block
    assert "no GPU (a CPU build of torch)" in block
    assert "3 jobs: 1 h 02 min of job time" in block  # 2 s + 3723 s + 12 s
    rows = re.findall(r"<tr><td>(\w+)</td><td class=num>(\d+)</td><td class=num>(\d+)</td>", block)
    assert rows == [("train", "2", "2"), ("laws", "1", "1")]  # stage, rules, jobs in pipeline order
    assert "<details><summary>Merged config" in block  # collapsed on the front page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in block and "<script>alert" not in block
    assert "http://" not in block and "https://" not in block  # nothing to fetch: it opens offline


def test_a_dirty_tree_is_flagged_and_its_files_listed(repo, tmp_path):
    (repo / "a.py").write_text("x = 2\n")
    (repo / "extra.py").write_text("")
    block = render_block(provenance(repo, tmp_path))
    assert 'class="dirty"' in block and "DIRTY tree: 1 modified and 1 untracked files" in block
    assert "<li><code>a.py</code></li>" in block and "<li><code>extra.py</code></li>" in block


def test_the_page_is_standalone_with_every_part_open(repo, tmp_path):
    page = render_page(provenance(repo, tmp_path))
    assert page.startswith("<!doctype html>") and page.rstrip().endswith("</html>")
    assert "<details open><summary>Wall time per rule" in page and "<details open><summary>Merged config" in page
    assert re.search(r"<td>train_model</td><td>train</td><td class=num>1</td><td class=num>1 h 02 min", page)


def test_write_pages_writes_both(repo, tmp_path):
    p = provenance(repo, tmp_path)
    report.write_provenance(p, tmp_path / "out/provenance.json")
    back = json.loads((tmp_path / "out/provenance.json").read_text())
    assert back == p and list(back["config"]) == list(CONFIG)  # the config keeps its order
    assert render_config(back["config"]) == render_config(CONFIG)
    report.write_pages(p, tmp_path / "out/page.html", tmp_path / "out/front.html")
    assert (tmp_path / "out/page.html").read_text() == render_page(p)
    assert (tmp_path / "out/front.html").read_text().strip() == render_block(p)


# ---- the report's sections and front page ----------------------------------------------------


def report_sections() -> dict:
    text = (REPO / "workflow/rules/common.smk").read_text()
    m = re.search(r"^REPORT_SECTIONS = (\{.*?^\})", text, re.S | re.M)
    return ast.literal_eval(m.group(1))


def test_report_sections_sort_in_reading_order():
    """Snakemake's report lists categories sorted by title (localeCompare in its menu.js), not in
    the order rules name them: the titles' leading numbers are the order."""
    sections = report_sections()
    titles = list(sections.values())
    assert titles[0] == sections["claims"] and titles[-1] == sections["provenance"]
    assert sorted(titles) == titles
    assert all(re.match(r"\d\. ", t) for t in titles)  # one digit: "10." would sort before "2."
    # Snakemake defines an rst link target per category (`.. _TITLE: javascript:...`), and a colon
    # would end the target's name: the front page's links to the sections would break.
    assert not any(":" in t for t in titles)


def render_front_page(tmp_path, monkeypatch, with_provenance=True, config=None):
    """workflow/report/workflow.rst as Snakemake 9 renders it (snakemake.report.auto_report): Jinja
    with the config, the categories and the files, plus its link targets, then docutils."""
    from docutils.core import publish_parts
    from jinja2 import Environment
    from snakemake.report import Category

    monkeypatch.chdir(tmp_path)
    (tmp_path / "results/report").mkdir(parents=True)
    (tmp_path / "results/report/provenance_front.html").write_text('<div class="provenance">PROVENANCE</div>')
    categories = {Category(t): {} for t in report_sections().values()}
    page = SimpleNamespace(target="provenance.html", path="results/report/provenance.html")
    files = [page] if with_provenance else []
    links = ("\n\n{% for cat, catresults in categories|dictsort %}\n"
             ".. _{{ cat.name }}: javascript:app.showCategory('{{ cat.name|urlencode }}')\n{% endfor %}\n")
    text = (REPO / "workflow/report/workflow.rst").read_text() + links
    cfg = config or yaml.safe_load((REPO / "config/config.yaml").read_text())
    rst = Environment(trim_blocks=True, lstrip_blocks=True).from_string(text).render(
        snakemake=SimpleNamespace(config=cfg), categories=categories, files=files)
    return publish_parts(rst, writer="html")["html_body"]


def test_front_page_links_every_section_and_includes_the_provenance(tmp_path, monkeypatch):
    html = render_front_page(tmp_path, monkeypatch)
    assert "system-message" not in html and "problematic" not in html, html
    hrefs = re.findall(r'<a class="reference external" href="javascript:app.showCategory\(([^)]*)\)">([^<]*)</a>', html)
    titles = list(report_sections().values())
    assert [title for _, title in hrefs] == titles  # in reading order, each a working link
    assert '<div class="provenance">PROVENANCE</div>' in html
    assert "7 languages (python, java, javascript, typescript, csharp, go, rust)" in html
    assert "20,000, 40,000, 80,000" in html  # the scaling budgets, from the config


def test_front_page_without_provenance_says_so(tmp_path, monkeypatch):
    config = yaml.safe_load((REPO / "config/config.yaml").read_text())
    del config["experiments"]["strategy"]
    html = render_front_page(tmp_path, monkeypatch, with_provenance=False, config=config)
    assert "PROVENANCE" not in html and "No provenance" in html
    assert re.search(r'no section: here <tt class="docutils literal">strategy</tt>', html)


def test_rule_file_helpers_leave_out_the_provenance_and_name_stages():
    targets = ["results/laws/language_laws.csv", *report.provenance_targets(), "results/claims.csv"]
    assert report.provenance_inputs(lambda: targets)(None) == ["results/laws/language_laws.csv", "results/claims.csv"]
    workflow = SimpleNamespace(rules=[SimpleNamespace(name="train_model", snakefile="/w/workflow/rules/train.smk"),
                                      SimpleNamespace(name="all", snakefile="/w/Snakefile")])
    stages = report.rule_stages(workflow)
    workflow.rules.append(SimpleNamespace(name="report_provenance", snakefile="/w/workflow/rules/report.smk"))
    assert stages(None) == {"train_model": "train", "report_provenance": "report"}  # read when called
