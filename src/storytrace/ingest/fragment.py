"""The article text of an HTML fragment as archives store it: diffengine keeps readability's summary cleaned down
to `<p>` tags, NewsEdits the same `<p>...</p><p>...</p>` markup. Full pages go through trafilatura instead
(storytrace.text.read); a fragment has no navigation to remove, and this is a hundred times faster."""

from __future__ import annotations

import html
import re

from storytrace import CORE
from storytrace._compiled import c_module
from storytrace.text.normalise import single_spaced

# The reader of plain <p> fragments in C (ingest/_fragment.c, built with the core); None: the Python below reads all.
FRAGMENT_IN_C = c_module("ingest/_fragment", CORE)

_DROPPED = re.compile(r"<!--.*?-->|<(script|style|template)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
# Tags that end a paragraph (opening or closing, or a line break).
_BLOCK = re.compile(
    r"<\s*/?\s*(?:p|div|br|h[1-6]|li|ul|ol|blockquote|section|article|header|footer|figure|figcaption|table|tr|"
    r"pre|hr)\b[^>]*>",
    re.IGNORECASE,
)
_TAG = re.compile(r"<[^>]*>")
_MARKUP = re.compile(r"<\s*/?\s*[A-Za-z!][^>]*>")


def fragment_text(fragment: str) -> str:
    """Paragraphs separated by a blank line, each on one line, entities decoded, tags dropped.

    Text without any markup is returned as it is (stripped): its line breaks may be its paragraphs.
    """
    if FRAGMENT_IN_C is not None:  # most archived fragments: <p> and </p> alone
        found: str | None = FRAGMENT_IN_C.paragraphs(fragment, html.unescape)
        if found is not None:
            return found
    return python_fragment_text(fragment)


def python_fragment_text(fragment: str) -> str:
    """`fragment_text` in Python: the reference the C reader is held to, and what reads every other fragment."""
    if not _MARKUP.search(fragment):
        return fragment.strip()
    paragraphs = []
    for part in _BLOCK.split(_DROPPED.sub(" ", fragment)):
        if not part or part.isspace():  # between two tags ("</p><p>"): half the parts
            continue
        text = html.unescape(_TAG.sub("", part) if "<" in part else part)  # (most parts hold no inline tag)
        if text and single_spaced(text):
            paragraphs.append(text)
        elif words := text.split():
            paragraphs.append(" ".join(words))
    return "\n\n".join(paragraphs)
