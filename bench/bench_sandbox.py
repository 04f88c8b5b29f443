"""Sandbox overhead per language: compile+run of generated programs through
``codescale.sandbox.toolchains.execute`` (fresh directory, cgroups, bubblewrap, limits) against
the same commands run bare in a temporary directory.

Usage: python bench/bench_sandbox.py [programs]   (default 3; medians are reported)
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from codescale.sandbox.toolchains import TOOLCHAINS, _resolve, available, execute, sandbox_setup
from codescale.synth.generate import generate_program
from codescale.synth.render import render


def bare(lang: str, source: str) -> float:
    chain = TOOLCHAINS[lang]
    with tempfile.TemporaryDirectory() as d:
        Path(d, chain.source_file).write_text(source)
        env = {**os.environ, **{k: v.replace("{dir}", d) for k, v in chain.env}}
        # The same executables the sandbox runs (a rustup proxy resolved to its rustc, say).
        commands = sandbox_setup(lang)[0]
        script = " && ".join(filter(None, (_resolve(chain.compile, commands), _resolve(chain.run, commands))))
        start = time.perf_counter()
        subprocess.run(["sh", "-c", script], cwd=d, env=env, capture_output=True, check=True)
        return time.perf_counter() - start


def main(programs: int) -> None:
    print(f"{'language':<12}{'sandboxed s':>12}{'bare s':>9}{'overhead s':>12}")
    for lang in TOOLCHAINS:
        if not available(lang)[0]:
            print(f"{lang:<12}{'unavailable':>12}")
            continue
        boxed, plain = [], []
        for seed in range(programs):
            source = render(generate_program(seed, (1, 2)), lang)
            start = time.perf_counter()
            result = execute(lang, source)
            boxed.append(time.perf_counter() - start)
            assert result.ok, (lang, result.status, result.stderr[-300:])
            plain.append(bare(lang, source))
        b, p = statistics.median(boxed), statistics.median(plain)
        print(f"{lang:<12}{b:>12.3f}{p:>9.3f}{b - p:>12.3f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
