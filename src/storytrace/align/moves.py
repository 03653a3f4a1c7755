"""Which links are moves: the fewest links whose removal leaves the rest in the same order on both sides.

Following the NewsEdits idea, the link crossing the most others is removed first, repeatedly, until no two
links cross. Crossing counts come from a Fenwick tree. Ties are broken by the distance travelled, lower
similarity and then the texts themselves, never by which version came first, so diff(B, A) marks the same
sentences moved as diff(A, B).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple


class Edge(NamedTuple):
    a: int
    b: int
    score: float
    tiebreak: tuple[str, str]


def moved_edges(edges: Sequence[Edge]) -> set[int]:
    """Indices (into `edges`) of the links to mark as moved."""
    n = len(edges)
    if n < 2:
        return set()
    counts = _crossing_counts(edges)
    if not any(counts):
        return set()
    # Only edges that cross something can change; everything else stays in place.
    crossing = [i for i in range(n) if counts[i]]
    removed: set[int] = set()
    while crossing:
        best = crossing[0]
        for i in crossing:
            if _worse(edges, counts, i, best):
                best = i
        removed.add(best)
        eb = edges[best]
        for j in crossing:
            ej = edges[j]
            if (ej.a - eb.a) * (ej.b - eb.b) < 0:
                counts[j] -= 1
        crossing = [i for i in crossing if counts[i] and i != best]
    return removed


def _worse(edges: Sequence[Edge], counts: list[int], i: int, j: int) -> bool:
    """Should edge i be removed before edge j?"""
    if counts[i] != counts[j]:
        return counts[i] > counts[j]
    # Of two links that cross equally often, the one that travelled further is the one that moved.
    shift_i, shift_j = abs(edges[i].a - edges[i].b), abs(edges[j].a - edges[j].b)
    if shift_i != shift_j:
        return shift_i > shift_j
    if edges[i].score != edges[j].score:
        return edges[i].score < edges[j].score
    return edges[i].tiebreak < edges[j].tiebreak


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
