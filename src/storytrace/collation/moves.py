"""Which units moved: a statement an outlet relocated from one of its revisions to the next.

For two consecutive revisions of one outlet, the units both carry are links between sentence positions; the links
that crossing removal takes out (as in `diff`, see `align/moves.py`) are the moved statements. Copies by other
outlets are not compared this way: a rewrite reorders freely, and "moved" would say nothing there.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from storytrace.align.moves import TieBreak, moved_edges
from storytrace.collation.units import UnitSentences
from storytrace.collation.versions import Version, lineage_of


def moved_units(
    units: Sequence[UnitSentences], order: Sequence[int], versions: Sequence[Version], keys: Sequence[Sequence[str]]
) -> set[int]:
    """Indices of the units that moved between consecutive revisions of an outlet."""
    revisions: dict[str | None, list[int]] = {}
    for v in order:
        revisions.setdefault(lineage_of(versions, v), []).append(v)
    moved: set[int] = set()
    for chain in revisions.values():
        for p, q in zip(chain, chain[1:], strict=False):
            shared = [u for u, found in enumerate(units) if p in found and q in found]
            if len(shared) < 2:
                continue
            places = [(min(units[u][p]), min(units[u][q])) for u in shared]
            moved.update(shared[k] for k in moved_edges(places, _tiebreak(shared, units, p, q, keys)))
    return moved


def _tiebreak(
    shared: Sequence[int], units: Sequence[UnitSentences], p: int, q: int, keys: Sequence[Sequence[str]]
) -> Callable[[int], TieBreak]:
    """How `moved_edges` tells apart links crossing equally many others: the units' texts in both revisions."""

    def tiebreak(k: int) -> TieBreak:
        unit = units[shared[k]]
        key_a, key_b = " ".join(keys[p][s] for s in unit[p]), " ".join(keys[q][s] for s in unit[q])
        return 1.0 if key_a == key_b else 0.5, (min(key_a, key_b), max(key_a, key_b))

    return tiebreak
