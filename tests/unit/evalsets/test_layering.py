"""The evaluation sets sit below curation, evaluation and training: they import none of them."""

import ast
from pathlib import Path

import codescale.evalsets

ABOVE = ("codescale.curate", "codescale.evaluate", "codescale.train")


def test_evalsets_import_nothing_above_them():
    for path in Path(codescale.evalsets.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            assert not [n for n in names if n.startswith(ABOVE)], f"{path.name} imports {names}"
