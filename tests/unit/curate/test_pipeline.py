from codescale.curate.assembly import AssembleSettings
from codescale.curate.filtering import FilterSettings
from codescale.curate.minhash_columns import NearDedup
from codescale.curate.pipeline import STEP_KEYS, step_config
from tests.unit.curate.settings import curate_config


def test_step_config_splits_the_curate_config():
    config = curate_config()
    assert set(step_config(config, "filter")) == {"defaults", "languages", "ruff", "near_dedup", "keep_flagged"}
    assert set(step_config(config, "near_dedup")) == {"near_dedup"}
    assert set(step_config(config, "assemble")) == {"decontaminate", "dependency_order", "documents", "keep_flagged"}
    assert set(STEP_KEYS) == {"filter", "near_dedup", "assemble"}
    assert set(config) == {k for keys in STEP_KEYS.values() for k in keys}  # every key reaches a step


def test_step_config_is_independent_of_key_order():
    a = curate_config(near_dedup={"threshold": 0.8, "enabled": True}, ruff={"enabled": True})
    b = curate_config(ruff={"enabled": True}, near_dedup={"enabled": True, "threshold": 0.8})
    assert step_config(a, "filter") == step_config(b, "filter")
    assert list(step_config(a, "filter")) == list(step_config(b, "filter")) == sorted(step_config(a, "filter"))
    assert list(step_config(b, "filter")["near_dedup"]) == ["enabled", "ngram", "num_perm", "seed", "threshold"]


def test_each_step_builds_its_settings_from_its_params():
    config = curate_config(languages={"go": {"max_bytes": 500}}, defaults={"min_bytes": 7})
    go = FilterSettings.from_params(step_config(config, "filter"), "go")
    assert (go.thresholds.max_bytes, go.thresholds.min_bytes) == (500, 7)  # the override over the defaults
    rust = FilterSettings.from_params(step_config(config, "filter"), "rust")
    assert (rust.thresholds.max_bytes, rust.thresholds.min_bytes) == (200_000, 7)
    assert NearDedup(**step_config(config, "near_dedup")["near_dedup"]) == go.near_dedup
    assert AssembleSettings.from_params(step_config(config, "assemble")).documents == "file"


def test_a_language_override_does_not_reset_the_other_defaults():
    """An override names only the keys it changes: ``curate.defaults`` keeps the rest (the schema
    gives the overrides no defaults of their own to fill in)."""
    config = curate_config(defaults={"max_bytes": 100_000}, languages={"javascript": {"max_mean_line_length": 120}})
    assert config["languages"] == {"javascript": {"max_mean_line_length": 120}}
    js = FilterSettings.from_params(step_config(config, "filter"), "javascript").thresholds
    assert (js.max_bytes, js.max_mean_line_length) == (100_000, 120)


def test_step_scripts_import_only_their_step():
    """Each curation script imports its own step's module, never the others' (an edit to one step
    must not rerun the others): checked on the scripts' import statements."""
    from pathlib import Path

    scripts = Path(__file__).resolve().parents[3] / "workflow" / "scripts"
    own = {"filter_documents": "filtering", "find_near_duplicates": "near_duplicates",
           "assemble_documents": "assembly", "summarize_curation": "summary"}
    steps = set(own.values()) | {"pipeline"}
    for script, module in own.items():
        text = (scripts / f"{script}.py").read_text()
        imported = {m for m in steps if f"codescale.curate.{m} import" in text}
        assert imported == {module}, script
