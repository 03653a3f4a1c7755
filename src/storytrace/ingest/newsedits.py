"""NewsEdits SQLite files: one `entryversion` row per version, numbered by `version` within an article
(`entry_id`, itself within `source` in files that merge several outlets); `summary` is the text as `<p>` HTML.

The story's URL is the `url` column of its latest version; an article without one is called
`newsedits:<source or file name>/<entry_id>`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from itertools import groupby
from pathlib import Path
from typing import Any

from storytrace.ingest.db_rows import DbRow, refuse_orphans, story_from_rows, version_number
from storytrace.ingest.records import ArchiveStory, Tally
from storytrace.ingest.sqlite_file import VERSIONS, Slice, StoryKey, VersionQuery, columns


def read_newsedits(
    connection: sqlite3.Connection,
    path: Path,
    tally: Tally,
    part: Slice | None = None,
    rowids: Sequence[int] | None = None,
) -> Iterator[ArchiveStory]:
    """The archive's articles, each with its versions in order: only slice `part`'s articles when given, only
    the rows `rowids` (from `newsedits_query(...).plan`) when given."""
    found = newsedits_query(connection).rows(connection, part, rowids)
    for (outlet, entry), rows in groupby(_rows(found), key=lambda row: (row[0], row[1])):
        if entry is None:
            refuse_orphans([row[2] for row in rows], tally)
            continue
        fallback = f"newsedits:{outlet or path.stem}/{entry}"
        story = story_from_rows([row[2] for row in rows], fallback, tally)
        if story is not None:
            yield story


def newsedits_query(connection: sqlite3.Connection) -> VersionQuery:
    """Versions grouped by article; CAST: an id stored as 12 in one row and '12' in another is the same article."""
    have = columns(connection, VERSIONS)
    source = "source" if "source" in have else "NULL"
    title = "title" if "title" in have else "NULL"
    url = "url" if "url" in have else "NULL"
    ident = "id" if "id" in have else "rowid"
    return VersionQuery(
        select=f"CAST({source} AS TEXT), CAST(entry_id AS TEXT), {ident}, version, created, summary, {title}, {url}",
        source=VERSIONS,
        articles=(f"CAST({source} AS TEXT)", "CAST(entry_id AS TEXT)"),
        rowid="rowid",
        key_columns=("version", url),
    )


def newsedits_story_key(path: Path) -> StoryKey:
    """The URL `read_newsedits` gives an article, from its rows' versions and URLs: the latest version's URL, else
    `newsedits:<source or file name>/<entry_id>` (rows it refuses can make it differ, rarely)."""

    def story_key(article: tuple[Any, ...], rows: list[tuple[Any, ...]]) -> str:
        outlet, entry = article
        numbered = sorted(
            (number, n, url) for n, (version, url) in enumerate(rows) if (number := version_number(version)) is not None
        )
        urls = [url.strip() for _, _, url in numbered if isinstance(url, str) and url.strip()]
        return urls[-1] if urls else f"newsedits:{outlet or path.stem}/{entry}"

    return story_key


def _rows(found: Iterator[tuple[Any, ...]]) -> Iterator[tuple[str | None, str | None, DbRow]]:
    for outlet, entry, ident, number, created, summary, title, url in found:
        where = f"entryversion id {ident}"
        yield outlet, entry, DbRow(where, version_number(number), created, summary, title, url)
