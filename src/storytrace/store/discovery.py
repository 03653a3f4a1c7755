"""Adding the stories a feed lists: many per transaction, since a feed can list thousands of articles.

Which of a batch's URLs are stored already is read first, outside any write, so a feed read that finds nothing
new writes nothing (and spends no PostgreSQL sequence numbers on rows it would not insert). The rest are added
with one INSERT ... ON CONFLICT DO NOTHING per batch: a story another process adds meanwhile is left as it is.
Each batch commits whole or not at all; an interrupted call keeps the batches before it, and calling it again
adds what is missing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storytrace.store.db import Store
from storytrace.store.errors import UnknownSource
from storytrace.store.models import Source, Story
from storytrace.store.repository import DEFAULT_CHECK_INTERVAL_S, SourceRef, checked_url, source_id
from storytrace.store.types import utcnow

# Rows per transaction: short enough that a watcher waiting for SQLite's write lock waits milliseconds.
DEFAULT_BATCH = 1000


def add_stories(
    store: Store,
    entries: Iterable[tuple[str, str | None]],
    *,
    source: SourceRef | None = None,
    check_interval_s: int = DEFAULT_CHECK_INTERVAL_S,
    now: datetime | None = None,
    batch_size: int = DEFAULT_BATCH,
) -> list[str]:
    """Add a story for each (canonical URL, title) not tracked yet, as `add_story` would, `batch_size` per
    transaction; return the URLs this call added, in the order given (a URL given twice counts once)."""
    if check_interval_s <= 0:
        raise ValueError("check_interval_s must be positive")
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    titles: dict[str, str | None] = {}
    for url, title in entries:
        titles.setdefault(checked_url(url, "story"), title)
    moment = now or utcnow()
    of_source = None if source is None else source_id(source)
    urls = list(titles)
    added: list[str] = []
    for start in range(0, len(urls), batch_size):
        batch = urls[start : start + batch_size]
        stored = store.read(partial(_stored, urls=batch))
        missing = [url for url in batch if url not in stored]
        if not missing:
            continue
        rows = [
            {
                "url": url, "source_id": of_source, "title": titles[url], "added_at": moment,
                "first_seen_at": moment, "last_change_at": None, "next_check_at": moment,
                "check_interval_s": check_interval_s, "active": True, "version_count": 0, "failures": 0,
            }
            for url in missing
        ]
        added += store.write(partial(_insert, rows=rows, source=of_source))
    return added


def _stored(session: Session, *, urls: list[str]) -> set[str]:
    return set(session.scalars(select(Story.url).where(Story.url.in_(urls))))


def _insert(session: Session, *, rows: list[dict[str, Any]], source: int | None) -> list[str]:
    if source is not None and session.get(Source, source) is None:
        raise UnknownSource(f"no source with id {source}")
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(Story).on_conflict_do_nothing(index_elements=["url"]).returning(Story.url)
    inserted = set(session.scalars(statement, rows))
    return [row["url"] for row in rows if row["url"] in inserted]
