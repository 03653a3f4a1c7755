"""What the pages read from the store: each function one or two indexed queries, plain rows, no texts unless the
page shows them. The web app only reads through these (and writes through `storytrace.store`: `add_story`,
`add_source`, and stopping and resuming with `stop_story`, `revive`, `stop_source` and `resume_source`)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, Text, cast, exists, func, select
from sqlalchemy.orm import Session

from storytrace.store import Source, SourceKind, Store, Story, Version
from storytrace.store.search import matching
from storytrace.track.urls import outlet_of
from storytrace.web.outlets import outlet_condition

PAGE_SIZE = 50
# The largest id a page or query string may name: ids are INTEGER columns (32 bits on PostgreSQL), and a larger
# number would fail in the database instead of finding nothing.
MAX_ID = 2**31 - 1
CHANGE_KINDS = ("substantive", "minor", "added", "deleted")


@dataclass(frozen=True, slots=True)
class StoryRow:
    id: int
    url: str
    title: str | None
    outlet: str
    version_count: int
    first_seen_at: datetime
    last_change_at: datetime | None
    active: bool
    stop_reason: str | None = None  # why it is no longer watched


@dataclass(frozen=True)
class StoryFilters:
    """The stories page's query: words to search, an outlet, changed since, only stories with substantive
    changes, only the stories one feed brought (its source id); `page` counts from 1."""

    q: str = ""
    outlet: str = ""
    since: datetime | None = None
    substantive: bool = False
    page: int = 1
    feed: int | None = None


@dataclass(frozen=True)
class StoryPage:
    stories: list[StoryRow]
    more: bool  # another page follows


_STORY_COLUMNS = (
    Story.id,
    Story.url,
    Story.title,
    Story.version_count,
    Story.first_seen_at,
    Story.last_change_at,
    Story.active,
    Story.stop_reason,
)


def _story_row(row: Sequence[Any]) -> StoryRow:
    sid, url, title, count, first_seen, last_change, active, stop_reason = row
    return StoryRow(sid, url, title, outlet_of(url), count, first_seen, last_change, bool(active), stop_reason)


def has_substantive_change() -> Any:
    """Stories with at least one version whose change summary counts a substantive change."""
    return exists().where(Version.story_id == Story.id, Version.change_summary["substantive"].as_integer() > 0)


def list_stories(store: Store, filters: StoryFilters, *, page_size: int = PAGE_SIZE) -> StoryPage:
    """Stories matching the filters, the most recently changed first (never-changed ones last)."""
    query = select(*_STORY_COLUMNS)
    if filters.q.strip():
        found = matching(store.dialect, filters.q)
        if found is None:
            return StoryPage([], False)
        query = query.where(found)
    if filters.outlet.strip():
        query = query.where(outlet_condition(filters.outlet))
    if filters.since is not None:
        query = query.where(Story.last_change_at >= filters.since)
    if filters.substantive:
        query = query.where(has_substantive_change())
    if filters.feed is not None:
        query = query.where(Story.source_id == filters.feed)
    query = (
        query.order_by(Story.last_change_at.desc().nulls_last(), Story.id.desc())
        .offset((max(filters.page, 1) - 1) * page_size)
        .limit(page_size + 1)
    )

    def run(session: Session) -> list[StoryRow]:
        return [_story_row(row) for row in session.connection().execute(query)]

    rows = store.read(run)
    return StoryPage(rows[:page_size], len(rows) > page_size)


def story_row(store: Store, story_id: int) -> StoryRow | None:
    """The story with this id, or None (as for an id beyond any the store can hold: see MAX_ID)."""
    if not 0 < story_id <= MAX_ID:
        return None
    query = select(*_STORY_COLUMNS).where(Story.id == story_id)

    def run(session: Session) -> StoryRow | None:
        row = session.connection().execute(query).first()
        return None if row is None else _story_row(row)

    return store.read(run)


@dataclass(frozen=True, slots=True)
class Change:
    """A version that changed its story (number > 1), for the changes page and feed."""

    story_id: int
    story_url: str
    story_title: str | None
    number: int
    captured_at: datetime
    title: str | None
    summary: dict[str, Any] | None

    @property
    def outlet(self) -> str:
        return outlet_of(self.story_url)


def recent_changes(store: Store, *, limit: int = PAGE_SIZE, story_id: int | None = None) -> list[Change]:
    """The latest versions after the first (newest first): those whose summary counts no change are skipped."""
    query = (
        select(
            Version.story_id, Story.url, Story.title, Version.number, Version.captured_at, Version.title,
            cast(Version.change_summary, Text),
        )
        .join(Story, Story.id == Version.story_id)
        .where(Version.number > 1)
        .order_by(Version.captured_at.desc(), Version.id.desc())
    )
    if story_id is not None:
        query = query.where(Version.story_id == story_id)

    def run(session: Session) -> list[Change]:
        found: list[Change] = []
        # Read in slices until enough changes are found (few versions change nothing that counts).
        for offset in range(0, 20 * limit, 2 * limit):
            rows = session.connection().execute(query.offset(offset).limit(2 * limit)).all()
            for sid, url, story_title, number, at, title, raw in rows:
                summary = json.loads(raw) if raw else None
                if summary is None or any(summary.get(k) for k in CHANGE_KINDS):
                    found.append(Change(sid, url, story_title, number, at, title, summary))
                    if len(found) == limit:
                        return found
            if len(rows) < 2 * limit:
                break
        return found

    return store.read(run)


class OutletCache:
    """The outlets of all stories with their story counts, read at most every `ttl` seconds (the stories page
    lists them in its filter; reading every URL on each request would cost more than the page)."""

    def __init__(self, ttl: float = 30.0) -> None:
        self.ttl = ttl
        self._lock = threading.Lock()
        self._value: list[tuple[str, int]] = []
        self._read_at = -1e9

    def get(self, store: Store) -> list[tuple[str, int]]:
        with self._lock:
            if time.monotonic() - self._read_at < self.ttl:
                return self._value
        urls = store.read(lambda session: list(session.connection().execute(select(Story.url)).scalars()))
        counts: dict[str, int] = {}
        for url in urls:
            outlet = outlet_of(url)
            counts[outlet] = counts.get(outlet, 0) + 1
        value = sorted(counts.items())
        with self._lock:
            self._value, self._read_at = value, time.monotonic()
        return value

    def forget(self) -> None:
        with self._lock:
            self._read_at = -1e9


def data_version(store: Store) -> tuple[int, int]:
    """(newest story id, newest version id): changes whenever a story or a version is added (two index lookups)."""
    query = select(select(func.max(Story.id)).scalar_subquery(), select(func.max(Version.id)).scalar_subquery())

    def run(session: Session) -> tuple[int, int]:
        stories, versions = session.connection().execute(query).one()
        return stories or 0, versions or 0

    return store.read(run)


def latest_version_id(store: Store) -> int:
    """The newest version's id (0 for none): a cheap key for caches of anything built from the versions."""
    return store.read(lambda session: session.scalar(select(func.max(Version.id))) or 0)


@dataclass(frozen=True)
class FeedRow:
    """A feed whose articles are tracked, and how many stories came from it."""

    id: int
    url: str
    title: str | None
    outlet: str
    added_at: datetime
    last_checked_at: datetime | None
    stories: int
    active: bool  # False once `storytrace stop` stopped reading it


# id, url, title, added_at, last_checked_at, the count of stories and whether it is read: a FeedRow but its outlet.
_FeedSelect = Select[int, str, str | None, datetime, datetime | None, Any, bool]


def _feeds_query() -> _FeedSelect:
    """Feeds with the number of stories each brought (one grouped count joined on), for the list and for one."""
    counted = (
        select(Story.source_id, func.count().label("stories")).where(Story.source_id.is_not(None))
        .group_by(Story.source_id).subquery()
    )
    return (
        select(Source.id, Source.url, Source.title, Source.added_at, Source.last_checked_at,
               func.coalesce(counted.c.stories, 0), Source.active)
        .outerjoin(counted, counted.c.source_id == Source.id)
        .where(Source.kind == SourceKind.FEED)
    )


def _feed_rows(store: Store, query: _FeedSelect) -> list[FeedRow]:
    def run(session: Session) -> list[FeedRow]:
        return [
            FeedRow(fid, url, title, outlet_of(url), added, checked, int(count), bool(active))
            for fid, url, title, added, checked, count, active in session.execute(query).all()
        ]

    return store.read(run)


def list_feeds(store: Store, *, limit: int = 500) -> list[FeedRow]:
    """The tracked feeds, the most recently added first, each with the number of stories it brought."""
    return _feed_rows(store, _feeds_query().order_by(Source.added_at.desc(), Source.id.desc()).limit(limit))


def feed_row(store: Store, feed_id: int) -> FeedRow | None:
    """One feed (None if no feed has this id: a site source is not a feed, and see MAX_ID), for the page of its
    stories and its Stop and Resume buttons."""
    if not 0 < feed_id <= MAX_ID:
        return None
    found = _feed_rows(store, _feeds_query().where(Source.id == feed_id))
    return found[0] if found else None


def tracked_as(store: Store, urls: Collection[str]) -> str | None:
    """What one of these addresses is tracked as already: a source's kind (`feed`, `site`), `story`, or None.
    A source is named first: a story that turned out to be a feed is both, and is tracked as the feed."""
    wanted = sorted(set(urls))

    def run(session: Session) -> str | None:
        kind = session.execute(select(Source.kind).where(Source.url.in_(wanted)).limit(1)).scalar()
        if kind is not None:
            return str(SourceKind(kind))
        story = session.execute(select(Story.id).where(Story.url.in_(wanted)).limit(1)).scalar()
        return None if story is None else "story"

    return store.read(run)
