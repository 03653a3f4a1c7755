"""NewsEdits SQLite files: one `entryversion` row per version, numbered by `version` within an article
(`entry_id`, itself within `source` in files that merge several outlets); `summary` is the text as `<p>` HTML.

The story's URL is the `url` column of its latest version; an article without one is called
`newsedits:<source or file name>/<entry_id>`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from itertools import groupby
from pathlib import Path

from storytrace.ingest.db_rows import DbRow, refuse_orphans, story_from_rows, version_number
from storytrace.ingest.records import ArchiveStory, Tally
from storytrace.ingest.sqlite_file import VERSIONS, Slice, columns, slice_filter

FETCH = 2000


def read_newsedits(
    connection: sqlite3.Connection, path: Path, tally: Tally, part: Slice | None = None
) -> Iterator[ArchiveStory]:
    """The archive's articles (only slice `part` of them when given), each with its versions in order."""
    have = columns(connection, VERSIONS)
    source = "source" if "source" in have else "NULL"
    title = "title" if "title" in have else "NULL"
    url = "url" if "url" in have else "NULL"
    ident = "id" if "id" in have else "rowid"
    where, parameters = slice_filter(connection, part, "entry_id")
    # Rows grouped by article; CAST: an id stored as 12 in one row and '12' in another is the same article.
    cursor = connection.execute(
        f"SELECT CAST({source} AS TEXT), CAST(entry_id AS TEXT), {ident}, version, created, summary, {title}, {url} "
        f"FROM {VERSIONS}{where} ORDER BY 1, 2",
        parameters,
    )
    for (outlet, entry), rows in groupby(_rows(cursor), key=lambda row: (row[0], row[1])):
        if entry is None:
            refuse_orphans([row[2] for row in rows], tally)
            continue
        fallback = f"newsedits:{outlet or path.stem}/{entry}"
        story = story_from_rows([row[2] for row in rows], fallback, tally)
        if story is not None:
            yield story


def _rows(cursor: sqlite3.Cursor) -> Iterator[tuple[str | None, str | None, DbRow]]:
    while batch := cursor.fetchmany(FETCH):
        for outlet, entry, ident, number, created, summary, title, url in batch:
            where = f"entryversion id {ident}"
            yield outlet, entry, DbRow(where, version_number(number), created, summary, title, url)
