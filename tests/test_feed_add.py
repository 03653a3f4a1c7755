"""Adding the articles of a big feed: batched store writes, the per-feed cap (max_feed_entries), an interrupted
add; end to end through `storytrace add` against a feed file on a loopback HTTP server. SQLite and PostgreSQL."""

from __future__ import annotations

import os
import random
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from storytrace.fetch.feeds import FeedEntry, newest_entries
from storytrace.store import (
    Store,
    StoreError,
    add_source,
    add_stories,
    add_story,
    find_source,
    find_story,
    open_store,
    problems,
    stories,
)
from storytrace.store.search import search_stories

from .cli_support import one_error_line
from .test_cli import run

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def test_add_stories_adds_each_new_url_once_a_batch_at_a_time(store: Store) -> None:
    feed = add_source(store, "https://gazette.example/rss")
    known = add_story(store, "https://gazette.example/news/0", title="Kept as it was", now=T0)
    items = [(f"https://gazette.example/news/{i}", f"Harbour story {i}") for i in range(10)]
    items.append(("https://gazette.example/news/7", "A second listing of 7"))  # (the first listing counts)
    added = add_stories(store, items, source=feed, check_interval_s=900, now=T0, batch_size=3)
    assert added == [f"https://gazette.example/news/{i}" for i in range(1, 10)]
    rows = {row.url: row for row in stories(store)}
    assert len(rows) == 10 and rows[known.url].title == "Kept as it was" and rows[known.url].source_id is None
    seven = rows["https://gazette.example/news/7"]
    assert (seven.title, seven.source_id, seven.check_interval_s, seven.active, seven.next_check_at,
            seven.version_count, seven.failures) == ("Harbour story 7", feed.id, 900, True, T0, 0, 0)
    assert [s.url for s in search_stories(store, "harbour 7")] == [seven.url]  # (0002's triggers saw the rows)
    assert add_stories(store, items, source=feed) == []
    # Nothing was inserted the second time, so no id was spent on it (a PostgreSQL sequence moves on conflicts).
    assert add_story(store, "https://gazette.example/news/later").id == max(r.id for r in rows.values()) + 1
    assert problems(store) == []


def test_an_interrupted_add_keeps_whole_batches_and_a_second_add_completes_it(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    items = [(f"https://gazette.example/news/{i}", None) for i in range(7)]
    original = store.write
    writes = 0

    def failing_second_batch(fn: Any, **options: Any) -> Any:
        nonlocal writes
        writes += 1
        if writes != 2:
            return original(fn, **options)

        def insert_then_fail(session: Any) -> None:
            fn(session)
            session.flush()
            raise StoreError("disk full")  # after the batch's rows were written, inside its transaction

        return original(insert_then_fail, **options)

    monkeypatch.setattr(store, "write", failing_second_batch)
    with pytest.raises(StoreError, match="disk full"):
        add_stories(store, items, batch_size=3)
    monkeypatch.undo()
    assert [row.url for row in stories(store)] == [url for url, _ in items[:3]]
    assert problems(store) == []
    assert add_stories(store, items, batch_size=3) == [url for url, _ in items[3:]]
    assert [row.url for row in stories(store)] == [url for url, _ in items]


def _entry(n: int, published: datetime | None = None, updated: datetime | None = None) -> FeedEntry:
    return FeedEntry(f"https://gazette.example/news/{n}", None, published, updated, None)


def test_the_cap_keeps_the_newest_entries_in_feed_order() -> None:
    entries = [_entry(0, T0), _entry(1), _entry(2, T0 + timedelta(hours=3)), _entry(3, T0, T0 + timedelta(hours=5)),
               _entry(4, T0 + timedelta(hours=1)), _entry(5)]
    assert [e.link[-1] for e in newest_entries(entries, 3)] == ["2", "3", "4"]  # by the later of the two dates
    assert [e.link[-1] for e in newest_entries(entries, 5)] == ["0", "1", "2", "3", "4"]  # undated last, in order
    assert newest_entries(entries, 6) == tuple(entries)


# --- end to end: `storytrace add` of a feed file served over HTTP ---

ENTRIES = 2500  # more than one batch of add_stories


@pytest.fixture
def feed_server(tmp_path: Path) -> Iterator[tuple[str, list[str]]]:
    """A loopback HTTP server serving feed.xml of ENTRIES dated items in shuffled order; (feed URL, the article
    URLs newest first, as the tracker stores them)."""
    served = tmp_path / "site"
    served.mkdir()
    handler = partial(_QuietHandler, directory=str(served))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    order = list(range(ENTRIES))
    random.Random(3).shuffle(order)
    items = "".join(
        f"<item><title>Story {n}</title><link>{base}/news/{n}?utm_source=rss#top</link>"
        f"<pubDate>{format_datetime(T0 + timedelta(minutes=n))}</pubDate></item>\n"
        for n in order
    )
    (served / "feed.xml").write_text(f'<?xml version="1.0"?>\n<rss version="2.0"><channel><title>Big</title>'
                                     f"<link>{base}/</link>\n{items}</channel></rss>\n", encoding="utf-8")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"{base}/feed.xml", [f"{base}/news/{n}" for n in reversed(range(ENTRIES))]
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def _config(folder: Path, cap: int) -> Path:
    path = folder / f"cap-{cap}.toml"
    path.write_text(f"[fetch]\npoliteness_delay = 0\nretries = 0\n[watch]\nmax_feed_entries = {cap}\n",
                    encoding="utf-8")
    return path


def test_storytrace_add_of_a_big_feed_stores_the_newest_entries_up_to_the_cap(
    store_url: str, feed_server: tuple[str, list[str]], tmp_path: Path
) -> None:
    feed, newest_first = feed_server
    added = run("add", feed, "--db", store_url, "--config", str(_config(tmp_path, 2000)))
    assert added.returncode == 0, added.stderr
    assert f"{ENTRIES} entries, 2000 new; 500 older skipped (max_feed_entries = 2000)" in added.stdout
    with open_store(store_url) as store:
        source = find_source(store, feed)
        rows = stories(store)
        assert source is not None and {row.source_id for row in rows} == {source.id}
        assert sorted(row.url for row in rows) == sorted(newest_first[:2000])  # canonical: no utm_source, no #top
        assert find_story(store, newest_first[0]).title == f"Story {ENTRIES - 1}"  # type: ignore[union-attr]
        assert problems(store) == []
    again = run("add", feed, "--db", store_url, "--config", str(_config(tmp_path, 10_000)))
    assert again.returncode == 0 and "not_modified" in again.stdout  # a raised cap waits for the feed to change
    served = tmp_path / "site" / "feed.xml"
    os.utime(served, (served.stat().st_atime, served.stat().st_mtime + 60))
    wider = run("add", feed, "--db", store_url, "--config", str(_config(tmp_path, 10_000)))
    assert wider.returncode == 0, wider.stderr
    assert f"{ENTRIES} entries, 500 new" in wider.stdout and "skipped" not in wider.stdout
    with open_store(store_url) as store:
        assert sorted(row.url for row in stories(store)) == sorted(newest_first)
        assert problems(store) == []


def test_a_cap_below_one_is_a_one_line_error(tmp_path: Path) -> None:
    done = run("add", "https://gazette.example/rss", "--config", str(_config(tmp_path, 0)))
    assert done.returncode == 2
    assert "max_feed_entries must be at least 1" in one_error_line(done)
