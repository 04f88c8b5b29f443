"""House rules of the workflow, checked mechanically (see STYLE.md)."""

import re

from .conftest import REPO

RULE_FILES = sorted((REPO / "workflow/rules").glob("*.smk"))


def _rules():
    for path in RULE_FILES:
        text = path.read_text()
        for block in re.split(r"\n(?=rule )", text):
            m = re.match(r"rule (\w+):", block)
            if m:
                yield path.name, m.group(1), block


def test_scripts_are_thin_adapters():
    for script in (REPO / "workflow/scripts").glob("*.py"):
        code = [ln for ln in script.read_text().splitlines()
                if ln.strip() and not ln.strip().startswith("#")]
        assert len(code) <= 40, f"{script.name}: {len(code)} lines; move logic to src/codescale"


def test_every_rule_has_a_log_and_no_run_block_or_lambda():
    for fname, rule, block in _rules():
        assert "\n    log:" in block, f"{fname}:{rule} has no log"
        assert "\n    run:" not in block, f"{fname}:{rule} has a run: block"
        assert "lambda" not in block, f"{fname}:{rule} uses a lambda"


def test_every_rule_has_a_script_named_after_it():
    scripts = {p.stem for p in (REPO / "workflow/scripts").glob("*.py")}
    for fname, rule, block in _rules():
        assert f'"../scripts/{rule}.py"' in block, f"{fname}:{rule} script is not named after it"
        assert rule in scripts


def test_scripts_never_read_snakemake_config():
    for script in (REPO / "workflow/scripts").glob("*.py"):
        assert "snakemake.config" not in script.read_text(), script.name


def test_rule_names_are_verb_object():
    for _fname, rule, _ in _rules():
        if rule != "all":
            assert re.fullmatch(r"[a-z]+_[a-z_]+", rule), rule


def test_no_rule_lists_its_code_by_hand():
    """Code hashes are derived for every rule at once (Snakefile: set_code_hashes), never written in a
    rule; test_workflow checks on a real run that every scripted job recorded its hash."""
    for fname, rule, block in _rules():
        assert "code=" not in block and "code_hash" not in block, f"{fname}:{rule} writes its code hash by hand"
    assert "set_code_hashes(workflow.rules)" in (REPO / "Snakefile").read_text()


def test_pyproject_and_conda_env_pins_are_in_step():
    import tomllib

    import yaml

    deps = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    pins = dict(d.lower().split("==") for d in deps)
    env = yaml.safe_load((REPO / "envs/codescale.yaml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    env_pins = dict(d.lower().split("==") for d in pip if "==" in d)
    assert pins == env_pins
