"""The versions of a story as collate sees them: a text with an optional label, outlet and time.

Times order the versions; without a time on every version, the order in which they were given is the order.
A version with no outlet is its own source when statements are counted (nobody can say two unknown sources
are one), and versions with no outlet together are read as revisions of one story when drops are found.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from storytrace.errors import InputError


@dataclass(frozen=True, slots=True)
class Version:
    """One version of a story. `time` is ISO 8601 (a date, or a date and time, with or without a zone)."""

    text: str
    label: str | None = None
    outlet: str | None = None
    time: str | None = None


def parse_time(value: str, where: str = "") -> datetime:
    """An ISO 8601 time as an aware datetime (a time without a zone is read as UTC)."""
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        place = f" for {where}" if where else ""
        raise InputError(f"time {value!r}{place} is not ISO 8601 (e.g. 2024-05-01T09:30:00Z)") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def chronology(versions: Sequence[Version]) -> tuple[int, ...]:
    """Version indices from earliest to latest: by time when every version has one, else as given."""
    if versions and all(v.time for v in versions):
        times = [parse_time(v.time or "", v.label or f"version {i + 1}") for i, v in enumerate(versions)]
        return tuple(sorted(range(len(versions)), key=lambda i: (times[i], i)))
    for i, v in enumerate(versions):  # still refuse a malformed time when only some are given
        if v.time:
            parse_time(v.time, v.label or f"version {i + 1}")
    return tuple(range(len(versions)))


def identity(version: Version) -> str:
    """A digest of everything a version is, used to break ties without looking at input order."""
    parts = (version.text, version.label or "", version.outlet or "", version.time or "")
    return hashlib.sha1("\x00".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def source_of(versions: Sequence[Version], index: int) -> str:
    """Who published a version, for counting support: its outlet, or the version itself if none is given."""
    outlet = versions[index].outlet
    return f"outlet:{outlet}" if outlet else f"version:{index}"


def lineage_of(versions: Sequence[Version], index: int) -> str | None:
    """Which revisions a version belongs to, for finding drops: its outlet (None: the unnamed story)."""
    return versions[index].outlet or None
