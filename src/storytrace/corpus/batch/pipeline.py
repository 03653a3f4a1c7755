"""The batch run: check the input and the output directory, split the input into partition shards, align every
partition on the Dask cluster, and record each finished partition so a rerun skips it.

    from storytrace.corpus.batch import BatchOptions, dask_client, run_batch

    with dask_client(workers=4) as client:
        report = run_batch("newsedits.db", "out/", BatchOptions(), client)
    print(report.summary_line())
"""

from __future__ import annotations

import math
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from storytrace.corpus.batch.inputs import RowBatch, Source, open_source, read_rows
from storytrace.corpus.batch.manifest import (
    MANIFEST,
    SCHEMA,
    check_same_run,
    fingerprint,
    is_done,
    read_manifest,
    read_marker,
    write_json,
)
from storytrace.corpus.batch.options import BatchOptions
from storytrace.corpus.batch.staging import stage
from storytrace.corpus.batch.worker import process_partition
from storytrace.ingest.records import Tally

if TYPE_CHECKING:
    from distributed import Client

STAGING = "_staging"
# progress(phase, done, total): phase "read" counts versions read (total None), "align" finished partitions.
Progress = Callable[[str, int, int | None], None]
# The hook for grouping key-less copies by content (storytrace.corpus.group) before partitioning: it may rewrite
# the story keys of the rows it is given. Not used yet; a grouping must be part of the fingerprint when it is.
Grouping = Callable[[Iterable[RowBatch]], Iterable[RowBatch]]


@dataclass
class BatchReport:
    """What a run did: totals over every partition of the output (resumed ones included) and this run's timings."""

    out: str
    format: str
    fingerprint: str
    partitions: int
    computed: int = 0
    skipped: int = 0
    stories: int = 0
    versions: int = 0
    pairs: int = 0
    edit_rows: int = 0
    rows_read: int = 0
    refused: int = 0
    refusals: list[str] = field(default_factory=list)
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    pairs_computed: int = 0

    def summary_line(self) -> str:
        rate = f"; {self.pairs_computed / self.seconds:,.0f} pairs/s" if self.seconds and self.pairs_computed else ""
        skipped = f", {self.skipped} already done" if self.skipped else ""
        refused = f"; {self.refused:,} rows refused" if self.refused else ""
        return (
            f"batch {self.format}: {self.stories:,} stories, {self.versions:,} versions, {self.pairs:,} pairs, "
            f"{self.edit_rows:,} edit records in {self.partitions} partitions ({self.computed} computed{skipped}) "
            f"in {self.seconds:.1f} s{rate}{refused} -> {self.out}"
        )

    def to_dict(self) -> dict[str, Any]:
        return {"schema": SCHEMA, **asdict(self)}


def auto_partitions(source: Source, options: BatchOptions, found: dict[str, Any] | None) -> int:
    """--partitions, else an earlier run's number, else one per `bytes_per_partition` of input."""
    if options.partitions is not None:
        if options.partitions < 1:
            from storytrace.corpus.batch.errors import BatchError

            raise BatchError("--partitions must be at least 1")
        return options.partitions
    if found is not None and isinstance(found.get("partitions"), int):
        return int(found["partitions"])
    return max(options.min_partitions, math.ceil(source.size / options.bytes_per_partition))


def run_batch(
    path: str | Path,
    out: str | Path,
    options: BatchOptions,
    client: Client,
    *,
    progress: Progress | None = None,
    grouping: Grouping | None = None,
) -> BatchReport:
    """Align every story of the corpus at `path` on `client`'s cluster and write the Parquet results to `out`."""
    started = time.perf_counter()
    source = open_source(path, options)
    root = Path(out)
    found = read_manifest(root)
    partitions = auto_partitions(source, options, found)
    settings = {**options.fingerprinted(), "key_field": source.key_field}
    print_ = fingerprint(source.identity, settings, partitions)
    check_same_run(found, print_, root)
    manifest = {"schema": SCHEMA, "fingerprint": print_, "input": source.identity, "settings": settings,
                "partitions": partitions, "complete": False}
    write_json(root / MANIFEST, manifest)
    report = BatchReport(str(root), source.format, print_, partitions)
    todo = [part for part in range(partitions) if not is_done(root, part, print_)]
    report.skipped = partitions - len(todo)
    staging = root / STAGING
    if todo:
        tally = Tally()
        read = 0

        def counted(rows: int) -> None:
            nonlocal read
            read += rows
            if progress is not None:
                progress("read", read, None)

        shutil.rmtree(staging, ignore_errors=True)
        try:
            batches: Iterable[RowBatch] = read_rows(source, options, tally)
            if grouping is not None:
                batches = grouping(batches)
            staged = stage(batches, partitions, set(todo), staging, flush_rows=options.stage_rows, progress=counted)
            report.rows_read, report.refused, report.refusals = tally.rows, sum(tally.refused.values()), tally.examples
            report.timings["stage"] = staged.seconds
            report.computed = len(todo)
            _compute(client, staged.shards, todo, root, print_, options, report, progress)
        finally:  # the shards are a copy of the input: never left behind, a rerun stages again
            shutil.rmtree(staging, ignore_errors=True)
    for part in range(partitions):
        done = read_marker(root, part)
        for name in ("stories", "versions", "pairs", "edit_rows"):
            setattr(report, name, getattr(report, name) + int(done[name]))
    report.seconds = time.perf_counter() - started
    write_json(root / MANIFEST, {**manifest, "complete": True, "totals": {
        name: getattr(report, name) for name in ("stories", "versions", "pairs", "edit_rows")}})
    return report


def _compute(
    client: Client,
    shards: dict[int, Path],
    todo: list[int],
    root: Path,
    print_: str,
    options: BatchOptions,
    report: BatchReport,
    progress: Progress | None,
) -> None:
    """One task per partition, the largest shards first (the slowest tasks start early); sums their timings."""
    from distributed import as_completed

    diff_settings = asdict(options.diff)
    order = sorted(todo, key=lambda part: -(shards[part].stat().st_size if part in shards else 0))
    futures = [
        client.submit(
            process_partition, str(shards[part]) if part in shards else None, str(root.resolve()), part, print_,
            diff_settings, pure=False,
        )
        for part in order
    ]
    if progress is not None:
        progress("align", 0, len(futures))
    for finished, future in enumerate(as_completed(futures, loop=client.loop), start=1):  # type: ignore[no-untyped-call]
        result = future.result()
        report.pairs_computed += int(result["pairs"])
        for stage_name, seconds in result["seconds"].items():
            report.timings[stage_name] = report.timings.get(stage_name, 0.0) + float(seconds)
        if progress is not None:
            progress("align", finished, len(futures))
