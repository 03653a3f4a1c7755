"""The watcher: check what is due (feeds, then stories), report each check, sleep until the next is due.

Every check is independent: a malformed page or feed, a failing host or a bug met on one article is reported
and the watcher goes on. Results reach the store in transactions, so killing the watcher at any moment loses
only the checks in flight, which are simply due again; several watchers may share one store (the store never
keeps a text twice).
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TypeVar

from storytrace.store import Source, Story, add_story, due_sources, due_stories, next_due, reschedule
from storytrace.track.checks import CheckReport, Tracker, check_feed, check_story, now_utc
from storytrace.track.webhook import notify

log = logging.getLogger("storytrace.watch")

Reporter = Callable[[CheckReport], None]
T = TypeVar("T")
_DEBUG = bool(os.environ.get("STORYTRACE_DEBUG"))  # tracebacks of unexpected failures only on request


@dataclass
class WatchTotals:
    """Counts of what the checks of a watch came to, by outcome."""

    by_outcome: dict[str, int] = field(default_factory=dict)

    def add(self, report: CheckReport) -> None:
        self.by_outcome[report.outcome] = self.by_outcome.get(report.outcome, 0) + 1

    @property
    def checks(self) -> int:
        return sum(self.by_outcome.values())


async def watch(
    tracker: Tracker, *, once: bool = False, report: Reporter | None = None, stop: asyncio.Event | None = None
) -> WatchTotals:
    """Run checks as they fall due until `stop` is set (or, with `once`, until nothing due is left unchecked)."""
    totals = WatchTotals()
    stop = stop or asyncio.Event()
    seen_stories: set[int] = set()
    seen_sources: set[int] = set()
    limit = tracker.config.watch.concurrency
    while not stop.is_set():
        moment = now_utc()
        feeds = await tracker.in_thread(
            due_sources, tracker.store, older_than=moment - tracker.config.watch.feed_interval
        )
        stories = await tracker.in_thread(due_stories, tracker.store, now=moment, limit=limit * 4)
        if once:
            feeds = [f for f in feeds if f.id not in seen_sources]
            stories = [s for s in stories if s.id not in seen_stories]
            if not feeds and not stories:
                break
            seen_sources.update(f.id for f in feeds)
            seen_stories.update(s.id for s in stories)
        jobs: list[Callable[[], Awaitable[CheckReport]]] = [_feed_job(tracker, f) for f in feeds]
        jobs += [_story_job(tracker, s) for s in stories]
        for done in asyncio.as_completed([_run(job, tracker, totals, report) for job in jobs]) if jobs else []:
            await done
        if once or jobs:
            continue
        await _sleep_until_due(tracker, stop)
    return totals


async def _run(
    job: Callable[[], Awaitable[CheckReport]], tracker: Tracker, totals: WatchTotals, report: Reporter | None
) -> None:
    outcome = await job()
    totals.add(outcome)
    if report is not None:
        report(outcome)
    if outcome.changed and tracker.config.watch.webhook:
        await notify(tracker, outcome)


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
    longest = tracker.config.watch.idle_poll.total_seconds()
    upcoming = await tracker.in_thread(next_due, tracker.store)
    wait = longest if upcoming is None else max(0.05, min(longest, (upcoming - now_utc()).total_seconds()))
    wait = min(wait, tracker.config.watch.feed_interval.total_seconds())
    try:
        await asyncio.wait_for(stop.wait(), timeout=wait)
    except TimeoutError:
        pass


async def fetch_now(tracker: Tracker, urls: list[str]) -> list[CheckReport]:
    """Check these (canonical) URLs now, whatever their schedule, tracking those that are not yet
    (`storytrace fetch`); reports in the order given."""
    stories = [
        await tracker.write(f"adding {url}", add_story, tracker.store, url, check_interval_s=tracker.first_interval_s)
        for url in urls
    ]
    return await gather_limited([_story_job(tracker, s) for s in stories], tracker.config.watch.concurrency)


async def gather_limited(jobs: list[Callable[[], Awaitable[T]]], limit: int) -> list[T]:
    """Run jobs with at most `limit` at once, results in the jobs' order."""
    gate = asyncio.Semaphore(limit)

    async def run(job: Callable[[], Awaitable[T]]) -> T:
        async with gate:
            return await job()

    return list(await asyncio.gather(*(run(job) for job in jobs)))
