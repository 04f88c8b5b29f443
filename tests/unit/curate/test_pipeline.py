from codescale.curate.pipeline import STEP_KEYS, step_config


def test_step_config_splits_the_curate_config():
    config = {"defaults": {}, "languages": {}, "ruff": {}, "near_dedup": {}, "decontaminate": {},
              "dependency_order": True, "documents": "file", "keep_flagged": False}
    assert "decontaminate" not in step_config(config, "filter")
    assert set(step_config(config, "near_dedup")) == {"near_dedup"}
    assert "defaults" not in step_config(config, "assemble")
    assert set(STEP_KEYS) == {"filter", "near_dedup", "assemble"}


def test_step_config_is_independent_of_key_order():
    a = {"near_dedup": {"threshold": 0.8, "enabled": True}, "ruff": {"enabled": True}}
    b = {"ruff": {"enabled": True}, "near_dedup": {"enabled": True, "threshold": 0.8}}
    assert list(step_config(a, "filter")) == list(step_config(b, "filter")) == ["near_dedup", "ruff"]
    assert list(step_config(b, "filter")["near_dedup"]) == ["enabled", "threshold"]


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
