"""Capture times as archives write them, read as timezone-aware UTC datetimes."""

from __future__ import annotations

import re
from datetime import UTC, datetime

# Unix times outside this range (seconds) are not capture times of news articles: a date column holding ids,
# or milliseconds.
_EPOCH_MIN = 0
_EPOCH_MAX = 4_102_444_800  # 2100-01-01
_DAY_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_time(value: object) -> datetime:
    """An ISO 8601 date and time ("2024-05-01T10:30:00Z", "2024-05-01 10:30:00.123456", "+02:00" offsets) as UTC.

    A time without an offset is taken to be UTC (as diffengine and NewsEdits write them). Raises ValueError with a
    short reason for anything else: a date alone, an empty string, a non-string.
    """
    if not isinstance(value, str):
        raise ValueError(f"not a date and time: {_shown(value)}")
    raw = value.strip()
    if _DAY_ONLY.match(raw):
        raise ValueError(f"a date without a time: {_shown(value)}")
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"not an ISO 8601 date and time: {_shown(value)}") from None
    return _utc(moment, value)


def parse_db_time(value: object) -> datetime:
    """A date column of an SQLite archive: ISO 8601 text (see parse_time) or Unix seconds."""
    if isinstance(value, bool):
        raise ValueError(f"not a date and time: {_shown(value)}")
    if isinstance(value, int | float):
        if not _EPOCH_MIN <= value <= _EPOCH_MAX:
            raise ValueError(f"not a plausible Unix time: {_shown(value)}")
        return datetime.fromtimestamp(value, UTC)
    if isinstance(value, bytes):
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError:
            raise ValueError("not a date and time: undecodable bytes") from None
    if isinstance(value, str) and re.fullmatch(r"\s*\d+(?:\.\d+)?\s*", value) and not _DAY_ONLY.match(value):
        return parse_db_time(float(value))
    return parse_time(value)


def _utc(moment: datetime, original: object) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise ValueError(f"out of range: {_shown(original)}") from None


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
