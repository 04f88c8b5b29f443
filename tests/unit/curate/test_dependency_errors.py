"""A failed dependency analysis is handed to the caller or raised, never swallowed."""
import pytest

import codescale.curate.dependencies as dependencies
from codescale.curate.dependencies import DependencyAnalysisError, dependency_graph, dependency_order, extract_imports

FILES = [("main.py", "import util\nimport odd\n"), ("util.py", "def f(): ...\n"), ("odd.py", "import util\n")]


@pytest.fixture
def brittle(monkeypatch):
    real = dependencies._SPECS["python"]

    def specs(node):
        if dependencies._text(node) == "import odd":
            raise RecursionError("maximum recursion depth exceeded")
        return real(node)

    monkeypatch.setitem(dependencies._SPECS, "python", specs)


def test_errors_are_collected_when_asked(brittle):
    errors = {}
    graph = dependency_graph("python", FILES, errors=errors)
    assert errors == {0: "RecursionError: maximum recursion depth exceeded"}   # main.py
    assert graph[0] == {1} and graph[2] == {1}     # main.py keeps what it found before the failure
    errors = {}
    order = dependency_order("python", FILES, errors=errors)
    assert sorted(order) == [0, 1, 2] and 0 in errors


def test_errors_are_raised_naming_the_file_otherwise(brittle):
    with pytest.raises(DependencyAnalysisError, match=r"main.py: python dependency analysis failed \(RecursionError"):
        dependency_order("python", FILES)
    with pytest.raises(DependencyAnalysisError, match=r"m.py: python dependency analysis failed"):
        extract_imports("python", "m.py", "import odd\n")


def test_no_error_no_report():
    errors = {}
    assert dependency_graph("python", FILES, errors=errors)[0] == {1, 2} and errors == {}
