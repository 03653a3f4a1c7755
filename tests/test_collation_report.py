"""Tests for the terminal and HTML reports of a collation, on real collations of real text.

The founding example and the NYT sentences are read from ../shared at test time; what the reports must show is
worked out here from the ``storytrace.collation/1`` document itself, not from the report code.
"""

from __future__ import annotations

import io
import random
import re
from typing import Any

import pytest
from rich.console import Console

from storytrace import Version, collate
from storytrace.report import collation_html, collation_terminal

from .conftest import FOUNDING_A, FOUNDING_B, news_sentences
from .test_report import CSP, parse, squash

MARKERS = {"first": "+", "unchanged": "=", "minor": "~", "substantive": "!", "absent": "·"}
FLAG_WORDS = {
    "single_source": "single source",
    "dropped": "dropped",
    "restored": "restored",
    "changed_fact": "changed fact",
}

# --- collations -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module", name="founding")
def founding_fixture() -> dict[str, Any]:
    return founding_document()


def founding_document() -> dict[str, Any]:
    """The two copies of the channel-crossings report, from two outlets."""
    a = FOUNDING_A.read_text(encoding="utf-8")
    b = FOUNDING_B.read_text(encoding="utf-8")
    return collate([Version(a, FOUNDING_A.name, "BBC"), Version(b, FOUNDING_B.name, "Aggregator")]).to_dict()


def bump_number(sentence: str) -> str:
    """The sentence with its first number raised by 3."""
    match = re.search(r"\d+", sentence)
    assert match, sentence
    return sentence[: match.start()] + str(int(match.group()) + 3) + sentence[match.end() :]


@pytest.fixture(scope="module", name="revisions")
def revisions_fixture() -> dict[str, Any]:
    return revisions_document()


def revisions_document() -> dict[str, Any]:
    """Three revisions from one paper and a wire copy, given out of time order: a changed number, a reworded
    sentence, a sentence dropped and later restored, a sentence the wire added that the paper then took up."""
    pool = news_sentences()
    numbered = next(s for s in pool if re.search(r"\b\d{2,}\b", s))
    s = [numbered, *[x for x in pool[100:110] if not re.search(r"\d", x)][:6]]
    assert len(s) == 7
    fact = bump_number(s[0])
    words = s[2].rstrip(".").split()
    reworded = " ".join(words[:-1] + ["elsewhere"]) + "."
    r1 = s[:6]
    r2 = [fact, s[1], reworded, s[4], s[5]]
    w1 = [*r2, s[6]]
    r3 = [fact, s[1], reworded, s[3], s[4], s[5], s[6]]
    versions = {
        "r1": Version(" ".join(r1), "r1", "Paper", "2024-03-01T08:00:00Z"),
        "r2": Version(" ".join(r2), "r2", "Paper", "2024-03-01T09:30:00Z"),
        "w1": Version(" ".join(w1), "w1", "Wire", "2024-03-01T10:00:00+00:00"),
        "r3": Version(" ".join(r3), "r3", "Paper", "2024-03-02"),
    }
    return collate([versions[k] for k in ("w1", "r3", "r1", "r2")]).to_dict()


@pytest.fixture(scope="module", name="hostile")
def hostile_fixture() -> dict[str, Any]:
    return hostile_document()


def hostile_document() -> dict[str, Any]:
    """Markup, rich markup, ampersands, quotes and terminal escapes in text, labels and outlets."""
    a = (
        "The <script>alert(1)</script> tag was found 12 times on the page. "
        'A sentence with [bold]markup[/] and [/] and :smile: codes & "quotes". '
        "Officials said the council met on Monday."
    )
    b = (
        "The <script>alert(1)</script> tag was found 15 times on the page. "
        'A sentence with [bold]markup[/] and [/] and :smile: codes & "quotes". '
        "Officials said the council met on Tuesday. "
        "Terminal \x1b[2J escape and a bell\x07 here."
    )
    return collate(
        [
            Version(a, "<b>old</b>.html", 'Evil "Outlet" & <script>'),
            Version(b, 'new"><img src=x onerror=alert(1)>.html', "Wire [red]x[/]"),
        ]
    ).to_dict()


@pytest.fixture(scope="module", name="hundred")
def hundred_fixture() -> dict[str, Any]:
    return hundred_document()


def hundred_document() -> dict[str, Any]:
    """100 revisions from three outlets: sentences come, go and have their numbers changed."""
    pool = news_sentences()
    rng = random.Random(11)
    current = list(pool[200:210])
    versions = []
    for k in range(100):
        if k and rng.random() < 0.3:
            current.insert(rng.randrange(len(current) + 1), pool[300 + k])
        if k and rng.random() < 0.2 and len(current) > 5:
            current.pop(rng.randrange(len(current)))
        if k and rng.random() < 0.2:
            i = rng.randrange(len(current))
            words = current[i].split()
            words[len(words) // 2] = str(k)
            current[i] = " ".join(words)
        outlet = ("Paper", "Wire", "Blog")[k % 3]
        time = f"2024-03-01T{k // 60:02d}:{k % 60:02d}:00Z"
        versions.append(Version(" ".join(current), f"rev-{k + 1}", outlet, time))
    rng.shuffle(versions)
    return collate(versions).to_dict()


# --- reading a document, independently of the report code -------------------------------------------------


def sentence(doc: dict[str, Any], v: int, i: int) -> str:
    span = doc["versions"][v]["sentences"][i]
    return doc["versions"][v]["text"][span["start"] : span["end"]]


def unit_text(doc: dict[str, Any], unit: dict[str, Any], v: int) -> str:
    return squash(" ".join(sentence(doc, v, i) for i in unit["sentences"][str(v)]))


def kinds(doc: dict[str, Any], unit: dict[str, Any]) -> list[str]:
    """What each version (time order) does with the unit."""
    into = {c["to"]: c["kind"] for c in unit["changes"]}
    out = []
    for v in doc["order"]:
        if str(v) not in unit["sentences"]:
            out.append("absent")
        elif v == unit["first"]:
            out.append("first")
        else:
            out.append(into[v])
    return out


def source_numbers(doc: dict[str, Any]) -> dict[int, int]:
    """Version index -> number of its source (outlet, else the version itself), numbered in time order."""
    seen: dict[str, int] = {}
    out = {}
    for v in doc["order"]:
        version = doc["versions"][v]
        key = version["outlet"] or f"version {v}"
        out[v] = seen.setdefault(key, len(seen))
    return out


def labels(doc: dict[str, Any]) -> list[str]:
    return [doc["versions"][v]["label"] for v in doc["order"]]


def run(doc: dict[str, Any], *, width: int = 160, colour: bool = False, only_changes: bool = False) -> str:
    """The terminal report as text (no colour: as when piped) or with colour codes."""
    out = io.StringIO()
    if colour:
        console = Console(file=out, width=width, force_terminal=True, color_system="truecolor")
        collation_terminal.render(doc, console, only_changes=only_changes)
        return out.getvalue()
    console = Console(file=out, record=True, width=width, force_terminal=False)
    collation_terminal.render(doc, console, only_changes=only_changes)
    return console.export_text()


def table_lines(out: str) -> tuple[list[str], list[str]]:
    """The terminal table's header lines and body lines (split at the rule under the header)."""
    lines = out.splitlines()
    rule = next(i for i, line in enumerate(lines) if line.strip().startswith("───"))
    end = next(i for i, line in enumerate(lines) if line.startswith("+ first appearance"))  # the legend
    return lines[:rule], lines[rule + 1 : end]


def columns(out: str, names: list[str]) -> list[str]:
    """The text of each version column of the terminal table (no spaces), read by position under its header."""
    head, body = table_lines(out)
    starts = [
        next(line.index(f"{n} {name}") for line in head if f"{n} {name}" in line) for n, name in enumerate(names, 1)
    ]
    starts.append(next(line.index("flags") for line in head if "flags" in line))
    return ["".join("".join(line[a:b].split()) for line in body) for a, b in zip(starts, starts[1:], strict=False)]


def shown(out: str, names: list[str]) -> str:
    """All text of the report with no spaces; a table is read column by column."""
    if "───" not in out:
        return nospace(out)
    return "".join(columns(out, names))


def unwrap(text: str) -> str:
    """A cell's text as its version has it: deleted words gone, inserted words kept."""
    return re.sub(r"\{\+(.*?)\+\}", r"\1", re.sub(r"\[-.*?-\]", "", text))


def nospace(text: str) -> str:
    return "".join(text.split())


# --- the collations are what the reports are meant to show --------------------------------------------------


def test_fixtures_have_the_intended_history(revisions: dict[str, Any]) -> None:
    assert labels(revisions) == ["r1", "r2", "w1", "r3"]
    flags = [set(u["flags"]) for u in revisions["units"]]
    assert {"changed_fact"} in flags and {"restored", "single_source"} in flags, "only the paper had it"
    assert not any("dropped" in f for f in flags)
    assert any(kinds(revisions, u).count("minor") == 1 for u in revisions["units"])


# --- summary line ---------------------------------------------------------------------------------------------


def test_summary_line_counts(founding: dict[str, Any], revisions: dict[str, Any]) -> None:
    assert collation_terminal.summary_line(founding) == (
        "2 versions · 24 statements · 8 in every version · 16 in one version · 16 single source · 0 dropped"
        " · 0 restored · 0 changed fact · 0 moved"
    )
    assert collation_terminal.summary_line(revisions) == (
        "4 versions · 7 statements · 5 in every version · 0 in one version · 1 single source · 0 dropped"
        " · 1 restored · 1 changed fact · 0 moved"
    )


def test_summary_line_singular_and_missing_counts() -> None:
    doc = collate(["One statement here."]).to_dict()
    assert collation_terminal.summary_line(doc).startswith("1 version · 1 statement · 1 in every version")
    doc["summary"] = {"units": 3}
    assert collation_terminal.summary_line(doc) == (
        "0 versions · 3 statements · 0 in every version · 0 in one version · 0 single source · 0 dropped"
        " · 0 restored · 0 changed fact · 0 moved"
    )


# --- terminal: a column per version ------------------------------------------------------------------------------


def test_terminal_table_shows_every_text_marker_and_flag(founding: dict[str, Any]) -> None:
    out = run(founding)
    assert "\x1b" not in out
    header = next(line for line in out.splitlines() if FOUNDING_A.name in line)
    assert header.index(FOUNDING_A.name) < header.index(FOUNDING_B.name), "versions are columns, in time order"
    assert "BBC" in out and "Aggregator" in out
    flat = squash(out)
    texts = columns(out, labels(founding))
    for column, v in zip(texts, founding["order"], strict=True):
        for i in range(len(founding["versions"][v]["sentences"])):
            assert nospace(sentence(founding, v, i)) in unwrap(column), (v, i)
    rows = [line for line in out.splitlines() if re.match(r"^\s*\d+\s+[+·]", line)]
    assert len(rows) == len(founding["units"]), "one row per unit"
    for n, unit in enumerate(founding["units"], start=1):
        row = next(line for line in rows if re.match(rf"^\s*{n}\s", line))
        cells = re.findall(r"(?:^|\s{2,})([+=~!·]) ", row + " ")
        assert cells == [MARKERS[k] for k in kinds(founding, unit)], n
        if unit["flags"]:
            assert FLAG_WORDS["single_source"] in row
    assert flat.count("single source") == founding["summary"]["single_source"] + 1  # and once in the summary
    assert nospace("[-an-] almost {+a+} daily basis[-,-] from") in texts[1], "word diff against the previous version"
    assert nospace("minor · wording an → a") in texts[1] and nospace("[-taxi-boats-] {+taxi boats+}") in texts[1]
    assert "[-" not in texts[0] and "minor" not in texts[0]


def test_terminal_follows_time_and_names_every_flag(revisions: dict[str, Any]) -> None:
    out = run(revisions, width=200)
    header = next(line for line in out.splitlines() if " r1" in line and " r3" in line)
    assert [header.index(f" {label}") for label in ("r1", "r2", "w1", "r3")] == sorted(
        header.index(f" {label}") for label in ("r1", "r2", "w1", "r3")
    )
    flat = squash(out)
    texts = dict(zip(revisions["order"], columns(out, labels(revisions)), strict=True))
    fact = next(u for u in revisions["units"] if "changed_fact" in u["flags"])
    change = next(c for c in fact["changes"] if c["kind"] == "substantive")
    assert nospace(f"substantive · {change['reasons'][0]}") in texts[change["to"]]
    old = [d["text"].strip() for d in change["diff"] if d["op"] == "delete"]
    new = [d["text"].strip() for d in change["diff"] if d["op"] == "insert"]
    assert nospace(f"[-{old[0]}-] {{+{new[0]}+}}") in texts[change["to"]]
    for flag in ("changed fact", "restored"):
        assert flag in flat
    restored = revisions["units"].index(next(u for u in revisions["units"] if "restored" in u["flags"]))
    body = table_lines(out)[1]
    start = next(i for i, line in enumerate(body) if re.match(rf"^\s*{restored + 1}\s", line))
    block = body[start : next(i for i in range(start, len(body)) if not body[i].strip())]
    assert re.findall(r"(?:^|\s{2,})([+=~!·]) ", block[0] + " ") == ["+", "·", "·", "="], "back after two absences"
    assert "restored" in "\n".join(block) and "single source" in block[0]


def test_terminal_only_changes_hides_steady_units(founding: dict[str, Any]) -> None:
    out = run(founding, only_changes=True)
    flat = squash(out)
    steady = [
        u
        for u in founding["units"]
        if len(u["sentences"]) == 2 and not u["flags"] and not any(c["kind"] != "unchanged" for c in u["changes"])
    ]
    assert len(steady) == 6
    first, second = (unwrap(text) for text in columns(out, labels(founding)))
    for unit in founding["units"]:
        for v, column in ((0, first), (1, second)):
            if str(v) in unit["sentences"]:
                assert (nospace(unit_text(founding, unit, v)) in column) == (unit not in steady)
    assert "… 2 statements in every version, unchanged" in flat
    assert "… 1 statement in every version, unchanged" in flat
    assert "[-an-]" in flat


def test_terminal_text_is_never_markup(hostile: dict[str, Any]) -> None:
    for colour in (False, True):
        for width in (200, 60):
            out = run(hostile, width=width, colour=colour)
            flat = "".join(out.split())
            assert "[bold]markup[/]and[/]and:smile:codes" in flat
            assert "<script>alert(1)</script>" in flat
            assert "\x1b[2J" not in out and "\x07" not in out, "escapes from the article are made visible"
            assert "␛[2J" in out
            if width == 200:
                assert "<b>old</b>.html" in flat and "[red]x[/]" in flat and 'Evil"Outlet"&<script>' in flat


def test_terminal_colour_and_plain(revisions: dict[str, Any]) -> None:
    coloured = run(revisions, colour=True, width=200)
    assert "\x1b[" in coloured and "{+" not in coloured and "[-" not in coloured
    plain = run(revisions, width=200)
    assert "\x1b" not in plain and "{+" in plain and "[-" in plain


@pytest.mark.parametrize("width", [30, 50, 80, 120])
def test_terminal_fits_narrow_terminals(founding: dict[str, Any], revisions: dict[str, Any], width: int) -> None:
    for doc in (founding, revisions):
        out = run(doc, width=width)
        assert all(len(line) <= width for line in out.splitlines()), width
        text = unwrap(shown(out, labels(doc)))
        for unit in doc["units"]:
            words = unit_text(doc, unit, unit["first"]).split()[:3]
            assert "".join(words) in text, "every statement is shown, if shortened"


# --- terminal: compact, for many versions ----------------------------------------------------------------------


def test_terminal_compact_with_100_versions(hundred: dict[str, Any]) -> None:
    assert len(hundred["versions"]) == 100
    out = run(hundred, width=200)
    lines = out.splitlines()
    assert all(len(line) <= 200 for line in lines)
    for n, unit in enumerate(hundred["units"], start=1):
        strip = "".join(MARKERS[k] for k in kinds(hundred, unit))
        row = next((line for line in lines if re.match(rf"^\s*{n} {re.escape(strip)}(\s|$)", line)), None)
        assert row is not None, f"unit {n}: one marker per version, in time order"
        for flag in unit["flags"]:
            assert FLAG_WORDS[flag] in row
    flat = squash(out)
    for label in ("rev-1 ", "rev-50 ", "rev-100 "):
        assert label in flat, "the key names every version"
    assert flat.index(" 1 rev-1 ") < flat.index(" 2 rev-2 ") < flat.index(" 100 rev-100 "), "earliest first"
    fact = next(u for u in hundred["units"] if "changed_fact" in u["flags"])
    change = next(c for c in fact["changes"] if c["kind"] == "substantive")
    to = hundred["versions"][change["to"]]["label"]
    assert f"{to}: substantive since {hundred['versions'][change['from']]['label']} · {change['reasons'][0]}" in flat
    assert "".join(unit_text(hundred, fact, fact["first"]).split()[:6]) in "".join(out.split())


def test_terminal_compact_wraps_the_strip_at_80_columns(hundred: dict[str, Any]) -> None:
    out = run(hundred, width=80)
    lines = out.splitlines()
    assert all(len(line) <= 80 for line in lines)
    unit = hundred["units"][0]
    strip = "".join(MARKERS[k] for k in kinds(hundred, unit))
    start = next(i for i, line in enumerate(lines) if re.match(r"^\s*1 [+=~!·]", line))
    chunks = []
    for line in lines[start : start + 4]:
        found = re.match(r"^\s*(?:1 )?\s*([+=~!·]+)", line)
        if not found:
            break
        chunks.append(found.group(1))
    assert "".join(chunks) == strip and len(chunks) > 1


# --- HTML ------------------------------------------------------------------------------------------------------


def test_html_page_is_self_contained_and_inert(revisions: dict[str, Any]) -> None:
    page = collation_html.render(revisions)
    assert page.startswith("<!DOCTYPE html>")
    tree = parse(page)
    assert tree.xpath("//meta[@http-equiv='Content-Security-Policy']/@content") == [CSP]
    assert tree.xpath("//meta[@charset='utf-8']") and tree.xpath("//meta[@name='viewport']")
    assert not tree.xpath("//script | //link | //img | //iframe | //object | //embed | //foreignObject")
    assert not tree.xpath("//@src | //@href[not(starts-with(., '#'))] | //@*[starts-with(name(), 'on')]")
    assert "url(" not in page and "@import" not in page and "http://" not in page and "https://" not in page
    assert tree.findtext(".//title") == "storytrace: r1 → … → r3 (4 versions)"


def test_html_table_has_a_row_per_unit_and_a_column_per_version(revisions: dict[str, Any]) -> None:
    tree = parse(collation_html.render(revisions))
    table = tree.xpath("//table[contains(@class, 'variants')]")[0]
    assert "full" in table.get("class")
    heads = table.xpath("./thead/tr/th[contains(@class, 'v')]")
    assert [h.xpath("string(.//span[@class='label'])") for h in heads] == labels(revisions)
    assert "Paper · 2024-03-01T08:00:00Z" in heads[0].text_content()
    rows = table.xpath("./tbody/tr")
    assert len(rows) == len(revisions["units"])
    for row, unit in zip(rows, revisions["units"], strict=True):
        cells = row.xpath("./td[contains(@class, 'c ')]")
        assert len(cells) == len(revisions["versions"])
        for cell, kind, v in zip(cells, kinds(revisions, unit), revisions["order"], strict=True):
            assert f"k-{kind}" in cell.get("class").split()
            if kind == "absent":
                assert squash(cell.text_content()) == "· not in this version"
                continue
            shown = cell.xpath("./span[@class='t']")[0]
            for gone in shown.xpath(".//del"):
                gone.drop_tree()
            assert squash(shown.text_content()) == unit_text(revisions, unit, v), "the version's own text"


def test_html_marks_kinds_reasons_and_word_diffs(revisions: dict[str, Any]) -> None:
    tree = parse(collation_html.render(revisions))
    rows = tree.xpath("//table[contains(@class, 'variants')]/tbody/tr")
    for row, unit in zip(rows, revisions["units"], strict=True):
        cells = row.xpath("./td[contains(@class, 'c ')]")
        by_version = dict(zip(revisions["order"], cells, strict=True))
        for change in unit["changes"]:
            cell = by_version[change["to"]]
            notes = cell.xpath("./p[@class='note']")
            if change["kind"] == "unchanged":
                assert not notes and not cell.xpath(".//del | .//ins")
                continue
            note = squash(notes[0].text_content())
            assert note.startswith(change["kind"])
            for reason in change["reasons"]:
                assert reason in note, "reasons are visible text, not a tooltip"
            deleted = [d["text"].strip() for d in change["diff"] if d["op"] == "delete"]
            inserted = [d["text"].strip() for d in change["diff"] if d["op"] == "insert"]
            assert [squash(d.text_content()) for d in cell.xpath(".//del")] == deleted
            assert [squash(i.text_content()) for i in cell.xpath(".//ins")] == inserted
        flags = [squash(li.text_content()) for li in row.xpath("./th//li[contains(@class, 'flag')]")]
        assert flags == [FLAG_WORDS[f] for f in unit["flags"]]
        assert f"in {unit['support']} source" in row.xpath("string(./th)")


def test_html_cells_are_coloured_by_first_source(revisions: dict[str, Any], hundred: dict[str, Any]) -> None:
    for doc in (revisions, hundred):
        tree = parse(collation_html.render(doc))
        numbers = source_numbers(doc)
        rows = tree.xpath("//table[contains(@class, 'variants')]/tbody/tr")
        for row, unit in zip(rows, doc["units"], strict=True):
            expected = f"p{numbers[unit['first']]}"
            for cell in row.xpath("./td[contains(@class, 'c ')]"):
                classes = cell.get("class").split()
                provenance = [c for c in classes if re.fullmatch(r"p\d+", c)]
                assert provenance == ([] if "k-absent" in classes else [expected])
        legend = [squash(li.text_content()) for li in tree.xpath("//ul[contains(@class, 'sources')]/li")][1:]
        outlets = list(dict.fromkeys(doc["versions"][v]["outlet"] for v in doc["order"]))
        first_counts = [sum(numbers[u["first"]] == k for u in doc["units"]) for k in range(len(outlets))]
        assert legend == [f"{o} ({n})" for o, n in zip(outlets, first_counts, strict=True)]
        page = tree.xpath("string(//style)")
        for k in range(len(outlets)):
            assert re.search(rf"\.p{k} {{ --prov: hsl\(\d+ ", page)


def bars(tree: Any, kind: str) -> dict[int, tuple[int, float]]:
    """Bar of one kind per version number: (count it claims, drawn height)."""
    out = {}
    for rect in tree.xpath(f"//svg//rect[@class='bar {kind}']"):
        out[int(rect.get("data-version"))] = (int(rect.get("data-count")), float(rect.get("height")))
    return out


@pytest.mark.parametrize("which", ["founding", "revisions", "hundred"])
def test_html_timeline_bars_match_the_timeline(which: str, request: pytest.FixtureRequest) -> None:
    doc = request.getfixturevalue(which)
    tree = parse(collation_html.render(doc))
    svg = tree.xpath("//svg")[0]
    assert svg.get("role") == "img"
    for ref in svg.get("aria-labelledby").split():
        assert tree.xpath(f"//svg/*[@id='{ref}']"), ref
    assert svg.xpath("./title") and svg.xpath("./desc")
    timeline = doc["timeline"]
    assert [row["version"] for row in timeline] == doc["order"]
    heights = []
    for key in ("added", "changed", "dropped", "substantive"):
        drawn = bars(tree, key)
        expected = {n: row[key] for n, row in enumerate(timeline, start=1) if key != "substantive" or row[key]}
        assert {n: count for n, (count, _) in drawn.items()} == expected, key
        heights += [(count, height) for count, height in drawn.values()]
    most, tallest = max(heights)
    scale = tallest / most
    for count, height in heights:
        assert height == pytest.approx(count * scale, abs=0.02), "bar heights are proportional to the counts"
    titles = [t.text for t in tree.xpath("//svg//rect[@class='bar added']/title")]
    assert titles == [
        f"{n} · {row_label}: {row['added']} added"
        for n, (row_label, row) in enumerate(zip(labels(doc), timeline, strict=True), start=1)
    ]
    label_texts = [t.text for t in tree.xpath("//svg//text[@class='vlabel']")]
    assert len(label_texts) == len(timeline) and label_texts[0].startswith(labels(doc)[0][:10])
    numbers = tree.xpath("//table[@class='numbers']/tbody/tr")
    assert [[int(td.text) for td in row.xpath("./td")] for row in numbers] == [
        [n, row["carried"], row["added"], row["changed"], row["substantive"], row["dropped"]]
        for n, row in enumerate(timeline, start=1)
    ]


def test_html_escapes_everything(hostile: dict[str, Any]) -> None:
    page = collation_html.render(hostile)
    assert "<script" not in page.lower() and "<img" not in page.lower() and "<b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;.html" in page
    assert "Evil &#34;Outlet&#34; &amp; &lt;script&gt;" in page
    assert "\x1b" not in page and "\x07" not in page and "␛[2J" in page
    tree = parse(page)
    assert not tree.xpath("//script | //img | //b | //@*[starts-with(name(), 'on')]")
    assert tree.findtext(".//title") == 'storytrace: <b>old</b>.html → new"><img src=x onerror=alert(1)>.html'
    text = squash(tree.text_content())
    assert "The <script>alert(1)</script> tag was found 12 times on the page." in text
    assert 'A sentence with [bold]markup[/] and [/] and :smile: codes & "quotes".' in text
    assert 'Evil "Outlet" & <script>' in text and "Wire [red]x[/]" in text
    fact = tree.xpath("//table[contains(@class, 'variants')]/tbody/tr")[0]
    assert [d.text for d in fact.xpath(".//del")] == ["12"] and [i.text for i in fact.xpath(".//ins")] == ["15"]
    svg_text = squash(tree.xpath("string(//svg)"))
    assert "<b>old</b>.html" in svg_text


def test_html_stays_readable_with_100_versions(hundred: dict[str, Any]) -> None:
    page = collation_html.render(hundred)
    assert len(page) < 1_000_000
    tree = parse(page)
    table = tree.xpath("//table[contains(@class, 'variants')]")[0]
    assert "compact" in table.get("class")
    assert table.getparent().get("class") == "scroll", "the table scrolls inside its own box"
    assert tree.xpath("//svg")[0].getparent().get("class") == "scroll"
    heads = table.xpath("./thead/tr/th[contains(@class, 'v')]")
    assert [h.text_content() for h in heads] == [str(n) for n in range(1, 101)]
    assert [h.get("title").split(" · ")[0] for h in heads] == labels(hundred)
    rows = table.xpath("./tbody/tr")
    assert len(rows) == len(hundred["units"])
    for row, unit in zip(rows, hundred["units"], strict=True):
        cells = row.xpath("./td[contains(@class, 'c ')]")
        assert "".join(c.text_content() for c in cells) == "".join(MARKERS[k] for k in kinds(hundred, unit))
        assert squash(row.xpath("string(./th/p[@class='text'])")) == unit_text(hundred, unit, unit["first"])
        edits = row.xpath("./th/ol[@class='edits']/li")
        changed = [c for c in unit["changes"] if c["kind"] != "unchanged"]
        assert len(edits) == len(changed)
        for li, change in zip(edits, changed, strict=True):
            note = squash(li.xpath("string(./p[@class='note'])"))
            assert hundred["versions"][change["to"]]["label"] in note and change["kind"] in note
            assert all(reason in note for reason in change["reasons"])
            assert [squash(i.text_content()) for i in li.xpath(".//ins")] == [
                d["text"].strip() for d in change["diff"] if d["op"] == "insert"
            ]


def test_html_with_no_sentences() -> None:
    doc = collate(["", ""]).to_dict()
    page = collation_html.render(doc)
    assert "No version has any sentences." in page
    tree = parse(page)
    assert len(bars(tree, "added")) == 2
    assert "No version has any sentences." in run(doc)
