"""Terminal report of a ``storytrace.diff/1`` document, drawn with rich.

Article text only ever enters rich as :class:`rich.text.Text` (never as markup), so ``[bold]`` in a
sentence prints literally. When the console has no colour (a pipe, a file, ``NO_COLOR``) edits are
also spelled out git-style, ``[-old-]{+new+}``, because strike-through and colour are then lost.
"""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from storytrace.report._view import (
    EDITED,
    MARKERS,
    MOVED_MARK,
    Block,
    Seg,
    collapse_unchanged,
    diff_segs,
    kind_of,
    numbers,
    sentence_text,
    side_blocks,
    summary_counts,
)
from storytrace.report._view import clean as clean_text

KIND_STYLE: dict[str, str] = {
    "unchanged": "dim",
    "minor": "yellow",
    "substantive": "bold magenta",
    "added": "green",
    "deleted": "red",
}
# How a whole sentence's text looks, by kind (edited links use word styles instead).
TEXT_STYLE: dict[str, str] = {"unchanged": "dim", "added": "green", "deleted": "red strike"}
WORD_STYLE: dict[str, str] = {"equal": "", "delete": "red strike", "insert": "green underline"}
PLAIN_WRAP: dict[str, tuple[str, str]] = {"equal": ("", ""), "delete": ("[-", "-]"), "insert": ("{+", "+}")}
MOVED_STYLE = "bold cyan"


def summary_line(doc: dict[str, Any]) -> str:
    """One line of counts, e.g. ``6 unchanged · 2 minor · 1 substantive · 7 added · 9 deleted · 1 moved``."""
    return " · ".join(f"{count} {key}" for key, count in summary_counts(doc, extra=False))


def render(doc: dict[str, Any], console: Console, *, view: str = "inline", only_changes: bool = False) -> None:
    """Print the diff: ``view="inline"`` (one row per link) or ``"side-by-side"`` (an A | B table)."""
    if view not in ("inline", "side-by-side"):
        raise ValueError(f"unknown view {view!r}; expected 'inline' or 'side-by-side'")
    plain = console.color_system is None or console.no_color
    console.print(_title(doc, console.width))
    console.print(_summary(doc))
    if view == "inline":
        console.print(_inline(doc, only_changes, plain))
    else:
        console.print(_side_by_side(doc, only_changes, plain))


def _label(doc: dict[str, Any], side: int) -> str:
    return clean_text(str(doc["versions"][side]["label"]))


def _title(doc: dict[str, Any], width: int) -> Text:
    """"A label  →  B label", or the two labels on a line each when that is wider than the terminal (long paths
    wrapped anywhere were hard to read)."""
    one_line = Text.assemble(("A ", "bold"), _label(doc, 0), ("  →  ", "dim"), ("B ", "bold"), _label(doc, 1))
    if one_line.cell_len <= width:
        return one_line
    return Text.assemble(("A ", "bold"), _label(doc, 0), "\n", ("B ", "bold"), _label(doc, 1))


def _summary(doc: dict[str, Any]) -> Text:
    styles = KIND_STYLE | {"moved": MOVED_STYLE}
    text = Text()
    for n, (key, count) in enumerate(summary_counts(doc)):
        if n:
            text.append(" · ", "dim")
        text.append(f"{count} {key}", styles.get(key, "") if count else "dim")
    return text


def _words(segs: list[Seg] | tuple[Seg, ...], plain: bool, base: str = "") -> Text:
    """Word-diff runs as styled text; in plain mode with ``[-…-]``/``{+…+}`` around changed words."""
    text = Text(style=base)
    for seg in segs:
        before, after = PLAIN_WRAP[seg.op] if plain else ("", "")
        text.append(before + seg.text + after, WORD_STYLE[seg.op])
    return text


def _kind_line(link: dict[str, Any]) -> Text:
    """Kind, moved marker and the reasons in plain words, shown under the sentence."""
    kind = kind_of(link)
    line = Text()
    line.append(kind, KIND_STYLE[kind])
    if link.get("moved"):
        line.append(f"  {MOVED_MARK} moved", MOVED_STYLE)
    for reason in link.get("reasons") or []:
        line.append(" · ", "dim")
        line.append(clean_text(str(reason)), "italic")
    return line


def _marker(link: dict[str, Any]) -> Text:
    kind = kind_of(link)
    mark = Text(MARKERS[kind], KIND_STYLE[kind])
    mark.append(MOVED_MARK if link.get("moved") else " ", MOVED_STYLE)
    return mark


def _hidden(count: int) -> Text:
    return Text(f"… {count} unchanged sentence{'s' if count != 1 else ''}", "dim italic")


def _inline_body(doc: dict[str, Any], link: dict[str, Any], plain: bool) -> RenderableType:
    kind = kind_of(link)
    segs = diff_segs(link) if kind in EDITED else []
    if segs:
        body = _words(segs, plain)
    elif kind in EDITED:  # edited but no word diff: show the old text struck out, then the new
        old = [Seg("delete", clean_text(sentence_text(doc, 0, i)).strip()) for i in link["a"]]
        new = [Seg("insert", clean_text(sentence_text(doc, 1, i)).strip()) for i in link["b"]]
        body = Text(" ").join([_words(old, plain), _words(new, plain)])
    else:
        side = 0 if kind == "deleted" else 1
        indices = link["a"] if side == 0 else link["b"]
        body = Text(" ".join(clean_text(sentence_text(doc, side, i)).strip() for i in indices))
        body.stylize(TEXT_STYLE.get(kind, ""))
    if kind == "unchanged" and not link.get("moved"):
        return body
    return Group(body, _kind_line(link))


def _inline(doc: dict[str, Any], only_changes: bool, plain: bool) -> Table:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)  # marker
    grid.add_column(no_wrap=True, style="dim")  # A#/B#
    grid.add_column(overflow="fold")  # text: wraps, and folds words longer than the column
    for item in collapse_unchanged(doc["links"], only_changes):
        if isinstance(item, int):
            grid.add_row(Text("… "), Text(""), _hidden(item))
            continue
        nums = " ".join(n for n in (numbers("A", item["a"]), numbers("B", item["b"])) if n)
        grid.add_row(_marker(item), Text(nums), _inline_body(doc, item, plain))
    return grid


def _cell(blocks: list[Block], prefix: str, kind: str, plain: bool) -> Text:
    """One side of a link: each sentence on its own line, numbered, with that side's highlights."""
    lines = []
    for block in blocks:
        line = Text()
        line.append(numbers(prefix, block.indices) + " ", "dim")
        line.append_text(_words(block.segs, plain, TEXT_STYLE.get(kind, "")))
        lines.append(line)
    return Text("\n").join(lines)


def _side_by_side(doc: dict[str, Any], only_changes: bool, plain: bool) -> Table:
    table = Table(box=box.SIMPLE_HEAD, expand=True, show_lines=False, pad_edge=False)
    table.add_column(Text(""), no_wrap=True, width=2)
    table.add_column(Text.assemble(("A ", "bold"), _label(doc, 0)), ratio=1, overflow="fold")
    table.add_column(Text.assemble(("B ", "bold"), _label(doc, 1)), ratio=1, overflow="fold")
    for item in collapse_unchanged(doc["links"], only_changes):
        if isinstance(item, int):
            table.add_row(Text("…"), _hidden(item), Text(""))
            continue
        kind = kind_of(item)
        a = _cell(side_blocks(doc, item, 0), "A", kind, plain)
        b = _cell(side_blocks(doc, item, 1), "B", kind, plain)
        if kind != "unchanged" or item.get("moved"):
            target = a if kind == "deleted" else b
            if target:
                target.append("\n")
            target.append_text(_kind_line(item))
        table.add_row(_marker(item), a, b)
    return table
