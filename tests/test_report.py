"""Tests for the terminal and HTML reports, on hand-built ``storytrace.diff/1`` documents."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import jsonschema
import lxml.html
import pytest
from rich.console import Console

from storytrace.report import html as html_report
from storytrace.report import terminal

SCHEMA_PATH = Path(__file__).resolve().parents[1] / "docs" / "schema" / "diff.schema.json"
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

# --- building documents -------------------------------------------------------------------------


def version(label: str, paragraphs: list[list[str]]) -> dict[str, Any]:
    """A version whose text joins sentences with a space and paragraphs with a blank line."""
    text, spans = "", []
    for p, sentences in enumerate(paragraphs):
        for s, sentence in enumerate(sentences):
            if text:
                text += " " if s else "\n\n"
            spans.append({"start": len(text), "end": len(text) + len(sentence), "paragraph": p})
            text += sentence
    return {"label": label, "text": text, "sentences": spans}


def link(
    a: list[int],
    b: list[int],
    kind: str,
    *,
    moved: bool = False,
    reasons: tuple[str, ...] = (),
    diff: tuple[tuple[str, str], ...] = (),
) -> dict[str, Any]:
    score = {"unchanged": 1.0, "added": 0.0, "deleted": 0.0}.get(kind, 0.8)
    return {
        "a": a,
        "b": b,
        "kind": kind,
        "moved": moved,
        "score": score,
        "reasons": list(reasons),
        "diff": [{"op": op, "text": text} for op, text in diff],
    }


def summarise(links: list[dict[str, Any]]) -> dict[str, int]:
    counts = dict.fromkeys(("unchanged", "minor", "substantive", "added", "deleted"), 0)
    for item in links:
        counts[item["kind"]] += 1
    counts["moved"] = sum(item["moved"] for item in links)
    counts["split"] = sum(len(item["a"]) == 1 and len(item["b"]) > 1 for item in links)
    counts["merged"] = sum(len(item["a"]) > 1 and len(item["b"]) == 1 for item in links)
    return counts


def document(a: dict[str, Any], b: dict[str, Any], links: list[dict[str, Any]]) -> dict[str, Any]:
    return {"schema": "storytrace.diff/1", "versions": [a, b], "links": links, "summary": summarise(links)}


def sentences(doc: dict[str, Any], side: int) -> list[str]:
    v = doc["versions"][side]
    return [v["text"][s["start"] : s["end"]] for s in v["sentences"]]


def squash(text: str) -> str:
    return " ".join(text.split())


Validate = Callable[[dict[str, Any]], dict[str, Any]]


@pytest.fixture(scope="session")
def validate() -> Validate:
    """Check a document against the published schema and the contract rules the schema cannot say."""
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)

    def check(doc: dict[str, Any]) -> dict[str, Any]:
        validator.validate(doc)
        for side, key in ((0, "a"), (1, "b")):
            used = sorted(i for item in doc["links"] for i in item[key])
            assert used == list(range(len(doc["versions"][side]["sentences"]))), "each sentence in one link"
        texts = (sentences(doc, 0), sentences(doc, 1))
        for item in doc["links"]:
            if item["diff"]:
                old = "".join(r["text"] for r in item["diff"] if r["op"] != "insert")
                new = "".join(r["text"] for r in item["diff"] if r["op"] != "delete")
                assert squash(old) == squash(" ".join(texts[0][i] for i in item["a"]))
                assert squash(new) == squash(" ".join(texts[1][i] for i in item["b"]))
        return doc

    return check


@pytest.fixture
def doc(validate: Validate) -> dict[str, Any]:
    """A library flood story: a number change, an addition, a split, a move and two deletions."""
    a = version(
        "library-v1.txt",
        [
            [
                "Heavy rain flooded the basement of the city library on Sunday night.",
                "Staff said 40 boxes of archive\npapers were soaked.",  # hard-wrapped line
            ],
            [
                "The library will stay closed until Thursday.",
                "Volunteers moved the old maps upstairs and the reading room was cleared.",
                'A sign on the door read "[bold]Closed[/] until further notice".',
            ],
            [
                "Insurance assessors are expected on Monday.",
                "The mayor did not respond to questions.",
                "Local schools were not affected.",
            ],
        ],
    )
    b = version(
        "library-v2.txt",
        [
            [
                "Heavy rain flooded the basement of the city library on Sunday night.",
                "Staff said 65 boxes of archive papers were soaked.",
                "A burst drain made the flooding worse, engineers found.",
            ],
            [
                "Volunteers moved the old maps upstairs.",
                "The reading room was cleared.",
                'A sign on the door read "[bold]Closed[/] until further notice".',
            ],
            [
                "Insurance assessors are expected on Monday.",
                "The library will stay closed until Thursday.",
            ],
        ],
    )
    links = [
        link([0], [0], "unchanged"),
        link(
            [1],
            [1],
            "substantive",
            reasons=("number 40 → 65",),
            diff=(
                ("equal", "Staff said "),
                ("delete", "40"),
                ("insert", "65"),
                ("equal", " boxes of archive\npapers were soaked."),
            ),
        ),
        link([], [2], "added"),
        link(
            [3],
            [3, 4],
            "minor",
            reasons=("sentence split", "wording"),
            diff=(
                ("equal", "Volunteers moved the old maps upstairs"),
                ("delete", " and the"),
                ("insert", ". The"),
                ("equal", " reading room was cleared."),
            ),
        ),
        link([4], [5], "unchanged"),
        link([5], [6], "unchanged"),
        link([6], [], "deleted"),
        link([7], [], "deleted"),
        link([2], [7], "unchanged", moved=True),
    ]
    return validate(document(a, b, links))


@pytest.fixture
def hostile(validate: Validate) -> dict[str, Any]:
    """Text that must never become markup, in either report."""
    a = version(
        "<b>old</b>.html",
        [
            [
                "<script>alert(1)</script> was found in the page source.",
                '"><img src=x onerror=alert(1)> closes the attribute.',
                "A sentence with [bold]markup[/] and [/] and :smile: codes.",
            ]
        ],
    )
    b = version(
        'new"><img src=x onerror=alert(1)>.html',
        [
            [
                "<script>alert(2)</script> was found in the page source.",
                '"><img src=x onerror=alert(1)> closes the attribute.',
                "Terminal \x1b[2J escape and a bell\x07 here.",
            ]
        ],
    )
    links = [
        link(
            [0],
            [0],
            "substantive",
            reasons=("number 1 → 2 <i>really</i>",),
            diff=(
                ("equal", "<script>alert("),
                ("delete", "1"),
                ("insert", "2"),
                ("equal", ")</script> was found in the page source."),
            ),
        ),
        link([1], [1], "unchanged"),
        link([2], [], "deleted"),
        link([], [2], "added"),
    ]
    return validate(document(a, b, links))


def run(doc: dict[str, Any], *, colour: bool = False, width: int = 100, **options: Any) -> str:
    """Render to a string; without ``colour`` the console is not a terminal (as when piped)."""
    out = io.StringIO()
    if colour:
        console = Console(file=out, width=width, force_terminal=True, color_system="truecolor")
    else:
        console = Console(file=out, record=True, width=width, force_terminal=False)
    terminal.render(doc, console, **options)
    return out.getvalue()


# --- summary line -------------------------------------------------------------------------------


def test_summary_line_counts(doc: dict[str, Any]) -> None:
    assert terminal.summary_line(doc) == "4 unchanged · 1 minor · 1 substantive · 1 added · 2 deleted · 1 moved"


def test_summary_line_defaults_missing_counts_to_zero(doc: dict[str, Any]) -> None:
    doc["summary"] = {"added": 3}
    assert terminal.summary_line(doc) == "0 unchanged · 0 minor · 0 substantive · 3 added · 0 deleted · 0 moved"


# --- terminal: inline ---------------------------------------------------------------------------


def test_inline_shows_sentences_numbers_reasons_and_markers(doc: dict[str, Any]) -> None:
    out = run(doc)
    assert "\x1b" not in out, "no colour codes when the output is not a terminal"
    for kind in ("unchanged", "minor", "substantive", "added", "deleted"):
        if kind != "unchanged":
            assert re.search(rf"^\s+{kind}\b", out, re.M), kind
    for sentence in (
        "Heavy rain flooded the basement of the city library on Sunday night.",
        "A burst drain made the flooding worse, engineers found.",
        "The mayor did not respond to questions.",
        "Local schools were not affected.",
        "The library will stay closed until Thursday.",
        "Insurance assessors are expected on Monday.",
    ):
        assert sentence in out
    # Word diff spelled out when there is no colour; the hard line break is shown as a space.
    assert "Staff said [-40-]{+65+} boxes of archive papers were soaked." in out
    assert "upstairs[- and the-]{+. The+} reading room was cleared." in out
    assert "number 40 → 65" in out and "sentence split · wording" in out
    assert 'A sign on the door read "[bold]Closed[/] until further notice".' in out
    lines = out.splitlines()
    assert any(re.match(r"^!\s+A2 B2\s+Staff said", line) for line in lines)
    assert any(re.match(r"^~\s+A4 B4–5\s+Volunteers", line) for line in lines)
    assert any(re.match(r"^\+\s+B3\s+A burst drain", line) for line in lines)
    assert any(re.match(r"^-\s+A7\s+The mayor", line) for line in lines)
    assert any(re.match(r"^=↕\s+A3 B8\s+The library will stay", line) for line in lines)
    assert "↕ moved" in out
    assert terminal.summary_line(doc) in out.replace("\n", " ")


def test_inline_colour_uses_styles_not_brackets(doc: dict[str, Any]) -> None:
    out = run(doc, colour=True)
    assert "\x1b[" in out
    assert "[-40-]" not in out and "{+65+}" not in out
    assert "[bold]Closed[/]" in out, "article text is never parsed as rich markup"


def test_record_export_matches_printed_text(doc: dict[str, Any]) -> None:
    console = Console(record=True, width=100, force_terminal=False, file=io.StringIO())
    terminal.render(doc, console)
    exported = console.export_text()
    assert "Staff said [-40-]{+65+}" in exported and "[bold]Closed[/]" in exported


def test_terminal_output_is_inert(hostile: dict[str, Any]) -> None:
    for colour in (False, True):
        for view in ("inline", "side-by-side"):
            out = run(hostile, colour=colour, width=200, view=view)
            assert "[bold]markup[/] and [/] and :smile: codes." in out
            assert "\x1b[2J" not in out and "\x07" not in out, "escape sequences from the article are defused"
            assert "␛[2J" in out
            assert "<b>old</b>.html" in out


# --- terminal: side by side ---------------------------------------------------------------------


def test_side_by_side_shows_both_sides(doc: dict[str, Any]) -> None:
    out = run(doc, view="side-by-side", width=160)
    header = next(line for line in out.splitlines() if "A library-v1.txt" in line)
    assert "B library-v2.txt" in header
    row = next(line for line in out.splitlines() if "A2 Staff said" in line)
    assert "B2 Staff said" in row, "both sides of a link on one row"
    assert "[-40-]" in row and "{+65+}" in row and "[-40-]{+65+}" not in row
    assert re.search(r"B4 Volunteers moved the old maps", out)
    assert re.search(r"B5 \{\+The\+\} reading room", out), "each sentence of a split on its own line"
    split_row = next(line for line in out.splitlines() if "A4 Volunteers" in line)
    assert "B4 Volunteers" in split_row and "upstairs{+.+}" in out
    assert "[- and the-]" in out and "{+The+}" in out and "{+. The+}" not in out
    assert "number 40 → 65" in out and "↕ moved" in out
    assert "\x1b" not in out


def test_side_by_side_colour(doc: dict[str, Any]) -> None:
    out = run(doc, colour=True, view="side-by-side")
    assert "\x1b[" in out and "{+65+}" not in out


def test_unknown_view_is_rejected(doc: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="side-by-side"):
        run(doc, view="sideways")


# --- terminal: only changes and narrow terminals ------------------------------------------------


@pytest.mark.parametrize("view", ["inline", "side-by-side"])
def test_only_changes_hides_unchanged(doc: dict[str, Any], view: str) -> None:
    out = run(doc, view=view, only_changes=True, width=160)
    assert "Heavy rain flooded" not in out
    assert "[bold]Closed[/]" not in out and "Insurance assessors" not in out
    assert "… 1 unchanged sentence" in out and "… 2 unchanged sentences" in out
    assert "A burst drain" in out and "The mayor did not respond" in out
    assert "The library will stay closed until Thursday." in out, "a moved sentence is a change"


def test_title_puts_each_label_on_its_own_line_when_both_do_not_fit(doc: dict[str, Any]) -> None:
    doc["versions"][0]["label"], doc["versions"][1]["label"] = "reports/first.txt", "reports/second.txt"
    assert run(doc, width=100).splitlines()[0] == "A reports/first.txt  →  B reports/second.txt"
    assert run(doc, width=40).splitlines()[:2] == ["A reports/first.txt", "B reports/second.txt"]


@pytest.mark.parametrize("view", ["inline", "side-by-side"])
@pytest.mark.parametrize("width", [20, 40, 60])
def test_narrow_terminal(doc: dict[str, Any], view: str, width: int) -> None:
    out = run(doc, view=view, width=width)
    assert all(len(line) <= width for line in out.splitlines())
    squashed = re.sub(r"\s+", "", out)
    for sentence in ("A burst drain made the flooding worse, engineers found.", "Local schools were not affected."):
        assert re.sub(r"\s+", "", sentence) in squashed, "text wraps or folds, never cropped"


# --- HTML -------------------------------------------------------------------------------------------


VOID = {"meta", "br", "col", "img", "hr", "input", "link", "wbr", "source"}


class TagBalance(HTMLParser):
    """Fails on any end tag that does not close the innermost open element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()


def parse(page: str) -> Any:
    balance = TagBalance()
    balance.feed(page)
    balance.close()
    assert balance.stack == [], f"unclosed: {balance.stack}"
    return lxml.html.document_fromstring(page)


def test_html_structure(doc: dict[str, Any]) -> None:
    page = html_report.render(doc)
    assert page.startswith("<!DOCTYPE html>")
    tree = parse(page)
    assert tree.xpath("//meta[@charset='utf-8']")
    assert tree.xpath("//meta[@name='viewport']")
    assert tree.xpath("//meta[@http-equiv='Content-Security-Policy']/@content") == [CSP]
    assert tree.findtext(".//title") == "storytrace: library-v1.txt → library-v2.txt"
    assert "library-v1.txt" in tree.findtext(".//h1") or "library-v1.txt" in tree.xpath("string(//h1)")
    summary = squash(tree.xpath("string(//ul[@class='summary'])"))
    assert "4 unchanged 1 minor 1 substantive 1 added 2 deleted 1 moved 1 split" == summary
    assert tree.xpath("//ul[@class='legend']//del") and tree.xpath("//ul[@class='legend']//ins")
    assert "@media (max-width: 700px)" in page


def test_html_is_self_contained(doc: dict[str, Any]) -> None:
    page = html_report.render(doc)
    tree = parse(page)
    assert not tree.xpath("//script | //link | //img | //iframe | //object | //embed")
    assert not tree.xpath("//@src | //@*[starts-with(name(), 'on')]")
    assert "url(" not in page and "@import" not in page and "http://" not in page and "https://" not in page


def test_html_contains_every_sentence_on_its_side(doc: dict[str, Any]) -> None:
    tree = parse(html_report.render(doc))
    for side, cls in ((0, "a"), (1, "b")):
        cells = squash(" ".join(td.text_content() for td in tree.xpath(f"//td[contains(@class, 'side {cls}')]")))
        for sentence in sentences(doc, side):
            assert squash(sentence) in cells


def test_html_rows_links_and_highlights(doc: dict[str, Any]) -> None:
    page = html_report.render(doc)
    tree = parse(page)
    rows = tree.xpath("//tbody/tr")
    assert len(rows) == len(doc["links"])
    ids = [row.get("id") for row in rows]
    assert len(set(ids)) == len(ids)
    assert [a.get("href") for a in tree.xpath("//tbody//a[@class='anchor']")] == [f"#{i}" for i in ids]
    substantive = tree.get_element_by_id(ids[1])
    assert "k-substantive" in substantive.get("class")
    assert [d.text for d in substantive.xpath(".//del")] == ["40"]
    assert [i.text for i in substantive.xpath(".//ins")] == ["65"]
    assert "number 40 → 65" in substantive.text_content()
    split = tree.get_element_by_id(ids[3])
    b_sentences = split.xpath(".//td[contains(@class, 'side b')]/p")
    assert [squash(p.text_content()) for p in b_sentences] == [
        "B4 Volunteers moved the old maps upstairs.",
        "B5 The reading room was cleared.",
    ]
    assert "<del> and the</del>" in page and "<ins>.</ins>" in page and "<ins>The</ins>" in page
    moved = tree.get_element_by_id(ids[-1])
    assert "is-moved" in moved.get("class") and "↕ moved" in moved.text_content()
    added = tree.get_element_by_id(ids[2])
    assert "empty" in added.xpath(".//td")[0].get("class")


def test_html_escapes_everything(hostile: dict[str, Any]) -> None:
    page = html_report.render(hostile)
    assert "<script" not in page.lower()
    assert "<img" not in page.lower() and "<i>" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(" in page
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt; closes the attribute." in page
    tree = parse(page)
    assert not tree.xpath("//script | //img | //b | //i")
    assert tree.findtext(".//title") == 'storytrace: <b>old</b>.html → new"><img src=x onerror=alert(1)>.html'
    text = squash(tree.text_content())
    assert "<script>alert(1)</script> was found" in text
    assert "<script>alert(2)</script> was found" in text
    assert '"><img src=x onerror=alert(1)> closes the attribute.' in text
    assert "number 1 → 2 <i>really</i>" in text
    assert "\x1b" not in page and "\x07" not in page and "␛[2J" in page


# --- documents the aligner may legitimately produce -------------------------------------------------


def test_edited_link_without_diff_and_mismatched_diff() -> None:
    a = version("a", [["One boat sank.", "Two crews swam ashore."]])
    b = version("b", [["One boat sank quickly.", "Two crews swam to the shore."]])
    links = [
        link([0], [0], "minor", reasons=("wording",)),  # no word diff at all
        link([1], [1], "minor", diff=(("equal", "Two crews swam "), ("delete", "ashore."), ("insert", "to shore."))),
    ]
    doc = document(a, b, links)
    # Schema-valid, but the second diff disagrees with B (checked by hand, not by the fixture).
    jsonschema.validate(doc, json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))
    inline = run(doc)
    assert "[-One boat sank.-] {+One boat sank quickly.+}" in inline
    side = run(doc, view="side-by-side", width=120)
    assert "A1 One boat sank." in side and "B1 One boat sank quickly." in side
    assert "{+to shore.+}" in side, "highlights kept even when the diff does not match the sentence text"
    page = html_report.render(doc)
    tree = parse(page)
    assert "One boat sank quickly." in tree.text_content()


def test_empty_document(validate: Validate) -> None:
    doc = validate(document(version("a", []), version("b", []), []))
    assert "0 unchanged" in run(doc)
    run(doc, view="side-by-side", only_changes=True)
    assert "Neither version has any sentences." in html_report.render(doc)


def test_each_column_quotes_its_own_version_word_for_word() -> None:
    """An equal run's text is B's wording; under A it showed B's letter case and lost the spaces around edits.
    Each side now reads its own version at the runs' offsets, the white space up to the next run included."""
    from storytrace import diff as run_diff
    from storytrace.report._view import side_blocks

    a = "Officials closed the road because of the smoke. No injuries were reported, police said."
    b = "officials closed the road, because of the heavy smoke. no injuries were reported, police said."
    doc = run_diff(a, b).to_dict()
    (link,) = doc["links"]
    shown_a = " ".join("".join(seg.text for seg in block.segs) for block in side_blocks(doc, link, 0))
    shown_b = " ".join("".join(seg.text for seg in block.segs) for block in side_blocks(doc, link, 1))
    assert shown_a == a
    assert shown_b == b
    inserted = [seg.text for block in side_blocks(doc, link, 1) for seg in block.segs if seg.op == "insert"]
    assert [text.strip() for text in inserted] == [",", "heavy"]
