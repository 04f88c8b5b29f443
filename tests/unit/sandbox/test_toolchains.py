import pytest

from codescale.sandbox import toolchains
from codescale.sandbox.toolchains import TOOLCHAINS, available, execute

HELLO = {
    "python": 'print("hello 42")\n',
    "javascript": 'console.log("hello " + 42);\n',
    "typescript": 'const n: number = 42;\nconsole.log(`hello ${n}`);\n',
    "java": 'public class Main {\n    public static void main(String[] a) { System.out.println("hello " + 42); }\n}\n',
    "csharp": ('public static class Program { public static void Main() '
               '{ System.Console.WriteLine("hello " + 42); } }\n'),
    "go": 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hello", 42) }\n',
    "rust": 'fn main() { println!("hello {}", 42); }\n',
}


@pytest.mark.parametrize("lang", sorted(TOOLCHAINS))
def test_hello_in_every_language(lang):
    ok, why = available(lang)
    if not ok:
        pytest.skip(f"{lang}: {why}")
    r = execute(lang, HELLO[lang])
    assert r.ok, (r.status, r.reason, r.stderr[-500:])
    assert r.stdout == "hello 42\n"


def test_compile_error_is_reported():
    if not available("go")[0]:
        pytest.skip("go is not installed")
    r = execute("go", "package main\nfunc main() { undefined() }\n")
    assert r.status == "compile_error"


def test_missing_toolchain_is_unavailable_not_passed(monkeypatch):
    monkeypatch.setattr(toolchains, "find_tool", lambda name: None)
    ok, why = toolchains.available("rust")
    assert not ok and "rustc" in why
    r = execute("rust", HELLO["rust"])
    assert r.status == "unavailable" and not r.ok


@pytest.mark.skipif(not available("java")[0], reason="java is not installed")
def test_java_runs_the_class_that_declares_main():
    # MultiPL-E's Java layout: a non-public class Problem holding main.
    src = ("import java.util.*;\n\nclass Problem {\n    static int f() { return 42; }\n"
           "    public static void main(String[] args) {\n        assert f() == 42;\n"
           "        System.out.println(f());\n    }\n}\n")
    r = execute("java", src)
    assert r.ok and r.stdout == "42\n", (r.status, r.stderr[-400:])
    named = src.replace("class Problem", "public class Solution")
    assert execute("java", named).stdout == "42\n"


@pytest.mark.skipif(not available("go")[0], reason="go is not installed")
def test_go_test_files_run_under_go_test():
    src = ('package main_test\n\nimport "testing"\n\nfunc double(x int) int { return 2 * x }\n\n'
           'func TestDouble(t *testing.T) {\n\tif double(2) != 4 {\n\t\tt.Fatal("wrong")\n\t}\n}\n')
    assert execute("go", src).ok
    r = execute("go", src.replace("2 * x", "3 * x"))
    assert r.status == "error"
