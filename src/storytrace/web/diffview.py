"""The diff page's view of a `storytrace.diff/1` document, inline or side by side.

The side-by-side rows are the HTML report's (`storytrace.report.html.rows`); the inline rows read each link as
one text (the word diff of an edit, or the whole sentence added, deleted or kept) from the same `_view` helpers.
Every link that is not an unchanged sentence left in place is a stop of the keyboard navigation.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from storytrace.report import html as html_report
from storytrace.report._view import EDITED, Seg, clean, diff_segs, kind_of, numbers, sentence_text

VIEWS = ("inline", "side")


@dataclass(frozen=True)
class InlineRow:
    anchor: str
    kind: str
    moved: bool
    reasons: tuple[str, ...]
    numbers: str  # "A3 → B4", "A5" (deleted), "B2" (added)
    segs: tuple[Seg, ...]


def is_change(link: dict[str, Any]) -> bool:
    return kind_of(link) != "unchanged" or bool(link.get("moved"))


def inline_segs(doc: dict[str, Any], link: dict[str, Any]) -> tuple[Seg, ...]:
    """The link as one text: its word diff when edited (else the old sentences struck out, then the new ones);
    a deleted, added or unchanged link's sentences whole."""
    kind = kind_of(link)
    if kind in EDITED:
        segs = diff_segs(link)
        if segs:
            return tuple(segs)
        old = " ".join(clean(sentence_text(doc, 0, i)).strip() for i in link["a"])
        new = " ".join(clean(sentence_text(doc, 1, i)).strip() for i in link["b"])
        return (Seg("delete", old), Seg("equal", " "), Seg("insert", new))
    side, op = (0, "delete") if kind == "deleted" else (1, "insert" if kind == "added" else "equal")
    indices = link["a"] if side == 0 else link["b"]
    return (Seg(op, " ".join(clean(sentence_text(doc, side, i)).strip() for i in indices)),)


def inline_row(doc: dict[str, Any], link: dict[str, Any], anchor: str) -> InlineRow:
    shown = " → ".join(part for part in (numbers("A", link["a"]), numbers("B", link["b"])) if part)
    return InlineRow(
        anchor=anchor,
        kind=kind_of(link),
        moved=bool(link.get("moved")),
        reasons=tuple(clean(str(r)) for r in link.get("reasons") or []),
        numbers=shown,
        segs=inline_segs(doc, link),
    )


def _items(doc: dict[str, Any], only_changes: bool) -> Iterator[tuple[int, dict[str, Any]] | int]:
    """(1-based link number, link) in order; with `only_changes`, each run of unchanged links as its count."""
    hidden = 0
    for n, link in enumerate(doc["links"], start=1):
        if only_changes and not is_change(link):
            hidden += max(len(link["a"]), len(link["b"]), 1)
            continue
        if hidden:
            yield hidden
            hidden = 0
        yield n, link
    if hidden:
        yield hidden


def diff_view(doc: dict[str, Any], *, view: str = "inline", only_changes: bool = False) -> dict[str, Any]:
    """The template's context: the report's summary, legend and labels, and the rows of the chosen view (a
    number in `items` stands for that many unchanged sentences left out)."""
    context = html_report.context({**doc, "links": []})  # everything but the rows, which are built here
    items: list[Any] = []
    if view == "side":
        for item in _items(doc, only_changes):
            items.append(item if isinstance(item, int) else html_report.row(doc, item[1], f"link-{item[0]}"))
    else:
        for item in _items(doc, only_changes):
            items.append(item if isinstance(item, int) else inline_row(doc, item[1], f"link-{item[0]}"))
    changes = sum(1 for link in doc["links"] if is_change(link))
    return {**context, "view": view, "items": items, "only_changes": only_changes, "change_count": changes}
