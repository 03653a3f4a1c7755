"""Opening another tool's SQLite database read-only, and telling a NewsEdits file from a diffengine one.

Both name their versions table `entryversion` (diffengine is built on peewee, whose table names are the lower-cased
model names; NewsEdits derives from NewsSniffer, which kept the name):

- NewsEdits: `entryversion(id, entry_id, version, title, created, url, source, summary, num_versions, ...)`, the
  versions of an article numbered by `version` (from 0) within `entry_id` (within `source` in merged files).
- diffengine: `entry(id, url, created, checked, ...)` and `entryversion(id, title, url, summary, created,
  archive_url, entry_id)`, versions ordered by `created`; also `feed`, `feedentry` and `diff` tables.
"""

from __future__ import annotations

import sqlite3
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from storytrace.ingest.errors import ArchiveError

MAGIC = b"SQLite format 3\x00"
VERSIONS = "entryversion"
NEWSEDITS_COLUMNS = ("entry_id", "version", "summary", "created")
DIFFENGINE_COLUMNS = ("entry_id", "summary", "created")
# One slice of an archive's articles, (index, count): those whose entry id hashes to `index` of `count` buckets.
# Several processes can read one archive at once, each its own slice, every article in exactly one of them.
Slice = tuple[int, int]
# Rows read by rowid at a time once sorted (SQLite's limit on a statement's parameters is far above this).
ROWS_BY_ID = 500


@dataclass(frozen=True)
class VersionQuery:
    """How a reader reads an archive's versions: `SELECT {select} FROM {source}` in the order of `articles` (the
    columns that tell an article, the last its entry id as text), then `rowid`, so the rows of one article come
    together. `key_columns` are what the story key of an article is worked out from (`plan`)."""

    select: str
    source: str
    articles: tuple[str, ...]
    rowid: str
    key_columns: tuple[str, ...] = ()

    @property
    def entry(self) -> str:
        return self.articles[-1]

    @property
    def order(self) -> str:
        return ", ".join(self.articles)

    def rows(
        self, connection: sqlite3.Connection, part: Slice | None = None, rowids: Sequence[int] | None = None
    ) -> Iterator[tuple[Any, ...]]:
        """Every row in reading order; only slice `part`'s articles when given; only the rows `rowids` (an
        earlier `plan`'s, in its order) when given."""
        if rowids is not None:
            return _rows_by_id(connection, self, rowids)
        where, parameters = _slice_filter(connection, part, self.entry)
        return _rows_in_order(connection, self, where, parameters)

    def plan(
        self, connection: sqlite3.Connection, count: int, story_key: StoryKey, *, in_reading_order: bool = False
    ) -> list[array[int]] | None:
        """The rowids of each of `count` slices, each article in the slice its story key hashes to (articles
        without an entry id in slice 0), in the order of that hash within a slice (the articles of one story come
        together, in reading order), from one pass over the rowids and the small columns (the pages that hold each
        row's start are read, not the overflow pages of long texts): each slice is then read by rowid alone. Held
        meanwhile: 8 bytes a version and 24 an article. `in_reading_order`: stories in the order their first
        article is read instead (reads stay mostly sequential; a dictionary of the stories' hashes is held too).
        None when the versions have no rowids (a view)."""
        from storytrace.corpus.hashing import stable_hash

        if is_view(connection, VERSIONS):
            return None
        width = len(self.articles)
        found = connection.execute(
            f"SELECT {self.rowid}, {', '.join((*self.articles, *self.key_columns))} FROM {self.source} "
            f"ORDER BY {self.order}, {self.rowid}"
        )
        rowids = array("q")  # every row once, in reading order; an article is a run of them
        # A slice's articles: the hash of each one's story key, where its run of rowids starts and ends.
        hashes = [array("Q") for _ in range(count)]
        starts = [array("q") for _ in range(count)]
        ends = [array("q") for _ in range(count)]
        article: tuple[Any, ...] | None = None
        keyed: list[tuple[Any, ...]] = []
        first = 0

        def close() -> None:
            if article is None:
                return
            hashed = stable_hash(story_key(article, keyed)) if article[-1] is not None else 0
            slice_ = hashed % count
            hashes[slice_].append(hashed)
            starts[slice_].append(first)
            ends[slice_].append(len(rowids))

        for rowid, *values in found:
            if rowid is None:
                return None
            if rowids and rowid == rowids[-1]:  # a join that gives a row twice: it is read (with both) once
                continue
            here = tuple(values[:width])
            if here != article:
                close()
                article, keyed, first = here, [], len(rowids)
            keyed.append(tuple(values[width:]))
            rowids.append(rowid)
        close()
        slices = []
        for slice_ in range(count):
            order: Callable[[int], int] = hashes[slice_].__getitem__
            if in_reading_order:
                order = _first_read_order(hashes[slice_])
            gathered = array("q")
            for k in sorted(range(len(hashes[slice_])), key=order):  # (stable: a story's articles in reading order)
                gathered.extend(rowids[starts[slice_][k] : ends[slice_][k]])
            slices.append(gathered)
        return slices


def _first_read_order(hashes: array[int]) -> Callable[[int], int]:
    """A sort key for articles (by position) that puts the stories in the order their first article is read."""
    first_read: dict[int, int] = {}
    for hashed in hashes:
        first_read.setdefault(hashed, len(first_read))

    def rank(position: int) -> int:
        return first_read[hashes[position]]

    return rank


# An article's story key from its article columns and the key columns of its rows, in reading order.
StoryKey = Callable[[tuple[Any, ...], list[tuple[Any, ...]]], str]


def _slice_filter(connection: sqlite3.Connection, part: Slice | None, entry: str) -> tuple[str, tuple[int, ...]]:
    """A WHERE clause and its parameters keeping only the articles of slice `part` (none when `part` is None).

    The entry id is hashed as text, as the readers group it (12 and '12' are one article) and as `plan` deals
    them; rows without one go to slice 0, so each is refused once."""
    if part is None:
        return "", ()
    from storytrace.corpus.hashing import partition_of

    def bucket(entry: str | None, count: int) -> int:
        return 0 if entry is None else partition_of(entry, count)

    connection.create_function("storytrace_slice", 2, bucket, deterministic=True)
    index, count = part
    return f" WHERE storytrace_slice({entry}, ?) = ?", (count, index)


def _rows_in_order(
    connection: sqlite3.Connection, query: VersionQuery, where: str, parameters: Sequence[object]
) -> Iterator[tuple[Any, ...]]:
    """The rows of `SELECT {select} FROM {source}{where} ORDER BY {order}`, ties in `rowid` order.

    Sorted with the text in them, SQLite's sorter copies every version's HTML (tens of kilobytes each; for a
    NewsEdits-sized archive, gigabytes of temporary storage); here the rowids alone are sorted, and the rows are
    then read by rowid, ROWS_BY_ID at a time. A source without rowids (a view) is read with the single query.
    """
    if is_view(connection, VERSIONS):  # no rowid to sort by
        yield from connection.execute(
            f"SELECT {query.select} FROM {query.source}{where} ORDER BY {query.order}", parameters)
        return
    sorting = f"SELECT {query.rowid} FROM {query.source}{where} ORDER BY {query.order}, {query.rowid}"
    order_ids = array("q")  # (8 bytes a row)
    for (rowid,) in connection.execute(sorting, parameters):
        if not order_ids or order_ids[-1] != rowid:  # a join that gives a row twice: read (with both) once
            order_ids.append(rowid)
    yield from _rows_by_id(connection, query, order_ids)


def _rows_by_id(
    connection: sqlite3.Connection, query: VersionQuery, rowids: Sequence[int]
) -> Iterator[tuple[Any, ...]]:
    """The rows with these rowids, in this order, ROWS_BY_ID at a time. A rowid that a join gives several rows
    keeps them all."""
    for start in range(0, len(rowids), ROWS_BY_ID):
        wanted = list(rowids[start : start + ROWS_BY_ID])
        found: dict[object, list[tuple[Any, ...]]] = {}
        marks = ", ".join("?" * len(wanted))
        by_id = f"SELECT {query.select}, {query.rowid} FROM {query.source} WHERE {query.rowid} IN ({marks})"
        for *row, key in connection.execute(by_id, wanted):
            found.setdefault(key, []).append(tuple(row))
        for key in wanted:
            yield from found.pop(key, ())


def open_database(path: Path, wanted: str | None, *, check_pages: bool = True) -> tuple[sqlite3.Connection, str]:
    """The archive opened read-only and checked: (connection, "newsedits" | "diffengine").

    `wanted` None detects the kind; an SQLite file that is neither kind, lacks what `wanted` reads, or is corrupt
    raises ArchiveError. `check_pages` False skips reading every page for corruption (a reader of one slice of a
    file that was checked whole already).
    """
    connection = connect(path)
    try:
        if wanted is None:
            found = kind(connection)
            if found is None:
                if VERSIONS not in tables(connection):
                    require(connection, path, "newsedits")  # the error that lists the tables there are
                have = ", ".join(sorted(columns(connection, VERSIONS))[:12])
                raise ArchiveError(
                    f"{path} is an SQLite database but not a NewsEdits or diffengine archive (entryversion has "
                    f"columns {have}; NewsEdits needs {', '.join(NEWSEDITS_COLUMNS)}; diffengine needs "
                    f"{', '.join(DIFFENGINE_COLUMNS)} and an entry table)"
                )
            wanted = found
        else:
            require(connection, path, wanted)
        if check_pages:
            check_integrity(connection, path)
    except sqlite3.Error as exc:
        connection.close()
        raise ArchiveError(f"{path} is not a readable SQLite database: {_reason(exc)}") from None
    except ArchiveError:
        connection.close()
        raise
    return connection, wanted


def has_sqlite_magic(path: Path) -> bool:
    try:
        with path.open("rb") as stream:
            return stream.read(len(MAGIC)) == MAGIC
    except OSError:
        return False


def connect(path: Path) -> sqlite3.Connection:
    """The database opened read-only (the archive is never changed), its schema readable; else ArchiveError."""
    uri = path.resolve().as_uri() + "?mode=ro"
    try:
        connection = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as exc:
        raise ArchiveError(f"cannot open {path} as an SQLite database: {_reason(exc)}") from None
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as exc:
        connection.close()
        raise ArchiveError(f"{path} is not a readable SQLite database: {_reason(exc)}") from None
    return connection


def is_view(connection: sqlite3.Connection, name: str) -> bool:
    """Is `name` a view (whose rows have no rowid to read them by)?"""
    found = connection.execute("SELECT type FROM sqlite_master WHERE lower(name) = ?", (name.lower(),)).fetchone()
    return found is not None and found[0] == "view"


def tables(connection: sqlite3.Connection) -> set[str]:
    rows = connection.execute("SELECT lower(name) FROM sqlite_master WHERE type IN ('table', 'view')")
    return {name for (name,) in rows}


def columns(connection: sqlite3.Connection, table: str) -> set[str]:
    return {row[1].lower() for row in connection.execute(f'PRAGMA table_info("{table}")')}


def kind(connection: sqlite3.Connection) -> str | None:
    """"newsedits", "diffengine", or None for an SQLite file that is neither."""
    found = tables(connection)
    if VERSIONS not in found:
        return None
    have = columns(connection, VERSIONS)
    if all(name in have for name in NEWSEDITS_COLUMNS):
        return "newsedits"
    if "entry" in found and all(name in have for name in DIFFENGINE_COLUMNS) and "url" in columns(connection, "entry"):
        return "diffengine"
    return None


def require(connection: sqlite3.Connection, path: Path, wanted: str) -> None:
    """ArchiveError unless the database has the tables and columns `wanted` ("newsedits"/"diffengine") reads."""
    found = tables(connection)
    if VERSIONS not in found:
        listed = ", ".join(sorted(found)[:8]) or "none"
        raise ArchiveError(
            f"{path} is an SQLite database but not a NewsEdits or diffengine archive (no entryversion table; "
            f"tables: {listed})"
        )
    have = columns(connection, VERSIONS)
    needed = NEWSEDITS_COLUMNS if wanted == "newsedits" else DIFFENGINE_COLUMNS
    missing = [name for name in needed if name not in have]
    if wanted == "diffengine" and "entry" not in found:
        missing.append("the entry table")
    if missing:
        detected = kind(connection)
        hint = f" (it looks like a {detected} archive: try --format {detected})" if detected else ""
        raise ArchiveError(f"{path} is not a {wanted} archive: entryversion lacks {', '.join(missing)}{hint}")


def check_integrity(connection: sqlite3.Connection, path: Path) -> None:
    """PRAGMA quick_check before anything is imported: a corrupt page found half-way would stop the import there."""
    try:
        verdict = connection.execute("PRAGMA quick_check(1)").fetchone()
    except sqlite3.Error as exc:
        raise ArchiveError(f"{path} is a corrupt SQLite database: {_reason(exc)}") from None
    if verdict is None or verdict[0] != "ok":
        found = " ".join(str(verdict[0]).replace("*** in database main ***", "").split()) if verdict else ""
        raise ArchiveError(f"{path} is a corrupt SQLite database: {found[:200] or 'quick_check failed'}")


def _reason(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__
