"""The watcher: check what is due (feeds, then stories) in a rolling pool, report each check, sleep when
nothing is due.

Every check is independent: a malformed page or feed, a failing host or a bug met on one article is reported
and the watcher goes on. At most `concurrency` checks are in flight, and a slot is refilled as soon as its check
ends, so a page that hangs holds up nothing but its own slot (the fetcher still spaces and limits the requests to
each host). Results reach the store in transactions, so killing the watcher at any moment loses only the checks
in flight, which are simply due again; several watchers may share one store (the store never keeps a text twice).
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypeVar

from storytrace.store import (
    Source,
    Store,
    Story,
    add_story,
    due_sources,
    due_stories,
    find_source,
    next_due,
    reschedule,
)
from storytrace.track.checks import CheckReport, Tracker, check_feed, check_story, now_utc
from storytrace.track.pool import CheckPool
from storytrace.track.webhook import notify

log = logging.getLogger("storytrace.watch")

Reporter = Callable[[CheckReport], None]
Key = tuple[str, int]  # ("story", id) or ("feed", id)
T = TypeVar("T")
_DEBUG = bool(os.environ.get("STORYTRACE_DEBUG"))  # tracebacks of unexpected failures only on request
_UNRECORDED = ("store_error", "internal_error")  # checks that may have left no check row behind


@dataclass
class WatchTotals:
    """Counts of what the checks of a watch came to, by outcome."""

    by_outcome: dict[str, int] = field(default_factory=dict)

    def add(self, report: CheckReport) -> None:
        self.by_outcome[report.outcome] = self.by_outcome.get(report.outcome, 0) + 1

    @property
    def checks(self) -> int:
        return sum(self.by_outcome.values())


@dataclass
class _Run:
    """What one watch remembers: when it began and, for `once`, what it must not check again."""

    started: datetime
    once: bool
    seen_sources: set[int] = field(default_factory=set)
    unrecorded: set[int] = field(default_factory=set)  # once: stories whose check may have left no check row


async def watch(
    tracker: Tracker, *, once: bool = False, report: Reporter | None = None, stop: asyncio.Event | None = None
) -> WatchTotals:
    """Run checks as they fall due until `stop` is set (or, with `once`, until every feed and story due during
    the run has been checked once: stories a feed adds meanwhile included).

    Once `stop` is set no check starts; those in flight get `shutdown_grace` to end, and the rest are cancelled
    (they are due again).
    """
    totals = WatchTotals()
    stop = stop or asyncio.Event()
    options = tracker.config.watch
    pool: CheckPool[Key, CheckReport] = CheckPool(options.concurrency)
    state = _Run(started=now_utc(), once=once)
    try:
        while not stop.is_set():
            if pool.free:
                _start_due(tracker, pool, state, totals, report, await _due_now(tracker, pool, state))
            if not pool.busy:
                if once:
                    break
                await _sleep_until_due(tracker, stop)
                continue
            wait = None if once or not pool.free else await _seconds_until_due(tracker, _stories_in(pool))
            _note(state, await pool.wait(stop, wait))
    except asyncio.CancelledError:
        await pool.drain(0)
        raise
    _, cancelled = await pool.drain(options.shutdown_grace.total_seconds())  # their reports are already out
    if cancelled:
        log.warning("stopped with %d check(s) still in flight: cancelled, they are due again", cancelled)
    return totals


@dataclass(frozen=True)
class _Due:
    feeds: list[Source]
    stories: list[Story]


async def _due_now(tracker: Tracker, pool: CheckPool[Key, CheckReport], state: _Run) -> _Due:
    """The feeds and stories to start now (at most the pool's free slots, feeds first), none already in flight."""
    in_flight = pool.keys()
    return await tracker.in_thread(
        _due,
        tracker.store,
        now=now_utc(),
        feed_interval=tracker.config.watch.feed_interval,
        limit=pool.free,
        feeds_left_out={i for kind, i in in_flight if kind == "feed"} | state.seen_sources,
        stories_left_out=_stories_in(pool) | state.unrecorded,
        unchecked_since=state.started if state.once else None,
    )


def _due(
    store: Store, *, now: datetime, feed_interval: timedelta, limit: int, feeds_left_out: set[int],
    stories_left_out: set[int], unchecked_since: datetime | None,
) -> _Due:
    feeds = [f for f in due_sources(store, older_than=now - feed_interval) if f.id not in feeds_left_out][:limit]
    left = limit - len(feeds)
    stories = (
        due_stories(store, now=now, limit=left, exclude=stories_left_out, unchecked_since=unchecked_since)
        if left
        else []
    )
    return _Due(feeds, stories)


def _start_due(
    tracker: Tracker, pool: CheckPool[Key, CheckReport], state: _Run, totals: WatchTotals,
    report: Reporter | None, due: _Due,
) -> None:
    for source in due.feeds:
        if state.once:
            state.seen_sources.add(source.id)
        pool.start(("feed", source.id), _run(_feed_job(tracker, source), tracker, totals, report))
    for story in due.stories:
        pool.start(("story", story.id), _run(_story_job(tracker, story), tracker, totals, report))


def _note(state: _Run, finished: list[tuple[Key, CheckReport]]) -> None:
    """Remember (for `once`) the stories whose check may have recorded nothing, so they are not picked again."""
    if state.once:
        state.unrecorded.update(i for (kind, i), r in finished if kind == "story" and r.outcome in _UNRECORDED)


def _stories_in(pool: CheckPool[Key, CheckReport]) -> set[int]:
    return {i for kind, i in pool.keys() if kind == "story"}


async def _run(
    job: Callable[[], Awaitable[CheckReport]], tracker: Tracker, totals: WatchTotals, report: Reporter | None
) -> CheckReport:
    outcome = await job()
    totals.add(outcome)
    if report is not None:
        report(outcome)
    if outcome.changed and tracker.config.watch.webhook:
        await notify(tracker, outcome)
    return outcome


def _story_job(tracker: Tracker, story: Story) -> Callable[[], Awaitable[CheckReport]]:
    async def job() -> CheckReport:
        try:
            return await check_story(tracker, story)
        except Exception as exc:  # a bug met on one article must not stop the others
            log.error("check of %s failed: %s: %s", story.url, type(exc).__name__, exc, exc_info=_DEBUG)
            await _postpone(tracker, story)
            return CheckReport(story.url, "internal_error", f"{type(exc).__name__}: {exc}")

    return job


def _feed_job(tracker: Tracker, source: Source) -> Callable[[], Awaitable[CheckReport]]:
    async def job() -> CheckReport:
        try:
            return await check_feed(tracker, source)
        except Exception as exc:
            log.error("reading the feed %s failed: %s: %s", source.url, type(exc).__name__, exc, exc_info=_DEBUG)
            return CheckReport(source.url, "internal_error", f"{type(exc).__name__}: {exc}")

    return job


async def _postpone(tracker: Tracker, story: Story) -> None:
    """After an unexpected failure, look again after the story's interval rather than at once, in a loop."""
    try:
        await tracker.in_thread(
            reschedule, tracker.store, story, next_check_at=now_utc() + timedelta(seconds=story.check_interval_s)
        )
    except Exception as exc:
        log.error("could not reschedule %s: %s", story.url, exc, exc_info=_DEBUG)


async def _sleep_until_due(tracker: Tracker, stop: asyncio.Event) -> None:
    """Sleep until the next story or feed is due, at most `idle_poll` (other processes may add stories)."""
    try:
        await asyncio.wait_for(stop.wait(), timeout=await _seconds_until_due(tracker, set()))
    except TimeoutError:
        pass


async def _seconds_until_due(tracker: Tracker, in_flight: set[int]) -> float:
    """Seconds until the next story not in flight is due; at most `idle_poll` and `feed_interval`."""
    options = tracker.config.watch
    longest = min(options.idle_poll.total_seconds(), options.feed_interval.total_seconds())
    upcoming = await tracker.in_thread(next_due, tracker.store, exclude=in_flight)
    return longest if upcoming is None else max(0.05, min(longest, (upcoming - now_utc()).total_seconds()))


async def fetch_now(tracker: Tracker, urls: list[str]) -> list[CheckReport]:
    """Check these (canonical) URLs now, whatever their schedule, tracking those that are not yet
    (`storytrace fetch`); reports in the order given. A tracked feed is read now: adding it as a story would
    leave a story with no versions behind, under the feed's address. A version stored is notified to the webhook
    as the watcher's are, so that `fetch` run from cron misses no notice."""
    jobs: list[Callable[[], Awaitable[CheckReport]]] = []
    for url in urls:
        source = await tracker.in_thread(find_source, tracker.store, url)
        if source is not None:
            jobs.append(_feed_job(tracker, source))
            continue
        story = await tracker.write(f"adding {url}", add_story, tracker.store, url,
                                    check_interval_s=tracker.first_interval_s)
        jobs.append(_notified(tracker, _story_job(tracker, story)))
    return await gather_limited(jobs, tracker.config.watch.concurrency)


def _notified(tracker: Tracker, job: Callable[[], Awaitable[CheckReport]]) -> Callable[[], Awaitable[CheckReport]]:
    """The job, followed by the webhook's notice of the version it stored (if any, and if one is configured)."""

    async def run() -> CheckReport:
        report = await job()
        await notify(tracker, report)
        return report

    return run


async def gather_limited(jobs: list[Callable[[], Awaitable[T]]], limit: int) -> list[T]:
    """Run jobs with at most `limit` at once, results in the jobs' order."""
    gate = asyncio.Semaphore(limit)

    async def run(job: Callable[[], Awaitable[T]]) -> T:
        async with gate:
            return await job()

    return list(await asyncio.gather(*(run(job) for job in jobs)))
