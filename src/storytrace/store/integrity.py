"""Checking a store's invariants: what a crash, a bug or a hand edit could have broken.

`problems(store)` is empty for a healthy store: every story's versions are numbered 1..n without gaps and the
story says n, every version has its `new_version` check, and (SQLite) the file passes `PRAGMA integrity_check`
and `PRAGMA foreign_key_check`.
"""

from __future__ import annotations

from sqlalchemy import and_, exists, func, select, text
from sqlalchemy.orm import Session

from storytrace.store.db import Store
from storytrace.store.models import Check, Outcome, Story, Version

_SHOWN = 20  # problems of one kind listed before "and N more"


def problems(store: Store) -> list[str]:
    """One line per problem found; empty when the store is consistent."""
    return store.read(_problems)


def _problems(session: Session) -> list[str]:
    found: list[str] = []
    if session.get_bind().dialect.name == "sqlite":
        result = [row[0] for row in session.execute(text("PRAGMA integrity_check"))]
        if result != ["ok"]:
            found.extend(f"integrity_check: {line}" for line in result[:_SHOWN])
        for table, rowid, parent, _ in session.execute(text("PRAGMA foreign_key_check")).all()[:_SHOWN]:
            found.append(f"foreign_key_check: {table} row {rowid} refers to a missing {parent} row")

    counts = (
        select(
            Version.story_id,
            func.count().label("n"),
            func.min(Version.number).label("low"),
            func.max(Version.number).label("high"),
        )
        .group_by(Version.story_id)
        .subquery()
    )
    gaps = session.execute(
        select(counts.c.story_id, counts.c.n, counts.c.low, counts.c.high)
        .where((counts.c.low != 1) | (counts.c.high != counts.c.n))
        .order_by(counts.c.story_id)
    ).all()
    found.extend(
        f"story {sid}: {n} versions numbered {low}..{high}, not 1..{n}" for sid, n, low, high in gaps[:_SHOWN]
    )
    _more(found, len(gaps))

    stale = session.execute(
        select(Story.id, Story.version_count, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.story_id == Story.id)
        .where(Story.version_count != func.coalesce(counts.c.n, 0))
        .order_by(Story.id)
    ).all()
    found.extend(f"story {sid}: version_count is {said} but it has {n} versions" for sid, said, n in stale[:_SHOWN])
    _more(found, len(stale))

    has_check = exists().where(and_(Check.version_id == Version.id, Check.outcome == Outcome.NEW_VERSION))
    unchecked = session.execute(
        select(Version.story_id, Version.number).where(~has_check).order_by(Version.story_id, Version.number)
    ).all()
    found.extend(f"story {sid}: version {number} has no new_version check" for sid, number in unchecked[:_SHOWN])
    _more(found, len(unchecked))
    return found


def _more(found: list[str], count: int) -> None:
    if count > _SHOWN:
        found.append(f"... and {count - _SHOWN} more of the kind above")
