"""Score storytrace's edit detection against IteraTeR-HUMAN's human edit annotations.

Data: ``../shared/data/iterater-human/doc_level_{dev,train}.jsonl`` relative to the repository root (read at
run time, never copied into the project).  Each row is one document-level revision: ``before_revision``,
``after_revision``, ``sents_char_pos`` (character start of each sentence of ``before_revision``) and
``edit_actions`` (character spans in ``before_revision`` with a human ``major_intent``).

Protocol (unit = one GOLD sentence of ``before_revision``):

* Gold sentences: sentence i spans ``[sents_char_pos[i], sents_char_pos[i + 1])``; the last one ends at
  ``len(before_revision)``.  (IteraTeR's boundaries usually sit on the space before a sentence.)
* Gold ``changed``: the sentence is touched by at least one edit action.  An edit ``[start, end)`` with
  ``start < end`` touches every sentence its span overlaps.  A pure insertion (``start == end == p``) touches
  the sentence containing p; if p is at a sentence boundary it touches the sentence before it.  Because
  IteraTeR's boundaries sit on the inter-sentence space, "at a boundary" means: p equals the start of sentence
  i (i > 0), or p lies after only whitespace of sentence i and the inserted text ends a sentence
  (``. ! ? ; :`` optionally followed by closing quotes or brackets, or closing quotes alone) -- i.e. a whole
  new sentence inserted between sentences i-1 and i is attributed to sentence i-1, while a word inserted at the
  start of sentence i ("However, ...") touches sentence i.  An insertion at ``len(text)`` touches the last
  sentence.  (Compared with the literal rule "p == start of sentence i", this moves 48 meaning labels on train
  and 7 on dev; no edit in the data has p == start of a sentence exactly.)
* Gold ``meaning``: touched by an edit whose ``major_intent`` is ``meaning-changed``.
* Prediction: ``storytrace.diff(before_revision, after_revision)`` with default options.  A storytrace
  A-sentence is *changed* if its link's kind is not ``unchanged``, *meaning* if its link's kind is
  ``deleted``, or ``substantive`` with at least one reason that is not a pure removal (storytrace's kinds
  are symmetric, IteraTeR's intent is directional: see ``REMOVAL_REASONS``).
  Every ``added`` link (B sentences only) is attributed to the nearest
  preceding link (in the order of ``links``) that has A sentences, or to A sentence 0 if there is none; all A
  sentences of that link become *changed* and *meaning*.  A gold sentence is predicted changed / meaning when
  any storytrace A-sentence overlapping it (overlap containing at least one non-whitespace character) is.
  Where one storytrace sentence covers several gold sentences (IteraTeR also splits at semicolons) and its
  link is an edit, the offsets of the word diff's runs (``diff[].a``) decide which gold sentences the change
  falls in.
* Scores: precision, recall, F1 of ``changed`` and of ``meaning`` micro-averaged over all gold sentences of
  the selection.  The dev split is the official figure; train is for tuning and error analysis.
  ``--domain news`` keeps Wikinews rows only (rows without a domain count only in ``all``).
* Reference points: changed F1 >= 0.98 (target); meaning F1 > 0.53, the RoBERTa intent classifier published
  with IteraTeR (meaning-changed P 0.44 / R 0.69 / F1 0.53).  That baseline classifies gold edits given the
  gold edit spans, so it is a point of comparison, not the same task.

Also reported: gold sentences that are covered by exactly one storytrace sentence with the same
(whitespace-trimmed) span ("segmentation agreement") -- where storytrace merges two gold sentences, an edit
in one of them makes both predicted changed -- and the number of ``changed`` false positives due to that, and of
``changed`` false negatives whose gold edits only change letter case (which ``unchanged`` ignores).

Usage::

    .venv/bin/python bench/eval_iterater.py [--split dev|train] [--domain news|all] [--errors N] [--gold-only]

``--errors N`` prints N false positives and N false negatives for ``meaning`` (a reproducible random sample,
``--seed``) with the storytrace link kinds, reasons, the gold edits and before/after snippets -- to the
terminal only, the text is licensed data.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "iterater-human"

MEANING_INTENT = "meaning-changed"
_ENDS_SENTENCE = re.compile(r"""[.!?;:]["'\u201d\u2019)\]]*\s*$|^["'\u201d\u2019)\]]+\s*$""")


# --------------------------------------------------------------------------------------------------- gold


def load(split: str, domain: str = "all") -> list[dict[str, Any]]:
    """Doc-level revisions of ``split`` ("dev" or "train"); ``domain="news"`` keeps Wikinews only."""
    path = DATA / f"doc_level_{split}.jsonl"
    with path.open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    if domain != "all":
        rows = [r for r in rows if r.get("domain") == domain]
    return rows


def gold_spans(row: dict[str, Any]) -> list[tuple[int, int]]:
    """Gold sentence spans of ``before_revision``: [pos[i], pos[i+1]), the last ending at len(text)."""
    pos = list(row["sents_char_pos"])
    ends = pos[1:] + [len(row["before_revision"])]
    return list(zip(pos, ends, strict=True))


def _sentence_at(spans: list[tuple[int, int]], p: int) -> int:
    """Index of the sentence containing offset p (the last sentence for p == len(text))."""
    idx = 0
    for i, (start, _end) in enumerate(spans):
        if start <= p:
            idx = i
        else:
            break
    return idx


def touched_sentences(text: str, spans: list[tuple[int, int]], edit: dict[str, Any]) -> set[int]:
    """Gold sentences touched by one edit action (see the module docstring)."""
    s, e = edit["start_char_pos"], edit["end_char_pos"]
    if s < e:
        return {i for i, (a, b) in enumerate(spans) if a < e and s < b}
    i = _sentence_at(spans, s)
    if i > 0:
        start = spans[i][0]
        inserted = edit.get("after") or ""
        if s == start or (not text[start:s].strip() and _ENDS_SENTENCE.search(inserted)):
            i -= 1
    return {i}


def gold_labels(row: dict[str, Any]) -> tuple[list[bool], list[bool]]:
    """Per gold sentence: (changed, meaning)."""
    text = row["before_revision"]
    spans = gold_spans(row)
    changed = [False] * len(spans)
    meaning = [False] * len(spans)
    for edit in row["edit_actions"]:
        for i in touched_sentences(text, spans, edit):
            changed[i] = True
            if edit["major_intent"] == MEANING_INTENT:
                meaning[i] = True
    return changed, meaning


def contract_changed(row: dict[str, Any]) -> list[bool]:
    """Gold `changed` under storytrace's definition of unchanged: an edit that only changes letter case,
    white space or quote/dash style (equal comparison keys before and after) is not a change."""
    from storytrace.text.normalise import comparison_key

    text = row["before_revision"]
    spans = gold_spans(row)
    changed = [False] * len(spans)
    for edit in row["edit_actions"]:
        if comparison_key(edit["before"] or "") == comparison_key(edit["after"] or ""):
            continue
        for i in touched_sentences(text, spans, edit):
            changed[i] = True
    return changed


def edits_touching(row: dict[str, Any], i: int) -> list[dict[str, Any]]:
    text = row["before_revision"]
    spans = gold_spans(row)
    return [e for e in row["edit_actions"] if i in touched_sentences(text, spans, e)]


# ----------------------------------------------------------------------------------------------- predicted


@dataclass
class Prediction:
    changed: list[bool]  # per gold sentence
    meaning: list[bool]
    overlaps: list[list[int]]  # per gold sentence: overlapping storytrace A-sentence indices
    link_of: list[int]  # per storytrace A sentence: index of its link
    attributed: dict[int, list[int]]  # storytrace A sentence -> indices of added links attributed to it
    aligned_exactly: int  # gold sentences matched by exactly one storytrace sentence with the same span
    shares_sentence: list[bool]  # per gold sentence: an overlapping storytrace sentence overlaps another one
    doc: dict[str, Any] = field(repr=False, default_factory=dict)


def _overlap(text: str, a: tuple[int, int], b: tuple[int, int]) -> bool:
    lo, hi = max(a[0], b[0]), min(a[1], b[1])
    return lo < hi and bool(text[lo:hi].strip())


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def check_doc(doc: dict[str, Any], a: str, b: str) -> None:
    """Fail loudly if the result breaks the storytrace.diff/1 invariants this benchmark relies on."""
    va, vb = doc["versions"]
    if va["text"] != a or vb["text"] != b:
        raise AssertionError("versions[i].text is not the input text")
    for v, name in ((va, "a"), (vb, "b")):
        seen = sorted(j for link in doc["links"] for j in link[name])
        if seen != list(range(len(v["sentences"]))):
            raise AssertionError(f"{name} sentences are not each in exactly one link")


def predict(row: dict[str, Any], doc: dict[str, Any]) -> Prediction:
    """Project a storytrace.diff/1 document onto the gold sentences of ``before_revision``."""
    text = row["before_revision"]
    spans = gold_spans(row)
    a_sents = [(s["start"], s["end"]) for s in doc["versions"][0]["sentences"]]
    n = len(a_sents)
    changed = [False] * n
    meaning = [False] * n
    link_of = [-1] * n
    attributed: dict[int, list[int]] = {}
    last_with_a: list[int] | None = None
    for li, link in enumerate(doc["links"]):
        kind = link["kind"]
        for j in link["a"]:
            link_of[j] = li
            changed[j] = changed[j] or kind != "unchanged"
            meaning[j] = meaning[j] or adds_information(link) or kind == "deleted"
        if link["a"]:
            last_with_a = list(link["a"])
        elif kind == "added":
            for j in last_with_a if last_with_a is not None else ([0] if n else []):
                changed[j] = meaning[j] = True
                attributed.setdefault(j, []).append(li)
    overlaps = [[j for j, sp in enumerate(a_sents) if _overlap(text, g, sp)] for g in spans]
    trimmed = {_trim(text, *sp) for sp in a_sents}
    exact = sum(
        1 for g, ov in zip(spans, overlaps, strict=True) if len(ov) == 1 and _trim(text, *g) in trimmed
    )
    covering: dict[int, int] = {}
    for ov in overlaps:
        for j in ov:
            covering[j] = covering.get(j, 0) + 1
    shares = [any(covering[j] > 1 for j in ov) for ov in overlaps]
    pred_changed = [any(changed[j] for j in ov) for ov in overlaps]
    pred_meaning = [any(meaning[j] for j in ov) for ov in overlaps]
    # Where one storytrace sentence covers several gold sentences, the word diff's offsets say which of them
    # the change is in.
    located_changed, located_meaning = _located(doc, spans, text)
    for g, ov in enumerate(overlaps):
        if shares[g] and all(doc["links"][link_of[j]]["kind"] in ("minor", "substantive") for j in ov):
            pred_changed[g] = located_changed[g] or any(attributed.get(j) for j in ov)
            pred_meaning[g] = located_meaning[g] or any(attributed.get(j) for j in ov)
    return Prediction(
        changed=pred_changed,
        meaning=pred_meaning,
        overlaps=overlaps,
        link_of=link_of,
        attributed=attributed,
        aligned_exactly=exact,
        shares_sentence=shares,
        doc=doc,
    )


# storytrace's kinds are symmetric (diff(B, A) mirrors diff(A, B)); IteraTeR's meaning-changed is directional
# and its annotators call a pure removal a clarity edit. So a substantive link whose reasons are all removals
# ("number removed: 40", "words removed: ...") is not counted as meaning-changed, nor is a deleted sentence.
REMOVAL_REASONS = ("number removed", "date removed", "name removed", "words removed")
COUNT_DELETED = True


def adds_information(link: dict[str, Any]) -> bool:
    """A substantive link with at least one reason that is not a pure removal."""
    return link["kind"] == "substantive" and any(not r.startswith(REMOVAL_REASONS) for r in link["reasons"])


def _located(doc: dict[str, Any], spans: list[tuple[int, int]], text: str) -> tuple[list[bool], list[bool]]:
    """Gold sentences that a changed run of an edited link falls in (a deletion overlaps, an insertion's
    point lies inside), by the runs' offsets into A's text."""
    changed = [False] * len(spans)
    meaning = [False] * len(spans)
    for link in doc["links"]:
        if link["kind"] not in ("minor", "substantive"):
            continue
        for run in link["diff"]:
            if run["op"] == "equal" or not text[run["a"][0] : run["a"][1]].strip() and run["op"] == "delete":
                continue
            start, end = run["a"]
            for g, (gs, ge) in enumerate(spans):
                inside = gs < end and start < ge if start < end else gs <= start < ge
                if inside:
                    changed[g] = True
                    meaning[g] = meaning[g] or adds_information(link)
    return changed, meaning


def run_storytrace(row: dict[str, Any]) -> dict[str, Any]:
    import storytrace

    a, b = row["before_revision"], row["after_revision"]
    doc: dict[str, Any] = storytrace.diff(a, b).to_dict()
    check_doc(doc, a, b)
    return doc


# ------------------------------------------------------------------------------------------------- scoring


@dataclass
class PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, gold: bool, pred: bool) -> None:
        if gold and pred:
            self.tp += 1
        elif pred:
            self.fp += 1
        elif gold:
            self.fn += 1
        else:
            self.tn += 1

    @property
    def p(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def r(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        return 2 * self.p * self.r / (self.p + self.r) if self.p + self.r else 0.0

    def fmt(self) -> str:
        return f"P {self.p:.3f}  R {self.r:.3f}  F1 {self.f1:.3f}  (tp {self.tp} fp {self.fp} fn {self.fn})"


def _snip(text: str, limit: int = 240) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _b_text(doc: dict[str, Any], link: dict[str, Any]) -> str:
    vb = doc["versions"][1]
    return " ".join(vb["text"][vb["sentences"][j]["start"] : vb["sentences"][j]["end"]] for j in link["b"])


def describe(row: dict[str, Any], i: int, pred: Prediction) -> str:
    """A terminal-only description of gold sentence i: gold edits, storytrace links, snippets."""
    text = row["before_revision"]
    gs, ge = gold_spans(row)[i]
    doc = pred.doc
    out = [f"  doc {row['doc_id']} ({row.get('domain')}) sentence {i}", f"    before: {_snip(text[gs:ge])}"]
    for e in edits_touching(row, i):
        out.append(
            f"    gold {e['type']} {e['major_intent']}: {_snip(e['before'] or '', 100)!r} -> "
            f"{_snip(e['after'] or '', 100)!r}"
        )
    shown: set[int] = set()
    for j in pred.overlaps[i]:
        li = pred.link_of[j]
        for lk in [li, *pred.attributed.get(j, [])]:
            if lk in shown or lk < 0:
                continue
            shown.add(lk)
            link = doc["links"][lk]
            out.append(
                f"    storytrace link {lk}: a={link['a']} b={link['b']} {link['kind']}"
                f"{' moved' if link.get('moved') else ''} reasons={link.get('reasons', [])}"
            )
            if link["b"]:
                out.append(f"      after: {_snip(_b_text(doc, link))}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", choices=["dev", "train"], default="dev")
    ap.add_argument("--domain", choices=["news", "all"], default="all")
    ap.add_argument("--errors", type=int, default=0, metavar="N", help="print N meaning FPs and N FNs")
    ap.add_argument("--seed", type=int, default=0, help="seed for sampling --errors")
    ap.add_argument("--gold-only", action="store_true", help="count gold labels only, do not run storytrace")
    args = ap.parse_args(argv)

    rows = load(args.split, args.domain)
    n_sent = n_changed = n_meaning = 0
    changed_prf, meaning_prf, contract_prf = PRF(), PRF(), PRF()
    exact = 0
    changed_fp_shared = changed_fn_case = 0
    fps: list[tuple[int, int]] = []
    fns: list[tuple[int, int]] = []
    preds: dict[int, Prediction] = {}
    t0 = time.perf_counter()
    for ri, row in enumerate(rows):
        g_changed, g_meaning = gold_labels(row)
        n_sent += len(g_changed)
        n_changed += sum(g_changed)
        n_meaning += sum(g_meaning)
        if args.gold_only:
            continue
        pred = predict(row, run_storytrace(row))
        preds[ri] = pred
        exact += pred.aligned_exactly
        labels = zip(g_changed, g_meaning, pred.changed, pred.meaning, strict=True)
        for gcc, pc in zip(contract_changed(row), pred.changed, strict=True):
            contract_prf.add(gcc, pc)
        for i, (gc, gm, pc, pm) in enumerate(labels):
            changed_prf.add(gc, pc)
            if pc and not gc and pred.shares_sentence[i]:
                changed_fp_shared += 1
            if gc and not pc and all(
                (e["before"] or "").lower() == (e["after"] or "").lower() for e in edits_touching(row, i)
            ):
                changed_fn_case += 1
            meaning_prf.add(gm, pm)
            if pm and not gm:
                fps.append((ri, i))
            elif gm and not pm:
                fns.append((ri, i))
    elapsed = time.perf_counter() - t0

    print(f"IteraTeR-HUMAN doc-level {args.split}, domain {args.domain}: {len(rows)} revisions, "
          f"{n_sent} gold sentences, {n_changed} changed, {n_meaning} meaning-changed")
    if args.gold_only:
        return 0
    print(f"  changed  {changed_prf.fmt()}")
    print(f"  changed, case/space/quote-style edits not counted (storytrace's `unchanged`)  {contract_prf.fmt()}")
    print(f"  meaning  {meaning_prf.fmt()}")
    print(f"  segmentation agreement: {exact}/{n_sent} gold sentences ({exact / max(n_sent, 1):.1%}); "
          f"{elapsed:.1f} s")
    print(f"  changed FPs in a storytrace sentence spanning several gold sentences: {changed_fp_shared}"
          f"/{changed_prf.fp}; changed FNs whose gold edits only change letter case: {changed_fn_case}"
          f"/{changed_prf.fn}")
    if args.errors:
        rng = random.Random(args.seed)
        for title, items in (("meaning false positives", fps), ("meaning false negatives", fns)):
            sample = sorted(rng.sample(items, min(args.errors, len(items))))
            print(f"\n== {title}: {len(sample)} of {len(items)}")
            for ri, i in sample:
                print(describe(rows[ri], i, preds[ri]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
