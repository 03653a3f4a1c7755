"""Reading a story's versions: the list (without texts), one version in full, and the log.

Each read is one or two indexed queries, whatever the number of versions: lists select only the small columns
(never the text or the HTML) through the (story_id, number) index, as plain rows (no ORM identity map), and
decode each distinct change summary once.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Text, cast, select
from sqlalchemy.orm import Session

from storytrace.store.db import Store
from storytrace.store.errors import UnknownStory
from storytrace.store.models import Story, Version
from storytrace.store.repository import StoryRef, story_id

Which = int | Literal["first", "latest"]


@dataclass(frozen=True, slots=True)
class VersionInfo:
    """A version without its text and HTML."""

    id: int
    number: int
    captured_at: datetime
    content_hash: str
    title: str | None
    published_at: datetime | None
    updated_at: datetime | None
    http_status: int | None
    extractor: str | None
    change_summary: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class LogEntry:
    number: int
    captured_at: datetime
    title: str | None
    change_summary: dict[str, Any] | None


@dataclass(frozen=True)
class StoryLog:
    """A story and its versions, oldest first (the latest `limit` of them when limited)."""

    story: Story
    entries: list[LogEntry]


_INFO = (
    Version.id,
    Version.number,
    Version.captured_at,
    Version.content_hash,
    Version.title,
    Version.published_at,
    Version.updated_at,
    Version.http_status,
    Version.extractor,
    cast(Version.change_summary, Text),
)
_LOG = (Version.number, Version.captured_at, Version.title, cast(Version.change_summary, Text))


def _summary_decoder() -> Callable[[str | None], dict[str, Any] | None]:
    """json.loads for change summaries, each distinct one parsed once (most versions share a few); every caller
    gets its own dict."""
    parsed: dict[str, dict[str, Any] | None] = {}

    def decode(raw: str | None) -> dict[str, Any] | None:
        if raw is None:
            return None
        if raw not in parsed:
            parsed[raw] = json.loads(raw)  # a JSON null too (None given to a JSON column elsewhere)
        found = parsed[raw]
        return None if found is None else dict(found)

    return decode


def versions_of(store: Store, story: StoryRef) -> list[VersionInfo]:
    """The story's versions in order, without their texts."""
    wanted = story_id(story)
    query = select(*_INFO).where(Version.story_id == wanted).order_by(Version.number)

    def run(session: Session) -> list[VersionInfo]:
        decode = _summary_decoder()
        return [
            VersionInfo(vid, number, at, digest, title, published, updated, status, extractor, decode(raw))
            for vid, number, at, digest, title, published, updated, status, extractor, raw in session.connection()
            .execute(query)
        ]

    return store.read(run)


def version(store: Store, story: StoryRef, which: Which = "latest") -> Version | None:
    """One version in full (text and HTML): by number (1 is the first), "first" or "latest"; None if absent."""
    wanted = story_id(story)
    query = select(Version).where(Version.story_id == wanted)
    if which == "latest":
        query = query.order_by(Version.number.desc()).limit(1)
    elif which == "first":
        query = query.order_by(Version.number).limit(1)
    elif isinstance(which, int) and not isinstance(which, bool):
        query = query.where(Version.number == which)
    else:
        raise ValueError(f"a version is a number, 'first' or 'latest', not {which!r}")
    return store.read(lambda session: session.execute(query).scalar_one_or_none())


def latest_text(store: Store, story: StoryRef) -> str | None:
    """The latest version's text (None: no version yet), without reading its HTML: what a fetched page is
    judged against."""
    query = (
        select(Version.text).where(Version.story_id == story_id(story)).order_by(Version.number.desc()).limit(1)
    )
    return store.read(lambda session: session.scalar(query))


def log(store: Store, url: str, *, limit: int | None = None) -> StoryLog:
    """The story at `url` and, per version, its number, capture time, title and change summary.

    Raises UnknownStory when no story is tracked at `url`. `limit` keeps the latest versions only.
    """
    wanted = url.strip()

    def run(session: Session) -> StoryLog:
        found = session.execute(select(Story).where(Story.url == wanted)).scalar_one_or_none()
        if found is None:
            raise UnknownStory(f"no story is tracked at {wanted}")
        query = select(*_LOG).where(Version.story_id == found.id)
        if limit is None:
            rows = session.connection().execute(query.order_by(Version.number)).all()
        else:
            rows = session.connection().execute(query.order_by(Version.number.desc()).limit(limit)).all()[::-1]
        decode = _summary_decoder()
        return StoryLog(found, [LogEntry(number, at, title, decode(raw)) for number, at, title, raw in rows])

    return store.read(run)


@dataclass(frozen=True, slots=True)
class VersionText:
    """A version's text with what a diff or collation labels it by."""

    number: int
    captured_at: datetime
    title: str | None
    content_hash: str
    text: str


def version_texts(store: Store, story: StoryRef, numbers: Sequence[int] | None = None) -> list[VersionText]:
    """The texts of a story's versions (all of them, or those numbered), in number order, in one query."""
    query = select(Version.number, Version.captured_at, Version.title, Version.content_hash, Version.text).where(
        Version.story_id == story_id(story)
    )
    if numbers is not None:
        query = query.where(Version.number.in_(list(numbers)))

    def run(session: Session) -> list[VersionText]:
        return [VersionText(*row) for row in session.connection().execute(query.order_by(Version.number))]

    return store.read(run)
