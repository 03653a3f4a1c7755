"""Where the work runs: a local cluster of worker processes (one thread each: the aligner is pure Python, so
threads would share one core), or an existing Dask cluster reached through its scheduler."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from storytrace.corpus.batch.errors import BatchError

if TYPE_CHECKING:
    from distributed import Client


def default_workers() -> int:
    """The CPUs this process may use (fewer than the machine's under a container's or taskset's limit)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


@contextmanager
def dask_client(workers: int | None = None, scheduler: str | None = None, timeout: float = 5.0) -> Iterator[Client]:
    """A client of a new local cluster of `workers` processes, or of the cluster at `scheduler` (tcp://HOST:PORT);
    BatchError when that scheduler does not answer within `timeout` seconds."""
    from distributed import Client, LocalCluster

    if scheduler is not None:
        try:
            client = Client(scheduler, timeout=timeout, set_as_default=False)  # type: ignore[no-untyped-call]
        except (OSError, TimeoutError, ValueError, TypeError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise BatchError(f"cannot reach the Dask scheduler at {scheduler}: {reason}") from None
        with client:
            yield client
        return
    count = default_workers() if workers is None else workers
    if count < 1:
        raise BatchError("--workers must be at least 1")
    cluster = LocalCluster(  # type: ignore[no-untyped-call]
        n_workers=count,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=logging.ERROR,
    )
    with cluster, Client(cluster, set_as_default=False) as client:  # type: ignore[no-untyped-call]
        yield client
