"""A paragraph that skips sentencex (text/own_cut.py) is cut exactly as it would be through sentencex."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sentencex
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from storytrace.text.own_cut import needs_sentencex
from storytrace.text.segment import (
    _AFTER_CLOCK,
    _BEFORE_NUMBER,
    _SENTENCEX_PANICS,
    _TITLES,
    ASKED_MARK,
    SENTENCES_IN_C,
    _paragraph_spans,
    _prepared_chunk,
    paragraph_sentences,
    python_cut,
    python_paragraph_sentences,
    python_sentencex_would_panic,
    sentencex_would_panic,
)

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"

# The shapes the rules turn on: sentence marks and runs of them, abbreviations, initials and dotted acronyms
# (whole, cut short, after punctuation), decimals, web addresses, list markers of every family, bullets, quote
# marks straight, curly, doubled and backtick, brackets, ellipses, marks of other scripts, and white space.
PIECES = st.sampled_from(
    ["He", "said", "the", "it", "was", "over", "Then", "then", "Smith", "A", "a", "x", "I", "5", "12", "7"]
    + ["Mr.", "Dr.", "St.", "No.", "Jan.", "Sept.", "Gov.", "Calif.", "Inc.", "co.", "Co.", "vs.", "v.", "e.g.",
       "i.e.", "a.m.", "p.m.", "ft.", "in.", "oz.", "NE.", "J.", "R.", "U.S.", "N.Y.", "L.I.,", "A.M.A", "B.C.",
       "A.D.", "M.D.", "Ph.D.", "U.S.-based", "3.5", "$2.23", "example.com", "Yahoo!"]
    + ["1)", "(2)", "(a)", "b)", "ii)", "(i)", "iv.", "A.)", "a.)", "3)", "1.", "2.", "10.", "(AP)", "(1952)",
       "*", "- ", "\u2022", "\u2043"]
    + [".", "!", "?", "...", "..", ". .", "?!", "!!", ",", ":", ";", "-", "\u2013", "\u2014", "\u2026", "\u3002",
       "\u0964", "_", "\u00b7"]
    + ['"', "'", "''", "``", "\u201c", "\u201d", "\u2018", "\u2019", "\u201e", '"The', 'end."', "\u201cThe",
       "end.\u201d", "(", ")", "[", "]", "(See", "below.)", "workers'", "don't"]
    + [" ", " ", " ", " ", "", "  ", "\n", "\t", "\u00a0", "\u00e9t\u00e9"]
)
PARAGRAPHS = st.lists(PIECES, min_size=1, max_size=30).map("".join)


def chunks(paragraph: str) -> tuple[str, str]:
    """The paragraph's chunk as our rules read it (apostrophes marked U+02BC) and as sentencex is asked (marked "_",
    as the C helper's chunk)."""
    return _prepared_chunk(paragraph), _prepared_chunk(paragraph, ASKED_MARK)


def c_cuts(paragraph: str) -> tuple[tuple[int, int], ...]:
    """The C helper's sentences of the paragraph with its chunk handed to our rules whole."""
    assert SENTENCES_IN_C is not None
    return SENTENCES_IN_C.spans(paragraph, (SENTENCES_IN_C.chunk(paragraph),), _TITLES, _BEFORE_NUMBER,
                                _AFTER_CLOCK.match)


@settings(max_examples=3000, deadline=None)
@given(PARAGRAPHS.filter(str.strip))
def test_a_paragraph_that_skips_sentencex_is_cut_as_through_it(paragraph: str) -> None:
    """python_paragraph_sentences always asks sentencex: it is the reference both routes are held to."""
    read, asked = chunks(paragraph)
    assume(not _SENTENCEX_PANICS.search(asked))  # (sentencex cannot be asked: see test_sentencex_panics_are_foreseen)
    through = python_paragraph_sentences(paragraph)
    if not needs_sentencex(asked):
        assert python_cut(paragraph, [read]) == through
    if SENTENCES_IN_C is not None:
        assert SENTENCES_IN_C.chunk(paragraph) == asked
        assert SENTENCES_IN_C.needs_sentencex(asked) == needs_sentencex(asked)
        if not needs_sentencex(asked):
            assert c_cuts(paragraph) == through
        assert paragraph_sentences(paragraph) == through


@settings(max_examples=1000, deadline=None)
@given(st.text(max_size=60) | PARAGRAPHS)
def test_the_c_test_answers_as_the_python(text: str) -> None:
    if SENTENCES_IN_C is None:
        pytest.skip("the C helper is built with the compiled core")
    assert SENTENCES_IN_C.needs_sentencex(text) == needs_sentencex(text)


def real_paragraphs() -> list[str]:
    """Every distinct paragraph of the IteraTeR documents (both versions) and the RoFT NYT prompts."""
    texts: list[str] = []
    for split in ("dev", "train"):
        with (DATA / "iterater-human" / f"doc_level_{split}.jsonl").open(encoding="utf-8") as rows:
            for line in rows:
                row = json.loads(line)
                texts += [row["before_revision"], row["after_revision"]]
    texts += [" ".join(p) for p in json.loads((DATA / "roft-nyt" / "prompts-nyt-dev.json").read_text())["prompts"]]
    return list(dict.fromkeys(text[s:e] for text in texts for s, e in _paragraph_spans(text)))


def test_real_paragraphs_that_skip_sentencex_are_cut_as_through_it() -> None:
    skipped = 0
    paragraphs = real_paragraphs()
    for paragraph in paragraphs:
        read, asked = chunks(paragraph)
        if needs_sentencex(asked):
            continue
        skipped += 1
        through = python_paragraph_sentences(paragraph)
        assert python_cut(paragraph, [read]) == through, paragraph
        if SENTENCES_IN_C is not None:
            assert not SENTENCES_IN_C.needs_sentencex(asked), paragraph
            assert c_cuts(paragraph) == through, paragraph
    assert len(paragraphs) > 2000
    assert skipped > len(paragraphs) // 3  # the test is not vacuous: many real paragraphs skip sentencex


@pytest.mark.parametrize(
    ("paragraph", "needs"),
    [
        ("The fire was out by noon. Mr. Smith said so. Rain fell at 3.5 mm an hour.", False),
        ('He left. "Then we left," she said. "That was all."', False),  # quotes opened and closed in order
        ("Acme Inc., a U.S. company, paid $2.23 a share at 10 a.m. on Monday.", False),
        ("He lives in the U.S. Then he moved.", True),  # after a dotted acronym sentencex decides
        ("The results.McGrath said so.", True),  # no space after the full stop
        ('He said "it is over. "Then we left.', True),  # a quote closing after a space
        ("Two findings: 1) models prefer the head, and 2) shortcuts come early.", True),  # a list
        ("Two findings: \u2022 one, and \u2022 two.", True),  # bullets
        ("It ended. '' Then we left.", True),  # a tokenised closing quote standing apart
        ("The chairman of the A.M.A board spoke.", True),  # a dotted acronym cut short
    ],
)
def test_what_sends_a_paragraph_to_sentencex(paragraph: str, needs: bool) -> None:
    read, asked = chunks(paragraph)
    assert needs_sentencex(asked) is needs
    if not needs:
        assert python_cut(paragraph, [read]) == python_paragraph_sentences(paragraph)


def sentencex_panics(text: str) -> bool:
    try:
        sentencex.segment("en", text)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # pyo3's PanicException
        return True
    return False


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(["A", "B", "a", "1", ".", "!", " ", "\u00a0", "\u2003", "\u3000", "\u0085", "(", "Mr",
                                 "\u012e", "\U00012e00"]),
                max_size=8).map("".join))
def test_sentencex_panics_are_foreseen(text: str) -> None:
    """segment.py never asks sentencex to cut what makes it panic ("A\u00a0."): the shape it looks for covers
    every panic (should a later sentencex stop panicking, this still holds). The C helper's look for its rare part
    and the Python's agree (U+012E and U+12E00 hold the byte of a full stop, and are none)."""
    if sentencex_panics(text):
        assert _SENTENCEX_PANICS.search(text)
    expected = _SENTENCEX_PANICS.search(text) is not None
    assert sentencex_would_panic(text) == python_sentencex_would_panic(text) == expected


def test_a_text_sentencex_would_panic_on_is_cut_by_our_rules() -> None:
    text = "The plan was called Plan A\u00a0. It failed in the U.S. Then it ended."
    assert sentencex_panics(text)
    found = [text[s:e] for s, e in python_paragraph_sentences(text)]
    assert found == ["The plan was called Plan A\u00a0.", "It failed in the U.S. Then it ended."]
    if SENTENCES_IN_C is not None:
        assert paragraph_sentences(text) == python_paragraph_sentences(text)
