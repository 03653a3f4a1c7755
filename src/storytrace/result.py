"""The result of a diff: plain dataclasses and their one JSON shape, `storytrace.diff/1`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from storytrace.rules.verdict import Run
from storytrace.text.document import Document
from storytrace.values import Value

SCHEMA: Final = "storytrace.diff/1"
KINDS: Final = ("unchanged", "minor", "substantive", "added", "deleted")


class Link(Value):
    """Sentences of A linked to sentences of B, with what kind of change separates them and why.

    A `Value`, not a frozen dataclass: a diff makes one per sentence (see storytrace.values)."""

    __slots__ = ("a", "b", "kind", "moved", "score", "reasons", "diff")

    def __init__(
        self,
        a: tuple[int, ...],
        b: tuple[int, ...],
        kind: str,
        moved: bool,
        score: float,
        reasons: tuple[str, ...] = (),
        diff: tuple[Run, ...] = (),  # offsets are into the versions' texts
    ) -> None:
        self.a: Final = a
        self.b: Final = b
        self.kind: Final = kind
        self.moved: Final = moved
        self.score: Final = score
        self.reasons: Final = reasons
        self.diff: Final = diff

    def _fields(self) -> tuple[Any, ...]:
        return (self.a, self.b, self.kind, self.moved, self.score, self.reasons, self.diff)

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": list(self.a),
            "b": list(self.b),
            "kind": self.kind,
            "moved": self.moved,
            "score": round(self.score, 4),
            "reasons": list(self.reasons),
            "diff": [
                {"op": r.op, "text": r.text, "a": [r.a_start, r.a_end], "b": [r.b_start, r.b_end]} for r in self.diff
            ],
        }


@dataclass(frozen=True)
class DiffResult:
    """Two versions and the links that cover every sentence of both exactly once."""

    a: Document
    b: Document
    links: tuple[Link, ...]

    def __reduce__(self) -> tuple[Any, ...]:  # compiled classes do not pickle as dataclasses do: rebuild
        return (DiffResult, (self.a, self.b, self.links))

    def summary(self) -> dict[str, int]:
        counts = dict.fromkeys(KINDS, 0)
        for link in self.links:
            counts[link.kind] += 1
        counts["moved"] = sum(link.moved for link in self.links)
        counts["split"] = sum(len(link.a) == 1 and len(link.b) > 1 for link in self.links)
        counts["merged"] = sum(len(link.a) > 1 and len(link.b) == 1 for link in self.links)
        counts["sentences_a"] = len(self.a.sentences)
        counts["sentences_b"] = len(self.b.sentences)
        return counts

    def to_dict(self) -> dict[str, Any]:
        """The `storytrace.diff/1` document: the same for the CLI's --json, the API and the web app."""
        return {
            "schema": SCHEMA,
            "versions": [_version(self.a), _version(self.b)],
            "links": [link.to_dict() for link in self.links],
            "summary": self.summary(),
        }


def linked_text(doc: Document, indices: tuple[int, ...]) -> str:
    """The linked sentences of `doc` read as one text, joined by a space."""
    return " ".join([doc.text[doc.sentences[i].start : doc.sentences[i].end] for i in indices])


def edit_columns(links: Sequence[Link], doc_a: Document, doc_b: Document) -> dict[str, list[Any]]:
    """A diff's links as columns of edit records, in one native pass (the batch's Parquet rows): position, kind,
    moved, first sentence and count on each side, score, reasons, and the texts of links that changed."""
    kinds: list[str] = []
    moved: list[bool] = []
    a_index: list[int | None] = []
    b_index: list[int | None] = []
    a_count: list[int] = []
    b_count: list[int] = []
    score: list[float] = []
    reasons: list[list[str] | None] = []
    text_a: list[str | None] = []
    text_b: list[str | None] = []
    for link in links:
        changed = link.kind != "unchanged"
        kinds.append(link.kind)
        moved.append(link.moved)
        a_index.append(link.a[0] if link.a else None)
        b_index.append(link.b[0] if link.b else None)
        a_count.append(len(link.a))
        b_count.append(len(link.b))
        score.append(link.score)
        reasons.append(list(link.reasons) if link.reasons else None)
        text_a.append(linked_text(doc_a, link.a) if link.a and changed else None)
        text_b.append(linked_text(doc_b, link.b) if link.b and changed else None)
    return {
        "link": list(range(len(links))), "kind": kinds, "moved": moved, "a_index": a_index, "b_index": b_index,
        "a_count": a_count, "b_count": b_count, "score": score, "reasons": reasons, "text_a": text_a,
        "text_b": text_b,
    }


def link_counts(links: Sequence[Link]) -> dict[str, int]:
    """How many links of each kind, and how many moved, split (one sentence of A to several of B) and merged, in
    one native pass (the batch's story summaries)."""
    unchanged = minor = substantive = added = deleted = moved = split = merged = 0
    for link in links:
        kind = link.kind
        if kind == "unchanged":
            unchanged += 1
        elif kind == "minor":
            minor += 1
        elif kind == "substantive":
            substantive += 1
        elif kind == "added":
            added += 1
        elif kind == "deleted":
            deleted += 1
        if link.moved:
            moved += 1
        a, b = len(link.a), len(link.b)
        if a == 1 and b > 1:
            split += 1
        elif a > 1 and b == 1:
            merged += 1
    return {
        "unchanged": unchanged, "minor": minor, "substantive": substantive, "added": added, "deleted": deleted,
        "moved": moved, "split": split, "merged": merged,
    }


def _version(doc: Document) -> dict[str, Any]:
    return {
        "label": doc.label,
        "text": doc.text,
        "sentences": [{"start": s.start, "end": s.end, "paragraph": s.paragraph} for s in doc.sentences],
    }
