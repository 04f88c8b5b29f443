import copy
from pathlib import Path

import jsonschema
import pytest
import yaml

from codescale.configuration import ConfigError, check_config

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = yaml.safe_load((ROOT / "workflow/schemas/config.schema.yaml").read_text())


@pytest.fixture
def config():
    return yaml.safe_load((ROOT / "config/config.yaml").read_text())


def test_shipped_config_is_valid(config):
    jsonschema.validate(config, SCHEMA)
    check_config(config)


def test_unknown_key_is_rejected(config):
    config["train"]["learning_rate"] = 1.0
    with pytest.raises(jsonschema.ValidationError, match="learning_rate"):
        jsonschema.validate(config, SCHEMA)


def test_misspelt_threshold_is_rejected(config):
    config["curate"]["defaults"]["max_line_lenght"] = 5
    with pytest.raises(jsonschema.ValidationError, match="max_line_lenght"):
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
])
def test_cross_checks_name_the_key(config, mutate, message):
    config = copy.deepcopy(config)
    mutate(config)
    with pytest.raises(ConfigError, match=message):
        check_config(config)


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
