"""Comparison keys: what two sentences must share to count as the same words.

Normalisation never touches the text that is shown or stored; it only builds keys. Quote, dash and hyphen
styles, non-breaking and other unusual spaces and letter case are folded, so that "taxi‐boats" (U+2010) and
"Taxi-boats" compare equal while "taxi boats" does not.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from types import ModuleType
from typing import Final

from storytrace import CORE
from storytrace._compiled import c_module

_FOLD: Final = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'", "\u00b4": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
        "\u00a0": " ", "\u2007": " ", "\u2009": " ", "\u200a": " ", "\u202f": " ", "\u3000": " ",
        "\u00ad": "\x00", "\u200b": "\x00", "\ufeff": "\x00",
    }
)
# The same table as two strings, character for character, for the C helper's fold_styles.
_FOLD_FROM: Final = "".join(chr(c) for c in _FOLD)
_FOLD_TO: Final = "".join(str(_FOLD[c]) for c in _FOLD)
# Invisible characters are first folded to NUL (keeping offsets) and then dropped from keys.
_INVISIBLE: Final = "\x00"

# ASCII white space other than the space (str.split splits at each of them).
_ASCII_CONTROL_SPACES: Final = "\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"

# Two single quotes used as a double quote (NYT style: ''like this'') fold to one double quote.
_DOUBLED_QUOTES: Final = re.compile(r"''")
_WORD: Final = re.compile(r"\w+(?:['\-.,]\w+)*")
# ASCII punctuation: the marks that are never part of a word's letters (the underscore is, for \w).
ASCII_MARKS: Final = "".join(c for c in map(chr, range(33, 127)) if not c.isalnum() and c != "_")
# The C text helpers (text/_words.c: keys, style folding, word cutters), used here, by the aligner's features and by
# the classifier; None: Python only.
WORDS_IN_C: Final[ModuleType | None] = c_module("text/_words", CORE)


def comparison_key(text: str) -> str:
    """The text as compared: folded styles, case-folded, whitespace collapsed."""
    if WORDS_IN_C is None:
        return _finish(fold_text(text))
    key: str | None = WORDS_IN_C.ascii_key(text)
    if key is not None:  # ASCII text: folded in C (text/_words.c)
        return key
    folded = fold_text(text)
    if folded.isascii():
        # Typographic quotes and dashes folded to ASCII (see comparison_keys): the C helper finishes the key.
        finished: str = WORDS_IN_C.ascii_key(folded)
        return finished
    return _finish(folded)


def comparison_keys(text: str, spans: Sequence[tuple[int, ...]]) -> list[str]:
    """Keys of many spans of one text (each span a tuple that starts with its start and end offsets, such as a
    Sentence): the text is folded once when that keeps offsets (almost always)."""
    if WORDS_IN_C is None:
        return python_comparison_keys(text, spans)
    keys: list[str] | None = WORDS_IN_C.ascii_keys(text, spans)
    if keys is not None:  # ASCII text: folded in C (text/_words.c)
        return keys
    keys = WORDS_IN_C.folded_keys(text, spans, _FOLD_FROM, _FOLD_TO)
    if keys is not None:
        # Typographic quotes, dashes and spaces in ASCII text, two bytes a character (most news on the web): each
        # span's characters fold one for one to ASCII, and the C helper keys them as it folds them, as below.
        return keys
    folded = fold_keeping_offsets(text)
    if folded is not None and folded.isascii():
        # Quotes, dashes and spaces folded, nothing else beyond ASCII, in a text of one or four bytes a character
        # (no-break spaces or guillemets alone; an emoji besides): the key of a span of folded ASCII text is its
        # `_finish`, which the C helper does (lower case and backticks are folded already).
        folded_keys: list[str] = WORDS_IN_C.ascii_keys(folded, spans)
        return folded_keys
    return _finished_keys(text, folded, spans)


def python_comparison_keys(text: str, spans: Sequence[tuple[int, ...]]) -> list[str]:
    """`comparison_keys` in Python: the reference the C helper is held to, and what runs for other text."""
    return _finished_keys(text, fold_keeping_offsets(text), spans)


def _finished_keys(text: str, folded: str | None, spans: Sequence[tuple[int, ...]]) -> list[str]:
    """Each span's key, from the text folded whole (`folded`) or, when that moved offsets (None), span by span."""
    if folded is None:
        return [_finish(fold_text(text[span[0] : span[1]])) for span in spans]
    return [_finish(folded[span[0] : span[1]]) for span in spans]


def fold_keeping_offsets(text: str) -> str | None:
    """`fold_text(text)` when it folds each character to exactly one, so that offsets into the text are offsets
    into the folded text (almost always); None when it does not.

    Equal lengths alone do not tell: composing an accent shortens the text and folding "ß" to "ss" lengthens it,
    and together they shift every offset between them. When the text is composed already, only case folding can
    change the length, and it never shortens, so equal lengths then mean one character for one."""
    folded, composed = _folded(text)
    return folded if composed and len(folded) == len(text) else None


def fold_token(token: str) -> str:
    """The comparison form of a single word or punctuation mark."""
    folded = fold_text(token)
    return folded if token.isascii() else _finish(folded)


def fold_text(text: str) -> str:
    """Styles and case folded, character by character where possible (offsets usually kept).

    Accents are composed first (NFC), so "é" typed as e + combining accent equals "é"; that changes the length,
    and callers that need offsets fall back to folding each span on its own."""
    return _folded(text)[0]


def _folded(text: str) -> tuple[str, bool]:
    """`fold_text(text)`, and whether the text was composed (NFC) already."""
    if text.isascii():  # (the table's one ASCII entry, the backtick, is all of it that applies)
        lowered = text.lower()
        return (lowered.replace("`", "'") if "`" in lowered else lowered), True
    if WORDS_IN_C is not None:
        folded_ascii: str | None = WORDS_IN_C.fold_ascii(text, _FOLD_FROM, _FOLD_TO)
        if folded_ascii is not None:  # typographic quotes and dashes in ASCII text: folded and lowered in one pass
            return folded_ascii, True
        styled: str | None = WORDS_IN_C.fold_styles(text, _FOLD_FROM, _FOLD_TO)
        if styled is not None:  # NFC already, styles folded in C (str.translate looks each character up in a dict)
            return styled.casefold(), True
    composed = unicodedata.is_normalized("NFC", text)
    if not composed:
        text = unicodedata.normalize("NFC", text)
    return text.translate(_FOLD).casefold(), composed


def _finish(folded: str) -> str:
    """Invisible characters dropped, doubled single quotes made one double quote, white space collapsed."""
    if _INVISIBLE in folded:
        folded = folded.replace(_INVISIBLE, "")
    if "''" in folded:
        folded = _DOUBLED_QUOTES.sub('"', folded)
    return folded if single_spaced(folded) else " ".join(folded.split())


def single_spaced(text: str) -> bool:
    """Are the words of `text` one space apart already, so that `" ".join(text.split())` would give it back? Most
    sentences and paragraphs are, and splitting and joining them makes and joins a string per word. Besides the
    space, ASCII white space is a handful of control characters (looked for one by one, faster than a scan of every
    character); every other white space character is unprintable. Exact for ASCII; beyond it, an unprintable
    character that is not white space (U+200B) makes it say no, which only costs the caller a split and a join."""
    if text[:1] == " " or text[-1:] == " " or "  " in text:
        return False
    if text.isascii():
        return not any(space in text for space in _ASCII_CONTROL_SPACES)
    return text.isprintable()


def words(key: str) -> list[str]:
    """Word tokens of a comparison key; numbers such as 3.5 or 1,000 and words such as don't stay whole.

    The same as `_WORD.findall(key)`, faster: no word spans white space, so each white-space-separated chunk is
    matched alone, and most chunks are a plain ASCII word with marks around it, which `strip` takes off. The C
    helper, when built, cuts any key the same way."""
    if WORDS_IN_C is not None:
        cut: list[str] = WORDS_IN_C.key_words(key)
        return cut
    found: list[str] = []
    for chunk in key.split():
        core = chunk.strip(ASCII_MARKS)
        if core.isascii() and core.isalnum():
            found.append(core)
        elif core:
            found.extend(_WORD.findall(chunk))
    return found
