"""Checks on a config that JSON Schema cannot express (cross-references between keys).

Each problem names the key path, so a mistake is found before any job starts.
"""

from __future__ import annotations


def code_languages(languages: list[str]) -> list[str]:
    """The programming languages of the study: ``text`` (natural language) is trained on where a
    budget asks for it, but is not a language of the code experiment families."""
    return [lang for lang in languages if lang != "text"]


def executed_languages(config: dict) -> list[str]:
    """The languages whose programs the study compiles and runs in the sandbox: every code language
    when the parallel corpus is synthesized (programs are verified by running them in each) or
    translations are graded by execution, Python for HumanEval, MultiPL-E's languages. The
    preflight checks exactly these before any job starts."""
    langs = code_languages(config["languages"])
    evaluate = config.get("evaluate", {})
    executed = set(langs) if config.get("synth") or "translation" in evaluate else set()
    if "humaneval" in evaluate:
        executed.add("python")
    executed.update(evaluate.get("multipl_e", {}).get("files", {}))
    return [lang for lang in langs if lang in executed]


class ConfigError(ValueError):
    """The configuration is inconsistent."""


def check_config(config: dict) -> None:
    problems = []
    langs = config["languages"]
    provided = {lang for s in config["sources"].values() for lang in s["langs"]}
    for lang in langs:
        if lang not in provided:
            problems.append(f"languages: {lang!r} has no source in `sources`")
    for name, src in config["sources"].items():
        kind = src["kind"]
        if kind in ("debian_binary", "debian_source", "npm", "pypi") and not src.get("packages"):
            problems.append(f"sources.{name}.packages: required for kind {kind!r}")
        if kind in ("local", "documents") and not src.get("path"):
            problems.append(f"sources.{name}.path: required for kind {kind!r}")
    models = config["models"]
    for name, m in models.items():
        if m["hidden"] % m["heads"]:
            problems.append(f"models.{name}: hidden {m['hidden']} is not divisible by heads {m['heads']}")
    exp = config["experiments"]
    refs = [(f"experiments.{fam}.models", m) for fam in ("scaling", "synergy", "mixtures", "strategy") if fam in exp
            for m in exp[fam]["models"]]
    refs += [(f"allocation.budgets.{b}.model", v["model"])
             for b, v in config["allocation"]["budgets"].items()]
    for key, m in refs:
        if m not in models:
            problems.append(f"{key}: unknown model {m!r} (known: {sorted(models)})")
    for fam in ("scaling", "synergy"):
        for lang in exp.get(fam, {}).get("languages", []) or []:
            if lang not in langs:
                problems.append(f"experiments.{fam}.languages: {lang!r} is not in `languages`")
    if "synergy" in exp and len(exp["synergy"].get("languages") or code_languages(langs)) < 2:
        problems.append("experiments.synergy: needs at least two languages")
    if "scaling" in exp:
        points = len(exp["scaling"]["models"]) * len(exp["scaling"]["tokens"])
        if points < 5:
            problems.append(f"experiments.scaling: {points} (model, tokens) points per language; "
                            "the law has 5 parameters, so at least 5 are needed")
    else:
        problems.append("experiments.scaling: required (the laws and the allocation are fitted on it)")
    batches = [("train.batch", config["train"]["batch"])]
    if "batch" in exp.get("strategy", {}):
        batches.append(("experiments.strategy.batch", exp["strategy"]["batch"]))
    for key, batch in batches:
        if batch["global"] % batch["micro"]:
            problems.append(f"{key}: global {batch['global']} is not a multiple of micro {batch['micro']}")
    synth = config.get("synth")
    if synth and synth["functions"]["min"] > synth["functions"]["max"]:
        problems.append(f"synth.functions: min {synth['functions']['min']} > max {synth['functions']['max']}")
    if "strategy" in exp:
        if not synth:
            problems.append("experiments.strategy: needs `synth` (the parallel corpus it trains on)")
        else:
            for org in exp["strategy"]["organizations"]:
                if org not in synth["organizations"]:
                    problems.append(f"experiments.strategy.organizations: {org!r} is not in synth.organizations")
    if "translation" in config["evaluate"] and not synth:
        problems.append("evaluate.translation: needs `synth` (the held-out parallel set)")
    for task in ("translation", "humaneval", "multipl_e"):
        for fam in config["evaluate"].get(task, {}).get("families", []):
            if fam != "allocation" and fam not in exp:
                problems.append(f"evaluate.{task}.families: {fam!r} is not a configured experiment family")
    a = config["allocation"]
    k = len(code_languages(langs))
    if a["min_share"] * k > 1 or a["max_share"] * k < 1:
        problems.append(f"allocation: shares [{a['min_share']}, {a['max_share']}] are infeasible "
                        f"for {k} languages")
    for name, b in a["budgets"].items():
        text = b.get("text_tokens", 0)
        if text and "text" not in langs:
            problems.append(f"allocation.budgets.{name}.text_tokens: needs `text` in `languages` (and a source)")
        if text >= b["tokens"]:
            problems.append(f"allocation.budgets.{name}.text_tokens: {text} leaves no code tokens of {b['tokens']}")
    if problems:
        raise ConfigError("invalid configuration:\n  - " + "\n  - ".join(problems))
