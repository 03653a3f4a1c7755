"""The C helper around sentencex (text/_sentences.c) cuts every paragraph exactly as segment.py's Python does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sentencex
from hypothesis import given, settings
from hypothesis import strategies as st

from storytrace.text.segment import (
    _AFTER_CLOCK,
    _BEFORE_NUMBER,
    _TITLES,
    SENTENCES_IN_C,
    _prepared_chunk,
    python_paragraph_sentences,
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
    segments = sentencex.segment("en", SENTENCES_IN_C.chunk(paragraph))
    found: tuple[tuple[int, int], ...] = SENTENCES_IN_C.spans(
        paragraph, segments, _TITLES, _BEFORE_NUMBER, _AFTER_CLOCK.match
    )
    return found


@settings(max_examples=1500, deadline=None)
@given(PARAGRAPHS)
def test_the_c_helper_cuts_as_the_python(paragraph: str) -> None:
    assert SENTENCES_IN_C is not None
    assert SENTENCES_IN_C.chunk(paragraph) == _prepared_chunk(paragraph)
    assert native(paragraph) == python_paragraph_sentences(paragraph)


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
