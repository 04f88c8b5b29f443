"""The house's floors: a module reaches (through its whole import closure) only what lies below it."""

import pytest

from codescale.provenance import PACKAGE_ROOT, import_closure

RULES = [  # (package or module, what its closure must never reach)
    ("curate", ("evaluate", "train", "megatron.py")),
    ("evalsets", ("curate", "evaluate", "train", "megatron.py")),
    ("corpus", ("curate", "evaluate", "train", "tokens", "megatron.py")),
    ("megatron.py", ("train", "tokens", "evaluate", "curate")),
    ("system_tools.py", ("sandbox", "corpus", "curate", "evaluate", "train")),
]


@pytest.mark.parametrize("part, forbidden", RULES)
def test_closure_stays_below(part, forbidden):
    target = PACKAGE_ROOT / part
    files = sorted(target.rglob("*.py")) if target.is_dir() else [target]
    for f in files:
        reached = {p.relative_to(PACKAGE_ROOT).as_posix() for p in import_closure(f)}
        bad = sorted(r for r in reached if r.startswith(forbidden))
        assert not bad, f"{f.relative_to(PACKAGE_ROOT)} reaches {bad}"
