"""Are the splits, merges and moves of the throughput pairs found? Scored against `bench/pairs.py`'s gold links.

A gold split, merge or move counts as found when storytrace returns exactly that link (same sentences on both
sides, matched through the builder's sentence spans) and, for a move, marks it moved. A gold link whose sentences
storytrace cuts differently cannot be matched and counts as missed.

    .venv/bin/python bench/eval_pairs.py --pairs 500
"""

from __future__ import annotations

import argparse
from collections import Counter

from pairs import build_pairs

import storytrace

KINDS = ("split", "merge", "move")


def score(pairs: int, seed: int) -> dict[str, tuple[int, int]]:
    """For each kind, (found, gold) over `pairs` article pairs."""
    found: Counter[str] = Counter()
    gold: Counter[str] = Counter()
    for a, b, truth in build_pairs(pairs, seed):
        result = storytrace.diff(a, b)
        index_a = {(s.start, s.end): i for i, s in enumerate(result.a.sentences)}
        index_b = {(s.start, s.end): i for i, s in enumerate(result.b.sentences)}
        links = {(link.a, link.b): link for link in result.links}
        for expected in truth["links"]:
            kind = expected["op"]
            if kind not in KINDS:
                continue
            gold[kind] += 1
            try:
                key = (
                    tuple(index_a[tuple(truth["spans_a"][k])] for k in expected["a"]),
                    tuple(index_b[tuple(truth["spans_b"][k])] for k in expected["b"]),
                )
            except KeyError:
                continue  # storytrace cut these sentences differently
            link = links.get(key)
            if link is not None and (kind != "move" or link.moved):
                found[kind] += 1
    return {kind: (found[kind], gold[kind]) for kind in KINDS}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    for kind, (hit, total) in score(args.pairs, args.seed).items():
        print(f"{kind}: {hit}/{total} found ({hit / total:.3f})" if total else f"{kind}: none in the gold")


if __name__ == "__main__":
    main()
