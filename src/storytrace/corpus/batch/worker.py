"""The task a Dask worker runs for one partition: read its shards, align every story's consecutive versions,
write the two Parquet files and then the marker that says the partition is done.

Only paths and plain values travel between the client and the workers (texts are read from the shard on the
worker), so a task costs the scheduler a few hundred bytes however large its partition.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from storytrace.corpus.batch.manifest import OUTPUTS, marker_path, output_path, write_json, write_parquet
from storytrace.corpus.batch.records import STAGES, PartitionRecords
from storytrace.options import DiffOptions


def process_partition(
    shards: list[str], out: str, part: int, print_: str, diff_settings: dict[str, Any]
) -> dict[str, Any]:
    """Compute and write partition `part`; returns its counts and where its time went (seconds)."""
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
    }
    write_json(marker_path(root, part), done)
    seconds = {"read": read_seconds, **{stage: records.seconds[stage] for stage in STAGES}}
    seconds["write"] = time.perf_counter() - mark
    seconds["task"] = time.perf_counter() - started
    seconds["cpu"] = time.process_time() - cpu  # below "task" when the worker had to share its core
    return {**done, "seconds": seconds}
