"""Sentence and paragraph boundaries for news text, with offsets into the text exactly as read."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storytrace.text.normalise import comparison_key, fold_text
from storytrace.text.segment import _ends_with_dotted_acronym, _mark_apostrophes, sentences


def split(text: str) -> list[str]:
    return [text[s.start : s.end] for s in sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Mr. Smith met Ms. Jones at 3 p.m. Monday in St. Louis. He said the U.S. economy grew 3.5% last year.",
            ["Mr. Smith met Ms. Jones at 3 p.m. Monday in St. Louis.", "He said the U.S. economy grew 3.5% last year."],
        ),
        (
            "Dr. Ada Obi arrived at 10 a.m. on Monday. It was late.",
            ["Dr. Ada Obi arrived at 10 a.m. on Monday.", "It was late."],
        ),
        ("The meeting ended at 9 p.m. The police came.", ["The meeting ended at 9 p.m.", "The police came."]),
        (
            'WASHINGTON (AP) — The mayor said "We will rebuild. We always do." Then he left.',
            # A quotation of several sentences is split into them; the closing mark stays with its sentence.
            ['WASHINGTON (AP) — The mayor said "We will rebuild.', 'We always do."', "Then he left."],
        ),
        (
            # Initials after a lower-case word, and a run of them, stay inside the name.
            "Officials met with J. R. Smith on Monday. The book by J. R. R. Tolkien sold well.",
            ["Officials met with J. R. Smith on Monday.", "The book by J. R. R. Tolkien sold well."],
        ),
        (
            # A closing single quote (or doubled single quotes, NYT style) stays with the sentence it closes.
            "He said: 'It is over.' Then he left. She said: ''We won.'' They cheered.",
            ["He said: 'It is over.'", "Then he left.", "She said: ''We won.''", "They cheered."],
        ),
        (
            "Gov. Ann M. Cole said it would cost $3.5 billion. Critics disagreed.",
            ["Gov. Ann M. Cole said it would cost $3.5 billion.", "Critics disagreed."],
        ),
        (
            "The vote is set for Jan. 15 in the Senate. No. 10 said nothing.",
            ["The vote is set for Jan. 15 in the Senate.", "No. 10 said nothing."],
        ),
        ("It's over. It's much worse, said one official.", ["It's over.", "It's much worse, said one official."]),
        ("Prices rose - sharply - in May. Sales fell.", ["Prices rose - sharply - in May.", "Sales fell."]),
    ],
)
def test_news_boundaries(text: str, expected: list[str]) -> None:
    assert split(text) == expected


def test_apostrophes_are_not_quotation_marks() -> None:
    text = "G.M.'s plant in Ohio closed. The workers' union protested. Talks resume on Monday."
    assert split(text) == ["G.M.'s plant in Ohio closed.", "The workers' union protested.", "Talks resume on Monday."]


def test_dotted_acronyms_do_not_end_sentences() -> None:
    assert split("The U.S. Senate voted. It was close.") == ["The U.S. Senate voted.", "It was close."]
    assert split("The bill (H.R. 2) passed the House. It goes on.") == [
        "The bill (H.R. 2) passed the House.",
        "It goes on.",
    ]


def test_layout_does_not_change_sentences() -> None:
    one_per_line = "The river rose overnight.\nTwo bridges were closed.\nSchools stay shut on Friday.\n\n\n\n\n"
    paragraphs = "The river rose overnight. Two bridges were closed.\n\nSchools stay shut on Friday."
    wrapped = "The river rose\novernight. Two bridges\nwere closed.\n\n\n\nSchools stay shut on Friday.\n"
    expected = ["The river rose overnight.", "Two bridges were closed.", "Schools stay shut on Friday."]
    assert split(one_per_line) == expected
    assert split(paragraphs) == expected
    assert [" ".join(s.split()) for s in split(wrapped)] == expected


def test_offsets_point_into_text_as_read() -> None:
    text = "\ufeff  Caf\u00e9 owners \u201cwon\u201d.\r\n\r\nThe\u00a0council   agreed. "
    found = sentences(text)
    assert [text[s.start : s.end] for s in found] == ["Caf\u00e9 owners \u201cwon\u201d.", "The\u00a0council   agreed."]
    assert [s.paragraph for s in found] == [0, 1]


def test_paragraph_numbers() -> None:
    text = "First one. Second one.\n\nThird one.\nFourth one."
    assert [s.paragraph for s in sentences(text)] == [0, 0, 1, 2]


def test_headline_is_its_own_paragraph() -> None:
    assert split("Floods close schools\nThe river rose overnight.") == [
        "Floods close schools",
        "The river rose overnight.",
    ]


def test_empty_and_blank_text_have_no_sentences() -> None:
    assert sentences("") == ()
    assert sentences(" \n\n\t ") == ()


# The definitions the fast helpers of the segmenter must keep: an apostrophe after a word character or a full stop,
# not followed by another; a dotted acronym of two or more letters at the end, after a space, an opener or nothing.
_APOSTROPHE_RULE = re.compile(r"(?<=[\w.])'(?!')")
_ACRONYM_RULE = re.compile(r"(?:^|[\s(\[\"'\u201c\u2018])(?:[A-Za-z]\.){2,}$")


@settings(max_examples=500)
@given(st.text(alphabet="ab.' _\u00e91\"", max_size=14))
def test_apostrophes_marked_as_the_rule_says(text: str) -> None:
    assert _mark_apostrophes(text) == _APOSTROPHE_RULE.sub("\u02bc", text)


@settings(max_examples=500)
@given(st.text(alphabet="aB.' (\u201c\u00e9x", max_size=10))
def test_dotted_acronym_found_as_the_rule_says(text: str) -> None:
    assert _ends_with_dotted_acronym(text, 0, len(text)) == bool(_ACRONYM_RULE.search(text))


@given(st.text(alphabet=st.sampled_from("ab-\u00a0\u2009\u3000\u2028\x1c\x85\t\n\r  "), max_size=16))
def test_comparison_key_collapses_white_space_as_split_and_join_would(text: str) -> None:
    # The key skips splitting and joining when the text is single-spaced already; that must change nothing.
    assert comparison_key(text) == " ".join(fold_text(text).split())


def test_a_list_items_number_starts_its_sentence() -> None:
    """sentencex cuts after "1." at the head of a numbered item; the number belongs to the item's sentence."""
    text = ("Three things to know:\n\n1. The bridge is closed.\n\n2. Buses run every ten minutes.\n\n"
            "(3) Work ends in May.")
    found = [text[s.start : s.end] for s in sentences(text)]
    assert found == ["Three things to know:", "1. The bridge is closed.", "2. Buses run every ten minutes.",
                     "(3) Work ends in May."]
    other = "He won 2. Then he lost."
    assert [other[s.start : s.end] for s in sentences(other)] == ["He won 2.", "Then he lost."]
    lettered = "Also:\n\na. The bridge is closed.\n\nb) Buses run late.\n\niv. Work ends in May."
    assert [lettered[s.start : s.end] for s in sentences(lettered)] == [
        "Also:", "a. The bridge is closed.", "b) Buses run late.", "iv. Work ends in May."]
