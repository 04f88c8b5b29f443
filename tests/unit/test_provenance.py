"""Code hashes follow each script's imports through the package: nothing is listed by hand."""

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from codescale import provenance

REPO = provenance.PACKAGE_ROOT.parents[1]


def _tree(tmp_path):
    pkg = tmp_path / "codescale"
    for sub in ("curate", "corpus", "tokens"):
        (pkg / sub).mkdir(parents=True)
        (pkg / sub / "__init__.py").write_text("")
    (pkg / "__init__.py").write_text("")
    (pkg / "artifacts.py").write_text("X = 1\n")
    (pkg / "curate" / "filtering.py").write_text("from . import ledger\nfrom ..artifacts import X\n")
    (pkg / "curate" / "ledger.py").write_text("def f():\n    from codescale.tokens import tokenizer\n")
    (pkg / "curate" / "assembly.py").write_text("from codescale.curate.ledger import f\n")
    (pkg / "tokens" / "tokenizer.py").write_text("import json\n")
    (pkg / "corpus" / "build.py").write_text("B = 1\n")
    scripts = tmp_path / "scripts"
    scripts.mkdir()
    (scripts / "filter_documents.py").write_text("from codescale.curate.filtering import X\n")
    (scripts / "assemble_documents.py").write_text("from codescale.curate import assembly\n")
    (scripts / "build_corpus.py").write_text("import codescale.corpus.build as b\n")
    return pkg, scripts


def test_closure_follows_relative_lazy_and_submodule_imports(tmp_path):
    pkg, scripts = _tree(tmp_path)
    closure = {p.relative_to(pkg).as_posix() for p in provenance.import_closure(scripts / "filter_documents.py", pkg)}
    assert closure == {"__init__.py", "artifacts.py", "curate/__init__.py", "curate/filtering.py",
                       "curate/ledger.py", "tokens/__init__.py", "tokens/tokenizer.py"}
    closure = {p.relative_to(pkg).as_posix() for p in provenance.import_closure(scripts / "assemble_documents.py", pkg)}
    assert "curate/assembly.py" in closure and "curate/filtering.py" not in closure


def test_an_edit_reruns_exactly_the_rules_that_reach_it(tmp_path):
    pkg, scripts = _tree(tmp_path)
    rules = ("filter_documents", "assemble_documents", "build_corpus")

    def hashes():
        return {r: provenance.script_code_hash(scripts / f"{r}.py", pkg) for r in rules}

    before = hashes()
    (pkg / "curate" / "filtering.py").write_text("from . import ledger\nfrom ..artifacts import X\nY = 2\n")
    after = hashes()
    assert [r for r in rules if after[r] != before[r]] == ["filter_documents"]
    (pkg / "tokens" / "tokenizer.py").write_text("import json  # reached lazily through the ledger\n")
    again = hashes()
    assert [r for r in rules if again[r] != after[r]] == ["filter_documents", "assemble_documents"]
    (pkg / "corpus" / "__init__.py").write_text('"""a package docstring"""\n')
    assert [r for r, h in hashes().items() if h != again[r]] == ["build_corpus"]


def test_missing_script_is_named(tmp_path):
    pkg, scripts = _tree(tmp_path)
    with pytest.raises(FileNotFoundError, match="nothere.py: no such script"):
        provenance.script_code_hash(scripts / "nothere.py", pkg)


@pytest.mark.parametrize("rule, module", [
    ("evaluate_run", "tokens/tokenizer.py"),     # evaluation decodes with the tokenizer
    ("fit_language_laws", "train/shape.py"),     # N comes from the model shape
    ("plan_run", "configuration.py"),            # the run spec reads the merged config
])
def test_real_rules_cover_the_modules_the_old_hand_lists_missed(rule, module):
    closure = provenance.import_closure(provenance.SCRIPTS / f"{rule}.py")
    assert provenance.PACKAGE_ROOT / module in closure


def test_static_closure_covers_what_importing_the_script_loads():
    """Run each script's imports for real and compare the codescale modules Python loaded with the
    static closure (catches an import the AST walk would miss, e.g. through a package __init__)."""
    probe = (
        "import ast, sys\n"
        "src = open(sys.argv[1]).read()\n"
        "for node in ast.walk(ast.parse(src)):\n"
        "    if isinstance(node, ast.Import):\n"
        "        for a in node.names: __import__(a.name)\n"
        "    elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:\n"
        "        __import__(node.module, fromlist=[a.name for a in node.names])\n"
        "print('\\n'.join(sorted(m.__file__ for n, m in sys.modules.items()\n"
        "                        if n.split('.')[0] == 'codescale' and getattr(m, '__file__', None))))\n"
    )
    scripts = sorted(provenance.SCRIPTS.glob("*.py"))

    def load(script):
        return subprocess.run([sys.executable, "-c", probe, str(script)], capture_output=True, text=True,
                              timeout=300)

    with ThreadPoolExecutor(4) as pool:  # several import torch: bound the memory
        results = list(pool.map(load, scripts))
    for script, proc in zip(scripts, results, strict=True):
        assert proc.returncode == 0, f"{script.name}: {proc.stderr[-2000:]}"
        loaded = set(proc.stdout.split())
        static = {str(p) for p in provenance.import_closure(script)}
        assert loaded <= static, f"{script.name}: loaded but not hashed: {sorted(loaded - static)}"


def test_hash_is_stable_and_short():
    script = provenance.SCRIPTS / "plan_run.py"
    assert provenance.script_code_hash(script) == provenance.script_code_hash(str(script))
    assert len(provenance.script_code_hash(script)) == 16
