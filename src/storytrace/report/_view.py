"""Renderer-neutral reading of a ``storytrace.diff/1`` document.

The terminal and HTML reports show the same things (sentence numbers, per-side word highlights,
split/merge as several sentences); keeping that logic here means both agree on it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

KINDS: tuple[str, ...] = ("unchanged", "minor", "substantive", "added", "deleted")
EDITED: frozenset[str] = frozenset({"minor", "substantive"})
MARKERS: dict[str, str] = {"unchanged": "=", "minor": "~", "substantive": "!", "added": "+", "deleted": "-"}
MOVED_MARK = "↕"
SUMMARY_KEYS: tuple[str, ...] = ("unchanged", "minor", "substantive", "added", "deleted", "moved")
SIDE_OPS: tuple[frozenset[str], frozenset[str]] = (frozenset({"equal", "delete"}), frozenset({"equal", "insert"}))

_WS = re.compile(r"\s+")
# Control characters other than whitespace: C0, DEL and C1. Shown as visible symbols, so that an
# article cannot smuggle terminal escape sequences (ESC is not stripped by rich) or invalid HTML.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x7f-\x9f]")


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # Unicode "control pictures", e.g. ESC -> ␛
    return "␡" if code == 0x7F else "\ufffd"


def clean(text: str) -> str:
    """Text as displayed: whitespace runs (hard-wrapped lines) become one space, controls made visible."""
    if text.isprintable() and "  " not in text:  # no control, no whitespace but single spaces: nothing to do
        return text
    return _CONTROL.sub(_picture, _WS.sub(" ", text))


@dataclass(frozen=True)
class Seg:
    """A run of displayed text; ``op`` is ``equal``, ``delete`` or ``insert``."""

    op: str
    text: str


@dataclass(frozen=True)
class Block:
    """Text shown for one or more sentences of one side (several only if the diff could not be split)."""

    indices: tuple[int, ...]
    segs: tuple[Seg, ...]


def kind_of(link: dict[str, Any]) -> str:
    """The link's kind, or ``unchanged`` when a producer sent something outside the contract."""
    kind = link.get("kind")
    return kind if kind in KINDS else "unchanged"


def sentence_text(doc: dict[str, Any], side: int, index: int) -> str:
    """Raw text of sentence ``index`` of version ``side`` (0 = A, 1 = B)."""
    version = doc["versions"][side]
    span = version["sentences"][index]
    return str(version["text"][span["start"] : span["end"]])


def numbers(prefix: str, indices: Sequence[int]) -> str:
    """1-based sentence numbers for people: ``A3``, ``B4–5`` (a range) or ``A2,7``."""
    if not indices:
        return ""
    shown = [i + 1 for i in indices]
    if len(shown) > 1 and shown == list(range(shown[0], shown[-1] + 1)):
        return f"{prefix}{shown[0]}–{shown[-1]}"
    return prefix + ",".join(str(n) for n in shown)


def diff_segs(link: dict[str, Any]) -> list[Seg]:
    """The link's word diff as cleaned runs (empty when the link carries none)."""
    out: list[Seg] = []
    for run in link.get("diff") or []:
        if run.get("op") in ("equal", "delete", "insert") and run.get("text"):
            out.append(Seg(run["op"], clean(run["text"])))
    return _tidy(out)


def side_segs(doc: dict[str, Any], link: dict[str, Any], side: int) -> list[Seg]:
    """The link's word diff as one side reads it: the runs that side has (equal, and its own deletions or
    insertions), each run's text taken from that side's version at the run's offsets. An equal run's `text` is B's
    wording, which may differ from A's in letter case, spacing and style: shown under A it quoted what A does not
    say."""
    source = doc["versions"][side]["text"]
    key = "b" if side else "a"
    runs = [r for r in link.get("diff") or [] if r.get("op") in SIDE_OPS[side] and r.get("text")]
    spans = [_span(r.get(key), len(source)) for r in runs]
    out: list[Seg] = []
    for n, (run, span) in enumerate(zip(runs, spans, strict=True)):
        if span is None:
            out.append(Seg(run["op"], clean(run["text"])))
            continue
        text = source[span[0] : span[1]]
        # A run's span covers its words; the white space after them, up to the next run, is shown with it.
        following = spans[n + 1] if n + 1 < len(spans) else None
        if following is not None and following[0] > span[1]:
            gap = source[span[1] : following[0]]
            text += gap if gap.isspace() else " "
        out.append(Seg(run["op"], clean(text)))
    return _tidy(out)


def _span(value: object, length: int) -> tuple[int, int] | None:
    if isinstance(value, list | tuple) and len(value) == 2 and all(isinstance(v, int) for v in value):
        start, end = value
        if 0 <= start <= end <= length:
            return start, end
    return None


def side_blocks(doc: dict[str, Any], link: dict[str, Any], side: int) -> list[Block]:
    """One block per sentence on ``side``, carrying that side's word highlights when the link has a diff."""
    indices = list(link["b" if side else "a"])
    texts = [sentence_text(doc, side, i) for i in indices]
    plain = [Block((i,), (Seg("equal", clean(t).strip()),)) for i, t in zip(indices, texts, strict=True)]
    if kind_of(link) not in EDITED or not indices:
        return plain
    stream = side_segs(doc, link, side)
    if not stream:
        return plain
    parts = _split(stream, texts)
    if parts is None:  # diff does not match the sentences: keep the highlights, lose the per-sentence cut
        return [Block(tuple(indices), tuple(_tidy(stream)))]
    return [Block((i,), tuple(p)) for i, p in zip(indices, parts, strict=True)]


def summary_counts(doc: dict[str, Any], *, extra: bool = True) -> list[tuple[str, int]]:
    """The six required counts in display order, then (``extra``) ``split``/``merged`` when non-zero."""
    summary = doc.get("summary", {})
    counts = [(key, int(summary.get(key, 0))) for key in SUMMARY_KEYS]
    if extra:
        counts += [(key, int(summary[key])) for key in ("split", "merged") if summary.get(key)]
    return counts


def collapse_unchanged(links: Sequence[dict[str, Any]], only_changes: bool) -> Iterator[dict[str, Any] | int]:
    """Links in order; with ``only_changes`` each run of unchanged links becomes its sentence count."""
    hidden = 0
    for link in links:
        if only_changes and kind_of(link) == "unchanged" and not link.get("moved"):
            hidden += max(len(link["a"]), len(link["b"]), 1)
            continue
        if hidden:
            yield hidden
            hidden = 0
        yield link
    if hidden:
        yield hidden


def _nonspace(text: str) -> int:
    return len("".join(text.split()))  # str.split() splits on exactly the characters str.isspace() accepts


def _split(stream: list[Seg], texts: list[str]) -> list[list[Seg]] | None:
    """Cut a side's diff runs at sentence boundaries, counting non-space characters (the diff may join
    sentences with different whitespace). ``None`` if the counts disagree."""
    targets = [_nonspace(t) for t in texts]
    if sum(targets) != sum(_nonspace(s.text) for s in stream):
        return None
    parts: list[list[Seg]] = [[] for _ in texts]
    current, filled = 0, 0
    for seg in stream:
        if not seg.text:
            continue
        count = _nonspace(seg.text)
        if count == 0 or (filled < targets[current] and count <= targets[current] - filled):
            parts[current].append(seg)  # the common case: the run fits in the sentence being filled
            filled += count
            continue
        buf: list[str] = []
        for ch in seg.text:
            if not ch.isspace():
                while filled >= targets[current] and current < len(texts) - 1:
                    if buf:
                        parts[current].append(Seg(seg.op, "".join(buf)))
                        buf = []
                    current, filled = current + 1, 0
                filled += 1
            buf.append(ch)
        if buf:
            parts[current].append(Seg(seg.op, "".join(buf)))
    return [_tidy(p) for p in parts]


def _tidy(segs: list[Seg]) -> list[Seg]:
    """Merge neighbouring runs of one op and trim the outer whitespace."""
    merged: list[Seg] = []
    for seg in segs:
        if merged and merged[-1].op == seg.op:
            merged[-1] = Seg(seg.op, merged[-1].text + seg.text)
        else:
            merged.append(seg)
    while merged and not merged[0].text.strip():
        merged.pop(0)
    while merged and not merged[-1].text.strip():
        merged.pop()
    if merged:
        merged[0] = Seg(merged[0].op, merged[0].text.lstrip())
        merged[-1] = Seg(merged[-1].op, merged[-1].text.rstrip())
    return merged


# --- storytrace.collation/1 -------------------------------------------------------------------------
# The collation reports (terminal and HTML) read a unit the same way: one cell per version in time order.

CELL_KINDS: tuple[str, ...] = ("first", "unchanged", "minor", "substantive", "absent")
CELL_MARKERS: dict[str, str] = {"first": "+", "unchanged": "=", "minor": "~", "substantive": "!", "absent": "·"}
CELL_MEANING: dict[str, str] = {
    "first": "first appearance",
    "unchanged": "as in the previous version that had it",
    "minor": "wording, punctuation or style changed",
    "substantive": "meaning changed (numbers, names, claims)",
    "absent": "not in this version",
}
FLAG_LABELS: dict[str, str] = {
    "single_source": "single source",
    "dropped": "dropped",
    "restored": "restored",
    "changed_fact": "changed fact",
    "moved": "moved",
}
COLLATION_KEYS: tuple[tuple[str, str, str], ...] = (  # summary key, singular, plural
    ("versions", "version", "versions"),
    ("units", "statement", "statements"),
    ("in_every_version", "in every version", "in every version"),
    ("in_one_version", "in one version", "in one version"),
    ("single_source", "single source", "single source"),
    ("dropped", "dropped", "dropped"),
    ("restored", "restored", "restored"),
    ("changed_fact", "changed fact", "changed fact"),
    ("moved", "moved", "moved"),
)
_CHANGE_KINDS = frozenset({"unchanged", "minor", "substantive"})
_CLOSING = tuple(",.;:!?)]}»”’%")


@dataclass(frozen=True)
class Cell:
    """A unit in one version: ``kind`` is one of :data:`CELL_KINDS`; an edited cell carries its word diff
    against ``since`` (the previous version that had the unit) when the document has a usable one."""

    version: int
    kind: str
    text: str
    segs: tuple[Seg, ...] = ()
    since: int | None = None
    reasons: tuple[str, ...] = ()


def time_order(doc: dict[str, Any]) -> list[int]:
    """Version indices earliest first: the document's ``order``, or input order if that is not a permutation."""
    count = len(doc["versions"])
    order = [v for v in doc.get("order") or [] if isinstance(v, int)]
    return order if sorted(order) == list(range(count)) else list(range(count))


def collation_counts(doc: dict[str, Any]) -> list[tuple[str, int, str]]:
    """The summary in display order: (key, count, words for that count), missing counts read as 0."""
    summary = doc.get("summary", {})
    out = []
    for key, one, many in COLLATION_KEYS:
        count = int(summary.get(key, 0))
        out.append((key, count, one if count == 1 else many))
    return out


def unit_versions(unit: dict[str, Any]) -> dict[int, list[int]]:
    """Version index -> the unit's sentence indices in that version."""
    return {int(v): list(ss) for v, ss in unit.get("sentences", {}).items() if ss}


def unit_text(doc: dict[str, Any], version: int, indices: Sequence[int]) -> str:
    """The unit's sentences in one version, as displayed (one line)."""
    return clean(" ".join(sentence_text(doc, version, i).strip() for i in indices)).strip()


def first_text(doc: dict[str, Any], unit: dict[str, Any]) -> str:
    """The unit as it first appeared."""
    carriers = unit_versions(unit)
    if not carriers:
        return ""
    first = unit.get("first")
    version = first if first in carriers else min(carriers)
    return unit_text(doc, version, carriers[version])


def first_carrier(
    unit: dict[str, Any], order: Sequence[int], carriers: dict[int, list[int]] | None = None
) -> int | None:
    """The version the unit first appeared in: its ``first``, else the earliest of ``order`` that carries it."""
    carriers = unit_versions(unit) if carriers is None else carriers
    return unit.get("first") if unit.get("first") in carriers else next((v for v in order if v in carriers), None)


def unit_cells(doc: dict[str, Any], unit: dict[str, Any], order: Sequence[int]) -> list[Cell]:
    """One cell per version of ``order``: absent, first appearance, or the change from the previous carrier."""
    carriers = unit_versions(unit)
    into = {c.get("to"): c for c in unit.get("changes") or []}
    first = first_carrier(unit, order, carriers)
    cells = []
    for v in order:
        if v not in carriers:
            cells.append(Cell(v, "absent", ""))
            continue
        text = unit_text(doc, v, carriers[v])
        change = into.get(v)
        if v == first or change is None:
            cells.append(Cell(v, "first" if v == first else "unchanged", text))
            continue
        kind = change.get("kind") if change.get("kind") in _CHANGE_KINDS else "unchanged"
        since = change.get("from") if change.get("from") in carriers else None
        segs: tuple[Seg, ...] = ()
        if kind in EDITED and since is not None:
            segs = tuple(change_segs(doc, change, text))
        reasons = tuple(clean(str(r)) for r in change.get("reasons") or []) if kind in EDITED else ()
        cells.append(Cell(v, kind, text, segs, since, reasons))
    return cells


def is_steady(unit: dict[str, Any], versions: int) -> bool:
    """In every version and never changed: what ``only_changes`` hides."""
    return (
        len(unit_versions(unit)) == versions
        and not unit.get("flags")
        and all(c.get("kind") == "unchanged" for c in unit.get("changes") or [])
    )


def collapse_steady(
    units: Sequence[dict[str, Any]], versions: int, only_changes: bool
) -> Iterator[tuple[int, dict[str, Any]] | int]:
    """(index, unit) in order; with ``only_changes`` each run of steady units becomes its count."""
    hidden = 0
    for index, unit in enumerate(units):
        if only_changes and is_steady(unit, versions):
            hidden += 1
            continue
        if hidden:
            yield hidden
            hidden = 0
        yield index, unit
    if hidden:
        yield hidden


def sources(doc: dict[str, Any], order: Sequence[int]) -> tuple[list[int], list[str]]:
    """Who published each version, as in the collation's support count: its outlet, or the version itself
    when it names none. Returns each version's source number (numbered in time order) and the source names."""
    number: dict[str, int] = {}
    names: list[str] = []
    of_version = [0] * len(doc["versions"])
    for v in order:
        version = doc["versions"][v]
        outlet = version.get("outlet")
        key = f"outlet:{outlet}" if outlet else f"version:{v}"
        if key not in number:
            number[key] = len(names)
            names.append(clean(str(outlet or version.get("label") or f"version {v + 1}")))
        of_version[v] = number[key]
    return of_version, names


def change_segs(doc: dict[str, Any], change: dict[str, Any], target: str) -> list[Seg]:
    """A change's word diff as its target version reads: kept and inserted words as that version has them,
    deleted words from the previous carrier. ``target`` is the unit's displayed text in the target version;
    when the runs' offsets do not reproduce it, the runs' own text is shown instead."""
    runs = [r for r in change.get("diff") or [] if r.get("op") in ("equal", "delete", "insert") and r.get("text")]
    if not runs:
        return []
    try:
        segs = _from_offsets(doc["versions"][change["from"]]["text"], doc["versions"][change["to"]]["text"], runs)
    except (KeyError, IndexError, TypeError, ValueError):
        segs = None
    if segs is None or _squash(s.text for s in segs if s.op != "delete") != _squash([target]):
        segs = [Seg(r["op"], clean(r["text"])) for r in runs]
    return _tidy(segs)


def _squash(parts: Iterable[str]) -> str:
    return "".join("".join(parts).split())


def _from_offsets(old: str, new: str, runs: list[dict[str, Any]]) -> list[Seg] | None:
    out: list[Seg] = []
    last: int | None = None  # end of the previous kept or inserted run in the new text
    for run in runs:
        side, text = ("a", old) if run["op"] == "delete" else ("b", new)
        start, end = (int(x) for x in run[side])
        if not 0 <= start < end <= len(text):
            return None
        piece = clean(text[start:end])
        if run["op"] == "delete":
            if _squash([piece]) != _squash([run["text"]]):
                return None
            if out and not out[-1].text[-1:].isspace() and not piece.startswith(_CLOSING):
                out.append(Seg("equal", " "))
            out.append(Seg("delete", piece))
            continue
        gap = "" if last is None or start <= last else new[last:start]
        gap = " " if gap.strip() else clean(gap)
        if not gap and out and out[-1].op == "delete" and not piece.startswith(_CLOSING):
            gap = " "
        if gap:
            out.append(Seg("equal", gap))
        out.append(Seg(run["op"], piece))
        last = end
    return out
