"""Splitting the input into shards, by partition: the stable hash of each version's story key.

Each slice of the input (`inputs.read_slices`) is read by one task on a worker, which appends each version to its
partition's shard for that slice (an Arrow IPC file, lz4-compressed) in buffered batches; a partition's task then
reads its shards of every slice. Shards of partitions that are already done are not written, so a resumed run only
pays for reading the input again. The shards live in the output directory: with an existing cluster, the input and
that directory must be on a file system the workers share.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from storytrace.corpus.batch.errors import BatchError
from storytrace.corpus.batch.inputs import ReadSlice, RowBatch, Source, read_rows
from storytrace.corpus.batch.options import BatchOptions
from storytrace.corpus.hashing import partition_of
from storytrace.ingest.records import Tally

SHARD_SCHEMA = pa.schema(
    [
        ("story", pa.string()),
        ("rank", pa.float64()),
        ("captured_at", pa.timestamp("us", tz="UTC")),
        ("seq", pa.int64()),
        ("text", pa.large_string()),
    ]
)
# A key's partition is remembered while fewer keys than this have been seen (versions of a story come together).
KEY_CACHE = 200_000


@dataclass
class StageStats:
    rows: int = 0
    seconds: float = 0.0
    shards: dict[int, Path] = field(default_factory=dict)


def shard_path(directory: Path, part: int) -> Path:
    return directory / f"part-{part:05d}.arrow"


def stage(
    batches: Iterable[RowBatch],
    partitions: int,
    wanted: set[int],
    directory: Path,
    *,
    flush_rows: int,
    progress: Callable[[int], None] | None = None,
) -> StageStats:
    """Write the rows of the `wanted` partitions to their shards in `directory`; returns where they are."""
    started = time.perf_counter()
    directory.mkdir(parents=True, exist_ok=True)
    stats = StageStats()
    buffers: dict[int, RowBatch] = {}
    writers: dict[int, pa.ipc.RecordBatchFileWriter] = {}
    options = pa.ipc.IpcWriteOptions(compression="lz4")
    cache: dict[str, int] = {}

    def flush(part: int) -> None:
        rows = buffers.pop(part)
        if part not in writers:
            path = shard_path(directory, part)
            writers[part] = pa.ipc.new_file(str(path), SHARD_SCHEMA, options=options)
            stats.shards[part] = path
        arrays = [rows.keys, rows.ranks, rows.times, rows.seqs, rows.texts]
        writers[part].write_batch(pa.record_batch(arrays, schema=SHARD_SCHEMA))

    try:
        for batch in batches:
            for key, rank, moment, seq, text in zip(
                batch.keys, batch.ranks, batch.times, batch.seqs, batch.texts, strict=True
            ):
                part = cache.get(key)
                if part is None:
                    if len(cache) >= KEY_CACHE:
                        cache.clear()
                    part = cache[key] = partition_of(key, partitions)
                if part not in wanted:
                    continue
                buffer = buffers.get(part)
                if buffer is None:
                    buffer = buffers[part] = RowBatch()
                buffer.add(key, rank, moment, seq, text)
                stats.rows += 1
                if len(buffer) >= flush_rows:
                    flush(part)
            if progress is not None:
                progress(len(batch))
        for part in list(buffers):
            flush(part)
    finally:
        for writer in writers.values():
            writer.close()
    stats.seconds = time.perf_counter() - started
    return stats


def stage_slice(
    source: Source, options: BatchOptions, part: ReadSlice, partitions: int, wanted: list[int], directory: str
) -> dict[str, object]:
    """The task that reads one slice of the input into its shards (in `directory`/slice-NNNNN); returns where they
    are, the slice's tally of rows read and refused, and its time. An input it cannot read is returned as
    {"error": message}, not raised: Dask would log a raised error with its traceback, and the user gets one line."""
    tally = Tally()
    into = Path(directory) / f"slice-{part.index:05d}"
    try:
        rows = read_rows(source, options, tally, part)
        staged = stage(rows, partitions, set(wanted), into, flush_rows=options.stage_rows)
    except BatchError as exc:
        return {"error": str(exc)}
    return {
        "shards": {number: str(path) for number, path in staged.shards.items()},
        "rows": tally.rows,
        "refused": dict(tally.refused),
        "examples": list(tally.examples),
        "seconds": staged.seconds,
    }


def read_shard(paths: list[Path]) -> pa.Table:
    """A partition's rows from its shards, sorted into stories: by key, then version number, capture time and
    input position."""
    tables = []
    for path in paths:
        with pa.OSFile(str(path)) as source:
            tables.append(pa.ipc.open_file(source).read_all())
    table = pa.concat_tables(tables) if tables else SHARD_SCHEMA.empty_table()
    order = pc.sort_indices(
        table,
        sort_keys=[
            ("story", "ascending", "at_end"),
            ("rank", "ascending", "at_end"),
            ("captured_at", "ascending", "at_end"),
            ("seq", "ascending", "at_end"),
        ],
    )
    return table.take(order)
