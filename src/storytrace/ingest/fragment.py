"""The article text of an HTML fragment as archives store it: diffengine keeps readability's summary cleaned down
to `<p>` tags, NewsEdits the same `<p>...</p><p>...</p>` markup. Full pages go through trafilatura instead
(storytrace.text.read); a fragment has no navigation to remove, and this is a hundred times faster."""

from __future__ import annotations

import html
import re

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
    if not _MARKUP.search(fragment):
        return fragment.strip()
    paragraphs = []
    for part in _BLOCK.split(_DROPPED.sub(" ", fragment)):
        text = html.unescape(_TAG.sub("", part))
        if _single_spaced(text):
            paragraphs.append(text)
        elif words := text.split():
            paragraphs.append(" ".join(words))
    return "\n\n".join(paragraphs)


def _single_spaced(text: str) -> bool:
    """Is `text` non-empty with its words already one space apart (most paragraphs of an archive)? Every white
    space character but the plain space is unprintable, so a printable text without two spaces in a row or at
    either end needs no splitting and joining, which would make and join a string per word."""
    return bool(text) and text[0] != " " and text[-1] != " " and "  " not in text and text.isprintable()
