import copy
import dataclasses
from pathlib import Path

import jsonschema
import pytest
import yaml

from codescale.configuration import SCHEMA_PATH, ConfigError, check_config, defaults, validated

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = yaml.safe_load((ROOT / "workflow/schemas/config.schema.yaml").read_text())


@pytest.fixture
def config():
    return yaml.safe_load((ROOT / "config/config.yaml").read_text())


def test_shipped_config_is_valid(config):
    jsonschema.validate(config, SCHEMA)
    check_config(validated(config))


def test_unknown_key_is_rejected(config):
    config["train"]["learning_rate"] = 1.0
    with pytest.raises(jsonschema.ValidationError, match="learning_rate"):
        jsonschema.validate(config, SCHEMA)


def test_misspelt_threshold_is_rejected(config):
    config["curate"]["defaults"]["max_line_lenght"] = 5
    with pytest.raises(jsonschema.ValidationError, match="max_line_lenght"):
        jsonschema.validate(config, SCHEMA)


@pytest.mark.parametrize("seeds", [[0, 0], [-1], []])
def test_family_seeds_are_unique_non_negative_indices(config, seeds):
    config = copy.deepcopy(config)
    config["experiments"]["scaling"]["seeds"] = seeds
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(config, SCHEMA)
    config["experiments"]["scaling"]["seeds"] = [0, 3]
    jsonschema.validate(config, SCHEMA)


@pytest.mark.parametrize("mutate, message", [
    (lambda c: c["experiments"]["scaling"]["models"].append("m9"), "unknown model 'm9'"),
    (lambda c: c["models"]["m1"].update(heads=5), "not divisible"),
    (lambda c: c["sources"].pop("jdk"), "'java' has no source"),
    (lambda c: c["allocation"].update(max_share=0.1), "infeasible"),
    (lambda c: c["experiments"]["scaling"].update(tokens=[1000]), "at least 5"),
    (lambda c: c["synth"].update(organizations=["shuffled"]), r"strategy.organizations: 'pairing' is not in synth"),
    (lambda c: c.pop("synth"), r"experiments.strategy: needs `synth`"),
    (lambda c: c["experiments"].pop("strategy"), r"evaluate.translation.families: 'strategy' is not a configured"),
    (lambda c: c["experiments"]["strategy"]["batch"].update(micro=3), "strategy.batch: global 2"),
    (lambda c: c["synth"]["functions"].update(min=3), "synth.functions: min 3 > max 2"),
    (lambda c: c["allocation"]["budgets"]["b160k"].update(text_tokens=1000), "text_tokens: needs `text`"),
    (lambda c: c["experiments"].update(synergy={"models": ["m1"], "tokens": [1], "languages": ["go"]}),
     "synergy: needs at least two"),
    (lambda c: c["evaluate"]["humaneval"].update(models=["m7"]), r"evaluate.humaneval.models: unknown model 'm7'"),
    (lambda c: c["sources"]["jdk"].update(columns={"content": "text"}), r"sources.jdk.columns: only a documents"),
    (lambda c: c["sources"].update(web={"kind": "documents", "langs": ["python"], "path": "/x",
                                        "columns": {"path": None}}), r"sources.web: without a path column"),
    (lambda c: c["sources"].update(web={"kind": "documents", "langs": ["python"], "path": "/x", "lang": "go"}),
     r"sources.web.lang: 'go' is not in its langs"),
    (lambda c: c["sources"].update(web={"kind": "documents", "langs": ["python"], "path": "/x",
                                        "columns": {"content": "c"}, "blobs": {"path": "/b"}}), "not both"),
])
def test_cross_checks_name_the_key(config, mutate, message):
    config = copy.deepcopy(config)
    mutate(config)
    with pytest.raises(ConfigError, match=message):
        check_config(validated(config))


def test_every_schema_key_is_described():
    missing = []

    def walk(node, path):
        if isinstance(node, dict):
            if "properties" in node:
                for key, sub in node["properties"].items():
                    if "description" not in sub and "$ref" not in sub:
                        missing.append(f"{path}.{key}")
            for key, sub in node.items():
                walk(sub, f"{path}.{key}")
        elif isinstance(node, list):
            for i, sub in enumerate(node):
                walk(sub, f"{path}[{i}]")

    walk(SCHEMA, "")
    assert not missing


def test_every_object_rejects_unknown_keys():
    loose = []

    def walk(node, path):
        if isinstance(node, dict):
            if node.get("type") == "object" and "additionalProperties" not in node:
                loose.append(path)
            for key, sub in node.items():
                walk(sub, f"{path}.{key}")

    walk(SCHEMA, "")
    assert not loose


def test_executed_languages_are_what_the_preflight_checks(config):
    from codescale.configuration import executed_languages

    langs = [lang for lang in config["languages"] if lang != "text"]
    assert executed_languages(config) == langs  # synth verifies every code language by running it
    bare = {"languages": ["python", "go", "text"], "evaluate": {}}
    assert executed_languages(bare) == []
    bare["evaluate"] = {"humaneval": {}, "multipl_e": {"files": {"go": "go.jsonl"}}}
    assert executed_languages(bare) == ["python", "go"]



# -- defaults: the schema is the only place one is written ------------------------------------------------

def _resolve(node):
    """``node`` with local ``$ref``s followed (``#/$defs/...``)."""
    while "$ref" in node:
        target = SCHEMA
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def _filled(sub):
    """What a defaulted property becomes: its default, with the defaults of its own properties filled in."""
    value = copy.deepcopy(sub["default"])
    if isinstance(value, dict):
        for key, inner in _resolve(sub).get("properties", {}).items():
            if "default" in inner and key not in value:
                value[key] = _filled(inner)
    return value


def _objects(instance, node, path=""):
    """(path, object, its schema) for every object of ``instance``, walking the schema beside it."""
    node = _resolve(node)
    if not isinstance(instance, dict):
        return
    yield path, instance, node
    props = node.get("properties", {})
    extra = node.get("additionalProperties")
    for key, value in instance.items():
        sub = props.get(key, extra if isinstance(extra, dict) else None)
        if sub is not None:
            yield from _objects(value, sub, f"{path}.{key}")


def _properties(node=SCHEMA, path=""):
    """(path, property schema, required) for every property the schema declares (``*``: any entry of a
    name -> object map; ``#name``: a ``$defs`` entry)."""
    required = set(node.get("required", []))
    for key, sub in node.get("properties", {}).items():
        yield f"{path}.{key}", sub, key in required
        yield from _properties(sub, f"{path}.{key}")
    if isinstance(node.get("additionalProperties"), dict):
        yield from _properties(node["additionalProperties"], f"{path}.*")
    for name, sub in node.get("$defs", {}).items():
        yield from _properties(sub, f"#{name}")


def _minimal(instance, node):
    """Only the required keys of ``instance`` (entries of name -> object maps kept, each minimal)."""
    node = _resolve(node)
    if not isinstance(instance, dict) or node.get("type") != "object":
        return instance
    props, required, extra = node.get("properties", {}), node.get("required", []), node.get("additionalProperties")
    if isinstance(extra, dict) and not props:
        return {k: _minimal(v, extra) for k, v in instance.items()}
    return {k: _minimal(instance[k], props[k]) for k in required}


def _merged(overlay):
    from snakemake.utils import update_config

    base = yaml.safe_load((ROOT / "config/config.yaml").read_text())
    if overlay is None:
        return base
    extra = yaml.safe_load((ROOT / overlay).read_text())
    if extra.get("standalone"):
        return extra
    update_config(base, extra)
    return base


@pytest.mark.parametrize("overlay", [None, "config/paper.yaml", "tests/workflow/smoke.yaml"])
def test_validated_is_what_the_workflow_sees(overlay):
    """The same defaults as common.smk's Snakemake ``validate`` (set_default=True), for each shipped config."""
    from snakemake.utils import validate

    config = _merged(overlay)
    written = copy.deepcopy(config)
    ours = validated(config)
    assert config == written  # the input is not changed
    validate(config, str(SCHEMA_PATH))
    assert ours == config
    assert validated(ours) == ours


def test_embedded_config_validated_is_itself_plus_defaults(config):
    full = validated(config)

    def check(written, filled, path):
        for key, value in written.items():  # everything written is kept as written
            if isinstance(value, dict):
                check(value, filled[key], f"{path}.{key}")
            else:
                assert filled[key] == value, f"{path}.{key}"

    check(config, full, "")
    added = []
    for path, obj, node in _objects(full, SCHEMA):
        written = config
        for part in path.split(".")[1:]:
            written = written.get(part) if isinstance(written, dict) else None
        for key, sub in node.get("properties", {}).items():
            if key in obj and (written is None or key not in written):
                assert "default" in sub, f"{path}.{key} was added without a default"
                assert obj[key] == _filled(sub), f"{path}.{key}"
                added.append(f"{path}.{key}")
    assert {".standalone", ".corpus.on_bad_record", ".cluster", ".evaluate.translation.syntax_precheck",
            ".synth.user_pairs", ".models.m1.gpus", ".allocation.budgets.b160k.text_tokens"} <= set(added)
    assert "multipl_e" not in full["evaluate"]  # an optional section without a default stays absent
    assert full["cluster"]["gpus_per_node"] == 8  # a defaulted section gets its properties' defaults
    assert full["curate"]["languages"]["javascript"] == {"max_mean_line_length": 120}  # overrides: only what is written


def test_minimal_config_gets_every_documented_default(config):
    minimal = _minimal(config, SCHEMA)
    assert "cluster" not in minimal and "ruff" not in minimal["curate"] and "gpus" not in minimal["models"]["m1"]
    full = validated(minimal)
    checked = []
    for path, obj, node in _objects(full, SCHEMA):
        for key, sub in node.get("properties", {}).items():
            if "default" in sub:
                assert obj.get(key) == _filled(sub), f"{path}.{key}"
                checked.append(f"{path}.{key}")
    thresholds = _resolve({"$ref": "#/$defs/thresholds"})["properties"]
    assert full["curate"]["defaults"] == {k: sub["default"] for k, sub in thresholds.items()} == defaults("thresholds")
    assert full["curate"]["near_dedup"] == {"enabled": True, "threshold": 0.85, "num_perm": 112, "ngram": 5, "seed": 1}
    assert len(checked) >= 40 and "synth" not in full and "translation" not in full["evaluate"]


# Optional keys that have no static default: sections whose absence means "not in this study", keys
# required by only some kinds or schedules, and defaults that are another key's value.
NO_DEFAULT = {
    ".sources.*.packages": "required by the package kinds (checked by check_config)",
    ".sources.*.path": "required by local and documents (checked by check_config)",
    ".sources.*.unpack": "Debian packages only",
    ".sources.*.repo_root": "without it each package is one repository",
    ".sources.*.columns": "documents only; each field's default is in its description",
    ".sources.*.columns.content": "default: content (document_files.RecordSpec)",
    ".sources.*.columns.path": "default: path", ".sources.*.columns.repo": "default: repo, else repo_name",
    ".sources.*.columns.id": "absent: a synthetic path is file#row",
    ".sources.*.columns.length": "absent: the size is measured", ".sources.*.columns.encoding": "absent: detected",
    ".sources.*.lang": "absent: detected from the path", ".corpus.shard_bytes": "absent: `shards` alone",
    ".sources.*.blobs": "absent: content is a column",
    ".train.schedule.decay_fraction": "wsd and wcl only",
    ".train.schedule.wcl_mid_lr": "wcl only",
    "#model.lr": "absent: train.schedule.lr",
    ".experiments.scaling": "a family of the study", ".experiments.synergy": "a family of the study",
    ".experiments.mixtures": "a family of the study", ".experiments.strategy": "a family of the study",
    ".experiments.scaling.languages": "default: all languages",
    ".experiments.synergy.languages": "default: all code languages",
    ".experiments.strategy.seq": "default: train.seq", ".experiments.strategy.batch": "default: train.batch",
    **{f".experiments.{fam}.seeds": "absent: one run per point, id and seed as without replicates"
       for fam in ("scaling", "synergy", "mixtures", "strategy")},
    **{f".experiments.{fam}.warmup_steps": "absent: from warmup_fraction (grid.py)"
       for fam in ("scaling", "mixtures")},
    ".evaluate.translation": "a task of the study", ".evaluate.humaneval": "a task of the study",
    ".evaluate.multipl_e": "a task of the study",
    ".synth": "study 3", ".synth.user_pairs.train": "your own data", ".synth.user_pairs.eval": "your own data",
    ".laws.direction_bootstrap": "default: laws.bootstrap", ".laws.direction_starts": "default: FitOptions.refine_top",
    ".evaluate.translation.generate_models": "default: every model generates",
    ".evaluate.humaneval.models": "default: every model", ".evaluate.multipl_e.models": "default: every model",
}


def test_every_optional_key_has_a_described_default_or_a_reason():
    missing, undescribed = [], []
    for path, sub, required in _properties():
        if path.startswith("#threshold_overrides"):  # refers to the thresholds' (defaults left out on purpose)
            continue
        if "default" in sub and "description" not in sub:
            undescribed.append(path)
        if not required and "default" not in sub and path not in NO_DEFAULT:
            missing.append(path)
    assert not undescribed
    assert not missing
    declared = {path for path, _, _ in _properties()}
    assert set(NO_DEFAULT) <= declared  # no stale entry


def test_settings_dataclasses_have_no_defaults_and_mirror_the_schema():
    from codescale.curate.assembly import AssembleSettings, Decontaminate
    from codescale.curate.filtering import FilterSettings, Ruff
    from codescale.curate.filters import Thresholds
    from codescale.curate.minhash_columns import NearDedup
    from codescale.curate.near_dedup import MinHashParams

    curate = SCHEMA["properties"]["curate"]["properties"]
    mirrors = {Thresholds: SCHEMA["$defs"]["thresholds"], Ruff: curate["ruff"], NearDedup: curate["near_dedup"],
               Decontaminate: curate["decontaminate"]}
    for cls in (*mirrors, FilterSettings, AssembleSettings, MinHashParams):
        assert dataclasses.is_dataclass(cls) and cls.__dataclass_params__.frozen, cls
        for f in dataclasses.fields(cls):
            assert f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING, \
                f"{cls.__name__}.{f.name} has a default (the schema's is the only one)"
    for cls, node in mirrors.items():
        assert {f.name for f in dataclasses.fields(cls)} == set(node["properties"]), cls


def test_shard_bytes_raises_the_shard_count_to_fit_the_cap(config):
    from codescale.configuration import corpus_shards

    config = copy.deepcopy(config)
    assert corpus_shards(config) == config["corpus"]["shards"]
    config["corpus"].update(byte_cap=10**10, shard_bytes=3 * 10**9, shards=2)
    assert corpus_shards(config) == 4
    config["corpus"]["shards"] = 9
    assert corpus_shards(config) == 9
