"""Use the compiled alignment core only while it was built from the source that is there now.

`setup.py` compiles the modules below with mypyc into extension modules beside their .py files (an editable
install builds them in `src/`). Python imports an extension before a .py file of the same name, so after an edit
the extension would go on running the old code. The build records a digest of the sources it compiled; at import
the digest of the sources present is compared with it, and when they differ (or when STORYTRACE_PURE=1) the .py
files are imported instead. This module is plain Python with no storytrace imports: `setup.py` runs it too.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.machinery
import importlib.util
import os
import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import ModuleType

# Modules of the package compiled by mypyc, as paths under the package directory (without .py).
MODULES = (
    "values",
    "text/normalise",
    "text/segment",
    "text/document",
    "align/features",
    "align/similarity",
    "align/pairwise",
    "align/moves",
    "classify",
    "rules/verdict",
    "rules/vocabulary",
    "rules/quotations",
    "rules/facts",
    "rules/style",
    "rules/spelling",
    "rules/reference",
    "result",
    "diff",
)
# Extension modules written in C (paths under the package directory, without .c): each is used only where a
# Python equivalent stands in when it is not built, and only while the core is "compiled".
C_MODULES = (
    "corpus/_shinglehash", "text/_words", "text/_sentences", "align/_moves", "align/_scores", "_classify",
    "ingest/_fragment",
)
# Headers the C helpers include (their changes must rebuild them too).
C_HEADERS = ("_compare.h", "_bytes.h")
# Uncompiled modules whose types the compiled ones build in (an option's type changed there must rebuild them).
TYPES_FROM = ("options",)
DIGEST_FILE = "_compiled_sources.sha256"
PACKAGE_DIR = Path(__file__).resolve().parent


def source_digest(package_dir: Path = PACKAGE_DIR) -> str:
    """SHA-256 over the names and source bytes of the compiled modules and of those they take types from."""
    digest = hashlib.sha256()
    for name in (*MODULES, *TYPES_FROM):
        digest.update(name.encode() + b"\0")
        digest.update((package_dir / f"{name}.py").read_bytes())
    for name in C_MODULES:
        digest.update(name.encode() + b"\0")
        digest.update((package_dir / f"{name}.c").read_bytes())
    for header in C_HEADERS:
        digest.update(header.encode() + b"\0")
        digest.update((package_dir / header).read_bytes())
    return digest.hexdigest()


def _extension_exists(package_dir: Path, name: str) -> bool:
    return any((package_dir / f"{name}{suffix}").exists() for suffix in importlib.machinery.EXTENSION_SUFFIXES)


def _shared_library_exists(package_dir: Path) -> bool:
    """mypyc puts the compiled code of all the modules in one library beside the package (`<hash>__mypyc`)."""
    return any(
        path.name.split(".", 1)[0].endswith("__mypyc")
        for suffix in importlib.machinery.EXTENSION_SUFFIXES
        for path in package_dir.parent.glob(f"*__mypyc{suffix}")
    )


def core_state(package_dir: Path = PACKAGE_DIR) -> str:
    """"compiled" (extensions built from these sources), "python" (none built), "stale" (built from other
    sources, or only some of them: the .py files are used) or "disabled" (STORYTRACE_PURE=1)."""
    built = [_extension_exists(package_dir, name) for name in MODULES]
    if not any(built):
        return "python"
    if os.environ.get("STORYTRACE_PURE", "") not in ("", "0"):
        return "disabled"
    try:
        recorded = (package_dir / DIGEST_FILE).read_text(encoding="ascii").strip()
        current = source_digest(package_dir)
    except (OSError, UnicodeDecodeError):
        return "stale"
    complete = all(built) and _shared_library_exists(package_dir)
    return "compiled" if complete and recorded == current else "stale"


class _SourceFirst:
    """A meta path finder that loads the compiled modules from their .py files."""

    def __init__(self, package: str, package_dir: Path) -> None:
        self._files = {f"{package}.{name.replace('/', '.')}": package_dir / f"{name}.py" for name in MODULES}

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        source = self._files.get(fullname)
        return importlib.util.spec_from_file_location(fullname, source) if source is not None else None


def install(package: str = "storytrace") -> str:
    """Make imports of the compiled modules take the .py files unless the compiled core is current; returns the
    core's state (see `core_state`)."""
    state = core_state()
    if state in ("stale", "disabled") and not any(isinstance(f, _SourceFirst) for f in sys.meta_path):
        sys.meta_path.insert(0, _SourceFirst(package, PACKAGE_DIR))
    return state


def c_module(name: str, state: str) -> ModuleType | None:
    """The C helper `name` (one of C_MODULES), or None: unless the core is "compiled" (built from this source), or
    if it cannot be imported. Callers keep a Python equivalent for None."""
    if state != "compiled":
        return None
    try:
        return importlib.import_module("storytrace." + name.replace("/", "."))
    except ImportError:
        return None


def describe(state: str) -> str:
    """The core's state in words, for `storytrace --version` and benchmark reports."""
    return {
        "compiled": "compiled with mypyc",
        "python": "pure Python (not compiled)",
        "stale": "pure Python (the compiled modules are older than the source: run make to rebuild them)",
        "disabled": "pure Python (STORYTRACE_PURE=1)",
    }[state]
