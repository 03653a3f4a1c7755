"""Renderer-neutral reading of a ``storytrace.diff/1`` document.

The terminal and HTML reports show the same things (sentence numbers, per-side word highlights,
split/merge as several sentences); keeping that logic here means both agree on it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
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


def side_blocks(doc: dict[str, Any], link: dict[str, Any], side: int) -> list[Block]:
    """One block per sentence on ``side``, carrying that side's word highlights when the link has a diff."""
    indices = list(link["b" if side else "a"])
    texts = [sentence_text(doc, side, i) for i in indices]
    plain = [Block((i,), (Seg("equal", clean(t).strip()),)) for i, t in zip(indices, texts, strict=True)]
    if kind_of(link) not in EDITED or not indices:
        return plain
    stream = [s for s in diff_segs(link) if s.op in SIDE_OPS[side]]
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
    return sum(1 for ch in text if not ch.isspace())


def _split(stream: list[Seg], texts: list[str]) -> list[list[Seg]] | None:
    """Cut a side's diff runs at sentence boundaries, counting non-space characters (the diff may join
    sentences with different whitespace). ``None`` if the counts disagree."""
    targets = [_nonspace(t) for t in texts]
    if sum(targets) != sum(_nonspace(s.text) for s in stream):
        return None
    parts: list[list[Seg]] = [[] for _ in texts]
    current, filled = 0, 0
    for seg in stream:
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
