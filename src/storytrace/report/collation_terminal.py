"""Terminal report of a ``storytrace.collation/1`` document, drawn with rich.

Units are rows and versions columns, earliest first. With a few versions and room for them every cell shows
the unit's text in that version (word diff against the previous version that had it); otherwise the report is
compact: the unit's text once, a strip with one marker per version, and each edit on a line of its own.

As in the diff report, article text only ever enters rich as :class:`rich.text.Text`, never as markup, and
without colour the markers and ``[-old-]{+new+}`` still tell every kind apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich import box
from rich.columns import Columns
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from storytrace.report._view import (
    CELL_KINDS,
    CELL_MARKERS,
    FLAG_LABELS,
    Cell,
    Seg,
    clean,
    collapse_steady,
    collation_counts,
    first_text,
    time_order,
    unit_cells,
)

CELL_STYLE: dict[str, str] = {
    "first": "green",
    "unchanged": "dim",
    "minor": "yellow",
    "substantive": "bold magenta",
    "absent": "dim",
}
FLAG_STYLE: dict[str, str] = {
    "single_source": "cyan",
    "dropped": "red",
    "restored": "blue",
    "changed_fact": "bold magenta",
    "moved": "yellow",
}
WORD_STYLE: dict[str, str] = {"equal": "", "delete": "red strike", "insert": "green underline"}
PLAIN_WRAP: dict[str, tuple[str, str]] = {"equal": ("", ""), "delete": ("[-", "-]"), "insert": ("{+", "+}")}
FULL_MAX_VERSIONS = 6  # more versions than this are always shown compact
FULL_MIN_CELL = 24  # a version column narrower than this makes the report compact
CONTEXT = 40  # characters of unchanged text kept on each side of an edit when a diff is shortened


def summary_line(document: dict[str, Any]) -> str:
    """One line of counts, e.g. ``3 versions · 12 statements · 9 in every version · … · 1 changed fact``."""
    return " · ".join(f"{count} {words}" for _, count, words in collation_counts(document))


def render(document: dict[str, Any], console: Console, *, only_changes: bool = False) -> None:
    """Print the collation: a version table when it fits the terminal, the compact report otherwise."""
    plain = console.color_system is None or console.no_color
    order = time_order(document)
    width = console.width
    console.print(_summary(document))
    if not document["units"]:
        console.print(Text("No version has any sentences.", "italic"))
        return
    cell_width = (width - 20) // max(len(order), 1)
    if len(order) <= FULL_MAX_VERSIONS and cell_width >= FULL_MIN_CELL:
        console.print(_full(document, order, only_changes, plain, cell_width))
    else:
        console.print(_key(document, order, width))
        console.print(_compact(document, order, only_changes, plain, width))
    console.print(_legend(plain))


# --- shared pieces ------------------------------------------------------------------------------------


def _summary(doc: dict[str, Any]) -> Text:
    styles = {key: FLAG_STYLE.get(key, "bold") for key, _, _ in collation_counts(doc)}
    text = Text()
    for n, (key, count, words) in enumerate(collation_counts(doc)):
        if n:
            text.append(" · ", "dim")
        text.append(f"{count} {words}", styles[key] if count else "dim")
    return text


def _legend(plain: bool) -> Text:
    text = Text()
    for n, kind in enumerate(CELL_KINDS):
        if n:
            text.append("  ")
        text.append(CELL_MARKERS[kind], CELL_STYLE[kind])
        text.append(f" {'first appearance' if kind == 'first' else kind}", "dim")
    text.append("   ")
    text.append_text(_words([Seg("delete", "removed"), Seg("equal", " "), Seg("insert", "added")], plain))
    return text


def _label(doc: dict[str, Any], v: int) -> str:
    return clean(str(doc["versions"][v].get("label") or f"version {v + 1}"))


def _about(doc: dict[str, Any], v: int) -> str:
    """Outlet and time of a version, as far as known."""
    version = doc["versions"][v]
    return " · ".join(clean(str(version[key])) for key in ("outlet", "time") if version.get(key))


def _counts(doc: dict[str, Any], v: int) -> Text:
    row = next((r for r in doc.get("timeline") or [] if r.get("version") == v), None)
    text = Text()
    if row is None:
        return text
    for n, (key, mark, style) in enumerate(
        (("added", "+", "green"), ("changed", "~", "yellow"), ("dropped", "−", "red"))
    ):
        if n:
            text.append(" ")
        count = int(row.get(key, 0))
        text.append(f"{mark}{count} {key}", style if count else "dim")
    return text


def _flags(unit: dict[str, Any], sep: str) -> Text:
    parts = [Text(FLAG_LABELS[f], FLAG_STYLE[f]) for f in unit.get("flags") or [] if f in FLAG_LABELS]
    return Text(sep).join(parts)


def _head(text: str, size: int) -> str:
    """The first ``size`` characters or fewer, ending at a word boundary when one is near."""
    if len(text) <= size:
        return text
    piece = text[:size]
    if not text[size].isspace():
        space = piece.rfind(" ")
        if space > size // 2:
            piece = piece[:space]
    return piece.rstrip()


def _tail(text: str, size: int) -> str:
    """The last ``size`` characters or fewer, starting at a word boundary when one is near."""
    if len(text) <= size:
        return text
    piece = text[-size:]
    if not text[-size - 1].isspace():
        space = piece.find(" ")
        if 0 <= space < size // 2:
            piece = piece[space + 1 :]
    return piece.lstrip()


def _shorten(text: str, budget: int) -> str:
    """At most ``budget`` characters, cut at a word boundary, with an ellipsis."""
    return text if len(text) <= budget else _head(text, max(budget - 1, 1)) + "…"


def _elide(segs: Sequence[Seg], budget: int) -> list[Seg]:
    """Shorten a word diff to about ``budget`` characters, keeping the edits and some context around them."""
    if sum(len(s.text) for s in segs) <= budget:
        return list(segs)
    context = max(budget // 5, 12)
    out = []
    last = len(segs) - 1
    for n, seg in enumerate(segs):
        text = seg.text
        if seg.op == "equal" and len(text) > (2 if 0 < n < last else 1) * context + 3:
            head = _head(text, context) if n else ""
            tail = _tail(text, context) if n < last else ""
            text = f"{head}{' ' if head else ''}…{' ' if tail else ''}{tail}"
        out.append(Seg(seg.op, text))
    kept, used = [], 0
    for seg in out:
        if used + len(seg.text) > budget:
            room = budget - used
            kept.append(Seg(seg.op, _shorten(seg.text, room)) if room >= 12 else Seg("equal", " …"))
            break
        kept.append(seg)
        used += len(seg.text)
    return kept


def _words(segs: Sequence[Seg], plain: bool) -> Text:
    text = Text()
    for seg in segs:
        before, after = PLAIN_WRAP[seg.op] if plain else ("", "")
        text.append(before + seg.text + after, WORD_STYLE[seg.op])
    return text


def _note(doc: dict[str, Any], cell: Cell, previous: int | None) -> Text:
    """Kind and reasons of an edited cell, and which version it is compared with if not the column before."""
    line = Text(cell.kind, CELL_STYLE[cell.kind])
    if cell.since is not None and cell.since != previous:
        line.append(f" since {_label(doc, cell.since)}", "dim")
    for reason in cell.reasons:
        line.append(" · ", "dim")
        line.append(reason, "italic")
    return line


def _hidden(count: int) -> Text:
    return Text(f"… {count} statement{'s' if count != 1 else ''} in every version, unchanged", "dim italic")


# --- a column per version -----------------------------------------------------------------------------


def _header(doc: dict[str, Any], v: int, number: int) -> Text:
    head = Text.assemble((f"{number} ", "bold"), (_label(doc, v), "bold"))
    about = _about(doc, v)
    if about:
        head.append("\n" + about, "dim")
    counts = _counts(doc, v)
    if counts:
        head.append("\n")
        head.append_text(counts)
    return head


def _full_cell(doc: dict[str, Any], cell: Cell, previous: int | None, plain: bool, budget: int) -> Text:
    """The marker, then the text (a word diff if edited; green if new after the earliest version), then the
    kind and reasons of an edit."""
    text = Text()
    text.append(CELL_MARKERS[cell.kind] + " ", CELL_STYLE[cell.kind])
    if cell.kind == "absent":
        return text
    if cell.segs:
        text.append_text(_words(_elide(cell.segs, budget), plain))
    else:
        style = {"unchanged": "dim", "first": "green" if previous is not None else ""}.get(cell.kind, "")
        text.append(_shorten(cell.text, budget), style)
    if cell.kind in ("minor", "substantive"):
        text.append("\n")
        text.append_text(_note(doc, cell, previous))
    return text


def _full(doc: dict[str, Any], order: list[int], only_changes: bool, plain: bool, cell_width: int) -> Table:
    table = Table(box=box.SIMPLE_HEAD, expand=True, show_lines=True, pad_edge=False)
    table.add_column(Text("#"), no_wrap=True, justify="right", style="dim")
    for number, v in enumerate(order, start=1):
        table.add_column(_header(doc, v, number), ratio=1, overflow="fold")
    table.add_column(Text("flags"), overflow="fold", max_width=14)
    budget = max(cell_width * (5 if len(order) <= 2 else 4) - 2, 40)
    for item in collapse_steady(doc["units"], len(order), only_changes):
        if isinstance(item, int):
            table.add_row(Text("…"), _hidden(item), *[Text("")] * len(order))
            continue
        index, unit = item
        cells = unit_cells(doc, unit, order)
        shown = [_full_cell(doc, cell, order[n - 1] if n else None, plain, budget) for n, cell in enumerate(cells)]
        table.add_row(Text(str(index + 1)), *shown, _flags(unit, "\n"))
    return table


# --- compact: the text once, a marker per version -----------------------------------------------------


def _key(doc: dict[str, Any], order: list[int], width: int) -> Columns:
    """Which version each strip position stands for."""
    room = max(min(width // 2, 60) - 2, 20)
    entries = []
    for number, v in enumerate(order, start=1):
        entry = Text(f"{number:>{len(str(len(order)))}} ", "bold")
        about = _about(doc, v)
        entry.append(_shorten(_label(doc, v) + (f" · {about}" if about else ""), room))
        entries.append(entry)
    return Columns(entries, padding=(0, 2), title=Text("Versions, earliest first", "bold"))


def _ruler(start: int, length: int) -> str:
    """Position numbers over a strip chunk: its first position and every tenth, ending under their digit."""
    line = [" "] * length
    first = str(start + 1)
    line[: len(first)] = first
    for i in range(length):
        position = start + i + 1
        if position % 10 == 0:
            digits = str(position)
            at = i - len(digits) + 1
            if at > len(first) and all(c == " " for c in line[at - 1 : i + 1]):
                line[at : i + 1] = digits
    return "".join(line)


def _compact(doc: dict[str, Any], order: list[int], only_changes: bool, plain: bool, width: int) -> Table:
    numbers = {v: n for n, v in enumerate(order, start=1)}
    digits = len(str(len(doc["units"])))
    room = max(width - digits - 2, 12)
    widest = max(10, room // 10 * 10)
    lines_needed = -(-len(order) // widest)
    chunk = min(len(order), -(-len(order) // lines_needed // 10) * 10 or 10)
    budget = max(room * 2, 40)
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, justify="right", style="dim")
    grid.add_column(overflow="fold")
    for start in range(0, len(order), chunk):
        grid.add_row(Text(""), Text(_ruler(start, min(chunk, len(order) - start)), "dim"))
    for item in collapse_steady(doc["units"], len(order), only_changes):
        if isinstance(item, int):
            grid.add_row(Text("…"), _hidden(item))
            continue
        index, unit = item
        cells = unit_cells(doc, unit, order)
        strips = []
        for start in range(0, len(cells), chunk):
            strip = Text()
            for cell in cells[start : start + chunk]:
                strip.append(CELL_MARKERS[cell.kind], CELL_STYLE[cell.kind])
            strips.append(strip)
        flags = _flags(unit, " · ")
        if flags:
            strips[-1].append("  ")
            strips[-1].append_text(flags)
        lines: list[RenderableType] = [*strips]
        lines.append(Text(_shorten(first_text(doc, unit), budget)))
        edits = [cell for cell in cells if cell.kind in ("minor", "substantive")]
        if edits:
            lines.append(_edits(doc, edits, numbers, plain, budget))
        grid.add_row(Text(str(index + 1)), Group(*lines))
    return grid


def _edits(doc: dict[str, Any], edits: list[Cell], numbers: dict[int, int], plain: bool, budget: int) -> Table:
    """Each edit of a unit: where (strip position and label), kind, reasons, and the word diff."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, justify="right")
    grid.add_column(overflow="fold")
    for cell in edits:
        where = Text.assemble((CELL_MARKERS[cell.kind], CELL_STYLE[cell.kind]), (f" {numbers[cell.version]}", "bold"))
        note = Text(_shorten(_label(doc, cell.version), 24) + ": ", "dim")
        note.append_text(_note(doc, cell, None))
        body: RenderableType = Group(note, _words(_elide(cell.segs, budget), plain)) if cell.segs else note
        grid.add_row(where, body)
    return grid
