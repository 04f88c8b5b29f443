"""The config's defaults and checks: ``validated`` fills in the JSON Schema's defaults (the only place
a default is written) and validates, as the workflow's ``validate`` does; ``check_config`` checks what
JSON Schema cannot express (cross-references between keys).

Each problem names the key path, so a mistake is found before any job starts.
"""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path

from codescale.languages import language

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "workflow" / "schemas" / "config.schema.yaml"


@cache
def _schema() -> dict:
    import yaml

    return yaml.safe_load(SCHEMA_PATH.read_text())


@cache
def _defaulting_validator():
    """Draft 2020-12 with ``properties`` extended to set each absent property's ``default`` before
    validating it: the mechanism of ``snakemake.utils.validate`` (set_default=True). A default is
    filled wherever its parent object is present (so a defaulted ``{}`` gets its own defaults in
    turn, and an absent optional section without a default stays absent)."""
    from jsonschema import Draft202012Validator, validators

    properties = Draft202012Validator.VALIDATORS["properties"]

    def set_defaults(validator, props, instance, subschema):
        if isinstance(instance, dict):
            for key, sub in props.items():
                if "default" in sub:
                    instance.setdefault(key, copy.deepcopy(sub["default"]))
        yield from properties(validator, props, instance, subschema)

    return validators.extend(Draft202012Validator, {"properties": set_defaults})


def defaults(definition: str) -> dict:
    """The schema's defaults of one ``$defs`` object (``thresholds``) or top-level section
    (``cluster``), for code outside the workflow that needs one section and no whole config
    (bench/: ``Thresholds(**defaults("thresholds"))``)."""
    schema = _schema()
    section = schema["$defs"].get(definition) or schema["properties"][definition]
    return {k: copy.deepcopy(sub["default"]) for k, sub in section["properties"].items() if "default" in sub}


def validated(config: dict) -> dict:
    """A copy of ``config`` with the schema's defaults filled in, validated against the schema
    (``jsonschema.ValidationError`` otherwise): what the workflow's rules see after common.smk's
    ``validate``, for library code and tests."""
    config = copy.deepcopy(config)
    _defaulting_validator()(_schema()).validate(config)  # defaults are deep-copied in
    return config


def code_languages(languages: list[str]) -> list[str]:
    """The programming languages of the study: ``text`` (natural language) is trained on where a
    budget asks for it, but is not a language of the code experiment families."""
    return [lang for lang in languages if language(lang).code]


def executed_languages(config: dict) -> list[str]:
    """The languages whose programs the study compiles and runs in the sandbox: every code language
    when the parallel corpus is synthesized (programs are verified by running them in each) or
    translations are graded by execution, Python for HumanEval, MultiPL-E's languages. The
    preflight checks exactly these before any job starts."""
    langs = code_languages(config["languages"])
    evaluate = config["evaluate"]
    executed = set(langs) if config.get("synth") or "translation" in evaluate else set()
    if "humaneval" in evaluate:
        executed.add("python")
    if "multipl_e" in evaluate:
        executed.update(evaluate["multipl_e"]["files"])
    return [lang for lang in langs if lang in executed]


def corpus_shards(config: dict) -> int:
    """Shards per source (the curation and tokenization jobs per language): ``corpus.shards``, or
    more when ``corpus.shard_bytes`` asks for shards of at most that many bytes of a language's
    byte cap (documents are spread over shards by content hash, so shards are about equal)."""
    corpus = config["corpus"]
    target = corpus.get("shard_bytes")
    return max(corpus["shards"], -(-corpus["byte_cap"] // target) if target else 1)


class ConfigError(ValueError):
    """The configuration is inconsistent."""


def check_config(config: dict) -> None:
    """Raise ``ConfigError`` listing every inconsistency of a ``validated`` config."""
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
        for key in ("columns", "lang", "blobs"):
            if key in src and kind != "documents":
                problems.append(f"sources.{name}.{key}: only a documents source has it (kind is {kind!r})")
        if kind == "documents":
            if (src.get("columns") or {}).get("path", "path") is None and not src.get("lang"):
                problems.append(f"sources.{name}: without a path column (columns.path: null) every record "
                                "needs a language: set `lang`")
            if src.get("lang") and src["lang"] not in src["langs"]:
                problems.append(f"sources.{name}.lang: {src['lang']!r} is not in its langs {src['langs']}")
            if src.get("blobs") and "content" in (src.get("columns") or {}):
                problems.append(f"sources.{name}: contents come from `blobs` or from columns.content, not both")
    models = config["models"]
    for name, m in models.items():
        if m["hidden"] % m["heads"]:
            problems.append(f"models.{name}: hidden {m['hidden']} is not divisible by heads {m['heads']}")
    exp = config["experiments"]
    refs = [(f"experiments.{fam}.models", m) for fam in ("scaling", "synergy", "mixtures", "strategy") if fam in exp
            for m in exp[fam]["models"]]
    refs += [(f"allocation.budgets.{b}.model", v["model"])
             for b, v in config["allocation"]["budgets"].items()]
    for task, key in (("translation", "generate_models"), ("humaneval", "models"), ("multipl_e", "models")):
        refs += [(f"evaluate.{task}.{key}", m) for m in (config["evaluate"].get(task) or {}).get(key, [])]
    for key, m in refs:
        if m not in models:
            problems.append(f"{key}: unknown model {m!r} (known: {sorted(models)})")
    for fam in ("scaling", "synergy"):
        subset = exp[fam].get("languages") if fam in exp else None  # None: all languages
        for lang in subset or []:
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
    if "strategy" in exp and "batch" in exp["strategy"]:  # without it, train.batch
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
        for fam in config["evaluate"][task]["families"] if task in config["evaluate"] else []:
            if fam != "allocation" and fam not in exp:
                problems.append(f"evaluate.{task}.families: {fam!r} is not a configured experiment family")
    a = config["allocation"]
    k = len(code_languages(langs))
    if a["min_share"] * k > 1 or a["max_share"] * k < 1:
        problems.append(f"allocation: shares [{a['min_share']}, {a['max_share']}] are infeasible "
                        f"for {k} languages")
    for name, b in a["budgets"].items():
        text = b["text_tokens"]
        if text and "text" not in langs:
            problems.append(f"allocation.budgets.{name}.text_tokens: needs `text` in `languages` (and a source)")
        if text >= b["tokens"]:
            problems.append(f"allocation.budgets.{name}.text_tokens: {text} leaves no code tokens of {b['tokens']}")
    if problems:
        raise ConfigError("invalid configuration:\n  - " + "\n  - ".join(problems))
