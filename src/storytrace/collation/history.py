"""What happened to each unit over time: where it first and last appeared, each change, its flags.

Consecutive carriers are compared in time order (input order when the versions have no times), so a unit's
changes read as its story: "minor in version 3, number 12 → 15 in version 5".
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass

from storytrace.classify import classify
from storytrace.collation.units import UnitSentences
from storytrace.collation.versions import Version, lineage_of, source_of
from storytrace.diff import joined_text, open_quote
from storytrace.options import DiffOptions
from storytrace.rules.verdict import Run, make_run
from storytrace.text.document import Document

FLAGS = ("single_source", "dropped", "restored", "changed_fact", "moved")


@dataclass(frozen=True, slots=True)
class Change:
    """How a unit's text changed from one carrier to the next; run offsets are into those two versions."""

    source: int  # version index
    target: int
    kind: str  # unchanged, minor or substantive
    reasons: tuple[str, ...] = ()
    diff: tuple[Run, ...] = ()


@dataclass(frozen=True, slots=True)
class Unit:
    """One statement followed across the versions."""

    sentences: UnitSentences
    first: int
    last: int
    support: int
    flags: tuple[str, ...]
    changes: tuple[Change, ...]


def unit_history(
    sentences: UnitSentences,
    order: Sequence[int],
    versions: Sequence[Version],
    documents: Sequence[Document],
    keys: Sequence[Sequence[str]],
    options: DiffOptions,
    sources: int,
    moved: bool = False,
) -> Unit:
    """First and last appearance, support, changes between consecutive carriers, and flags (`sources`: how
    many sources the whole collation has; `moved`: an outlet relocated it, see `moves.py`)."""
    carriers = [v for v in order if v in sentences]
    changes = tuple(
        _change(p, q, sentences, documents, keys, options) for p, q in zip(carriers, carriers[1:], strict=False)
    )
    support = len({source_of(versions, v) for v in carriers})
    flags = []
    if support == 1 and sources > 1:
        flags.append("single_source")
    presence = _presence_by_lineage(sentences, order, versions)
    if any(seen[-1] is False and True in seen for seen in presence):
        flags.append("dropped")
    if any(_restored(seen) for seen in presence):
        flags.append("restored")
    if any(c.kind == "substantive" for c in changes):
        flags.append("changed_fact")
    if moved:
        flags.append("moved")
    return Unit(dict(sorted(sentences.items())), carriers[0], carriers[-1], support, tuple(flags), changes)


def _change(
    p: int,
    q: int,
    sentences: UnitSentences,
    documents: Sequence[Document],
    keys: Sequence[Sequence[str]],
    options: DiffOptions,
) -> Change:
    if [keys[p][s] for s in sentences[p]] == [keys[q][s] for s in sentences[q]]:
        return Change(p, q, "unchanged")
    text_p, to_p = joined_text(documents[p], sentences[p])
    text_q, to_q = joined_text(documents[q], sentences[q])
    opened_p, opened_q = open_quote(documents[p], sentences[p][0]), open_quote(documents[q], sentences[q][0])
    c = classify(text_p, text_q, options, open_quote_a=opened_p, open_quote_b=opened_q)
    runs = tuple(make_run(r.op, r.text, to_p(r.a_start), to_p(r.a_end), to_q(r.b_start), to_q(r.b_end)) for r in c.diff)
    return Change(p, q, c.kind, c.reasons, runs if c.kind != "unchanged" else ())


def _presence_by_lineage(
    sentences: UnitSentences, order: Sequence[int], versions: Sequence[Version]
) -> list[list[bool]]:
    """For each outlet's revisions in time order, whether the unit is there."""
    lineages: dict[str | None, list[bool]] = {}
    for v in order:
        lineages.setdefault(lineage_of(versions, v), []).append(v in sentences)
    return list(lineages.values())


def _restored(seen: list[bool]) -> bool:
    """Present, then absent, then present again."""
    state = 0  # 0: not yet seen, 1: seen, 2: seen then gone
    for present in seen:
        if present and state == 2:
            return True
        if present:
            state = 1
        elif state == 1:
            state = 2
    return False


def reading_order(units: Sequence[UnitSentences], order: Sequence[int], sentence_counts: Sequence[int]) -> list[int]:
    """Units in an order every version reads as closely as possible: a topological sort of "comes after"
    within each version, earliest version first, and where moves make a cycle, the earliest unit first."""
    rank = {v: r for r, v in enumerate(order)}
    unit_of: list[list[int]] = [[-1] * n for n in sentence_counts]
    for u, unit in enumerate(units):
        for v, ss in unit.items():
            for s in ss:
                unit_of[v][s] = u
    priority = []
    for unit in units:
        v = min(unit, key=lambda w: rank[w])
        priority.append((rank[v], unit[v][0]))
    successors: list[set[int]] = [set() for _ in units]
    waiting = [0] * len(units)
    for row in unit_of:
        for x, y in zip(row, row[1:], strict=False):
            if x != y and y not in successors[x]:
                successors[x].add(y)
                waiting[y] += 1
    ready = [(priority[u], u) for u in range(len(units)) if waiting[u] == 0]
    heapq.heapify(ready)
    by_priority = sorted(range(len(units)), key=lambda u: priority[u])
    next_left = 0
    placed = [False] * len(units)
    result: list[int] = []
    while len(result) < len(units):
        if ready:
            _, u = heapq.heappop(ready)
            if placed[u]:
                continue
        else:  # a cycle (a moved sentence): take the earliest unit not yet placed
            while placed[by_priority[next_left]]:
                next_left += 1
            u = by_priority[next_left]
        placed[u] = True
        result.append(u)
        for w in successors[u]:
            waiting[w] -= 1
            if waiting[w] == 0 and not placed[w]:
                heapq.heappush(ready, (priority[w], w))
    return result
