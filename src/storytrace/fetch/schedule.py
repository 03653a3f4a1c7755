"""When to look at an article again: often while it changes, less and less often while it does not.

Pure functions over a frozen `WatchState`; the caller supplies the time, so the schedule is testable with
explicit datetimes and the same after a restart. After each check the interval is reset to
`first_interval` if the article changed, else multiplied by `factor` (up to `max_interval`); a failed
check (network error, error page, paywall...) grows it the same way, so a broken page is not hammered.
Watching stops `stop_after` after the last change (or after the first sighting, if it never changed), at
`max_age` after the first sighting if that is set, or after `max_failures` failed checks in a row.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from storytrace.options import changed_options


@dataclass(frozen=True)
class ScheduleOptions:
    """The re-check intervals. Defaults: 15 minutes, x1.5 per quiet check, at most 12 hours, 30 quiet days."""

    first_interval: timedelta = timedelta(minutes=15)
    """Interval after the first sighting and after every change."""

    factor: float = 1.5
    """The interval is multiplied by this after each check that found no change."""

    max_interval: timedelta = timedelta(hours=12)
    """Longest interval between two checks."""

    stop_after: timedelta = timedelta(days=30)
    """Stop watching this long after the last change (or the first sighting, if it never changed)."""

    max_age: timedelta | None = None
    """Stop watching this long after the first sighting whatever happens (None: no such limit)."""

    max_failures: int | None = None
    """Stop after this many failed checks in a row (None: only the time limits stop a failing article)."""

    def __post_init__(self) -> None:
        if self.first_interval <= timedelta(0) or self.max_interval < self.first_interval:
            raise ValueError("schedule needs 0 < first_interval <= max_interval")
        if self.factor < 1:
            raise ValueError("schedule factor must be at least 1")
        if self.stop_after <= timedelta(0) or (self.max_age is not None and self.max_age <= timedelta(0)):
            raise ValueError("schedule stop_after and max_age must be positive")
        if self.max_failures is not None and self.max_failures < 1:
            raise ValueError("schedule max_failures must be at least 1")

    def with_overrides(self, **overrides: Any) -> ScheduleOptions:
        """A copy with some options changed; unknown names are an error, not silently ignored."""
        return changed_options(self, "schedule", overrides)


@dataclass(frozen=True)
class WatchState:
    """Where one article's schedule stands. All datetimes are timezone-aware."""

    first_seen: datetime
    last_check: datetime
    last_change: datetime | None  # None: no change seen since the first sighting
    interval: timedelta  # the interval that led to next_check
    next_check: datetime | None  # None: watching has stopped (see stop_reason)
    checks: int = 1  # checks made, the first sighting included
    changes: int = 0
    failures: int = 0  # failed checks in a row
    stop_reason: str | None = None

    @property
    def stopped(self) -> bool:
        return self.next_check is None


def start_watch(now: datetime, options: ScheduleOptions | None = None) -> WatchState:
    """The schedule of an article first seen (and fetched) at `now`."""
    options = options if options is not None else ScheduleOptions()
    _aware(now)
    interval = options.first_interval
    return WatchState(
        first_seen=now,
        last_check=now,
        last_change=None,
        interval=interval,
        next_check=min(now + interval, _deadline(now, None, options)),
    )


def after_check(
    state: WatchState,
    now: datetime,
    *,
    changed: bool,
    failed: bool = False,
    options: ScheduleOptions | None = None,
) -> WatchState:
    """The schedule after a check at `now` that found a new version (`changed`), nothing new, or a failure."""
    options = options if options is not None else ScheduleOptions()
    _aware(now)
    if changed and failed:
        raise ValueError("a check cannot both find a change and fail")
    last_change = now if changed else state.last_change
    interval = options.first_interval if changed else next_interval(state.interval, options)
    failures = state.failures + 1 if failed else 0
    checked = replace(
        state,
        last_check=now,
        last_change=last_change,
        interval=interval,
        checks=state.checks + 1,
        changes=state.changes + (1 if changed else 0),
        failures=failures,
    )
    deadline = _deadline(state.first_seen, last_change, options)
    if now >= deadline:
        return replace(checked, next_check=None, stop_reason=_why_stopped(state.first_seen, last_change, options))
    if options.max_failures is not None and failures >= options.max_failures:
        return replace(checked, next_check=None, stop_reason=f"{failures} failed checks in a row")
    return replace(checked, next_check=min(now + interval, deadline), stop_reason=None)


def next_interval(interval: timedelta, options: ScheduleOptions | None = None) -> timedelta:
    """The interval after a check that found no change: `factor` times longer, at most `max_interval`."""
    options = options if options is not None else ScheduleOptions()
    return min(interval * options.factor, options.max_interval)


def is_due(state: WatchState, now: datetime) -> bool:
    _aware(now)
    return state.next_check is not None and now >= state.next_check


def _deadline(first_seen: datetime, last_change: datetime | None, options: ScheduleOptions) -> datetime:
    deadline = (last_change or first_seen) + options.stop_after
    if options.max_age is not None:
        deadline = min(deadline, first_seen + options.max_age)
    return deadline


def _why_stopped(first_seen: datetime, last_change: datetime | None, options: ScheduleOptions) -> str:
    quiet_end = (last_change or first_seen) + options.stop_after
    if options.max_age is not None and first_seen + options.max_age <= quiet_end:
        return f"first seen more than {_days(options.max_age)} ago"
    since = "last change" if last_change is not None else "first seen"
    return f"no change for {_days(options.stop_after)} since {since}"


def _days(span: timedelta) -> str:
    if span % timedelta(days=1) == timedelta(0):
        days = span // timedelta(days=1)
        return f"{days} day{'s' if days != 1 else ''}"
    return str(span)


def _aware(when: datetime) -> None:
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError(f"schedule times must be timezone-aware, not {when.isoformat()}")
