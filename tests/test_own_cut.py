"""A paragraph that skips sentencex (text/own_cut.py) is cut exactly as it would be through sentencex."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sentencex
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from storytrace.text.own_cut import _LONGEST_ABBREVIATION, needs_sentencex, own_segments, sentencex_cuts_after
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
# marks straight, curly, doubled and backtick, brackets, ellipses, marks of other scripts, and white space; and
# quote marks standing apart after a sentence end as tokenised news has them, after words sentencex takes for
# abbreviations or not, numbers and brackets of every kind.
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
    + ['. " ', ". '' ", '" ', "'' ", " ''", ' "', "''", '"', 'said. " ', "today. '' ", "Afghanistan. '' ",
       'victory. " ', "Tex. '' ", "me. \" ", "1990. '' ", '12. " ', "Yahoo! '' ", '? " ', "''Then", "{", "}", "<",
       ">", "(said", "ended)", "[It", "It]", "Hall", "Then"]
    + [" ", " ", " ", " ", "", "  ", "\n", "\t", "\u00a0", "\u00e9t\u00e9"]
)
PARAGRAPHS = st.lists(PIECES, min_size=1, max_size=30).map("".join)
# Paragraphs of sentences and quotations as tokenised news writes them, with quote marks standing apart between
# sentences ('over. " Then', "ahead. '' In"), which the pieces above seldom put together in a paragraph that skips
# sentencex: words sentencex abbreviates or not, numbers, brackets and quote marks of every straight kind.
QUOTE_WORDS = st.sampled_from(
    ["victory", "said", "today", "1990", "over", "Then", "The", "Our", "I", "When", "12", "it"] * 6
    + ["Tex", "me", "7", "ago", "x", "Yahoo", "U.S", "won_t", "(as", "it)", "[a", "b]", "{c", "d}", "<e", "f>"]
    + ["''Then", '"Then', "Ended", "May", "Sunday", "No"]
)
QUOTE_MARKS_AFTER = st.sampled_from([".", ".", ".", ",", ",", "!", "?", ". ", ""])
QUOTE_SPACES = st.sampled_from([" ", " ", " ", "", "  ", "\t"])
QUOTE_PLAIN = st.builds(
    lambda words, mark: " ".join(words) + mark,
    st.lists(QUOTE_WORDS, min_size=1, max_size=4), st.sampled_from([".", ".", ".", "!", "?", "", ".)"]),
)


def quoted(mark: str) -> st.SearchStrategy[str]:
    """'" Our team won," he said.' or "'' Then it was over.''": a quotation (mostly in `mark`) whose opening mark
    may stand apart."""
    marks = st.sampled_from([mark] * 12 + ['"', "''", "'", "`"])
    return st.builds(
        lambda opener, space, words, after, closer, tail: f"{opener}{space}{' '.join(words)}{after}{closer}{tail}",
        marks, QUOTE_SPACES, st.lists(QUOTE_WORDS, min_size=1, max_size=4), QUOTE_MARKS_AFTER, marks,
        st.sampled_from(["", " he said.", " "]),
    )


def quote_paragraph(mark: str) -> st.SearchStrategy[str]:
    """Plain sentences and quotations, each followed by white space or none."""
    sentence = st.tuples(st.one_of(QUOTE_PLAIN, quoted(mark), quoted(mark)), QUOTE_SPACES).map("".join)
    return st.lists(sentence, min_size=1, max_size=6).map("".join)


QUOTE_PARAGRAPHS = st.sampled_from(['"', "''"]).flatmap(quote_paragraph)


def chunks(paragraph: str) -> tuple[str, str]:
    """The paragraph's chunk as our rules read it (apostrophes marked U+02BC) and as sentencex is asked (marked "_",
    as the C helper's chunk)."""
    return _prepared_chunk(paragraph), _prepared_chunk(paragraph, ASKED_MARK)


def c_cuts(paragraph: str) -> tuple[tuple[int, int], ...]:
    """The C helper's sentences of the paragraph with its chunk handed to our rules alone (`own_segments`)."""
    assert SENTENCES_IN_C is not None
    segments = SENTENCES_IN_C.own_segments(SENTENCES_IN_C.chunk(paragraph))
    return SENTENCES_IN_C.spans(paragraph, segments, _TITLES, _BEFORE_NUMBER, _AFTER_CLOCK.match)


@settings(max_examples=3000, deadline=None)
@given(PARAGRAPHS.filter(str.strip))
def test_a_paragraph_that_skips_sentencex_is_cut_as_through_it(paragraph: str) -> None:
    """python_paragraph_sentences always asks sentencex: it is the reference both routes are held to."""
    read, asked = chunks(paragraph)
    assume(not _SENTENCEX_PANICS.search(asked))  # (sentencex cannot be asked: see test_sentencex_panics_are_foreseen)
    through = python_paragraph_sentences(paragraph)
    if not needs_sentencex(asked):
        assert python_cut(paragraph, own_segments(read)) == through
    if SENTENCES_IN_C is not None:
        assert SENTENCES_IN_C.chunk(paragraph) == asked
        assert SENTENCES_IN_C.needs_sentencex(asked) == needs_sentencex(asked)
        assert SENTENCES_IN_C.own_segments(asked) == own_segments(asked)
        assert SENTENCES_IN_C.own_cut(asked) == (None if needs_sentencex(asked) else own_segments(asked))
        if not needs_sentencex(asked):
            assert c_cuts(paragraph) == through
        assert paragraph_sentences(paragraph) == through


@settings(max_examples=3000, deadline=None)
@given(QUOTE_PARAGRAPHS.filter(str.strip))
def test_a_paragraph_with_quotes_standing_apart_that_skips_sentencex_is_cut_as_through_it(paragraph: str) -> None:
    test_a_paragraph_that_skips_sentencex_is_cut_as_through_it.hypothesis.inner_test(paragraph)  # type: ignore[attr-defined]


@settings(max_examples=1000, deadline=None)
@given(st.text(max_size=60) | PARAGRAPHS | QUOTE_PARAGRAPHS)
def test_the_c_test_answers_as_the_python(text: str) -> None:
    if SENTENCES_IN_C is None:
        pytest.skip("the C helper is built with the compiled core")
    assert SENTENCES_IN_C.needs_sentencex(text) == needs_sentencex(text)
    assert SENTENCES_IN_C.own_segments(text) == own_segments(text)
    assert SENTENCES_IN_C.own_cut(text) == (None if needs_sentencex(text) else own_segments(text))


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
        assert python_cut(paragraph, own_segments(read)) == through, paragraph
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
        ("It ended. '' Then we left.", False),  # a tokenised quote standing apart after a word sentencex cuts after
        ("It was over, he said. '' Then we left.", False),  # ... after a word sentencex does not abbreviate
        ('They won a victory. " Our drop-kick special," he said.', False),
        ('He said "it was over. " Then we left.', False),  # closing a quotation: sentencex cuts after the mark
        ('He said "it was over. " 5 of us left.', True),  # ... but not before a digit
        ("They moved to Austin, Tex. '' We are happy,'' she said.", True),  # "Tex." sentencex's abbreviation
        ("A 'No' rejected in Afghanistan. '' When I said no,'' he said.", True),  # single quote marks unpaired
        ("They said ''we won in overtime. '' Then we left,'' she said.", False),  # closing a quotation of doubled marks
        ("They said ''we won in overtime. '' 12 of us left,'' she said.", True),
        ("It ended (as expected. \" Then it) resumed.", True),  # inside brackets
        ('It ended in 1990. " Then it resumed.', False),
        ("The chairman of the A.M.A board spoke.", True),  # a dotted acronym cut short
        ('" We won today, he said. "', False),  # a quote mark standing apart ends the paragraph
        ("'' It was over, she said. ''  ", False),
        ("'' We came from the U.S. ''", True),  # ... after a dotted acronym
        ("It was over.'' ''", True),  # ... after a closing quote
    ],
)
def test_what_sends_a_paragraph_to_sentencex(paragraph: str, needs: bool) -> None:
    read, asked = chunks(paragraph)
    assert needs_sentencex(asked) is needs
    if not needs:
        assert python_cut(paragraph, own_segments(read)) == python_paragraph_sentences(paragraph)
    if SENTENCES_IN_C is not None:
        assert SENTENCES_IN_C.needs_sentencex(asked) is needs


# Short words news puts before a quotation, which sentencex takes for no abbreviation, and words of its abbreviation
# list (in any case) that it does.
NO_ABBREVIATIONS = ["said", "it", "them", "today", "ago", "year", "night", "Sunday", "season", "area", "Hall", "Japan"]
ABBREVIATIONS = ["Tex", "me", "Sept", "Mr", "Gov", "No", "Calif", "ft", "MR", "tex"]


@pytest.mark.parametrize("word", NO_ABBREVIATIONS)
@pytest.mark.parametrize("after", ['"', "''"])
@pytest.mark.parametrize("following", ["Then", "The", "Zed", "I", "May", "5"])
def test_words_sentencex_does_not_abbreviate(word: str, after: str, following: str) -> None:
    """sentencex cuts after each short word own_cut lets before a quote mark standing apart, whatever follows the
    quote mark, and the C test (given own_cut's question by segment.py) answers alike."""
    assert len(word) <= _LONGEST_ABBREVIATION  # (a longer word is not asked about)
    assert sentencex_cuts_after(word)
    text = f"It was {word}. {after} {following} we left."
    assert sentencex.segment("en", text) == [f"It was {word}. {after} ", f"{following} we left."]
    assert not needs_sentencex(text)
    if SENTENCES_IN_C is not None:
        assert not SENTENCES_IN_C.needs_sentencex(text)
        for near in (word + "s", word[:-1], word.capitalize(), word.upper(), "x" + word):
            text = f"It was {near}. {after} {following} we left."
            assert SENTENCES_IN_C.needs_sentencex(text) == needs_sentencex(text), near


@pytest.mark.parametrize("word", ABBREVIATIONS)
def test_a_word_sentencex_abbreviates_sends_the_paragraph_to_it(word: str) -> None:
    assert not sentencex_cuts_after(word)
    for after in ('"', "''"):
        text = f"It was {word}. {after} Then we left."
        assert needs_sentencex(text)
        assert SENTENCES_IN_C is None or SENTENCES_IN_C.needs_sentencex(text)


def test_an_error_of_the_abbreviation_test_reaches_the_caller() -> None:
    """The C test asks a Python function about a word: what that raises is raised, not taken for an answer."""
    if SENTENCES_IN_C is None:
        pytest.skip("the C helper is built with the compiled core")

    def failing(word: str) -> bool:
        raise LookupError(word)

    try:
        SENTENCES_IN_C.use_abbreviation_test(failing)
        with pytest.raises(LookupError, match="Hall"):
            SENTENCES_IN_C.needs_sentencex("It was in the Hall. '' Then we left.")
        with pytest.raises(LookupError, match="Hall"):
            SENTENCES_IN_C.own_cut("It was in the Hall. '' Then we left.")
    finally:
        SENTENCES_IN_C.use_abbreviation_test(sentencex_cuts_after)
    hall = "It was in the Hall. '' Then we left."
    assert SENTENCES_IN_C.own_cut(hall) == ("It was in the Hall. ", "'' Then we left.")


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
