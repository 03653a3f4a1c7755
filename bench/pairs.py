"""Deterministic builder of (original, revision) article pairs from real NYT sentences.

An article is 40 real sentences (4 consecutive passages of the RoFT prompts file). Its revision edits
about 20% of the sentences with a realistic mix: word-level substitutions (a number changed, a word
replaced, a clause added), one sentence split in two, two merged into one, one moved, one inserted
(taken from another passage) and one deleted. The corpus is read at run time from ../shared and never
copied into the repository.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "roft-nyt" / "prompts-nyt-dev.json"

PASSAGES_PER_ARTICLE = 4
Pair = tuple[str, str, dict]  # (text_a, text_b, truth)
CLAUSES = [
    ", officials said",
    ", according to a statement released on Tuesday",
    ", a spokesman said",
    ", though the details remained unclear",
    ", people familiar with the matter said",
    ", as expected",
]
_NUMBER = re.compile(r"\d+")
_WORD = re.compile(r"\b[a-z]{4,}\b")
_END = re.compile(r"[.!?]$")
_JOINABLE = {"The", "He", "She", "It", "They", "But", "A", "An", "In", "That", "This", "His", "Her", "Its"}


def load_passages(path: Path = DATA) -> list[list[str]]:
    """Return the prompts file's passages (lists of 10 sentences)."""
    if not path.exists():
        raise SystemExit(f"data file not found: {path} (expected ../shared next to the repository)")
    with path.open(encoding="utf-8") as f:
        return json.load(f)["prompts"]


@dataclass
class Item:
    """One sentence of the revision under construction."""

    text: str
    origin: tuple[int, ...]  # indices of the original sentences it comes from (empty if inserted)
    op: str = "same"
    detail: str = ""
    pend: bool = False  # a paragraph ends after this sentence


def paragraph_ends(n: int, rng: random.Random) -> set[int]:
    """Indices of the sentences that close a paragraph of 3-5 sentences."""
    ends, i = set(), -1
    while i < n - 1:
        i = min(n - 1, i + rng.randint(3, 5))
        ends.add(i)
    return ends


def layout(sentences: list[str], ends: set[int]) -> tuple[str, list[tuple[int, int]]]:
    """Join sentences into paragraphs separated by blank lines; return the text and each sentence's span."""
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    for i, s in enumerate(sentences):
        if i:
            sep = "\n\n" if i - 1 in ends else " "
            parts.append(sep)
            pos += len(sep)
        parts.append(s)
        spans.append((pos, pos + len(s)))
        pos += len(s)
    return "".join(parts), spans


def render(sentences: list[str], ends: set[int]) -> str:
    """Join sentences into paragraphs of sentences separated by blank lines."""
    return layout(sentences, ends)[0]


def substitute(text: str, kind: str, rng: random.Random, words: list[str]) -> tuple[str, str, str] | None:
    """Apply one word-level edit (number, else word, or clause); return (text, op, detail) or None."""
    numbers = list(_NUMBER.finditer(text))
    if kind == "number" and numbers:
        m = rng.choice(numbers)
        old = int(m.group())
        new = max(0, old + rng.choice([-1, 1]) * rng.randint(1, max(2, old // 10)))
        if new == old:
            new = old + 1
        return text[: m.start()] + str(new) + text[m.end() :], "number", f"{old} -> {new}"
    if kind == "clause" and _END.search(text):
        clause = rng.choice(CLAUSES)
        return text[:-1] + clause + text[-1], "clause", clause.strip(", ")
    candidates = list(_WORD.finditer(text))
    if not candidates:
        return None
    m = rng.choice(candidates)
    new = rng.choice(words)
    if new == m.group():
        return None
    return text[: m.start()] + new + text[m.end() :], "word", f"{m.group()} -> {new}"


def split_sentence(text: str) -> tuple[str, str] | None:
    """Split a sentence at a comma or semicolon near its middle, or return None."""
    lo, hi = int(len(text) * 0.35), int(len(text) * 0.65)
    for sep in (", ", "; "):
        for m in re.finditer(re.escape(sep), text):
            if lo <= m.start() <= hi and text[m.end() : m.end() + 1].isalpha():
                first, second = text[: m.start()] + ".", text[m.end() :]
                return first, second[0].upper() + second[1:]
    return None


def merge_sentences(first: str, second: str) -> str | None:
    """Join two sentences with a semicolon, or return None if they do not join cleanly."""
    if not first.endswith("."):
        return None
    head, _, tail = second.partition(" ")
    if head in _JOINABLE:
        head = head.lower()
    return first[:-1] + "; " + head + " " + tail


def _untouched(items: list[Item], rng: random.Random, tries: int = 200) -> int | None:
    """Position of a random item not edited yet, or None."""
    for _ in range(tries):
        j = rng.randrange(len(items))
        if items[j].op == "same":
            return j
    return None


def _splits_pair(items: list[Item], p: int) -> bool:
    """Would inserting at position p separate the two halves of a split sentence?"""
    if not 0 < p < len(items):
        return False
    before, after = items[p - 1], items[p]
    return before.op == after.op == "split" and before.origin == after.origin


def _position(items: list[Item], rng: random.Random, avoid: int | None = None) -> int:
    """A random insertion position, not inside a split and (if `avoid` is given) at least 3 from it."""
    p = rng.randrange(len(items) + 1)
    for _ in range(50):
        if not _splits_pair(items, p) and (avoid is None or abs(p - avoid) >= 3):
            break
        p = rng.randrange(len(items) + 1)
    return p


def revise(
    sentences: list[str], ends: set[int], rng: random.Random, inserts: list[str], rate: float = 0.2
) -> list[Item]:
    """Edit about `rate` of the sentences; return the revision as Items that remember their origin.

    Per 40 sentences: one split, one merge (two sentences), one move, one insert, one delete, and
    word-level substitutions for the rest of the budget (three at rate 0.2).
    """
    n = len(sentences)
    items = [Item(s, (i,), pend=i in ends) for i, s in enumerate(sentences)]
    k = max(1, round(n / 40))
    words = [w for s in rng.sample(inserts, min(len(inserts), 50)) for w in _WORD.findall(s)] or ["report"]

    for _ in range(max(0, round(rate * n) - 5 * k)):
        kind = rng.choice(["number", "word", "clause"])
        j = _untouched(items, rng)
        for _ in range(10 if kind == "number" else 0):  # prefer a sentence that has a number
            if j is None or _NUMBER.search(items[j].text):
                break
            j = _untouched(items, rng)
        edited = substitute(items[j].text, kind, rng, words) if j is not None else None
        if edited:
            items[j].text, items[j].op, items[j].detail = edited

    for _ in range(k):  # split
        for _ in range(50):
            j = _untouched(items, rng)
            parts = split_sentence(items[j].text) if j is not None else None
            if parts:
                it = items[j]
                items[j : j + 1] = [
                    Item(parts[0], it.origin, "split"),
                    Item(parts[1], it.origin, "split", pend=it.pend),
                ]
                break

    for _ in range(k):  # merge two adjacent original sentences
        for _ in range(50):
            j = _untouched(items, rng)
            if j is None or j + 1 >= len(items):
                continue
            a, b = items[j], items[j + 1]
            if b.op != "same" or a.pend or b.origin[0] != a.origin[0] + 1:
                continue
            merged = merge_sentences(a.text, b.text)
            if merged:
                items[j : j + 2] = [Item(merged, a.origin + b.origin, "merge", pend=b.pend)]
                break

    for _ in range(k):  # delete
        j = _untouched(items, rng)
        if j is not None:
            if items[j].pend and j > 0:
                items[j - 1].pend = True
            del items[j]

    for _ in range(k):  # insert a sentence from elsewhere
        items.insert(_position(items, rng), Item(rng.choice(inserts), (), "insert"))

    for _ in range(k):  # move one sentence at least 3 places away
        j = _untouched(items, rng)
        if j is None:
            continue
        it = items.pop(j)
        if it.pend and j > 0:
            items[j - 1].pend = True
        it.op, it.pend = "move", False
        items.insert(_position(items, rng, avoid=j), it)
    return items


def truth_links(n_a: int, items: list[Item]) -> list[dict]:
    """Gold links in revision order (the halves of a split share one link), then deleted originals."""
    links: list[dict] = []
    split_links: dict[tuple[int, ...], dict] = {}
    for j, it in enumerate(items):
        if it.op == "split" and it.origin in split_links:
            split_links[it.origin]["b"].append(j)
            continue
        link = {"a": list(it.origin), "b": [j], "op": it.op}
        if it.detail:
            link["detail"] = it.detail
        if it.op == "split":
            split_links[it.origin] = link
        links.append(link)
    kept = {i for it in items for i in it.origin}
    links += [{"a": [i], "b": [], "op": "delete"} for i in range(n_a) if i not in kept]
    return links


def make_pair(passages: list[list[str]], rng: random.Random) -> Pair:
    """One article and its revision: (text_a, text_b, truth).

    truth: the article's first passage, sentence counts and spans, and the gold links, each
    {"a": [...], "b": [...], "op": same|word|number|clause|split|merge|move|insert|delete}.
    """
    start = rng.randrange(len(passages) - PASSAGES_PER_ARTICLE + 1)
    sentences = [s for p in passages[start : start + PASSAGES_PER_ARTICLE] for s in p]
    article = range(start, start + PASSAGES_PER_ARTICLE)
    outside = [i for i in rng.sample(range(len(passages)), 8) if i not in article]
    inserts = [s for i in outside[:3] for s in passages[i]]
    ends = paragraph_ends(len(sentences), rng)
    items = revise(sentences, ends, rng, inserts)
    text_a, spans_a = layout(sentences, ends)
    text_b, spans_b = layout([it.text for it in items], {j for j, it in enumerate(items) if it.pend})
    truth = {
        "start_passage": start,
        "sentences_a": len(sentences),
        "sentences_b": len(items),
        "spans_a": spans_a,  # (start, end) of each sentence in text_a
        "spans_b": spans_b,
        "links": truth_links(len(sentences), items),
    }
    return text_a, text_b, truth


def build_pairs(n: int, seed: int = 0, passages: list[list[str]] | None = None) -> list[Pair]:
    """Return n deterministic pairs; pair i depends only on (seed, i)."""
    passages = passages if passages is not None else load_passages()
    return [make_pair(passages, random.Random(seed * 1_000_003 + i)) for i in range(n)]


if __name__ == "__main__":
    a, b, t = build_pairs(1)[0]
    print(a[:600], "\n...\n")
    print(b[:600], "\n...\n")
    print([link for link in t["links"] if link["op"] != "same"])


_INNER_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")
_OPENING_QUOTE = re.compile(r'"(?=\w)')


def typographic(text: str) -> str:
    """The text as web pages print it: apostrophes inside words as \u2019, double quotes as \u201c and \u201d, and
    " -- " as an em dash. The NYT prompts are plain ASCII; news on the web mostly is not, and a diff of such text
    takes the non-ASCII paths of the text helpers."""
    text = _INNER_APOSTROPHE.sub("\u2019", text)
    text = _OPENING_QUOTE.sub("\u201c", text).replace('"', "\u201d")
    return text.replace(" -- ", " \u2014 ")

