"""Migration 0005: a store made at 0004, whose canonical URLs wrote a bare query key `?5` as `?5=`, is upgraded to
keys canonical_url now gives, every row kept; and downgraded back. On SQLite and PostgreSQL."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import func, select

from storytrace.store import (
    Outcome,
    Store,
    add_source,
    add_story,
    add_version,
    checks_of,
    find_source,
    find_story,
    open_store,
    problems,
    record_check,
    schema_revision,
    version,
)
from storytrace.store.db import SCHEMA_HEAD, alembic_config
from storytrace.store.models import Check, Source, Story, Version
from storytrace.store.search import search_stories
from storytrace.track.urls import canonical_url

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
TEXT = "Fire crews fought a blaze at the harbour on Tuesday. Two people were treated for smoke."
SITE = "https://gazette.example"


def _migrate(store: Store, step: Callable[[Config, str], None], target: str) -> None:
    """command.upgrade or command.downgrade to `target` on the open store (open_store would go to head)."""
    with store.engine.connect() as connection, connection.begin():
        config = alembic_config()
        config.attributes["connection"] = connection
        step(config, target)


def _fill_at_0004(store: Store) -> dict[str, int]:
    """What storytrace at 0004 stored: canonical URLs with `k=` for a bare key, beside URLs it left alone."""
    feed = add_source(store, f"{SITE}/feed?rss=", now=T0)  # the feed at /feed?rss
    ids = {}
    for key, url in (("bare", f"{SITE}/story?5="), ("mixed", f"{SITE}/?print=&id=7"),
                     ("valued", f"{SITE}/a?id=3&page=2"), ("escaped", f"{SITE}/b?q=a%2Fb"),
                     ("tracked_twin", f"{SITE}/c?7="), ("imported_twin", f"{SITE}/c?7"),
                     ("not_canonical", "HTTPS://Gazette.example/d?x="), ("imported_key", "archive:news/fire")):
        story = add_story(store, url, source=feed if key != "imported_twin" else None, now=T0)
        ids[key] = story.id
        add_version(store, story, f"{TEXT} Story {key}.", captured_at=T0)
    add_version(store, ids["bare"], TEXT + " The quay reopened.", captured_at=T0 + timedelta(hours=1))
    record_check(store, Outcome.NOT_MODIFIED, story=ids["bare"], checked_at=T0 + timedelta(hours=2))
    add_version(store, ids["tracked_twin"], TEXT + " A second text.", captured_at=T0 + timedelta(hours=1))
    ids["feed"] = feed.id
    return ids


def _urls(store: Store) -> dict[int, str]:
    rows = store.read(lambda s: s.execute(select(Story.id, Story.url)).all())
    return dict(rows)


def _counts(store: Store) -> dict[str, int]:
    return store.read(lambda s: {m.__tablename__: s.scalar(select(func.count()).select_from(m))
                                 for m in (Story, Version, Check, Source)})


def test_upgrading_from_0004_gives_bare_keys_back_and_keeps_every_row(
    store_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    with open_store(store_url) as store:
        _migrate(store, command.downgrade, "0004")  # a store at the previous head, filled as that storytrace filled it
        assert schema_revision(store) == "0004"
        ids = _fill_at_0004(store)
        before, urls_before = _counts(store), _urls(store)
    with caplog.at_level(logging.WARNING, logger="storytrace.store"), open_store(store_url) as store:
        assert schema_revision(store) == SCHEMA_HEAD == "0005"
        after = _urls(store)
        assert _counts(store) == before and problems(store) == []
        assert after == {**urls_before, ids["bare"]: f"{SITE}/story?5", ids["mixed"]: f"{SITE}/?print&id=7"}
        # The story is found again as the tracker now spells the address, with its versions and checks.
        story = find_story(store, canonical_url(f"{SITE}/story?5&utm_source=rss"))
        assert story is not None and story.id == ids["bare"] and story.version_count == 2
        assert version(store, story, "latest").text.endswith("The quay reopened.")  # type: ignore[union-attr]
        assert [c.outcome for c in checks_of(store, story)][-1] == Outcome.NOT_MODIFIED
        feed = find_source(store, canonical_url(f"{SITE}/feed?rss"))
        assert feed is not None and feed.id == ids["feed"]
        # Collapse: `?7=` (tracked) would become `?7`, which the imported story holds: both kept as they were.
        assert (after[ids["imported_twin"]], after[ids["tracked_twin"]]) == (f"{SITE}/c?7", f"{SITE}/c?7=")
        assert find_story(store, f"{SITE}/c?7=").version_count == 2  # type: ignore[union-attr]
        assert find_story(store, canonical_url(f"{SITE}/c?7=")).id == ids["tracked_twin"]  # type: ignore[union-attr]
        assert any("1 row(s) of stories kept their URL" in r.getMessage() and "/c?7=" in r.getMessage()
                   for r in caplog.records)
        # Split: `a%2Fb` may have been `a/b`; the story keeps the stored spelling whole.
        assert after[ids["escaped"]] == f"{SITE}/b?q=a%2Fb"
        # 0002's triggers still index a new version of a story whose URL changed.
        add_version(store, story, TEXT + " An inquiry begins on Thursday.", captured_at=T0 + timedelta(days=1))
        assert [s.id for s in search_stories(store, "inquiry")] == [story.id]
        grown = _counts(store)
        _migrate(store, command.downgrade, "0004")
        assert _urls(store) == urls_before and _counts(store) == grown
        assert store.read(lambda s: s.get(Source, ids["feed"])).url == f"{SITE}/feed?rss="  # type: ignore[union-attr]
        _migrate(store, command.upgrade, "0005")
        assert _urls(store) == after and problems(store) == []
