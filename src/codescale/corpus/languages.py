"""Language identities and detection by file extension.

Ids are lower-case and fixed by the documents contract (DESIGN.md): ``python java javascript
typescript csharp go rust`` plus ``text`` for natural language. TypeScript declaration files
(``.d.ts``) are API surface without bodies, so they are not counted as TypeScript code.
"""

from __future__ import annotations

from pathlib import PurePosixPath

EXTENSIONS: dict[str, tuple[str, ...]] = {
    "python": (".py",),
    "java": (".java",),
    "javascript": (".js", ".mjs", ".cjs", ".jsx"),
    "typescript": (".ts", ".tsx", ".mts", ".cts"),
    "csharp": (".cs",),
    "go": (".go",),
    "rust": (".rs",),
    "text": (".md", ".txt", ".rst"),
}

_BY_SUFFIX = {ext: lang for lang, exts in EXTENSIONS.items() for ext in exts}
_EXCLUDED_SUFFIXES = (".d.ts", ".d.mts", ".d.cts", ".min.js")


def detect_language(path: str) -> str | None:
    """Language id of ``path`` from its extension, or ``None`` when it is not a known one."""
    name = PurePosixPath(path).name.lower()
    if name.endswith(_EXCLUDED_SUFFIXES):
        return None
    return _BY_SUFFIX.get(PurePosixPath(name).suffix)


def extensions_for(langs: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    unknown = [lang for lang in langs if lang not in EXTENSIONS]
    if unknown:
        raise ValueError(f"unknown language id(s) {unknown}; known: {sorted(EXTENSIONS)}")
    return tuple(ext for lang in langs for ext in EXTENSIONS[lang])
