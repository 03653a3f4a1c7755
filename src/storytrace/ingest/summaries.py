"""Change summaries of imported versions, each against the version before it, in worker processes when there are
many: a story's versions form a chain, and every text is split into sentences once for the two diffs it is in.

The summary is `storytrace.store.change_summary`'s (sentence links by kind); a diff that fails leaves that
version without one (logged) rather than failing the import.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from types import TracebackType
from typing import Any

log = logging.getLogger(__name__)

# (the text before the first new version, or None for a new story; the new texts in order)
Chain = tuple[str | None, list[str]]
Summary = dict[str, Any] | None
# Below this many texts a pool costs more than it saves.
MIN_PARALLEL_TEXTS = 400


def chain_summaries(chains: Sequence[Chain]) -> list[list[Summary]]:
    """For each chain, the summary of each new text against the one before (None for a story's first text)."""
    from storytrace.diff import diff, document
    from storytrace.store.content import SUMMARY_KINDS

    results: list[list[Summary]] = []
    for before, texts in chains:
        previous = None if before is None else document(before, "before")
        found: list[Summary] = []
        for text in texts:
            current = document(text, "after")
            summary: Summary = None
            if previous is not None:
                try:
                    counts = diff(previous, current).summary()
                    summary = {kind: counts[kind] for kind in SUMMARY_KINDS}
                except Exception:  # a bug in the aligner; the summary can be computed again later
                    log.warning("storytrace.ingest: no change summary (the diff failed)", exc_info=True)
            found.append(summary)
            previous = current
        results.append(found)
    return results


class Summariser:
    """Computes chain summaries now or in worker processes; `submit` returns a callable that gives the result."""

    def __init__(self, jobs: int | None = None) -> None:
        self.jobs = max(1, jobs if jobs is not None else _cpus())
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Summariser:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def submit(self, chains: list[Chain]) -> Callable[[], list[list[Summary]]]:
        texts = sum(len(texts) for _, texts in chains)
        if self.jobs == 1 or texts < MIN_PARALLEL_TEXTS:
            return lambda: chain_summaries(chains)
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=self.jobs)
        parts = _split(chains, self.jobs)
        futures: list[Future[list[list[Summary]]]] = [self._pool.submit(chain_summaries, part) for part in parts]
        return lambda: [summaries for future in futures for summaries in future.result()]


def _cpus() -> int:
    """The CPUs this process may run on (fewer than the machine's under a container's or taskset's limit)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _split(chains: list[Chain], parts: int) -> list[list[Chain]]:
    """Consecutive slices of about equal numbers of texts (the results are joined back in order)."""
    total = sum(len(texts) for _, texts in chains)
    size = max(1, -(-total // parts))
    slices: list[list[Chain]] = [[]]
    count = 0
    for chain in chains:
        if count >= size and len(slices) < parts:
            slices.append([])
            count = 0
        slices[-1].append(chain)
        count += len(chain[1])
    return slices
