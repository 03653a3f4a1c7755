"""Deterministic builder of derived copies of real news passages, with gold labels, for `trace` and `group`.

The corpus is RoFT NYT passages (10 sentences each, read at run time from ../shared, never copied into the
repository). Each copy derives from one corpus passage in one of five ways, the way content farms and wire
reuse do:

- verbatim: the passage as is, laid out in other paragraphs;
- edited: three or four sentences with a number changed or a word replaced;
- paraphrased: three sentences reworded (the clauses around a comma swapped, common words replaced by
  synonyms), facts untouched;
- spliced: the first seven sentences of one passage followed by the first three of another;
- invented: the passage with two or three sentences from passages outside the corpus inserted.

Gold labels are per sentence of the copy, with the character span each occupies in its text, so an evaluation
can map them onto whatever sentences storytrace finds. Invented sentences come from held-out passages none of
whose sentences (compared case-folded) occurs in the corpus, so `unsupported` can be checked.

Imported by the tests (`from bench.copies import ...`) and by the benchmarks (`from copies import ...`): it
imports nothing from the rest of bench/.
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "roft-nyt" / "prompts-nyt-dev.json"
KINDS = ("verbatim", "edited", "paraphrased", "spliced", "invented")

SYNONYMS = {
    "government": "administration", "officials": "authorities", "company": "firm", "people": "individuals",
    "announced": "unveiled", "began": "started", "large": "sizable", "many": "numerous", "because": "since",
    "help": "assist", "found": "discovered", "children": "kids", "killed": "slain", "building": "structure",
    "home": "residence", "house": "dwelling", "car": "vehicle", "job": "position", "buy": "purchase",
    "bought": "purchased", "money": "funds", "important": "significant", "big": "major", "small": "modest",
    "tried": "attempted", "asked": "requested", "wanted": "sought", "need": "require", "think": "believe",
    "thought": "believed", "group": "organization", "members": "participants", "country": "nation",
    "plan": "proposal", "law": "statute", "make": "create", "made": "created", "get": "obtain",
    "received": "obtained", "use": "employ", "used": "employed", "often": "frequently", "recently": "lately",
    "however": "nevertheless", "but": "yet", "while": "whereas", "after": "following", "during": "throughout",
    "among": "amid", "including": "such as", "about": "roughly", "city": "municipality", "show": "exhibition",
    "work": "labor", "family": "relatives", "would": "could", "very": "extremely",
    "start": "begin", "called": "dubbed", "went": "headed", "left": "departed", "took": "seized",
    "gave": "handed", "program": "scheme", "problem": "issue", "problems": "issues",
    "area": "region", "market": "marketplace", "agreed": "consented", "life": "existence",
    "school": "academy", "students": "pupils", "team": "squad", "win": "victory",
}
FILLER_WORDS = ("major", "local", "senior", "former", "leading", "regional", "veteran", "key", "rival", "private")
_NUMBER = re.compile(r"\b\d+\b")
_LOWER_WORD = re.compile(r"\b[a-z]{5,}\b")
_WORD = re.compile(r"[A-Za-z]+")


@dataclass(frozen=True)
class GoldSentence:
    """A sentence of a copy: where it lies in the copy's text, its gold verdict and the document it came from."""

    start: int
    end: int
    label: str  # copied | edited | paraphrased | unsupported
    origin: str | None


@dataclass(frozen=True)
class Copy:
    id: str
    kind: str
    text: str
    source: str  # the gold top-1 source: the corpus document that supplies most of its characters
    sentences: tuple[GoldSentence, ...]

    def gold_at(self, start: int, end: int) -> GoldSentence:
        """The gold sentence a found span overlaps most (segmenters may cut a copy differently from the gold)."""
        return max(self.sentences, key=lambda g: min(g.end, end) - max(g.start, start))


@dataclass(frozen=True)
class CopyCorpus:
    documents: list[tuple[str, str]]  # (id, text): the indexed corpus
    copies: list[Copy]
    sentences: list[str]  # the corpus passages' sentences: what filler documents may draw on


def load_passages(path: Path = DATA) -> list[list[str]]:
    if not path.exists():
        raise SystemExit(f"data file not found: {path} (expected ../shared next to the repository)")
    with path.open(encoding="utf-8") as f:
        return [[s.strip() for s in p] for p in json.load(f)["prompts"]]


def layout(sentences: list[str], rng: random.Random) -> tuple[str, list[tuple[int, int]]]:
    """Sentences in paragraphs of 2-4 (a blank line between), with each sentence's span in the text."""
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    position = 0
    left_in_paragraph = rng.randint(2, 4)
    for n, sentence in enumerate(sentences):
        if n:
            gap = " "
            left_in_paragraph -= 1
            if left_in_paragraph == 0:
                gap = "\n\n"
                left_in_paragraph = rng.randint(2, 4)
            parts.append(gap)
            position += len(gap)
        parts.append(sentence)
        spans.append((position, position + len(sentence)))
        position += len(sentence)
    return "".join(parts), spans


def doc_id(passage: int) -> str:
    return f"nyt-{passage:04d}"


def build(sources: int = 200, copies_per_kind: int = 40, seed: int = 7, passages: list[list[str]] | None = None,
          ) -> CopyCorpus:
    """A corpus of `sources` passages and `copies_per_kind` copies of each kind (not in the corpus)."""
    passages = passages if passages is not None else load_passages()
    rng = random.Random(seed)
    order = list(range(len(passages)))
    rng.shuffle(order)
    corpus_ids, held_out = order[:sources], order[sources:]
    seen = {s.casefold() for i in corpus_ids for s in passages[i]}
    invented_pool = [s for i in held_out for s in passages[i] if s.casefold() not in seen and len(s.split()) >= 6]
    documents = [(doc_id(i), layout(passages[i], random.Random(f"{seed}:{i}"))[0]) for i in corpus_ids]
    copies: list[Copy] = []
    for kind in KINDS:
        for n in range(copies_per_kind):
            crng = random.Random(f"{seed}:{kind}:{n}")
            a, b = crng.sample(corpus_ids, 2)
            copies.append(_derive(kind, n, a, b, passages, invented_pool, crng))
    return CopyCorpus(documents, copies, [s for i in corpus_ids for s in passages[i]])


def compilations(corpus: CopyCorpus, passages: list[list[str]], count: int, seed: int,
                 sizes: tuple[int, ...] = (3, 4, 6, 8)) -> list[Copy]:
    """Roundups: two consecutive sentences from each of 3 to 8 corpus documents, in turn (kind "compiled"). Each
    source supplies a small part of the text, as in a press-release patchwork or a news digest."""
    ids = [int(doc.rsplit("-", 1)[1]) for doc, _ in corpus.documents]
    found = []
    for n in range(count):
        rng = random.Random(f"{seed}:compiled:{n}")
        items: list[tuple[str, str]] = []  # (sentence, origin)
        for i in rng.sample(ids, rng.choice(sizes)):
            start = rng.randrange(max(1, len(passages[i]) - 1))
            items += [(sentence, doc_id(i)) for sentence in passages[i][start : start + 2]]
        text, spans = layout([sentence for sentence, _ in items], rng)
        gold = tuple(GoldSentence(a, b, "copied", origin) for (a, b), (_, origin) in zip(spans, items, strict=True))
        supplied = Counter[str]()
        for g in gold:
            supplied[g.origin or ""] += g.end - g.start
        found.append(Copy(f"copy-compiled-{n:03d}", "compiled", text, supplied.most_common(1)[0][0], gold))
    return found


def _derive(kind: str, n: int, a: int, b: int, passages: list[list[str]], invented: list[str],
            rng: random.Random) -> Copy:
    src = passages[a]
    items: list[tuple[str, str, str | None]]  # (sentence, label, origin)
    items = [(s, "copied", doc_id(a)) for s in src]
    if kind == "edited":
        for i in rng.sample(range(len(src)), 4):
            changed = edit_sentence(src[i], rng)
            if changed != src[i]:
                items[i] = (changed, "edited", doc_id(a))
    elif kind == "paraphrased":
        done = 0
        for i in rng.sample(range(len(src)), len(src)):
            changed = paraphrase_sentence(src[i], rng)
            if changed is not None:
                items[i] = (changed, "paraphrased", doc_id(a))
                done += 1
                if done == 3:
                    break
    elif kind == "spliced":
        items = items[:7] + [(s, "copied", doc_id(b)) for s in passages[b][:3]]
    elif kind == "invented":
        for sentence in rng.sample(invented, rng.randint(2, 3)):
            items.insert(rng.randint(1, len(items)), (sentence, "unsupported", None))
    text, spans = layout([s for s, _, _ in items], rng)
    gold = tuple(
        GoldSentence(start, end, label, origin)
        for (start, end), (_, label, origin) in zip(spans, items, strict=True)
    )
    # The gold top source supplies most of the copy's characters (a splice's three sentences may outweigh seven).
    supplied = {doc_id(a): 0, doc_id(b): 0}
    for g in gold:
        if g.origin is not None:
            supplied[g.origin] += g.end - g.start
    top = max(supplied, key=lambda origin: (supplied[origin], origin == doc_id(a)))
    return Copy(f"copy-{kind}-{n:03d}", kind, text, top, gold)


def edit_sentence(sentence: str, rng: random.Random) -> str:
    """A number changed if there is one, else a word replaced by another of the kind editors swap in."""
    numbers = [m for m in _NUMBER.finditer(sentence) if not (1900 <= int(m.group()) <= 2030)]
    if numbers:
        m = rng.choice(numbers)
        value = int(m.group())
        return sentence[: m.start()] + str(value + rng.randint(2, 9)) + sentence[m.end() :]
    words = [m for m in _LOWER_WORD.finditer(sentence)]
    if not words:
        return sentence
    m = rng.choice(words)
    return sentence[: m.start()] + rng.choice(FILLER_WORDS) + sentence[m.end() :]


def paraphrase_sentence(sentence: str, rng: random.Random) -> str | None:
    """The clauses around a middle comma swapped and at least one common word replaced by a synonym; None if the
    sentence has no such comma or no such word. Numbers and names are left alone."""
    body = sentence.rstrip()
    end = body[-1] if body and body[-1] in ".!?" else ""
    body = body[: len(body) - len(end)]
    if '"' in body or "''" in body or "``" in body:
        return None
    commas = [m.start() for m in re.finditer(r", ", body)]
    total = len(body.split())
    splits = [c for c in commas if 0.35 <= len(body[:c].split()) / total <= 0.65]
    if not splits:
        return None
    cut = min(splits, key=lambda c: abs(len(body[:c].split()) - total / 2))
    first, second = body[:cut], body[cut + 2 :]
    first = _lower_first(first)
    second = second[:1].upper() + second[1:]
    swapped = f"{second}, {first}{end or '.'}"
    replaced, count = _synonyms(swapped, rng)
    return replaced if count else None


def _lower_first(text: str) -> str:
    word = _WORD.match(text)
    if word and word.group() in {"The", "A", "An", "He", "She", "It", "They", "In", "At", "On", "But", "And",
                                  "When", "While", "After", "Before", "As", "If", "This", "That", "His", "Her"}:
        return text[:1].lower() + text[1:]
    return text


def _synonyms(text: str, rng: random.Random) -> tuple[str, int]:
    """Replace up to three words of SYNONYMS (lower-case occurrences only), chosen at random."""
    spots = [m for m in _WORD.finditer(text) if m.group() in SYNONYMS]
    chosen = sorted(rng.sample(spots, min(3, len(spots))), key=lambda m: m.start(), reverse=True)
    for m in chosen:
        text = text[: m.start()] + SYNONYMS[m.group()] + text[m.end() :]
    return text, len(chosen)


def filler_documents(count: int, seed: int, sentences: list[str]) -> list[tuple[str, str]]:
    """`count` background documents to grow a corpus: ten of `sentences` drawn at random, most with a word or a
    number changed, so that documents sharing a sentence rarely share it word for word. Draw on the corpus's
    own sentences (CopyCorpus.sentences), never on held-out passages, or invented sentences stop being
    unsupported."""
    rng = random.Random(f"filler:{seed}")
    found = []
    for n in range(count):
        picked = [edit_sentence(s, rng) if rng.random() < 0.7 else s for s in rng.sample(sentences, 10)]
        found.append((f"filler-{seed}-{n:07d}", " ".join(picked)))
    return found
