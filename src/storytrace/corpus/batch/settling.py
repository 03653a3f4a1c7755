"""The garbage collector on a local cluster's workers, set for a long run of aligning (`storytrace.collector`).

A worker's cyclic garbage collector ran a young collection every 700 new container objects (the edit records of a
partition are such objects, kept until the partition is written) and, now and then, a full one over the ~118,000
objects alive once Dask and the aligner are imported: 5-7% of a worker's time per 10,000 version pairs
(bench/batch_speed.py). On the workers of the local cluster that `dask_client` starts, those objects are frozen
and collections spaced out; collecting then takes ~0.3% of the time. Workers of a cluster reached with --scheduler
are left as they are: they are someone else's processes.
"""

from __future__ import annotations

import logging

from distributed.diagnostics.plugin import WorkerPlugin

from storytrace.collector import space_out_collections


def settle_worker_memory() -> None:
    """Import the aligner, then collect, freeze what is alive and space the collections out."""
    import storytrace.corpus.batch.records  # noqa: F401  (imported before the freeze, so that it is frozen too)

    space_out_collections(collect_first=True)


log = logging.getLogger(__name__)


class SettledWorkers(WorkerPlugin):
    """Runs `settle_worker_memory` on every worker, including those a nanny starts again after a crash."""

    name = "storytrace-settled-workers"

    def setup(self, worker: object) -> None:
        # Only a matter of speed: a worker that cannot be settled runs as it is (and a broken install then fails in
        # the first task with the batch's own one-line error), rather than the registration stopping the run.
        try:
            settle_worker_memory()
        except Exception as exc:  # noqa: BLE001
            log.warning("storytrace batch: worker garbage collector left as it was (%s: %s)", type(exc).__name__, exc)
