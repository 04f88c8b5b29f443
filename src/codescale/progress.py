"""Progress reporting for long stages: a tqdm bar with rate and ETA, written to the log stream.

Snakemake redirects each job's stderr to its log file; tqdm's carriage-return updates are hard to
read there, so when stderr is not a terminal the bar is printed as plain lines at most every
``mininterval`` seconds.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

from tqdm import tqdm

T = TypeVar("T")


def track(items: Iterable[T], desc: str, total: int | None = None, unit: str = "it",
          unit_scale: bool = False) -> Iterator[T]:
    """Iterate ``items`` while showing count, rate and ETA on stderr."""
    interactive = sys.stderr.isatty()
    return iter(tqdm(items, desc=desc, total=total, unit=unit, unit_scale=unit_scale,
                     file=sys.stderr, mininterval=0.5 if interactive else 10.0,
                     ascii=not interactive, dynamic_ncols=interactive))


def bar(desc: str, total: int | None = None, unit: str = "it", unit_scale: bool = False) -> tqdm:
    """A manual progress bar (``update(n)``) with the same conventions as :func:`track`."""
    interactive = sys.stderr.isatty()
    return tqdm(desc=desc, total=total, unit=unit, unit_scale=unit_scale, file=sys.stderr,
                mininterval=0.5 if interactive else 10.0, ascii=not interactive)
