"""One check of one story or feed: fetch, judge, store what is real, record the rest, schedule the next.

Only real versions are stored. A failed fetch, an error or paywall page, a truncated or too-short text, or a
text that differs only in whitespace is recorded as a check and never becomes a version; a text the story
had before (a flip-flop between two servers' copies) is recognised by the store and recorded likewise.
Blocking work (page extraction, the diff behind a change summary, the database) runs in worker threads so the
event loop keeps fetching.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from storytrace.fetch import (
    FeedEntry,
    Fetcher,
    FetchResult,
    WatchState,
    after_check,
    assess,
    newest_entries,
    parse_feed,
    sniff,
    start_watch,
)
from storytrace.store import (
    Outcome,
    Source,
    Store,
    StoreError,
    Story,
    Validators,
    add_source,
    add_stories,
    add_story,
    add_version,
    latest_text,
    record_check,
    reschedule,
    resume_source,
    revive,
    story_to_feed,
)
from storytrace.track.config import Config
from storytrace.track.urls import canonical_url

log = logging.getLogger("storytrace.watch")
T = TypeVar("T")

# Fetch outcomes that are not a page, as check outcomes.
# What `sniff` calls a feed's body.
FEED_KINDS = ("rss", "atom", "rdf")
_FETCH_FAILURE = {
    "http_error": Outcome.HTTP_ERROR,
    "network_error": Outcome.NETWORK_ERROR,
    "timeout": Outcome.NETWORK_ERROR,
    "too_large": Outcome.TOO_LARGE,
    "too_many_redirects": Outcome.HTTP_ERROR,
    "robots_disallowed": Outcome.ROBOTS_DISALLOWED,
}
# Page verdicts that are not a new version, as check outcomes (Outcome.failed says which count as failures).
_VERDICT = {
    "unchanged": Outcome.UNCHANGED,
    "whitespace_only": Outcome.WHITESPACE_ONLY,
    "too_short": Outcome.TOO_SHORT,
    "truncated": Outcome.TRUNCATED,
    "extraction_failed": Outcome.EXTRACTION_FAILED,
    "error_page": Outcome.ERROR_PAGE,
    "paywall": Outcome.PAYWALL,
}


# Outcomes of a check that got nothing usable: the store's failed outcomes and the watcher's own two.
FAILED_OUTCOMES = frozenset({o.value for o in Outcome if o.failed} | {"store_error", "internal_error"})


@dataclass(frozen=True)
class CheckReport:
    """What one check came to, for the log line, the progress display and the webhook."""

    url: str
    outcome: str  # an Outcome value, or "store_error" when the result could not be written
    detail: str
    version: int | None = None  # the number of the version stored
    summary: dict[str, Any] | None = None  # its change summary
    title: str | None = None
    new_stories: tuple[str, ...] = ()  # for a feed: the articles it added
    next_check: datetime | None = None
    elapsed_ms: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return self.version is not None

    @property
    def failed(self) -> bool:
        """Nothing usable came of the check (the page or feed could not be had, or was not a real version)."""
        return self.outcome in FAILED_OUTCOMES

    def line(self) -> str:
        """One plain log line."""
        parts = [self.outcome, self.url]
        if self.version is not None:
            parts.append(f"v{self.version}")
        if self.new_stories:
            parts.append(f"{len(self.new_stories)} new article(s)")
        parts.append(self.detail)
        return " ".join(p for p in parts if p)


class Tracker:
    """A store, a fetcher and the configuration: what every check needs."""

    def __init__(self, store: Store, fetcher: Fetcher, config: Config) -> None:
        self.store = store
        self.fetcher = fetcher
        self.config = config

    @property
    def first_interval_s(self) -> int:
        """The check interval of a story just added, in whole seconds."""
        return max(1, round(self.config.schedule.first_interval.total_seconds()))

    async def in_thread(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return await asyncio.to_thread(fn, *args, **kwargs)

    async def write(self, what: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """A store write, retried with backoff while the store fails (locked, disk full, server gone);
        each failure is logged, and the last one raised."""
        options = self.config.watch
        delay = options.store_backoff.total_seconds()
        for attempt in range(1, options.store_retries + 1):
            try:
                return await self.in_thread(fn, *args, **kwargs)
            except StoreError as exc:
                if attempt == options.store_retries:
                    raise
                log.warning("store error while %s (attempt %d of %d, retrying in %.0fs): %s",
                            what, attempt, options.store_retries, delay, exc)
                await asyncio.sleep(delay)
                delay *= 2
        raise AssertionError("unreachable")


def now_utc() -> datetime:
    return datetime.now(UTC)


async def check_story(tracker: Tracker, story: Story, fetched: FetchResult | None = None) -> CheckReport:
    """Fetch a story's page (unless `fetched` is an answer just had for it) and store it if it is a real new
    version; reschedule the story.

    The conditional GET sends the validators of the story's last judged answer (kept with the story), not those
    of its latest version: after a 200 whose text was unchanged, the next check can then get a 304.
    """
    started = time.perf_counter()
    try:
        result = fetched or await tracker.fetcher.fetch(story.url, etag=story.etag, last_modified=story.last_modified)
        if story.version_count == 0 and _is_feed(result):  # added without a fetch (the web app): a feed after all
            source = await tracker.write(f"tracking {story.url} as a feed", story_to_feed, tracker.store, story)
            report = await check_feed(tracker, source)
            return replace(report, detail=f"a feed, tracked as one from now on: {report.detail}",
                           elapsed_ms=_since(started))
        report, changed, failed = await _store_result(tracker, story, result)
        moment, options = now_utc(), tracker.config.schedule
        if changed and story.version_count == 0:  # the first version: the schedule starts now
            following = start_watch(moment, options)
        else:
            following = after_check(_state(story, moment), moment, changed=changed, failed=failed, options=options)
        await tracker.write(
            f"scheduling {story.url}",
            reschedule,
            tracker.store,
            story,
            next_check_at=following.next_check,
            check_interval_s=max(1, round(following.interval.total_seconds())),
            active=not following.stopped,
            stop_reason=following.stop_reason,
        )
    except StoreError as exc:
        return CheckReport(story.url, "store_error", f"not recorded, will be fetched again: {exc}",
                           elapsed_ms=_since(started))
    detail = report.detail
    if following.stopped:
        detail = f"{detail}; watching stopped: {following.stop_reason} (storytrace add URL watches it again)"
    return replace(report, detail=detail, next_check=following.next_check, elapsed_ms=_since(started))


async def _store_result(tracker: Tracker, story: Story, result: FetchResult) -> tuple[CheckReport, bool, bool]:
    """Record what a fetch came to: (report, a new version was stored, the check failed).

    The answer's validators are kept when its page was judged (304, or a text unchanged, new or seen before);
    after a failure the previous ones stay, so a paywall or error page is fetched in full and judged again.
    """
    store, duration = tracker.store, round(result.elapsed_ms)
    answer = Validators(result.etag, result.last_modified)
    if result.outcome == "not_modified":
        await tracker.write(f"recording {story.url}", record_check, store, Outcome.NOT_MODIFIED, story=story,
                            http_status=result.status, detail=result.detail, duration_ms=duration,
                            validators=answer)
        return CheckReport(story.url, Outcome.NOT_MODIFIED.value, result.detail), False, False
    if not result.ok:
        outcome = _FETCH_FAILURE.get(result.outcome, Outcome.NETWORK_ERROR)
        await tracker.write(f"recording {story.url}", record_check, store, outcome, story=story,
                            http_status=result.status, detail=result.detail, duration_ms=duration)
        return CheckReport(story.url, outcome.value, result.detail), False, True
    previous = await tracker.in_thread(latest_text, store, story)
    extracted, verdict = await tracker.in_thread(assess, result, previous, tracker.config.page)
    if not verdict.ok:
        outcome = _VERDICT.get(verdict.verdict, Outcome.EXTRACTION_FAILED)
        await tracker.write(f"recording {story.url}", record_check, store, outcome, story=story,
                            http_status=result.status, detail=verdict.reason, duration_ms=duration,
                            validators=None if outcome.failed else answer)
        return CheckReport(story.url, outcome.value, verdict.reason), False, outcome.failed
    stored = await tracker.write(
        f"storing {story.url}",
        add_version,
        store,
        story,
        extracted.text,
        title=extracted.title,
        byline=extracted.byline,
        published_at=extracted.published,
        updated_at=extracted.updated,
        raw_html=result.body,
        http_status=result.status,
        etag=result.etag,
        last_modified=result.last_modified,
        extractor=extracted.extractor,
        detail=verdict.reason,
        duration_ms=duration,
    )
    if stored is None:  # a text the story had before: the store recorded the check
        return CheckReport(story.url, Outcome.FLIP_FLOP.value, "a text this story had before"), False, False
    report = CheckReport(story.url, Outcome.NEW_VERSION.value, verdict.reason, stored.number,
                         stored.change_summary, extracted.title or story.title)
    return report, True, False


async def check_feed(tracker: Tracker, source: Source, fetched: FetchResult | None = None) -> CheckReport:
    """Read a feed (unless `fetched` is an answer just had for it) and start tracking the articles it lists that
    are not tracked yet.

    The read is a conditional GET with the validators of the last one parsed: a 304 is a successful read of an
    unchanged feed (`not_modified`).
    """
    started = time.perf_counter()
    result = fetched or await tracker.fetcher.fetch(source.url, etag=source.etag, last_modified=source.last_modified)
    answer = Validators(result.etag, result.last_modified)
    try:
        if result.outcome == "not_modified":
            await tracker.write(f"recording {source.url}", record_check, tracker.store, Outcome.NOT_MODIFIED,
                                source=source, http_status=result.status, detail=result.detail,
                                duration_ms=round(result.elapsed_ms), validators=answer)
            return CheckReport(source.url, Outcome.NOT_MODIFIED.value, f"feed unchanged; {result.detail}",
                               elapsed_ms=_since(started))
        if not result.ok:
            outcome = _FETCH_FAILURE.get(result.outcome, Outcome.NETWORK_ERROR)
            await tracker.write(f"recording {source.url}", record_check, tracker.store, outcome, source=source,
                                http_status=result.status, detail=result.detail, duration_ms=round(result.elapsed_ms))
            return CheckReport(source.url, outcome.value, result.detail, elapsed_ms=_since(started))
        assert result.body is not None
        parsed = await tracker.in_thread(parse_feed, result.body, url=result.final_url,
                                         content_type=result.content_type)  # (seconds for a feed of 50,000)
        if parsed.feed is None:
            await tracker.write(f"recording {source.url}", record_check, tracker.store, Outcome.FEED_ERROR,
                                source=source, http_status=result.status, detail=parsed.detail,
                                duration_ms=round(result.elapsed_ms))
            return CheckReport(source.url, Outcome.FEED_ERROR.value, parsed.detail, elapsed_ms=_since(started))
        added, skipped = await tracker.write(f"adding the articles of {source.url}", _add_entries, tracker, source,
                                             parsed.feed.entries)
        listed = len(parsed.feed.entries)
        detail = f"{listed} entr{'y' if listed == 1 else 'ies'}, {len(added)} new"
        if skipped:
            detail += f"; {skipped} older skipped (max_feed_entries = {tracker.config.watch.max_feed_entries})"
        if parsed.outcome != "ok" or "malformed" in parsed.detail:  # (else the parse's detail is only the count)
            detail += f"; {parsed.detail}"
        # The validators are kept only now that the articles are added: a read cut short is repeated in full.
        await tracker.write(f"recording {source.url}", record_check, tracker.store, Outcome.FEED_PARSED,
                            source=source, http_status=result.status, detail=detail,
                            duration_ms=round(result.elapsed_ms), validators=answer, title=parsed.feed.title)
    except StoreError as exc:
        return CheckReport(source.url, "store_error", f"not recorded, will be read again: {exc}",
                           elapsed_ms=_since(started))
    return CheckReport(source.url, Outcome.FEED_PARSED.value, detail, title=parsed.feed.title,
                       new_stories=tuple(added), elapsed_ms=_since(started))


def _add_entries(tracker: Tracker, source: Source, entries: Sequence[FeedEntry]) -> tuple[list[str], int]:
    """Track the newest `max_feed_entries` entries' articles (canonical URLs), a batch of them per transaction;
    return (the URLs that were new, how many entries the cap left out)."""
    usable: list[FeedEntry] = []
    for entry in entries:
        try:
            usable.append(replace(entry, link=canonical_url(entry.link)))
        except Exception:  # a feed entry with a link we cannot use is skipped, not fatal
            continue
    kept = newest_entries(usable, tracker.config.watch.max_feed_entries)
    added = add_stories(tracker.store, [(entry.link, entry.title) for entry in kept], source=source,
                        check_interval_s=tracker.first_interval_s)
    return added, len(usable) - len(kept)


def _is_feed(result: FetchResult) -> bool:
    return result.ok and result.body is not None and sniff(result.body, result.content_type) in FEED_KINDS


async def track_url(tracker: Tracker, url: str) -> CheckReport:
    """Start tracking a URL: a feed becomes a source whose articles are tracked, a page a story checked now.

    A story already tracked whose watching had stopped (failures in a row, a quiet spell, `storytrace stop`) is
    watched again, a stopped feed read again.
    """
    url = canonical_url(url)
    probe = await tracker.fetcher.fetch(url)
    if _is_feed(probe):
        source = await tracker.write(f"adding {url}", add_source, tracker.store, url, "feed")
        if not source.active:
            source = await tracker.write(f"reading {url} again", resume_source, tracker.store, source)
        # A feed never read is read from the answer just had (a feed of thousands of entries is megabytes); one read
        # before is asked again with its validators, so that an unchanged one is a 304.
        never_read = source.etag is None and source.last_modified is None
        return await check_feed(tracker, source, probe if never_read else None)
    story = await tracker.write(f"adding {url}", add_story, tracker.store, url,
                                check_interval_s=tracker.first_interval_s)
    if not story.active:
        story = await tracker.write(f"watching {url} again", revive, tracker.store, story)
    return await check_story(tracker, story, probe)  # (the page is not asked for twice: a stalling host once)


def _state(story: Story, moment: datetime) -> WatchState:
    """The schedule as the store keeps it, failures in a row included (ScheduleOptions.max_failures)."""
    return WatchState(
        first_seen=story.first_seen_at,
        last_check=moment,
        last_change=story.last_change_at,
        interval=timedelta(seconds=story.check_interval_s),
        next_check=story.next_check_at,
        failures=story.failures,
    )


def _since(started: float) -> float:
    return (time.perf_counter() - started) * 1000
