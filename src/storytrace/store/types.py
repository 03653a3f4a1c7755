"""Column types: timezone-aware UTC datetimes on every backend, and zlib-compressed bytes."""

from __future__ import annotations

import zlib
from datetime import UTC, datetime

from sqlalchemy import DateTime, LargeBinary
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    """Now, timezone-aware, in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A point in time, always given and returned timezone-aware in UTC.

    PostgreSQL stores `timestamptz`; SQLite has no time zones, so the UTC wall time is stored (as ISO text, which
    sorts and compares correctly) and UTC is attached again when read. A naive datetime is refused: its meaning
    (local time? UTC?) would be a guess.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()} given to the store; pass a timezone-aware one")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Compressed(TypeDecorator[bytes]):
    """Bytes stored zlib-compressed (raw HTML shrinks five- to tenfold); the attribute holds them uncompressed."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value: bytes | None, dialect: Dialect) -> bytes | None:
        return None if value is None else zlib.compress(value, 6)

    def process_result_value(self, value: bytes | None, dialect: Dialect) -> bytes | None:
        return None if value is None else zlib.decompress(value)
