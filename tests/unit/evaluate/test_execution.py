import pytest

from codescale.evaluate.execution import Check, grade, grade_all, status_counts
from codescale.sandbox.toolchains import available


def test_grades_by_output_exit_status_and_syntax():
    checks = [Check("python", "print(1 + 1)\n", "2\n"), Check("python", "print(3)\n", "2\n"),
              Check("python", "def f(:\n", "2\n"), Check("python", "assert 1 == 2\n"),
              Check("python", "assert 1 == 1\n")]
    grades = grade_all(checks, workers=2)
    assert [g["status"] for g in grades] == ["passed", "wrong_output", "syntax_error", "error", "passed"]
    assert [g["passed"] for g in grades] == [True, False, False, False, True]
    assert status_counts(grades) == {"passed": 2, "wrong_output": 1, "syntax_error": 1, "error": 1}


def test_precheck_off_reaches_the_interpreter():
    assert grade(Check("python", "def f(:\n", ""), precheck=False)["status"] == "error"


@pytest.mark.skipif(not available("go")[0], reason="go toolchain not installed")
def test_tree_sitter_precheck_for_compiled_languages():
    ok = 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println(7)\n}\n'
    assert grade(Check("go", ok, "7\n"))["status"] == "passed"
    assert grade(Check("go", "package main\nfunc main( {\n", "7\n"))["status"] == "syntax_error"
    assert grade(Check("go", ok.replace("Println(7)", "Println(undefinedName)"), "7\n"))["status"] == "compile_error"
