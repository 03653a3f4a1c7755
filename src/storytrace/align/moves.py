"""Which links are moves: the fewest links whose removal leaves the rest in the same order on both sides.

Following the NewsEdits idea, the link crossing the most others is removed first, repeatedly, until no two
links cross. Crossing counts come from a Fenwick tree. Ties are broken by the distance travelled, lower
similarity and then the texts themselves, never by which version came first, so diff(B, A) marks the same
sentences moved as diff(A, B).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Sequence
from typing import Final

from storytrace import CORE
from storytrace._compiled import c_module

# Where a link lies: (its first sentence in A, its first sentence in B).
Place = tuple[int, int]
# What breaks a tie between links crossing equally many others: (similarity, the two texts in sorted order).
TieBreak = tuple[float, tuple[str, str]]
# The move finder for a diff's links in C (align/_moves.c, built with the core); None: the Python below does it.
MOVES_IN_C: Final = c_module("align/_moves", CORE)


def moved_links(
    a: list[int], b: list[int], scores: list[float], keys_a: list[str], keys_b: list[str]
) -> set[int]:
    """`moved_edges` for links between two versions: link k joins sentence a[k] of A and b[k] of B with score
    scores[k]; ties are broken by the two sentences' keys. Every link has its own sentences in A and in B."""
    if MOVES_IN_C is not None:
        found: set[int] = MOVES_IN_C.moved(a, b, scores, keys_a, keys_b)
        return found
    return python_moved_links(a, b, scores, keys_a, keys_b)


def python_moved_links(
    a: list[int], b: list[int], scores: list[float], keys_a: list[str], keys_b: list[str]
) -> set[int]:
    """`moved_links` in Python: the reference the C helper is held to, and what runs without it."""

    def tiebreak(k: int) -> TieBreak:
        key_a, key_b = keys_a[a[k]], keys_b[b[k]]
        return scores[k], (min(key_a, key_b), max(key_a, key_b))

    return moved_edges(list(zip(a, b, strict=True)), tiebreak)


def moved_edges(places: Sequence[Place], tiebreak: Callable[[int], TieBreak]) -> set[int]:
    """Indices (into `places`) of the links to mark as moved.

    Links that cannot cross each other fall into separate blocks (cut where everything before in A is also
    before in B), and each block is solved alone: a long text with many local moves stays fast. `tiebreak(i)`
    is asked only for links that cross another, so most links never build their texts' sort key.
    """
    removed: set[int] = set()
    for block in _blocks(places):
        if len(block) > 1:
            removed.update(_moved_in_block(block, places, tiebreak))
    return removed


def _blocks(places: Sequence[Place]) -> list[list[int]]:
    """Groups of link indices, in A order, such that no link crosses a link of another group."""
    order = sorted(range(len(places)), key=lambda i: places[i][0])
    suffix_min = [0] * (len(order) + 1)
    suffix_min[len(order)] = 1 << 62
    for k in range(len(order) - 1, -1, -1):
        suffix_min[k] = min(places[order[k]][1], suffix_min[k + 1])
    blocks: list[list[int]] = []
    current: list[int] = []
    prefix_max = -1
    for k, i in enumerate(order):
        current.append(i)
        prefix_max = max(prefix_max, places[i][1])
        if prefix_max < suffix_min[k + 1]:
            blocks.append(current)
            current = []
    return blocks


def _moved_in_block(block: list[int], places: Sequence[Place], tiebreak: Callable[[int], TieBreak]) -> set[int]:
    """The links of one block to remove (as indices into `places`); `block` lists them in A order."""
    local = [places[i] for i in block]
    counts = _crossing_counts(local)
    # Only links that cross something can change; everything else stays in place. A heap orders them by
    # how bad they are; counts only fall, so a stale entry is recognised and pushed back with its new count.
    crossing = [k for k, count in enumerate(counts) if count]
    if not crossing:
        return set()
    ties = {k: tiebreak(block[k]) for k in crossing}
    heap = [_priority(local[k], counts[k], ties[k], k) for k in crossing]
    heapq.heapify(heap)
    alive = set(crossing)
    removed: set[int] = set()
    while heap:
        entry = heapq.heappop(heap)
        k = entry[-1]
        if k not in alive:
            continue
        if -entry[0] != counts[k]:
            heapq.heappush(heap, _priority(local[k], counts[k], ties[k], k))
            continue
        removed.add(block[k])
        alive.discard(k)
        a, b = local[k]
        uncrossed: list[int] = []
        for j in alive:
            place = local[j]
            if (place[0] - a) * (place[1] - b) < 0:
                counts[j] -= 1
                if not counts[j]:
                    uncrossed.append(j)
        alive.difference_update(uncrossed)
    return removed


def _priority(place: Place, count: int, tie: TieBreak, i: int) -> tuple[int, int, float, tuple[str, str], int]:
    """Heap key: most crossings first; then the link that travelled furthest (the one that moved); then the
    least similar; then the texts, so that the order of the versions never decides."""
    return (-count, -abs(place[0] - place[1]), tie[0], tie[1], i)


def _crossing_counts(places: Sequence[Place]) -> list[int]:
    """For each link, how many others it crosses (a before, b after, or the reverse)."""
    n = len(places)
    order = sorted(range(n), key=lambda i: places[i][0])
    b_rank = {b: r for r, b in enumerate(sorted(p[1] for p in places))}
    counts = [0] * n
    tree = [0] * (n + 1)
    # Left to right: links earlier in A with a later position in B.
    for seen, i in enumerate(order):
        r = b_rank[places[i][1]] + 1
        counts[i] += seen - _prefix(tree, r)
        _add(tree, r, n)
    tree = [0] * (n + 1)
    # Right to left: links later in A with an earlier position in B.
    for i in reversed(order):
        r = b_rank[places[i][1]] + 1
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
