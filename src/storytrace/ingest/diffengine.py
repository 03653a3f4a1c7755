"""diffengine SQLite files: `entry` (a tracked URL) and `entryversion` (title, canonical url, summary as `<p>`
HTML, created, entry_id), versions of an entry ordered by `created`.

The story's URL is the canonical `url` of the entry's latest version, else the entry's own `url`. diffengine also
records headline-only changes as versions; their text is the previous version's, so they are skipped as
duplicates.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from itertools import groupby
from pathlib import Path
from typing import Any

from storytrace.ingest.db_rows import DbRow, refuse_orphans, story_from_rows
from storytrace.ingest.records import ArchiveStory, Tally
from storytrace.ingest.sqlite_file import VERSIONS, Slice, StoryKey, VersionQuery, columns
from storytrace.ingest.times import parse_db_time


def read_diffengine(
    connection: sqlite3.Connection,
    path: Path,
    tally: Tally,
    part: Slice | None = None,
    rowids: Sequence[int] | None = None,
) -> Iterator[ArchiveStory]:
    """The archive's entries, each with its versions in order: only slice `part`'s entries when given, only the
    rows `rowids` (from `diffengine_query(...).plan`) when given."""
    found = diffengine_query(connection).rows(connection, part, rowids)
    for entry, rows in groupby(_rows(found), key=lambda row: row[0]):
        grouped = list(rows)
        if entry is None:
            refuse_orphans([row[2] for row in grouped], tally)
            continue
        entry_urls = [row[1] for row in grouped if isinstance(row[1], str) and row[1].strip()]
        fallback = entry_urls[0] if entry_urls else f"diffengine:{path.stem}/{entry}"
        story = story_from_rows([row[2] for row in grouped], fallback, tally)
        if story is not None:
            yield story


def diffengine_query(connection: sqlite3.Connection) -> VersionQuery:
    """Versions grouped by entry, with the entry's own URL."""
    have = columns(connection, VERSIONS)
    title = "v.title" if "title" in have else "NULL"
    url = "v.url" if "url" in have else "NULL"
    ident = "v.id" if "id" in have else "v.rowid"
    return VersionQuery(
        select=f"CAST(v.entry_id AS TEXT), e.url, {ident}, v.created, v.summary, {title}, {url}",
        source=f"{VERSIONS} AS v LEFT JOIN entry AS e ON e.id = v.entry_id",
        articles=("CAST(v.entry_id AS TEXT)",),
        rowid="v.rowid",
        key_columns=("e.url", "v.created", url),
    )


def diffengine_story_key(path: Path) -> StoryKey:
    """The URL `read_diffengine` gives an entry, from its rows: the latest version's canonical URL, else the
    entry's own, else `diffengine:<file name>/<entry_id>` (rows it refuses can make it differ, rarely)."""

    def story_key(article: tuple[Any, ...], rows: list[tuple[Any, ...]]) -> str:
        (entry,) = article
        timed = sorted((_moment(created), n, _text(url)) for n, (_, created, url) in enumerate(rows))
        urls = [url.strip() for _, _, url in timed if url.strip()]
        if urls:
            return urls[-1]
        entry_urls = [_text(own).strip() for own, _, _ in rows if _text(own).strip()]
        return entry_urls[0] if entry_urls else f"diffengine:{path.stem}/{entry}"

    return story_key


def _moment(created: object) -> float:
    """A version's time as the reader orders them (rows whose date it refuses first: they are dropped)."""
    try:
        return parse_db_time(created).timestamp()
    except ValueError:
        return float("-inf")


def _text(value: object) -> str:
    """A URL column as the reader reads it (bytes decoded; anything else that is not text, empty)."""
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return value if isinstance(value, str) else ""


def _rows(found: Iterator[tuple[Any, ...]]) -> Iterator[tuple[str | None, object, DbRow]]:
    for entry, entry_url, ident, created, summary, title, url in found:
        yield entry, entry_url, DbRow(f"entryversion id {ident}", 0.0, created, summary, title, url)
