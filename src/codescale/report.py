"""Provenance of results/: the code, software, machine, merged config and wall time behind them.

Rule report_provenance gathers it after every other target of rule all (so every job it times has
finished) into ``results/provenance.json``; rule report_provenance_pages renders it twice: a block
that the report's front page (workflow/report/workflow.rst) includes, and a full page in the
report's Provenance section. Everything here is read, never configured:

- the git commit of the workflow's checkout and whether its tree was dirty (modified tracked files
  and untracked files that git does not ignore, listed, with a hash of the diff against the commit);
- the versions of the packages that decide the numbers (``PACKAGES``), "not installed" for absent ones;
- the machine the provenance was written on: CPU model, cores, memory, CUDA GPUs through torch;
- the config as the run used it (after overlays and the schema's defaults);
- per rule and per stage (the rule file that declares it), the jobs that made the outputs now on
  disk and their summed job time, read from Snakemake's per-output job records
  (``.snakemake/metadata/``: one JSON file per output, named by the urlsafe base64 of its path, with
  the job's ``starttime``/``endtime``; a name longer than the file system allows is split into
  directories whose names start with ``@``). Records of outputs no longer on disk are skipped and
  counted, as are unreadable ones.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
import html
import importlib.metadata
import json
import os
import platform
import subprocess
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from codescale.artifacts import write_text

# Label -> the distributions that provide it (the first installed one is reported).
PACKAGES = {
    "torch": ("torch",),
    "megatron-core": ("megatron-core",),
    "transformer-engine": ("transformer-engine", "transformer-engine-torch", "transformer-engine-cu12"),
    "tokenizers": ("tokenizers",),
    "snakemake": ("snakemake",),
    "numpy": ("numpy",),
    "scipy": ("scipy",),
    "pandas": ("pandas",),
    "pyarrow": ("pyarrow",),
    "matplotlib": ("matplotlib",),
}
CHANGED_LISTED = 50  # a dirty tree lists at most this many paths (the count is always complete)

# What workflow/rules/report.smk writes: targets of rule all, and what the provenance does not time
# (their records, when there are any, are the previous run's).
PROVENANCE_TARGETS = ("results/provenance.json", "results/report/provenance.html",
                      "results/report/provenance_front.html")
PROVENANCE_RULES = ("report_provenance", "report_provenance_pages")


# ---- the rule file's helpers (functions live here, not in the .smk: snakemake --lint) ---------


def provenance_targets() -> list[str]:
    """The targets of rule all that the provenance rules write."""
    return list(PROVENANCE_TARGETS)


def provenance_inputs(final_outputs: Callable[[], list[str]]) -> Callable[..., list[str]]:
    """An input function: every other target of rule all (``final_outputs()``), so the provenance
    job runs after them and their jobs' times are recorded when it reads them."""

    def inputs(wildcards=None) -> list[str]:
        return [f for f in final_outputs() if f not in PROVENANCE_TARGETS]

    return inputs


def rule_stages(workflow: Any) -> Callable[..., dict[str, str]]:
    """A params function: rule -> stage, the rule file that declares it (train.smk: train), read
    when the job is planned, once every rule file is included."""

    def stages(wildcards=None) -> dict[str, str]:
        return {r.name: Path(r.snakefile).stem for r in workflow.rules if r.name != "all"}

    return stages


# ---- git -------------------------------------------------------------------------------------


class GitError(RuntimeError):
    pass


def _git(repo: Path, *args: str) -> str:
    try:
        proc = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, timeout=60)
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    if proc.returncode != 0:
        raise GitError(proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else f"git {args[0]} failed")
    return proc.stdout


def _status_entries(porcelain: str) -> list[tuple[str, str]]:
    """(XY code, path) from ``git status --porcelain=v1 -z`` (a rename's original path follows it)."""
    entries, fields = [], porcelain.split("\0")
    i = 0
    while i < len(fields):
        field = fields[i]
        i += 1
        if not field:
            continue
        code, path = field[:2], field[3:]
        if code[0] in "RC":
            i += 1  # the original path of a rename or copy
        entries.append((code, path))
    return entries


def git_state(repo: str | os.PathLike) -> dict[str, Any]:
    """The checkout's commit and whether its tree is dirty; ``commit`` None and ``error`` saying why
    when ``repo`` is not a git checkout (a tarball) or git cannot read it."""
    repo = Path(repo)
    try:
        commit = _git(repo, "rev-parse", "HEAD").strip()
    except GitError as err:
        return {"commit": None, "dirty": None, "error": str(err)}
    branch = _git(repo, "rev-parse", "--abbrev-ref", "HEAD").strip()
    subject, date = _git(repo, "log", "-1", "--format=%s%x00%cI", "HEAD").rstrip("\n").split("\0")
    entries = _status_entries(_git(repo, "status", "--porcelain=v1", "-z", "--untracked-files=all"))
    modified = sorted(path for code, path in entries if code != "??")
    untracked = sorted(path for code, path in entries if code == "??")
    diff = _git(repo, "diff", "HEAD", "--binary") if modified else ""
    return {
        "commit": commit,
        "short": commit[:12],
        "branch": None if branch == "HEAD" else branch,  # "HEAD": a detached checkout
        "subject": subject,
        "date": date,
        "dirty": bool(modified or untracked),
        "modified": len(modified),
        "untracked": len(untracked),
        "changed": (modified + untracked)[:CHANGED_LISTED],
        "diff_sha256": hashlib.sha256(diff.encode()).hexdigest()[:16] if diff else None,
        "error": None,
    }


# ---- software and machine --------------------------------------------------------------------


def package_versions(packages: dict[str, tuple[str, ...]] = PACKAGES) -> dict[str, str | None]:
    """Python's version and each package's installed version (None: not installed)."""
    versions: dict[str, str | None] = {"python": platform.python_version()}
    for label, distributions in packages.items():
        versions[label] = None
        for name in distributions:
            try:
                versions[label] = importlib.metadata.version(name)
                break
            except importlib.metadata.PackageNotFoundError:
                continue
    return versions


def cpu_model(cpuinfo: str | None = None) -> str:
    """The CPU's model name from /proc/cpuinfo (x86 ``model name``, some ARM ``Model``/``Hardware``),
    else what the platform module says."""
    if cpuinfo is None:
        try:
            cpuinfo = Path("/proc/cpuinfo").read_text()
        except OSError:
            cpuinfo = ""
    for key in ("model name", "Model", "Hardware", "cpu model"):
        for line in cpuinfo.splitlines():
            name, sep, value = line.partition(":")
            if sep and name.strip() == key and value.strip():
                return value.strip()
    return platform.processor() or platform.machine() or "unknown"


def memory_gib(meminfo: str | None = None) -> float | None:
    """Total memory in GiB (MemTotal of /proc/meminfo, else sysconf)."""
    if meminfo is None:
        try:
            meminfo = Path("/proc/meminfo").read_text()
        except OSError:
            meminfo = ""
    for line in meminfo.splitlines():
        if line.startswith("MemTotal:"):
            return round(int(line.split()[1]) * 1024 / 2**30, 1)
    try:
        return round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError, AttributeError):
        return None


def cuda_devices(torch_module: Any = None) -> dict[str, Any]:
    """The CUDA GPUs torch sees, with a note when there are none (and why)."""
    if torch_module is None:
        try:
            import torch as torch_module
        except ImportError:
            return {"devices": [], "cuda": None, "note": "torch is not installed"}
    cuda = getattr(torch_module.version, "cuda", None)
    if not torch_module.cuda.is_available():
        note = "a CPU build of torch" if cuda is None else f"torch built for CUDA {cuda}: no device visible"
        return {"devices": [], "cuda": cuda, "note": note}
    devices = []
    for i in range(torch_module.cuda.device_count()):
        props = torch_module.cuda.get_device_properties(i)
        devices.append({"name": props.name, "memory_gib": round(props.total_memory / 2**30, 1)})
    return {"devices": devices, "cuda": cuda, "note": None}


def machine_info(torch_module: Any = None) -> dict[str, Any]:
    """The machine this runs on: CPU model, cores (all, and usable by this process), memory, GPUs."""
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        usable = os.cpu_count()
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "usable_cores": usable,
        "memory_gib": memory_gib(),
        "gpus": cuda_devices(torch_module),
        "platform": platform.platform(),
    }


# ---- wall time -------------------------------------------------------------------------------


@dataclass(frozen=True)
class JobRecord:
    """One finished job as Snakemake recorded it: its rule, start and end (epoch seconds), outputs."""

    rule: str
    start: float
    end: float
    outputs: tuple[str, ...]

    @property
    def seconds(self) -> float:
        return max(self.end - self.start, 0.0)


def record_output(relative: str | os.PathLike) -> str:
    """The output path a metadata record file stands for (its path below the metadata directory)."""
    parts = Path(relative).parts
    encoded = "".join(p[1:] if p.startswith("@") else p for p in parts)
    return base64.urlsafe_b64decode(encoded.encode()).decode()


def read_job_records(metadata: str | os.PathLike, root: str | os.PathLike = ".",
                     skip_rules: tuple[str, ...] = ()) -> tuple[list[JobRecord], dict[str, int]]:
    """The jobs behind the outputs now under ``root``, from Snakemake's metadata directory, one record
    per job (its outputs' records share rule and job hash), sorted by start; and a count of the
    output records left out, by reason (``stale``: the output is gone; ``unfinished``; ``unreadable``;
    ``skipped_rule``)."""
    metadata, root = Path(metadata), Path(root)
    skipped: dict[str, int] = defaultdict(int)
    jobs: dict[tuple, dict] = {}
    files = sorted(p for p in metadata.rglob("*") if p.is_file()) if metadata.is_dir() else []
    for path in files:
        try:
            output = record_output(path.relative_to(metadata))
            meta = json.loads(path.read_text())
            rule, start, end = meta["rule"], meta["starttime"], meta["endtime"]
        except (ValueError, UnicodeDecodeError, binascii.Error, KeyError, TypeError, OSError):
            skipped["unreadable"] += 1
            continue
        if rule in skip_rules:
            skipped["skipped_rule"] += 1
        elif meta.get("incomplete") or start is None or end is None:
            skipped["unfinished"] += 1
        elif not (root / output).exists():
            skipped["stale"] += 1
        else:
            key = (rule, meta.get("job_hash")) if meta.get("job_hash") is not None else (rule, output)
            job = jobs.setdefault(key, {"rule": rule, "start": start, "end": end, "outputs": []})
            job["start"], job["end"] = min(job["start"], start), max(job["end"], end)
            job["outputs"].append(output)
    records = [JobRecord(j["rule"], float(j["start"]), float(j["end"]), tuple(sorted(j["outputs"])))
               for j in jobs.values()]
    return sorted(records, key=lambda r: (r.start, r.rule)), dict(skipped)


def busy_seconds(records: list[JobRecord]) -> float:
    """Wall time during which at least one of ``records`` ran (the union of their intervals): jobs
    that overlap count once, and the gaps between runs of the workflow do not count."""
    total, end = 0.0, None
    for r in sorted(records, key=lambda r: r.start):
        if end is None or r.start > end:
            total += r.seconds
            end = r.end
        elif r.end > end:
            total += r.end - end
            end = r.end
    return total


def _span(records: list[JobRecord]) -> dict[str, Any]:
    return {"jobs": len(records), "job_seconds": round(sum(r.seconds for r in records), 3),
            "wall_seconds": round(busy_seconds(records), 3),
            "max_job_seconds": round(max(r.seconds for r in records), 3),
            "first_start": min(r.start for r in records), "last_end": max(r.end for r in records)}


def stage_times(records: list[JobRecord], stages: dict[str, str]) -> dict[str, Any]:
    """Per rule and per stage (``stages``: rule -> stage; a rule not in it is its own stage): jobs,
    summed job time (machine time), wall time (``busy_seconds``: parallel jobs count once), the
    longest job, first start and last end; rows in the order the pipeline started them. ``total``
    is the whole run's."""
    by_rule: dict[str, list[JobRecord]] = defaultdict(list)
    by_stage: dict[str, list[JobRecord]] = defaultdict(list)
    for r in records:
        by_rule[r.rule].append(r)
        by_stage[stages.get(r.rule, r.rule)].append(r)
    rules = [{"rule": rule, "stage": stages.get(rule, rule), **_span(rs)} for rule, rs in by_rule.items()]
    stage_rows = [{"stage": stage, "rules": len({r.rule for r in rs}), **_span(rs)} for stage, rs in by_stage.items()]
    return {
        "rules": sorted(rules, key=lambda row: (row["first_start"], row["rule"])),
        "stages": sorted(stage_rows, key=lambda row: (row["first_start"], row["stage"])),
        "total": _span(records) if records else {"jobs": 0, "job_seconds": 0.0, "wall_seconds": 0.0},
    }


# ---- gathering and rendering -----------------------------------------------------------------


def gather_provenance(repo: str | os.PathLike, metadata: str | os.PathLike, config: dict,
                      stages: dict[str, str], skip_rules: tuple[str, ...] = (), root: str | os.PathLike = ".",
                      torch_module: Any = None, now: datetime.datetime | None = None) -> dict[str, Any]:
    """Everything the report's provenance shows, as one JSON-serializable dict."""
    records, skipped = read_job_records(metadata, root, tuple(skip_rules))
    now = now or datetime.datetime.now(datetime.UTC)
    return {
        "written_at": now.isoformat(timespec="seconds"),
        "git": git_state(repo),
        "packages": package_versions(),
        "machine": machine_info(torch_module),
        "config": config,
        "times": {**stage_times(records, stages), "skipped_records": skipped},
    }


def render_config(config: dict) -> str:
    """The merged config as YAML, in its own key order (what config/*.yaml look like)."""
    return yaml.safe_dump(json.loads(json.dumps(config)), sort_keys=False, default_flow_style=None, width=100,
                          allow_unicode=True)


def format_seconds(seconds: float) -> str:
    """A duration a reader can take in at a glance: 0.4 s, 12 s, 3 min 05 s, 1 h 02 min."""
    if seconds < 10:
        return f"{seconds:.1f} s"
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


def _utc(timestamp: float) -> str:
    return datetime.datetime.fromtimestamp(timestamp, datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")


def describe_git(git: dict) -> str:
    """One line: the commit and whether the tree was clean."""
    if not git.get("commit"):
        return f"unknown commit ({git.get('error') or 'not a git checkout'})"
    where = f" on {git['branch']}" if git.get("branch") else " (detached)"
    head = f"{git['short']}{where}, {git['date'][:10]}: {git['subject']}"
    if not git["dirty"]:
        return f"{head} (clean tree)"
    parts = [f"{git['modified']} modified" if git["modified"] else "",
             f"{git['untracked']} untracked" if git["untracked"] else ""]
    diff = f", diff sha256 {git['diff_sha256']}" if git.get("diff_sha256") else ""
    return f"{head} (DIRTY tree: {' and '.join(p for p in parts if p)} files{diff}; results may not match the commit)"


def describe_machine(machine: dict) -> str:
    gpus = machine["gpus"]
    if gpus["devices"]:
        names = defaultdict(int)
        for d in gpus["devices"]:
            names[f"{d['name']} ({d['memory_gib']:g} GiB)"] += 1
        gpu = ", ".join(f"{n} × {name}" for name, n in names.items()) + f", CUDA {gpus['cuda']}"
    else:
        gpu = f"no GPU ({gpus['note']})"
    cores = f"{machine['cores']} cores" + (f" ({machine['usable_cores']} usable)"
                                           if machine["usable_cores"] != machine["cores"] else "")
    memory = f", {machine['memory_gib']:g} GiB memory" if machine.get("memory_gib") else ""
    return f"{machine['cpu']}, {cores}{memory}; {gpu}; {machine['platform']}"


def describe_packages(packages: dict) -> str:
    """python, then ``PACKAGES`` in their order (the JSON file sorts its keys), then any other."""
    order = ["python", *PACKAGES, *sorted(set(packages) - {"python", *PACKAGES})]
    return ", ".join(f"{name} {packages[name] or 'not installed'}" for name in order if name in packages)


def _e(value: Any) -> str:
    return html.escape(str(value))


def _table(header: list[str], rows: list[list[Any]], numeric: set[int] = frozenset()) -> str:
    head = "".join(f"<th{' class=num' if i in numeric else ''}>{_e(h)}</th>" for i, h in enumerate(header))
    body = "".join("<tr>" + "".join(f"<td{' class=num' if i in numeric else ''}>{_e(v)}</td>"
                                    for i, v in enumerate(row)) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _time_tables(times: dict) -> tuple[str, str]:
    stages = _table(["stage", "rules", "jobs", "job time", "wall time"],
                    [[s["stage"], s["rules"], s["jobs"], format_seconds(s["job_seconds"]),
                      format_seconds(s["wall_seconds"])] for s in times["stages"]], numeric={1, 2, 3, 4})
    rules = _table(["rule", "stage", "jobs", "job time", "longest job", "started"],
                   [[r["rule"], r["stage"], r["jobs"], format_seconds(r["job_seconds"]),
                     format_seconds(r["max_job_seconds"]), _utc(r["first_start"])] for r in times["rules"]],
                   numeric={2, 3, 4})
    return stages, rules


# Why output records were left out, as the front page says it (``skipped_rule``, the provenance
# rule's own previous record, is expected and not worth a reader's attention).
SKIPPED = {"stale": "records of outputs no longer on disk", "unfinished": "records of unfinished jobs",
           "unreadable": "unreadable records"}


def _total_line(times: dict) -> str:
    total = times["total"]
    if not total["jobs"]:
        return "no job records found (.snakemake/metadata is empty or was removed)"
    line = (f"{total['jobs']} jobs: {format_seconds(total['job_seconds'])} of job time in "
            f"{format_seconds(total['wall_seconds'])} of wall time, first start {_utc(total['first_start'])}, "
            f"last end {_utc(total['last_end'])}")
    skipped = {why: n for why, n in (times.get("skipped_records") or {}).items() if why in SKIPPED}
    if skipped:
        line += "; left out: " + ", ".join(f"{n} {SKIPPED[why]}" for why, n in sorted(skipped.items()))
    return line


STYLE = """
.provenance { font-size: 0.8rem; line-height: 1.35; }
.provenance table { border-collapse: collapse; margin: 0.3rem 0 0.8rem 0; width: auto; }
.provenance th, .provenance td { border-bottom: 1px solid #ddd; padding: 0.15rem 0.5rem; text-align: left;
  vertical-align: top; }
.provenance td.num, .provenance th.num { text-align: right; white-space: nowrap; }
.provenance table.facts th { white-space: nowrap; padding-right: 1rem; }
.provenance pre { font-size: 0.72rem; background: #f6f6f6; padding: 0.5rem; overflow: auto; max-height: 40rem; }
.provenance .dirty { color: #b00020; font-weight: 600; }
.provenance summary { cursor: pointer; font-weight: 600; margin: 0.4rem 0; }
"""


def render_block(provenance: dict, open_details: bool = False) -> str:
    """The provenance as an HTML block (no external resource): facts, wall time per stage, and, as
    collapsible parts, per rule, the changed files of a dirty tree and the merged config."""
    git, times = provenance["git"], provenance["times"]
    state = _e(describe_git(git))
    if git.get("dirty"):
        state = f'<span class="dirty">{state}</span>'
    facts = (
        '<table class="facts"><tbody>'
        f"<tr><th>code</th><td>{state}</td></tr>"
        f"<tr><th>software</th><td>{_e(describe_packages(provenance['packages']))}</td></tr>"
        f"<tr><th>machine</th><td>{_e(describe_machine(provenance['machine']))}</td></tr>"
        f"<tr><th>run</th><td>{_e(_total_line(times))}</td></tr>"
        f"<tr><th>written</th><td>{_e(_utc(datetime.datetime.fromisoformat(provenance['written_at']).timestamp()))}"
        " (results/provenance.json)</td></tr>"
        "</tbody></table>"
    )
    stages, rules = _time_tables(times)
    opened = " open" if open_details else ""
    parts = [f"<style>{STYLE}</style>", '<div class="provenance">', "<h2>Provenance</h2>", facts,
             "<h3>Wall time per stage</h3>",
             "<p>Stage: the rule file that declares the rule. Job time: the sum over its jobs; wall time: "
             "the time during which at least one of them ran (parallel jobs count once; the pauses "
             "between runs of the workflow do not count). Only the jobs that made the outputs now in "
             "results/ count, from Snakemake's records (.snakemake/metadata).</p>", stages,
             f"<details{opened}><summary>Wall time per rule</summary>{rules}</details>"]
    if git.get("dirty"):
        changed = "".join(f"<li><code>{_e(p)}</code></li>" for p in git["changed"])
        more = git["modified"] + git["untracked"] - len(git["changed"])
        parts.append(f"<details{opened}><summary>Files that differ from the commit</summary><ul>{changed}</ul>"
                     + (f"<p>and {more} more</p>" if more > 0 else "") + "</details>")
    parts.append(f"<details{opened}><summary>Merged config (as the run used it: the embedded default, "
                 "its overlays and the schema's defaults)</summary>"
                 f"<pre>{_e(render_config(provenance['config']))}</pre></details>")
    parts.append("</div>")
    return "\n".join(parts)


def render_page(provenance: dict) -> str:
    """A standalone HTML page of the provenance (the report's Provenance section shows it)."""
    return ("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Provenance</title>"
            "<style>body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #222; }</style></head>"
            f"<body>\n{render_block(provenance, open_details=True)}\n</body></html>\n")


def write_provenance(provenance: dict, path: str | os.PathLike) -> None:
    """results/provenance.json, atomically, its keys in their own order (the config's as in
    config/*.yaml; codescale.artifacts.write_json would sort them)."""
    write_text(path, json.dumps(provenance, indent=2, ensure_ascii=False) + "\n")


def write_pages(provenance: dict, page: str | os.PathLike, front: str | os.PathLike) -> None:
    """The full page (the report's Provenance section) and the front page's block, atomically."""
    write_text(page, render_page(provenance))
    write_text(front, render_block(provenance) + "\n")
