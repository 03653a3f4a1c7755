"""What makes two captured texts the same version, and how a new version differs from the one before."""

from __future__ import annotations

import hashlib
import unicodedata

SUMMARY_KINDS = ("unchanged", "minor", "substantive", "added", "deleted")

# Characters that render as nothing; pages add and drop them between fetches (soft hyphens, zero-width spaces).
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)


def normalised(text: str) -> str:
    """The text as hashed: Unicode NFC, invisible characters dropped, every run of whitespace (line breaks and
    non-breaking spaces included) one space. Case, quotes and punctuation are kept: changing them is an edit."""
    return " ".join(unicodedata.normalize("NFC", text).translate(_INVISIBLE).split())


def content_hash(text: str) -> str:
    """SHA-256 (hex) of the normalised text: equal for texts that differ only in whitespace."""
    return hashlib.sha256(normalised(text).encode("utf-8")).hexdigest()


def change_summary(previous: str, current: str) -> dict[str, int]:
    """Sentence links of each kind (unchanged, minor, substantive, added, deleted) from `previous` to `current`."""
    from storytrace.diff import diff  # the aligner loads a sentence splitter: only when a summary is wanted

    counts = diff(previous, current).summary()
    return {kind: counts[kind] for kind in SUMMARY_KINDS}
