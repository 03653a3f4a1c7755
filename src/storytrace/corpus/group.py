"""Cluster a corpus into stories: families of versions and copies of one text.

Candidate pairs are documents that share an LSH band of their stored signatures; a pair is joined when the
smaller document shares enough of its shingles with the larger (estimated from the signatures), and joined
documents form stories by union-find. Nothing depends on the order documents were indexed in: bands are read
from signature values alone, pairs are judged on their own, and a story is named after the smallest id among
its documents (a digest of it, so ids look alike whatever the corpus calls its documents).
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from storytrace.corpus.hashing import stable_digest
from storytrace.corpus.index import CorpusIndex, Entry
from storytrace.corpus.options import CorpusOptions
from storytrace.corpus.shingles import as_values, containment, estimated_jaccard


@dataclass(frozen=True, slots=True)
class Membership:
    """A document's story, and how many documents that story has."""

    id: str
    story: str
    size: int

    def to_dict(self) -> dict[str, str | int]:
        return {"id": self.id, "story": self.story, "size": self.size}


def group(index: CorpusIndex, options: CorpusOptions | None = None) -> list[Membership]:
    """Every indexed document with its story id, sorted by story then id."""
    return group_entries(index.all_entries(), options or index.options)


def group_entries(entries: Iterable[Entry], options: CorpusOptions) -> list[Membership]:
    items = sorted(entries, key=lambda e: e.id)
    parent = list(range(len(items)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    values = [as_values(e.signature) for e in items]

    def joins(i: int, cluster: list[int]) -> bool:
        """Is `i` in the story of `cluster` (members already joined), once compared with its members until one is
        the same story?"""
        if find(i) != find(cluster[0]) and any(
            _same_story(items[j], items[i], values[j], values[i], options) for j in cluster
        ):
            a, b = find(i), find(cluster[0])
            parent[max(a, b)] = min(a, b)
        return find(i) == find(cluster[0])

    for bucket in _buckets(items, options):
        # The bucket's members so far, in clusters already joined: a new member is compared with a cluster's
        # members only until one joins it, so thousands of copies of one text cost one look each instead of a
        # look at every pair (minutes for a crawl with a few thousand copies of one page).
        clusters: list[list[int]] = []
        for i in bucket:
            joined = [cluster for cluster in clusters if joins(i, cluster)]
            if not joined:
                clusters.append([i])
                continue
            home = joined[0]
            for other in joined[1:]:  # i joined two clusters into one
                home.extend(other)
                other.clear()
            home.append(i)
            if len(joined) > 1:
                clusters = [c for c in clusters if c]
    members: dict[int, list[int]] = defaultdict(list)
    for i in range(len(items)):
        members[find(i)].append(i)
    found: list[Membership] = []
    for root, group_members in members.items():
        story = "s" + stable_digest(items[root].id)  # the root is the smallest id of its story
        found.extend(Membership(items[i].id, story, len(group_members)) for i in group_members)
    found.sort(key=lambda m: (m.story, m.id))
    return found


def _buckets(items: list[Entry], options: CorpusOptions) -> list[list[int]]:
    """Documents (positions in `items`, ascending) that share the values of some band, for every band."""
    width = options.rows * 4
    found: list[list[int]] = []
    for band in range(options.bands):
        table: dict[bytes, list[int]] = defaultdict(list)
        start = band * width
        for i, entry in enumerate(items):
            table[entry.signature[start : start + width]].append(i)
        found.extend(members for members in table.values() if len(members) > 1)
    return found


def _same_story(a: Entry, b: Entry, va: array[int], vb: array[int], options: CorpusOptions) -> bool:
    j = estimated_jaccard(va, vb)
    small, large = sorted((a.shingles, b.shingles))
    return j >= options.group_jaccard and containment(j, small, large) >= options.group_containment
