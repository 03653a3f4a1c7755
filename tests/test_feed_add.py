"""Adding the articles of a big feed: batched store writes and an interrupted add. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from storytrace.store import (
    Store,
    StoreError,
    add_source,
    add_stories,
    add_story,
    problems,
    stories,
)
from storytrace.store.search import search_stories

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
