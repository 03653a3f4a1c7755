"""Which links are moves: the fewest links whose removal leaves the rest in the same order on both sides.

Following the NewsEdits idea, the link crossing the most others is removed first, repeatedly, until no two
links cross. Crossing counts come from a Fenwick tree. Ties are broken by the distance travelled, lower
similarity and then the texts themselves, never by which version came first, so diff(B, A) marks the same
sentences moved as diff(A, B).
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from typing import NamedTuple


class Edge(NamedTuple):
    a: int
    b: int
    score: float
    tiebreak: tuple[str, str]


def moved_edges(edges: Sequence[Edge]) -> set[int]:
    """Indices (into `edges`) of the links to mark as moved.

    Links that cannot cross each other fall into separate blocks (cut where everything before in A is also
    before in B), and each block is solved alone: a long text with many local moves stays fast.
    """
    removed: set[int] = set()
    for block in _blocks(edges):
        if len(block) > 1:
            removed.update(block[k] for k in _moved_in_block([edges[i] for i in block]))
    return removed


def _blocks(edges: Sequence[Edge]) -> list[list[int]]:
    """Groups of edge indices, in A order, such that no edge crosses an edge of another group."""
    order = sorted(range(len(edges)), key=lambda i: edges[i].a)
    suffix_min = [0] * (len(order) + 1)
    suffix_min[len(order)] = 1 << 62
    for k in range(len(order) - 1, -1, -1):
        suffix_min[k] = min(edges[order[k]].b, suffix_min[k + 1])
    blocks: list[list[int]] = []
    current: list[int] = []
    prefix_max = -1
    for k, i in enumerate(order):
        current.append(i)
        prefix_max = max(prefix_max, edges[i].b)
        if prefix_max < suffix_min[k + 1]:
            blocks.append(current)
            current = []
    return blocks


def _moved_in_block(edges: Sequence[Edge]) -> set[int]:
    n = len(edges)
    counts = _crossing_counts(edges)
    if not any(counts):
        return set()
    # Only edges that cross something can change; everything else stays in place. A heap orders them by
    # how bad they are; counts only fall, so a stale entry is recognised and pushed back with its new count.
    crossing = [i for i in range(n) if counts[i]]
    heap = [_priority(edges, counts, i) for i in crossing]
    heapq.heapify(heap)
    alive = set(crossing)
    removed: set[int] = set()
    while heap:
        entry = heapq.heappop(heap)
        i = entry[-1]
        if i not in alive or not counts[i]:
            continue
        if -entry[0] != counts[i]:
            heapq.heappush(heap, _priority(edges, counts, i))
            continue
        removed.add(i)
        alive.discard(i)
        ei = edges[i]
        for j in alive:
            ej = edges[j]
            if (ej.a - ei.a) * (ej.b - ei.b) < 0:
                counts[j] -= 1
        alive = {j for j in alive if counts[j]}
    return removed


def _priority(edges: Sequence[Edge], counts: list[int], i: int) -> tuple[int, int, float, tuple[str, str], int]:
    """Heap key: most crossings first; then the link that travelled furthest (the one that moved); then the
    least similar; then the texts, so that the order of the versions never decides."""
    e = edges[i]
    return (-counts[i], -abs(e.a - e.b), e.score, e.tiebreak, i)


def _crossing_counts(edges: Sequence[Edge]) -> list[int]:
    """For each edge, how many others it crosses (a before, b after, or the reverse)."""
    n = len(edges)
    order = sorted(range(n), key=lambda i: edges[i].a)
    b_rank = {b: r for r, b in enumerate(sorted(e.b for e in edges))}
    counts = [0] * n
    tree = [0] * (n + 1)
    # Left to right: edges earlier in A with a later position in B.
    for seen, i in enumerate(order):
        r = b_rank[edges[i].b] + 1
        counts[i] += seen - _prefix(tree, r)
        _add(tree, r, n)
    tree = [0] * (n + 1)
    # Right to left: edges later in A with an earlier position in B.
    for i in reversed(order):
        r = b_rank[edges[i].b] + 1
        counts[i] += _prefix(tree, r - 1)
        _add(tree, r, n)
    return counts


def _prefix(tree: list[int], r: int) -> int:
    total = 0
    while r > 0:
        total += tree[r]
        r -= r & -r
    return total


def _add(tree: list[int], r: int, n: int) -> None:
    while r <= n:
        tree[r] += 1
        r += r & -r
