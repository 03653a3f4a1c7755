"""The garbage collector on a local cluster's workers, set for a long run of aligning.

A worker's cyclic garbage collector ran a young collection every 700 new container objects (the edit records of a
partition are such objects, kept until the partition is written) and, now and then, a full one over the ~118,000
objects alive once Dask and the aligner are imported: 5-7% of a worker's time per 10,000 version pairs
(bench/batch_speed.py). On the workers of the local cluster that `dask_client` starts, those objects are frozen
(left out of every collection: they live as long as the worker) and collections start after 10,000 new objects;
collecting then takes ~0.3% of the time. Workers of a cluster reached with --scheduler are left as they are: they
are someone else's processes.
"""

from __future__ import annotations

import gc

from distributed.diagnostics.plugin import WorkerPlugin

GC_THRESHOLDS = (10_000, 10, 10)


def settle_worker_memory() -> None:
    """Import the aligner, collect, freeze what is alive and space the collections out (GC_THRESHOLDS)."""
    import storytrace.corpus.batch.records  # noqa: F401  (imported before the freeze, so that it is frozen too)

    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


class SettledWorkers(WorkerPlugin):
    """Runs `settle_worker_memory` on every worker, including those a nanny starts again after a crash."""

    name = "storytrace-settled-workers"

    def setup(self, worker: object) -> None:
        settle_worker_memory()
