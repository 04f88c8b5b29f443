"""What a sandboxed program can see of the host: its toolchains, and not the user's files.

Each secret test runs a real program per language and also reads a file the sandbox does expose,
so a program that cannot read anything at all fails the test instead of passing it.
"""

import json
import os
import shutil
import uuid
from pathlib import Path

import pytest

from codescale.sandbox import executor, toolchains
from codescale.sandbox.executor import TOOLCHAIN_DIRS_ENV, Limits, run
from codescale.sandbox.toolchains import TOOLCHAINS, available, execute

REPO = Path(toolchains.__file__).resolve().parents[3]
needs_bwrap = pytest.mark.skipif(executor._bwrap() is None, reason="bwrap is not installed or cannot run here")


def reader(lang: str, paths: list[str]) -> str:
    """A program printing, per path, READ:<content> or DENIED."""
    lits = ", ".join(json.dumps(p) for p in paths)
    js = f'for (const p of [{lits}]) {{ try {{ console.log("READ:" + fs.readFileSync(p, "utf8").trim()); }} ' \
         'catch (e) { console.log("DENIED"); } }\n'
    return {
        "python": f"for p in [{lits}]:\n    try:\n        print('READ:' + open(p).read().strip())\n"
                  "    except OSError:\n        print('DENIED')\n",
        "javascript": 'const fs = require("fs");\n' + js,
        "typescript": 'declare const require: any;\nconst fs = require("fs");\n' + js.replace("(e)", "(e: any)"),
        "java": ("import java.nio.file.*;\npublic class Main { public static void main(String[] a) {\n"
                 f"  String[] ps = {{{lits}}};\n  for (String p : ps) {{ try {{ System.out.println(\"READ:\" + "
                 "new String(Files.readAllBytes(Paths.get(p))).trim()); } catch (Exception e) { "
                 "System.out.println(\"DENIED\"); } }\n} }\n"),
        "csharp": ("public static class Program { public static void Main() {\n"
                   f"  string[] ps = {{{lits}}};\n  foreach (var p in ps) {{ try {{ "
                   "System.Console.WriteLine(\"READ:\" + "
                   "System.IO.File.ReadAllText(p).Trim()); } catch (System.Exception) { "
                   "System.Console.WriteLine(\"DENIED\"); } }\n} }\n"),
        "go": ('package main\n\nimport (\n\t"fmt"\n\t"os"\n\t"strings"\n)\n\nfunc main() {\n'
               f'\tfor _, p := range []string{{{lits}}} {{\n\t\tb, err := os.ReadFile(p)\n'
               '\t\tif err != nil {\n\t\t\tfmt.Println("DENIED")\n\t\t} else {\n'
               '\t\t\tfmt.Println("READ:" + strings.TrimSpace(string(b)))\n\t\t}\n\t}\n}\n'),
        "rust": (f"fn main() {{\n    for p in [{lits}].iter() {{\n        match std::fs::read_to_string(p) {{\n"
                 '            Ok(s) => println!("READ:{}", s.trim()),\n            Err(_) => println!("DENIED"),\n'
                 "        }\n    }\n}\n"),
    }[lang]


@pytest.fixture(scope="module")
def secrets():
    """A uniquely named secret in the real home directory and in the repository root."""
    tag = uuid.uuid4().hex
    planted = {"home": Path.home() / f".codescale-secret-{tag}", "repo": REPO / f"codescale-secret-{tag}"}
    try:
        for where, path in planted.items():
            path.write_text(f"secret-{where}-{tag}\n")
        yield planted
    finally:
        for path in planted.values():
            path.unlink(missing_ok=True)


@needs_bwrap
@pytest.mark.parametrize("lang", sorted(TOOLCHAINS))
def test_program_cannot_read_secrets_in_home_or_repository(lang, secrets, tmp_path, monkeypatch):
    ok, why = available(lang)
    if not ok:
        pytest.skip(f"{lang}: {why}")
    # The control: a file in a declared toolchain directory is visible, so DENIED means denied.
    visible = tmp_path / "declared"
    visible.mkdir()
    (visible / "public.txt").write_text("public\n")
    monkeypatch.setenv(TOOLCHAIN_DIRS_ENV, str(visible))
    paths = [str(secrets["home"]), str(secrets["repo"]), str(visible / "public.txt")]
    r = execute(lang, reader(lang, paths))
    assert r.ok, (r.status, r.reason, r.stderr[-600:])
    home, repo, public = r.stdout.splitlines()
    assert (home, repo) == ("DENIED", "DENIED"), r.stdout
    assert public == "READ:public"
    assert "secret-" not in r.stdout + r.stderr


@needs_bwrap
def test_host_directories_are_not_visible(tmp_path):
    (tmp_path / "host-tmp.txt").write_text("x")
    probe = ("import os\nfor p in ['/root', '/home', '/work', '/var/lib', '/opt', '/sys', '/etc/shadow', "
             f"'/etc/ssh', {str(tmp_path / 'host-tmp.txt')!r}, {str(REPO / 'pyproject.toml')!r}]:\n"
             "    print(p, os.path.exists(p))\n"
             "print('passwd', open('/etc/passwd').read().count(':x:'))\n"
             "print('ld.so.cache', os.path.exists('/etc/ld.so.cache'), 'tmp', os.listdir('/tmp'))\n")
    r = run(["python3", "prog.py"], {"prog.py": probe}, Limits(time_s=10))
    assert r.ok, r.stderr
    lines = dict(line.rsplit(" ", 1) for line in r.stdout.splitlines()[:-2])
    assert set(lines.values()) == {"False"}, r.stdout
    assert "passwd 2" in r.stdout  # the sandbox user and nobody, no host account
    # /tmp is private: it holds only the mount point of the run directory.
    assert r.stdout.splitlines()[-1].startswith("ld.so.cache True tmp ['codescale-run-"), r.stdout
    assert r.stdout.count("codescale-run-") == 1


@needs_bwrap
def test_declared_toolchain_directory_is_visible_wherever_it_lives(tmp_path, monkeypatch):
    tooldir = tmp_path / "my-toolchain" / "bin"
    tooldir.mkdir(parents=True)
    tool = tooldir / "hello-tool"
    tool.write_text("#!/bin/sh\necho from-my-toolchain\n")
    tool.chmod(0o755)
    monkeypatch.delenv(TOOLCHAIN_DIRS_ENV, raising=False)
    r = run(["sh", "-c", str(tool)], limits=Limits(time_s=10))
    assert r.status == "error", "a directory under the host's /tmp must not be visible undeclared"
    monkeypatch.setenv(TOOLCHAIN_DIRS_ENV, f"/nonexistent-codescale:{tooldir.parent}")
    r = run(["sh", "-c", str(tool)], limits=Limits(time_s=10))
    assert r.ok and r.stdout == "from-my-toolchain\n", r.stderr
    assert "does not exist" in r.enforced["filesystem"]
    monkeypatch.delenv(TOOLCHAIN_DIRS_ENV)
    r = run(["sh", "-c", str(tool)], limits=Limits(time_s=10), toolchain_dirs=(str(tooldir.parent),))
    assert r.ok, r.stderr
    # A tool given by path brings its install prefix, through a symlink chain.
    link = tmp_path / "links" / "hello"
    link.parent.mkdir()
    link.symlink_to(tool)
    r = run([str(link)], limits=Limits(time_s=10))
    assert r.ok and r.stdout == "from-my-toolchain\n", r.stderr


def test_toolchain_directory_exposing_home_is_refused(monkeypatch):
    monkeypatch.setenv(TOOLCHAIN_DIRS_ENV, str(Path.home().parent))
    with pytest.raises(ValueError, match="home directory"):
        run(["true"])


def test_install_prefix_keeps_shared_home_directories_closed():
    home = os.path.realpath(Path.home())
    assert executor.install_prefix("/opt/jdk-21/bin/java") == "/opt/jdk-21"
    assert executor.install_prefix(f"{home}/.local/bin/tool") == f"{home}/.local/bin"
    assert executor.install_prefix(f"{home}/.cargo/bin/rustup") == f"{home}/.cargo/bin"
    assert executor.install_prefix(f"{home}/.nvm/versions/node/v20/bin/node") == f"{home}/.nvm/versions/node/v20"
    assert executor.install_prefix(f"{home}/tool") == f"{home}/tool"
    assert executor.install_prefix(f"{home}/bin/tool") == f"{home}/bin"


@needs_bwrap
@pytest.mark.skipif(not available("typescript")[0], reason="tsc or node is not installed")
def test_typescript_from_a_repository_under_tmp(tmp_path, monkeypatch):
    # A clone under /tmp: its .tools/ lies below the sandbox's private /tmp and must still be seen.
    assert str(tmp_path).startswith("/tmp/")
    real = Path(toolchains.find_tool("tsc")).resolve().parents[1]  # .../node_modules/typescript
    clone_tools = tmp_path / "clone" / ".tools" / "node_modules"
    shutil.copytree(real, clone_tools / "typescript", symlinks=True)
    (clone_tools / ".bin").mkdir()
    (clone_tools / ".bin" / "tsc").symlink_to("../typescript/bin/tsc")
    monkeypatch.setattr(toolchains, "REPO_TOOLS", clone_tools / ".bin")
    toolchains.find_tool.cache_clear()
    try:
        assert toolchains.command_path("tsc") == str(clone_tools / ".bin" / "tsc")
        r = execute("typescript", 'const n: number = 42;\nconsole.log(`hello ${n}`);\n')
        assert r.ok and r.stdout == "hello 42\n", (r.status, r.stderr[-400:])
        assert str(tmp_path / "clone" / ".tools") in r.enforced["filesystem"]
    finally:
        toolchains.find_tool.cache_clear()


@needs_bwrap
@pytest.mark.skipif(not available("rust")[0], reason="rustc is not installed")
def test_rustup_proxy_runs_inside_when_no_sysroot_is_known(monkeypatch):
    rustc = toolchains.find_tool("rustc")
    if not Path(rustc).with_name("rustup").exists():
        pytest.skip(f"{rustc} is not a rustup proxy")
    # Without the sysroot shortcut the proxy itself runs: its directory and RUSTUP_HOME are
    # exposed, never the rest of ~/.cargo (registry credentials live there).
    monkeypatch.setitem(toolchains._REAL, "rustc", lambda path: None)
    r = execute("rust", 'fn main() { println!("hello {}", 42); }\n')
    assert r.ok and r.stdout == "hello 42\n", (r.status, r.stderr[-400:])
    cargo_bin = os.path.realpath(Path(rustc).parent)
    exposed = r.enforced["filesystem"].split("toolchains (", 1)[1].split(")", 1)[0].split(", ")
    assert cargo_bin in exposed and os.path.dirname(cargo_bin) not in exposed
