"""How well does `storytrace.collate` follow statements across versions?  Scored against known edit scripts.

Data: `bench/collations.py` builds N seeded story sets from real NYT sentences (read at run time from
../shared/data/roft-nyt/prompts-nyt-dev.json, never copied): one outlet's chain of 3-20 revisions of a 30-60
sentence story (word, number and clause edits, splits, merges, moves, insertions, deletions, and one sentence
deleted and restored 2-3 revisions later), plus 1-4 AI-style rewrites by other outlets (the opening kept, some
sentences paraphrased or dropped, an invented ending). Every version has an ISO 8601 time and an outlet; the
versions are given to collate in a shuffled order. Gold units and gold first versions come from the edit
scripts only (see collations.py): the halves of a split carry one statement, a merged sentence carries both,
and a gold unit is the transitive closure of "stated in one sentence somewhere".

Protocol, per set: `storytrace.collate([Version(text, label, outlet, time), ...])` with default options. The
members of a unit are (version, gold sentence) pairs. storytrace segments the texts itself, so each gold
sentence is given the unit of the storytrace sentence that overlaps it most (with `--gold-segmentation`,
collate gets Documents cut at the gold sentences instead, in time order, and the mapping is the identity).

Figures (micro-averaged over all sets):

* Exact-unit F1: a predicted unit is correct when its set of members equals a gold unit's set exactly.
  P = correct / predicted units (every unit storytrace returned, including any that got no gold sentence),
  R = correct / gold units, F1 = 2PR / (P + R).
* Pairwise F1: over pairs of members placed in one unit. P = pairs co-placed in both / pairs co-placed by
  storytrace, R = pairs co-placed in both / pairs co-placed in gold.
* First-appearance accuracy: share of gold sentences whose predicted unit's `first` is the gold first version
  (the earliest version, by time, carrying a sentence of its gold unit).
* Segmentation agreement (secondary): share of gold sentences that are exactly one storytrace sentence, white
  space and quote marks at either end aside.

Targets: unit F1 >= 0.95, first-appearance accuracy >= 0.98.

Errors are broken down by the kinds of edit in a gold unit's history (collations.KINDS): how many such units
were recovered exactly, how many were split over several predicted units ("fragmented") and how many share a
predicted unit with another gold unit ("merged"). `--show N` prints N failing gold units with their text (to the
terminal only; the JSON results in bench/out/ hold figures, never text).

    .venv/bin/python bench/eval_collate.py [--sets 200] [--show 5] [--gold-segmentation]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from collations import KINDS, StorySet, build_sets, speed_set
from machine import describe, write_report

TARGET_F1 = 0.95
TARGET_FIRST = 0.98
OUT = Path(__file__).resolve().parent / "out" / "eval_collate.json"


@dataclass
class Tally:
    """Counts that add up over sets."""

    sets: int = 0
    versions: int = 0
    gold_units: int = 0
    predicted_units: int = 0
    correct_units: int = 0
    gold_pairs: int = 0
    predicted_pairs: int = 0
    shared_pairs: int = 0
    sentences: int = 0
    first_correct: int = 0
    segmented_exactly: int = 0
    empty_units: int = 0  # predicted units that got no gold sentence (pieces of a gold sentence cut in two)
    failed_units: int = 0  # gold units not recovered exactly or with a wrong first
    failed_segmentation: int = 0  # of which a gold unit involved is not segmented like the gold
    seconds: float = 0.0
    by_kind: dict[str, Counter] = field(default_factory=lambda: {k: Counter() for k in KINDS})

    def add(self, other: Tally) -> None:
        for name in ("sets", "versions", "gold_units", "predicted_units", "correct_units", "gold_pairs",
                     "predicted_pairs", "shared_pairs", "sentences", "first_correct", "segmented_exactly",
                     "empty_units", "failed_units", "failed_segmentation", "seconds"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for k in KINDS:
            self.by_kind[k].update(other.by_kind[k])

    def figures(self) -> dict[str, float]:
        p = self.correct_units / self.predicted_units if self.predicted_units else 0.0
        r = self.correct_units / self.gold_units if self.gold_units else 0.0
        pp = self.shared_pairs / self.predicted_pairs if self.predicted_pairs else 1.0
        pr = self.shared_pairs / self.gold_pairs if self.gold_pairs else 1.0
        return {
            "unit_precision": p,
            "unit_recall": r,
            "unit_f1": _f1(p, r),
            "pair_precision": pp,
            "pair_recall": pr,
            "pair_f1": _f1(pp, pr),
            "first_accuracy": self.first_correct / self.sentences if self.sentences else 0.0,
            "segmentation_agreement": self.segmented_exactly / self.sentences if self.sentences else 0.0,
        }


@dataclass
class Failure:
    """A gold unit not recovered exactly, with what storytrace made of it."""

    set_name: str  # "3": accuracy set 3; "20x60", "100x60": the speed sets
    gold_unit: int
    kinds: tuple[str, ...]
    predicted: list[int]  # the predicted units its sentences went to
    fragmented: bool
    merged: bool
    first_wrong: int  # its sentences whose predicted first is wrong
    segmentation: bool  # a sentence involved is cut differently by storytrace and by the gold


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def run(s: StorySet, gold_segmentation: bool = False):  # -> storytrace.Collation
    import storytrace

    if gold_segmentation:
        docs = []
        for v in s.order:
            text = s.versions[v].text
            sentences = tuple(
                storytrace.Sentence(a, e, p) for (a, e), p in zip(s.spans[v], s.paragraphs[v], strict=True)
            )
            docs.append(storytrace.Document(s.versions[v].label, text, sentences))
        return storytrace.collate(docs)
    return storytrace.collate([storytrace.Version(t.text, t.label, t.outlet, t.time) for t in s.versions])


QUOTES = "\"'\u201c\u201d\u2018\u2019`"


def _trimmed(text: str, a: int, e: int) -> tuple[int, int]:
    """The span without white space or quote marks at either end (the corpus often leaves the next sentence's
    opening quote mark on the sentence before)."""
    while a < e and (text[a].isspace() or text[a] in QUOTES):
        a += 1
    while e > a and (text[e - 1].isspace() or text[e - 1] in QUOTES):
        e -= 1
    return a, e


def map_sentences(
    s: StorySet, collation, gold_segmentation: bool
) -> tuple[list[list[int]], list[list[bool]], set[int]]:
    """For each version (in the set's order) and gold sentence, the index of the predicted unit, and whether
    the gold sentence is exactly one storytrace sentence; and the predicted units holding a storytrace sentence
    that is not exactly one gold sentence."""
    unit_of = collation.unit_of()  # per collation version, per storytrace sentence
    position = {v: k for k, v in enumerate(s.order)} if gold_segmentation else {v: v for v in range(len(s.spans))}
    mapped, exact, clean = [], [], {}
    for v, spans in enumerate(s.spans):
        cv = position[v]
        doc = collation.documents[cv]
        text = doc.text
        ours = [_trimmed(text, x.start, x.end) for x in doc.sentences]
        where = {span: j for j, span in enumerate(ours)}
        row, same = [], []
        j = 0
        for a, e in spans:
            a, e = _trimmed(text, a, e)
            same.append((a, e) in where)
            if (a, e) in where:
                clean.setdefault(cv, set()).add(where[(a, e)])
                row.append(unit_of[cv][where[(a, e)]])
                continue
            while j < len(ours) and ours[j][1] <= a:
                j += 1
            best, best_overlap = j, -1
            for k in range(j, len(ours)):
                if ours[k][0] >= e:
                    break
                overlap = min(e, ours[k][1]) - max(a, ours[k][0])
                if overlap > best_overlap:
                    best, best_overlap = k, overlap
            row.append(unit_of[cv][min(best, len(ours) - 1)])
        mapped.append(row)
        exact.append(same)
    dirty = {
        u for u, unit in enumerate(collation.units)
        if any(i not in clean.get(cv, ()) for cv, ii in unit.sentences.items() for i in ii)
    }
    return mapped, exact, dirty


def score(name: str, s: StorySet, gold_segmentation: bool = False) -> tuple[Tally, list[Failure]]:
    """Collate one set and count (see the module docstring)."""
    start = time.perf_counter()
    collation = run(s, gold_segmentation)
    seconds = time.perf_counter() - start
    mapped, exact, dirty = map_sentences(s, collation, gold_segmentation)
    # with gold segmentation, collate saw the versions in time order: predicted `first` is a position in it
    back = list(s.order) if gold_segmentation else list(range(len(s.spans)))
    members_gold: dict[int, set[tuple[int, int]]] = {}
    members_pred: dict[int, set[tuple[int, int]]] = {}
    cells: Counter[tuple[int, int]] = Counter()
    t = Tally(sets=1, versions=len(s.versions), seconds=seconds, segmented_exactly=sum(map(sum, exact)))
    first_ok: Counter[int] = Counter()
    missegmented: set[int] = set()  # gold units with a sentence that is not exactly one storytrace sentence
    for v, row in enumerate(mapped):
        for i, p in enumerate(row):
            g = s.unit[v][i]
            if not exact[v][i]:
                missegmented.add(g)
            members_gold.setdefault(g, set()).add((v, i))
            members_pred.setdefault(p, set()).add((v, i))
            cells[g, p] += 1
            t.sentences += 1
            ok = back[collation.units[p].first] == s.first[v][i]
            t.first_correct += ok
            first_ok[g] += ok
    t.gold_units = len(members_gold)
    t.predicted_units = len(collation.units)
    gold_sets = {frozenset(m) for m in members_gold.values()}
    t.correct_units = sum(frozenset(m) in gold_sets for m in members_pred.values())
    t.empty_units = t.predicted_units - len(members_pred)
    t.gold_pairs = sum(_pairs(len(m)) for m in members_gold.values())
    t.predicted_pairs = sum(_pairs(len(m)) for m in members_pred.values())
    t.shared_pairs = sum(_pairs(n) for n in cells.values())

    gold_of_pred: dict[int, set[int]] = {}
    pred_of_gold: dict[int, set[int]] = {}
    for g, p in cells:
        gold_of_pred.setdefault(p, set()).add(g)
        pred_of_gold.setdefault(g, set()).add(p)
    failures = []
    for g, members in members_gold.items():
        preds = pred_of_gold[g]
        fragmented = len(preds) > 1
        merged = any(len(gold_of_pred[p]) > 1 for p in preds)
        for kind in s.unit_kinds[g]:
            c = t.by_kind[kind]
            c["units"] += 1
            c["exact"] += not (fragmented or merged)
            c["fragmented"] += fragmented
            c["merged"] += merged
            c["sentences"] += len(members)
            c["first_correct"] += first_ok[g]
        if fragmented or merged or first_ok[g] < len(members):
            involved = {h for p in preds for h in gold_of_pred[p]}
            segmentation = bool(involved & missegmented or preds & dirty)
            t.failed_units += 1
            t.failed_segmentation += segmentation
            failures.append(Failure(name, g, s.unit_kinds[g], sorted(preds), fragmented, merged,
                                    len(members) - first_ok[g], segmentation))
    return t, failures


def _snip(text: str, limit: int = 150) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def show(s: StorySet, f: Failure, gold_segmentation: bool) -> None:
    """Print a failing gold unit: its sentences by version (time order) and the other gold units that share
    its predicted units."""
    collation = run(s, gold_segmentation)
    mapped, _, _ = map_sentences(s, collation, gold_segmentation)
    what = " and ".join(w for w, on in (("fragmented", f.fragmented), ("merged", f.merged)) if on) or "first wrong"
    if f.segmentation:
        what += " (segmentation differs)"
    v = next(v for v in s.order if f.gold_unit in s.unit[v])
    gold_first = s.versions[s.first[v][s.unit[v].index(f.gold_unit)]].label
    print(f"\n== set {f.set_name}: gold unit {f.gold_unit} [{', '.join(f.kinds)}] {what}; predicted units "
          f"{f.predicted}; gold first {gold_first}; {f.first_wrong} sentence(s) with a wrong first")
    back = list(s.order) if gold_segmentation else list(range(len(s.spans)))
    for v in s.order:
        for i, g in enumerate(s.unit[v]):
            p = mapped[v][i]
            if g == f.gold_unit or p in f.predicted:
                a, e = s.spans[v][i]
                mark = "  " if g == f.gold_unit else "!!"
                first = s.versions[back[collation.units[p].first]].label
                print(f"  {mark} {s.versions[v].label:<28} s{i:<3} gold {g:<3} pred {p:<3} first {first:<22} "
                      f"{s.ops[v][i]:<12} {_snip(s.versions[v].text[a:e])}")


def table(by_kind: dict[str, Counter]) -> str:
    lines = [
        "| edit kind in the unit's history | gold units | exact | fragmented | merged | first-appearance acc. |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for kind in KINDS:
        c = by_kind[kind]
        if c["units"]:
            lines.append(f"| {kind} | {c['units']} | {c['exact'] / c['units']:.3f} | {c['fragmented']} | "
                         f"{c['merged']} | {c['first_correct'] / c['sentences']:.3f} |")
    return "\n".join(lines)


def report(name: str, tally: Tally) -> dict:
    f = tally.figures()
    print(f"{name}: {tally.sets} sets, {tally.versions} versions, {tally.sentences} gold sentences, "
          f"{tally.gold_units} gold units, {tally.predicted_units} predicted units; collate {tally.seconds:.1f} s")
    print(f"  exact-unit P / R / F1: {f['unit_precision']:.4f} / {f['unit_recall']:.4f} / {f['unit_f1']:.4f}")
    print(f"  pairwise   P / R / F1: {f['pair_precision']:.4f} / {f['pair_recall']:.4f} / {f['pair_f1']:.4f}")
    print(f"  first-appearance accuracy: {f['first_accuracy']:.4f}")
    print(f"  segmentation agreement: {f['segmentation_agreement']:.4f}; predicted units with no gold sentence: "
          f"{tally.empty_units}")
    print(f"  gold units failed: {tally.failed_units}, of which {tally.failed_segmentation} involve a sentence "
          f"storytrace segments differently from the gold")
    return {**f, **{k: getattr(tally, k) for k in (
        "sets", "versions", "sentences", "gold_units", "predicted_units", "correct_units", "empty_units",
        "failed_units", "failed_segmentation", "seconds")},
            "by_kind": {k: dict(c) for k, c in tally.by_kind.items() if c}}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sets", type=int, default=200, help="number of story sets (default 200)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--gold-segmentation", action="store_true", help="give collate the gold sentences")
    ap.add_argument("--speed-sets", action="store_true", help="also score the 20x60 and 100x60 speed sets")
    ap.add_argument("--show", type=int, default=0, metavar="N", help="print N failing gold units with text")
    ap.add_argument("--which", choices=("all", "alignment", "segmentation"), default="all",
                    help="with --show: all failures, or only those where segmentation agrees (alignment) or not")
    ap.add_argument("--json", type=Path, default=OUT, help=f"results file (default {OUT})")
    args = ap.parse_args(argv)

    print(describe())
    sets = {str(i): s for i, s in enumerate(build_sets(args.sets, args.seed))}
    total = Tally()
    failures: list[Failure] = []
    for name, s in sets.items():
        t, fails = score(name, s, args.gold_segmentation)
        total.add(t)
        failures += fails
    results = {"sets": report(f"accuracy sets (seed {args.seed})", total)}
    print()
    print(table(total.by_kind))
    f = total.figures()
    print()
    for name, value, target in (("exact-unit F1", f["unit_f1"], TARGET_F1), ("pairwise F1", f["pair_f1"], TARGET_F1),
                                ("first-appearance accuracy", f["first_accuracy"], TARGET_FIRST)):
        print(f"- {name}: {value:.4f} (target >= {target}: {'met' if value >= target else 'NOT met'})")
    if args.speed_sets:
        for n in (20, 100):
            sets[f"{n}x60"] = speed_set(n, args.seed)
            t, fails = score(f"{n}x60", sets[f"{n}x60"], args.gold_segmentation)
            failures += fails
            print()
            results[f"speed_{n}x60"] = report(f"speed set {n}x60", t)
    results["failures"] = [vars(x) for x in failures]
    shown = [x for x in failures if args.which == "all" or x.segmentation == (args.which == "segmentation")]
    for x in shown[: args.show]:
        show(sets[x.set_name], x, args.gold_segmentation)
    write_report(args.json, "eval_collate.py", results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
