"""Tracking: checks of stories and feeds against the loopback news site, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from aiohttp import web

from storytrace.demo.site import NewsSite
from storytrace.fetch import Fetcher, ScheduleOptions
from storytrace.store import Outcome, Store, add_story, checks_of, find_story, get_story, problems, versions_of
from storytrace.track.checks import Tracker, check_story, track_url
from storytrace.track.config import Config, WatchOptions
from storytrace.track.watcher import watch

from .fetch_support import TEST_OPTIONS, roft_article

CONFIG = Config(
    fetch=TEST_OPTIONS,
    schedule=ScheduleOptions(first_interval=timedelta(seconds=1), max_interval=timedelta(seconds=4)),
    watch=WatchOptions(store_backoff=timedelta(milliseconds=10)),
)


@pytest.fixture
def site() -> Iterator[NewsSite]:
    with NewsSite([roft_article(0, "first"), roft_article(1, "second")]) as running:
        yield running


async def _with_tracker(store: Store, config: Config, job):  # type: ignore[no-untyped-def]
    async with Fetcher(config.fetch) as fetcher:
        return await job(Tracker(store, fetcher, config))


def run(store: Store, job, config: Config = CONFIG):  # type: ignore[no-untyped-def]
    return asyncio.run(_with_tracker(store, config, job))


def test_revisions_become_versions_and_repeats_only_checks(store: Store, site: NewsSite) -> None:
    url = site.url("/news/first")
    first = run(store, lambda t: track_url(t, url))
    assert (first.outcome, first.version) == ("new_version", 1)
    story = find_story(store, url)
    assert story is not None and story.version_count == 1
    again = run(store, lambda t: check_story(t, get_story(store, story)))
    assert again.outcome == "not_modified"  # conditional GET with the stored ETag
    site.advance("first")
    changed = run(store, lambda t: check_story(t, get_story(store, story)))
    assert (changed.outcome, changed.version) == ("new_version", 2)
    assert changed.summary is not None and changed.summary["substantive"] >= 1
    versions = versions_of(store, story)
    assert [v.number for v in versions] == [1, 2]
    expected = site.article("first").revisions[1].paragraphs
    assert all(p in run(store, lambda t: _latest_text(t, story.id)) for p in expected)
    outcomes = [c.outcome for c in checks_of(store, story)]
    assert outcomes == [Outcome.NEW_VERSION, Outcome.NOT_MODIFIED, Outcome.NEW_VERSION]
    assert problems(store) == []


async def _latest_text(tracker: Tracker, story_id: int) -> str:
    from storytrace.store import version

    found = version(tracker.store, story_id, "latest")
    assert found is not None
    return found.text


def test_flip_flop_and_bad_pages_are_not_versions(store: Store, site: NewsSite) -> None:
    url = site.url("/news/second")
    run(store, lambda t: track_url(t, url))
    story = find_story(store, url)
    assert story is not None
    site.advance("second")
    run(store, lambda t: check_story(t, get_story(store, story)))
    site.set_revision("second", 0)  # the other server's older copy comes back
    back = run(store, lambda t: check_story(t, get_story(store, story)))
    assert back.outcome == "flip_flop" and back.version is None
    truncated = add_story(store, site.url("/faults/truncated/second?share=0.3"))
    run(store, lambda t: check_story(t, truncated))  # first sighting of the cut page is a version...
    site.set_revision("second", 1)
    result = run(store, lambda t: check_story(t, get_story(store, truncated)))
    assert result.outcome in ("truncated", "new_version", "unchanged")
    soft = add_story(store, site.url("/faults/soft-404"))
    assert run(store, lambda t: check_story(t, soft)).outcome == "error_page"
    paywall = add_story(store, site.url("/faults/paywall/second"))
    assert run(store, lambda t: check_story(t, paywall)).outcome == "paywall"
    missing = add_story(store, site.url("/faults/status/404"))
    assert run(store, lambda t: check_story(t, missing)).outcome == "http_error"
    assert [v.number for v in versions_of(store, story)] == [1, 2]
    for bad in (soft, paywall, missing):
        assert versions_of(store, bad) == []
        assert get_story(store, bad).next_check_at is not None  # still watched, on a slower schedule
    assert problems(store) == []


def test_feed_adds_its_articles_and_watch_once_checks_them(store: Store, site: NewsSite) -> None:
    report = run(store, lambda t: track_url(t, site.url("/feeds/rss.xml")))
    assert report.outcome == "feed_parsed"
    assert set(report.new_stories) == {site.url("/news/first"), site.url("/news/second")}
    seen: list[str] = []
    totals = run(store, lambda t: watch(t, once=True, report=lambda r: seen.append(r.outcome)))
    assert totals.by_outcome.get("new_version") == 2
    assert run(store, lambda t: watch(t, once=True)).checks == 0  # nothing is due any more


def test_a_feed_is_parsed_in_a_worker_thread_not_on_the_event_loop(
    store: Store, site: NewsSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    """feedparser takes seconds over a big feed: on the event loop, every other check of `watch` would wait."""
    from storytrace.fetch import parse_feed
    from storytrace.track import checks

    where: list[str] = []

    def parse(*args: Any, **kwargs: Any) -> Any:
        try:
            asyncio.get_running_loop()
            where.append("event loop")
        except RuntimeError:
            where.append("worker thread")
        return parse_feed(*args, **kwargs)

    monkeypatch.setattr(checks, "parse_feed", parse)
    report = run(store, lambda t: track_url(t, site.url("/feeds/rss.xml")))
    assert report.outcome == "feed_parsed" and len(report.new_stories) == 2
    assert where == ["worker thread"]


def test_malformed_feed_and_unreachable_host_do_not_stop_the_watch(store: Store, site: NewsSite) -> None:
    from storytrace.store import add_source

    add_source(store, site.url("/faults/garbage.xml"))
    add_story(store, "http://127.0.0.1:9/nothing-listens-here")
    add_story(store, site.url("/news/first"))
    totals = run(store, lambda t: watch(t, once=True))
    assert totals.by_outcome.get("feed_error") == 1
    assert totals.by_outcome.get("network_error") == 1
    assert totals.by_outcome.get("new_version") == 1


def test_webhook_posts_substantive_changes(store: Store, site: NewsSite) -> None:
    received: list[dict[str, object]] = []

    async def hook(request: web.Request) -> web.Response:
        received.append(await request.json())
        return web.Response(text="ok")

    async def scenario(tracker: Tracker) -> None:
        app = web.Application()
        app.router.add_post("/hook", hook)
        runner = web.AppRunner(app)
        await runner.setup()
        server = web.TCPSite(runner, "127.0.0.1", 0)
        await server.start()
        port = server._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        tracker.config = replace(tracker.config, watch=replace(tracker.config.watch, webhook=f"http://127.0.0.1:{port}/hook"))
        try:
            add_story(tracker.store, site.url("/news/first"))
            await watch(tracker, once=True)  # the first version: no notice
            site.advance("first")
            await asyncio.sleep(1.1)
            await watch(tracker, once=True)
        finally:
            await runner.cleanup()

    run(store, scenario)
    assert len(received) == 1
    notice = received[0]
    assert notice["schema"] == "storytrace.change/1" and notice["version"] == 2
    assert notice["url"] == site.url("/news/first")
    assert json.dumps(notice["summary"]).count("substantive") == 1


def test_a_check_line_keeps_the_url_apart_from_the_longest_outcome() -> None:
    from storytrace.report.tracking import check_line
    from storytrace.track.checks import CheckReport

    for outcome in ("extraction_failed", "unchanged"):
        line = check_line(CheckReport("https://news.example/a", outcome, "no article text")).plain
        assert line.split()[:2] == [outcome, "https://news.example/a"], line


def test_a_new_feed_is_downloaded_once_and_one_read_before_is_asked_again_with_its_validators(
    store: Store, site: NewsSite
) -> None:
    """`storytrace add FEED` reads the feed from the answer that showed it to be one (a feed of thousands of entries
    is megabytes, downloaded twice before); adding it again asks with the validators of that read."""
    path = "/feeds/rss.xml"
    first = run(store, lambda t: track_url(t, site.url(path)))
    assert first.outcome == "feed_parsed" and len(first.new_stories) == 2
    assert site.log.hits[path] == 1
    again = run(store, lambda t: track_url(t, site.url(path)))
    assert again.outcome == "not_modified" and again.new_stories == ()
    assert site.log.hits[path] == 3  # the probe, then the conditional read that the server answers with a 304
