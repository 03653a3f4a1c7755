"""Split a text into paragraphs and sentences, with offsets into the text exactly as read.

Layout must not matter: one sentence per line, hard-wrapped paragraphs and runs of blank lines all give the
same sentences. sentencex finds the boundaries; a small merge pass then repairs the cases news text trips it
on (titles such as "Ms.", "a.m. Monday", month abbreviations before a day). Our own rules cut at every plain
sentence end anyway, so a paragraph in which sentencex could not decide anything more (text/own_cut.py) skips it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Final

import sentencex

from storytrace import CORE
from storytrace._compiled import c_module
from storytrace.text.document import Sentence
from storytrace.text.own_cut import sentencex_cuts_after

_BLANK_LINES: Final = re.compile(r"\n[ \t\r\f\v\u00a0]*\n\s*")
_LINE_END_CLOSES: Final = tuple('.!?:;"\'\u201d\u2019)]')
_SOFT_WRAP_MIN_LINE: Final = 50

# Abbreviations that are never the last word of a sentence.
_TITLES: Final = frozenset(
    "Mr. Mrs. Ms. Messrs. Mmes. Dr. Drs. Prof. St. Mt. Ft. Gen. Lt. Col. Maj. Capt. Cmdr. Adm. Sgt. Cpl. "
    "Pvt. Gov. Sen. Sens. Rep. Reps. Rev. Supt. Insp. Det. Hon. Pres. Atty. Gens. Lt.Col. Vs. vs. v. "
    "approx. e.g. i.e. cf. etc.,".split()
)
# Abbreviations that end a sentence unless a number or lower-case word follows.
_BEFORE_NUMBER: Final = frozenset(
    "No. Nos. Jan. Feb. Mar. Apr. Aug. Sep. Sept. Oct. Nov. Dec. Art. Vol. Fig. p. pp. ch. Ch. para.".split()
)
_INITIAL: Final = re.compile(r"[A-Z]\.(?:\s|$)")
_CLOCK_ENDINGS: Final = (" a.m.", " p.m.", " A.M.", " P.M.")
_AFTER_CLOCK: Final = re.compile(
    r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|today|tomorrow|yesterday|tonight|"
    r"[A-Z][DS]?T\b|GMT|BST|CET|UTC|local|on|in|at|and|or|to|until|when|while|with)",
)
_AFTER_CLOCK_MATCH: Final = _AFTER_CLOCK.match  # (made once: the C cutter is handed it for every paragraph)
# A sentence end that sentencex passes over: inside quotations and brackets, or after a word it takes for an
# abbreviation ("in May. Sales"). Closing quotes stay with the sentence they close.
# (It starts with the mark itself, not a look-behind, so the regex engine can skip to candidates quickly.)
_INNER_BOUNDARY: Final = re.compile(
    r"""[.!?](?P<close>(?:["'\u201d\u2019\u02bc)\]])*)\s+(?=(?:["'\u201c\u2018(])*[A-Z0-9])"""
)
# Marks that close a sentence (U+02BC is an apostrophe after a full stop, marked so by `_mark_apostrophes`).
_CLOSERS: Final = "\"'\u201d\u2019\u02bc)]"
_BEFORE_ACRONYM: Final = "([\"'\u201c\u2018"
# White space, including the Unicode spaces and the byte-order mark that str.strip() keeps.
_STRIP: Final = " \t\n\r\f\v\u00a0\u200b\u202f\u205f\u3000\ufeff" + "".join(map(chr, range(0x2000, 0x200B)))
# The mark of a word apostrophe in the chunk sentencex is asked to cut, as the C helper's chunk has it: "_" keeps an
# ASCII paragraph ASCII (sentencex does not cut quite alike around it and U+02BC, so both routes use it).
ASKED_MARK: Final = "_"
# A piece that is only a list item's number or letter: "1.", "12)", "(3)", "b.", "(c)", "iv)" (sentencex cuts after
# it).
_LIST_MARKER: Final = re.compile(r"(?:[0-9]{1,3}|[a-z]|[ivx]{2,4})[.)]|\((?:[0-9]{1,3}|[a-z]|[ivx]{2,4})\)")
# What sentencex 1.0.32 panics on: a capital, white space ending in a non-ASCII space, and a full stop ("A\u00a0.").
_SENTENCEX_PANICS: Final = re.compile(r"[A-Z]\s*[^\S\x00-\x7f]\.")
# The work around sentencex in C (text/_sentences.c, built with the core); None: the Python below does it.
SENTENCES_IN_C: Final = c_module("text/_sentences", CORE)
if SENTENCES_IN_C is not None:  # (its test of a short word before a quote mark asks sentencex, as own_cut's does)
    SENTENCES_IN_C.use_abbreviation_test(sentencex_cuts_after)
# (Bound once: a call through the module object looks its name up each time, ~200 instructions.)
_CUT_PARAGRAPH_IN_C: Final[Any] = None if SENTENCES_IN_C is None else SENTENCES_IN_C.cut_paragraph


def sentences(text: str) -> tuple[Sentence, ...]:
    """All sentences of `text` in reading order, trimmed of surrounding white space."""
    if SENTENCES_IN_C is not None:  # paragraphs found, remembered and made sentences in C; each cut as below
        cut: tuple[Sentence, ...] = SENTENCES_IN_C.sentences(text, cut_paragraph, Sentence)
        return cut
    return python_sentences(text)


def python_sentences(text: str) -> tuple[Sentence, ...]:
    """`sentences` in Python: the reference the C helper is held to, and what runs without it."""
    found: list[Sentence] = []
    for number, (start, end) in enumerate(_paragraph_spans(text)):
        for s_start, s_end in paragraph_sentences(text[start:end]):
            # (tuple.__new__ skips the named tuple's own __new__, which runs as Python: half the cost.)
            found.append(tuple.__new__(Sentence, (start + s_start, start + s_end, number)))
    return tuple(found)


@lru_cache(maxsize=4096)
def paragraph_sentences(paragraph: str) -> tuple[tuple[int, int], ...]:
    """The sentence spans of one paragraph, relative to it.

    A paragraph is cut the same way wherever it appears, and most paragraphs of a revision are those of the
    version before it, so the spans are remembered: each unchanged paragraph is segmented once per run. (The C
    helper's `sentences` keeps its own table, found without making the paragraph a str, and calls
    `cut_paragraph`.)
    """
    return cut_paragraph(paragraph)


def cut_paragraph(paragraph: str) -> tuple[tuple[int, int], ...]:
    """`paragraph_sentences` without remembering."""
    if _CUT_PARAGRAPH_IN_C is not None:
        # The paragraph's chunk (SENTENCES_IN_C.chunk) cut by our rules alone (with the cuts sentencex surely makes
        # before a quote mark standing apart: own_cut), or by sentencex first, then its spans: all in one C call.
        found: tuple[tuple[int, int], ...] = _CUT_PARAGRAPH_IN_C(
            paragraph, sentencex_segments, _TITLES, _BEFORE_NUMBER, _AFTER_CLOCK_MATCH
        )
        return found
    return python_paragraph_sentences(paragraph)


def python_paragraph_sentences(paragraph: str) -> tuple[tuple[int, int], ...]:
    """`paragraph_sentences` in Python: the reference the C helper is held to, and what runs without it.

    sentencex is always asked here (own_cut's test in Python would cost about what it saves), with the chunk the C
    helper gives it: a word apostrophe marked "_". Our rules then read the same stretches with the mark U+02BC, as
    the C helper reads a "_" over an apostrophe."""
    read = _prepared_chunk(paragraph)
    asked = _prepared_chunk(paragraph, ASKED_MARK)
    pieces: list[str] = []
    at = 0
    for segment in sentencex_segments(asked):
        pieces.append(read[at : at + len(segment)])
        at += len(segment)
    return python_cut(paragraph, pieces)


def sentencex_segments(chunk: str) -> list[str] | tuple[str, ...]:
    """sentencex's segments of a paragraph's chunk, or the chunk whole where sentencex fails.

    sentencex (Rust) panics on a capital, a space other than ASCII's and a full stop ("Plan A\u00a0."), printing the
    panic to standard error; it reaches Python as pyo3's PanicException, a BaseException. Our own rules then cut the
    chunk alone: where that shape is seen before sentencex is asked, and after any other panic.
    """
    if not chunk.isascii() and sentencex_would_panic(chunk):
        return (chunk,)
    try:
        segments: list[str] = sentencex.segment("en", chunk)
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException:  # (a Rust panic; see above)
        return (chunk,)
    return segments


def sentencex_would_panic(chunk: str) -> bool:
    """Does `chunk` hold what sentencex panics on (_SENTENCEX_PANICS)? Its rare part, a space beyond ASCII just before
    a full stop, is looked for first (by the C helper when built), from full stop to full stop: the expression, tried
    at every capital of a long paragraph, cost ~5% of a typographic diff."""
    if SENTENCES_IN_C is not None:
        spaced: bool = SENTENCES_IN_C.spaced_full_stop(chunk)
        return spaced and _SENTENCEX_PANICS.search(chunk) is not None
    return python_sentencex_would_panic(chunk)


def python_sentencex_would_panic(chunk: str) -> bool:
    """`sentencex_would_panic` in Python: the reference the C helper's test is held to, and what runs without it."""
    at = chunk.find(".", 1)
    while at > 0:
        before = chunk[at - 1]
        if before > "\x7f" and before.isspace():
            return _SENTENCEX_PANICS.search(chunk) is not None
        at = chunk.find(".", at + 1)
    return False


def python_cut(paragraph: str, segments: list[str] | tuple[str, ...]) -> tuple[tuple[int, int], ...]:
    """The sentence spans of a paragraph from segments of its chunk (sentencex's, or the chunk whole): our own
    cuts and merges over them. The C helper's `spans` does the same."""
    return tuple(_merge_fragments(paragraph, _segment_spans(segments)))


def _paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Paragraphs: blocks between blank lines, and lines that end a sentence inside a block."""
    spans: list[tuple[int, int]] = []
    block_start = 0
    for match in _BLANK_LINES.finditer(text):
        spans.extend(_split_block(text, block_start, match.start()))
        block_start = match.end()
    spans.extend(_split_block(text, block_start, len(text)))
    return spans


def _split_block(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split a block at line breaks that are paragraph breaks, not soft wraps of one paragraph."""
    spans: list[tuple[int, int]] = []
    para_start = start
    line_start = start
    while True:
        newline = text.find("\n", line_start, end)
        if newline < 0:
            break
        line = text[line_start:newline].rstrip()
        following = text[newline + 1 : end].lstrip()
        if line and _is_paragraph_break(line, following):
            spans.append((para_start, newline))
            para_start = newline + 1
        line_start = newline + 1
    spans.append((para_start, end))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def _is_paragraph_break(line: str, following: str) -> bool:
    if not following:
        return True
    if line.endswith(_LINE_END_CLOSES):
        return True
    # A short line followed by a capitalised one is a heading or a list item; long lines are hard wraps.
    return len(line) < _SOFT_WRAP_MIN_LINE and not following[0].islower()


def _segment_spans(segments: list[str] | tuple[str, ...]) -> list[tuple[int, int]]:
    """The segments (which concatenate to a paragraph's chunk) cut further by `_split_inner`, as trimmed spans."""
    spans: list[tuple[int, int]] = []
    offset = 0
    for segment in segments:
        for piece in _split_inner(segment):
            piece_start = offset
            offset += len(piece)
            lead = len(piece) - len(piece.lstrip(_STRIP))
            body = piece[lead:].rstrip(_STRIP)
            body_start = piece_start + lead
            if not body:
                continue
            if spans:
                closing = len(body) - len(body.lstrip(_CLOSERS))
                if closing and closing < len(body) and body[closing] in _STRIP:
                    # Quote marks cut off the sentence they close ("over.' Then"): give them back to it.
                    spans[-1] = (spans[-1][0], body_start + closing)
                    rest = body[closing:]
                    body_start += closing + len(rest) - len(rest.lstrip(_STRIP))
                    body = rest.lstrip(_STRIP)
                elif not body[0].isalnum() and not any(ch.isalnum() for ch in body):
                    spans[-1] = (spans[-1][0], body_start + len(body))  # a lone quote mark or bracket
                    continue
            spans.append((body_start, body_start + len(body)))
    return spans


def _prepared_chunk(paragraph: str, mark: str = "\u02bc") -> str:
    """The paragraph as our rules read it: line breaks made spaces, apostrophes after words marked with `mark`
    (`ASKED_MARK` for the chunk sentencex is given)."""
    chunk = paragraph.replace("\n", " ").replace("\r", " ")
    return _mark_apostrophes(chunk, mark) if "'" in chunk else chunk


def _mark_apostrophes(chunk: str, mark: str = "\u02bc") -> str:
    """Turn an apostrophe after a word (possessive "workers'", "G.M.'s") into `mark`, so that sentencex does not
    pair it with a quote mark. A doubled '' is a quote mark and stays. The length, and so every offset, is kept."""
    parts = chunk.split("'")
    out = [parts[0]]
    for k in range(1, len(parts)):
        before = parts[k - 1][-1:] if parts[k - 1] else ("'" if k > 1 else "")
        after = parts[k][:1] if parts[k] or k == len(parts) - 1 else "'"
        apostrophe = before != "" and (before.isalnum() or before in "_.") and after != "'"
        out.append(mark if apostrophe else "'")
        out.append(parts[k])
    return "".join(out)


def _split_inner(segment: str) -> list[str]:
    """Cut a segment at sentence ends sentencex missed; the pieces concatenate back to the segment."""
    if not _may_end_inside(segment):
        return [segment]
    pieces: list[str] = []
    start = 0
    for match in _INNER_BOUNDARY.finditer(segment):
        mark_end = match.start() + 1
        cut = mark_end + len(match.group("close"))
        if _ends_with_dotted_acronym(segment, start, mark_end):
            continue
        pieces.append(segment[start:cut])
        start = cut
    pieces.append(segment[start:])
    return pieces


def _may_end_inside(segment: str) -> bool:
    """Is there a full stop, "!" or "?" (then closing marks) followed by white space before the segment's end?
    `_INNER_BOUNDARY` can match only then; most segments are one sentence and skip the regex."""
    body = segment.rstrip()
    for mark in ".!?":
        at = body.find(mark)
        while at >= 0:
            after = at + 1
            while after < len(body) and body[after] in _CLOSERS:
                after += 1
            if after < len(body) and body[after].isspace():
                return True
            at = body.find(mark, at + 1)
    return False


def _ends_with_dotted_acronym(text: str, start: int, end: int) -> bool:
    """Does text[start:end] end with a dotted acronym such as "U.S." (a word of two or more letter-dot pairs)?"""
    i = end
    pairs = 0
    while i - 2 >= start and text[i - 1] == "." and text[i - 2].isascii() and text[i - 2].isalpha():
        i -= 2
        pairs += 1
    return pairs >= 2 and (i == start or text[i - 1].isspace() or text[i - 1] in _BEFORE_ACRONYM)


def _merge_fragments(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join pieces that sentencex cut after an abbreviation that cannot end a sentence here."""
    merged: list[tuple[int, int]] = []
    for span in spans:
        if merged and _continues(text[merged[-1][0] : merged[-1][1]], text[span[0] : span[1]]):
            merged[-1] = (merged[-1][0], span[1])
        else:
            merged.append(span)
    return merged


def _continues(previous: str, current: str) -> bool:
    first = current[0]
    if first.islower():
        return True
    if _LIST_MARKER.fullmatch(previous.strip()):
        return True  # "1." then "The bridge is closed.": a list item's number starts its sentence
    last_words = previous.rsplit(None, 1)
    last_word = last_words[-1] if last_words else ""  # (a piece of white space alone has no last word)
    if last_word in _TITLES:
        return True
    if last_word in _BEFORE_NUMBER and first.isdigit():
        return True
    if previous.endswith(_CLOCK_ENDINGS) and _AFTER_CLOCK.match(current):
        return True
    if _ends_with_initial(previous) and _INITIAL.match(current):
        return True  # "J." then "R. Smith": two initials in a row are a name
    return _ends_with_initial(previous) and first.isupper() and len(previous) > 2 and _looks_like_name(previous)


def _ends_with_initial(text: str) -> bool:
    """Does the text end with a lone capital and a full stop, as in 'John F.'?"""
    return len(text) >= 2 and text[-1] == "." and text[-2].isupper() and (len(text) == 2 or text[-3] == " ")


def _looks_like_name(previous: str) -> bool:
    """'John F.' or 'J.' before a capitalised word: an initial inside a name, not a sentence end."""
    words = previous.split()
    if len(words) == 1:
        return True
    return words[-2][:1].isupper()
