"""Align the sentences of two versions: every sentence ends up in exactly one link.

1. Anchors: sentences whose comparison keys are equal (most sentences of a revision) link first; repeated
   sentences pair in order of occurrence.
2. Moves among the anchors are found by crossing removal (`moves.py`); the rest form a monotone chain.
3. Between two consecutive anchors of the chain, the unlinked sentences are aligned by a monotone dynamic
   programme over fuzzy similarity that allows 1:1 links, splits (1:2) and merges (2:1).
4. Sentences still unlinked are matched across the whole text if they are very alike: moved, edited sentences.
5. Moves are decided once more over all links; what remains unlinked is added or deleted.
Nothing here depends on which version comes first: scores are symmetric and ties are broken by text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from storytrace import CORE
from storytrace._compiled import c_module
from storytrace.align.features import SentenceFeatures, SentenceTable, joined
from storytrace.align.moves import moved_links
from storytrace.align.similarity import containment, similarity
from storytrace.options import DiffOptions
from storytrace.values import Value

_MATCH, _SPLIT, _MERGE, _DELETE, _ADD = range(5)
# The gap alignment's scores and dynamic programme in C (align/_scores.c, built with the core like text/_words.c,
# which makes the profiles it reads); None: the Python below does it.
SCORES_IN_C: Final = c_module("align/_scores", CORE)
# (Bound once: a call through the module object looks its name up each time, ~200 instructions.)
_GAP_LINKS_IN_C: Final[Any] = None if SCORES_IN_C is None else SCORES_IN_C.gap_links
_SHARES_CONTENT_IN_C: Final[Any] = None if SCORES_IN_C is None else SCORES_IN_C.shares_content
# A candidate far link: (minus its score, a tie-break by text, A sentences, B sentences).
_Candidate = tuple[float, tuple[str, str], tuple[int, ...], tuple[int, ...]]


class Pairing(Value):
    """A link between sentences of A and of B (either side may be empty), before classification.

    A `Value`, not a frozen dataclass: a diff makes one per sentence (see storytrace.values)."""

    __slots__ = ("a", "b", "score", "moved")

    def __init__(self, a: tuple[int, ...], b: tuple[int, ...], score: float, moved: bool = False) -> None:
        self.a: Final = a
        self.b: Final = b
        self.score: Final = score
        self.moved: Final = moved

    def _fields(self) -> tuple[Any, ...]:
        return (self.a, self.b, self.score, self.moved)


def align(fa: SentenceTable, fb: SentenceTable, options: DiffOptions, unlinked: bool = True) -> list[Pairing]:
    """Link every sentence of A and B; the result is sorted by A position, then B position. With `unlinked`
    False, only the links that join sentences of both (a short source aligned with a long text: most of the
    text is in none)."""
    if fa.keys == fb.keys:
        return [Pairing((i,), (i,), 1.0) for i in range(len(fa))]
    anchors = _exact_anchors(fa.keys, fb.keys)
    moved_anchors = {anchors[k].a[0] for k in _moves(anchors, fa, fb)}
    # An anchor that looked in place may turn out to be the moved one once the edited sentences around it
    # are linked (a sentence moved to the top above edited ones); then align once more without it.
    for _ in range(2):
        links = anchors + _fuzzy_links(anchors, moved_anchors, fa, fb, options)
        moved = _moves(links, fa, fb)
        newly_moved = {links[k].a[0] for k in moved if k < len(anchors)} - moved_anchors
        if not newly_moved:
            break
        moved_anchors |= newly_moved
    for k in moved:  # (a handful: only those links are made again)
        p = links[k]
        links[k] = Pairing(p.a, p.b, p.score, True)
    # In A order, each link at its first A sentence (each A sentence is in one link at most, so no two links
    # share a first one) and each A sentence in none deleted there; then the B sentences in none, in B order.
    # (Placed, not sorted: a sort calls a key function per link.)
    used_a, used_b = [False] * len(fa), [False] * len(fb)
    at_first_a: list[Pairing | None] = [None] * len(fa)
    for p in links:
        at_first_a[p.a[0]] = p
    _mark_used(links, used_a, used_b)
    ordered: list[Pairing] = []
    for i, found in enumerate(at_first_a):
        if found is not None:
            ordered.append(found)
        elif unlinked and not used_a[i]:
            ordered.append(Pairing((i,), (), 0.0))
    if unlinked:
        ordered.extend(Pairing((), (j,), 0.0) for j in range(len(fb)) if not used_b[j])
    return ordered


def _mark_used(links: list[Pairing], used_a: list[bool], used_b: list[bool]) -> None:
    """Flag the sentences of A and of B that `links` hold (flags in lists, not sets of int: no int made per look-up)."""
    for p in links:
        for i in p.a:
            used_a[i] = True
        for j in p.b:
            used_b[j] = True


def _fuzzy_links(
    anchors: list[Pairing], moved_anchors: set[int], fa: SentenceTable, fb: SentenceTable, options: DiffOptions
) -> list[Pairing]:
    """Links for the sentences the anchors leave: in the gaps of the anchor chain, then anywhere."""
    chain = [p for p in anchors if p.a[0] not in moved_anchors]
    used_a, used_b = [False] * len(fa), [False] * len(fb)
    _mark_used(anchors, used_a, used_b)
    found: list[Pairing] = []
    previous_a, previous_b = -1, -1
    for a_end, b_end in [(p.a[0], p.b[0]) for p in chain] + [(len(fa), len(fb))]:
        if a_end > previous_a + 1 and b_end > previous_b + 1:  # (most anchors follow the one before on a side)
            gap_a = [i for i in range(previous_a + 1, a_end) if not used_a[i]]
            gap_b = [j for j in range(previous_b + 1, b_end) if not used_b[j]]
            if gap_a and gap_b:
                found.extend(_align_gap(gap_a, gap_b, fa, fb, options))
        previous_a, previous_b = a_end, b_end
    _mark_used(found, used_a, used_b)
    left_a = [i for i in range(len(fa)) if not used_a[i]]
    if left_a:  # (B's leftovers are most of a long text that a short source is aligned with)
        found.extend(_match_far(left_a, [j for j in range(len(fb)) if not used_b[j]], fa, fb, options))
    return found


def _exact_anchors(keys_a: list[str], keys_b: list[str]) -> list[Pairing]:
    """Equal keys link, in A order. A key repeated on either side pairs its occurrences in reading order where it
    can (the pairs that the longest common subsequences of the two key sequences found from either side share), so
    that a text which repeats a sentence and edits some of its occurrences is not read as every later occurrence
    moved; what is left pairs k-th with k-th."""
    if SCORES_IN_C is not None:
        in_a, in_b = SCORES_IN_C.equal_keys(keys_a, keys_b, MOST_ORDERED_EDITS)
        return [Pairing((i,), (j,), 1.0) for i, j in zip(in_a, in_b, strict=True)]
    return python_exact_anchors(keys_a, keys_b)


# The most insertions and deletions between the two key sequences for which repeated keys are paired in order
# (Myers' method takes time N x D and keeps about D x D numbers); past it they pair k-th with k-th.
MOST_ORDERED_EDITS: Final = 2000


def python_exact_anchors(keys_a: Sequence[str], keys_b: Sequence[str]) -> list[Pairing]:
    """`_exact_anchors` in Python: the reference the C helper's `equal_keys` is held to."""
    ids: dict[str, int] = {}
    for key in keys_b:
        ids.setdefault(key, len(ids))
    of_a = [ids.get(key, -1) for key in keys_a]
    of_b = [ids[key] for key in keys_b]
    in_a = [0] * len(ids)
    in_b = [0] * len(ids)
    for x in of_a:
        if x >= 0:
            in_a[x] += 1
    for x in of_b:
        in_b[x] += 1
    partner = [-1] * len(keys_a)
    if any(in_a[x] > 1 or in_b[x] > 1 for x in range(len(ids)) if in_a[x]):
        common_a = [i for i, x in enumerate(of_a) if x >= 0]
        common_b = [j for j, x in enumerate(of_b) if in_a[x]]
        ids_a, ids_b = [of_a[i] for i in common_a], [of_b[j] for j in common_b]
        # A longest common subsequence is seldom the only one: keep the pairs that the one found from A's side and
        # the one found from B's side share, so that diff(B, A) mirrors diff(A, B).
        forward = longest_common_pairs(ids_a, ids_b, MOST_ORDERED_EDITS)
        backward = longest_common_pairs(ids_b, ids_a, MOST_ORDERED_EDITS)
        for p, q in sorted(set(forward or ()) & {(p, q) for q, p in backward or ()}):
            partner[common_a[p]] = common_b[q]
    taken = set(partner)
    free_b: list[list[int]] = [[] for _ in ids]
    for j in reversed(range(len(keys_b))):
        if j not in taken:
            free_b[of_b[j]].append(j)
    for i, x in enumerate(of_a):
        if partner[i] < 0 and x >= 0 and free_b[x]:
            partner[i] = free_b[x].pop()
    return [Pairing((i,), (j,), 1.0) for i, j in enumerate(partner) if j >= 0]


def longest_common_pairs(x: list[int], y: list[int], most_edits: int) -> list[tuple[int, int]] | None:
    """The position pairs of a longest common subsequence of x and y, by Myers' O(ND) method (the C helper runs
    the same steps, so both choose the same one); None if more than `most_edits` insertions and deletions."""
    n, m = len(x), len(y)
    v = {1: 0}
    trace: list[list[int]] = []  # v before each step d, on the diagonals -d - 1 to d + 1 (what walking back reads)
    for d in range(most_edits + 1):
        trace.append([v.get(k, 0) for k in range(-d - 1, d + 2)])
        for k in range(-d, d + 1, 2):
            at = v[k + 1] if k == -d or (k != d and v[k - 1] < v[k + 1]) else v[k - 1] + 1
            while at < n and at - k < m and x[at] == y[at - k]:
                at += 1
            v[k] = at
            if at >= n and at - k >= m:
                return _traced_back(trace, d, n, m)
    return None


def _traced_back(trace: list[list[int]], edits: int, n: int, m: int) -> list[tuple[int, int]]:
    """The diagonal moves of the path that `longest_common_pairs` found, from its end back to its start."""
    pairs: list[tuple[int, int]] = []
    at_x, at_y = n, m
    for d in range(edits, 0, -1):
        v, k = trace[d], at_x - at_y  # (v[k + d + 1] holds diagonal k)
        down = k == -d or (k != d and v[k + d] < v[k + d + 2])
        before = k + 1 if down else k - 1
        from_x = v[before + d + 1]
        start = from_x if down else from_x + 1
        while at_x > start:
            at_x, at_y = at_x - 1, at_y - 1
            pairs.append((at_x, at_y))
        at_x, at_y = from_x, from_x - before
    while at_x > 0:
        at_x, at_y = at_x - 1, at_y - 1
        pairs.append((at_x, at_y))
    pairs.reverse()
    return pairs


def _moves(links: list[Pairing], fa: SentenceTable, fb: SentenceTable) -> set[int]:
    """Indices of the links that moved (ties broken by the texts of their first sentences)."""
    return moved_links(
        [p.a[0] for p in links], [p.b[0] for p in links], [p.score for p in links], fa.keys, fb.keys
    )


def _align_gap(
    gap_a: list[int],
    gap_b: list[int],
    fa: SentenceTable,
    fb: SentenceTable,
    options: DiffOptions,
) -> list[Pairing]:
    """Best monotone set of 1:1, 1:2 and 2:1 links between two runs of unlinked sentences."""
    if len(gap_a) * len(gap_b) > options.max_gap_cells:
        return []
    found = c_gap_links(gap_a, gap_b, fa, fb, options)
    return found if found is not None else python_align_gap(gap_a, gap_b, fa, fb, options)


def c_gap_links(
    gap_a: list[int], gap_b: list[int], fa: SentenceTable, fb: SentenceTable, options: DiffOptions
) -> list[Pairing] | None:
    """`python_align_gap`'s links worked out by the C helper from the sentences' profiles; None where it leaves them
    to the Python (not built, or two sentences too long to score in C)."""
    if _GAP_LINKS_IN_C is None:
        return None
    found: list[tuple[tuple[int, ...], tuple[int, ...], float]] | None = _GAP_LINKS_IN_C(
        gap_a,
        gap_b,
        [fa.profile(i) for i in gap_a],
        [fb.profile(j) for j in gap_b],
        [fa.keys[i] for i in gap_a],
        [fb.keys[j] for j in gap_b],
        [fa.paragraphs[i] for i in gap_a],
        [fb.paragraphs[j] for j in gap_b],
        options.link_threshold,
        options.link_base,
        options.split_containment,
    )
    return None if found is None else [Pairing(a, b, score) for a, b, score in found]


def python_align_gap(
    gap_a: list[int],
    gap_b: list[int],
    fa: SentenceTable,
    fb: SentenceTable,
    options: DiffOptions,
) -> list[Pairing]:
    """`_align_gap` in Python: the reference the C helper is held to, and what runs without it."""
    n, m = len(gap_a), len(gap_b)
    sa = [fa.features(i) for i in gap_a]
    sb = [fb.features(j) for j in gap_b]
    sim = [[similarity(x, y) for y in sb] for x in sa]
    threshold, base = options.link_threshold, options.link_base
    score = [[0.0] * (m + 1) for _ in range(n + 1)]
    step = [[_DELETE] * (m + 1) for _ in range(n + 1)]
    link_score: dict[tuple[int, int, int], float] = {}
    for j in range(1, m + 1):
        step[0][j] = _ADD
    for i in range(1, n + 1):
        row, above = score[i], score[i - 1]
        for j in range(1, m + 1):
            best, how = above[j], _DELETE
            if row[j - 1] > best:
                best, how = row[j - 1], _ADD
            s = sim[i - 1][j - 1]
            if s >= threshold and above[j - 1] + 2 * (s - base) >= best:
                best, how = above[j - 1] + 2 * (s - base), _MATCH
            split_ok = j >= 2 and fb.same_paragraph(gap_b[j - 2], gap_b[j - 1])
            if split_ok and (sim[i - 1][j - 2] > 0 or sim[i - 1][j - 1] > 0):
                s2 = _split_score(sa[i - 1], sb[j - 2], sb[j - 1], options)
                if s2 >= threshold and above[j - 2] + 3 * (s2 - base) > best:
                    best, how = above[j - 2] + 3 * (s2 - base), _SPLIT
                    link_score[(i, j, _SPLIT)] = s2
            merge_ok = i >= 2 and fa.same_paragraph(gap_a[i - 2], gap_a[i - 1])
            if merge_ok and (sim[i - 2][j - 1] > 0 or sim[i - 1][j - 1] > 0):
                s2 = _split_score(sb[j - 1], sa[i - 2], sa[i - 1], options)
                if s2 >= threshold and score[i - 2][j - 1] + 3 * (s2 - base) > best:
                    best, how = score[i - 2][j - 1] + 3 * (s2 - base), _MERGE
                    link_score[(i, j, _MERGE)] = s2
            row[j] = best
            step[i][j] = how
    return _trace_back(step, sim, link_score, gap_a, gap_b)


def _split_score(
    whole: SentenceFeatures, first: SentenceFeatures, second: SentenceFeatures, options: DiffOptions
) -> float:
    """Similarity of one sentence to two read together, if both can be pieces of it; else 0.

    Each piece must also bring to the whole a content word the other piece lacks: an edited sentence next to a
    deleted one that only repeats its words ("The warehouse was near the harbour.") is not a merge of the two.
    Unless the pieces are the whole's words exactly, cut by punctuation alone ("..., nor is the manager." and
    "... . Nor is the manager."): then nothing but the punctuation changed."""
    if first.words + second.words == whole.words:
        return similarity(whole, joined([first, second]))
    least = options.split_containment
    if containment(first, whole) < least or containment(second, whole) < least:
        return 0.0
    if not (_brings(first, second, whole) and _brings(second, first, whole)):
        return 0.0
    return similarity(whole, joined([first, second]))


def _brings(piece: SentenceFeatures, other: SentenceFeatures, whole: SentenceFeatures) -> bool:
    """Does `piece` give `whole` a content word that `other` does not have (or has it no content words)?"""
    return not piece.content or not (piece.content - other.content).isdisjoint(whole.content)


def _trace_back(
    step: list[list[int]],
    sim: list[list[float]],
    link_score: dict[tuple[int, int, int], float],
    gap_a: list[int],
    gap_b: list[int],
) -> list[Pairing]:
    found: list[Pairing] = []
    i, j = len(gap_a), len(gap_b)
    while i > 0 or j > 0:
        how = step[i][j]
        if how == _MATCH:
            found.append(Pairing((gap_a[i - 1],), (gap_b[j - 1],), sim[i - 1][j - 1]))
            i, j = i - 1, j - 1
        elif how == _SPLIT:
            found.append(Pairing((gap_a[i - 1],), (gap_b[j - 2], gap_b[j - 1]), link_score[(i, j, _SPLIT)]))
            i, j = i - 1, j - 2
        elif how == _MERGE:
            found.append(Pairing((gap_a[i - 2], gap_a[i - 1]), (gap_b[j - 1],), link_score[(i, j, _MERGE)]))
            i, j = i - 2, j - 1
        elif how == _DELETE:
            i -= 1
        else:
            j -= 1
    found.reverse()
    return found


def _match_far(
    left_a: list[int],
    left_b: list[int],
    fa: SentenceTable,
    fb: SentenceTable,
    options: DiffOptions,
) -> list[Pairing]:
    """Greedy best-first links between leftovers anywhere in the text: moved sentences that were also edited,
    split or merged."""
    if not left_a or not left_b or len(left_a) * len(left_b) > options.max_move_cells:
        return []
    candidates: list[_Candidate] = []
    for i in left_a:
        for j in left_b:
            s = _far_similarity(fa, i, fb, j)
            if s is not None and s >= options.move_threshold:
                key_a, key_b = fa.keys[i], fb.keys[j]
                candidates.append((-s, (min(key_a, key_b), max(key_a, key_b)), (i,), (j,)))
    candidates += _far_pieces(left_a, left_b, fa, fb, options, merge=True)
    candidates += _far_pieces(left_b, left_a, fb, fa, options, merge=False)
    candidates.sort(key=lambda c: (c[0], c[1]))
    taken_a: set[int] = set()
    taken_b: set[int] = set()
    found: list[Pairing] = []
    for negative, _, a, b in candidates:
        if taken_a.isdisjoint(a) and taken_b.isdisjoint(b):
            taken_a.update(a)
            taken_b.update(b)
            found.append(Pairing(a, b, -negative))
    free_a = set(left_a) - taken_a
    free_b = set(left_b) - taken_b
    return [_widened(p, free_a, free_b, fa, fb, options) if len(p.a) == len(p.b) == 1 else p for p in found]


def _far_similarity(fa: SentenceTable, i: int, fb: SentenceTable, j: int) -> float | None:
    """The similarity of two leftovers that share a content word (None if they share none): on their profiles in
    C when it is built, else (or for two very long sentences) on their features."""
    if SCORES_IN_C is not None:
        profile_a, profile_b = fa.profile(i), fb.profile(j)
        if not _SHARES_CONTENT_IN_C(profile_a, profile_b):
            return None
        scored: float | None = SCORES_IN_C.similarity(profile_a, profile_b, fa.keys[i], fb.keys[j])
        if scored is not None:
            return scored
    x, y = fa.features(i), fb.features(j)
    return similarity(x, y) if x.content & y.content else None


def _shares_content(fa: SentenceTable, i: int, fb: SentenceTable, j: int) -> bool:
    if SCORES_IN_C is not None:
        shared: bool = _SHARES_CONTENT_IN_C(fa.profile(i), fb.profile(j))
        return shared
    return not fa.features(i).content.isdisjoint(fb.features(j).content)


def _pieces_score(
    fw: SentenceTable, whole: int, fp: SentenceTable, first: int, second: int, options: DiffOptions
) -> float:
    """`_split_score` of a whole and two pieces, on their profiles in C when it is built."""
    if SCORES_IN_C is not None:
        scored: float | None = SCORES_IN_C.split_score(
            fw.profile(whole), fp.profile(first), fp.profile(second), fw.keys[whole], fp.keys[first],
            fp.keys[second], options.split_containment,
        )
        if scored is not None:
            return scored
    return _split_score(fw.features(whole), fp.features(first), fp.features(second), options)


def _far_pieces(
    parts_side: list[int],
    whole_side: list[int],
    fp: SentenceTable,
    fw: SentenceTable,
    options: DiffOptions,
    *,
    merge: bool,
) -> list[_Candidate]:
    """Two neighbouring leftovers of one side (same paragraph) that together match one leftover of the other
    side: a merge when the pieces are in A, a split when they are in B. Scored as in the gap alignment."""
    present = set(parts_side)
    found: list[_Candidate] = []
    for k in parts_side:
        if k + 1 not in present or not fp.same_paragraph(k, k + 1):
            continue
        for w in whole_side:
            if not (_shares_content(fp, k, fw, w) and _shares_content(fp, k + 1, fw, w)):
                continue
            s = _pieces_score(fw, w, fp, k, k + 1, options)
            if s >= options.move_threshold:
                pieces_key, whole_key = fp.keys[k] + " " + fp.keys[k + 1], fw.keys[w]
                key = (min(pieces_key, whole_key), max(pieces_key, whole_key))
                found.append((-s, key, (k, k + 1), (w,)) if merge else (-s, key, (w,), (k, k + 1)))
    return found


def _widened(
    p: Pairing, free_a: set[int], free_b: set[int], fa: SentenceTable, fb: SentenceTable, options: DiffOptions
) -> Pairing:
    """A far link grown into a merge or split when a free neighbour completes it (a merged sentence that also
    moved); the neighbour it takes is removed from the free sets."""
    i, j = p.a[0], p.b[0]
    best, grown, used = p.score, p, (-1, -1)
    for x, y in ((i - 1, i), (i, i + 1)):
        neighbour = x if x != i else y
        if neighbour in free_a and fa.same_paragraph(x, y):
            s = _pieces_score(fb, j, fa, x, y, options)
            if s >= options.move_threshold and s > best:
                best, grown, used = s, Pairing((x, y), (j,), s), (neighbour, -1)
    for x, y in ((j - 1, j), (j, j + 1)):
        neighbour = x if x != j else y
        if neighbour in free_b and fb.same_paragraph(x, y):
            s = _pieces_score(fa, i, fb, x, y, options)
            if s >= options.move_threshold and s > best:
                best, grown, used = s, Pairing((i,), (x, y), s), (-1, neighbour)
    free_a.discard(used[0])
    free_b.discard(used[1])
    return grown
