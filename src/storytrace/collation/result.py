"""The result of a collation and its one JSON shape, `storytrace.collation/1`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from storytrace.collation.history import FLAGS, Change, Unit
from storytrace.collation.versions import Version, lineage_of
from storytrace.text.document import Document

SCHEMA = "storytrace.collation/1"


@dataclass(frozen=True)
class Collation:
    """Versions of one story and the units that cover every sentence of every version exactly once.

    `units` are in reading order; `order` lists the version indices from earliest to latest.
    """

    versions: tuple[Version, ...]
    documents: tuple[Document, ...]
    units: tuple[Unit, ...]
    order: tuple[int, ...]

    def unit_of(self) -> list[list[int]]:
        """For each version, the unit index of each of its sentences."""
        found = [[-1] * len(d.sentences) for d in self.documents]
        for u, unit in enumerate(self.units):
            for v, sentences in unit.sentences.items():
                for s in sentences:
                    found[v][s] = u
        return found

    def timeline(self) -> list[dict[str, int]]:
        """Per version, in time order: statements carried, first seen here, changed here, dropped here."""
        previous_in_lineage: dict[str | None, int] = {}
        rows = []
        for v in self.order:
            lineage = lineage_of(self.versions, v)
            before = previous_in_lineage.get(lineage)
            previous_in_lineage[lineage] = v
            into_v = [c for unit in self.units for c in unit.changes if c.target == v]
            rows.append(
                {
                    "version": v,
                    "carried": sum(v in unit.sentences for unit in self.units),
                    "added": sum(unit.first == v for unit in self.units),
                    "changed": sum(c.kind != "unchanged" for c in into_v),
                    "substantive": sum(c.kind == "substantive" for c in into_v),
                    "dropped": 0
                    if before is None
                    else sum(before in unit.sentences and v not in unit.sentences for unit in self.units),
                }
            )
        return rows

    def summary(self) -> dict[str, int]:
        counts = {
            "versions": len(self.versions),
            "units": len(self.units),
            "in_every_version": sum(len(u.sentences) == len(self.versions) for u in self.units),
            "in_one_version": sum(len(u.sentences) == 1 for u in self.units),
        }
        for flag in FLAGS:
            counts[flag] = sum(flag in u.flags for u in self.units)
        return counts

    def to_dict(self) -> dict[str, Any]:
        """The `storytrace.collation/1` document: the same for the CLI's --json, the API and the web app."""
        unit_of = self.unit_of()
        return {
            "schema": SCHEMA,
            "versions": [
                _version(version, doc, units, self.units)
                for version, doc, units in zip(self.versions, self.documents, unit_of, strict=True)
            ],
            "order": list(self.order),
            "units": [_unit(u) for u in self.units],
            "timeline": self.timeline(),
            "summary": self.summary(),
        }


def _version(version: Version, doc: Document, unit_of: list[int], units: tuple[Unit, ...]) -> dict[str, Any]:
    return {
        "label": doc.label,
        "outlet": version.outlet,
        "time": version.time,
        "text": doc.text,
        "sentences": [
            {"start": s.start, "end": s.end, "paragraph": s.paragraph, "unit": u, "first": units[u].first}
            for s, u in zip(doc.sentences, unit_of, strict=True)
        ],
    }


def _unit(unit: Unit) -> dict[str, Any]:
    return {
        "sentences": {str(v): list(s) for v, s in unit.sentences.items()},
        "first": unit.first,
        "last": unit.last,
        "support": unit.support,
        "flags": list(unit.flags),
        "changes": [_change(c) for c in unit.changes],
    }


def _change(change: Change) -> dict[str, Any]:
    return {
        "from": change.source,
        "to": change.target,
        "kind": change.kind,
        "reasons": list(change.reasons),
        "diff": [
            {"op": r.op, "text": r.text, "a": [r.a_start, r.a_end], "b": [r.b_start, r.b_end]} for r in change.diff
        ],
    }
