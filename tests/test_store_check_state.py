"""What the store remembers between checks (migration 0003): the last answer's validators, failures in a row, why
watching stopped; and upgrading a store from 0002 keeps every row. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, inspect, select

from storytrace.store import (
    Outcome,
    Store,
    Validators,
    add_source,
    add_story,
    add_version,
    due_stories,
    get_story,
    open_store,
    problems,
    record_check,
    reschedule,
    revive,
    schema_revision,
)
from storytrace.store.db import SCHEMA_HEAD, alembic_config
from storytrace.store.models import Check, Source, Story, Version
from storytrace.store.search import search_stories

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
TEXT = "Fire crews fought a blaze at the harbour on Tuesday. Two people were treated for smoke."


def test_checks_keep_failures_in_a_row_and_the_answers_validators(store: Store) -> None:
    story = add_story(store, "https://gazette.example/fire", now=T0)
    add_version(store, story, TEXT, etag='"v1"', last_modified="Sat, 01 Mar 2025 09:00:00 GMT", captured_at=T0)
    assert (get_story(store, story).etag, get_story(store, story).failures) == ('"v1"', 0)
    record_check(store, Outcome.HTTP_ERROR, story=story, checked_at=T0 + timedelta(hours=1))
    record_check(store, Outcome.PAYWALL, story=story, checked_at=T0 + timedelta(hours=2))
    failing = get_story(store, story)
    assert (failing.failures, failing.etag) == (2, '"v1"')  # a failure keeps the validators it was sent with
    # The same text again, in a page whose furniture changed: the answer's validators, not the version's, are kept.
    assert add_version(store, story, TEXT, etag='"v1-new-sidebar"', last_modified=None) is None
    reread = get_story(store, story)
    assert (reread.failures, reread.etag, reread.last_modified, reread.version_count) == (0, '"v1-new-sidebar"',
                                                                                          None, 1)
    record_check(store, Outcome.NOT_MODIFIED, story=story, validators=Validators('"v1-b"', "Sun, 02 Mar 2025"))
    assert (get_story(store, story).etag, get_story(store, story).last_modified) == ('"v1-b"', "Sun, 02 Mar 2025")
    feed = add_source(store, "https://gazette.example/rss")
    record_check(store, Outcome.NOT_MODIFIED, source=feed, validators=Validators('"f1"', None))
    assert store.read(lambda s: s.get(Source, feed.id)).etag == '"f1"'  # type: ignore[union-attr]


def test_a_stopped_story_keeps_its_reason_until_revived(store: Store) -> None:
    story = add_story(store, "https://gazette.example/gone", now=T0)
    for hour in (1, 2, 3):
        record_check(store, Outcome.HTTP_ERROR, story=story, checked_at=T0 + timedelta(hours=hour))
    stopped = reschedule(store, story, next_check_at=None, active=False, stop_reason="3 failed checks in a row")
    assert (stopped.active, stopped.failures, stopped.stop_reason) == (False, 3, "3 failed checks in a row")
    assert due_stories(store, now=T0 + timedelta(days=365)) == []
    back = revive(store, story, now=T0 + timedelta(days=1))
    assert (back.active, back.failures, back.stop_reason, back.next_check_at) == (True, 0, None,
                                                                                  T0 + timedelta(days=1))
    assert [s.id for s in due_stories(store, now=T0 + timedelta(days=1))] == [story.id]


def test_upgrading_from_0002_keeps_every_row_and_fills_in_the_new_columns(store_url: str) -> None:
    from alembic import command

    with open_store(store_url) as store:
        fire = add_story(store, "https://gazette.example/news/harbour-fire", now=T0)
        add_version(store, fire, TEXT, etag='"a"', captured_at=T0)
        add_version(store, fire, TEXT + " The quay reopened.", etag='"b"',
                    last_modified="Sat, 01 Mar 2025 10:00:00 GMT", captured_at=T0 + timedelta(hours=1))
        for hour, outcome in ((2, Outcome.NETWORK_ERROR), (3, Outcome.NOT_MODIFIED), (4, Outcome.HTTP_ERROR),
                              (5, Outcome.TRUNCATED)):
            record_check(store, outcome, story=fire, checked_at=T0 + timedelta(hours=hour))
        quiet = add_story(store, "https://courier.example/quiet", now=T0)
        add_source(store, "https://courier.example/rss")
        before = _counts(store)
        with store.engine.connect() as connection, connection.begin():
            config = alembic_config()
            config.attributes["connection"] = connection
            command.downgrade(config, "0002")
            assert "failures" not in {c["name"] for c in inspect(connection).get_columns("stories")}
            assert "etag" not in {c["name"] for c in inspect(connection).get_columns("sources")}
    with open_store(store_url) as store:
        assert schema_revision(store) == SCHEMA_HEAD
        assert _counts(store) == before
        upgraded = get_story(store, fire)
        assert (upgraded.etag, upgraded.last_modified) == ('"b"', "Sat, 01 Mar 2025 10:00:00 GMT")
        assert upgraded.failures == 2  # the two failed checks after the last 304
        assert (get_story(store, quiet).etag, get_story(store, quiet).failures) == (None, 0)
        assert problems(store) == []
        # The search triggers of 0002 still work: a new version of an upgraded story is indexed.
        later = T0 + timedelta(days=1)
        add_version(store, fire, TEXT + " An inquiry into the blaze begins on Thursday.", captured_at=later)
        assert [s.url for s in search_stories(store, "inquiry")] == [fire.url]


def _counts(store: Store) -> dict[str, int]:
    def run(session: object) -> dict[str, int]:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model))  # type: ignore[attr-defined]
            for model in (Story, Version, Check, Source)
        }

    return store.read(run)
