"""Sources, stories and checks: adding them (idempotently), finding them, scheduling the next check.

Every function takes the open `Store` first and runs in one transaction of its own. Objects returned are plain
loaded rows, safe to keep after the call (they have no lazy relations to load later).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import exists, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storytrace.store.db import Store
from storytrace.store.errors import StoreError, UnknownSource, UnknownStory
from storytrace.store.models import MAX_URL_LENGTH, Check, Outcome, Source, SourceKind, Story, Version
from storytrace.store.types import utcnow

DEFAULT_CHECK_INTERVAL_S = 3600

StoryRef = Story | int
SourceRef = Source | int


@dataclass(frozen=True)
class Validators:
    """An answer's ETag and Last-Modified, kept with its story or source for the next conditional GET."""

    etag: str | None
    last_modified: str | None


def story_id(story: StoryRef) -> int:
    return story if isinstance(story, int) else story.id


def source_id(source: SourceRef) -> int:
    return source if isinstance(source, int) else source.id


def add_source(
    store: Store, url: str, kind: SourceKind | str = SourceKind.FEED, *, title: str | None = None,
    now: datetime | None = None,
) -> Source:
    """The source at `url`, added if new (an existing one is returned as it is)."""
    url = checked_url(url, "source")
    values = {"url": url, "kind": SourceKind(kind), "title": title, "added_at": now or utcnow()}

    def run(session: Session) -> Source:
        _insert_ignore(session, Source, values, "url")
        return session.execute(select(Source).where(Source.url == url)).scalar_one()

    return store.write(run)


def find_source(store: Store, url: str) -> Source | None:
    url = url.strip()
    return store.read(lambda session: session.execute(select(Source).where(Source.url == url)).scalar_one_or_none())


def count_source_stories(store: Store, source: SourceRef) -> int:
    """How many stories a feed brought (for saying where they are when the feed is named as a story)."""
    wanted = source_id(source)
    return store.read(
        lambda session: session.execute(select(func.count()).where(Story.source_id == wanted)).scalar_one())


def add_story(
    store: Store,
    url: str,
    *,
    source: SourceRef | None = None,
    title: str | None = None,
    check_interval_s: int = DEFAULT_CHECK_INTERVAL_S,
    first_seen_at: datetime | None = None,
    next_check_at: datetime | None = None,
    now: datetime | None = None,
) -> Story:
    """The story at (canonical) `url`, added if new; adding it again returns the existing story unchanged.

    A new story is due for its first check at once unless `next_check_at` says otherwise; `first_seen_at` (when it
    was first seen, e.g. in a feed) defaults to now.
    """
    url = checked_url(url, "story")
    if check_interval_s <= 0:
        raise ValueError("check_interval_s must be positive")
    moment = now or utcnow()
    values = {
        "url": url,
        "source_id": None if source is None else source_id(source),
        "title": title,
        "added_at": moment,
        "first_seen_at": first_seen_at or moment,
        "last_change_at": None,
        "next_check_at": next_check_at or moment,
        "check_interval_s": check_interval_s,
        "active": True,
        "version_count": 0,
        "failures": 0,
    }

    def run(session: Session) -> Story:
        if values["source_id"] is not None and session.get(Source, values["source_id"]) is None:
            raise UnknownSource(f"no source with id {values['source_id']}")
        _insert_ignore(session, Story, values, "url")
        return session.execute(select(Story).where(Story.url == url)).scalar_one()

    return store.write(run)


def find_story(store: Store, url: str) -> Story | None:
    """The story tracked at `url`, if any."""
    url = url.strip()
    return store.read(lambda session: session.execute(select(Story).where(Story.url == url)).scalar_one_or_none())


def get_story(store: Store, story: StoryRef) -> Story:
    """The story as stored now (raises UnknownStory)."""
    wanted = story_id(story)
    found = store.read(lambda session: session.get(Story, wanted))
    if found is None:
        raise UnknownStory(f"no story with id {wanted}")
    return found


def stories(
    store: Store, *, source: SourceRef | None = None, active: bool | None = None, limit: int | None = None,
    offset: int = 0,
) -> list[Story]:
    """Stories in the order they were added, optionally of one source or only (in)active ones."""
    query = select(Story).order_by(Story.id).offset(offset).limit(limit)
    if source is not None:
        query = query.where(Story.source_id == source_id(source))
    if active is not None:
        query = query.where(Story.active == active)
    return store.read(lambda session: list(session.execute(query).scalars()))


def due_stories(
    store: Store,
    *,
    now: datetime | None = None,
    limit: int | None = None,
    exclude: Collection[int] = (),
    unchecked_since: datetime | None = None,
) -> list[Story]:
    """Active stories whose next check is due (next_check_at <= now), the most overdue first.

    `exclude`: ids left out (checks already in flight); `unchecked_since`: only stories with no check recorded
    since then (a run that checks each story once, however short its interval).
    """
    query = (
        select(Story)
        .where(Story.active.is_(True), Story.next_check_at <= (now or utcnow()))
        .order_by(Story.next_check_at, Story.id)
        .limit(limit)
    )
    if exclude:
        query = query.where(Story.id.not_in(list(exclude)))
    if unchecked_since is not None:
        query = query.where(~exists().where(Check.story_id == Story.id, Check.checked_at >= unchecked_since))
    return store.read(lambda session: list(session.execute(query).scalars()))


def due_sources(store: Store, *, older_than: datetime, kind: SourceKind | str = SourceKind.FEED) -> list[Source]:
    """Sources of a kind never checked, or last checked before `older_than`, the longest waiting first (stopped
    ones left out)."""
    query = (
        select(Source)
        .where(Source.kind == SourceKind(kind), Source.active.is_(True))
        .where((Source.last_checked_at.is_(None)) | (Source.last_checked_at < older_than))
        .order_by(Source.last_checked_at.is_not(None), Source.last_checked_at, Source.id)
    )
    return store.read(lambda session: list(session.execute(query).scalars()))


def next_due(store: Store, *, exclude: Collection[int] = ()) -> datetime | None:
    """When the next active story is due (None: no active story); `exclude`: ids left out (checks in flight)."""
    query = (
        select(Story.next_check_at)
        .where(Story.active.is_(True), Story.next_check_at.is_not(None))
        .order_by(Story.next_check_at)
        .limit(1)
    )
    if exclude:
        query = query.where(Story.id.not_in(list(exclude)))
    return store.read(lambda session: session.scalar(query))


def reschedule(
    store: Store,
    story: StoryRef,
    *,
    next_check_at: datetime | None,
    check_interval_s: int | None = None,
    active: bool | None = None,
    stop_reason: str | None = None,
) -> Story:
    """Set when the story is checked next (None: not until rescheduled), and optionally its interval and
    whether it is still watched; with `active`, `stop_reason` says why watching stopped (cleared if None)."""
    changes: dict[str, Any] = {"next_check_at": next_check_at}
    if check_interval_s is not None:
        if check_interval_s <= 0:
            raise ValueError("check_interval_s must be positive")
        changes["check_interval_s"] = check_interval_s
    if active is not None:
        changes["active"] = active
        changes["stop_reason"] = None if active else stop_reason
    return _update_story(store, story, **changes)


# Why a story whose URL turned out to serve a feed is no longer watched (`story_to_feed`).
FEED_STOP_REASON = "the address is a feed: the articles it lists are tracked instead"


def story_to_feed(store: Store, story: StoryRef) -> Source:
    """A story whose URL turned out to serve a feed (added where no fetch could tell, as the web app adds them)
    made a feed source: the story stays, not watched any more, with FEED_STOP_REASON (its id is not given to
    another story, and its page and log say what became of it). Only a story without versions: one with versions
    is refused (StoreError), nothing of it is changed."""
    wanted = story_id(story)

    def run(session: Session) -> Source:
        found = session.get(Story, wanted)
        if found is None:
            raise UnknownStory(f"no story with id {wanted}")
        if found.version_count or session.execute(select(exists().where(Version.story_id == wanted))).scalar():
            raise StoreError(f"{found.url} has stored versions: it stays a story")
        values = {"url": found.url, "kind": SourceKind.FEED, "title": found.title, "added_at": utcnow()}
        _insert_ignore(session, Source, values, "url")
        session.execute(update(Story).where(Story.id == wanted).values(
            active=False, stop_reason=FEED_STOP_REASON, next_check_at=None))
        return session.execute(select(Source).where(Source.url == found.url)).scalar_one()

    return store.write(run)


STOPPED_BY_HAND = "stopped with storytrace stop"


def stop_tracking(store: Store, url: str) -> str:
    """Stop watching the story, or reading the feed, at (canonical) `url`, and say which it was ("story" or
    "feed"). Nothing stored is removed: a story keeps its versions (its page and log give STOPPED_BY_HAND), a feed
    its stories; `storytrace add` resumes either. A feed is looked for first: a story that turned out to be a feed
    (`story_to_feed`) is both, and is tracked as the feed (the story keeps FEED_STOP_REASON). UnknownStory when
    neither is tracked there."""
    url = url.strip()

    def run(session: Session) -> str:
        if session.execute(select(Source.id).where(Source.url == url)).scalar_one_or_none() is not None:
            session.execute(update(Source).where(Source.url == url).values(active=False))
            return "feed"
        story = session.execute(select(Story.id).where(Story.url == url)).scalar_one_or_none()
        if story is None:
            raise UnknownStory(f"not tracked: {url}")
        session.execute(update(Story).where(Story.id == story).values(
            active=False, stop_reason=STOPPED_BY_HAND, next_check_at=None))
        return "story"

    return store.write(run)


# Why a story stopped from the web app's Stop button is no longer watched.
STOPPED_ON_THE_WEB = "stopped from the web app"


def stop_story(store: Store, story: StoryRef, *, reason: str = STOPPED_BY_HAND) -> bool:
    """Stop watching one story, named by its id (the web app's buttons name rows, where `stop_tracking` takes an
    address), keeping everything stored; True when this call stopped it. A story stopped already is left as it is,
    its own reason kept (a quiet spell, failures): False. UnknownStory when no story has the id."""
    wanted = story_id(story)
    stopped = {"active": False, "stop_reason": reason, "next_check_at": None}
    return _stop_row(store, Story, wanted, stopped, UnknownStory(f"no story with id {wanted}"))


def stop_source(store: Store, source: SourceRef) -> bool:
    """Stop reading one feed (or other source), named by its id, keeping it and the stories it brought (they are
    watched as before); True when this call stopped it, False when it was stopped already. UnknownSource when no
    source has the id. `resume_source` reads it again."""
    wanted = source_id(source)
    return _stop_row(store, Source, wanted, {"active": False}, UnknownSource(f"no source with id {wanted}"))


def _stop_row(
    store: Store, model: type[Story] | type[Source], wanted: int, stopped: dict[str, object], unknown: StoreError
) -> bool:
    """Set `stopped` on the row `wanted` of `model` if it is active: True when this call stopped it, False when it
    was stopped already (left as it is); `unknown` is raised when there is no such row."""
    stopping = update(model).where(model.id == wanted, model.active.is_(True)).values(**stopped).returning(model.id)

    def run(session: Session) -> bool:
        if session.execute(stopping).first() is not None:
            return True
        if session.get(model, wanted) is None:
            raise unknown
        return False

    return store.write(run)


def resume_source(store: Store, source: SourceRef) -> Source:
    """Read a stopped feed again."""
    wanted = source_id(source)

    def run(session: Session) -> Source:
        session.execute(update(Source).where(Source.id == wanted).values(active=True))
        found = session.get(Source, wanted, populate_existing=True)
        if found is None:
            raise UnknownSource(f"no source with id {wanted}")
        return found

    return store.write(run)


def revive(store: Store, story: StoryRef, *, now: datetime | None = None) -> Story:
    """Watch a story again (after watching stopped): active, no failures counted, due at once."""
    return _update_story(store, story, active=True, failures=0, stop_reason=None, next_check_at=now or utcnow())


def _update_story(store: Store, story: StoryRef, **changes: Any) -> Story:
    wanted = story_id(story)

    def run(session: Session) -> Story:
        session.execute(update(Story).where(Story.id == wanted).values(**changes))
        found = session.get(Story, wanted, populate_existing=True)
        if found is None:
            raise UnknownStory(f"no story with id {wanted}")
        return found

    return store.write(run)


def record_check(
    store: Store,
    outcome: Outcome | str,
    *,
    story: StoryRef | None = None,
    source: SourceRef | None = None,
    checked_at: datetime | None = None,
    http_status: int | None = None,
    detail: str | None = None,
    duration_ms: int | None = None,
    version_id: int | None = None,
    validators: Validators | None = None,
    title: str | None = None,
) -> Check:
    """Record one fetch attempt of a story or a source that stored no version (a source's last_checked_at
    follows). A new version and its check are recorded together by `add_version`.

    In the same transaction, a story's failures in a row grow by one (a failed outcome) or go back to 0, and
    `validators` (the answer's, when it was judged) replace the story's or source's. A source takes `title`
    (a feed's own, as this read gave it), so the Feeds page names the feed rather than showing its address.
    """
    outcome = Outcome(outcome)
    if outcome is Outcome.NEW_VERSION:
        raise ValueError("a new_version check is recorded by add_version, with its version")
    if story is None and source is None:
        raise ValueError("a check belongs to a story, a source or both")
    moment = checked_at or utcnow()
    of_story = None if story is None else story_id(story)
    of_source = None if source is None else source_id(source)

    def run(session: Session) -> Check:
        if of_story is not None:
            checked = session.get(Story, of_story, with_for_update=True)
            if checked is None:
                raise UnknownStory(f"no story with id {of_story}")
            checked.failures = checked.failures + 1 if outcome.failed else 0
            _keep(checked, validators)
        if of_source is not None:
            found = session.get(Source, of_source)
            if found is None:
                raise UnknownSource(f"no source with id {of_source}")
            if found.last_checked_at is None or found.last_checked_at < moment:
                found.last_checked_at = moment
            if title:
                found.title = title
            _keep(found, validators)
        row = Check(
            story_id=of_story,
            source_id=of_source,
            checked_at=moment,
            outcome=outcome,
            http_status=http_status,
            detail=detail,
            duration_ms=duration_ms,
            version_id=version_id,
        )
        session.add(row)
        return row

    return store.write(run)


def _keep(row: Story | Source, validators: Validators | None) -> None:
    if validators is not None:
        row.etag, row.last_modified = validators.etag, validators.last_modified


def checks_of(store: Store, story: StoryRef, *, limit: int | None = None) -> list[Check]:
    """The story's checks, the latest `limit` of them (all by default), oldest first."""
    wanted = story_id(story)
    query = select(Check).where(Check.story_id == wanted).order_by(Check.checked_at.desc(), Check.id.desc())

    def run(session: Session) -> list[Check]:
        return list(reversed(session.execute(query.limit(limit)).scalars().all()))

    return store.read(run)


def checked_url(url: str, what: str) -> str:
    """`url` stripped; a StoreError when it is empty or wider than the URL columns."""
    url = url.strip()
    if not url:
        raise StoreError(f"a {what} needs a URL")
    if len(url) > MAX_URL_LENGTH:
        raise StoreError(f"the {what} URL is longer than {MAX_URL_LENGTH} characters: {url[:80]}...")
    return url


def _insert_ignore(session: Session, model: type[Source] | type[Story], values: dict[str, Any], key: str) -> None:
    """INSERT ... ON CONFLICT (key) DO NOTHING: safe when another process adds the same row at the same moment."""
    index: Sequence[str] = (key,)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(postgresql.insert(model).values(**values).on_conflict_do_nothing(index_elements=index))
    else:
        session.execute(sqlite.insert(model).values(**values).on_conflict_do_nothing(index_elements=index))
