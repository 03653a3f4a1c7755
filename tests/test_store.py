"""The version store on a real SQLite file and a real PostgreSQL server: schema, stories, versions, checks, bulk."""

from __future__ import annotations

import statistics
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import JSON, bindparam, event, func, select, text
from sqlalchemy.engine import Connection

from storytrace.store import (
    FEED_STOP_REASON,
    STOPPED_BY_HAND,
    STOPPED_ON_THE_WEB,
    NewVersion,
    Outcome,
    SourceKind,
    Store,
    UnknownSource,
    UnknownStory,
    add_source,
    add_story,
    add_version,
    add_versions_bulk,
    change_summary,
    checks_of,
    content_hash,
    due_sources,
    due_stories,
    find_source,
    find_story,
    get_story,
    log,
    open_store,
    problems,
    record_check,
    reschedule,
    resume_source,
    revive,
    schema_revision,
    stop_source,
    stop_story,
    stop_tracking,
    stories,
    story_to_feed,
    version,
    versions_of,
)
from storytrace.store.db import SCHEMA_HEAD, alembic_config
from storytrace.store.models import Base, Check, Version
from storytrace.store.types import UTCDateTime

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
V1 = "The fire started at 3 am on Tuesday. Two people were hurt. The harbour was closed."
V2 = "The fire started at 3 am on Tuesday. Three people were hurt, police said. The harbour was closed."
V3 = "The fire started at 3 am on Tuesday. Three people were hurt, police said. The harbour reopened at noon."


def _story(store: Store, url: str = "https://news.example/fire") -> int:
    return add_story(store, url, now=T0).id


# --- schema -------------------------------------------------------------------------------------------------------


def test_opening_creates_the_schema_at_head_and_reopening_changes_nothing(store_url: str) -> None:
    from alembic.script import ScriptDirectory

    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == SCHEMA_HEAD
    with open_store(store_url) as first:
        assert schema_revision(first) == SCHEMA_HEAD
        add_story(first, "https://news.example/kept")
    with open_store(store_url) as again:
        assert schema_revision(again) == SCHEMA_HEAD
        assert [s.url for s in stories(again)] == ["https://news.example/kept"]


def test_the_migrations_build_exactly_the_schema_of_the_models(store: Store) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from storytrace.store.search import include_name

    def differences(session: object) -> list[object]:
        connection = session.connection()  # type: ignore[attr-defined]
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": include_name}  # the search index aside
        )
        return list(compare_metadata(context, Base.metadata))

    assert store.read(differences) == []


def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    with open_store(f"sqlite:///{tmp_path}/pragmas.db", lock_timeout=7) as store:

        def pragmas(session: object) -> tuple[object, ...]:
            connection = session.connection()  # type: ignore[attr-defined]
            return tuple(
                connection.execute(text(f"PRAGMA {name}")).scalar()
                for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
            )

        assert store.read(pragmas) == ("wal", 1, 7000, 1)  # synchronous 1 = NORMAL


# --- sources and stories ------------------------------------------------------------------------------------------


def test_adding_a_story_twice_returns_the_same_story_unchanged(store: Store) -> None:
    feed = add_source(store, "https://news.example/rss", SourceKind.FEED, title="News", now=T0)
    assert add_source(store, " https://news.example/rss ", "feed").id == feed.id
    assert find_source(store, "https://news.example/rss") is not None
    first = add_story(store, "https://news.example/fire", source=feed, title="Fire", now=T0, check_interval_s=600)
    again = add_story(store, "https://news.example/fire", title="Other", now=T0 + timedelta(hours=1))
    assert again.id == first.id and again.title == "Fire" and again.source_id == feed.id
    assert again.added_at == T0 and again.first_seen_at == T0 and again.next_check_at == T0
    assert again.check_interval_s == 600 and again.active and again.version_count == 0
    assert find_story(store, "https://news.example/fire") is not None
    assert find_story(store, "https://news.example/other") is None
    assert [s.id for s in stories(store, source=feed)] == [first.id]
    with pytest.raises(UnknownSource):
        add_story(store, "https://news.example/orphan", source=feed.id + 99)
    with pytest.raises(UnknownStory):
        get_story(store, first.id + 99)


def test_due_stories_and_rescheduling(store: Store) -> None:
    early = add_story(store, "https://news.example/early", now=T0)
    late = add_story(store, "https://news.example/late", now=T0, next_check_at=T0 + timedelta(hours=2))
    later = add_story(store, "https://news.example/later", now=T0, next_check_at=T0 + timedelta(hours=1))
    assert [s.id for s in due_stories(store, now=T0)] == [early.id]
    assert [s.id for s in due_stories(store, now=T0 + timedelta(hours=3))] == [early.id, later.id, late.id]
    assert [s.id for s in due_stories(store, now=T0 + timedelta(hours=3), limit=1)] == [early.id]
    moved = reschedule(store, early, next_check_at=T0 + timedelta(days=1), check_interval_s=7200)
    assert moved.next_check_at == T0 + timedelta(days=1) and moved.check_interval_s == 7200
    reschedule(store, later, next_check_at=T0, active=False)
    assert [s.id for s in due_stories(store, now=T0 + timedelta(hours=3))] == [late.id]
    assert [s.id for s in stories(store, active=False)] == [later.id]


def test_stopping_a_story_or_a_feed_keeps_them_and_leaves_them_out_of_the_due_lists(store: Store) -> None:
    story = add_story(store, "https://news.example/a", now=T0)
    feed = add_source(store, "https://news.example/feed.xml", now=T0)
    assert feed.active
    assert stop_tracking(store, story.url) == "story" and stop_tracking(store, feed.url) == "feed"
    assert due_stories(store, now=T0 + timedelta(days=1)) == []
    assert due_sources(store, older_than=T0 + timedelta(days=1)) == []
    kept = find_story(store, story.url)
    assert kept is not None and not kept.active and kept.stop_reason == STOPPED_BY_HAND
    assert add_source(store, feed.url).active is False  # (adding again returns it as it is: the CLI resumes it)
    assert resume_source(store, feed).active
    assert [s.id for s in due_sources(store, older_than=T0 + timedelta(days=1))] == [feed.id]
    with pytest.raises(UnknownStory, match="not tracked: https://news.example/none"):
        stop_tracking(store, "https://news.example/none")


def test_stopping_the_address_of_a_story_that_became_a_feed_stops_the_feed(store: Store) -> None:
    story = add_story(store, "https://news.example/feed", now=T0)
    feed = story_to_feed(store, story)
    assert stop_tracking(store, story.url) == "feed"
    assert due_sources(store, older_than=T0 + timedelta(days=1)) == []
    kept = find_story(store, story.url)
    assert kept is not None and kept.stop_reason == FEED_STOP_REASON
    assert resume_source(store, feed).active


def test_stopping_by_id_keeps_everything_and_says_whether_it_stopped_anything(store: Store) -> None:
    """The web app's buttons stop a story or a feed by its id: the versions and the feed's stories stay, a second
    stop changes nothing (a story keeps the reason it stopped with), and an id nothing has is refused."""
    feed = add_source(store, "https://news.example/feed.xml", now=T0)
    story = add_story(store, "https://news.example/a", source=feed, now=T0)
    add_version(store, story, V1, captured_at=T0)
    add_version(store, story, V2, captured_at=T0 + timedelta(hours=1))
    quiet = reschedule(store, _story(store, "https://news.example/quiet"), next_check_at=None, active=False,
                       stop_reason="quiet for 30 days")
    later = T0 + timedelta(days=1)
    assert [s.id for s in due_stories(store, now=later)] == [story.id]
    assert stop_story(store, story.id, reason=STOPPED_ON_THE_WEB) is True
    assert stop_story(store, story.id) is False and stop_story(store, quiet) is False
    kept = get_story(store, story)
    assert (kept.active, kept.stop_reason, kept.next_check_at, kept.version_count) == (False, STOPPED_ON_THE_WEB,
                                                                                      None, 2)
    assert [v.number for v in versions_of(store, story)] == [1, 2]
    assert get_story(store, quiet).stop_reason == "quiet for 30 days"
    assert due_stories(store, now=later) == []
    assert revive(store, story, now=later).active and [s.id for s in due_stories(store, now=later)] == [story.id]

    assert [s.id for s in due_sources(store, older_than=later)] == [feed.id]
    assert stop_source(store, feed.id) is True and stop_source(store, feed) is False
    assert due_sources(store, older_than=later) == [] and [s.id for s in stories(store, source=feed)] == [story.id]
    assert find_story(store, story.url) is not None and get_story(store, story).active  # its stories are watched
    assert resume_source(store, feed.id).active and [s.id for s in due_sources(store, older_than=later)] == [feed.id]
    with pytest.raises(UnknownStory):
        stop_story(store, story.id + 99)
    with pytest.raises(UnknownSource):
        stop_source(store, feed.id + 99)


def test_times_are_timezone_aware_utc_and_naive_times_are_refused(store: Store) -> None:
    paris = timezone(timedelta(hours=1))
    story = add_story(store, "https://news.example/tz", now=datetime(2025, 3, 1, 10, 0, tzinfo=paris))
    assert story.added_at == T0 and story.added_at.tzinfo is UTC
    stored = get_story(store, story)
    assert stored.added_at == T0 and stored.added_at.tzinfo is UTC
    with pytest.raises(ValueError, match="naive"):
        add_story(store, "https://news.example/naive", now=datetime(2025, 3, 1, 9, 0))


# --- versions -----------------------------------------------------------------------------------------------------


def test_versions_are_numbered_and_every_attempt_is_a_check(store: Store) -> None:
    story = _story(store)
    first = add_version(store, story, V1, captured_at=T0, title="Fire", http_status=200, etag='"a"',
                        extractor="trafilatura 2.3.1", detail="GET", duration_ms=120)
    assert first is not None and first.number == 1 and first.change_summary is None
    second = add_version(store, story, V2, captured_at=T0 + timedelta(minutes=10), title="Fire: three hurt")
    assert second is not None and second.number == 2
    assert second.change_summary == change_summary(V1, V2)
    assert second.change_summary == {"unchanged": 2, "minor": 0, "substantive": 1, "added": 0, "deleted": 0}
    # The same text, the same text bar whitespace, and the first text back again: checks, not versions.
    assert add_version(store, story, V2, captured_at=T0 + timedelta(minutes=20)) is None
    assert add_version(store, story, V2.replace(". ", ".\n\n  "), captured_at=T0 + timedelta(minutes=30)) is None
    assert add_version(store, story, V1, captured_at=T0 + timedelta(minutes=40)) is None
    third = add_version(store, story, V3, captured_at=T0 + timedelta(minutes=50))
    assert third is not None and third.number == 3

    checks = checks_of(store, story)
    assert [(c.outcome, c.version_id) for c in checks] == [
        (Outcome.NEW_VERSION, first.id),
        (Outcome.NEW_VERSION, second.id),
        (Outcome.UNCHANGED, second.id),
        (Outcome.WHITESPACE_ONLY, second.id),
        (Outcome.FLIP_FLOP, first.id),
        (Outcome.NEW_VERSION, third.id),
    ]
    assert (checks[0].http_status, checks[0].detail, checks[0].duration_ms) == (200, "GET", 120)
    assert [c.checked_at for c in checks] == [T0 + timedelta(minutes=10 * i) for i in range(6)]
    assert [c.id for c in checks_of(store, story, limit=2)] == [c.id for c in checks[-2:]]
    updated = get_story(store, story)
    assert updated.version_count == 3 and updated.last_change_at == T0 + timedelta(minutes=50)
    assert updated.title == "Fire: three hurt"
    assert problems(store) == []


def test_the_content_hash_ignores_whitespace_only() -> None:
    assert content_hash("A  b\n\nc\u00a0d\u200b") == content_hash("A b c d")
    assert content_hash("A b c d") != content_hash("a b c d")
    assert content_hash("\u201cQuoted\u201d") != content_hash('"Quoted"')
    assert len(content_hash("x")) == 64


def test_a_full_version_round_trips_and_its_html_is_stored_compressed(store: Store) -> None:
    story = _story(store)
    html = ("<html><body>" + "<p>The harbour was closed after the fire.</p>" * 300 + "</body></html>").encode()
    published = datetime(2025, 2, 28, 23, 0, tzinfo=UTC)
    added = add_version(
        store, story, V1, captured_at=T0, title="Fire", byline="A. Reporter", published_at=published,
        updated_at=published + timedelta(hours=1), raw_html=html, http_status=200, etag='W/"1"',
        last_modified="Sat, 01 Mar 2025 08:00:00 GMT", extractor="trafilatura 2.3.1",
        change_summary={"unchanged": 3, "minor": 0, "substantive": 0, "added": 0, "deleted": 0},
    )
    assert added is not None
    loaded = version(store, story, 1)
    assert loaded is not None
    assert (loaded.text, loaded.raw_html, loaded.title, loaded.byline) == (V1, html, "Fire", "A. Reporter")
    assert (loaded.published_at, loaded.updated_at) == (published, published + timedelta(hours=1))
    assert (loaded.etag, loaded.last_modified, loaded.extractor) == ('W/"1"', "Sat, 01 Mar 2025 08:00:00 GMT",
                                                                     "trafilatura 2.3.1")
    assert loaded.content_hash == content_hash(V1) and loaded.captured_at == T0
    assert loaded.change_summary == {"unchanged": 3, "minor": 0, "substantive": 0, "added": 0, "deleted": 0}
    stored_bytes = store.read(
        lambda session: session.execute(text("SELECT raw_html FROM versions WHERE id = :id"), {"id": added.id}).scalar()
    )
    assert 0 < len(bytes(stored_bytes)) < len(html) // 5


def test_choosing_a_version(store: Store) -> None:
    story = _story(store)
    assert version(store, story, "latest") is None
    for i, body in enumerate((V1, V2, V3)):
        add_version(store, story, body, captured_at=T0 + timedelta(hours=i), summarise=False)
    first, latest, second = version(store, story, "first"), version(store, story, "latest"), version(store, story, 2)
    assert first is not None and latest is not None and second is not None
    assert (first.text, second.text, latest.text) == (V1, V2, V3)
    assert version(store, story, 4) is None
    with pytest.raises(ValueError):
        version(store, story, "newest")  # type: ignore[arg-type]
    with pytest.raises(UnknownStory):
        add_version(store, story + 99, V1)
    with pytest.raises(ValueError, match="NUL"):
        add_version(store, story, "binary\x00data")


def test_versions_of_and_log_list_versions_without_texts(store: Store) -> None:
    url = "https://news.example/fire"
    story = add_story(store, url, now=T0)
    for i, body in enumerate((V1, V2, V3)):
        add_version(store, story, body, captured_at=T0 + timedelta(hours=i), title=f"Take {i + 1}")
    infos = versions_of(store, story)
    assert [(v.number, v.title, v.captured_at) for v in infos] == [
        (i + 1, f"Take {i + 1}", T0 + timedelta(hours=i)) for i in range(3)
    ]
    assert not hasattr(infos[0], "text") and infos[0].change_summary is None
    assert infos[2].change_summary == change_summary(V2, V3)
    history = log(store, url)
    assert history.story.id == story.id
    assert [(e.number, e.title, e.captured_at) for e in history.entries] == [
        (v.number, v.title, v.captured_at) for v in infos
    ]
    assert [e.change_summary for e in history.entries] == [v.change_summary for v in infos]
    assert [e.number for e in log(store, url, limit=2).entries] == [2, 3]
    with pytest.raises(UnknownStory, match="no story is tracked at https://news.example/none"):
        log(store, "https://news.example/none")


def test_log_runs_two_queries_whatever_the_number_of_versions(store: Store) -> None:
    url = "https://news.example/long"
    story = add_story(store, url, now=T0)
    add_versions_bulk(store, ((story, NewVersion(f"Text {i}.", captured_at=T0)) for i in range(300)))
    statements: list[str] = []

    def count(conn: Connection, cursor: object, statement: str, *args: object) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        assert len(log(store, url).entries) == 300
        assert len(versions_of(store, story)) == 300
    finally:
        event.remove(store.engine, "before_cursor_execute", count)
    assert len(statements) == 3, statements
    assert all(" text" not in s.lower().replace("as text", "") and "raw_html" not in s for s in statements[1:])


def test_log_reads_the_story_through_the_index(tmp_path: Path) -> None:
    """On SQLite (PostgreSQL picks plans from table statistics; the timing test below covers it)."""
    with open_store(f"sqlite:///{tmp_path / 'plan.db'}") as store:
        plan = store.read(
            lambda session: " ".join(
                str(row[-1])
                for row in session.execute(
                    text("EXPLAIN QUERY PLAN SELECT number, captured_at, title FROM versions WHERE story_id = 1 "
                         "ORDER BY number")
                )
            )
        )
    # A search of the (story_id, number) unique index, which also gives the order: no scan, no sort.
    assert "SEARCH versions USING INDEX" in plan and "(story_id=?)" in plan and "TEMP B-TREE" not in plan


def test_log_of_one_story_is_fast_among_100000_versions(store: Store) -> None:
    """The scale the store is built for: the log of one story stays well under 50 ms with 100,000 versions stored
    (1,000 stories of 100 versions, written straight in SQL to keep the test quick)."""
    summary = {"unchanged": 10, "minor": 1, "substantive": 1, "added": 0, "deleted": 0}
    series = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {}) "
    when = bindparam("t0", T0, type_=UTCDateTime)

    def fill(session: object) -> None:
        execute = session.execute  # type: ignore[attr-defined]
        execute(
            text(
                series.format(1000) + "INSERT INTO stories (url, title, added_at, first_seen_at, next_check_at, "
                "check_interval_s, active, version_count) SELECT 'https://news.example/s/' || i, 'Story ' || i, "
                ":t0, :t0, :t0, 3600, true, 100 FROM n"
            ).bindparams(when)
        )
        execute(
            text(
                series.format(100) + "INSERT INTO versions (story_id, number, captured_at, content_hash, title, "
                "text, change_summary) SELECT s.id, n.i, :t0, 'hash-' || n.i, 'Title ' || n.i, "
                "'Words of the article, version ' || n.i, :summary FROM stories s CROSS JOIN n"
            ).bindparams(when, bindparam("summary", summary, type_=JSON))
        )
        execute(
            text(
                "INSERT INTO checks (story_id, checked_at, outcome, version_id) "
                "SELECT story_id, captured_at, 'new_version', id FROM versions"
            )
        )

    store.write(fill)
    assert problems(store) == []
    url = "https://news.example/s/500"
    log(store, url)
    times = []
    for _ in range(9):
        started = time.perf_counter()
        entries = log(store, url).entries
        times.append(time.perf_counter() - started)
    assert [e.number for e in entries] == list(range(1, 101)) and entries[-1].change_summary == summary
    assert statistics.median(times) < 0.05, times


# --- checks -------------------------------------------------------------------------------------------------------


def test_recording_checks_of_stories_and_sources(store: Store) -> None:
    feed = add_source(store, "https://news.example/rss", "feed", now=T0)
    story = _story(store)
    record_check(store, Outcome.FEED_PARSED, source=feed, checked_at=T0, detail="12 items", duration_ms=80)
    record_check(store, "http_error", story=story, checked_at=T0, http_status=503)
    record_check(store, "not_modified", story=story, checked_at=T0 + timedelta(minutes=5), http_status=304)
    assert find_source(store, feed.url).last_checked_at == T0  # type: ignore[union-attr]
    assert [(c.outcome, c.http_status) for c in checks_of(store, story)] == [
        (Outcome.HTTP_ERROR, 503),
        (Outcome.NOT_MODIFIED, 304),
    ]
    with pytest.raises(ValueError):
        record_check(store, "new_version", story=story)
    with pytest.raises(ValueError):
        record_check(store, "exploded", story=story)
    with pytest.raises(ValueError):
        record_check(store, "http_error")
    with pytest.raises(UnknownStory):
        record_check(store, "http_error", story=story + 99)


# --- bulk ---------------------------------------------------------------------------------------------------------


def test_bulk_import_numbers_on_skips_known_texts_and_checks_everything(store: Store) -> None:
    a = add_story(store, "https://news.example/a", now=T0)
    b = add_story(store, "https://news.example/b", now=T0)
    add_version(store, a, "A one.", captured_at=T0)
    items = [
        (a, NewVersion("A two.", captured_at=T0 + timedelta(hours=1), title="A2")),
        (b, NewVersion("B one.", captured_at=T0 + timedelta(hours=1))),
        (a, NewVersion("A  two.", captured_at=T0 + timedelta(hours=2))),  # whitespace only: the latest again
        (a, NewVersion("A one.", captured_at=T0 + timedelta(hours=3))),  # flip-flop to a stored version
        (b, NewVersion("B two.", captured_at=T0 + timedelta(hours=3), raw_html=b"<p>B two.</p>")),
        (a, NewVersion("A three.", captured_at=T0 + timedelta(hours=4))),
    ]
    result = add_versions_bulk(store, items, batch_size=4)
    assert (result.added, result.skipped) == (4, 2)
    assert [v.number for v in versions_of(store, a)] == [1, 2, 3]
    assert [version(store, a, n).text for n in (1, 2, 3)] == ["A one.", "A two.", "A three."]  # type: ignore[union-attr]
    assert version(store, b, 2).raw_html == b"<p>B two.</p>"  # type: ignore[union-attr]
    assert [(c.outcome, c.detail) for c in checks_of(store, a)][1:] == [
        (Outcome.NEW_VERSION, "import"),
        (Outcome.UNCHANGED, "import"),
        (Outcome.FLIP_FLOP, "import"),
        (Outcome.NEW_VERSION, "import"),
    ]
    matched = checks_of(store, a)[3].version_id
    assert matched == version(store, a, 1).id  # type: ignore[union-attr]
    story_a = get_story(store, a)
    assert (story_a.version_count, story_a.title, story_a.last_change_at) == (3, "A2", T0 + timedelta(hours=4))
    # Importing the same items again adds nothing.
    assert add_versions_bulk(store, items).added == 0
    assert problems(store) == []
    with pytest.raises(UnknownStory):
        add_versions_bulk(store, [(b.id + 99, NewVersion("x"))])


def test_bulk_import_of_10000_versions_takes_seconds(store: Store) -> None:
    ids = [add_story(store, f"https://news.example/bulk/{i}", now=T0).id for i in range(100)]
    body = "The council met on Tuesday and approved the harbour plan, officials said. " * 20
    html = b"<html><body><p>" + body.encode() + b"</p></body></html>"
    started = time.perf_counter()
    result = add_versions_bulk(
        store,
        (
            (sid, NewVersion(f"Version {n}. {body}", captured_at=T0 + timedelta(minutes=n), raw_html=html))
            for sid in ids
            for n in range(100)
        ),
    )
    elapsed = time.perf_counter() - started
    assert result.added == 10_000
    assert elapsed < 30, elapsed
    counted = store.read(
        lambda session: (
            session.scalar(select(func.count()).select_from(Version)),
            session.scalar(select(func.count()).select_from(Check)),
        )
    )
    assert counted == (10_000, 10_000)
    assert problems(store) == []
