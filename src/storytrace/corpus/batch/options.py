"""Every setting of a batch run in one typed place; the ones that change the results are fingerprinted."""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from storytrace.options import DiffOptions

FORMATS = ("jsonl", "parquet", "newsedits", "diffengine")
# A story key field tried in this order when --story-key is not given (JSONL and Parquet).
KEY_FIELDS = ("url", "story", "id")
# Bounds of what a command line may ask for: each partition is a list entry, a task and files on disk, each local
# worker a process of its own; far more than these is a typing mistake that would only exhaust the machine.
MAX_PARTITIONS = 100_000
MAX_LOCAL_WORKERS = 64

# A local worker's memory limit, as Dask's LocalCluster takes it: bytes, a fraction of the machine's memory, "auto"
# (Dask's default: the machine's memory shared equally between the workers) or None (no limit).
MemoryLimit = int | float | Literal["auto"] | None
_SIZE = re.compile(r"(\d+(?:\.\d*)?(?:e\d+)?)\s*([kmgt]i?b?|b)?", re.IGNORECASE)
_UNITS = {"": 1, "b": 1, "k": 10**3, "m": 10**6, "g": 10**9, "t": 10**12, "ki": 2**10, "mi": 2**20, "gi": 2**30,
          "ti": 2**40}
MEMORY_LIMIT_HELP = ("a size such as 4GB or 512MiB, a fraction of the machine's memory such as 0.5, auto (the "
                     "machine's memory shared equally between the workers), or none")


def parse_memory_limit(raw: object) -> MemoryLimit:
    """A memory limit per worker from a command line or storytrace.toml, checked before a cluster is started: a
    ValueError says what is expected. A size below 1 MB is refused too (no worker runs in it, and Dask reads 1 as
    the whole machine)."""
    text = str(raw).strip().lower() if isinstance(raw, str | int | float) and not isinstance(raw, bool) else ""
    if text in ("auto", "none", "0"):
        return None if text != "auto" else "auto"
    found = _SIZE.fullmatch(text)
    if found is not None:
        number = float(found.group(1))
        unit = (found.group(2) or "").removesuffix("b")
        if found.group(2) is None and "." in found.group(1) and 0 < number <= 1:
            return number  # a fraction of the machine's memory
        size = number * _UNITS[unit]
        if math.isfinite(size) and size >= 10**6:
            return int(size)
    raise ValueError(f"expected {MEMORY_LIMIT_HELP}, not {raw!r}")


@dataclass(frozen=True)
class BatchOptions:
    """How a corpus is read, partitioned and aligned. Defaults suit a laptop and a 40-worker cluster alike."""

    partitions: int | None = None
    """Number of output partitions; None picks one from the input's size (see `bytes_per_partition`) or keeps the
    number an earlier run into the same directory used."""

    bytes_per_partition: int = 32_000_000
    """Input bytes per partition when `partitions` is None: big enough that scheduling costs nothing, small enough
    that a worker holds a partition's texts in memory comfortably."""

    min_partitions: int = 8
    """Fewest partitions chosen automatically, so that even a small corpus spreads over several workers."""

    format: str | None = None
    """jsonl, parquet, newsedits or diffengine; None detects it."""

    story_key: str | None = None
    """The JSONL field or Parquet column that names a version's story; None takes the first of url, story, id."""

    text_field: str = "text"
    """The JSONL field or Parquet column holding a version's text."""

    time_field: str = "captured_at"
    """The JSONL field or Parquet column holding a version's capture time (optional in the data)."""

    version_field: str = "version"
    """The JSONL field or Parquet column holding a version number (optional; orders before the time)."""

    stage_rows: int = 20_000
    """Rows buffered per partition while the input is split, before they are flushed to the partition's shard."""

    connect_timeout: float = 5.0
    """Seconds to wait for an existing Dask scheduler before giving up."""

    diff: DiffOptions = field(default_factory=DiffOptions)
    """The alignment thresholds (`storytrace options`)."""

    def fingerprinted(self) -> dict[str, Any]:
        """The settings that change what is written: a rerun with different ones must not mix outputs."""
        return {
            "story_key": self.story_key,
            "text_field": self.text_field,
            "time_field": self.time_field,
            "version_field": self.version_field,
            "diff": asdict(self.diff),
        }
