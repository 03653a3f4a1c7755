"""`collate(versions)`: follow every statement of a story across many versions and copies."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from storytrace.align.features import SentenceTable
from storytrace.collation.history import reading_order, unit_history
from storytrace.collation.moves import moved_units
from storytrace.collation.result import Collation
from storytrace.collation.units import find_units
from storytrace.collation.versions import Version, chronology, identity, source_of
from storytrace.diff import document
from storytrace.options import DiffOptions
from storytrace.text.document import Document


def collate(
    versions: Sequence[Version | str | Document], *, options: DiffOptions | None = None, **overrides: Any
) -> Collation:
    """Group the sentences of all versions into units (one per statement) and tell each unit's history.

    `versions` are texts, `Version`s (text with label, outlet and ISO 8601 time) or segmented Documents;
    keyword overrides change single options, as for `diff`.
    """
    opts = (options or DiffOptions()).with_overrides(**overrides)
    given = [_as_version(v, i) for i, v in enumerate(versions)]
    documents = [
        v if isinstance(v, Document) else document(given[i].text, given[i].label or f"V{i + 1}")
        for i, v in enumerate(versions)
    ]
    order = chronology(given)
    tables = [SentenceTable(d) for d in documents]
    found, _ = find_units(tables, [identity(v) for v in given], opts)
    keys = [t.keys for t in tables]
    placed = reading_order(found, order, [len(d.sentences) for d in documents])
    sources = len({source_of(given, v) for v in range(len(given))})
    moved = moved_units(found, order, given, keys)
    units = tuple(unit_history(found[u], order, given, documents, keys, opts, sources, u in moved) for u in placed)
    return Collation(tuple(given), tuple(documents), units, order)


def _as_version(value: Version | str | Document, index: int) -> Version:
    if isinstance(value, Version):
        return value if value.label else Version(value.text, f"V{index + 1}", value.outlet, value.time)
    if isinstance(value, Document):
        return Version(value.text, value.label)
    return Version(value, f"V{index + 1}")
