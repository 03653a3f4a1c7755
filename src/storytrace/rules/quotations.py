"""Where quotations are: a sentence that begins inside one opened earlier in its paragraph, and the balance of
quotation marks in a stretch of text (straight marks pair in turn, typographic ones by direction)."""

from __future__ import annotations

from typing import Any, Final

from storytrace import CORE
from storytrace._compiled import c_module

# quote_balance in C (_classify.c, built with the core); None: the Python below.
_C_HELPER: Final = c_module("_classify", CORE)
_QUOTE_BALANCE_IN_C: Final[Any] = None if _C_HELPER is None else _C_HELPER.quote_balance

QUOTE_CHARS: Final = frozenset('"\u201c\u201d\u00ab\u00bb')
OPENING_QUOTES: Final = frozenset("\u201c\u00ab")
# Two single quote marks, as tokenised news (the NYT's) writes a quotation mark, opening and closing alike: read as
# one straight double mark.
DOUBLED_SINGLE: Final = "''"


def carried_quotation(text: str, paragraph: tuple[int, int], start: int, end: int) -> str:
    """The mark that opened a quotation the sentence text[start:end] begins inside of ('"' or '“', which stands for « as
    well), opened earlier in its paragraph (text[slice(*paragraph)]); "" when it begins outside, or when the
    paragraph's marks do not pair up (a stray mark says nothing about where its quotations are). One mark left open
    is no stray when the next paragraph opens with a quotation mark: news style carries a quotation on into the next
    paragraph so, without closing it. Nor is one when the sentence's own first straight mark closes a quotation
    (tokenised news sets the mark that opens a quotation apart at the end of the sentence before: "... Stadium. ''
    This is my first time,'' said Haynes"), whether or not the paragraph's marks pair up (an excerpt may end
    inside a quotation)."""
    paragraph_start, paragraph_end = paragraph
    straight, curly = quote_balance(text, paragraph_start, start)
    if straight % 2 == 0 and curly <= 0:
        return ""
    if straight % 2 and not curly and _first_straight_closes(text, start, end):
        return '"'
    straight_after, curly_after = quote_balance(text, start, paragraph_end)
    straight_open, curly_open = (straight + straight_after) % 2, curly + curly_after
    if straight_open or curly_open:
        if (straight_open and curly_open) or curly_open not in (0, 1):
            return ""
        next_opens = text[paragraph_end : paragraph_end + 64].lstrip()
        if straight_open and not next_opens.startswith(('"', DOUBLED_SINGLE)):
            return ""
        if curly_open and not next_opens.startswith(("\u201c", "\u00ab")):
            return ""
        if straight_open and not _opens_quotation(text, *_last_straight_mark(text, paragraph_start, paragraph_end)):
            return ""  # the mark left open is no opening one: 'a 6" pipe'

    return '"' if straight % 2 else "\u201c"


def _first_straight_closes(text: str, start: int, end: int) -> bool:
    """Is the first straight double mark of text[start:end] in a closing one's place: after a word or punctuation
    (not at the start), before white space, punctuation or the end?"""
    double, doubled = text.find('"', start, end), text.find(DOUBLED_SINGLE, start, end)
    if double < 0 and doubled < 0:
        return False
    at, length = (doubled, 2) if double < 0 or 0 <= doubled < double else (double, 1)
    if at == start or text[at - 1].isspace() or text[at - 1] in "([\u2014\u2013":
        return False
    after = text[at + length : at + length + 1]
    return not after or after.isspace() or after in ",.;:!?)]"


def _last_straight_mark(text: str, start: int, end: int) -> tuple[int, int]:
    """Where the last straight double mark ('"' or "''") of text[start:end] is, and how long it is."""
    double, doubled = text.rfind('"', start, end), text.rfind(DOUBLED_SINGLE, start, end)
    return (doubled, 2) if doubled > double else (double, 1)


def _opens_quotation(text: str, at: int, length: int = 1) -> bool:
    """Is the straight mark at `at` (`length` characters) in an opening one's place: after a space, a bracket, a
    colon or dash (or at the start), before a word?"""
    before = text[at - 1] if at > 0 else " "
    after = text[at + length : at + length + 1]
    return (before.isspace() or before in "([:\u2014\u2013") and after.isalnum()


def quote_balance(text: str, start: int, end: int) -> tuple[int, int]:
    """How many straight double quotation marks text[start:end] holds ('"', and "''" counted as str.count counts
    it), and how many typographic ones it opens and does not close (“ and « open, ” and » close). (The C helper
    reads a text beyond ASCII once, where str would count each mark in turn, and an ASCII one with memchr.)"""
    if _QUOTE_BALANCE_IN_C is not None:
        found: tuple[int, int] = _QUOTE_BALANCE_IN_C(text, start, end)
        return found
    if text.isascii():  # (no typographic marks to count: str knows it at once)
        return text.count('"', start, end) + text.count(DOUBLED_SINGLE, start, end), 0
    straight = text.count('"', start, end) + text.count(DOUBLED_SINGLE, start, end)
    opened = text.count("\u201c", start, end) + text.count("\u00ab", start, end)
    return straight, opened - text.count("\u201d", start, end) - text.count("\u00bb", start, end)
