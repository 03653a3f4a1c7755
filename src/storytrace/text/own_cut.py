"""When can a paragraph skip sentencex? Our own rules then cut it exactly as sentencex followed by them would.

segment.py cuts a paragraph in two passes: sentencex's segments, then our rules over each segment (`_split_inner`
cuts at every ". " before a capital or digit, wherever sentencex did not, and `_merge_fragments` joins pieces after
titles, initials and the like). Our rules cut at every such place anyway, so sentencex decides the result only where
it cuts where they do not: after a dotted acronym ("in the U.S. Then"), at a full stop with no space after it
("articles.McGrath"), around a quote mark standing apart ('over. " Then'), before list markers ("1)", "(b)", bullets),
and at sentence marks of other scripts. A paragraph without any of these is handed to our rules whole.

A straight quote mark standing apart after a sentence end is how tokenised news opens and closes a quotation
('victory. " Our drop-kick', "ahead. '' In the past"). sentencex cuts before it (or, where it closes a quotation,
after it) unless the word before is one of its abbreviations, the mark lies inside brackets, or a digit follows a
closing one; our rules then give the quote mark back to the sentence before it. Where that cut is sure
(`_sentencex_cuts_before`) the paragraph skips sentencex and `own_segments` makes the same cut; anywhere else it goes
to sentencex. Such a quote mark ending the paragraph stays with the sentence before it either way.

The test leans towards sentencex: anything not shown to be safe sends the paragraph there. Each rule was found by
comparing both ways of cutting on the real paragraphs in ../shared/data and on random paragraphs made of the pieces
these rules turn on (tests/test_own_cut.py keeps doing both). ~89% of the bench's paragraphs (ASCII news with
tokenised quotes; `bench/pairs.py build_pairs(2000)`, both sides) skip sentencex (~70% before closing quote marks and
sentencex's own answer about short words were let through), and ~74% of the distinct real paragraphs of
../shared/data (~60% before).
segment.py asks text/_sentences.c's copy of this test, which this Python is the reference for; without the C helper
every paragraph goes to sentencex (same sentences; the test in Python would cost about what it saves), and
segment.python_paragraph_sentences, the reference both routes are held to, always asks it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

import sentencex

_MARKS: Final = ".!?"
# Marks that may follow a sentence mark before the space (as in segment.py, without the apostrophe marks).
_CLOSERS: Final = "\"')]\u201d\u2019"
_BLANK: Final = " \t"
_ROMAN: Final = frozenset("ivxlcdmIVXLCDM")
_DOTTED_ACRONYM: Final = re.compile(r"(?:[A-Za-z]\.){2,}")
_LOOKED_AT: Final = re.compile(r"[.!?)`]")
# A character sentencex may take for a sentence end or a bullet: all but Latin letters and signs, the apostrophe
# mark U+02BC, the spaces, dashes and quote marks of General Punctuation, and currency signs.
_NOT_PLAIN: Final = re.compile(r"[^\x00-\u024f\u02bc\u2000-\u201f\u20a0-\u20cf]")
# A straight quote mark standing apart after a sentence mark, as tokenised news has it ('over. " Then',
# "ahead. '' In"): where `needs_sentencex` lets it pass, sentencex cuts before the quote mark (group 1).
_QUOTE_APART: Final = re.compile(r"""[.!?][ \t]+("|'')[ \t]+[A-Z0-9]""")
# sentencex takes a word before a full stop for an abbreviation by its list (English: "Tex.", "Sept.", "me."), whose
# words have at most six letters ("messrs", in 1.0.32): a longer word ends a sentence there, and a shorter one is
# asked about (`sentencex_cuts_after`).
_LONGEST_ABBREVIATION: Final = 6
_BRACKETS: Final = "(<{[)>}]"
# A straight quote mark standing apart at the end of a paragraph, after a sentence mark and white space ("over. ''"
# in tokenised news): whether sentencex cuts before it or not, `_segment_spans` gives it back to the sentence before.
_LAST_QUOTE: Final = ('"', "''")


def needs_sentencex(chunk: str) -> bool:
    """Could sentencex cut `chunk` (a paragraph as sentencex is asked it: `_sentences.chunk`, word apostrophes
    marked "_") anywhere our own rules would not? False only when every sentence mark and every ")" is in a shape
    known to be cut alike."""
    if not chunk.isascii() and _NOT_PLAIN.search(chunk):
        return True
    for found in _LOOKED_AT.finditer(chunk):
        i = found.start()
        c = chunk[i]
        if c == "`":
            return True  # sentencex pairs backtick quotes with its own rules
        if c == ")":
            if _may_close_list_marker(chunk, i):
                return True
        elif (i == 0 or chunk[i - 1] not in _MARKS) and not _mark_cut_alike(chunk, i):
            return True
    return False


def _mark_cut_alike(chunk: str, i: int) -> bool:
    """Is the run of sentence marks starting at `i` cut (or not cut) the same by sentencex and by our rules?"""
    n = len(chunk)
    run_end = i + 1
    while run_end < n and chunk[run_end] in _MARKS:
        run_end += 1
    j = run_end
    while j < n and chunk[j] in _CLOSERS:
        j += 1
    if j == n:
        return True  # the paragraph's end
    if chunk[j] in _BLANK:
        return _followed_alike(chunk, i, run_end, j)
    if j != i + 1 or chunk[i] != "." or i == 0:
        return False
    before, after = chunk[i - 1], chunk[j]
    if "0" <= after <= "9":
        return "0" <= before <= "9"  # a decimal point
    if "a" <= after <= "z" or after == ",":
        return before.isalpha()  # "example.com", "a.m", "Inc.,"
    if "A" <= after <= "Z":
        return _inside_dotted_acronym(chunk, i)  # "U.S"
    return False


def _followed_alike(chunk: str, i: int, run_end: int, j: int) -> bool:
    """Marks, closing quotes, then white space at `j`: what comes next decides."""
    n = len(chunk)
    k = j
    while k < n and chunk[k] in _BLANK:
        k += 1
    if k == n:
        return True
    first = chunk[k]
    if "a" <= first <= "z":
        return True  # cut or not, `_merge_fragments` joins a piece that starts in lower case
    if chunk[i] == "." and run_end == i + 1 and i >= 2 and chunk[i - 1].isalpha() and chunk[i - 2] == ".":
        return False  # after a dotted acronym our rules never cut; sentencex sometimes does
    if "A" <= first <= "Z" or "0" <= first <= "9":
        return True  # both cut here
    if j == run_end and chunk[k:].rstrip(_BLANK) in _LAST_QUOTE:
        return True  # (_LAST_QUOTE: the paragraph ends 'said. "', and the quote mark stays with "said.")
    apart = _QUOTE_APART.match(chunk, i)
    if apart is not None:
        # ('over. " Then'; `own_segments` cuts there too, and our rules give the quote mark back to "over.")
        return _sentencex_cuts_before(chunk, i, first, chunk[apart.end() - 1])
    following = chunk[k + 1] if k + 1 < n else ""
    if not ("A" <= following <= "Z" or "0" <= following <= "9"):
        return False
    if first == "(":
        return True
    if first == "\u201c":
        return "\u201d" in chunk[k:]  # an opening quote that closes later; a lone one sentencex gives back
    if first == '"':
        # An opening quote by count (sentencex pairs straight quotes in order), in a paragraph with no single
        # quote marks, whose pairing sentencex works out otherwise.
        return "'" not in chunk and chunk.count('"', 0, k) % 2 == 0 and chunk.count('"') % 2 == 0
    return False


def _sentencex_cuts_before(chunk: str, i: int, quote: str, opening: str) -> bool:
    """Does sentencex surely cut after the single sentence mark at `i`, before the straight quote mark standing
    apart after it (then the sentence that `opening` begins)? Only after a word that is no abbreviation of its,
    outside any bracket, in an ASCII paragraph with only that kind of straight quote mark, which it pairs in order.
    Outside every quotation it cuts there. Inside one, the quote mark closes it: sentencex cuts after the quote
    mark unless a digit opens the next sentence (for it, one continues the sentence), and our rules give the quote
    mark back to the sentence before it, as after its cut."""
    if not chunk.isascii() or not _no_abbreviation_before(chunk, i) or _bracket_open_before(chunk, i):
        return False
    if quote == '"':
        if "'" in chunk:
            return False
        inside = chunk.count('"', 0, i) % 2 == 1
    else:
        if '"' in chunk or "'''" in chunk or chunk.count("'") != 2 * chunk.count("''"):
            return False  # (single quote marks not all in pairs "''", as tokenised news writes quotation marks)
        inside = chunk.count("''", 0, i) % 2 == 1
    return not inside or "A" <= opening <= "Z"


def _no_abbreviation_before(chunk: str, i: int) -> bool:
    """Is the word before the mark at `i` (after white space) a number of two or more digits, or a word sentencex
    never takes for an abbreviation?"""
    start = i
    while start > 0 and chunk[start - 1].isalnum():
        start -= 1
    if start > 0 and chunk[start - 1] not in _BLANK:
        return False
    word = chunk[start:i]
    if word.isdigit():
        return len(word) >= 2  # (one digit may be a list item's number)
    return word.isalpha() and (len(word) > _LONGEST_ABBREVIATION or sentencex_cuts_after(word))


@lru_cache(maxsize=1 << 16)
def sentencex_cuts_after(word: str) -> bool:
    """Does sentencex cut after "word." before a quote mark standing apart, whatever opens the next sentence? It
    decides by the word alone (its abbreviation list, in any case), so it is asked once per word, in a sentence
    made for the question, with either straight quote mark and a capital or a digit after it. (A list written here
    instead went stale with every sentencex release and missed most words: "Sunday", "season", "area".)"""
    for quote in ('"', "''"):
        for following in ("Then", "5"):
            text = f"It was {word}. {quote} {following} we left."
            if sentencex.segment("en", text) != [f"It was {word}. {quote} ", f"{following} we left."]:
                return False
    return True


def _bracket_open_before(chunk: str, i: int) -> bool:
    """Is the last bracket before `i` an opening one? sentencex does not cut inside brackets it pairs."""
    last = max(chunk.rfind(bracket, 0, i) for bracket in _BRACKETS)
    return last >= 0 and chunk[last] in _BRACKETS[:4]


def own_segments(chunk: str) -> tuple[str, ...]:
    """The chunk as our rules alone are given it when `needs_sentencex(chunk)` is False: cut before each straight
    quote mark standing apart after a sentence mark, where sentencex cuts too (`_segment_spans` then gives the
    quote mark back to the sentence before it, as it does to sentencex's segment)."""
    segments: list[str] = []
    at = 0
    for found in _QUOTE_APART.finditer(chunk):
        segments.append(chunk[at : found.start(1)])
        at = found.start(1)
    segments.append(chunk[at:])
    return tuple(segments)


def _inside_dotted_acronym(chunk: str, i: int) -> bool:
    """Is the full stop at `i` inside a word such as "U.S." or "N.Y.U." that stands after white space?"""
    start = i
    while start > 0 and (chunk[start - 1] == "." or (chunk[start - 1].isascii() and chunk[start - 1].isalpha())):
        start -= 1
    end = i
    while end < len(chunk) and (chunk[end] == "." or (chunk[end].isascii() and chunk[end].isalpha())):
        end += 1
    if start > 0 and chunk[start - 1] not in _BLANK:
        return False
    if end < len(chunk) and (chunk[end].isalnum() or chunk[end] == "_"):
        return False
    return _DOTTED_ACRONYM.fullmatch(chunk, start, end) is not None


def _may_close_list_marker(chunk: str, i: int) -> bool:
    """Could the ")" at `i` end a list marker ("1)", "b)", "ii.)", "(2)", "(iv)") that sentencex cuts before?"""
    end = i - 1 if i > 0 and chunk[i - 1] == "." else i
    start = end
    while start > 0 and chunk[start - 1].isascii() and chunk[start - 1].isalnum():
        start -= 1
    word = chunk[start:end]
    if not word:
        return False
    if start > 0 and chunk[start - 1] == "(":
        if end != i or (start > 1 and chunk[start - 2] not in _BLANK):
            return False
        return (len(word) <= 2 and word.isdigit()) or (len(word) == 1 and word.isalpha()) or set(word) <= _ROMAN
    if start > 0 and chunk[start - 1] not in _BLANK:
        return False
    return word.isdigit() or len(word) == 1 or set(word) <= _ROMAN
