"""Self-contained HTML report of a ``storytrace.collation/1`` document.

A variant table (one row per unit, one column per version, earliest first) whose cells are tinted by the
source that first carried the statement, with each edit's kind, reasons and word diff visible in the cell, and
an inline SVG timeline of what every version added, changed and dropped. As for the diff report: one file,
inline CSS, no script; Jinja2 autoescaping escapes all article text and labels, and a Content-Security-Policy
meta forbids scripts and remote loads. Everything placed in CSS or SVG geometry is a number computed here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from storytrace import __version__
from storytrace.report._view import (
    CELL_KINDS,
    CELL_MARKERS,
    CELL_MEANING,
    EDITED,
    FLAG_LABELS,
    Seg,
    clean,
    collation_counts,
    first_carrier,
    first_text,
    sources,
    time_order,
    unit_cells,
)
from storytrace.report.html import CSP, _environment

FULL_MAX_VERSIONS = 8  # with more versions the table is compact: the text once, a marker per version
LABEL_CHARS = 22  # version labels under the timeline are cut to this many characters
FLAG_MEANING: dict[str, str] = {
    "single_source": "only one outlet carries it",
    "dropped": "gone from a later revision of an outlet that had it",
    "restored": "removed, then back in a later revision",
    "changed_fact": "a substantive edit: numbers, names or claims",
    "moved": "relocated by an outlet from one revision to the next",
}
TIMELINE_KEYS: tuple[str, ...] = ("added", "changed", "dropped")


@dataclass(frozen=True)
class Column:
    """A version, as a column header and a timeline group."""

    number: int  # 1-based position in time order
    index: int  # the version's index in the document
    label: str
    outlet: str
    time: str
    source: int
    carried: int
    added: int
    changed: int
    substantive: int
    dropped: int


@dataclass(frozen=True)
class CellView:
    kind: str
    marker: str
    text: str
    segs: tuple[Seg, ...]
    reasons: tuple[str, ...]
    since: str  # label of the version compared with, when it is not the column before
    title: str


@dataclass(frozen=True)
class Edit:
    """An edit of a unit, listed under its text in the compact table."""

    number: int
    label: str
    kind: str
    reasons: tuple[str, ...]
    since: str
    segs: tuple[Seg, ...]
    text: str


@dataclass(frozen=True)
class Row:
    anchor: str
    number: int
    flags: tuple[tuple[str, str], ...]  # (flag, words)
    support: int
    source: int
    origin: str
    text: str
    cells: tuple[CellView, ...]
    edits: tuple[Edit, ...]


@dataclass(frozen=True)
class Source:
    number: int
    name: str
    hue: int
    first: int  # statements it carried first


@dataclass(frozen=True)
class Bar:
    kind: str  # added, changed, substantive (drawn over the foot of changed), dropped
    version: int  # column number
    count: int
    x: float
    y: float
    width: float
    height: float
    title: str


@dataclass(frozen=True)
class Mark:
    """A piece of text in the chart (a count, an axis number or a version label)."""

    x: float
    y: float
    text: str
    rotate: bool = False


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    right: int
    baseline: float
    bars: tuple[Bar, ...]
    ticks: tuple[tuple[float, str], ...]  # (y, value)
    counts: tuple[Mark, ...]
    labels: tuple[Mark, ...]
    summary: str


def render(document: dict[str, Any]) -> str:
    """The whole HTML page as a string."""
    return _environment().get_template("collation.html.j2").render(**context(document))


def context(document: dict[str, Any], start: int = 0, stop: int | None = None) -> dict[str, Any]:
    """What the report shows, as the template reads it (the web app's collation page shows the same). Only the
    rows of units[start:stop] are built (the web app pages a huge collation); the rest counts all the units."""
    order = time_order(document)
    of_version, names = sources(document, order)
    columns = _columns(document, order, of_version)
    by_index = {c.index: c for c in columns}
    compact = len(order) > FULL_MAX_VERSIONS
    units = document["units"]
    rows = [_row(document, n, units[n], order, by_index, of_version, compact) for n in range(len(units))[start:stop]]
    firsts = [0] * len(names)
    for unit in units:  # (each unit's source, as its row gives it, without building the rows not shown)
        first = first_carrier(unit, order)
        firsts[of_version[order[0] if first is None else first]] += 1
    source_list = [Source(n, name, _hue(n), firsts[n]) for n, name in enumerate(names)]
    labels = [c.label for c in columns]
    return {
        "csp": CSP,
        "title": _title(labels),
        "summary": collation_counts(document),
        "columns": columns,
        "rows": rows,
        "compact": compact,
        "sources": source_list,
        "kinds": [(kind, CELL_MARKERS[kind], CELL_MEANING[kind]) for kind in CELL_KINDS],
        "flags": [(flag, FLAG_LABELS[flag], FLAG_MEANING[flag]) for flag in FLAG_LABELS],
        "chart": _chart(columns) if columns else None,
        "version": __version__,
    }


def _title(labels: list[str]) -> str:
    if not labels:
        return "no versions"
    if len(labels) <= 3:
        return " → ".join(labels)
    return f"{labels[0]} → … → {labels[-1]} ({len(labels)} versions)"


def _hue(n: int) -> int:
    """Well-spread hues: each new source turns the golden angle from the last."""
    return round(210 + n * 137.508) % 360


def _columns(doc: dict[str, Any], order: list[int], of_version: list[int]) -> list[Column]:
    timeline = {r.get("version"): r for r in doc.get("timeline") or []}
    out = []
    for number, v in enumerate(order, start=1):
        version = doc["versions"][v]
        row = timeline.get(v, {})
        out.append(
            Column(
                number=number,
                index=v,
                label=clean(str(version.get("label") or f"version {v + 1}")),
                outlet=clean(str(version.get("outlet") or "")),
                time=clean(str(version.get("time") or "")),
                source=of_version[v],
                **{key: int(row.get(key, 0)) for key in ("carried", "added", "changed", "substantive", "dropped")},
            )
        )
    return out


def _row(
    doc: dict[str, Any],
    n: int,
    unit: dict[str, Any],
    order: list[int],
    columns: dict[int, Column],
    of_version: list[int],
    compact: bool,
) -> Row:
    cells = unit_cells(doc, unit, order)
    first = next((c.version for c in cells if c.kind == "first"), order[0])
    views = []
    edits = []
    for k, cell in enumerate(cells):
        column = columns[cell.version]
        since = ""
        if cell.since is not None and (k == 0 or cell.since != order[k - 1]):
            since = columns[cell.since].label
        words = CELL_MEANING[cell.kind] if cell.kind != "first" else "first appearance"
        title = f"{column.number} {column.label}: {words}"
        views.append(CellView(cell.kind, CELL_MARKERS[cell.kind], cell.text, cell.segs, cell.reasons, since, title))
        if cell.kind in EDITED:
            since_label = columns[cell.since].label if cell.since is not None else ""
            edits.append(Edit(column.number, column.label, cell.kind, cell.reasons, since_label, cell.segs, cell.text))
    flags = tuple((f, FLAG_LABELS[f]) for f in unit.get("flags") or [] if f in FLAG_LABELS)
    return Row(
        anchor=f"unit-{n + 1}",
        number=n + 1,
        flags=flags,
        support=int(unit.get("support", 0)),
        source=of_version[first],
        origin=columns[first].label,
        text=first_text(doc, unit) if compact else "",
        cells=tuple(views),
        edits=tuple(edits) if compact else (),
    )


def _nice_top(value: int) -> tuple[int, int]:
    """A round top for the axis at or above ``value`` and its tick step (1, 2 or 5 times a power of ten)."""
    rough = max(value, 1) / 4
    power = 10 ** math.floor(math.log10(rough)) if rough >= 1 else 1
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= rough)
    return math.ceil(max(value, 1) / step) * step, step


def _chart(columns: list[Column]) -> Chart:
    """Bars per version (time order): added, changed (substantive part at its foot) and dropped."""
    n = len(columns)
    bar = 20 if n <= 6 else 14 if n <= 12 else 8 if n <= 40 else 5
    gap = max(bar, 8)
    group = 3 * bar + 2 + gap
    plot, top, left = 160, 22, 48
    labels = [_cut(f"{c.label}", LABEL_CHARS) for c in columns]
    longest = max(len(label) for label in labels)
    right = int(longest * 6.2 * math.cos(math.radians(40))) + 12
    height = top + plot + 22 + int(longest * 6.2 * math.sin(math.radians(40))) + 16
    width = left + n * group + right
    baseline = top + plot
    highest, step = _nice_top(max(max(c.added, c.changed, c.dropped) for c in columns))
    scale = plot / highest
    bars: list[Bar] = []
    counts: list[Mark] = []
    marks: list[Mark] = []
    for k, c in enumerate(columns):
        x0 = left + k * group + gap / 2
        who = f"{c.number} · {c.label}"
        for slot, key in enumerate(TIMELINE_KEYS):
            count = getattr(c, key)
            x = x0 + slot * (bar + 1)
            h = round(count * scale, 2)
            words = f"{count} changed ({c.substantive} substantive)" if key == "changed" else f"{count} {key}"
            bars.append(Bar(key, c.number, count, x, round(baseline - h, 2), bar, h, f"{who}: {words}"))
            if key == "changed" and c.substantive:
                s = round(c.substantive * scale, 2)
                title = f"{who}: {c.substantive} substantive"
                bars.append(Bar("substantive", c.number, c.substantive, x, round(baseline - s, 2), bar, s, title))
            if count and bar >= 14:
                counts.append(Mark(x + bar / 2, round(baseline - h - 4, 2), str(count)))
        middle = x0 + (3 * bar + 2) / 2
        marks.append(Mark(middle, baseline + 14, str(c.number)))
        marks.append(Mark(middle - 4, baseline + 24, labels[k], rotate=True))
    ticks = tuple((round(baseline - value * scale, 2), str(value)) for value in range(0, highest + 1, step))
    summary = (
        f"{n} version{'s' if n != 1 else ''}, earliest first. "
        f"In all: {sum(c.added for c in columns)} statements added, {sum(c.changed for c in columns)} changed "
        f"({sum(c.substantive for c in columns)} substantive), {sum(c.dropped for c in columns)} dropped. "
        "The same numbers are in the table below the chart."
    )
    return Chart(width, height, left, width - right, baseline, tuple(bars), ticks, tuple(counts), tuple(marks), summary)


def _cut(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"
