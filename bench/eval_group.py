"""Grouping accuracy: does `storytrace group` put each source and its copies in one story, and nothing else?

The corpus is `--sources` RoFT passages, every derived copy of bench/copies.py (verbatim, edited, paraphrased,
spliced, invented; a splice belongs to the story of the source that supplies most of it) and `--filler`
background documents (ten real sentences of the passages, most with a word changed: each shares a sentence or
two with several stories and belongs to none, so each is its own story). Scores are over pairs of documents
(same story in the gold and in the grouping) and the number of gold stories found exactly.

    .venv/bin/python bench/eval_group.py                    # 1,000 sources, 300 copies, 2,000 filler (~10 s)
    .venv/bin/python bench/eval_group.py --json bench/out/eval_group.json
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path

from copies import build, filler_documents, load_passages
from machine import describe, write_report

from storytrace.corpus.group import group
from storytrace.corpus.index import open_index
from storytrace.corpus.options import parse_corpus_overrides
from storytrace.corpus.sources import CorpusDocument


def pairs_of(clusters: dict[str, set[str]]) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for members in clusters.values():
        for a, b in combinations(sorted(members), 2):
            found.add((a, b))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sources", type=int, default=1000)
    parser.add_argument("--copies", type=int, default=60, help="copies of each kind")
    parser.add_argument("--filler", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--option", "-o", action="append", default=[], help="NAME=VALUE corpus option")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    overrides, _ = parse_corpus_overrides(args.option)
    print(describe())
    built = build(sources=args.sources, copies_per_kind=args.copies, seed=args.seed, passages=load_passages())
    documents = [CorpusDocument(i, t) for i, t in built.documents]
    documents += [CorpusDocument(c.id, c.text) for c in built.copies]
    documents += [CorpusDocument(i, t) for i, t in filler_documents(args.filler, args.seed, built.sentences)]
    gold: dict[str, set[str]] = defaultdict(set)
    for doc_id, _ in built.documents:
        gold[doc_id].add(doc_id)
    for copy in built.copies:
        gold[copy.source].add(copy.id)
    from storytrace.corpus.options import CorpusOptions

    index = open_index(None, CorpusOptions().with_overrides(**overrides))
    index.add(documents)
    started = time.perf_counter()
    found: dict[str, set[str]] = defaultdict(set)
    for member in group(index):
        found[member.story].add(member.id)
    seconds = time.perf_counter() - started
    gold_pairs, found_pairs = pairs_of(gold), pairs_of(found)
    right = len(gold_pairs & found_pairs)
    precision, recall = right / max(1, len(found_pairs)), right / max(1, len(gold_pairs))
    f1 = 2 * precision * recall / max(1e-9, precision + recall)
    with_copies = [frozenset(m) for m in gold.values() if len(m) > 1]
    exact = len(set(with_copies) & {frozenset(m) for m in found.values()})
    missed = Counter("+".join(sorted(d.split("-")[1] for d in pair if d.startswith("copy")))
                     for pair in gold_pairs - found_pairs)
    fillers_alone = sum(1 for m in found.values() if len(m) == 1 and next(iter(m)).startswith("filler"))
    print(f"{len(documents):,} documents ({args.sources:,} sources, {len(built.copies)} copies, "
          f"{args.filler:,} filler); grouped in {seconds:.2f} s into {len(found):,} stories")
    print(f"same-story pairs: precision {precision:.4f}, recall {recall:.4f}, F1 {f1:.4f} "
          f"({right:,} of {len(gold_pairs):,} gold pairs, {len(found_pairs):,} found)")
    print(f"gold stories with copies found exactly: {exact} of {len(with_copies)}; filler documents left alone: "
          f"{fillers_alone:,} of {args.filler:,}; missed pairs by copy kind: {dict(missed) or 'none'}")
    if args.json:
        write_report(args.json, "eval_group.py", {"precision": precision, "recall": recall, "f1": f1,
                                                  "exact_stories": exact, "seconds": seconds})


if __name__ == "__main__":
    sys.exit(main())
