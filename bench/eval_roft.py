"""Does storytrace recover a shared news opening exactly?  RoFT NYT passages vs their GPT-2 continuations.

Data: ``../shared/data/roft-nyt/`` relative to the repository root (read at run time, never copied: the
human text is licensed New York Times text).  ``generations-gpt2-medium-nyt-dev-half.json`` has 50 items
``{prompt: [k human sentences], generation: [GPT-2 sentences], p, prompt-index}`` with k = 1..10 (five items
each) and ``prompts-nyt-dev.json["prompts"][prompt-index][:k] == prompt``; every passage has 10 sentences.
``generation`` is a list of sentence strings (empty for the k = 10 items; the last one is often cut off
mid-sentence, and GPT-2 often repeats itself or the opening).

Protocol, per item:

* A = the genuine passage ``prompts[prompt-index]`` joined with single spaces; B = ``prompt + generation``
  joined with single spaces.  The known sentences are the list elements; their offsets follow from the join.
* Run ``storytrace.diff(A, B)`` with default options and map storytrace sentences to known sentences by
  offsets (whitespace-trimmed spans).
* Headline figure, "opening recovered" (``opening_recovered``): every storytrace sentence lies wholly inside
  the shared opening (the first k human sentences) or wholly after it, the opening sentences of A are linked
  1:1 and ``unchanged`` in order to those of B, and no sentence after the opening is linked to anything.
  This judges the alignment on storytrace's own sentences: the reference boundaries come from a naive
  splitter (it leaves the next sentence's opening quote mark on the previous one, and glues GPT-2 sentences
  with no space between them), so matching them is reported separately and is not the target.
* Secondary figures: agreement with the reference boundaries. Segmentation is exact when every known
  sentence of A and of B is exactly one storytrace sentence; the same alignment test is then applied on the
  known sentences, with exact spans and with quote marks trimmed ("quote-tolerant").
  Target for the headline figure: >= 98%.

Usage::

    .venv/bin/python bench/eval_roft.py [--errors [--exact]]

``--errors`` lists each failure (under quote-tolerant matching, or exact-span matching with ``--exact``) with the
known sentences storytrace did not reproduce and the offending links (text snippets go to the terminal only).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "roft-nyt"


@dataclass
class Item:
    index: int
    k: int
    a: str
    b: str
    a_spans: list[tuple[int, int]]  # known sentence spans
    b_spans: list[tuple[int, int]]


def _join(sentences: list[str]) -> tuple[str, list[tuple[int, int]]]:
    spans: list[tuple[int, int]] = []
    pos = 0
    for s in sentences:
        spans.append((pos, pos + len(s)))
        pos += len(s) + 1
    return " ".join(sentences), spans


def load() -> list[Item]:
    with (DATA / "prompts-nyt-dev.json").open(encoding="utf-8") as fh:
        prompts = json.load(fh)["prompts"]
    with (DATA / "generations-gpt2-medium-nyt-dev-half.json").open(encoding="utf-8") as fh:
        generations = json.load(fh)["generations"]
    items = []
    for n, g in enumerate(generations):
        genuine = prompts[g["prompt-index"]]
        prompt, generation = list(g["prompt"]), g["generation"]
        if isinstance(generation, str):
            generation = [generation] if generation.strip() else []
        k = len(prompt)
        if genuine[:k] != prompt:
            raise ValueError(f"item {n}: prompt is not the start of prompts[{g['prompt-index']}]")
        a, a_spans = _join(genuine)
        b, b_spans = _join(prompt + list(generation))
        items.append(Item(n, k, a, b, a_spans, b_spans))
    return items


QUOTES = "\"'\u201c\u201d\u2018\u2019`"


def _trim(text: str, s: int, e: int, strip: str = "") -> tuple[int, int]:
    """Shrink [s, e) past whitespace and the characters of ``strip`` at both ends."""
    while s < e and (text[s].isspace() or text[s] in strip):
        s += 1
    while e > s and (text[e - 1].isspace() or text[e - 1] in strip):
        e -= 1
    return s, e


@dataclass
class Verdict:
    segmentation_exact: bool
    opening_segmented: bool  # the first k known sentences of A and B are exact storytrace sentences
    alignment_ok: bool
    problems: list[str] = field(default_factory=list)
    bad_links: list[int] = field(default_factory=list)

    @property
    def correct(self) -> bool:
        return self.segmentation_exact and self.alignment_ok


def _links_of(doc: dict[str, Any]) -> dict[str, dict[int, int]]:
    link_of: dict[str, dict[int, int]] = {"a": {}, "b": {}}
    for li, link in enumerate(doc["links"]):
        for side in ("a", "b"):
            for j in link[side]:
                if j in link_of[side]:
                    raise AssertionError(f"{side} sentence {j} is in two links")
                link_of[side][j] = li
    for side, v in (("a", doc["versions"][0]), ("b", doc["versions"][1])):
        if sorted(link_of[side]) != list(range(len(v["sentences"]))):
            raise AssertionError(f"{side} sentences are not each in exactly one link")
    return link_of


def judge(item: Item, doc: dict[str, Any], tolerant: bool = False) -> Verdict:
    """Check one item (see the module docstring).

    ``tolerant``: compare sentence spans after trimming quotation marks as well as whitespace at both ends,
    so that a quote mark the reference segmentation left on the wrong side of a boundary is not a mismatch.
    """
    va, vb = doc["versions"]
    if va["text"] != item.a or vb["text"] != item.b:
        raise AssertionError("versions[i].text is not the input text")
    strip = QUOTES if tolerant else ""
    texts = {"a": item.a, "b": item.b}
    st = {
        side: [_trim(texts[side], x["start"], x["end"], strip) for x in v["sentences"]]
        for side, v in (("a", va), ("b", vb))
    }
    known = {side: [_trim(texts[side], s, e, strip) for s, e in spans]
             for side, spans in (("a", item.a_spans), ("b", item.b_spans))}
    link_of = _links_of(doc)

    # index of the storytrace sentence equal to each known sentence (None if there is none)
    exact: dict[str, list[int | None]] = {}
    for side in ("a", "b"):
        where = {sp: j for j, sp in enumerate(st[side])}
        exact[side] = [where.get(sp) for sp in known[side]]
    seg_exact = all(j is not None for side in ("a", "b") for j in exact[side]) and all(
        len(st[side]) == len(known[side]) for side in ("a", "b")
    )
    opening = all(exact[side][i] is not None for side in ("a", "b") for i in range(item.k))

    v = Verdict(segmentation_exact=seg_exact, opening_segmented=opening, alignment_ok=True)
    for side in ("a", "b"):
        missing = [i for i, j in enumerate(exact[side]) if j is None]
        if missing:
            v.problems.append(f"known {side.upper()} sentences not reproduced by storytrace: {missing}")

    def fail(msg: str, li: int | None = None) -> None:
        v.alignment_ok = False
        v.problems.append(msg)
        if li is not None and li not in v.bad_links:
            v.bad_links.append(li)

    for i in range(item.k):
        ja, jb = exact["a"][i], exact["b"][i]
        if ja is None or jb is None:
            fail(f"opening sentence {i} not segmented as one sentence (A {ja}, B {jb})")
            continue
        link = doc["links"][link_of["a"][ja]]
        if not (link["a"] == [ja] and link["b"] == [jb] and link["kind"] == "unchanged"):
            fail(f"A opening sentence {i} not linked alone, unchanged, to B sentence {i}", link_of["a"][ja])
    # every other storytrace sentence: must not overlap the opening's text, and must not be linked across
    for side, other in (("a", "b"), ("b", "a")):
        text = texts[side]
        opening_js = {exact[side][i] for i in range(item.k)}
        opening_spans = known[side][: item.k]
        for j, (s, e) in enumerate(st[side]):
            if j in opening_js:
                continue
            li = link_of[side][j]
            if any(_trim(text, max(s, os_), min(e, oe), QUOTES)[0] < min(e, oe) for os_, oe in opening_spans):
                fail(f"{side.upper()} sentence {j} overlaps the opening without being one of its sentences", li)
            elif doc["links"][li][other]:
                fail(f"{side.upper()} sentence {j} after the opening is linked to {other.upper()} "
                     f"{doc['links'][li][other]} ({doc['links'][li]['kind']})", li)
    return v


def _snip(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def describe_link(doc: dict[str, Any], li: int) -> str:
    link = doc["links"][li]
    parts = [f"    link {li}: a={link['a']} b={link['b']} {link['kind']}"
             f"{' moved' if link.get('moved') else ''} reasons={link.get('reasons', [])}"]
    for side, v in (("A", doc["versions"][0]), ("B", doc["versions"][1])):
        for j in link[side.lower()]:
            s = v["sentences"][j]
            parts.append(f"      {side}{j}: {_snip(v['text'][s['start']:s['end']])}")
    return "\n".join(parts)


def describe_segmentation(item: Item, doc: dict[str, Any], limit: int = 3, strip: str = "") -> str:
    """The first few known sentences storytrace did not reproduce, with the storytrace sentences over them."""
    out = []
    for side, text, spans, v in (("A", item.a, item.a_spans, doc["versions"][0]),
                                 ("B", item.b, item.b_spans, doc["versions"][1])):
        st = [_trim(text, s["start"], s["end"], strip) for s in v["sentences"]]
        missing = [i for i, sp in enumerate(spans) if _trim(text, *sp, strip) not in st][:limit]
        for i in missing:
            s, e = spans[i]
            out.append(f"    known {side}{i}: {_snip(text[s:e])!r}")
            for j, (ss, se) in enumerate(st):
                if ss < e and s < se:
                    out.append(f"      storytrace {side}{j}: {_snip(text[ss:se])!r}")
    return "\n".join(out)


def opening_recovered(item: Item, doc: dict[str, Any]) -> list[str]:
    """The headline test, independent of where the reference put sentence boundaries.

    The shared opening ends where the k-th human sentence ends (closing quote marks included). Every
    storytrace sentence must lie wholly inside the opening or wholly after it; the opening sentences of A
    must be linked 1:1 and `unchanged`, in order, to the opening sentences of B; and no sentence after the
    opening may be linked to anything. Returns the problems found (empty when the opening is recovered).
    """
    problems: list[str] = []
    regions: dict[str, list[str]] = {}
    for side, text, spans, version in (
        ("a", item.a, item.a_spans, doc["versions"][0]),
        ("b", item.b, item.b_spans, doc["versions"][1]),
    ):
        # The reference leaves the next sentence's opening quote mark on the k-th sentence: trim it off, and
        # allow a closing mark glued to the sentence end.
        end = _trim(text, *spans[item.k - 1], QUOTES)[1]
        glued_end = max(end, _trim(text, *spans[item.k - 1])[1])
        while glued_end < len(text) and text[glued_end] in QUOTES:
            glued_end += 1
        regions[side] = []
        for j, x in enumerate(version["sentences"]):
            if x["end"] <= glued_end:
                regions[side].append("opening")
            elif x["start"] >= end:
                regions[side].append("rest")
            else:
                regions[side].append("straddles")
                problems.append(f"{side.upper()} sentence {j} straddles the end of the opening")
    pairs = []
    for link in doc["links"]:
        where = {regions["a"][i] for i in link["a"]} | {regions["b"][j] for j in link["b"]}
        if link["a"] and link["b"]:
            if where != {"opening"} or link["kind"] != "unchanged" or len(link["a"]) != 1 or len(link["b"]) != 1:
                problems.append(f"link {link['a']}->{link['b']} ({link['kind']}) is not an unchanged opening link")
            else:
                pairs.append((link["a"][0], link["b"][0]))
        elif "opening" in where:
            problems.append(f"opening sentence {link['a'] or link['b']} left unlinked ({link['kind']})")
    pairs.sort()
    if [b for _, b in pairs] != sorted(b for _, b in pairs):
        problems.append("opening links are out of order")
    return problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--errors", action="store_true", help="list failures with their offending links")
    ap.add_argument("--exact", action="store_true", help="with --errors: list failures under exact-span matching")
    ap.add_argument("--gold-only", action="store_true", help="check the data only, do not run storytrace")
    args = ap.parse_args(argv)

    items = load()
    print(f"RoFT NYT gpt2-medium dev-half: {len(items)} items, k = "
          f"{min(i.k for i in items)}..{max(i.k for i in items)}, "
          f"{sum(len(i.a_spans) for i in items)} A sentences, "
          f"{sum(len(i.b_spans) for i in items)} B sentences")
    if args.gold_only:
        return 0

    import storytrace

    docs = []
    t0 = time.perf_counter()
    for item in items:
        docs.append(storytrace.diff(item.a, item.b).to_dict())
    elapsed = time.perf_counter() - t0
    n = len(items)
    recovered = [opening_recovered(item, doc) for item, doc in zip(items, docs, strict=True)]
    ok = sum(not problems for problems in recovered)
    print(f"  opening recovered (storytrace's own sentences): {ok}/{n} ({ok / n:.0%})")
    print("  agreement with the reference sentence boundaries (secondary):")
    failures: list[tuple[Item, Verdict, dict[str, Any]]] = []
    for mode, tolerant in (("exact spans", False), ("quote-tolerant spans", True)):
        counts = {"correct": 0, "alignment": 0, "segmentation": 0, "opening": 0, "tail only": 0, "would": 0}
        for item, doc in zip(items, docs, strict=True):
            v = judge(item, doc, tolerant=tolerant)
            if v.correct:
                counts["correct"] += 1
                continue
            if tolerant != args.exact:
                failures.append((item, v, doc))
            if v.segmentation_exact:
                counts["alignment"] += 1
            else:
                counts["segmentation"] += 1
                counts["opening" if not v.opening_segmented else "tail only"] += 1
                counts["would"] += v.alignment_ok
        print(f"  [{mode}] opening recovered exactly: {counts['correct']}/{n} ({counts['correct'] / n:.0%}); "
              f"alignment failures {counts['alignment']}; segmentation failures {counts['segmentation']} "
              f"(in the opening {counts['opening']}, in the rest only {counts['tail only']}; "
              f"alignment test passed on storytrace's sentences {counts['would']})")
    print(f"  {elapsed:.1f} s for {n} diffs")
    if args.errors:
        for item, problems in zip(items, recovered, strict=True):
            if problems:
                print(f"\n== item {item.index} (k={item.k}): opening not recovered")
                for p in problems[:8]:
                    print(f"  - {p}")
        print(f"\nFailures under {'exact-span' if args.exact else 'quote-tolerant'} matching:")
        for item, v, doc in failures:
            kind = "alignment" if v.segmentation_exact else "segmentation"
            print(f"\n== item {item.index} (k={item.k}): {kind} failure")
            if not v.segmentation_exact:
                print(f"  storytrace sentences A {len(doc['versions'][0]['sentences'])} / known "
                      f"{len(item.a_spans)}, B {len(doc['versions'][1]['sentences'])} / known "
                      f"{len(item.b_spans)}")
            for p in v.problems[:10]:
                print(f"  - {p}")
            if not v.segmentation_exact:
                print(describe_segmentation(item, doc, strip="" if args.exact else QUOTES))
            for li in v.bad_links[:10]:
                print(describe_link(doc, li))
    return 0


if __name__ == "__main__":
    sys.exit(main())
