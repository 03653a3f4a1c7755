"""`storytrace batch`: every version pair of a whole corpus aligned on Dask, written as Parquet.

Read JSON Lines, Parquet or NewsEdits/diffengine SQLite (`inputs`), split the versions into partitions by the
stable hash of their story key (`staging`), align each story's consecutive versions on the workers (`worker`,
`records`), and write per-link edit records and per-story summaries, one Parquet file per partition, each
finished partition marked so a rerun skips it (`manifest`). The schemas are documented in docs/corpus.md.
"""

from __future__ import annotations

from storytrace.corpus.batch.cluster import dask_client, default_workers
from storytrace.corpus.batch.errors import BatchError
from storytrace.corpus.batch.options import BatchOptions
from storytrace.corpus.batch.pipeline import BatchReport, run_batch
from storytrace.corpus.batch.records import EDIT_SCHEMA, STORY_SCHEMA

__all__ = [
    "EDIT_SCHEMA",
    "STORY_SCHEMA",
    "BatchError",
    "BatchOptions",
    "BatchReport",
    "dask_client",
    "default_workers",
    "run_batch",
]
