"""Setup installs only the missing system tools, and the apt transaction it would run resolves here."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from codescale import system_tools
from codescale.system_tools import TOOLS, install_hint, packages_for

SCRIPT = Path(system_tools.__file__)


def _which(present):
    return lambda name: f"/usr/bin/{name}" if name in present else None


def test_only_missing_tools_are_asked_for_one_package_each():
    present = {t.name for t in TOOLS} - {"bwrap", "mcs", "mono", "go"}
    missing = [t.name for t in TOOLS if t.name not in present]
    assert packages_for(missing, _which(present)) == ["bubblewrap", "mono-mcs", "mono-runtime", "golang-go"]
    assert packages_for([], _which(present)) == []


def test_a_working_node_is_never_replaced():
    # NodeSource's nodejs brings its own npm and conflicts with Debian's npm package
    assert packages_for(["npm"], _which({"node"})) == []
    assert packages_for(["node", "npm"], _which(set())) == ["nodejs", "npm"]


def test_install_hints_name_the_package():
    assert install_hint("mcs") == "apt-get install mono-mcs"
    assert "typescript@" in install_hint("tsc")


def test_cli_prints_what_setup_reads():
    proc = subprocess.run([sys.executable, str(SCRIPT), "packages"], capture_output=True, text=True, check=True)
    expected = packages_for(system_tools.missing_tools())
    assert proc.stdout.split() == expected
    assert proc.stdout == "".join(f"{p}\n" for p in expected)  # one per line, nothing when none
    assert subprocess.run([sys.executable, str(SCRIPT), "bogus"], capture_output=True).returncode == 2


def _simulate(packages):
    return subprocess.run(["apt-get", "-s", "-qq", "install", "--no-install-recommends", *packages],
                          capture_output=True, text=True)


@pytest.fixture
def apt():
    if not shutil.which("apt-get"):
        pytest.skip("not a Debian machine: apt-get not found")
    if not any(Path("/var/lib/apt/lists").glob("*Packages*")):
        pytest.skip("apt's package lists are empty: run apt-get update")


def test_the_transaction_setup_would_run_here_resolves(apt):
    """`apt-get -s install` of exactly the list setup.sh would install on this machine."""
    packages = packages_for(system_tools.missing_tools())
    proc = _simulate(packages)
    assert proc.returncode == 0, f"apt-get -s install {' '.join(packages)}:\n{proc.stdout}{proc.stderr}"


def test_every_tool_but_this_machines_node_resolves(apt):
    """On this machine with every other tool gone, setup's list must still resolve; the control
    shows the check can fail (Debian's npm beside a foreign Node.js is the conflict that broke setup)."""
    keep = {"node", "npm", "apt-get", "dpkg-deb"} if shutil.which("node") else {"apt-get", "dpkg-deb"}
    which = _which({n for n in keep if shutil.which(n)})
    packages = packages_for([t.name for t in TOOLS if t.name not in keep], which)
    proc = _simulate(packages)
    assert proc.returncode == 0, f"apt-get -s install {' '.join(packages)}:\n{proc.stdout}{proc.stderr}"
    node = shutil.which("node")
    owner = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "nodejs"], capture_output=True, text=True).stdout
    if node and "nodesource" in owner:
        assert _simulate(["npm"]).returncode != 0, "Debian's npm should conflict with NodeSource's nodejs"
