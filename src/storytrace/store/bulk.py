"""Importing many versions at once (a corpus, another tool's archive): one transaction and a few multi-row
statements per batch instead of several round trips per version.

The rules are those of `add_version`: versions are numbered on from each story's latest, a text the story already
has (in the store or earlier in the same import) is not stored again, and every version gets its `new_version`
check (detail "import" by default). Change summaries are stored as given, not computed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from itertools import islice
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from storytrace.store.content import content_hash
from storytrace.store.db import Store
from storytrace.store.errors import UnknownStory
from storytrace.store.models import Base, Outcome, Story, Version
from storytrace.store.repository import StoryRef, story_id
from storytrace.store.types import utcnow
from storytrace.store.versions import NewVersion

DEFAULT_BATCH = 1000
MAX_BATCH = 5000  # keeps every statement's IN lists well under SQLite's limit on bound parameters


@dataclass(frozen=True)
class BulkResult:
    added: int  # versions stored
    skipped: int  # texts the story already had: recorded as checks only


def add_versions_bulk(
    store: Store,
    items: Iterable[tuple[StoryRef, NewVersion]],
    *,
    batch_size: int = DEFAULT_BATCH,
    detail: str | None = "import",
) -> BulkResult:
    """Add (story, version) pairs in input order, `batch_size` (at most 5000) per transaction.

    A failure leaves the batches before it committed and nothing of the failing batch; importing the same items
    again then skips what is already stored.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    batch_size = min(batch_size, MAX_BATCH)
    added = skipped = 0
    for batch in _batches(items, batch_size):
        prepared = [(story_id(story), new, content_hash(new.text), new.captured_at or utcnow()) for story, new in batch]
        done = store.write(partial(_write_batch, prepared=prepared, detail=detail), retry_integrity=True)
        added += done.added
        skipped += done.skipped
    return BulkResult(added, skipped)


def _batches(items: Iterable[tuple[StoryRef, NewVersion]], size: int) -> Iterator[list[tuple[StoryRef, NewVersion]]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _write_batch(
    session: Session, *, prepared: list[tuple[int, NewVersion, str, datetime]], detail: str | None
) -> BulkResult:
    ids = sorted({sid for sid, _, _, _ in prepared})
    # Lock the stories in id order (two importers never wait on each other in a cycle).
    locked = {
        s.id: s
        for s in session.execute(select(Story).where(Story.id.in_(ids)).order_by(Story.id).with_for_update()).scalars()
    }
    missing = [sid for sid in ids if sid not in locked]
    if missing:
        raise UnknownStory(f"no story with id {missing[0]}")
    latest: dict[int, int] = {
        sid: number
        for sid, number in session.execute(
            select(Version.story_id, func.max(Version.number))
            .where(Version.story_id.in_(ids))
            .group_by(Version.story_id)
        )
    }
    hashes = {digest for _, _, digest, _ in prepared}
    # (story, hash) -> (number, id) of the versions already stored; new ones get their id after the insert.
    known: dict[tuple[int, str], tuple[int, int | None]] = {
        (sid, digest): (number, vid)
        for sid, digest, number, vid in session.execute(
            select(Version.story_id, Version.content_hash, Version.number, Version.id).where(
                Version.story_id.in_(ids), Version.content_hash.in_(hashes)
            )
        )
    }
    versions: list[dict[str, Any]] = []
    checks: list[tuple[tuple[int, str], dict[str, Any]]] = []
    for sid, new, digest, moment in prepared:
        key = (sid, digest)
        check = {"story_id": sid, "checked_at": moment, "http_status": new.http_status, "detail": detail}
        if key in known:
            number = known[key][0]
            outcome = Outcome.UNCHANGED if number == latest.get(sid, 0) else Outcome.FLIP_FLOP
            checks.append((key, {**check, "outcome": outcome}))
            continue
        number = latest.get(sid, 0) + 1
        latest[sid] = number
        known[key] = (number, None)
        versions.append(
            {
                "story_id": sid, "number": number, "captured_at": moment, "content_hash": digest,
                "change_summary": new.change_summary, **new.columns(),
            }
        )
        checks.append((key, {**check, "outcome": Outcome.NEW_VERSION}))
    if versions:
        table = Base.metadata.tables["versions"]
        inserted = session.connection().execute(
            insert(table).returning(table.c.id, sort_by_parameter_order=True), versions
        )
        for row, vid in zip(versions, inserted.scalars(), strict=True):
            known[(row["story_id"], row["content_hash"])] = (row["number"], vid)
    session.connection().execute(
        insert(Base.metadata.tables["checks"]), [{**check, "version_id": known[key][1]} for key, check in checks]
    )
    # The stories' counters, set once per story (the rows are in number order).
    count: dict[int, int] = {}
    changed: dict[int, datetime] = {}
    titles: dict[int, str] = {}
    for row in versions:
        sid = row["story_id"]
        count[sid] = row["number"]
        changed[sid] = max(changed.get(sid, row["captured_at"]), row["captured_at"])
        if row["title"]:
            titles[sid] = row["title"]
    for sid, number in count.items():
        story = locked[sid]
        story.version_count = number
        story.last_change_at = changed[sid] if story.last_change_at is None else max(story.last_change_at, changed[sid])
        if sid in titles:
            story.title = titles[sid]
    return BulkResult(len(versions), len(checks) - len(versions))
