"""`storytrace.toml`: every interval and limit of tracking in one file, loaded into typed options.

    db = "sqlite:///storytrace.db"
    [fetch]      # storytrace.fetch.FetchOptions: politeness_delay = 1.0, retries = 2, ...
    [page]       # storytrace.fetch.PageOptions: min_chars = 200, truncated_ratio = 0.5, ...
    [schedule]   # storytrace.fetch.ScheduleOptions: first_interval = "15m", factor = 1.5, stop_after = "30d", ...
    [watch]      # WatchOptions below: concurrency = 8, feed_interval = "10m", shutdown_grace = "10s", ...
    [batch]      # BatchSettings below (storytrace batch): memory_limit = "4GB"

Durations are seconds (a number) or text such as "90s", "15m", "12h", "30d", "1h30m".
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from storytrace.errors import StorytraceError
from storytrace.fetch import FetchOptions, PageOptions, ScheduleOptions

CONFIG_FILE = "storytrace.toml"
_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)")
_UNIT_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
MAX_DURATION = timedelta(days=36_500)


class ConfigError(StorytraceError):
    """A configuration file the user must correct."""


@dataclass(frozen=True)
class WatchOptions:
    """How the watcher works through its checks."""

    concurrency: int = 8
    """Checks in flight at once, a slot refilled as soon as its check ends (the fetcher still limits each host
    separately)."""

    shutdown_grace: timedelta = timedelta(seconds=10)
    """On SIGINT or SIGTERM, how long the checks in flight may take to end before they are cancelled (a
    cancelled check is not recorded: it is due again)."""

    feed_interval: timedelta = timedelta(minutes=10)
    """How often each feed is read for new articles."""

    max_feed_entries: int = 1000
    """The most entries of one feed read that are tracked: the newest, by their dates. A feed listing more (an
    archive, a sitemap-like dump) would otherwise start tens of thousands of watches at once; the check line says
    how many were skipped."""

    idle_poll: timedelta = timedelta(seconds=30)
    """Longest sleep when nothing is due, so stories added by another process are picked up."""

    store_retries: int = 5
    """Attempts to write a check's result when the store fails (locked, full disk, server gone) before the
    check is given up and left due, to be fetched again."""

    store_backoff: timedelta = timedelta(seconds=2)
    """Wait before the first retry of a failed store write; doubled each time."""

    webhook: str | None = None
    """URL to POST a JSON notice to when a new version is stored (None: no webhook)."""

    webhook_on: str = "substantive"
    """"substantive": only versions with a substantive change; "any": every new version."""

    def __post_init__(self) -> None:
        if self.concurrency < 1 or self.store_retries < 1 or self.max_feed_entries < 1:
            raise ValueError("watch concurrency, store_retries and max_feed_entries must be at least 1")
        if self.shutdown_grace < timedelta(0):
            raise ValueError("watch shutdown_grace must not be negative")
        if self.webhook_on not in ("substantive", "any"):
            raise ValueError('watch webhook_on must be "substantive" or "any"')
        if self.webhook is not None and not self.webhook.startswith(("http://", "https://")):
            raise ValueError("watch webhook must be an http(s) URL")


@dataclass(frozen=True)
class BatchSettings:
    """What `storytrace batch` reads from the file (its --memory-limit wins)."""

    memory_limit: str = "auto"
    """Memory per local worker, in quotes (storytrace.corpus.batch.options.parse_memory_limit): "4GB", "512MiB",
    a fraction of the machine's memory ("0.5"), "auto" (the machine's memory shared equally) or "none"."""

    def __post_init__(self) -> None:
        from storytrace.corpus.batch.options import parse_memory_limit

        parse_memory_limit(self.memory_limit)  # (its ValueError names what is expected)


@dataclass(frozen=True)
class Config:
    """Everything `storytrace.toml` can set, with defaults for what it does not."""

    db: str | None = None
    fetch: FetchOptions = field(default_factory=FetchOptions)
    page: PageOptions = field(default_factory=PageOptions)
    schedule: ScheduleOptions = field(default_factory=ScheduleOptions)
    watch: WatchOptions = field(default_factory=WatchOptions)
    batch: BatchSettings = field(default_factory=BatchSettings)


def load_config(path: str | Path | None = None) -> Config:
    """The configuration in `path`, or in ./storytrace.toml if it exists, or the defaults."""
    if path is None:
        if not Path(CONFIG_FILE).is_file():
            return Config()
        path = CONFIG_FILE
    where = str(path)
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{where}: no such configuration file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{where}: cannot read ({getattr(exc, 'strerror', None) or exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where}: not valid TOML ({exc})") from None
    known = {"db", "fetch", "page", "schedule", "watch", "batch"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(f"{where}: unknown setting(s) {', '.join(unknown)} (known: {', '.join(sorted(known))})")
    config = Config()
    if "db" in data:
        if not isinstance(data["db"], str):
            raise ConfigError(f"{where}: db must be a database URL in quotes")
        config = replace(config, db=data["db"])
    sections: dict[str, Any] = {
        "fetch": config.fetch,
        "page": config.page,
        "schedule": config.schedule,
        "watch": config.watch,
        "batch": config.batch,
    }
    for name, defaults in sections.items():
        table = data.get(name, {})
        if not isinstance(table, dict):
            raise ConfigError(f"{where}: [{name}] must be a table")
        sections[name] = _section(defaults, table, f"{where} [{name}]")
    return replace(config, **sections)


def _section(defaults: Any, table: dict[str, Any], where: str) -> Any:
    """`defaults` with the table's values, each converted to the field's type; one clear error otherwise."""
    types = {f.name: type(getattr(defaults, f.name)) for f in fields(defaults)}
    values: dict[str, Any] = {}
    for key, raw in table.items():
        if key not in types:
            raise ConfigError(f"{where}: unknown option {key} (known: {', '.join(sorted(types))})")
        current = getattr(defaults, key)
        try:
            values[key] = _converted(raw, current)
        except (TypeError, ValueError, OverflowError) as exc:
            raise ConfigError(f"{where}: {key} = {raw!r}: {exc}") from None
    try:
        return replace(defaults, **values)
    except (TypeError, ValueError, OverflowError) as exc:
        raise ConfigError(f"{where}: {exc}") from None


def _converted(raw: Any, current: Any) -> Any:
    if isinstance(current, timedelta) or (current is None and isinstance(raw, str) and _DURATION.match(raw)):
        return parse_duration(raw)
    if isinstance(current, bool):
        if not isinstance(raw, bool):
            raise TypeError("expected true or false")
        return raw
    if isinstance(current, int) and not isinstance(current, bool):
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise TypeError("expected a whole number")
        return raw
    if isinstance(current, float):
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            raise TypeError("expected a number")
        return _finite(float(raw))
    if isinstance(current, str):
        if not isinstance(raw, str):
            raise TypeError("expected text in quotes")
        return raw
    if current is None:
        if raw is not None and not isinstance(raw, str | int | float):
            raise TypeError("expected text")
        return raw
    raise TypeError(f"cannot be set from a file (a {type(current).__name__})")


def _finite(value: float) -> float:
    """TOML can spell nan and inf; no delay, timeout or factor can be either."""
    if not math.isfinite(value):
        raise ValueError("expected a finite number")
    return value


def parse_duration(raw: Any) -> timedelta:
    """Seconds (a number) or text such as "90s", "15m", "1h30m", "30d"."""
    if isinstance(raw, bool):
        raise TypeError("expected a duration such as 15m or 900")
    if isinstance(raw, int | float):
        if _finite(raw) < 0:
            raise ValueError("a duration cannot be negative")
        return _seconds(raw)
    if not isinstance(raw, str):
        raise TypeError("expected a duration such as 15m or 900")
    text = raw.strip().lower().replace(" ", "")
    parts = list(_DURATION.finditer(text))
    if not parts or "".join(p.group(0) for p in parts) != text:
        raise ValueError("expected a duration such as 90s, 15m, 12h, 30d or 1h30m")
    return _seconds(sum(float(p.group(1)) * _UNIT_SECONDS[p.group(2)] for p in parts))


def _seconds(seconds: float) -> timedelta:
    """A duration a schedule can add to today's date: a datetime ends at the year 9999."""
    if not seconds < MAX_DURATION.total_seconds():
        raise ValueError(f"a duration must be under {MAX_DURATION.days:,} days")
    return timedelta(seconds=seconds)
