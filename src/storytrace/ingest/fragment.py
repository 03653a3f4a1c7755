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
# ASCII white space other than the space (str.split splits at each of them).
_ASCII_CONTROL_SPACES = "\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"


def fragment_text(fragment: str) -> str:
    """Paragraphs separated by a blank line, each on one line, entities decoded, tags dropped.

    Text without any markup is returned as it is (stripped): its line breaks may be its paragraphs.
    """
    if not _MARKUP.search(fragment):
        return fragment.strip()
    paragraphs = []
    for part in _BLOCK.split(_DROPPED.sub(" ", fragment)):
        if not part or part.isspace():  # between two tags ("</p><p>"): half the parts
            continue
        text = html.unescape(_TAG.sub("", part))
        if _single_spaced(text):
            paragraphs.append(text)
        elif words := text.split():
            paragraphs.append(" ".join(words))
    return "\n\n".join(paragraphs)


def _single_spaced(text: str) -> bool:
    """Is `text` non-empty with its words already one space apart (most paragraphs of an archive)? Then it needs
    no splitting and joining, which would make and join a string per word. Besides the space, ASCII white space is
    a handful of control characters (looked for one by one, faster than a scan of every character); any other
    white space is unprintable."""
    if not text or text[0] == " " or text[-1] == " " or "  " in text:
        return False
    if text.isascii():
        return not any(space in text for space in _ASCII_CONTROL_SPACES)
    return text.isprintable()
