"""Stable hashes for corpus work.

Python's `hash()` of a string changes from process to process (PYTHONHASHSEED), so two Dask workers, or two runs of
`storytrace index`, would disagree about it. Everything that partitions, names or indexes by hash uses these instead.
"""

from __future__ import annotations

from hashlib import blake2b


def stable_hash(text: str) -> int:
    """A 64-bit unsigned hash of `text` that is the same in every process, on every machine."""
    return int.from_bytes(blake2b(text.encode("utf-8"), digest_size=8).digest(), "big")


def stable_digest(text: str) -> str:
    """A short hexadecimal name for `text` (16 characters), the same everywhere."""
    return blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


def partition_of(key: str, partitions: int) -> int:
    """Which of `partitions` buckets `key` falls in, the same on every worker."""
    if partitions < 1:
        raise ValueError("partitions must be at least 1")
    return stable_hash(key) % partitions
