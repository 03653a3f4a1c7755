"""One story's consecutive versions turned into rows: an edit record per link of each pair, a summary per story.

Rows are gathered column by column in plain lists and turned into Arrow once per partition, so the cost per link
is a few list appends. Each version is segmented and keyed once (`storytrace.prepare`: it is in two pairs),
byte-identical neighbours skip the aligner (every sentence is unchanged), and the diff's Link objects are read
directly, never through `to_dict()`. The schemas are documented in docs/corpus.md (## batch).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import Any

import pyarrow as pa

from storytrace.diff import Prepared, diff, prepare
from storytrace.options import DiffOptions
from storytrace.result import Link, edit_columns, link_counts
from storytrace.text.document import Document

log = logging.getLogger(__name__)

TIME = pa.timestamp("us", tz="UTC")
EDIT_SCHEMA = pa.schema(
    [
        ("story", pa.string()),
        ("version_a", pa.int32()),
        ("version_b", pa.int32()),
        ("time_a", TIME),
        ("time_b", TIME),
        ("link", pa.int32()),
        ("kind", pa.string()),
        ("moved", pa.bool_()),
        ("a_index", pa.int32()),
        ("a_count", pa.int8()),
        ("b_index", pa.int32()),
        ("b_count", pa.int8()),
        ("score", pa.float32()),
        ("reasons", pa.list_(pa.string())),
        ("text_a", pa.string()),
        ("text_b", pa.string()),
    ]
)
COUNTED = ("unchanged", "minor", "substantive", "added", "deleted", "moved", "split", "merged")
STORY_SCHEMA = pa.schema(
    [
        ("story", pa.string()),
        ("versions", pa.int32()),
        ("pairs", pa.int32()),
        ("identical_pairs", pa.int32()),
        ("changed_pairs", pa.int32()),
        ("substantive_pairs", pa.int32()),
        ("failed_pairs", pa.int32()),
        ("first_time", TIME),
        ("last_time", TIME),
        ("sentences_first", pa.int32()),
        ("sentences_last", pa.int32()),
        *[(name, pa.int32()) for name in COUNTED],
    ]
)
# Edit rows gathered as Python lists before they become an Arrow batch (a few dozen stories' worth).
EDIT_BATCH_ROWS = 4096
# The stages whose time a partition reports (seconds, summed over its stories).
STAGES = ("segment", "diff", "records")


class PartitionRecords:
    """The edit and story rows of one partition, built story by story."""

    def __init__(self, options: DiffOptions | None = None) -> None:
        self.options = options or DiffOptions()
        self.edits: dict[str, list[Any]] = {name: [] for name in EDIT_SCHEMA.names}
        self.edit_batches: list[pa.RecordBatch] = []
        self.stories: dict[str, list[Any]] = {name: [] for name in STORY_SCHEMA.names}
        self.seconds = dict.fromkeys(STAGES, 0.0)
        self.pairs = 0
        self.versions = 0

    def add_story(self, key: str, times: Sequence[int | None], texts: Sequence[str]) -> None:
        """Add a story's rows; `texts` oldest first, `times` their capture times in UTC microseconds (or None)."""
        clock = time.perf_counter
        started = clock()
        ready: list[Prepared] = []
        for n, text in enumerate(texts):
            ready.append(ready[-1] if n and text == texts[n - 1] else prepare(text, f"v{n}"))
        docs = [version.document for version in ready]
        self.seconds["segment"] += clock() - started
        counts = dict.fromkeys(COUNTED, 0)
        identical = changed = substantive = failed = 0
        for k in range(len(docs) - 1):
            doc_a, doc_b = docs[k], docs[k + 1]
            if ready[k] is ready[k + 1]:
                identical += 1
                mark = clock()
                self._identical(key, k, times, len(doc_a.sentences))
                counts["unchanged"] += len(doc_a.sentences)
                self.seconds["records"] += clock() - mark
                continue
            mark = clock()
            try:
                links = diff(ready[k], ready[k + 1], options=self.options).links
            except Exception:  # a bug in the aligner must not lose the partition; the pair is counted as failed
                log.warning("storytrace batch: the diff of %s v%d-v%d failed", key, k, k + 1, exc_info=True)
                failed += 1
                self.seconds["diff"] += clock() - mark
                continue
            after = clock()
            self.seconds["diff"] += after - mark
            self._links(key, k, times, links, doc_a, doc_b)
            pair = link_counts(links)
            for name, count in pair.items():
                counts[name] += count
            changed += pair["unchanged"] != len(links)
            substantive += pair["substantive"] > 0
            self.seconds["records"] += clock() - after
        mark = clock()
        known = [t for t in times if t is not None]
        row: dict[str, Any] = {
            "story": key,
            "versions": len(texts),
            "pairs": len(texts) - 1,
            "identical_pairs": identical,
            "changed_pairs": changed,
            "substantive_pairs": substantive,
            "failed_pairs": failed,
            "first_time": min(known) if known else None,
            "last_time": max(known) if known else None,
            "sentences_first": len(docs[0].sentences) if docs else 0,
            "sentences_last": len(docs[-1].sentences) if docs else 0,
            **counts,
        }
        for name, value in row.items():
            self.stories[name].append(value)
        self.pairs += len(texts) - 1
        self.versions += len(texts)
        if len(self.edits["story"]) >= EDIT_BATCH_ROWS:
            self._edit_batch()
        self.seconds["records"] += clock() - mark

    def _edit_batch(self) -> None:
        """The edit rows gathered so far as one Arrow batch, the lists emptied: converted while they are still in
        the processor's caches, and a partition holds its rows as Arrow columns instead of Python objects."""
        self.edit_batches.append(pa.record_batch(
            [pa.array(self.edits[f.name], f.type) for f in EDIT_SCHEMA], schema=EDIT_SCHEMA))
        for values in self.edits.values():
            values.clear()

    def _identical(self, key: str, k: int, times: Sequence[int | None], n: int) -> None:
        """A pair of byte-identical texts: every sentence unchanged, in place."""
        edits = self.edits
        self._pair_columns(key, k, times, n)
        positions = range(n)
        edits["link"].extend(positions)
        edits["kind"].extend(["unchanged"] * n)
        edits["moved"].extend([False] * n)
        edits["a_index"].extend(positions)
        edits["b_index"].extend(positions)
        edits["a_count"].extend([1] * n)
        edits["b_count"].extend([1] * n)
        edits["score"].extend([1.0] * n)
        edits["reasons"].extend([None] * n)
        edits["text_a"].extend([None] * n)
        edits["text_b"].extend([None] * n)

    def _links(
        self, key: str, k: int, times: Sequence[int | None], links: Sequence[Link], doc_a: Document, doc_b: Document
    ) -> None:
        """The rows of a diffed pair. Texts are kept for changed links only."""
        self._pair_columns(key, k, times, len(links))
        for name, values in edit_columns(links, doc_a, doc_b).items():
            self.edits[name].extend(values)

    def _pair_columns(self, key: str, k: int, times: Sequence[int | None], n: int) -> None:
        edits = self.edits
        edits["story"].extend([key] * n)
        edits["version_a"].extend([k] * n)
        edits["version_b"].extend([k + 1] * n)
        edits["time_a"].extend([times[k]] * n)
        edits["time_b"].extend([times[k + 1]] * n)

    def tables(self) -> tuple[pa.Table, pa.Table]:
        """(edit records, story summaries) as Arrow tables with the fixed schemas."""
        mark = time.perf_counter()
        if self.edits["story"] or not self.edit_batches:
            self._edit_batch()
        edits = pa.Table.from_batches(self.edit_batches, schema=EDIT_SCHEMA)
        stories = pa.table([pa.array(self.stories[f.name], f.type) for f in STORY_SCHEMA], schema=STORY_SCHEMA)
        self.seconds["records"] += time.perf_counter() - mark
        return edits, stories
