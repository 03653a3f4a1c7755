"""The store's tables: sources, stories, their immutable versions, and every check (fetch attempt).

Schema changes go through a new Alembic revision in `storytrace/store/migrations/versions/`; a test compares
these models with the migrated schema, so the two cannot drift apart.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import true as sa_true
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from storytrace.store.types import Compressed, UTCDateTime

# Constraint and index names are explicit and stable (Alembic's batch mode on SQLite needs them).
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# 64-bit ids where rows pile up (a check per fetch); SQLite needs INTEGER for its rowid alias.
BigId = BigInteger().with_variant(Integer(), "sqlite")

MAX_URL_LENGTH = 2048


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)

    def __repr__(self) -> str:
        shown = ("id", "url", "story_id", "number", "outcome", "version_id")
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in shown if name in self.__dict__)
        return f"{type(self).__name__}({fields})"


class SourceKind(StrEnum):
    FEED = "feed"
    SITE = "site"


class Outcome(StrEnum):
    """What one check (fetch attempt) came to."""

    NEW_VERSION = "new_version"  # a text not seen before for the story: stored as the next version
    UNCHANGED = "unchanged"  # the same text as the latest version
    NOT_MODIFIED = "not_modified"  # HTTP 304
    FLIP_FLOP = "flip_flop"  # a text the story had before, not the latest: not stored again
    WHITESPACE_ONLY = "whitespace_only"  # the latest text bar whitespace
    TOO_SHORT = "too_short"
    TRUNCATED = "truncated"
    EXTRACTION_FAILED = "extraction_failed"
    ERROR_PAGE = "error_page"
    PAYWALL = "paywall"
    HTTP_ERROR = "http_error"
    NETWORK_ERROR = "network_error"
    ROBOTS_DISALLOWED = "robots_disallowed"
    TOO_LARGE = "too_large"
    FEED_PARSED = "feed_parsed"
    FEED_ERROR = "feed_error"

    @property
    def failed(self) -> bool:
        """Nothing usable came of the check: it counts towards a story's failures in a row."""
        return self in _FAILED


# Outcomes that got nothing usable (a page or feed that could not be had, or was not a real version).
_FAILED = frozenset(
    {
        Outcome.HTTP_ERROR, Outcome.NETWORK_ERROR, Outcome.TOO_LARGE, Outcome.ROBOTS_DISALLOWED, Outcome.FEED_ERROR,
        Outcome.EXTRACTION_FAILED, Outcome.ERROR_PAGE, Outcome.PAYWALL, Outcome.TOO_SHORT, Outcome.TRUNCATED,
    }
)


def _values(enum: type[StrEnum]) -> list[str]:
    return [member.value for member in enum]


class Source(Base):
    """A feed or a site that stories are discovered from."""

    __tablename__ = "sources"
    __table_args__ = (CheckConstraint("kind IN ('feed', 'site')", name="kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(MAX_URL_LENGTH), unique=True)
    kind: Mapped[SourceKind] = mapped_column(
        Enum(SourceKind, native_enum=False, create_constraint=False, length=8, values_callable=_values)
    )
    title: Mapped[str | None] = mapped_column(Text)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The validators of the last feed read that was parsed (or answered 304): sent with the next read.
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    # False once `storytrace stop` stopped reading it (its stories stay, as they are); `storytrace add` resumes.
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=sa_true())


class Story(Base):
    """One tracked article, known by its canonical URL."""

    __tablename__ = "stories"
    __table_args__ = (
        Index("ix_stories_due", "active", "next_check_at"),
        CheckConstraint("version_count >= 0", name="version_count"),
        CheckConstraint("check_interval_s > 0", name="check_interval"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(MAX_URL_LENGTH), unique=True)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="SET NULL"), index=True)
    title: Mapped[str | None] = mapped_column(Text)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_change_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    next_check_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    check_interval_s: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean)
    version_count: Mapped[int] = mapped_column(Integer)
    # Failed checks in a row (see Outcome.failed), reset by any check that read the page; survives restarts so
    # that ScheduleOptions.max_failures can stop watching a dead page.
    failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Why watching stopped (None while watched, or when it stopped before this was recorded).
    stop_reason: Mapped[str | None] = mapped_column(Text)
    # The validators of the last answer that was judged (a 200 whose text was read, or a 304), not those of the
    # latest version: a page whose furniture changed answers 304 to these, not to the version's.
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)


class Version(Base):
    """One text of a story, as captured; never changed once stored.

    `number` counts from 1 per story without gaps; no two versions of a story share a content hash, so a text
    seen before (a flip-flop) or the same text reported by two watchers at once is stored once.
    """

    __tablename__ = "versions"
    __table_args__ = (
        UniqueConstraint("story_id", "number"),
        UniqueConstraint("story_id", "content_hash"),
        CheckConstraint("number >= 1", name="number"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    captured_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    title: Mapped[str | None] = mapped_column(Text)
    byline: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    text: Mapped[str] = mapped_column(Text)
    raw_html: Mapped[bytes | None] = mapped_column(Compressed)
    http_status: Mapped[int | None] = mapped_column(Integer)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    extractor: Mapped[str | None] = mapped_column(String(200))
    change_summary: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))


class Check(Base):
    """One attempt to fetch a story or a source, whatever came of it."""

    __tablename__ = "checks"
    __table_args__ = (
        Index("ix_checks_story_id_checked_at", "story_id", "checked_at"),
        Index("ix_checks_source_id_checked_at", "source_id", "checked_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    story_id: Mapped[int | None] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"))
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Stored as a short string without a database CHECK: a new outcome needs no table rebuild on SQLite.
    outcome: Mapped[Outcome] = mapped_column(
        Enum(Outcome, native_enum=False, create_constraint=False, length=24, values_callable=_values)
    )
    http_status: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str | None] = mapped_column(Text)
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    # The version stored (new_version) or matched (unchanged, whitespace_only, flip_flop).
    version_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("versions.id", ondelete="SET NULL"), index=True
    )
