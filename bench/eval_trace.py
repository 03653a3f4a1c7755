"""Trace accuracy on derived copies of real NYT passages: top-1 source, unsupported sentences, verdicts.

The corpus is `--sources` RoFT passages (plus `--filler` background documents); the queries are copies of them
built by bench/copies.py (verbatim, edited, paraphrased, spliced, invented), none of them in the corpus. A
sentence storytrace finds takes the gold label of the gold sentence it overlaps most. Compilations (two sentences
from each of 3 to 8 sources) are scored apart: sources found, and sentences credited to their true source.

    .venv/bin/python bench/eval_trace.py                        # 1,000 sources, 300 copies (~10 s)
    .venv/bin/python bench/eval_trace.py --filler 20000 --json bench/out/eval_trace.json
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from copies import KINDS, CopyCorpus, build, compilations, filler_documents, load_passages
from machine import write_report

from storytrace.corpus.index import open_index
from storytrace.corpus.options import CorpusOptions
from storytrace.corpus.sources import CorpusDocument
from storytrace.corpus.trace import VERDICTS, trace


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sources", type=int, default=1000)
    parser.add_argument("--copies", type=int, default=60, help="copies of each kind")
    parser.add_argument("--compilations", type=int, default=60, help="compilations of 3-8 sources")
    parser.add_argument("--filler", type=int, default=0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--option", "-o", action="append", default=[], help="NAME=VALUE corpus option")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    from storytrace.corpus.options import parse_corpus_overrides

    overrides, _ = parse_corpus_overrides(args.option)
    passages = load_passages()
    built = build(sources=args.sources, copies_per_kind=args.copies, seed=args.seed, passages=passages)
    index = open_index(None, CorpusOptions().with_overrides(**overrides))
    index.add(CorpusDocument(i, t) for i, t in built.documents)
    if args.filler:
        index.add(CorpusDocument(i, t) for i, t in filler_documents(args.filler, args.seed, built.sentences))
    top = Counter[tuple[str, bool]]()
    confusion = Counter[tuple[str, str]]()
    for copy in built.copies:
        result = trace(copy.text, index)
        top[(copy.kind, bool(result.sources) and result.sources[0].id == copy.source)] += 1
        for verdict in result.sentences:
            s = result.document.sentences[verdict.index]
            gold = copy.gold_at(s.start, s.end)
            confusion[(gold.label, verdict.verdict)] += 1
    rows: dict[str, object] = {"corpus": len(index), "copies": len(built.copies)}
    print(f"corpus {len(index):,} documents, {len(built.copies)} copies")
    for kind in KINDS:
        right, total = top[(kind, True)], top[(kind, True)] + top[(kind, False)]
        print(f"  top-1 {kind:<12} {right}/{total}")
        rows[f"top1_{kind}"] = right / total
    accuracy = sum(n for (_, ok), n in top.items() if ok) / len(built.copies)
    tp = confusion[("unsupported", "unsupported")]
    fp = sum(n for (g, p), n in confusion.items() if p == "unsupported" and g != "unsupported")
    fn = sum(n for (g, p), n in confusion.items() if g == "unsupported" and p != "unsupported")
    precision, recall = tp / max(1, tp + fp), tp / max(1, tp + fn)
    f1 = 2 * precision * recall / max(1e-9, precision + recall)
    print(f"top-1 source accuracy {accuracy:.4f}")
    print(f"unsupported sentences: precision {precision:.4f}, recall {recall:.4f}, F1 {f1:.4f}")
    print("verdict confusion (rows gold, columns found):")
    print("  " + " " * 12 + "".join(f"{v:>13}" for v in VERDICTS))
    for gold in VERDICTS:
        print(f"  {gold:<12}" + "".join(f"{confusion[(gold, v)]:>13}" for v in VERDICTS))
    rows |= {"top1": accuracy, "unsupported_precision": precision, "unsupported_recall": recall,
             "unsupported_f1": f1, "confusion": {f"{g}->{p}": n for (g, p), n in sorted(confusion.items())}}
    rows |= compilation_scores(built, index, passages, args.compilations, args.seed)
    if args.json:
        write_report(args.json, "eval_trace.py", rows)


def compilation_scores(built: CopyCorpus, index: object, passages: list[list[str]], count: int, seed: int
                       ) -> dict[str, float]:
    """Source recall and precision, and the share of sentences credited to their true source."""
    found_right = found = wanted = credited = unsupported = sentences = 0
    for copy in compilations(built, passages, count, seed):
        result = trace(copy.text, index)  # type: ignore[arg-type]
        origins = {g.origin for g in copy.sentences}
        named = {s.id for s in result.sources}
        found_right += len(named & origins)
        found += len(named)
        wanted += len(origins)
        for verdict in result.sentences:
            s = result.document.sentences[verdict.index]
            gold = copy.gold_at(s.start, s.end)
            credited += verdict.source == gold.origin
            unsupported += verdict.verdict == "unsupported"
            sentences += 1
    scores = {"compiled_source_recall": found_right / max(1, wanted),
              "compiled_source_precision": found_right / max(1, found),
              "compiled_sentences_credited": credited / max(1, sentences),
              "compiled_sentences_unsupported": unsupported / max(1, sentences)}
    recall, precision = scores["compiled_source_recall"], scores["compiled_source_precision"]
    print(f"compilations ({count}): sources found {found_right}/{wanted} (recall {recall:.3f}, precision "
          f"{precision:.3f}); sentences credited to their true source "
          f"{credited}/{sentences} ({scores['compiled_sentences_credited']:.3f}); wrongly unsupported {unsupported}")
    return scores


if __name__ == "__main__":
    sys.exit(main())
