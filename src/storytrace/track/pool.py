"""A rolling pool of checks: at most `size` in flight, each slot free again the moment its check ends.

The watcher refills free slots as they open, so one page that hangs holds one slot, never the checks queued
behind it (a batch that waits for its slowest member would). Keys name what is in flight, so the same story
or feed is never checked twice at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine, Hashable
from typing import Any, Generic, TypeVar

log = logging.getLogger("storytrace.watch")
K = TypeVar("K", bound=Hashable)
R = TypeVar("R")


class CheckPool(Generic[K, R]):
    """Tasks by key; `wait` returns those that finished, `drain` ends the pool."""

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError("a pool needs at least one slot")
        self.size = size
        self._tasks: dict[asyncio.Task[R], K] = {}

    @property
    def free(self) -> int:
        return self.size - len(self._tasks)

    @property
    def busy(self) -> bool:
        return bool(self._tasks)

    def keys(self) -> set[K]:
        return set(self._tasks.values())

    def start(self, key: K, work: Coroutine[Any, Any, R]) -> None:
        if self.free < 1:
            work.close()
            raise RuntimeError("no free slot in the pool")
        self._tasks[asyncio.create_task(work)] = key

    async def wait(self, stop: asyncio.Event, timeout: float | None = None) -> list[tuple[K, R]]:
        """Wait until a task ends, `stop` is set or `timeout` seconds pass; return the tasks that ended, with
        their results (a task that raised is logged and left out: the watcher must go on)."""
        stopping = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait([*self._tasks, stopping], timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
        return self._collect()

    async def drain(self, grace: float) -> tuple[list[tuple[K, R]], int]:
        """Let the tasks in flight finish for up to `grace` seconds, then cancel the rest; returns the results
        of those that finished and how many were cancelled."""
        if self._tasks and grace > 0:
            await asyncio.wait(list(self._tasks), timeout=grace)
        finished = self._collect()
        late = list(self._tasks)
        for task in late:
            task.cancel()
        if late:
            await asyncio.gather(*late, return_exceptions=True)
        self._tasks.clear()
        return finished, len(late)

    def _collect(self) -> list[tuple[K, R]]:
        finished = []
        for task in [t for t in self._tasks if t.done()]:
            key = self._tasks.pop(task)
            if task.cancelled():
                continue
            error = task.exception()
            if error is not None:
                log.error("check of %s failed: %s: %s", key, type(error).__name__, error)
                continue
            finished.append((key, task.result()))
        return finished
