"""The C helper around sentencex (text/_sentences.c) cuts every paragraph exactly as segment.py's Python does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storytrace.text.document import Sentence
from storytrace.text.own_cut import needs_sentencex
from storytrace.text.segment import (
    _AFTER_CLOCK,
    _BEFORE_NUMBER,
    _TITLES,
    SENTENCES_IN_C,
    _prepared_chunk,
    cut_paragraph,
    python_paragraph_sentences,
    python_sentences,
    sentencex_segments,
)

pytestmark = pytest.mark.skipif(SENTENCES_IN_C is None, reason="the C helper is built with the compiled core")
PROMPTS = Path(__file__).resolve().parents[2] / "shared" / "data" / "roft-nyt" / "prompts-nyt-dev.json"

# What the rules look at: abbreviations, initials, clock times, acronyms, quotes and brackets of every style,
# apostrophes, sentence marks, digits, cased and uncased letters, and white space the trimming does and does not
# strip (U+0085 and U+2028 are white space to Python but not in segment.py's strip set).
PIECES = st.sampled_from(
    ["Mr.", "Ms.", "Dr.", "St.", "No.", "Jan.", "etc.,", "e.g.", "a.m.", "p.m.", "P.M.", "Monday", "on", "EST",
     "GMT", "U.S.", "U.N.", "J.", "R.", "F.", "A.", "3.5%", "12", "The", "He", "Smith", "said", "it", "city", "x",
     "'s", "workers'", "''", "(AP)", "\u2014", "--", "...", "?!", ".", "!", "?", ",", ":", ";"]
    + list("'\"\u201c\u201d\u2018\u2019\u02bc()[]")
    + [" ", " ", " ", "  ", "\n", "\r\n", "\t", "\u00a0", "\u2003", "\u200b", "\ufeff", "\u0085", "\u2028"]
    + ["\u00c9cole", "\u00e9t\u00e9", "\u00df", "\u0130", "\u01c5", "\u2160", "\u0660", "\u00b2", "_"]
)
PARAGRAPHS = st.lists(PIECES, min_size=1, max_size=40).map("".join)


def native(paragraph: str) -> tuple[tuple[int, int], ...]:
    assert SENTENCES_IN_C is not None
    chunk = SENTENCES_IN_C.chunk(paragraph)
    # sentencex's segments, or where it has nothing to decide the chunk cut only where it surely cuts (own_cut.py)
    needs = SENTENCES_IN_C.needs_sentencex(chunk)
    segments = sentencex_segments(chunk) if needs else SENTENCES_IN_C.own_segments(chunk)
    found: tuple[tuple[int, int], ...] = SENTENCES_IN_C.spans(
        paragraph, segments, _TITLES, _BEFORE_NUMBER, _AFTER_CLOCK.match
    )
    return found


@settings(max_examples=1500, deadline=None)
@given(PARAGRAPHS)
def test_the_c_helper_cuts_as_the_python(paragraph: str) -> None:
    assert SENTENCES_IN_C is not None
    # The C chunk marks a word apostrophe with "_" where the Python marks it with U+02BC (see _sentences.c).
    marked = "".join(
        "_" if was == "'" and now == "\u02bc" else now
        for was, now in zip(paragraph, _prepared_chunk(paragraph), strict=True)
    )
    assert SENTENCES_IN_C.chunk(paragraph) == marked
    assert native(paragraph) == python_paragraph_sentences(paragraph)


# Characters of a two- or four-byte text that hold, as stored, a byte equal to an ASCII character the helper looks
# for with memchr (".", "!", "?", ")", "`", line breaks and "'"): in their low byte (U+012E "Į" for "."),
# their high byte (U+2E2E for "."), or inside a four-byte character (U+1012E, U+12E00). The helper must pass them
# over; the Latin ones are plain characters, so they reach its rules rather than send the chunk to sentencex.
ALIASES = st.sampled_from(
    ["\u012e", "\u0121", "\u013f", "\u0129", "\u0160", "\u010a", "\u010d", "\u0127", "\u2e2e", "\u2121",
     "\u3f3f", "\u2960", "\u0a0a", "\u2727", "\U0001012e", "\U00012e00", "\U00010121", "\U0002003f"]
)
WIDE_PARAGRAPHS = st.lists(PIECES | ALIASES, min_size=1, max_size=40).map("".join)


@settings(max_examples=1500, deadline=None)
@given(WIDE_PARAGRAPHS)
def test_the_c_helper_finds_only_whole_characters_in_wide_text(paragraph: str) -> None:
    """Paragraphs with typographic quotes and characters whose bytes look like the marks the helper looks for: its
    chunk, its test for sentencex and its sentences are the Python's."""
    assert SENTENCES_IN_C is not None
    marked = "".join(
        "_" if was == "'" and now == "\u02bc" else now
        for was, now in zip(paragraph, _prepared_chunk(paragraph), strict=True)
    )
    chunk = SENTENCES_IN_C.chunk(paragraph)
    assert chunk == marked
    assert SENTENCES_IN_C.needs_sentencex(chunk) == needs_sentencex(chunk)
    assert native(paragraph) == python_paragraph_sentences(paragraph)


def test_the_c_helper_passes_over_characters_that_hold_a_marks_byte() -> None:
    """The byte of "." in U+012E and U+2E2E is no full stop; nor is that of a line break in U+010A, nor that of an
    apostrophe in U+2727: the wide text is cut at its real marks only."""
    assert SENTENCES_IN_C is not None
    text = "\u201cThe \u012eoint\u2e2e was \u010a gone\u2727s,\u201d he said. \u201cThen it rained.\u201d"
    assert SENTENCES_IN_C.chunk(text) is text  # nothing to change: no line break, no apostrophe
    assert native(text) == python_paragraph_sentences(text)
    assert [text[s:e] for s, e in native(text)] == [text[: text.index(" \u201cThen")], "\u201cThen it rained.\u201d"]


def test_the_c_helper_cuts_real_news_as_the_python() -> None:
    """Every passage of the RoFT NYT prompts, as one paragraph and with its sentences on lines of their own."""
    passages = json.loads(PROMPTS.read_text(encoding="utf-8"))["prompts"]
    cut = 0
    for passage in passages[:400]:
        for paragraph in (" ".join(passage), "\n".join(passage)):
            expected = python_paragraph_sentences(paragraph)
            assert native(paragraph) == expected, paragraph
            cut += len(expected)
    assert cut > 3000


def test_the_c_helper_keeps_names_clock_times_and_quotes_together() -> None:
    text = 'At 9 a.m. Monday, J. R. Smith met Mr. Jones. "We will rebuild. We always do." Then he left.'
    pieces = [text[start:end] for start, end in native(text)]
    assert pieces == [
        "At 9 a.m. Monday, J. R. Smith met Mr. Jones.",
        '"We will rebuild.',
        'We always do."',
        "Then he left.",
    ]


def test_the_c_helper_refuses_what_is_not_text() -> None:
    assert SENTENCES_IN_C is not None
    with pytest.raises(TypeError):
        SENTENCES_IN_C.chunk(b"bytes")
    with pytest.raises(TypeError):
        SENTENCES_IN_C.spans("A b.", ["A b."], ["not a set"], _BEFORE_NUMBER, _AFTER_CLOCK.match)
    with pytest.raises(TypeError, match="cut_paragraph"):
        SENTENCES_IN_C.cut_paragraph("A b.")


def test_the_c_paragraph_cutter_asks_the_sentencex_it_is_given_only_when_its_rules_need_it() -> None:
    """`cut_paragraph` in C: our rules alone where they suffice; else the `sentencex_segments` handed over, whose
    error reaches the caller."""
    assert SENTENCES_IN_C is not None
    asked: list[str] = []

    def refusing(chunk: str) -> list[str]:
        asked.append(chunk)
        raise RuntimeError("sentencex asked")

    plain = "The fire was out. The mayor said so."
    assert SENTENCES_IN_C.cut_paragraph(plain, refusing, _TITLES, _BEFORE_NUMBER, _AFTER_CLOCK.match) == (
        (0, 17), (18, 36))
    assert asked == []
    needs = "He lives in the U.S. Then he left."  # (after a dotted acronym, sentencex decides)
    with pytest.raises(RuntimeError, match="sentencex asked"):
        SENTENCES_IN_C.cut_paragraph(needs, refusing, _TITLES, _BEFORE_NUMBER, _AFTER_CLOCK.match)
    assert asked == [needs]
    assert SENTENCES_IN_C.cut_paragraph(needs, sentencex_segments, _TITLES, _BEFORE_NUMBER, _AFTER_CLOCK.match) == (
        python_paragraph_sentences(needs))


# Layouts: line breaks of every kind, blank lines with spaces in them, short lines (headings, list items) and long
# ones (hard wraps), lines ending with and without a closing mark, then lower- or upper-case continuations.
LAYOUT_PIECES = st.sampled_from(
    ["\n", "\n", "\n\n", " \n \t\n ", "\n\u00a0\n", "\r\n", "\r\n\r\n", "\u0085", "\u2028", "  ", "\t", " "]
    + ["The mayor said the fire was out.", "Mr. Smith", "and then", "HEADLINE", "- a list item", '"Yes."',
       "(Reuters)", "it went on", "a" * 30, "B" * 60 + " x", "x.", "?", ")", "\u201cQuoted.\u201d", "12:30"]
)
LAYOUTS = st.lists(LAYOUT_PIECES, max_size=30).map("".join)


@settings(max_examples=1500, deadline=None)
@given(LAYOUTS)
def test_the_c_helper_finds_paragraphs_and_sentences_as_the_python(text: str) -> None:
    assert SENTENCES_IN_C is not None
    found = SENTENCES_IN_C.sentences(text, cut_paragraph, Sentence)
    assert found == python_sentences(text)
    assert all(type(s) is Sentence for s in found)


def test_the_c_helper_finds_the_paragraphs_of_real_news() -> None:
    """RoFT passages laid out four ways: one paragraph, a sentence per line, blank lines between, hard wraps."""
    passages = json.loads(PROMPTS.read_text(encoding="utf-8"))["prompts"]
    for passage in passages[:200]:
        joined = " ".join(passage)
        wrapped = "\n".join(joined[i : i + 70] for i in range(0, len(joined), 70))
        for text in (joined, "\n".join(passage), "\n\n".join(passage), wrapped):
            assert SENTENCES_IN_C.sentences(text, cut_paragraph, Sentence) == python_sentences(text)
    with pytest.raises(TypeError):
        SENTENCES_IN_C.sentences("A b.", cut_paragraph, dict)


def test_the_c_helper_cuts_each_paragraph_once_and_remembers_it_for_its_cut_alone() -> None:
    """A paragraph seen before (in this text or an earlier one) is not cut again; another cut function is asked
    afresh, never given the first one's answers."""
    assert SENTENCES_IN_C is not None
    asked: list[str] = []

    def counting_cut(paragraph: str) -> tuple[tuple[int, int], ...]:
        asked.append(paragraph)
        return cut_paragraph(paragraph)

    first, second = "Mr. Smith went home. He slept.", "The fire was out by 9 p.m. Monday, officials said."
    text = f"{first}\n\n{second}\n\n{first}"
    assert SENTENCES_IN_C.sentences(text, counting_cut, Sentence) == python_sentences(text)
    assert asked == [first, second]
    assert SENTENCES_IN_C.sentences(f"{second}\n\n{first}", counting_cut, Sentence) == python_sentences(
        f"{second}\n\n{first}"
    )
    assert asked == [first, second]  # both remembered from the text before
    whole = SENTENCES_IN_C.sentences(text, lambda paragraph: ((0, len(paragraph)),), Sentence)
    assert [(s.start, s.end) for s in whole] == [(0, len(first)), (len(first) + 2, len(first) + 2 + len(second)),
                                                 (len(text) - len(first), len(text))]
    assert SENTENCES_IN_C.sentences(text, counting_cut, Sentence) == python_sentences(text)
    assert asked == [first, second, first, second]  # the table was emptied when the cut changed


def test_the_c_helper_remembers_paragraphs_by_their_characters_in_any_width() -> None:
    """The same words in a one-byte and a two-byte text, and a paragraph differing in one character only."""
    assert SENTENCES_IN_C is not None
    for text in ("It rained. Then it stopped.\n\nIt rained. Then it stopped!",
                 "It rained. Then it stopped.\n\nIt rained \u2014 then it stopped.\n\nIt rained. Then it stopped."):
        for _ in range(2):
            assert SENTENCES_IN_C.sentences(text, cut_paragraph, Sentence) == python_sentences(text)


def test_a_cut_that_runs_the_helper_with_another_cut_gets_its_own_answers() -> None:
    """`cut` may itself cut text with another function (or another thread may): neither answer is remembered for
    the other function."""
    assert SENTENCES_IN_C is not None

    def one_piece(paragraph: str) -> tuple[tuple[int, int], ...]:
        return ((0, 1),)

    def whole(paragraph: str) -> tuple[tuple[int, int], ...]:
        if paragraph.startswith("First"):
            SENTENCES_IN_C.sentences("Second one.", one_piece, Sentence)
        return ((0, len(paragraph)),)

    found = SENTENCES_IN_C.sentences("First one.\n\nSecond one.", whole, Sentence)
    assert [(s.start, s.end) for s in found] == [(0, 10), (12, 23)]
    assert [(s.start, s.end) for s in SENTENCES_IN_C.sentences("First one.", one_piece, Sentence)] == [(0, 1)]
