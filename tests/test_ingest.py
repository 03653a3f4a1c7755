"""`import_archive` into a real store (SQLite and PostgreSQL): NewsEdits, diffengine, JSONL and directory archives
built from real news sentences; order, exact texts, duplicates, idempotence, refused rows, atomic batches."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storytrace.ingest import ArchiveError, import_archive, writer
from storytrace.store import (
    Store,
    StoreError,
    add_story,
    add_version,
    checks_of,
    due_stories,
    find_story,
    log,
    problems,
    stories,
    version,
    versions_of,
)
from storytrace.store.models import Check, Version

from .ingest_archives import (
    T0,
    ArchiveStory,
    add_newsedits_rows,
    diffengine_db,
    jsonl_file,
    jsonl_records,
    newsedits_db,
    sqlite_time,
)
from .ingest_archives import stories as make_stories


def _counts(store: Store) -> tuple[int, int]:
    def count(session: Session) -> tuple[int, int]:
        versions = session.scalar(select(func.count()).select_from(Version)) or 0
        return versions, session.scalar(select(func.count()).select_from(Check)) or 0

    return store.read(count)


def _assert_stored(store: Store, archive: list[ArchiveStory], url_of: dict[str, str] | None = None) -> None:
    """Every story holds exactly the archive's versions, numbered 1, 2, 3... in time order, texts exact."""
    for story in archive:
        found = find_story(store, (url_of or {}).get(story.url, story.url))
        assert found is not None, story.url
        infos = versions_of(store, found)
        assert [v.number for v in infos] == list(range(1, len(story.versions) + 1))
        assert [v.captured_at for v in infos] == [v.captured_at for v in story.versions]
        for info, expected in zip(infos, story.versions, strict=True):
            stored = version(store, found, info.number)
            assert stored is not None and stored.text == expected.text
        assert found.version_count == len(story.versions)
        assert found.last_change_at == story.versions[-1].captured_at


def test_newsedits_archive_is_imported_in_version_order_and_twice_adds_nothing(store: Store, tmp_path: Path) -> None:
    archive = make_stories(4, 5)
    path = newsedits_db(tmp_path / "nyt.db", archive)
    report = import_archive(store, path)
    assert report.format == "newsedits"
    assert (report.stories_added, report.versions_added, report.duplicates_skipped) == (4, 20, 0)
    assert report.rows_read == 20 and report.refused == {}
    _assert_stored(store, archive)
    found = find_story(store, archive[0].url)
    assert found is not None and found.title == archive[0].versions[-1].title
    assert version(store, found, 2).title == archive[0].versions[1].title  # type: ignore[union-attr]
    assert problems(store) == []
    before = _counts(store)

    again = import_archive(store, path)
    assert (again.stories_added, again.stories_updated, again.versions_added) == (0, 0, 0)
    assert again.duplicates_skipped == 20
    assert _counts(store) == before  # not even a check is recorded


def test_two_articles_under_one_url_far_apart_are_merged_in_time_order(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same page tracked twice, the second entry at the end of the archive with the earlier captures: its
    versions go before the first entry's, whatever the chunk each entry would have fallen in."""
    monkeypatch.setattr(writer, "CHUNK_STORIES", 3)
    archive = make_stories(8, 2)
    first = archive[0]
    earlier = tuple(replace(v, captured_at=v.captured_at - timedelta(days=2),
                            paragraphs=(*v.paragraphs, "An earlier capture.")) for v in first.versions)
    path = newsedits_db(tmp_path / "nyt.db", [*archive, replace(first, versions=earlier)], reverse=False)
    report = import_archive(store, path)
    assert (report.stories_added, report.versions_added) == (8, 8 * 2 + 2)
    found = find_story(store, first.url)
    assert found is not None
    times = [info.captured_at for info in versions_of(store, found)]
    assert times == sorted(times) and len(times) == 4
    assert problems(store) == []


def test_change_summaries_are_computed_against_the_version_before(store: Store, tmp_path: Path) -> None:
    archive = make_stories(1, 4)
    path = newsedits_db(tmp_path / "nyt.db", archive)
    import_archive(store, path)
    entries = log(store, archive[0].url).entries
    assert entries[0].change_summary is None
    for entry in entries[1:]:
        assert entry.change_summary is not None and entry.change_summary["added"] >= 1
    assert entries[2].change_summary["unchanged"] >= 1  # type: ignore[index]

    other = newsedits_db(tmp_path / "other.db", make_stories(1, 3, offset=40))
    report = import_archive(store, other, summaries=False)
    assert report.summaries is False
    assert all(e.change_summary is None for e in log(store, make_stories(1, 3, offset=40)[0].url).entries)


def test_versions_of_a_story_already_stored_continue_its_numbering(store: Store, tmp_path: Path) -> None:
    archive = make_stories(2, 4)
    story = add_story(store, archive[0].url)
    add_version(store, story, archive[0].versions[0].text, captured_at=archive[0].versions[0].captured_at)
    add_version(store, story, archive[0].versions[1].text, captured_at=archive[0].versions[1].captured_at)
    report = import_archive(store, newsedits_db(tmp_path / "nyt.db", archive))
    assert (report.stories_added, report.stories_updated) == (1, 1)
    assert (report.versions_added, report.duplicates_skipped) == (6, 2)
    _assert_stored(store, archive)
    # the first imported version of the stored story is compared with the store's latest version
    assert log(store, archive[0].url).entries[2].change_summary is not None
    assert problems(store) == []


def test_imported_stories_are_not_watched_unless_asked(store: Store, tmp_path: Path) -> None:
    import_archive(store, newsedits_db(tmp_path / "a.db", make_stories(2, 2)))
    assert due_stories(store, now=T0 + timedelta(days=3650)) == []
    assert all(not s.active and s.next_check_at is None for s in stories(store))
    first = make_stories(2, 2)[0].versions
    assert stories(store)[0].first_seen_at == first[0].captured_at
    import_archive(store, newsedits_db(tmp_path / "b.db", make_stories(2, 2, offset=60)), watch=True)
    assert len(due_stories(store, now=T0 + timedelta(days=3650))) == 2


def test_newsedits_bad_rows_are_refused_and_counted(store: Store, tmp_path: Path) -> None:
    archive = make_stories(2, 3)
    path = newsedits_db(tmp_path / "nyt.db", archive)
    good = archive[0].versions[0].html
    add_newsedits_rows(path, [
        (1, 7, "t", sqlite_time(T0 + timedelta(days=90)), archive[0].url, "nyt", "   "),  # empty text
        (1, 8, "t", "yesterday at noon", archive[0].url, "nyt", good + "<p>late</p>"),  # bad date
        (1, 9, "t", sqlite_time(T0 + timedelta(days=91)), archive[0].url, "nyt", "<p>a\x00b</p>"),  # NUL
        (1, "nine", "t", sqlite_time(T0 + timedelta(days=92)), archive[0].url, "nyt", "<p>text</p>"),
        (None, 1, "t", sqlite_time(T0), "https://news.example/orphan", "nyt", "<p>orphan</p>"),
        (2, 10, "t", sqlite_time(T0 + timedelta(days=93)), archive[1].url, "nyt", good),  # story 0's text: new here
    ])
    report = import_archive(store, path)
    assert report.refused == {
        "empty text": 1, "bad date": 1, "NUL character": 1, "bad version number": 1, "no entry_id": 1,
    }
    assert report.rows_read == 6 + 6 and report.versions_added == 7
    assert any("yesterday at noon" in example for example in report.examples)
    stored = versions_of(store, find_story(store, archive[1].url))  # type: ignore[arg-type]
    assert len(stored) == 4
    assert report.to_dict()["rows_refused"] == 5
    assert problems(store) == []


def test_diffengine_archive_uses_canonical_urls_and_skips_headline_only_versions(store: Store, tmp_path: Path) -> None:
    archive = make_stories(3, 3)
    path = diffengine_db(tmp_path / "diffengine.db", archive)
    # diffengine also stores a version when only the headline changed: the same text, a later time
    import sqlite3

    with sqlite3.connect(path) as connection:
        summary, created = connection.execute(
            "SELECT summary, created FROM entryversion WHERE entry_id = 1 ORDER BY created DESC LIMIT 1"
        ).fetchone()
        connection.execute(
            "INSERT INTO entryversion (title, url, summary, created, entry_id) VALUES (?, ?, ?, ?, 1)",
            ("A new headline", archive[0].url, summary, sqlite_time(T0 + timedelta(days=30))),
        )
    connection.close()
    report = import_archive(store, path)
    assert report.format == "diffengine"
    assert (report.stories_added, report.versions_added, report.duplicates_skipped) == (3, 9, 1)
    _assert_stored(store, archive)  # the canonical URL, not the entry's ?utm_source one
    assert find_story(store, archive[0].url + "?utm_source=rss") is None
    assert checks_of(store, find_story(store, archive[0].url))[0].detail == "import diffengine"  # type: ignore[arg-type]
    assert import_archive(store, path).versions_added == 0


def test_jsonl_versions_are_ordered_by_captured_at_and_bad_lines_refused(store: Store, tmp_path: Path) -> None:
    archive = make_stories(3, 4)
    records: list[dict[str, object] | str] = list(jsonl_records(archive))
    random.Random(5).shuffle(records)
    first = archive[0].versions[0]
    records += [
        "",  # blank lines are skipped
        {"url": archive[0].url, "text": "", "captured_at": "2021-05-01T00:00:00Z"},
        {"url": archive[0].url, "text": "Some text.", "captured_at": "2021-13-01T00:00:00Z"},
        {"url": archive[0].url, "text": "Some\x00text.", "captured_at": "2021-05-01T00:00:00Z"},
        {"url": archive[0].url, "text": "Some \ud800 text.", "captured_at": "2021-05-01T00:00:00Z"},
        {"text": "No URL.", "captured_at": "2021-05-01T00:00:00Z"},
        {"url": archive[0].url, "text": 42, "captured_at": "2021-05-01T00:00:00Z"},
        {"url": archive[0].url, "captured_at": "2021-05-01T00:00:00Z"},
        {"url": archive[0].url, "text": first.text, "captured_at": "2021-06-01T00:00:00Z"},  # a flip-flop
    ]
    path = jsonl_file(tmp_path / "versions.jsonl", records)
    report = import_archive(store, path)
    assert report.format == "jsonl"
    assert report.refused == {
        "empty text": 1, "bad date": 1, "NUL character": 1, "invalid Unicode": 1, "missing url": 1,
        "bad field": 1, "missing text": 1,
    }
    assert (report.versions_added, report.duplicates_skipped, report.rows_read) == (12, 1, 20)
    _assert_stored(store, archive)
    stored = version(store, find_story(store, archive[0].url), 1)  # type: ignore[arg-type]
    assert stored is not None and stored.byline == "By A. Reporter" and stored.title == first.title
    assert import_archive(store, path).versions_added == 0


def test_jsonl_html_is_extracted_and_kept(store: Store, tmp_path: Path) -> None:
    story = make_stories(1, 2, offset=80)[0]
    pages = [
        "<html><head><title>x</title></head><body><nav>Home | World | Sport</nav><article>"
        + "".join(f"<p>{p}</p>" for p in v.paragraphs) + "</article><footer>Contact us</footer></body></html>"
        for v in story.versions
    ]
    records = [
        {"url": story.url, "html": page, "captured_at": v.captured_at.isoformat()}
        for page, v in zip(pages, story.versions, strict=True)
    ]
    records.append({"url": story.url, "html": "<html><body><nav>Home</nav></body></html>",
                    "captured_at": "2022-01-01T00:00:00+02:00"})
    report = import_archive(store, jsonl_file(tmp_path / "pages.jsonl", records))
    assert report.versions_added == 2 and report.refused == {"no article text": 1}
    found = find_story(store, story.url)
    assert found is not None
    for number, (page, v) in enumerate(zip(pages, story.versions, strict=True), start=1):
        stored = version(store, found, number)
        assert stored is not None and stored.raw_html == page.encode()
        assert stored.extractor is not None and stored.extractor.startswith("trafilatura")
        assert "Home | World" not in stored.text
        for paragraph in v.paragraphs:
            assert paragraph in stored.text


def test_directory_layouts(store: Store, tmp_path: Path) -> None:
    archive = make_stories(3, 3, offset=100)
    root = tmp_path / "archive"
    # story 0: a sub-directory of numbered files with story.json (URL, title, capture times)
    one = root / "harbour-fire"
    one.mkdir(parents=True)
    for n, v in enumerate(archive[0].versions, start=1):
        (one / f"{n}.txt").write_text(v.text, encoding="utf-8")
    times = {str(n): v.captured_at.isoformat() for n, v in enumerate(archive[0].versions, start=1)}
    (one / "story.json").write_text(json.dumps({"url": archive[0].url, "title": "Harbour fire", "captured_at": times}))
    # story 1: files named by capture time ("-" for ":"), one of them HTML
    two = root / "bridge-vote"
    two.mkdir()
    for n, v in enumerate(archive[1].versions):
        name = v.captured_at.strftime("%Y-%m-%dT%H-%M-%SZ")
        if n == 1:
            body = "".join(f"<p>{p}</p>" for p in v.paragraphs)
            (two / f"{name}.html").write_text(f"<html><body><article>{body}</article></body></html>")
        else:
            (two / f"{name}.md").write_text(v.text, encoding="utf-8")
    (two / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0")  # not a version file
    # story 2: flat files <slug>@<n>, its URL in stories.json; one binary file is refused
    for n, v in enumerate(archive[2].versions, start=1):
        (root / f"budget@{n}.txt").write_text(v.text, encoding="utf-8")
    (root / "budget@9.txt").write_bytes(b"\x00\x01\x02binary")
    (root / "stories.json").write_text(json.dumps({"budget": {"url": archive[2].url}}))
    (root / "README").write_text("notes")

    report = import_archive(store, root)
    assert report.format == "dir"
    assert report.refused == {"unrecognised file": 2, "unreadable file": 1}
    assert (report.stories_added, report.versions_added) == (3, 9)
    first = find_story(store, archive[0].url)
    assert first is not None and first.title == "Harbour fire"
    for story in (archive[0], archive[2]):
        infos = versions_of(store, find_story(store, story.url))  # type: ignore[arg-type]
        texts = [version(store, find_story(store, story.url), i.number).text for i in infos]  # type: ignore
        assert texts == [v.text for v in story.versions]
    assert [i.captured_at for i in versions_of(store, first)] == [v.captured_at for v in archive[0].versions]
    # story 2 had no times: its files' modification times; story 1 is named after its directory
    bridge = find_story(store, "archive:archive/bridge-vote")
    assert bridge is not None
    infos = versions_of(store, bridge)
    assert [i.captured_at for i in infos] == [v.captured_at for v in archive[1].versions]
    html_version = version(store, bridge, 2)
    assert html_version is not None and html_version.raw_html is not None
    for paragraph in archive[1].versions[1].paragraphs:
        assert paragraph in html_version.text
    assert import_archive(store, root).versions_added == 0
    assert problems(store) == []


def test_a_failed_batch_leaves_the_batches_before_it_and_a_rerun_completes(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = make_stories(6, 3, offset=200)
    path = newsedits_db(tmp_path / "nyt.db", archive, reverse=False)
    monkeypatch.setattr(writer, "CHUNK_VERSIONS", 6)  # two stories a chunk
    real = writer.add_versions_bulk
    calls = []

    def failing(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 2:
            raise StoreError("the disk is full")
        return real(*args, **kwargs)

    monkeypatch.setattr(writer, "add_versions_bulk", failing)
    with pytest.raises(StoreError):
        import_archive(store, path)
    assert _counts(store)[0] == 6  # the first chunk whole, nothing of the second
    assert problems(store) == []
    monkeypatch.setattr(writer, "add_versions_bulk", real)
    report = import_archive(store, path)
    assert (report.versions_added, report.duplicates_skipped) == (12, 6)
    _assert_stored(store, archive)


def test_malformed_archives_write_nothing(store: Store, tmp_path: Path) -> None:
    records = [json.dumps(r) for r in jsonl_records(make_stories(2, 2))]
    path = jsonl_file(tmp_path / "broken.jsonl", [*records[:3], '{"url": "https://x.example/", "text": ', records[3]])
    with pytest.raises(ArchiveError, match=r"line 4: not valid JSON"):
        import_archive(store, path)
    assert _counts(store) == (0, 0) and stories(store) == []
    neither = tmp_path / "other.db"
    import sqlite3

    with sqlite3.connect(neither) as connection:
        connection.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    connection.close()
    with pytest.raises(ArchiveError, match="not a NewsEdits or diffengine archive"):
        import_archive(store, neither)
    with pytest.raises(ArchiveError, match="no such file or directory"):
        import_archive(store, tmp_path / "missing.jsonl")
    assert _counts(store) == (0, 0)


def test_ten_thousand_versions_import_quickly(store: Store, tmp_path: Path) -> None:
    """The bulk path: 1,000 stories x 10 versions without summaries (bench/import_speed.py times the command)."""
    import time

    archive = make_stories(1000, 10)
    path = newsedits_db(tmp_path / "big.db", archive, reverse=False)
    started = time.perf_counter()
    report = import_archive(store, path, summaries=False)
    seconds = time.perf_counter() - started
    assert (report.stories_added, report.versions_added, report.duplicates_skipped) == (1000, 10_000, 0)
    assert seconds < 30, seconds
    assert import_archive(store, path, summaries=False).versions_added == 0
