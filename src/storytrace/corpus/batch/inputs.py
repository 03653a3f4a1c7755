"""Reading a corpus as versions: (story key, order, capture time, text), whatever the format.

NewsEdits and diffengine SQLite files go through the import readers (storytrace.ingest), so a story is what
`storytrace import` would make of it (two articles under one URL merged). They are read by partition: one pass over
the archive's rowids and small columns deals each article's rows to the partition of its story key (`plan_archive`),
and each partition's task then reads its own rows by rowid (`archive_stories`), so every text is read once, by the
task that aligns it. JSON Lines and Parquet are streamed in slices
(`read_slices`), one task each on the workers (byte ranges of a JSONL file cut at line starts, groups of whole
Parquet files), the story key taken from a field or column (`--story-key`, default the first of url, story, id);
their rows are not grouped here: each partition sorts its own rows into stories, so a file is read once, front to
back, whatever its order. Everything that makes an input unreadable is found in `open_source`, before anything is
written.
"""

from __future__ import annotations

import math
import sqlite3
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from storytrace.corpus.batch.errors import BatchError
from storytrace.corpus.batch.options import FORMATS, KEY_FIELDS, BatchOptions
from storytrace.errors import InputError
from storytrace.ingest.jsonl import json_object
from storytrace.ingest.records import ArchiveStory, Tally, merged, text_problem
from storytrace.ingest.sqlite_file import VERSIONS, has_sqlite_magic, is_view, open_database
from storytrace.ingest.times import parse_db_time, parse_time

PARQUET_MAGIC = b"PAR1"
ARCHIVES = ("newsedits", "diffengine")
ROWS_PER_BATCH = 10_000


@dataclass
class RowBatch:
    """Versions as columns: story key, explicit order (a version number, or None), time (UTC µs, or None),
    position in the input (the last tie-breaker) and text."""

    keys: list[str] = field(default_factory=list)
    ranks: list[float | None] = field(default_factory=list)
    times: list[int | None] = field(default_factory=list)
    seqs: list[int] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)

    def add(self, key: str, rank: float | None, moment: int | None, seq: int, text: str) -> None:
        self.keys.append(key)
        self.ranks.append(rank)
        self.times.append(moment)
        self.seqs.append(seq)
        self.texts.append(text)

    def __len__(self) -> int:
        return len(self.keys)


@dataclass(frozen=True)
class Source:
    """An input checked to be readable as its format, with what identifies it for the run's fingerprint."""

    path: Path
    format: str
    size: int
    identity: dict[str, Any]
    key_field: str | None = None  # JSONL and Parquet: the story key field actually used


def open_source(path: str | Path, options: BatchOptions, *, check_pages: bool = True) -> Source:
    """The input at `path`, its format detected (or `options.format` checked); BatchError when it cannot be read.
    `check_pages` False leaves an archive's page check (`check_archive_pages`) to the caller."""
    where = Path(path)
    wanted = _checked_format(options.format)
    try:
        exists, is_dir = where.exists(), where.is_dir()
    except (OSError, ValueError):
        exists = is_dir = False
    if not exists:
        raise BatchError(f"no such file or directory: {where}")
    if not is_dir and not where.is_file():  # a device or a pipe: endless, and its slices cannot be read apart
        raise BatchError(f"{where} is not a regular file")
    kind = wanted or _detect(where, is_dir)
    files = _parquet_files(where) if is_dir else [where]
    if is_dir and kind != "parquet":
        raise BatchError(f"{where} is a directory; only --format parquet reads a directory (of .parquet files)")
    if not files:
        raise BatchError(f"{where} holds no .parquet files")
    stats = [(str(p.relative_to(where)) if is_dir else p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in files]
    identity = {"path": str(where.resolve()), "format": kind, "files": stats}
    size = sum(s[1] for s in stats)
    if kind in (*ARCHIVES, "sqlite"):
        connection, found = _open_sqlite(where, None if kind == "sqlite" else kind, check_pages)
        connection.close()
        if options.story_key is not None:
            raise BatchError(f"--story-key names a JSONL field or Parquet column; the stories of a {found} archive "
                             "are its articles, keyed by their URLs")
        identity["format"] = found
        return Source(where, found, size, identity)
    if kind == "parquet":
        return Source(where, kind, size, identity, _parquet_columns(where, options))
    return Source(where, kind, size, identity, _jsonl_key(where, options))


@dataclass(frozen=True)
class ReadSlice:
    """One slice of an input, read by one task. `index` of `count`; JSONL: bytes [start, end) whose first line
    is line `first_line`; Parquet: the files numbered [start, end) whose first row is row `first_line` (from 0)."""

    index: int = 0
    count: int = 1
    start: int = 0
    end: int = -1
    first_line: int = 1


def read_slices(source: Source, wanted: int) -> list[ReadSlice]:
    """At most `wanted` slices that together hold every row of the input once (fewer when it is small)."""
    wanted = max(1, wanted)
    if source.format in ARCHIVES:
        raise ValueError("an archive is read by partition (plan_archive), not in slices")
    if source.format == "parquet":
        return _parquet_slices(source, wanted)
    return _jsonl_slices(source.path, wanted)


def read_rows(source: Source, options: BatchOptions, tally: Tally, part: ReadSlice | None = None) -> Iterator[RowBatch]:
    """The versions of the source (or of one slice of it) in batches; rows that cannot be versions are refused
    into `tally`."""
    part = part or ReadSlice()
    if source.format in ARCHIVES:
        raise ValueError("an archive is read by partition (archive_stories), not as rows")
    if source.format == "parquet":
        return _parquet_rows(source, options, tally, part)
    return _jsonl_rows(source, options, tally, part)


def _checked_format(name: str | None) -> str | None:
    if name is None:
        return None
    wanted = name.strip().lower()
    if wanted not in FORMATS:
        raise BatchError(f"unknown batch format {name!r} (--format); expected one of {', '.join(FORMATS)}")
    return wanted


def _detect(path: Path, is_dir: bool) -> str:
    if is_dir:
        return "parquet"
    if has_sqlite_magic(path):
        return "sqlite"
    try:
        with path.open("rb") as stream:
            head = stream.read(1024)
    except OSError as exc:
        raise BatchError(f"cannot read {path}: {exc.strerror or exc}") from None
    if head.startswith(PARQUET_MAGIC) or path.suffix.lower() == ".parquet":
        return "parquet"
    if path.suffix.lower() in (".jsonl", ".ndjson", ".jsonlines") or head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(
        b"{"
    ):
        return "jsonl"
    raise BatchError(f"cannot tell the format of {path} (not .jsonl, Parquet or SQLite); use --format")


def _parquet_files(root: Path) -> list[Path]:
    """The .parquet files under a directory, skipping names that start with "." or "_" (temporary files, markers)."""
    return sorted(
        p for p in root.rglob("*.parquet") if not any(part.startswith((".", "_")) for part in p.relative_to(root).parts)
    )


# SQLite: the import readers, one story at a time.


def _open_sqlite(path: Path, wanted: str | None, check_pages: bool = True) -> tuple[sqlite3.Connection, str]:
    try:
        return open_database(path, wanted, check_pages=check_pages)
    except InputError as exc:
        raise BatchError(str(exc)) from None


def plan_archive(source: Source, partitions: int) -> list[bytes] | None:
    """Each partition's rowids in reading order (as the bytes of an array of 64-bit integers, small to send to a
    worker): an article in the partition of its story key, the articles of one story together. From one pass over
    the rowids and small columns; None when the versions are a view (no rowids)."""
    from storytrace.ingest.formats import ARCHIVE_FORMATS

    connection, kind = _open_sqlite(source.path, source.format, check_pages=False)  # open_source checked it
    try:
        archive = ARCHIVE_FORMATS[kind]
        plan = archive.query(connection).plan(connection, partitions, archive.story_key(source.path))
    except sqlite3.Error as exc:
        raise BatchError(f"{source.path}: reading failed ({_first_line(exc)})") from None
    finally:
        connection.close()
    return None if plan is None else [rowids.tobytes() for rowids in plan]


def check_archive_pages(source: Source) -> None:
    """Every page of the archive readable (PRAGMA quick_check), else BatchError: a corrupt page found half-way
    would stop the run there."""
    connection, _ = _open_sqlite(source.path, source.format, check_pages=True)
    connection.close()


def archive_is_view(source: Source) -> bool:
    """Are the archive's versions a view (read by entry id, not by story: `plan_archive` gives None)?"""
    connection, _ = _open_sqlite(source.path, source.format, check_pages=False)
    try:
        return is_view(connection, VERSIONS)
    finally:
        connection.close()


def archive_stories(
    source: Source, tally: Tally, part: int, partitions: int, rowids: bytes | None
) -> Iterator[ArchiveStory]:
    """The stories of partition `part`: its rows by rowid (`plan_archive`), else the articles whose entry id hashes
    to it (the archive scanned for them); rows that cannot be versions are refused into `tally`. Two articles
    under one URL (which the plan puts together) are one story, as `storytrace import` makes them (not when
    scanned: a view's twins can be in different partitions)."""
    from storytrace.ingest.formats import ARCHIVE_FORMATS

    connection, kind = _open_sqlite(source.path, source.format, check_pages=False)
    reader = ARCHIVE_FORMATS[kind].read
    wanted = None
    if rowids is not None:
        wanted = array("q")
        wanted.frombytes(rowids)
    try:
        found = reader(connection, source.path, tally, (part, partitions), wanted)
        # (a view's partitions hold articles by entry id, twins anywhere: each article is a story of its own there)
        yield from found if wanted is None else _one_story_per_url(found)
    except sqlite3.Error as exc:
        raise BatchError(f"{source.path}: reading failed ({_first_line(exc)})") from None
    finally:
        connection.close()


def _one_story_per_url(stories: Iterator[ArchiveStory]) -> Iterator[ArchiveStory]:
    """Consecutive articles with one URL merged into one story, their versions in time order (every version kept,
    as for an article alone: a text captured twice makes an identical pair; `storytrace import` stores each text
    once)."""
    held: ArchiveStory | None = None
    for story in stories:
        if held is not None and story.url == held.url:
            held = merged(held, story)
            continue
        if held is not None:
            yield held
        held = story
    if held is not None:
        yield held


def _first_line(exc: BaseException) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def micros(moment: Any) -> int:
    """A datetime as UTC microseconds (one without a zone is taken as UTC)."""
    return int(moment.timestamp() * 1_000_000) if moment.tzinfo else int(moment.replace(tzinfo=UTC).timestamp() * 1e6)


# JSON Lines: one version per line.


def _jsonl_key(path: Path, options: BatchOptions) -> str:
    """The story key field: --story-key, else the first of url, story, id that the first record has."""
    try:
        with path.open("rb") as stream:
            for number, raw in enumerate(stream, start=1):
                if raw.strip():
                    record = _json_record(raw, path, number)
                    if options.story_key is not None:
                        if options.story_key not in record:  # (as a Parquet input without that column is refused)
                            fields = ", ".join(sorted(record)[:12])
                            raise BatchError(f"{path}, line {number}: no field {options.story_key!r} for --story-key "
                                             f"(the record has {fields})")
                        return options.story_key
                    for name in KEY_FIELDS:
                        if name in record:
                            return name
                    raise BatchError(
                        f"{path}, line {number}: no story key field ({', '.join(KEY_FIELDS)}); name one with "
                        "--story-key"
                    )
    except OSError as exc:
        raise BatchError(f"cannot read {path}: {exc.strerror or exc}") from None
    raise BatchError(f"{path} is empty: no JSON lines")


def _json_record(raw: bytes, path: Path, number: int) -> dict[str, Any]:
    try:
        return json_object(raw)
    except ValueError as exc:
        raise BatchError(f"{path}, line {number}: {exc}") from None


def _jsonl_slices(path: Path, wanted: int) -> list[ReadSlice]:
    """Byte ranges of about equal size, each starting at a line start, with the number of its first line (found by
    counting line ends, far faster than parsing the lines)."""
    try:
        size = path.stat().st_size
        with path.open("rb") as stream:
            cuts = [0]
            for k in range(1, wanted):
                stream.seek(max(size * k // wanted - 1, cuts[-1]))
                stream.readline()  # to the start of the next line
                if stream.tell() >= size:
                    break
                if stream.tell() > cuts[-1]:
                    cuts.append(stream.tell())
            stream.seek(0)
            firsts, lines, offset = [1], 0, 0
            for cut in cuts[1:]:
                while offset < cut:
                    chunk = stream.read(min(1 << 22, cut - offset))
                    lines += chunk.count(b"\n")
                    offset += len(chunk)
                firsts.append(lines + 1)
    except OSError as exc:
        raise BatchError(f"cannot read {path}: {exc.strerror or exc}") from None
    ends = [*cuts[1:], size]
    return [ReadSlice(n, len(cuts), cuts[n], ends[n], firsts[n]) for n in range(len(cuts))]


def _jsonl_rows(source: Source, options: BatchOptions, tally: Tally, part: ReadSlice) -> Iterator[RowBatch]:
    assert source.key_field is not None
    batch = RowBatch()
    try:
        stream = source.path.open("rb")
    except OSError as exc:
        raise BatchError(f"cannot read {source.path}: {exc.strerror or exc}") from None
    with stream:
        stream.seek(part.start)
        at = part.start
        for number, raw in enumerate(stream, start=part.first_line):
            if 0 <= part.end <= at:
                break
            at += len(raw)
            if not raw.strip():
                continue
            record = _json_record(raw, source.path, number)
            tally.rows += 1
            row = _version_row(record, source.key_field, options, tally, f"line {number}")
            if row is not None:
                batch.add(row[0], row[1], row[2], number, row[3])
                if len(batch) >= ROWS_PER_BATCH:
                    yield batch
                    batch = RowBatch()
    if batch:
        yield batch


def _version_row(
    record: dict[str, Any], key_field: str, options: BatchOptions, tally: Tally, where: str
) -> tuple[str, float | None, int | None, str] | None:
    """(key, rank, time, text) of a JSON record, or None (refused into `tally`)."""
    key = _key(record.get(key_field))
    if key is None:
        tally.refuse("missing story key", where, f"no usable {key_field!r} field")
        return None
    text = record.get(options.text_field)
    if text is None and isinstance(record.get("html"), str):
        from storytrace.text.read import read_bytes

        try:
            text = read_bytes(record["html"].encode("utf-8"), name=where, format="html").text
        except InputError as exc:
            tally.refuse("no article text", where, str(exc))
            return None
    problem = text_problem(text) if text is not None else ("missing text", f"no {options.text_field!r} field")
    if problem is not None:
        tally.refuse(problem[0], where, problem[1])
        return None
    moment: int | None = None
    if record.get(options.time_field) is not None:
        try:
            moment = micros(parse_time(record[options.time_field]))
        except ValueError as exc:
            tally.refuse("bad date", where, f"bad {options.time_field}: {exc}")
            return None
    rank = _rank(record.get(options.version_field))
    assert isinstance(text, str)
    return key, rank, moment, text


def _key(value: object) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | str) and str(value).strip():
        return str(value).strip()
    return None


def _rank(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        rank = float(value)
    except OverflowError:  # an integer too large for a float: not a version number
        return None
    return rank if math.isfinite(rank) else None


# Parquet: a file or a directory of files, streamed in record batches.


def _parquet_columns(path: Path, options: BatchOptions) -> str:
    """Check the columns now (the key and text must be there, strings); returns the key column."""
    schema = _dataset(path).schema
    names = set(schema.names)
    key = options.story_key or next((name for name in KEY_FIELDS if name in names), None)
    problems = []
    if key is None or key not in names:
        wanted = repr(key) if key else f"one of {', '.join(KEY_FIELDS)}"
        problems.append(f"no story key column {wanted} (--story-key names one)")
    elif not (pa.types.is_string(schema.field(key).type) or pa.types.is_large_string(schema.field(key).type)
              or pa.types.is_integer(schema.field(key).type)):
        problems.append(f"the story key column {key!r} is {schema.field(key).type}, not text or an integer")
    if options.text_field not in names:
        problems.append(f"no text column {options.text_field!r}")
    elif not (pa.types.is_string(schema.field(options.text_field).type)
              or pa.types.is_large_string(schema.field(options.text_field).type)):
        problems.append(f"the text column {options.text_field!r} is {schema.field(options.text_field).type}, not text")
    if options.time_field in names:
        kind = schema.field(options.time_field).type
        if not (pa.types.is_timestamp(kind) or pa.types.is_string(kind) or pa.types.is_large_string(kind)):
            problems.append(f"the time column {options.time_field!r} is {kind}, not a timestamp or ISO 8601 text")
    if options.version_field in names:
        kind = schema.field(options.version_field).type
        if not (pa.types.is_integer(kind) or pa.types.is_floating(kind)):
            problems.append(f"the version column {options.version_field!r} is {kind}, not a number")
    if problems:
        have = ", ".join(schema.names[:12])
        raise BatchError(f"{path}: wrong Parquet columns: {'; '.join(problems)} (columns: {have})")
    assert key is not None
    return key


def _dataset(path: Path) -> ds.Dataset:
    try:
        return ds.dataset([str(p) for p in _parquet_files(path)] if path.is_dir() else path, format="parquet")
    except (pa.ArrowException, OSError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise BatchError(f"{path} is not a readable Parquet file: {reason}") from None


def _parquet_slices(source: Source, wanted: int) -> list[ReadSlice]:
    """Runs of consecutive files of about equal row counts (a single file is one slice), each with the number of
    its first row (from the files' footers)."""
    files = _parquet_files(source.path) if source.path.is_dir() else [source.path]
    try:
        rows = [pq.ParquetFile(path).metadata.num_rows for path in files]
    except (pa.ArrowException, OSError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise BatchError(f"{source.path}: reading Parquet failed ({reason})") from None
    total = sum(rows)
    starts, seen = [0], 0
    for number, count in enumerate(rows[:-1]):
        seen += count
        if seen * wanted >= total * len(starts):
            starts.append(number + 1)
    ends = [*starts[1:], len(files)]
    return [ReadSlice(n, len(starts), starts[n], ends[n], sum(rows[: starts[n]])) for n in range(len(starts))]


def _parquet_rows(source: Source, options: BatchOptions, tally: Tally, part: ReadSlice) -> Iterator[RowBatch]:
    assert source.key_field is not None
    dataset = _dataset(source.path)
    if part.count > 1:
        files = _parquet_files(source.path)[part.start : part.end]
        try:
            dataset = ds.dataset([str(p) for p in files], schema=dataset.schema, format="parquet")
        except (pa.ArrowException, OSError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise BatchError(f"{source.path}: reading Parquet failed ({reason})") from None
    names = set(dataset.schema.names)
    columns = [source.key_field, options.text_field]
    has_time = options.time_field in names
    has_version = options.version_field in names
    columns += [options.time_field] * has_time + [options.version_field] * has_version
    seq = part.first_line if part.count > 1 else 0
    try:
        for record_batch in dataset.to_batches(columns=columns, batch_size=ROWS_PER_BATCH):
            n = record_batch.num_rows
            keys = record_batch.column(0).cast(pa.string()).to_pylist()
            texts = record_batch.column(1).to_pylist()
            times = _parquet_times(record_batch.column(2)) if has_time else [None] * n
            ranks = (record_batch.column(3 if has_time else 2).cast(pa.float64()).to_pylist() if has_version
                     else [None] * n)
            batch = RowBatch()
            for i in range(n):
                tally.rows += 1
                where = f"row {seq + i}"
                key, text, moment = keys[i], texts[i], times[i]
                if key is None or not key.strip():
                    tally.refuse("missing story key", where, f"no {source.key_field!r} value")
                elif isinstance(moment, str):
                    tally.refuse("bad date", where, f"bad {options.time_field}: {moment}")
                elif (problem := text_problem(text) if text is not None else ("missing text", "no text")) is not None:
                    tally.refuse(problem[0], where, problem[1])
                else:
                    batch.add(key.strip(), ranks[i], moment, seq + i, text)
            seq += n
            if batch:
                yield batch
    except (pa.ArrowException, OSError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise BatchError(f"{source.path}: reading Parquet failed ({reason})") from None


def _parquet_times(column: pa.Array) -> list[int | str | None]:
    """UTC microseconds (a timestamp without a zone is taken as UTC); a string that is not a time is returned as
    itself, to be refused."""
    if pa.types.is_timestamp(column.type):
        unit = column.cast(pa.timestamp("us", tz=column.type.tz), safe=False)
        values: list[int | None] = unit.cast(pa.int64()).to_pylist()
        return list(values)
    found: list[int | str | None] = []
    for value in column.to_pylist():
        if value is None:
            found.append(None)
            continue
        try:
            found.append(micros(parse_db_time(value)))
        except ValueError:
            found.append(str(value))
    return found
