"""The system tools the pipeline calls, and the Debian package that provides each.

One map, read by the setup script (which installs only what is missing, tool by tool) and by the
preflight (which names the package in its error). Standard library only: ``scripts/setup.sh`` runs
this file with the machine's own Python before any virtual environment exists::

    python3 src/codescale/system_tools.py missing      # tools not found, one per line
    python3 src/codescale/system_tools.py packages     # the apt packages that would install them

Node.js is special. Many machines carry a Node.js that is not Debian's (NodeSource's ``nodejs``
ships its own ``npm`` and conflicts with Debian's ``npm`` package): a working ``node`` is never
replaced, and Debian's ``npm`` is only asked for together with Debian's ``nodejs``.
"""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass


@dataclass(frozen=True)
class SystemTool:
    name: str      # the executable looked up on PATH
    package: str   # the Debian package that provides it
    purpose: str


TOOLS = (
    SystemTool("apt-get", "apt", "fetch Debian-packaged sources"),
    SystemTool("dpkg-deb", "dpkg", "unpack Debian-packaged sources"),
    SystemTool("node", "nodejs", "fetch npm sources; run JavaScript and TypeScript"),
    SystemTool("npm", "npm", "fetch npm sources; install TypeScript's compiler"),
    SystemTool("bwrap", "bubblewrap", "sandbox untrusted programs"),
    SystemTool("javac", "openjdk-17-jdk-headless", "compile Java"),
    SystemTool("java", "openjdk-17-jdk-headless", "run Java"),
    SystemTool("mcs", "mono-mcs", "compile C#"),
    SystemTool("mono", "mono-runtime", "run C#"),
    SystemTool("go", "golang-go", "compile Go"),
    SystemTool("rustc", "rustc", "compile Rust"),
)
BY_NAME = {t.name: t for t in TOOLS}


def install_hint(tool: str) -> str:
    """How to install ``tool``: one shell command."""
    if tool == "tsc":
        return "npm install --prefix .tools typescript@5.9.3 (bash scripts/setup.sh does this)"
    if tool == "python3":
        return "apt-get install python3"
    return f"apt-get install {BY_NAME[tool].package}"


def missing_tools(which=shutil.which) -> list[str]:
    """Names of the tools in :data:`TOOLS` that are not on PATH."""
    return [t.name for t in TOOLS if which(t.name) is None]


def packages_for(missing: list[str], which=shutil.which) -> list[str]:
    """The Debian packages that install exactly the ``missing`` tools, in a stable order.

    ``npm`` alone is not installable when a ``node`` that is not Debian's is present (the packages
    conflict), so it is left out then; the caller reports it."""
    node_present = "node" not in missing and which("node") is not None
    packages: list[str] = []
    for name in missing:
        if name == "npm" and node_present:
            continue  # a foreign Node.js brings its own npm; Debian's would replace it
        package = BY_NAME[name].package
        if package not in packages:
            packages.append(package)
    return packages


def main(argv: list[str]) -> int:
    if argv[1:] == ["missing"]:
        for name in missing_tools():  # nothing at all when nothing is missing
            print(name)
        return 0
    if argv[1:] == ["packages"]:
        for package in packages_for(missing_tools()):
            print(package)
        return 0
    print("usage: system_tools.py missing|packages", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
