"""The founding example (read from ../shared): two copies of one report sharing an eight-sentence opening."""

from __future__ import annotations

from storytrace import diff
from storytrace.text.read import read_source

from .conftest import FOUNDING_A, FOUNDING_B


def founding_diff():  # type: ignore[no-untyped-def]
    a = read_source(str(FOUNDING_A))
    b = read_source(str(FOUNDING_B))
    return diff(a.text, b.text, label_a=a.label, label_b=b.label)


def test_opening_links_exactly_eight_sentences() -> None:
    result = founding_diff()
    linked = [link for link in result.links if link.a and link.b]
    assert [(link.a, link.b) for link in linked] == [((i,), (i,)) for i in range(8)]
    assert [link.kind for link in linked].count("unchanged") == 6
    minor = {link.a[0]: link for link in linked if link.kind == "minor"}
    assert set(minor) == {2, 6}
    assert not any(link.moved for link in result.links)


def test_minor_edits_are_the_known_wording_and_hyphenation() -> None:
    result = founding_diff()
    by_a = {link.a[0]: link for link in result.links if link.a and link.b}
    wording = by_a[2]
    deleted = "".join(run.text for run in wording.diff if run.op == "delete")
    inserted = "".join(run.text for run in wording.diff if run.op == "insert")
    assert "an" in deleted.split() and "," in deleted
    assert inserted.split() == ["a"]
    hyphen = by_a[6]
    assert [run.text.strip() for run in hyphen.diff if run.op != "equal"] == ["taxi-boats", "taxi boats"]
    assert hyphen.reasons == ("hyphenation or spacing",)


def test_stunt_quote_is_two_sentences() -> None:
    result = founding_diff()
    texts_a = [result.a.sentence_text(i) for i in range(len(result.a.sentences))]
    assert texts_a[4] == "It's just a political stunt."
    assert texts_a[5].startswith("It's much blah-blah,")


def test_invented_endings_are_deleted_and_added() -> None:
    result = founding_diff()
    summary = result.summary()
    assert (summary["deleted"], summary["added"]) == (9, 7)
    assert [link.a for link in result.links if link.kind == "deleted"] == [(i,) for i in range(8, 17)]
    assert [link.b for link in result.links if link.kind == "added"] == [(j,) for j in range(8, 15)]
    assert summary["sentences_a"] == 17 and summary["sentences_b"] == 15


def test_text_is_kept_exactly_as_read() -> None:
    result = founding_diff()
    assert result.a.text == FOUNDING_A.read_text(encoding="utf-8")
    assert result.to_dict()["versions"][1]["text"] == FOUNDING_B.read_text(encoding="utf-8")


def test_word_diff_offsets_point_into_each_version() -> None:
    result = founding_diff()
    for link in result.links:
        for run in link.diff:
            if run.op in ("equal", "delete"):
                assert result.a.text[run.a_start : run.a_end] == run.text.rstrip() or run.op == "equal"
            if run.op in ("equal", "insert"):
                assert result.b.text[run.b_start : run.b_end] == run.text.rstrip()
    hyphen = next(link for link in result.links if link.a == (6,))
    deleted = next(run for run in hyphen.diff if run.op == "delete")
    assert result.a.text[deleted.a_start : deleted.a_end] == "taxi-boats"
    assert deleted.b_start == deleted.b_end and result.b.text[deleted.b_start :].startswith("taxi boats")
