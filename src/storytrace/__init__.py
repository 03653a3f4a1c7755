"""storytrace: see how a news story changes across its versions and its copies.

The public API: `diff(a, b)` aligns two versions sentence by sentence and classifies every link;
`collate(versions)` follows every statement across many versions and tells where it first appeared;
`prepare(text)` segments a version once for many diffs.
"""

from storytrace._compiled import install as _install_core

# Before anything imports the core: its compiled modules are used only if they were built from this source.
CORE: str = _install_core()

from storytrace.collate import collate
from storytrace.collation.result import Collation
from storytrace.collation.versions import Version
from storytrace.diff import Prepared, diff, document, prepare
from storytrace.options import DiffOptions
from storytrace.result import DiffResult, Link
from storytrace.text.document import Document, Sentence

__version__ = "0.1.0"
__all__ = [
    "Collation",
    "DiffOptions",
    "DiffResult",
    "Document",
    "Link",
    "Prepared",
    "Sentence",
    "Version",
    "collate",
    "diff",
    "document",
    "prepare",
]
