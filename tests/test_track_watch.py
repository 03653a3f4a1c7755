"""What the watcher remembers between checks and how it schedules them, against the loopback news site on SQLite
and PostgreSQL: the last answer's validators (stories and feeds), failures in a row across runs, and a rolling pool
that a hanging page does not hold up."""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta

import pytest
from rich.console import Console

from storytrace.demo.site import NewsSite
from storytrace.fetch import ScheduleOptions
from storytrace.report.tracking import log_document, render_log
from storytrace.store import (
    FEED_STOP_REASON,
    Outcome,
    Store,
    StoreError,
    add_source,
    add_story,
    checks_of,
    find_source,
    find_story,
    get_story,
    log,
    problems,
    record_check,
    stories,
    story_to_feed,
)
from storytrace.track.checks import Tracker, check_feed, check_story, track_url
from storytrace.track.watcher import watch

from .fetch_support import roft_article
from .test_track import CONFIG, run


@pytest.fixture
def site() -> Iterator[NewsSite]:
    with NewsSite([roft_article(0, "first"), roft_article(1, "second")]) as running:
        yield running


def _check(store: Store, url: str) -> str:
    story = find_story(store, url)
    assert story is not None
    return str(run(store, lambda t: check_story(t, story)).outcome)


def test_the_last_answers_validators_are_sent_not_the_latest_versions(store: Store, site: NewsSite) -> None:
    first, second = site.url("/news/first"), site.url("/news/second")
    for url in (first, second):
        assert run(store, lambda t, url=url: track_url(t, url)).outcome == "new_version"
    site.set_revision("second", 2)  # a new headline: the "most read" box on the first page changes, its text not
    assert _check(store, first) == "unchanged"  # a 200: the box is not the article
    assert _check(store, first) == "not_modified"  # that 200's ETag was kept, so now a 304
    assert site.log.headers_of("/news/first")["If-None-Match"] == get_story(store, find_story(store, first)).etag
    assert _check(store, second) == "new_version"
    site.set_revision("second", 0)  # the older copy comes back (a flip-flop, not stored again)
    assert _check(store, second) == "flip_flop"
    assert _check(store, second) == "not_modified"
    assert problems(store) == []


def test_a_feed_read_is_conditional_and_a_304_is_a_successful_read(store: Store, site: NewsSite) -> None:
    url = site.url("/feeds/rss.xml")
    add_source(store, url)

    def read() -> str:
        source = find_source(store, url)
        assert source is not None
        report = run(store, lambda t: check_feed(t, source))
        assert not report.failed
        return str(report.outcome)

    assert read() == "feed_parsed"
    assert read() == "not_modified"
    assert "If-None-Match" in site.log.headers_of("/feeds/rss.xml")
    site.set_revision("first", 2)  # a new headline: the feed changed
    assert read() == "feed_parsed"
    assert read() == "not_modified"
    source = find_source(store, url)
    assert source is not None and source.etag is not None and source.last_checked_at is not None


def test_a_story_that_turns_out_to_be_a_feed_becomes_one(store: Store, site: NewsSite) -> None:
    """The web app adds a URL as a story without fetching it; when the watcher finds a feed there, the URL is
    tracked as a feed (its articles become stories) and the story, which has no versions, is no longer watched,
    saying why (it stays: its id is not given to another story)."""
    url = site.url("/feeds/rss.xml")
    story = add_story(store, url)  # what POST /stories does
    record_check(store, Outcome.NETWORK_ERROR, story=story, detail="the host was down")  # an earlier try
    report = run(store, lambda t: check_story(t, get_story(store, story)))
    assert report.outcome == "feed_parsed" and not report.failed
    assert report.detail.startswith("a feed, tracked as one from now on: ")
    kept = get_story(store, story)
    assert (kept.active, kept.stop_reason, kept.next_check_at) == (False, FEED_STOP_REASON, None)
    assert [c.outcome for c in checks_of(store, kept)] == [Outcome.NETWORK_ERROR]
    source = find_source(store, url)
    assert source is not None and source.last_checked_at is not None
    articles = {site.url("/news/first"), site.url("/news/second")}
    assert {s.url for s in stories(store)} == {url, *articles}
    assert all(s.id > kept.id for s in stories(store) if s.url in articles)  # new ids, none reused
    assert run(store, lambda t: watch(t, once=True)).checks >= 0 and not get_story(store, kept).active
    shown = io.StringIO()
    render_log(log(store, url), Console(file=shown, width=240))
    assert f"no longer watched ({FEED_STOP_REASON}: storytrace log shows its articles" in shown.getvalue()
    page = add_story(store, site.url("/news/first"))  # (the feed's article, fetched by the watcher just now)
    assert get_story(store, page).version_count == 1
    with pytest.raises(StoreError, match="has stored versions"):  # a story with versions stays a story
        story_to_feed(store, page)
    assert get_story(store, page).active


def test_failures_in_a_row_stop_watching_across_runs_and_add_revives(store: Store, site: NewsSite) -> None:
    config = replace(CONFIG, schedule=replace(CONFIG.schedule, max_failures=2))
    url = site.url("/faults/flaky/dead?fail=2")  # two 500s, then the article
    add_story(store, url)
    first = run(store, lambda t: check_story(t, get_story(store, find_story(store, url))), config)  # type: ignore[arg-type]
    assert first.outcome == "http_error" and first.next_check is not None
    # A new run (a new watcher process would be the same): the first failure is remembered.
    second = run(store, lambda t: check_story(t, get_story(store, find_story(store, url))), config)  # type: ignore[arg-type]
    assert second.outcome == "http_error" and second.next_check is None
    assert "watching stopped: 2 failed checks in a row" in second.line()
    story = get_story(store, find_story(store, url))  # type: ignore[arg-type]
    assert (story.active, story.failures, story.stop_reason) == (False, 2, "2 failed checks in a row")
    document = log_document(log(store, url))
    assert (document["active"], document["stop_reason"], document["failures"]) == (False, story.stop_reason, 2)
    shown = io.StringIO()
    render_log(log(store, url), Console(file=shown, width=200))
    assert "no longer watched (2 failed checks in a row; storytrace add URL watches it again)" in shown.getvalue()
    assert run(store, lambda t: watch(t, once=True), config).checks == 0  # not scheduled any more
    revived = run(store, lambda t: track_url(t, url), config)  # the page answers again
    assert revived.outcome == "new_version"
    story = get_story(store, story)
    assert (story.active, story.failures, story.stop_reason) == (True, 0, None) and story.next_check_at is not None
    assert [c.outcome for c in checks_of(store, story)] == [Outcome.HTTP_ERROR, Outcome.HTTP_ERROR, Outcome.NEW_VERSION]


def test_a_hanging_page_holds_one_slot_while_the_others_go_on_being_checked(store: Store, site: NewsSite) -> None:
    config = replace(
        CONFIG,
        fetch=replace(CONFIG.fetch, total_timeout=8.0),
        schedule=ScheduleOptions(first_interval=timedelta(milliseconds=100), max_interval=timedelta(milliseconds=100),
                                 factor=1.0),
        watch=replace(CONFIG.watch, concurrency=3, shutdown_grace=timedelta(milliseconds=300)),
    )
    hang = add_story(store, site.url("/faults/hang"))
    quick = [add_story(store, site.url(f"/news/{slug}")) for slug in ("first", "second")]

    async def scenario(tracker: Tracker) -> float:
        stop = asyncio.Event()
        watching = asyncio.create_task(watch(tracker, stop=stop))
        await asyncio.sleep(1.0)
        stop.set()
        stopped = time.perf_counter()
        await watching
        return time.perf_counter() - stopped

    shutdown = run(store, scenario, config)
    for story in quick:  # due every 0.1 s: checked again and again while the hanging page holds its slot
        assert len(checks_of(store, story)) >= 3
    assert site.log.hits["/faults/hang"] == 1 and checks_of(store, hang) == []  # cancelled at shutdown: still due
    assert get_story(store, hang).next_check_at is not None
    assert shutdown < 2.0  # the grace period, not the 8 s the hanging page could take
    assert problems(store) == []


def test_watch_once_checks_each_due_story_once_even_when_due_again_at_once(store: Store, site: NewsSite) -> None:
    config = replace(
        CONFIG,
        schedule=ScheduleOptions(first_interval=timedelta(milliseconds=1), max_interval=timedelta(milliseconds=1),
                                 factor=1.0),
        watch=replace(CONFIG.watch, concurrency=1),
    )
    add_source(store, site.url("/feeds/atom.xml"))
    totals = run(store, lambda t: watch(t, once=True), config)
    # The feed is read once and both articles it adds are checked once in the same run (one slot: one at a time).
    assert totals.by_outcome == {"feed_parsed": 1, "new_version": 2}
    again = run(store, lambda t: watch(t, once=True), config)
    assert again.by_outcome == {"not_modified": 2}  # the feed is not due yet; the articles are, every 1 ms
