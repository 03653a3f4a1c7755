"""storytrace: see how a news story changes across its versions and its copies.

The public API: `diff(a, b)` aligns two versions sentence by sentence and classifies every link.
"""

from storytrace.diff import diff, document
from storytrace.options import DiffOptions
from storytrace.result import DiffResult, Link
from storytrace.text.document import Document, Sentence

__version__ = "0.1.0"
__all__ = ["DiffOptions", "DiffResult", "Document", "Link", "Sentence", "diff", "document"]
