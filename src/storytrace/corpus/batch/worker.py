"""The tasks a Dask worker runs for one partition: get its stories (from its shards, or straight from an archive),
align every story's consecutive versions, write the two Parquet files and then the marker that says the partition
is done.

Only paths and plain values travel between the client and the workers (texts are read on the worker), so a task
costs the scheduler a few hundred bytes however large its partition (an archive's partition also carries its
rowids, 8 bytes a version).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from storytrace.corpus.batch.errors import BatchError
from storytrace.corpus.batch.inputs import Source, archive_stories, micros
from storytrace.corpus.batch.manifest import OUTPUTS, marker_path, output_path, write_json, write_parquet
from storytrace.corpus.batch.records import STAGES, PartitionRecords
from storytrace.ingest.records import Tally
from storytrace.options import DiffOptions


def process_partition(
    shards: list[str], out: str, part: int, print_: str, diff_settings: dict[str, Any]
) -> dict[str, Any]:
    """Compute and write partition `part` from its shards; returns its counts and where its time went (seconds)."""
    from storytrace.corpus.batch.staging import read_shard

    started, cpu = time.perf_counter(), time.process_time()
    records = PartitionRecords(DiffOptions(**diff_settings))
    stories = 0
    if shards:
        table = read_shard([Path(shard) for shard in shards])
        keys = table.column("story").to_pylist()
        times = table.column("captured_at").cast("int64").to_pylist()
        texts = table.column("text").to_pylist()
        read_seconds = time.perf_counter() - started
        begin = 0
        for end in range(1, len(keys) + 1):
            if end == len(keys) or keys[end] != keys[begin]:
                records.add_story(keys[begin], times[begin:end], texts[begin:end])
                stories += 1
                begin = end
    else:
        read_seconds = time.perf_counter() - started
    return _write(records, stories, out, part, print_, started, cpu, read_seconds)


def process_archive_partition(
    source: Source, rowids: bytes | None, partitions: int, out: str, part: int, print_: str,
    diff_settings: dict[str, Any],
) -> dict[str, Any]:
    """Compute and write partition `part` of an archive, reading its articles as it aligns them; returns its counts,
    its tally of rows read and refused, and where its time went. An archive it cannot read is returned as
    {"error": message}, not raised: Dask would log a raised error with its traceback, and the user gets one line."""
    started, cpu = time.perf_counter(), time.process_time()
    records = PartitionRecords(DiffOptions(**diff_settings))
    tally = Tally()
    stories = 0
    try:
        for story in archive_stories(source, tally, part, partitions, rowids):
            versions = story.versions
            records.add_story(story.url, [micros(v.captured_at) for v in versions], [v.text for v in versions])
            stories += 1
    except BatchError as exc:
        return {"error": str(exc)}
    # Reading is interleaved with aligning: it is what the task spent outside the aligner's stages.
    read_seconds = time.perf_counter() - started - sum(records.seconds.values())
    # The tally goes into the marker: a resumed run reads only the partitions it computes, and sums the others'.
    tallied = {"tally": {"rows": tally.rows, "refused": dict(tally.refused), "examples": list(tally.examples)}}
    return _write(records, stories, out, part, print_, started, cpu, read_seconds, tallied)


def _write(
    records: PartitionRecords, stories: int, out: str, part: int, print_: str, started: float, cpu: float,
    read_seconds: float, extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    edits, summaries = records.tables()
    mark = time.perf_counter()
    root = Path(out)
    for name, table in zip(OUTPUTS, (edits, summaries), strict=True):
        write_parquet(table, output_path(root, name, part))
    done = {
        "fingerprint": print_,
        "part": part,
        "stories": stories,
        "versions": records.versions,
        "pairs": records.pairs,
        "edit_rows": edits.num_rows,
        **(extra or {}),
    }
    write_json(marker_path(root, part), done)
    seconds = {"read": read_seconds, **{stage: records.seconds[stage] for stage in STAGES}}
    seconds["write"] = time.perf_counter() - mark
    seconds["task"] = time.perf_counter() - started
    seconds["cpu"] = time.process_time() - cpu  # below "task" when the worker had to share its core
    return {**done, "seconds": seconds}
