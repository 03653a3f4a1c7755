"""Where the work runs: a local cluster of worker processes (one thread each: the aligner is pure Python, so
threads would share one core), or an existing Dask cluster reached through its scheduler."""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from multiprocessing import resource_tracker
from types import MappingProxyType
from typing import TYPE_CHECKING

from storytrace.corpus.batch.errors import BatchError
from storytrace.corpus.batch.options import MemoryLimit

if TYPE_CHECKING:
    from distributed import Client

# Dask's housekeeping on a local cluster, turned down: with as many workers as cores, whatever the scheduler and the
# workers do besides the tasks is taken from the tasks. Idle, a two-worker cluster used 9-11% of a core by default
# and 1.3-1.5% with these (bench/dask_idle.py; batch runs 3-9% faster). No dashboard is served, so the
# workers' stack sampling (every 10 ms, in the task's process) was never read; the event loop health check runs
# every second instead of every 20 ms (it warns after 3 s blocked either way); the system monitor samples every 5 s.
# The nannies' memory check keeps Dask's 100 ms: it is what stops a runaway worker before the system does. The
# scheduler reads these when it starts and each nanny copies them for the workers it starts (and restarts), so they
# are set only while the cluster starts, not for the caller's code that runs with the client.
QUIET_LOCAL_CLUSTER: Mapping[str, object] = MappingProxyType({
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
    # Never paused for memory: a worker is paused (at 80% of its limit) so that the data Dask holds for it can be
    # spilled or collected, and a batch task leaves it none, so a worker whose own code used that much was paused
    # for good and the run hung (--memory-limit 200MB). Past 95% the nanny still restarts it.
    "distributed.worker.memory.pause": False,
})


def default_workers() -> int:
    """The CPUs this process may use (fewer than the machine's under a container's or taskset's limit)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


@contextmanager
def dask_client(
    workers: int | None = None,
    scheduler: str | None = None,
    timeout: float = 5.0,
    housekeeping: Mapping[str, object] = QUIET_LOCAL_CLUSTER,
    memory_limit: MemoryLimit = "auto",
) -> Iterator[Client]:
    """A client of a new local cluster of `workers` processes, each held to `memory_limit` (see
    options.parse_memory_limit) and run with the Dask settings `housekeeping` (an empty mapping: Dask's defaults), or
    of the cluster at `scheduler` (tcp://HOST:PORT); BatchError when that scheduler does not answer within `timeout`
    seconds."""
    import dask
    from distributed import Client, LocalCluster

    from storytrace.corpus.batch.settling import SettledWorkers

    if scheduler is not None:
        probe_scheduler(scheduler, timeout)
        try:
            client = Client(scheduler, timeout=timeout, set_as_default=False)  # type: ignore[no-untyped-call]
        except (OSError, TimeoutError, ValueError, TypeError) as exc:
            raise BatchError(f"cannot reach the Dask scheduler at {scheduler}: {_reason(exc)}") from None
        with client:
            yield client
        return
    count = default_workers() if workers is None else workers
    if count < 1:
        raise BatchError("--workers must be at least 1")
    limit = {} if memory_limit == "auto" else {"memory_limit": memory_limit}  # (auto: LocalCluster's own default)
    with dask.config.set(dict(housekeeping)), _interrupt_held() as interrupted:
        cluster = LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=count,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            # The scheduler serves its health routes over HTTP even without a dashboard, on port 8787 unless told
            # otherwise; any free port, so that another Dask on the machine does not cost a warning on stderr.
            scheduler_kwargs={"dashboard_address": ":0"},
            # Not ERROR: a worker whose heartbeat is in flight when Ctrl-C closes the cluster logs a traceback
            # ("Failed to communicate with scheduler"); what fails in a task reaches the client and is reported.
            silence_logs=logging.CRITICAL,
            **limit,
        )
    with cluster:
        if interrupted:
            raise KeyboardInterrupt
        with Client(cluster, set_as_default=False) as client:  # type: ignore[no-untyped-call]
            try:
                client.register_plugin(SettledWorkers())
            except OSError:  # (distributed's CommClosedError: the worker died as it started)
                asked: list[int | None] = (
                    [memory_limit] if isinstance(memory_limit, int) else worker_memory_limits(client)
                )
                raise BatchError("a local worker stopped as it started; " + describe_limits(asked)) from None
            yield client


def worker_memory_limits(client: Client) -> list[int | None]:
    """The memory limit of each worker of `client`'s cluster in bytes (None: none), as its scheduler knows them."""
    workers = client.scheduler_info(n_workers=-1)["workers"].values()
    limits = [int(worker.get("memory_limit") or 0) or None for worker in workers]
    return sorted(limits, key=lambda limit: (limit is None, limit or 0))


def describe_limits(limits: list[int | None]) -> str:
    """What a message about dying workers says of their memory: the limit that may have killed them."""
    if not limits or limits[0] is None:
        return "the workers have no memory limit"
    return f"each worker may use {limits[0] / 1e6:,.0f} MB (--memory-limit)"


@contextmanager
def _interrupt_held() -> Iterator[list[int]]:
    """Hold Ctrl-C while a local cluster starts (about a second) and report it afterwards; keep it from the
    cluster's worker processes for good.

    Interrupted halfway, LocalCluster is left neither started nor closed, and Dask's exit handler then prints a
    traceback (AssertionError: Status.init); started, it can be closed cleanly.
    """
    caught: list[int] = []
    if threading.current_thread() is not threading.main_thread() or (
        signal.getsignal(signal.SIGINT) is not signal.default_int_handler
    ):
        yield caught  # someone else decides what Ctrl-C does
        return
    signal.signal(signal.SIGINT, lambda number, frame: caught.append(number))
    # Blocked too: the cluster's event-loop thread, started now, inherits the mask and so do the worker processes
    # it spawns (and respawns), across exec. Ctrl-C at a terminal signals the whole process group: the workers
    # died of it mid-task, each printing a KeyboardInterrupt traceback, or failed to start ("Nanny failed to
    # start", exit 1), while this process was about to close them cleanly anyway.
    # (multiprocessing's resource tracker unblocks SIGINT in the thread that first starts it: started first.)
    resource_tracker.ensure_running()
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield caught
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # one held meanwhile is caught now
        signal.signal(signal.SIGINT, signal.default_int_handler)


def probe_scheduler(address: str, timeout: float) -> None:
    """BatchError unless a Dask scheduler answers at `address` within `timeout` seconds, all told.

    `Client(address, timeout=...)` bounds only the TCP connection: a port that accepts and then says nothing (an
    HTTP server) made it wait forever, one that answers garbage made it fail with a MemoryError, and a failed
    Client printed a traceback when garbage-collected. One identity request under a hard deadline avoids all three.
    """
    import asyncio

    from distributed.comm.core import connect

    async def identity() -> object:
        comm = await connect(address, timeout=timeout)  # type: ignore[no-untyped-call]
        try:
            await comm.write({"op": "identity", "reply": True})
            return await comm.read()
        finally:
            comm.abort()

    try:
        reply = asyncio.run(asyncio.wait_for(identity(), timeout))
    except TimeoutError:
        raise BatchError(f"cannot reach the Dask scheduler at {address}: no answer within {timeout:g} s") from None
    except (OSError, ValueError) as exc:  # refused, unreachable, or not an address
        raise BatchError(f"cannot reach the Dask scheduler at {address}: {_reason(exc)}") from None
    except Exception as exc:  # whatever a peer that is not a scheduler makes the wire protocol raise
        raise BatchError(f"{address} answered, but not as a Dask scheduler ({_reason(exc)})") from None
    if not isinstance(reply, dict) or reply.get("type") != "Scheduler":
        raise BatchError(f"{address} answered, but not as a Dask scheduler")


def _reason(exc: BaseException) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
