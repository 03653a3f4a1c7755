"""`storytrace import` end to end: the installed command, run as a user would run it."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from pathlib import Path

import pytest

from storytrace.store import find_story, open_store, versions_of

from .cli_support import COMMAND, one_error_line
from .ingest_archives import diffengine_db, jsonl_file, jsonl_records, newsedits_db, stories


def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "COLUMNS": "120", "NO_COLOR": "1", **(env or {})}
    environment.pop("STORYTRACE_DEBUG", None)
    if env is None or "STORYTRACE_DB" not in env:
        environment.pop("STORYTRACE_DB", None)
    return subprocess.run(COMMAND + list(args), capture_output=True, text=True, timeout=180, env=environment, cwd=cwd)


def test_import_into_each_backend_twice(store_url: str, tmp_path: Path) -> None:
    archive = stories(3, 4)
    path = newsedits_db(tmp_path / "nyt.db", archive)
    done = run("import", str(path), "--db", store_url, "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["format"] == "newsedits"
    assert (report["stories_added"], report["versions_added"], report["duplicates_skipped"]) == (3, 12, 0)
    assert report["rows_refused"] == 0 and report["change_summaries"] is True
    with open_store(store_url) as store:
        for story in archive:
            found = find_story(store, story.url)
            assert found is not None
            assert [v.captured_at for v in versions_of(store, found)] == [v.captured_at for v in story.versions]
    again = run("import", str(path), "--db", store_url, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert again.stdout.count("\n") == 1
    assert again.stdout.startswith("imported 0 versions of 0 stories (0 new)")
    assert "12 duplicates skipped" in again.stdout


def test_store_comes_from_the_environment_then_the_working_directory(tmp_path: Path) -> None:
    path = diffengine_db(tmp_path / "diffengine.db", stories(2, 2))
    elsewhere = tmp_path / "elsewhere.db"
    done = run("import", str(path), cwd=tmp_path, env={"STORYTRACE_DB": f"sqlite:///{elsewhere}"})
    assert done.returncode == 0, done.stderr
    assert "imported 4 versions of 2 stories (2 new)" in done.stdout and "(diffengine)" in done.stdout
    assert elsewhere.exists() and not (tmp_path / "storytrace.db").exists()
    work = tmp_path / "work"
    work.mkdir()
    records = jsonl_file(tmp_path / "v.jsonl", jsonl_records(stories(1, 3)))
    done = run("import", str(records), "--no-summaries", cwd=work)
    assert done.returncode == 0, done.stderr
    assert (work / "storytrace.db").exists()
    with open_store(f"sqlite:///{work / 'storytrace.db'}") as store:
        found = find_story(store, stories(1, 3)[0].url)
        assert found is not None and all(v.change_summary is None for v in versions_of(store, found))


def test_refused_rows_are_reported_not_fatal(tmp_path: Path) -> None:
    records: list[dict[str, object] | str] = list(jsonl_records(stories(1, 2)))
    records.append({"url": "https://news.example/x", "text": "A text.", "captured_at": "last Tuesday"})
    records.append({"url": "https://news.example/x", "text": "   ", "captured_at": "2021-01-01T00:00:00Z"})
    path = jsonl_file(tmp_path / "v.jsonl", records)
    done = run("import", str(path), "--db", f"sqlite:///{tmp_path / 's.db'}", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("2 rows refused (1 bad date, 1 empty text)")
    forced = run("import", str(path), "--format", "jsonl", "--db", f"sqlite:///{tmp_path / 's.db'}", "--json",
                 cwd=tmp_path)
    report = json.loads(forced.stdout)
    assert report["versions_added"] == 0 and report["refused"] == {"bad date": 1, "empty text": 1}
    assert any("last Tuesday" in example for example in report["refused_examples"])


def _corrupt(tmp_path: Path) -> Path:
    path = newsedits_db(tmp_path / "corrupt.db", stories(3, 3))
    data = bytearray(path.read_bytes())
    data[100:] = b"\x5a" * (len(data) - 100)
    path.write_bytes(bytes(data))
    return path


def _neither(tmp_path: Path) -> Path:
    path = tmp_path / "notes.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    connection.close()
    return path


def _bad_jsonl(tmp_path: Path) -> Path:
    good = jsonl_records(stories(1, 2))
    return jsonl_file(tmp_path / "bad.jsonl", [good[0], "{not json}", good[1]])


def _unknown(tmp_path: Path) -> Path:
    path = tmp_path / "notes.txt"
    path.write_text("some notes")
    return path


@pytest.mark.parametrize(
    ("make", "extra", "message"),
    [
        (lambda tmp: tmp / "missing.jsonl", [], "no such file or directory: "),
        (lambda tmp: tmp, ["--format", "csv"], "unknown import format 'csv'; expected one of dir, jsonl"),
        (_corrupt, [], "corrupt.db is "),
        (_neither, [], "is an SQLite database but not a NewsEdits or diffengine archive"),
        (_bad_jsonl, [], "bad.jsonl, line 2: not valid JSON"),
        (_unknown, [], "cannot tell the format of"),
        (_unknown, ["--format", "dir"], "--format dir needs a directory"),
        (lambda tmp: diffengine_db(tmp / "d.db", stories(1, 1)), ["--format", "newsedits"],
         "not a newsedits archive: entryversion lacks version"),
    ],
    ids=["missing", "unknown-format", "corrupt-sqlite", "neither-sqlite", "bad-jsonl-line", "unknown-file",
         "dir-on-a-file", "wrong-sqlite-kind"],
)
def test_errors_are_one_line_and_status_2(tmp_path: Path, make, extra: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    path = make(tmp_path)
    store = tmp_path / "store.db"
    done = run("import", str(path), *extra, "--db", f"sqlite:///{store}", cwd=tmp_path)
    assert message in one_error_line(done)
    if store.exists():  # opened, but nothing was written
        with open_store(f"sqlite:///{store}") as opened:
            assert opened.read(lambda session: session.execute(
                __import__("sqlalchemy").text("SELECT count(*) FROM versions")).scalar()) == 0


def test_a_missing_path_creates_no_store(tmp_path: Path) -> None:
    done = run("import", "nowhere.jsonl", cwd=tmp_path)
    assert "no such file or directory: nowhere.jsonl" in one_error_line(done)
    assert not (tmp_path / "storytrace.db").exists()


def test_a_bad_store_url_is_one_line(tmp_path: Path) -> None:
    path = jsonl_file(tmp_path / "v.jsonl", jsonl_records(stories(1, 1)))
    done = run("import", str(path), "--db", "mysql://u:secret@host/db", cwd=tmp_path)
    line = one_error_line(done)
    assert "unsupported database" in line and "secret" not in line


def test_stories_imported_without_a_url_are_read_back_by_their_key(tmp_path: Path) -> None:
    """A NewsEdits article whose rows have no URL is stored as `newsedits:<source>/<entry_id>`; log, diff KEY@N and
    collate name it so, as they name a tracked story by its URL."""
    path = newsedits_db(tmp_path / "nyt.db", stories(2, 3))
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE entryversion SET url = NULL")
    store = f"sqlite:///{tmp_path / 'store.db'}"
    assert run("import", str(path), "--db", store, cwd=tmp_path).returncode == 0
    with open_store(store) as opened:
        assert find_story(opened, "newsedits:nyt/1") is not None
    log = run("log", "newsedits:nyt/1", "--db", store, "--json", cwd=tmp_path)
    assert log.returncode == 0, log.stderr
    assert [v["number"] for v in json.loads(log.stdout)["versions"]] == [1, 2, 3]
    diff = run("diff", "newsedits:nyt/1@1", "newsedits:nyt/1@latest", "--db", store, "--json", cwd=tmp_path)
    assert diff.returncode == 0, diff.stderr
    assert [v["label"] for v in json.loads(diff.stdout)["versions"]] == ["newsedits:nyt/1@1", "newsedits:nyt/1@3"]
    collated = run("collate", "newsedits:nyt/1", "--db", store, "--json", cwd=tmp_path)
    assert collated.returncode == 0, collated.stderr
    assert len(json.loads(collated.stdout)["versions"]) == 3
    missing = run("log", "newsedits:nyt/99", "--db", store, cwd=tmp_path)
    assert missing.returncode == 2
    assert one_error_line(missing) == "storytrace: error: no story is tracked at newsedits:nyt/99 (storytrace add URL)"


def test_a_story_imported_at_an_address_as_its_archive_wrote_it_is_read_back_by_that_address(tmp_path: Path) -> None:
    """An import keeps an archive's URL as written (tracking parameters, a capital in the host); log, diff URL@N and
    collate look the address up as `storytrace add` would store it, and then as given."""
    given = "https://News.Example/harbour-fire?utm_source=rss"
    records = [dict(record, url=given) for record in jsonl_records(stories(1, 3))]
    path = jsonl_file(tmp_path / "v.jsonl", records)
    store = f"sqlite:///{tmp_path / 'store.db'}"
    assert run("import", str(path), "--db", store, cwd=tmp_path).returncode == 0
    with open_store(store) as opened:
        assert find_story(opened, given) is not None
    log = run("log", given, "--db", store, "--json", cwd=tmp_path)
    assert log.returncode == 0, log.stderr
    assert [v["number"] for v in json.loads(log.stdout)["versions"]] == [1, 2, 3]
    diff = run("diff", f"{given}@1", f"{given}@latest", "--db", store, "--json", cwd=tmp_path)
    assert diff.returncode == 0, diff.stderr
    assert [v["label"] for v in json.loads(diff.stdout)["versions"]] == [f"{given}@1", f"{given}@3"]
    collated = run("collate", given, "--db", store, "--json", cwd=tmp_path)
    assert collated.returncode == 0, collated.stderr
    assert len(json.loads(collated.stdout)["versions"]) == 3
    # the canonical address names no stored story: it is still refused in one line
    missing = run("log", "https://news.example/harbour-fire", "--db", store, cwd=tmp_path)
    assert missing.returncode == 2
    assert "no story is tracked at https://news.example/harbour-fire" in one_error_line(missing)


def test_an_imported_story_says_how_to_watch_it_and_add_does(tmp_path: Path) -> None:
    """Imported stories are not watched; `storytrace log` says how to watch one (docs/import.md), and `storytrace
    add URL` does: the page is fetched at once as the next version and the story is watched from then on."""
    from storytrace.demo.site import NewsSite

    from .conftest import FOUNDING_A, FOUNDING_B
    from .fetch_support import roft_article

    with NewsSite([roft_article(0, "first")]) as site:
        url = site.url("/news/first")
        archive = tmp_path / "archive.jsonl"
        lines = [{"url": url, "text": path.read_text(encoding="utf-8"), "captured_at": f"2024-05-0{day}T10:00:00Z"}
                 for day, path in ((1, FOUNDING_A), (2, FOUNDING_B))]
        archive.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
        assert run("import", str(archive), cwd=tmp_path).returncode == 0
        shown = run("log", url, cwd=tmp_path)
        assert shown.returncode == 0, shown.stderr
        assert "2 versions; no longer watched (storytrace add URL watches it)" in shown.stdout
        added = run("add", url, "--json", cwd=tmp_path)
        assert added.returncode == 0, added.stderr
        assert (json.loads(added.stdout)["outcome"], json.loads(added.stdout)["version"]) == ("new_version", 3)
    shown = run("log", url, "--json", cwd=tmp_path)
    assert json.loads(shown.stdout)["active"] is True
