"""The curate section of a validated config for the curation tests: the schema's defaults (the only
ones; the steps' settings have none) with the sections a test sets in place of theirs."""

from pathlib import Path

import yaml

from codescale.configuration import validated

EMBEDDED = yaml.safe_load((Path(__file__).resolve().parents[3] / "config/config.yaml").read_text())


def curate_config(**sections) -> dict:
    """``validated(config)["curate"]`` of the embedded config with its ``curate`` replaced by
    ``sections`` (``defaults``: the schema's thresholds unless given)."""
    return validated({**EMBEDDED, "curate": {"defaults": {}, **sections}})["curate"]
