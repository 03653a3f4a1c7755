"""The adaptive re-check schedule, with explicit datetimes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from storytrace.fetch.schedule import (
    ScheduleOptions,
    WatchState,
    after_check,
    is_due,
    next_interval,
    start_watch,
)

T0 = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)
MIN = timedelta(minutes=1)


def _quiet_checks(state: WatchState, count: int, options: ScheduleOptions | None = None) -> WatchState:
    """Up to `count` checks that find nothing new, each when due (fewer if the watch stops)."""
    for _ in range(count):
        if state.next_check is None:
            break
        state = after_check(state, state.next_check, changed=False, options=options)
    return state


def test_a_new_article_is_checked_again_after_15_minutes() -> None:
    state = start_watch(T0)
    assert state.next_check == T0 + 15 * MIN
    assert (state.first_seen, state.last_check, state.last_change, state.checks) == (T0, T0, None, 1)
    assert not is_due(state, T0 + 14 * MIN)
    assert is_due(state, T0 + 15 * MIN) and is_due(state, T0 + 16 * MIN)


def test_each_quiet_check_stretches_the_interval_by_half() -> None:
    state = start_watch(T0)
    intervals = []
    for _ in range(4):
        assert state.next_check is not None
        state = after_check(state, state.next_check, changed=False)
        intervals.append(state.interval)
    assert intervals == [timedelta(minutes=22.5), timedelta(minutes=33.75), timedelta(minutes=50.625),
                         timedelta(minutes=75.9375)]
    assert state.next_check == state.last_check + state.interval
    assert (state.checks, state.changes) == (5, 0)


def test_the_interval_stops_growing_at_the_maximum() -> None:
    state = _quiet_checks(start_watch(T0), 20)
    assert state.interval == timedelta(hours=12)
    assert next_interval(timedelta(hours=11)) == timedelta(hours=12)


def test_a_change_resets_the_interval() -> None:
    state = _quiet_checks(start_watch(T0), 6)
    assert state.interval > timedelta(hours=2)
    when = datetime(2024, 5, 2, 9, 0, tzinfo=UTC)
    changed = after_check(state, when, changed=True)
    assert changed.interval == 15 * MIN and changed.next_check == when + 15 * MIN
    assert (changed.last_change, changed.changes) == (when, 1)


def test_watching_stops_30_days_after_the_first_sighting_without_change() -> None:
    state = _quiet_checks(start_watch(T0), 100)
    assert state.stopped and state.next_check is None
    assert state.checks == 69  # 10 growing intervals (about 1.3 days), then every 12 hours
    assert state.last_check == T0 + timedelta(days=30)  # the last check falls exactly on the deadline
    assert state.stop_reason == "no change for 30 days since first seen"
    assert not is_due(state, T0 + timedelta(days=40))


def test_a_late_change_extends_the_watch() -> None:
    late = T0 + timedelta(days=25)
    state = after_check(start_watch(T0), late, changed=True)
    assert state.next_check == late + 15 * MIN
    state = _quiet_checks(state, 200)
    assert state.last_check == late + timedelta(days=30)
    assert state.stop_reason == "no change for 30 days since last change"


def test_max_age_caps_the_watch_whatever_the_changes() -> None:
    options = ScheduleOptions(max_age=timedelta(days=3))
    state = start_watch(T0, options)
    state = after_check(state, T0 + timedelta(days=2, hours=23, minutes=50), changed=True, options=options)
    assert state.next_check == T0 + timedelta(days=3)  # clamped to the cap
    state = after_check(state, T0 + timedelta(days=3), changed=True, options=options)
    assert state.stopped and state.stop_reason == "first seen more than 3 days ago"


def test_failures_grow_the_interval_and_can_stop_the_watch() -> None:
    options = ScheduleOptions(max_failures=3)
    state = start_watch(T0, options)
    for n in range(1, 3):
        assert state.next_check is not None
        state = after_check(state, state.next_check, changed=False, failed=True, options=options)
        assert state.failures == n and not state.stopped
    assert state.interval == timedelta(minutes=33.75)
    assert state.next_check is not None
    recovered = after_check(state, state.next_check, changed=False, options=options)
    assert recovered.failures == 0 and not recovered.stopped
    stopped = after_check(state, state.next_check, changed=False, failed=True, options=options)
    assert stopped.stopped and stopped.stop_reason == "3 failed checks in a row"


def test_custom_intervals() -> None:
    options = ScheduleOptions(first_interval=timedelta(minutes=5), factor=2.0, max_interval=timedelta(minutes=30))
    state = _quiet_checks(start_watch(T0, options), 4, options)
    assert state.interval == timedelta(minutes=30)
    assert options.with_overrides(factor=3.0).factor == 3.0


def test_times_in_any_zone_work_but_naive_times_are_refused() -> None:
    paris = timezone(timedelta(hours=2))
    state = start_watch(T0.astimezone(paris))
    assert state.next_check == T0 + 15 * MIN
    with pytest.raises(ValueError, match="timezone-aware"):
        start_watch(datetime(2024, 5, 1, 8, 0))
    with pytest.raises(ValueError, match="timezone-aware"):
        is_due(state, datetime(2024, 5, 1, 9, 0))


def test_a_check_cannot_both_change_and_fail() -> None:
    with pytest.raises(ValueError):
        after_check(start_watch(T0), T0 + 15 * MIN, changed=True, failed=True)


@pytest.mark.parametrize(
    "bad",
    [
        {"first_interval": timedelta(0)},
        {"factor": 0.5},
        {"max_interval": timedelta(minutes=5)},
        {"stop_after": timedelta(0)},
        {"max_age": timedelta(days=-1)},
        {"max_failures": 0},
    ],
)
def test_options_are_validated(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        ScheduleOptions(**bad)  # type: ignore[arg-type]


def test_unknown_options_are_refused() -> None:
    with pytest.raises(TypeError, match="unknown schedule option"):
        ScheduleOptions().with_overrides(interval=1)
