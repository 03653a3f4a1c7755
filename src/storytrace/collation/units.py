"""Group the sentences of many versions into units: one per statement, followed across every version.

1. Every pair of versions gets a similarity: shared sentences first, shared words to break ties.
2. A maximum spanning tree over those similarities picks the n - 1 pairs to align, most alike first, and the
   pairwise aligner links their sentences.
3. Linked sentences join one unit (union-find). As the aligned pairs form a tree, a unit holds more than one
   sentence of a version only where that version split or merged the statement.
4. A statement removed and later restored is missing from the versions in between, so the tree cannot join its
   two lives. Units that share no version and were never aligned against each other merge when their
   sentences are alike.
Ties are broken by content (a digest of each version), never by input position: the units do not depend on
the order in which the versions are given.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from storytrace.align.features import SentenceFeatures, SentenceTable, joined
from storytrace.align.pairwise import align
from storytrace.align.similarity import similarity
from storytrace.options import DiffOptions
from storytrace.text.normalise import words

UnitSentences = dict[int, tuple[int, ...]]  # version index -> sentence indices, in reading order


@dataclass(frozen=True, slots=True)
class Tree:
    """The pairs of versions that were aligned directly."""

    edges: tuple[tuple[int, int], ...]
    # Each version's neighbours in the tree, made from `edges`: looked up per version, not per edge (with hundreds
    # of versions, scanning every edge for each candidate pair of units made `_merge_restored` cubic).
    neighbours: dict[int, frozenset[int]] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        near: dict[int, set[int]] = {}
        for x, y in self.edges:
            near.setdefault(x, set()).add(y)
            near.setdefault(y, set()).add(x)
        object.__setattr__(self, "neighbours", {v: frozenset(ws) for v, ws in near.items()})

    def touches(self, left: set[int], right: set[int]) -> bool:
        """Whether an aligned pair joins a version of `left` to one of `right`."""
        if len(left) > len(right):
            left, right = right, left
        return any(not self.neighbours.get(v, frozenset()).isdisjoint(right) for v in left)


def find_units(
    tables: Sequence[SentenceTable], identities: Sequence[str], options: DiffOptions
) -> tuple[list[UnitSentences], Tree]:
    """Every sentence of every version in exactly one unit; units ordered by their smallest member."""
    tree = spanning_tree(tables, identities)
    offsets = [0]
    for table in tables:
        offsets.append(offsets[-1] + len(table))
    parent = list(range(offsets[-1]))

    def find(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    def union(x: int, y: int) -> None:
        rx, ry = find(x), find(y)
        if rx != ry:
            parent[max(rx, ry)] = min(rx, ry)

    for x, y in tree.edges:
        for p in align(tables[x], tables[y], options):
            if p.a and p.b:
                first = offsets[x] + p.a[0]
                for i in p.a:
                    union(first, offsets[x] + i)
                for j in p.b:
                    union(first, offsets[y] + j)

    members: dict[int, UnitSentences] = {}
    for v, table in enumerate(tables):
        for s in range(len(table)):
            unit = members.setdefault(find(offsets[v] + s), {})
            unit[v] = (*unit.get(v, ()), s)
    units = list(members.values())
    units = _merge_restored(units, tables, identities, tree, options)
    return units, tree


def spanning_tree(tables: Sequence[SentenceTable], identities: Sequence[str]) -> Tree:
    """Kruskal's maximum spanning tree over version similarity (shared sentences; among equals, shared words;
    then the smaller pair of digests)."""
    n = len(tables)
    key_sets = [frozenset(t.keys) for t in tables]
    by_sentences: dict[float, list[tuple[int, int]]] = {}
    for x in range(n):
        for y in range(x + 1, n):
            by_sentences.setdefault(_dice(key_sets[x], key_sets[y]), []).append((x, y))
    word_sets: dict[int, frozenset[str]] = {}

    def word_set(v: int) -> frozenset[str]:
        if v not in word_sets:
            word_sets[v] = frozenset(words(" ".join(tables[v].keys)))
        return word_sets[v]

    def tie_break(pair: tuple[int, int]) -> tuple[float, list[str]]:
        x, y = pair
        return -_dice(word_set(x), word_set(y)), sorted((identities[x], identities[y]))

    root = list(range(n))

    def find(v: int) -> int:
        while root[v] != v:
            root[v] = root[root[v]]
            v = root[v]
        return v

    edges: list[tuple[int, int]] = []
    for score in sorted(by_sentences, reverse=True):
        pairs = by_sentences[score]
        pairs = [p for p in pairs if find(p[0]) != find(p[1])]
        for x, y in sorted(pairs, key=tie_break) if len(pairs) > 1 else pairs:
            rx, ry = find(x), find(y)
            if rx != ry:
                root[rx] = ry
                edges.append((x, y))
        if len(edges) == n - 1:
            break
    return Tree(tuple(edges))


def _dice(x: frozenset[str], y: frozenset[str]) -> float:
    if not x and not y:
        return 0.0
    return 2 * len(x & y) / (len(x) + len(y))


def _merge_restored(
    units: list[UnitSentences],
    tables: Sequence[SentenceTable],
    identities: Sequence[str],
    tree: Tree,
    options: DiffOptions,
) -> list[UnitSentences]:
    """Join units that share no version and were never aligned against each other, if their text is alike."""
    texts = [_unit_features(u, tables) for u in units]
    by_word: dict[str, list[int]] = {}
    for k, features in enumerate(texts):
        for word in set().union(*(f.content for f in features)):
            by_word.setdefault(word, []).append(k)
    for word in [w for w, holders in by_word.items() if len(holders) > 200]:
        del by_word[word]  # a word in most units says nothing about which two belong together
    order_key = [min((identities[v], s) for v, ss in u.items() for s in ss) for u in units]
    # Two shared content words are asked for, or one when a unit's sentence has only one ("She resigned.").
    fewest = [min(len(f.content) for f in features) for features in texts]
    unit_versions = [set(u) for u in units]
    candidates = []
    for x, features in enumerate(texts):
        # The words x shares with each later unit, counted one unit at a time: a table of every pair of units
        # sharing a word held hundreds of megabytes for a few hundred unrelated versions.
        shared: Counter[int] = Counter()
        for word in set().union(*(f.content for f in features)):
            holders = by_word.get(word, ())
            shared.update(holders[bisect_right(holders, x) :])
        for y, count in shared.items():
            if count < min(2, fewest[x], fewest[y]) or not unit_versions[x].isdisjoint(unit_versions[y]):
                continue
            if tree.touches(unit_versions[x], unit_versions[y]):
                continue
            score = max(similarity(f, g) for f in features for g in texts[y])
            if score >= options.move_threshold:
                candidates.append((-score, min(order_key[x], order_key[y]), max(order_key[x], order_key[y]), x, y))
    if not candidates:
        return units
    candidates.sort()
    home = list(range(len(units)))

    def find(k: int) -> int:
        while home[k] != k:
            k = home[k]
        return k

    versions = [set(u) for u in units]
    for *_, x, y in candidates:
        rx, ry = find(x), find(y)
        if rx == ry or versions[rx] & versions[ry] or tree.touches(versions[rx], versions[ry]):
            continue
        home[ry] = rx
        versions[rx] |= versions[ry]
    merged: dict[int, UnitSentences] = {}
    for k, unit in enumerate(units):
        merged.setdefault(find(k), {}).update(unit)
    return list(merged.values())


def _unit_features(unit: UnitSentences, tables: Sequence[SentenceTable]) -> list[SentenceFeatures]:
    """The unit's distinct wordings (most carriers repeat one text)."""
    seen: dict[str, SentenceFeatures] = {}
    for v, sentences in unit.items():
        table = tables[v]
        key = " ".join(table.keys[s] for s in sentences)
        if key not in seen:
            parts = [table.features(s) for s in sentences]
            seen[key] = parts[0] if len(parts) == 1 else joined(parts)
    return list(seen.values())
