"""Adding a captured text to a story: stored once as the next version, with its check, or recognised as a text
the story already had (unchanged, whitespace only, flip-flop) and recorded as a check only.

Correct with many writers: the story row is locked for the transaction (`FOR UPDATE` on PostgreSQL; SQLite
writers take the database lock with `BEGIN IMMEDIATE`), and behind that the unique constraints on
(story_id, number) and (story_id, content_hash) turn any race that slips through into a retry that then sees the
other writer's version. The version, its check and the story's counters commit together or not at all.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storytrace.store import content
from storytrace.store.db import Store
from storytrace.store.errors import UnknownStory
from storytrace.store.models import Check, Outcome, Story, Version
from storytrace.store.repository import StoryRef, story_id
from storytrace.store.types import utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class NewVersion:
    """A captured text and what is known about its capture; everything but the text is optional."""

    text: str
    captured_at: datetime | None = None  # None: now
    title: str | None = None
    byline: str | None = None
    published_at: datetime | None = None
    updated_at: datetime | None = None
    raw_html: bytes | None = None  # stored compressed
    http_status: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    extractor: str | None = None  # name and version, e.g. "trafilatura 2.3.1"
    change_summary: dict[str, Any] | None = None  # counts by kind against the previous version

    def __post_init__(self) -> None:
        if "\x00" in self.text:  # PostgreSQL cannot store it; a text with NUL is binary data read as text
            raise ValueError("a version's text cannot contain NUL characters")

    def columns(self) -> dict[str, Any]:
        """The version's own columns (not story, number, hash or capture time)."""
        return {
            "title": self.title,
            "byline": self.byline,
            "published_at": self.published_at,
            "updated_at": self.updated_at,
            "text": self.text,
            "raw_html": self.raw_html,
            "http_status": self.http_status,
            "etag": self.etag,
            "last_modified": self.last_modified,
            "extractor": self.extractor,
        }


def add_version(
    store: Store,
    story: StoryRef,
    text: str,
    *,
    captured_at: datetime | None = None,
    title: str | None = None,
    byline: str | None = None,
    published_at: datetime | None = None,
    updated_at: datetime | None = None,
    raw_html: bytes | None = None,
    http_status: int | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
    extractor: str | None = None,
    change_summary: dict[str, Any] | None = None,
    summarise: bool = True,
    detail: str | None = None,
    duration_ms: int | None = None,
) -> Version | None:
    """Store `text` as the story's next version and record its `new_version` check, in one transaction.

    Returns None, recording an `unchanged`, `whitespace_only` or `flip_flop` check that points at the version
    matched, when the story already has this text (compared after whitespace normalisation). Either way the story's
    failures in a row go back to 0 and `etag` / `last_modified` become its validators for the next conditional
    GET (they are this answer's, which may differ from the matched version's). `change_summary`
    (counts of sentence links by kind against the previous version) is computed with storytrace.diff unless given
    or `summarise` is False. `detail` and `duration_ms` describe the fetch, for the check.
    """
    new = NewVersion(
        text=text, captured_at=captured_at or utcnow(), title=title, byline=byline, published_at=published_at,
        updated_at=updated_at, raw_html=raw_html, http_status=http_status, etag=etag, last_modified=last_modified,
        extractor=extractor, change_summary=change_summary,
    )
    return add_new_version(store, story, new, summarise=summarise, detail=detail, duration_ms=duration_ms)


def add_new_version(
    store: Store,
    story: StoryRef,
    new: NewVersion,
    *,
    summarise: bool = True,
    detail: str | None = None,
    duration_ms: int | None = None,
) -> Version | None:
    """`add_version` taking a NewVersion."""
    wanted = story_id(story)
    digest = content.content_hash(new.text)
    moment = new.captured_at or utcnow()
    # The diff against the latest version is computed before the write transaction, so the lock is not held
    # while it runs; if another writer adds a version meanwhile, it is computed again against that one.
    early: tuple[int, dict[str, Any] | None] | None = None
    if new.change_summary is None and summarise:
        head = store.read(lambda session: _latest_if_new(session, wanted, digest))
        if head is not None:
            early = (head[0], _summary(head[1], new.text))

    def run(session: Session) -> Version | None:
        found = session.execute(select(Story).where(Story.id == wanted).with_for_update()).scalar_one_or_none()
        if found is None:
            raise UnknownStory(f"no story with id {wanted}")
        latest = session.scalar(select(func.max(Version.number)).where(Version.story_id == wanted)) or 0
        seen = session.execute(
            select(Version.id, Version.number).where(Version.story_id == wanted, Version.content_hash == digest)
        ).first()
        found.failures = 0  # the page was read, whatever its text turns out to be
        found.etag, found.last_modified = new.etag, new.last_modified  # what the next conditional GET sends
        if seen is not None:
            session.add(
                Check(
                    story_id=wanted, checked_at=moment, outcome=_repeat(session, seen.id, seen.number, latest, new),
                    http_status=new.http_status, detail=detail, duration_ms=duration_ms, version_id=seen.id,
                )
            )
            return None
        summary = new.change_summary
        if summary is None and summarise and latest > 0:
            if early is not None and early[0] == latest:
                summary = early[1]
            else:
                previous = session.scalar(
                    select(Version.text).where(Version.story_id == wanted, Version.number == latest)
                )
                summary = _summary(previous or "", new.text)
        version = Version(
            story_id=wanted, number=latest + 1, captured_at=moment, content_hash=digest, change_summary=summary,
            **new.columns(),
        )
        session.add(version)
        session.flush()
        session.add(
            Check(
                story_id=wanted, checked_at=moment, outcome=Outcome.NEW_VERSION, http_status=new.http_status,
                detail=detail, duration_ms=duration_ms, version_id=version.id,
            )
        )
        found.version_count = latest + 1
        found.last_change_at = moment if found.last_change_at is None else max(found.last_change_at, moment)
        if new.title:
            found.title = new.title
        return version

    return store.write(run, retry_integrity=True)


def _summary(previous: str, current: str) -> dict[str, Any] | None:
    """The change summary, or None if the diff fails: a capture is never lost for want of its summary."""
    try:
        return content.change_summary(previous, current)
    except Exception:  # a bug in the aligner; the summary can be computed again later
        log.warning("storytrace.store: no change summary (the diff failed)", exc_info=True)
        return None


def _latest_if_new(session: Session, story: int, digest: str) -> tuple[int, str] | None:
    """(number, text) of the story's latest version, unless the story already has this text or no version."""
    if session.scalar(select(Version.id).where(Version.story_id == story, Version.content_hash == digest)):
        return None
    row = session.execute(
        select(Version.number, Version.text).where(Version.story_id == story).order_by(Version.number.desc()).limit(1)
    ).first()
    return None if row is None else (row.number, row.text)


def _repeat(session: Session, version: int, number: int, latest: int, new: NewVersion) -> Outcome:
    """What a text the story already has is: an older text back again, or the latest one (exactly or not)."""
    if number != latest:
        return Outcome.FLIP_FLOP
    stored = session.scalar(select(Version.text).where(Version.id == version))
    return Outcome.UNCHANGED if stored == new.text else Outcome.WHITESPACE_ONLY
