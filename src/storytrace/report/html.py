"""Self-contained HTML report of a ``storytrace.diff/1`` document.

One file with inline CSS and no script, safe to open from anywhere: Jinja2 autoescaping escapes every
piece of article text and label, and a Content-Security-Policy meta forbids any script or remote load.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import jinja2

from storytrace import __version__
from storytrace.report._view import (
    KINDS,
    MARKERS,
    MOVED_MARK,
    Seg,
    clean,
    kind_of,
    numbers,
    side_blocks,
)
from storytrace.report._view import summary_counts as _summary_counts

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
LEGEND: dict[str, str] = {
    "unchanged": "same sentence",
    "minor": "wording, punctuation or style",
    "substantive": "meaning changed (numbers, names, claims)",
    "added": "only in B",
    "deleted": "only in A",
}


@dataclass(frozen=True)
class Sentence:
    """One numbered sentence (or several, when a diff could not be cut) in a table cell."""

    number: str
    segs: tuple[Seg, ...]


@dataclass(frozen=True)
class Row:
    """A link as the template needs it: both sides, kind, reasons and its anchor."""

    anchor: str
    kind: str
    moved: bool
    reasons: tuple[str, ...]
    a: tuple[Sentence, ...]
    b: tuple[Sentence, ...]


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("storytrace.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(doc: dict[str, Any]) -> str:
    """The whole HTML page as a string."""
    return _environment().get_template("diff.html.j2").render(**context(doc))


def context(doc: dict[str, Any]) -> dict[str, Any]:
    """What the report shows, as the template reads it (the web app's diff page shows the same)."""
    return {
        "csp": CSP,
        "labels": [clean(str(v["label"])) for v in doc["versions"]],
        "summary": _summary_counts(doc),
        "legend": [(kind, MARKERS[kind], LEGEND[kind]) for kind in KINDS],
        "moved_mark": MOVED_MARK,
        "rows": rows(doc),
        "version": __version__,
    }


def rows(doc: dict[str, Any]) -> list[Row]:
    """One row per link, in the document's order, anchored link-1, link-2, ..."""
    return [row(doc, link, f"link-{n}") for n, link in enumerate(doc["links"], start=1)]


def row(doc: dict[str, Any], link: dict[str, Any], anchor: str) -> Row:
    """The row of one link, with the HTML anchor `anchor`."""
    kind = kind_of(link)
    whole = {"added": "insert", "deleted": "delete"}.get(kind)

    def cell(side: int, prefix: str) -> tuple[Sentence, ...]:
        out = []
        for block in side_blocks(doc, link, side):
            segs = tuple(Seg(whole, s.text) for s in block.segs) if whole else block.segs
            out.append(Sentence(numbers(prefix, block.indices), segs))
        return tuple(out)

    return Row(
        anchor=anchor,
        kind=kind,
        moved=bool(link.get("moved")),
        reasons=tuple(clean(str(r)) for r in link.get("reasons") or []),
        a=cell(0, "A"),
        b=cell(1, "B"),
    )
