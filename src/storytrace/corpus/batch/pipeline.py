"""The batch run: check the input and the output directory, align every partition on the Dask cluster and record
each finished partition so a rerun skips it. An archive's partitions read their own articles (dealt to them by
rowid in one pass over the archive); JSON Lines and Parquet are first read in slices into partition shards, both
as tasks on the workers.

    from storytrace.corpus.batch import BatchOptions, dask_client, run_batch

    with dask_client(workers=4) as client:
        report = run_batch("newsedits.db", "out/", BatchOptions(), client)
    print(report.summary_line())
"""

from __future__ import annotations

import math
import shutil
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from storytrace.corpus.batch.cluster import describe_limits, worker_memory_limits
from storytrace.corpus.batch.errors import BatchError
from storytrace.corpus.batch.inputs import (
    ARCHIVES,
    Source,
    archive_is_view,
    check_archive_pages,
    open_source,
    plan_archive,
    read_slices,
)
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
from storytrace.corpus.batch.staging import stage_slice
from storytrace.corpus.batch.worker import process_archive_partition, process_partition
from storytrace.ingest.records import MAX_EXAMPLES

if TYPE_CHECKING:
    from distributed import Client

STAGING = "_staging"
# progress(phase, done, total): phase "read" counts versions read (total None), "align" finished partitions.
Progress = Callable[[str, int, int | None], None]
# Slices of the input per worker thread: enough that a slow slice does not hold the others up for long.
SLICES_PER_THREAD = 2


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
    worker_memory_limits: list[int | None] = field(default_factory=list)
    """Each worker's memory limit in bytes, None for none (smallest first)."""

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
) -> BatchReport:
    """Align every story of the corpus at `path` on `client`'s cluster and write the Parquet results to `out`."""
    started = time.perf_counter()
    source = open_source(path, options, check_pages=False)  # (an archive's pages are checked below)
    root = Path(out)
    found = read_manifest(root)
    partitions = auto_partitions(source, options, found)
    settings = {**options.fingerprinted(), "key_field": source.key_field}
    if source.format in ARCHIVES:  # an archive's partitions hold stories by key, or (a view) articles by entry id
        settings["partition_by"] = "entry_id" if archive_is_view(source) else "story"
    print_ = fingerprint(source.identity, settings, partitions)
    check_same_run(found, print_, root)
    todo = [part for part in range(partitions) if not is_done(root, part, print_)]
    plan: list[bytes] | None = None
    planned = 0.0
    if source.format in ARCHIVES:  # every page checked before anything is written; the rowids dealt meanwhile
        plan, planned = _check_and_plan(source, partitions, bool(todo))
    checked = time.perf_counter()
    manifest = {"schema": SCHEMA, "fingerprint": print_, "input": source.identity, "settings": settings,
                "partitions": partitions, "complete": False}
    write_json(root / MANIFEST, manifest)
    report = BatchReport(str(root), source.format, print_, partitions)
    report.worker_memory_limits = worker_memory_limits(client)
    # Wall time of the run's phases (the other timings sum the tasks' own): checking the input, reading it into
    # shards (an archive: dealing its rowids, beside the check of its pages), aligning the partitions.
    report.timings["check_wall"] = checked - started - planned
    report.skipped = partitions - len(todo)
    staging = root / STAGING
    if todo:
        shutil.rmtree(staging, ignore_errors=True)
        try:
            mark = time.perf_counter()
            if source.format in ARCHIVES:  # the tasks read the texts (a plan of None: each scans for its articles)
                report.timings["read_wall"] = planned
                tasks = _archive_tasks(source, plan, partitions, todo, root, print_, options)
            else:
                shards = _read(client, source, options, partitions, todo, staging, report, progress)
                report.timings["read_wall"] = time.perf_counter() - mark
                tasks = _shard_tasks(shards, todo, root, print_, options)
            report.computed = len(todo)
            mark = time.perf_counter()
            _compute(client, tasks, report, progress)
            report.timings["align_wall"] = time.perf_counter() - mark
        finally:  # the shards are a copy of the input: never left behind, a rerun stages again
            shutil.rmtree(staging, ignore_errors=True)
    for part in range(partitions):
        done = read_marker(root, part)
        for name in ("stories", "versions", "pairs", "edit_rows"):
            setattr(report, name, getattr(report, name) + int(done[name]))
        if isinstance(done.get("tally"), dict):  # an archive's partition: its rows read and refused
            _add_tally(report, done["tally"])
    report.seconds = time.perf_counter() - started
    write_json(root / MANIFEST, {**manifest, "complete": True, "totals": {
        name: getattr(report, name) for name in ("stories", "versions", "pairs", "edit_rows")}})
    return report


def _check_and_plan(source: Source, partitions: int, wanted: bool) -> tuple[list[bytes] | None, float]:
    """Check every page of the archive (PRAGMA quick_check, in SQLite's C, on a thread of its own) while its rowids
    are dealt to the partitions (when `wanted`); returns the plan and the seconds dealing took. A corrupt archive is
    the error reported, whatever the dealing came to."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        checking = pool.submit(check_archive_pages, source)
        mark = time.perf_counter()
        try:
            plan = plan_archive(source, partitions) if wanted else None
        except BatchError:
            checking.result()
            raise
        planned = time.perf_counter() - mark
        checking.result()
    return plan, planned


def _read(
    client: Client,
    source: Source,
    options: BatchOptions,
    partitions: int,
    todo: list[int],
    staging: Path,
    report: BatchReport,
    progress: Progress | None,
) -> dict[int, list[str]]:
    """One task per slice of the input, writing its rows into the shards of the partitions to do; returns each
    partition's shards. Refusals are reported slice by slice (JSONL and Parquet slices are in input order). If
    slices fail, the first slice's error is raised once every slice has stopped (none is left writing shards)."""
    from distributed import KilledWorker, as_completed

    threads = max(1, sum(client.nthreads().values()))  # type: ignore[no-untyped-call]
    # Workers may run in another directory: they get the input by its absolute path.
    source = replace(source, path=source.path.resolve())
    slices = read_slices(source, SLICES_PER_THREAD * threads)
    futures = [
        client.submit(stage_slice, source, options, part, partitions, todo, str(staging.resolve()), pure=False)
        for part in slices
    ]
    results: list[dict[str, Any] | None] = [None] * len(futures)
    errors: dict[int, BaseException] = {}
    index_of = {future.key: n for n, future in enumerate(futures)}
    read = 0
    for future in as_completed(futures, loop=client.loop):  # type: ignore[no-untyped-call]
        n = index_of[future.key]
        try:
            results[n] = found = future.result()
        except KilledWorker:  # (a worker over its memory limit while reading, as in `_compute`)
            errors[n] = BatchError(f"slice {n} of the input: every worker that read it died; "
                                   f"{describe_limits(report.worker_memory_limits)}")
            continue
        except Exception as exc:  # noqa: BLE001  (raised below, after every slice has stopped)
            errors[n] = exc
            continue
        if "error" in found:
            errors[n] = BatchError(str(found["error"]))
            continue
        read += int(found["rows"])
        if progress is not None:
            progress("read", read, None)
    if errors:
        raise errors[min(errors)]
    shards: dict[int, list[str]] = {part: [] for part in todo}
    report.timings["stage"] = 0.0
    for found in results:
        assert found is not None
        _add_tally(report, found)
        report.timings["stage"] += float(found["seconds"])
        for part, path in found["shards"].items():
            shards[int(part)].append(path)
    return shards


# A partition's task: (size, for the order they start in; the function; its arguments).
Task = tuple[int, Callable[..., dict[str, Any]], tuple[Any, ...]]


def _shard_tasks(
    shards: dict[int, list[str]], todo: list[int], root: Path, print_: str, options: BatchOptions
) -> dict[int, Task]:
    diff_settings = asdict(options.diff)
    return {
        part: (
            sum(Path(path).stat().st_size for path in shards[part]),
            process_partition,
            (shards[part], str(root.resolve()), part, print_, diff_settings),
        )
        for part in todo
    }


def _archive_tasks(
    source: Source, plan: list[bytes] | None, partitions: int, todo: list[int], root: Path, print_: str,
    options: BatchOptions,
) -> dict[int, Task]:
    diff_settings = asdict(options.diff)
    # Workers may run in another directory: they get the input by its absolute path.
    source = replace(source, path=source.path.resolve())
    return {
        part: (
            0 if plan is None else len(plan[part]),
            process_archive_partition,
            (source, None if plan is None else plan[part], partitions, str(root.resolve()), part, print_,
             diff_settings),
        )
        for part in todo
    }


def _compute(client: Client, tasks: dict[int, Task], report: BatchReport, progress: Progress | None) -> None:
    """One task per partition, the largest first (the slowest tasks start early); sums their timings (an archive's
    partitions keep their tallies of rows read and refused in their markers, summed by `run_batch`). A failed
    task's error is raised after the others have finished (each writes its partition whole or not at all)."""
    from distributed import KilledWorker, as_completed

    order = sorted(tasks, key=lambda part: -tasks[part][0])
    futures = [client.submit(tasks[part][1], *tasks[part][2], pure=False) for part in order]
    part_of = {future.key: part for future, part in zip(futures, order, strict=True)}
    if progress is not None:
        progress("align", 0, len(futures))
    failed: dict[int, BaseException] = {}
    for finished, future in enumerate(as_completed(futures, loop=client.loop), start=1):  # type: ignore[no-untyped-call]
        part = part_of[future.key]
        try:
            result = future.result()
        except KilledWorker:  # (often a worker over its memory limit, restarted by its nanny)
            failed[part] = BatchError(f"partition {part}: every worker that ran it died; "
                                      f"{describe_limits(report.worker_memory_limits)}")
            continue
        except Exception as exc:  # raised once every task has stopped reading (the shards are then removed)
            failed[part] = exc
            continue
        if "error" in result:
            failed[part] = BatchError(str(result["error"]))
            continue
        report.pairs_computed += int(result["pairs"])
        for stage_name, seconds in result["seconds"].items():
            report.timings[stage_name] = report.timings.get(stage_name, 0.0) + float(seconds)
        if progress is not None:
            progress("align", finished, len(futures))
    if failed:
        raise failed[min(failed)]


def _add_tally(report: BatchReport, found: dict[str, Any]) -> None:
    report.rows_read += int(found["rows"])
    report.refused += sum(int(v) for v in found["refused"].values())
    report.refusals.extend(found["examples"][: MAX_EXAMPLES - len(report.refusals)])
