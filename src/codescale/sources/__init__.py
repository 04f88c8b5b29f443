"""Fetching raw corpus sources with the package registries' ordinary clients.

Every source kind writes the same layout under its output directory::

    tree/<path>      the source files of the declared languages (nothing else is kept)
    fetched.json     what was fetched: kind, packages and versions, file and byte counts

``local`` and ``documents`` sources are not copied: their manifest records the files to read.
"""

from codescale.sources.fetch import SourceError, fetch_source

__all__ = ["SourceError", "fetch_source"]
