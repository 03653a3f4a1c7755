"""The import's pieces without a store: format detection, SQLite kinds, JSONL checks, times, HTML fragments,
file names, parallel summaries, the report."""

from __future__ import annotations

import html
import re
import sqlite3
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storytrace.ingest import ArchiveError, ImportReport, detect_format
from storytrace.ingest import summaries as summaries_module
from storytrace.ingest.directory import time_from_name
from storytrace.ingest.fragment import _BLOCK, _DROPPED, _TAG, FRAGMENT_IN_C, fragment_text, python_fragment_text
from storytrace.ingest.jsonl import open_jsonl
from storytrace.ingest.records import Tally
from storytrace.ingest.sqlite_file import open_database
from storytrace.ingest.summaries import Summariser, chain_summaries
from storytrace.ingest.times import parse_db_time, parse_time
from storytrace.store import change_summary

from .ingest_archives import diffengine_db, jsonl_file, jsonl_records, newsedits_db, stories


def test_detection_by_path_and_content(tmp_path: Path) -> None:
    assert detect_format(tmp_path) == "dir"
    assert detect_format(jsonl_file(tmp_path / "a.jsonl", [])) == "jsonl"
    no_suffix = jsonl_file(tmp_path / "versions", jsonl_records(stories(1, 1)))
    assert detect_format(no_suffix) == "jsonl"
    assert detect_format(newsedits_db(tmp_path / "n.bin", stories(1, 1))) == "sqlite"
    text = tmp_path / "notes.txt"
    text.write_text("plain words")
    with pytest.raises(ArchiveError, match="cannot tell the format .*use --format"):
        detect_format(text)
    with pytest.raises(ArchiveError, match="no such file or directory"):
        detect_format(tmp_path / "missing")
    with pytest.raises(ArchiveError, match="unknown import format 'csv'"):
        detect_format(text, "csv")
    with pytest.raises(ArchiveError, match="--format dir needs a directory"):
        detect_format(text, "dir")
    with pytest.raises(ArchiveError, match="is a directory"):
        detect_format(tmp_path, "jsonl")
    assert detect_format(text, "JSONL") == "jsonl"


def test_sqlite_kinds_are_told_apart_by_their_tables(tmp_path: Path) -> None:
    news = newsedits_db(tmp_path / "news.db", stories(1, 2))
    engine = diffengine_db(tmp_path / "engine.db", stories(1, 2))
    for path, kind in ((news, "newsedits"), (engine, "diffengine")):
        connection, found = open_database(path, None)
        connection.close()
        assert found == kind
    with pytest.raises(ArchiveError, match="not a newsedits archive: entryversion lacks version.*--format diffengine"):
        open_database(engine, "newsedits")
    with pytest.raises(ArchiveError, match="not a diffengine archive: .*the entry table.*--format newsedits"):
        open_database(news, "diffengine")
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE entryversion (id INTEGER PRIMARY KEY, body TEXT)")
    connection.close()
    with pytest.raises(ArchiveError, match="not a NewsEdits or diffengine archive"):
        open_database(other, None)


def test_a_corrupt_sqlite_file_is_one_error(tmp_path: Path) -> None:
    path = newsedits_db(tmp_path / "news.db", stories(3, 3))
    data = bytearray(path.read_bytes())
    data[100:] = b"\x5a" * (len(data) - 100)  # the header survives, the pages do not
    path.write_bytes(bytes(data))
    with pytest.raises(ArchiveError) as caught:
        open_database(path, None)
    assert "\n" not in str(caught.value) and str(path) in str(caught.value)
    middle = newsedits_db(tmp_path / "middle.db", stories(40, 6))
    data = bytearray(middle.read_bytes())
    start = len(data) // 2 // 4096 * 4096  # whole pages in the middle: the schema still reads
    data[start : start + 3 * 4096] = b"\x5a" * (3 * 4096)
    middle.write_bytes(bytes(data))
    with pytest.raises(ArchiveError, match="is a corrupt SQLite database: ") as caught:
        open_database(middle, None)
    assert "\n" not in str(caught.value)
    truncated = tmp_path / "short.db"
    truncated.write_bytes(b"SQLite format 3\x00" + b"\x01" * 50)
    with pytest.raises(ArchiveError):
        open_database(truncated, None)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"url": "https://a.example/", "text": "x"', "line 2: not valid JSON"),
        ('["a list"]', "line 2: expected a JSON object, found list"),
        ("42", "line 2: expected a JSON object, found int"),
    ],
)
def test_a_malformed_jsonl_line_stops_before_anything_is_read(tmp_path: Path, line: str, message: str) -> None:
    path = jsonl_file(tmp_path / "a.jsonl", [jsonl_records(stories(1, 1))[0], line])
    with pytest.raises(ArchiveError, match=message):
        open_jsonl(path, Tally(), "x")


def test_jsonl_that_is_not_utf8_is_malformed(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(b'{"url": "https://a.example/", "text": "caf\xe9", "captured_at": "2021-01-01T00:00:00Z"}\n')
    with pytest.raises(ArchiveError, match="line 1: not UTF-8"):
        open_jsonl(path, Tally(), "x")


def test_a_bom_and_blank_lines_are_accepted(tmp_path: Path) -> None:
    record = '{"url": "https://a.example/", "text": "One sentence here.", "captured_at": "2021-01-01T00:00:00Z"}'
    path = tmp_path / "a.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + record.encode() + b"\n\n   \n")
    tally = Tally()
    found = list(open_jsonl(path, tally, "x"))
    assert tally.rows == 1 and len(found) == 1 and found[0].versions[0].text == "One sentence here."


def test_times() -> None:
    assert parse_time("2024-05-01T10:30:00Z") == datetime(2024, 5, 1, 10, 30, tzinfo=UTC)
    assert parse_time("2024-05-01T12:30:00+02:00") == datetime(2024, 5, 1, 10, 30, tzinfo=UTC)
    assert parse_time("2024-05-01 10:30:00.250000") == datetime(2024, 5, 1, 10, 30, 0, 250000, tzinfo=UTC)
    assert parse_time("2024-05-01T10:30:00-05:00").tzinfo is UTC
    for bad in ("2024-05-01", "yesterday", "", "2024-13-01T00:00:00", None, 1714559400):
        with pytest.raises(ValueError):
            parse_time(bad)
    assert parse_db_time(1714559400) == datetime(2024, 5, 1, 10, 30, tzinfo=UTC)
    assert parse_db_time("1714559400") == datetime(2024, 5, 1, 10, 30, tzinfo=UTC)
    assert parse_db_time(b"2024-05-01 10:30:00") == datetime(2024, 5, 1, 10, 30, tzinfo=UTC)
    for bad in (True, 10**15, -5, "soon"):
        with pytest.raises(ValueError):
            parse_db_time(bad)


def test_time_file_names() -> None:
    moment = datetime(2024, 5, 1, 10, 30, tzinfo=UTC)
    for name in ("2024-05-01T10:30:00Z", "2024-05-01T10-30-00Z", "2024-05-01T103000Z", "2024-05-01T10-30",
                 "2024-05-01T12-30-00+02-00", "2024-05-01T12:30:00+02:00", "2024-05-01_10-30-00"):
        assert time_from_name(name) == moment, name
    for bad in ("2024-05-01", "v2", "2024-05-01T25-00-00Z", "1"):
        with pytest.raises(ValueError):
            time_from_name(bad)


# Fragment pieces: tags that end paragraphs and inline ones, entities (one of them a space), and white space of
# every kind that paragraphs must be collapsed from (tabs, line breaks, no-break and em spaces, U+0085).
FRAGMENT_PIECES = st.sampled_from(
    ["<p>", "</p>", "<br>", "<b>", "</b>", "<!-- x -->", "&amp;", "&nbsp;", "&#8195;", "word", "Two.", "x"]
    + [" ", " ", "  ", "\t", "\n", "\x0b", "\x1f", "\x07", "\u00a0", "\u2003", "\u0085", "\u200b", "\u00e9"]
)


@settings(max_examples=800)
@given(st.lists(FRAGMENT_PIECES, max_size=30).map("".join))
def test_fragment_paragraphs_are_single_spaced(fragment: str) -> None:
    """Each paragraph is its words joined by single spaces, whether or not the fast path took it."""
    parts = _BLOCK.split(_DROPPED.sub(" ", fragment))
    words = [html.unescape(_TAG.sub("", part)).split() for part in parts]
    expected = "\n\n".join(" ".join(w) for w in words if w)
    assert fragment_text(fragment) == (expected if "<" in fragment else fragment.strip())


# What the C reader takes (<p> and </p> alone) and what it must leave to the Python: tags in capitals, with
# attributes or of another kind, a lone "<", entities that decode to white space or markup.
PLAIN_PIECES = st.sampled_from(
    ["<p>", "</p>", "<p>", "</p>", "<P>", "<p class=x>", "<br>", "<", "&amp;", "&lt;p&gt;", "&nbsp;", "&#10;", "& x"]
    + ["word", "Two.", "caf\u00e9", "\U0001f600", " ", "  ", "\t", "\n", "\r\n", "\x1c", "\u00a0", "\u2003", "\u0085"]
)


@pytest.mark.skipif(FRAGMENT_IN_C is None, reason="the C reader is built with the compiled core")
@settings(max_examples=1500)
@given(st.lists(PLAIN_PIECES, max_size=30).map("".join))
def test_the_c_fragment_reader_reads_as_the_python(fragment: str) -> None:
    assert FRAGMENT_IN_C is not None
    found = FRAGMENT_IN_C.paragraphs(fragment, html.unescape)
    if "<" not in fragment or not re.fullmatch(r"(?:[^<]|<p>|</p>)*", fragment):
        assert found is None  # no markup (line breaks may be paragraphs), or markup the Python must read
    else:
        assert found == python_fragment_text(fragment)
    assert fragment_text(fragment) == python_fragment_text(fragment)


def test_fragments() -> None:
    assert fragment_text("<p>One &amp; two.</p><p>Three\n  four.</p>") == "One & two.\n\nThree four."
    assert fragment_text("<p>A<br>B</p><script>x()</script><!-- note --><p><b>C</b> d</p>") == "A\n\nB\n\nC d"
    assert fragment_text("Plain text.\n\nSecond paragraph.  ") == "Plain text.\n\nSecond paragraph."
    assert fragment_text("<p> </p>") == ""
    assert fragment_text("1 < 2 and 3 > 2") == "1 < 2 and 3 > 2"


def test_parallel_summaries_equal_serial_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    chains = [
        (None if n % 2 else stories(1, 1, offset=n)[0].versions[0].text, [v.text for v in s.versions])
        for n, s in enumerate(stories(6, 4))
    ]
    serial = chain_summaries(chains)
    assert serial[1][0] is None and serial[0][0] is not None
    monkeypatch.setattr(summaries_module, "MIN_PARALLEL_TEXTS", 0)
    with Summariser(jobs=2) as summariser:
        assert summariser.submit(chains)() == serial


def test_chain_summaries_match_the_store() -> None:
    story = stories(1, 4)[0]
    texts = [v.text for v in story.versions]
    found = chain_summaries([(None, texts)])[0]
    assert found[0] is None
    assert found[1:] == [change_summary(a, b) for a, b in zip(texts, texts[1:], strict=False)]


def test_report_line_and_dict() -> None:
    report = ImportReport(path="a.db", format="newsedits", stories_added=2, stories_updated=1, versions_added=12,
                          duplicates_skipped=3, rows_read=17, refused={"empty text": 1, "bad date": 1},
                          examples=["entryversion id 4: empty text"], seconds=1.25)
    line = report.summary_line()
    assert "\n" not in line
    assert line.startswith("imported 12 versions of 3 stories (2 new) from a.db (newsedits) in 1.2 s")
    assert line.endswith("3 duplicates skipped; 2 rows refused (1 empty text, 1 bad date)")
    document = report.to_dict()
    assert document["rows_refused"] == 2 and document["refused_examples"] == ["entryversion id 4: empty text"]


def test_candidate_times_are_utc() -> None:
    moment = parse_time("2024-05-01T10:30:00+05:30")
    assert moment.utcoffset() == timedelta(0)
    assert moment == datetime(2024, 5, 1, 10, 30, tzinfo=timezone(timedelta(hours=5, minutes=30)))
