"""The preflight: one line per failing language naming the tool and its install command."""

import pytest

from codescale.sandbox import executor, preflight, toolchains
from codescale.sandbox.executor import Result
from codescale.system_tools import install_hint


@pytest.fixture
def no_tsc(monkeypatch):
    real = toolchains.find_tool
    monkeypatch.setattr(toolchains, "find_tool", lambda name: None if name == "tsc" else real(name))


def test_missing_tool_is_one_line_with_language_tool_and_hint(no_tsc):
    failures = preflight.check(["typescript"])
    assert failures == ["typescript: tsc cannot compile and run a one-line program (tsc not found); "
                        f"install: {install_hint('tsc')}"]
    assert "npm install --prefix .tools typescript@" in failures[0]


def test_require_raises_with_every_failure_line(no_tsc, monkeypatch):
    monkeypatch.setattr(preflight, "_check_one", lambda lang: [f"{lang}: broken"] if lang != "python" else [])
    with pytest.raises(preflight.PreflightError) as err:
        preflight.require(["python", "typescript", "go"])
    assert isinstance(err.value, RuntimeError)
    assert str(err.value).splitlines() == ["typescript: broken", "go: broken"]


def test_a_tool_that_fails_inside_the_sandbox_is_named(monkeypatch):
    # Installed but not working inside (say, invisible there): the compiler is named for a compile error.
    monkeypatch.setattr(toolchains, "find_tool", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(toolchains, "execute", lambda lang, src, limits: Result(
        "compile_error", 97, "", "sh: 1: /x/.tools/node_modules/.bin/tsc: not found\n", 0.1, "compilation failed"))
    line, = preflight.check(["typescript"])
    assert line.startswith("typescript: tsc cannot compile and run a one-line program (compile_error: ")
    assert "tsc: not found" in line and line.endswith(f"install: {install_hint('tsc')}") and "\n" not in line
    monkeypatch.setattr(toolchains, "execute", lambda lang, src, limits: Result(
        "error", 1, "", "Error: could not find or load main class\nCaused by: boom\n", 0.1, "exit status 1"))
    line, = preflight.check(["java"])
    assert line.startswith("java: java cannot") and "Caused by: boom" in line


def test_cli_exit_status_and_output(no_tsc, capsys, monkeypatch):
    monkeypatch.setattr(executor, "isolation", lambda: {"filesystem": "bwrap", "network": "bwrap"})
    if not toolchains.available("python")[0]:
        pytest.skip("python3 is not installed")
    assert preflight.main(["python"]) == 0
    assert capsys.readouterr().out == "ok: python\n"
    assert preflight.main(["python", "typescript"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith("typescript: tsc cannot compile")
    assert preflight.main(["cobol"]) == 2
    assert "unknown language(s) cobol" in capsys.readouterr().err


def test_degraded_isolation_is_a_warning_not_a_failure(monkeypatch, capsys):
    monkeypatch.setattr(executor, "isolation", lambda: {"filesystem": "none (install bubblewrap)",
                                                        "network": "not enforced (no bwrap or unshare)"})
    monkeypatch.setattr(preflight, "_check_one", lambda lang: [])
    assert preflight.main(["python"]) == 0
    out = capsys.readouterr()
    assert out.out == "ok: python\n"
    assert "warning: sandbox isolation degraded" in out.err and install_hint("bwrap") in out.err


def test_every_installed_language_passes_for_real():
    # An installed toolchain that the sandbox cannot run (invisible inside, say) fails here.
    installed = [lang for lang in toolchains.TOOLCHAINS if toolchains.available(lang)[0]]
    assert preflight.check(installed) == []
