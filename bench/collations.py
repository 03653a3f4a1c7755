"""Deterministic builder of multi-version story sets with gold units, from real NYT sentences.

A set is one story as it travels: one outlet's revision chain and a few rewritten copies by other outlets.

- The story is `story_passages` consecutive passages of the RoFT prompts file (about 10 real sentences each, once
  the corpus's sentence boundaries are repaired: see `clean`; 6 passages by default, about 60 sentences).
  Revision 1 is those sentences in paragraphs of 3-5.
- Each later revision edits the one before it, the way a live story is updated: 1-3 word-level substitutions
  (a number, a word or a clause, as in bench/pairs.py) and, each with some chance, a sentence split in two, two
  adjacent sentences merged, a sentence moved at least 3 places, 0-2 sentences inserted (from other passages)
  and a sentence deleted (once the story has grown 3 sentences longer than at first: always a deletion and no
  insertion, so that it keeps its length). Once per chain of 5 or more revisions, a sentence is deleted and
  restored 2-3 revisions later, at its old place.
- Each copy is made from one revision by another outlet, some minutes to hours after it, as an AI rewrite
  would be: it keeps the first 2-4 sentences as they are, keeps 40-85% of the story after that, paraphrasing
  about a quarter of those sentences of 8 words or more (words reworded, synonyms, an attribution added, a
  trailing clause trimmed) and dropping about one in seven, and invents an ending of 3-10 sentences taken from
  other passages. Copies are laid out in new paragraphs.

Gold comes only from these edit scripts. Every sentence of every version carries the ids of the statements it
states: a sentence taken over or edited carries its source's statements, the two halves of a split both carry
the statement they came from, a merged sentence carries both statements, an inserted or invented sentence
carries a new one. Gold units are the transitive closure ("A and B in one sentence somewhere" puts every
sentence carrying A or B in one unit), which is what `storytrace.collate` must find. A sentence's gold first
version is the earliest version (by time) carrying a sentence of its gold unit. Each gold unit also records the
kinds of edit its statements went through (see KINDS), for breaking errors down.

Sentences repeated verbatim inside a story or a pool would make the gold ambiguous, so a story never holds two
sentences with the same words, and inserted or invented sentences are distinct from the story and each other.
The corpus is read at run time from ../shared and never copied into the repository.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from baselines import split_sentences
from pairs import (
    CLAUSES,
    Item,
    _position,
    _untouched,
    layout,
    load_passages,
    merge_sentences,
    paragraph_ends,
    split_sentence,
    substitute,
)

KINDS = (
    "unedited",  # never edited anywhere
    "number", "word", "clause",  # word-level substitutions in a revision
    "split", "merge", "move", "insert", "delete", "restore",  # sentence-level edits in a revision
    "reword", "synonym", "attribution", "trim", "copy_drop", "invented",  # what a copy did
)  # fmt: skip
OUTLETS = ("Harbor Herald", "Daily Courier", "Metro Wire", "Evening Ledger", "Valley Post", "Coast Times")
SYNONYMS = {
    "said": "stated", "says": "states", "told": "informed", "about": "around", "because": "as",
    "however": "but", "also": "additionally", "began": "started", "people": "individuals", "children": "kids",
    "before": "prior to", "after": "following", "during": "throughout", "many": "numerous", "big": "large",
    "show": "demonstrate", "shows": "demonstrates", "help": "assist", "buy": "purchase", "near": "close to",
    "enough": "sufficient", "percent": "per cent", "city": "town", "company": "firm", "money": "funds",
}  # fmt: skip
TITLES = {
    "Mr.", "Mrs.", "Ms.", "Dr.", "St.", "Gen.", "Gov.", "Sen.", "Rep.", "Lt.", "Col.", "Sgt.", "Capt.", "Prof.",
    "Rev.", "Cpl.", "Pvt.", "Maj.", "Adm.", "Brig.", "Cmdr.", "Pfc.", "Spc.", "Messrs.", "Msgr.", "No.", "Nos.",
}  # fmt: skip
_WORD = re.compile(r"\b[a-z]{4,}\b")
_KEY = re.compile(r"[a-z0-9]+")
Held = tuple[Item, int, int]  # a deleted sentence, the statement it followed (-1: none), its place

_JOINABLE = {"The", "He", "She", "It", "They", "But", "A", "An", "In", "That", "This", "His", "Her", "Its"}


@dataclass
class Text:
    """One version as given to collate."""

    text: str
    label: str
    outlet: str
    time: str  # ISO 8601, UTC


@dataclass
class StorySet:
    """A set of versions (in input order) and its gold truth, indexed like the versions."""

    versions: list[Text]
    spans: list[list[tuple[int, int]]]  # each gold sentence's (start, end) in the version's text
    paragraphs: list[list[int]]  # each gold sentence's paragraph number
    unit: list[list[int]]  # each gold sentence's gold unit
    first: list[list[int]]  # each gold sentence's gold first version (earliest by time carrying its unit)
    ops: list[list[str]]  # the edit that made each sentence in this version (from its previous version)
    unit_kinds: list[tuple[str, ...]]  # per gold unit, the kinds of edit in its history
    order: list[int]  # version indices by time
    meta: dict = field(default_factory=dict)

    @property
    def sentences(self) -> int:
        return sum(len(s) for s in self.spans)


def clean(passage: list[str]) -> list[str]:
    """The passage with the corpus's sentence boundaries repaired, by rules that read only the corpus.

    The corpus both misses sentence ends ("in Salem, Mass. In May") and cuts inside sentences ("the No." +
    "2 official"). Each item is first cut with the benchmarks' own regex splitter (baselines.split_sentences,
    which knows nothing of storytrace), except after a dotted acronym ("the F.B.I. Director"). Then a piece
    joins the one before it when that one does not end in . ! or ? (a headline or byline), ends in a title or
    "No." ("Lance Cpl." + "John Doe") or an initial, or when the piece starts with a lower-case letter
    ("30 m.p.h." + "and stopped"). An opening quote mark or bracket left at the end of a sentence (" ''",
    " (") moves to the start of the next one, and a last piece that is not a sentence (a headline with nothing
    after it) is dropped.
    """
    pieces: list[str] = []
    for item in passage:
        for k, piece in enumerate(split_sentences(item)):
            if k and re.search(r"\w\.\w+\.$", pieces[-1].rpartition(" ")[2]):  # "the F.B.I. Director"
                pieces[-1] = f"{pieces[-1]} {piece}"
            else:
                pieces.append(piece)
    out: list[str] = []
    for sentence in pieces:
        if out and _fragment(out[-1], sentence):
            out[-1] = f"{out[-1]} {sentence}"
        else:
            out.append(sentence)
    for i in range(len(out) - 1):
        for opener in (" ''", ' "', " ("):
            if out[i].endswith(opener):
                out[i], out[i + 1] = out[i][: -len(opener)], opener[1:] + out[i + 1]
    if out and not _ends(out[-1]):
        out.pop()
    return out


def _ends(sentence: str) -> bool:
    return sentence.rstrip(" '\")]").endswith((".", "!", "?"))


def _fragment(before: str, sentence: str) -> bool:
    last = before.rstrip(" '\")]").rpartition(" ")[2]
    return not _ends(before) or last in TITLES or bool(re.fullmatch(r"[A-Z]\.", last)) or sentence[:1].islower()


def load_clean() -> list[list[str]]:
    """The corpus passages, each with its sentence boundaries repaired (see clean)."""
    return [clean(p) for p in load_passages()]


def _key(text: str) -> str:
    return " ".join(_KEY.findall(text.lower()))


class Builder:
    """Builds one set: keeps the statement ids, the kinds of edit per statement and the pool of new sentences."""

    def __init__(self, rng: random.Random, pool: list[str], words: list[str], size: int) -> None:
        self.rng = rng
        self.size = size  # the story's length: revisions stay within a few sentences of it
        self.pool = pool
        self.words = words
        self.kinds: dict[int, set[str]] = {}
        self.next_id = 0

    def statement(self, kind: str | None = None) -> int:
        sid = self.next_id
        self.next_id += 1
        self.kinds[sid] = {kind} if kind else set()
        return sid

    def mark(self, item: Item, kind: str) -> None:
        for sid in item.origin:
            self.kinds[sid].add(kind)

    def fresh(self) -> str:
        return self.pool.pop()

    # -- the revision chain -------------------------------------------------------------------------------

    def revise(
        self, previous: list[Item], drop: bool = False, restore: Held | None = None
    ) -> tuple[list[Item], Held | None]:
        """The next revision of `previous`; with `drop`, also delete a sentence to be restored later (returned)."""
        rng = self.rng
        items = [Item(it.text, it.origin, pend=it.pend) for it in previous]
        for _ in range(rng.randint(1, 3)):
            kind = rng.choice(["number", "word", "clause"])
            j = _untouched(items, rng)
            for _ in range(10 if kind == "number" else 0):
                if j is None or re.search(r"\d", items[j].text):
                    break
                j = _untouched(items, rng)
            edited = substitute(items[j].text, kind, rng, self.words) if j is not None else None
            if edited and j is not None:
                items[j].text, items[j].op, items[j].detail = edited
                self.mark(items[j], edited[1])
        if rng.random() < 0.3:
            self._split(items)
        if rng.random() < 0.2:
            self._merge(items)
        removed = None
        if drop:
            removed = self._delete(items, "restore")
        long = len(items) > self.size + 2  # a live story is rewritten, not only added to: keep its length
        if long or rng.random() < 0.3:
            self._delete(items, "delete")
        for _ in range(0 if long else rng.choice([0, 1, 1, 2])):
            item = Item(self.fresh(), (self.statement("insert"),), "insert")
            items.insert(_position(items, rng), item)
        if restore is not None:
            self._restore(items, *restore)
        if rng.random() < 0.2:
            self._move(items)
        return items, removed

    def _split(self, items: list[Item]) -> None:
        for _ in range(50):
            j = _untouched(items, self.rng)
            if j is None or any(c in items[j].text for c in CLAUSES):  # not at an added ", officials said"
                continue
            parts = split_sentence(items[j].text)
            if parts:
                it = items[j]
                halves = [Item(parts[0], it.origin, "split"), Item(parts[1], it.origin, "split", pend=it.pend)]
                items[j : j + 1] = halves
                self.mark(it, "split")
                return

    def _merge(self, items: list[Item]) -> None:
        for _ in range(50):
            j = _untouched(items, self.rng)
            if j is None or j + 1 >= len(items):
                continue
            a, b = items[j], items[j + 1]
            if b.op != "same" or a.pend:
                continue
            merged = merge_sentences(a.text, b.text)
            if merged:
                origin = tuple(dict.fromkeys(a.origin + b.origin))
                items[j : j + 2] = [Item(merged, origin, "merge", pend=b.pend)]
                self.mark(a, "merge")
                self.mark(b, "merge")
                return

    def _delete(self, items: list[Item], kind: str) -> Held | None:
        """Delete an untouched sentence; return it, the statement it followed (-1: none) and its place."""
        for _ in range(20):
            j = _untouched(items, self.rng)
            if j is None or (kind == "restore" and len(items[j].origin) != 1):
                continue
            if j > 0 and items[j].pend:
                items[j - 1].pend = True
            it = items.pop(j)
            self.mark(it, kind)
            return Item(it.text, it.origin, pend=it.pend), items[j - 1].origin[-1] if j > 0 else -1, j
        return None

    def _restore(self, items: list[Item], item: Item, after: int, place: int) -> None:
        """Put a deleted sentence back after the sentence(s) of the statement it followed (else where it was)."""
        at = min(place, len(items)) if after >= 0 else 0
        for j, it in enumerate(items):
            if after in it.origin:
                at = j + 1
        if at and items[at - 1].pend:  # keep the paragraph break after the restored sentence
            items[at - 1].pend, item.pend = False, True
        else:
            item.pend = False
        items.insert(at, Item(item.text, item.origin, "restore", pend=item.pend))

    def _move(self, items: list[Item]) -> None:
        j = _untouched(items, self.rng)
        if j is None:
            return
        it = items.pop(j)
        if it.pend and j > 0:
            items[j - 1].pend = True
        it.op, it.pend = "move", False
        self.mark(it, "move")
        items.insert(_position(items, self.rng, avoid=j), it)

    # -- copies by other outlets --------------------------------------------------------------------------

    def copy(self, source: list[Item], outlet: str) -> list[Item]:
        """An AI-style rewrite of `source`: the opening kept, some sentences paraphrased or dropped, the rest
        cut and an ending invented from other passages."""
        rng = self.rng
        opening = rng.randint(2, 4)
        keep = max(opening + 1, round(len(source) * rng.uniform(0.4, 0.85)))
        out: list[Item] = []
        for j, it in enumerate(source[:keep]):
            if j < opening:
                out.append(Item(it.text, it.origin))
                continue
            x = rng.random()
            if x < 0.14:
                self.mark(it, "copy_drop")
            elif x < 0.39 and len(it.text.split()) >= 8:  # short sentences are kept as they are
                text, kinds = self.paraphrase(it.text, outlet)
                out.append(Item(text, it.origin, "+".join(kinds)))
                for kind in kinds:
                    self.mark(it, kind)
            else:
                out.append(Item(it.text, it.origin))
        for _ in range(rng.randint(3, 10)):
            out.append(Item(self.fresh(), (self.statement("invented"),), "invented"))
        for j in paragraph_ends(len(out), rng):
            out[j].pend = True
        return out

    def paraphrase(self, text: str, outlet: str) -> tuple[str, list[str]]:
        """One or two rewordings of a sentence; the kinds applied, in order."""
        rng = self.rng
        todo = rng.sample(["reword", "synonym", "attribution", "trim"], 2 if rng.random() < 0.3 else 1)
        todo.sort(key=lambda k: k != "trim")  # trim first: never cut an attribution off again
        done: list[str] = []
        for kind in todo:
            new = self._paraphrase(text, kind, outlet)
            if new is None and kind != "reword" and "reword" not in todo:
                kind, new = "reword", self._paraphrase(text, "reword", outlet)
            if new is not None and new != text:
                text = new
                if kind not in done:
                    done.append(kind)
        return text, done or ["unchanged"]

    def _paraphrase(self, text: str, kind: str, outlet: str) -> str | None:
        rng = self.rng
        if kind == "reword":  # about one content word in ten replaced, at most three
            n = max(1, min(3, len(text.split()) // 10))
            for _ in range(n):
                edited = substitute(text, "word", rng, self.words)
                if edited:
                    text = edited[0]
            return text
        if kind == "synonym":  # up to two synonyms
            hits = [m for m in re.finditer(r"\b[a-z]+\b", text) if m.group() in SYNONYMS]
            if not hits:
                return None
            for m in sorted(rng.sample(hits, min(2, len(hits))), key=lambda m: -m.start()):
                text = text[: m.start()] + SYNONYMS[m.group()] + text[m.end() :]
            return text
        if kind == "attribution":
            if not text.endswith("."):
                return None
            head, _, tail = text.partition(" ")
            if head in _JOINABLE and rng.random() < 0.5:
                return f"According to the {outlet}, {head.lower()} {tail}"
            return text[:-1] + f", the {outlet} reported."
        if kind == "trim":  # drop a trailing clause
            cut = text.rfind(", ")
            quoted = text.count('"') % 2 or "''" in text[cut:]
            if not text.endswith(".") or cut < 0.55 * len(text) or len(text[:cut].split()) < 6 or quoted:
                return None
            return text[:cut] + "."
        raise ValueError(kind)


def _clock(rng: random.Random) -> datetime:
    return datetime(2024, 1, 1, 6, tzinfo=UTC) + timedelta(days=rng.randrange(700), minutes=rng.randrange(360))


def _iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def _content(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(text.lower()))


def _alike(x: frozenset[str], y: frozenset[str]) -> bool:
    """Near duplicates: at least 3 content words and 60% of the smaller sentence's shared (the corpus holds a
    few articles twice, reworded)."""
    shared = len(x & y)
    return shared >= 3 and shared >= 0.6 * min(len(x), len(y))


def _story(passages: list[list[str]], rng: random.Random, count: int) -> tuple[int, list[str]]:
    """`count` consecutive passages with no two sentences the same or alike, and where they start."""
    for _ in range(1000):
        start = rng.randrange(len(passages) - count + 1)
        sentences = [s for p in passages[start : start + count] for s in p]
        if len({_key(s) for s in sentences}) < len(sentences):
            continue
        content = [_content(s) for s in sentences]
        if not any(_alike(x, y) for i, x in enumerate(content) for y in content[i + 1 :]):
            return start, sentences
    raise RuntimeError("no story without repeated sentences")


def _pool(passages: list[list[str]], rng: random.Random, story: range, avoid: list[str], size: int) -> list[str]:
    """Distinct sentences from passages outside the story, none the same as or alike a story sentence or each
    other, in random order."""
    pool, seen, content = [], {_key(s) for s in avoid}, [_content(s) for s in avoid]
    for i in rng.sample(range(len(passages)), len(passages)):
        if i in story:
            continue
        for s in passages[i]:
            k, c = _key(s), _content(s)
            if k and k not in seen and not any(_alike(c, d) for d in content):
                seen.add(k)
                content.append(c)
                pool.append(s)
        if len(pool) >= size:
            break
    rng.shuffle(pool)
    return pool


def build_set(
    passages: list[list[str]],
    rng: random.Random,
    revisions: int,
    copies: int,
    story_passages: int = 6,
    shuffle: bool = True,
) -> StorySet:
    """One story set: `revisions` revisions by one outlet and `copies` rewrites by others (see the module)."""
    start, sentences = _story(passages, rng, story_passages)
    story = range(start, start + story_passages)
    pool = _pool(passages, rng, story, sentences, 4 * revisions + 12 * copies + 80)
    # words for substitutions come from sentences that are never inserted (they would look alike)
    words = [w for s in pool[:50] for w in _WORD.findall(s)] or ["report"]
    del pool[:50]
    b = Builder(rng, pool, words, len(sentences))
    ends = paragraph_ends(len(sentences), rng)
    items = [Item(s, (b.statement(),), pend=i in ends) for i, s in enumerate(sentences)]

    lead = OUTLETS[rng.randrange(len(OUTLETS))]
    others = [o for o in OUTLETS if o != lead]
    t = _clock(rng)
    chain: list[tuple[list[Item], datetime]] = [(items, t)]
    drop_at = rng.randint(1, revisions - 3) if revisions >= 5 else -1
    back_at = drop_at + rng.randint(2, min(3, revisions - 1 - drop_at))
    held = None
    for r in range(1, revisions):
        t += timedelta(minutes=rng.randint(10, 180), seconds=rng.randrange(60))
        items, removed = b.revise(items, drop=r == drop_at, restore=held if r == back_at else None)
        if removed is not None:
            held = removed
        chain.append((items, t))

    built: list[tuple[list[Item], Text]] = []
    for r, (its, when) in enumerate(chain):
        built.append((its, Text("", f"{lead} r{r + 1}", lead, _iso(when))))
    times = {when for _, when in chain}
    for c in range(copies):
        r = rng.randrange(revisions)
        outlet = others[c % len(others)] if copies <= len(others) else f"{others[c % len(others)]} {c + 1}"
        when = chain[r][1] + timedelta(minutes=rng.randint(5, 300), seconds=rng.randrange(60))
        while when in times:
            when += timedelta(seconds=1)
        times.add(when)
        built.append((b.copy(chain[r][0], outlet), Text("", f"{outlet} (from r{r + 1})", outlet, _iso(when))))

    return _finish(b, built, rng if shuffle else None, {"start_passage": start, "revisions": revisions,
                                                      "copies": copies, "restore": [drop_at, back_at]})


def _finish(
    b: Builder, built: list[tuple[list[Item], Text]], shuffle: random.Random | None, meta: dict
) -> StorySet:
    """Lay out the texts, put the versions in input order and work out the gold units and first versions."""
    if shuffle is not None:
        built = shuffle.sample(built, len(built))
    parent = list(range(b.next_id))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for items, _ in built:
        for it in items:
            for sid in it.origin[1:]:
                parent[find(sid)] = find(it.origin[0])

    versions, spans, paragraphs, roots, ops = [], [], [], [], []
    for items, text in built:
        text.text, sp = layout([it.text for it in items], {j for j, it in enumerate(items) if it.pend})
        versions.append(text)
        spans.append(sp)
        par, p = [], 0
        for it in items:
            par.append(p)
            p += it.pend
        paragraphs.append(par)
        roots.append([find(it.origin[0]) for it in items])
        ops.append([it.op for it in items])
    order = sorted(range(len(versions)), key=lambda v: versions[v].time)
    number: dict[int, int] = {}
    first_of: list[int] = []
    for v in order:
        for root in roots[v]:
            if root not in number:
                number[root] = len(number)
                first_of.append(v)
    unit = [[number[root] for root in rs] for rs in roots]
    first = [[first_of[u] for u in us] for us in unit]
    kinds: list[set[str]] = [set() for _ in number]
    for sid, ks in b.kinds.items():
        if find(sid) in number:
            kinds[number[find(sid)]] |= ks
    unit_kinds = [tuple(k for k in KINDS if k in ks) or ("unedited",) for ks in kinds]
    return StorySet(versions, spans, paragraphs, unit, first, ops, unit_kinds, order, meta)


def build_sets(
    n: int, seed: int = 0, passages: list[list[str]] | None = None, shuffle: bool = True
) -> list[StorySet]:
    """n accuracy sets; set i depends only on (seed, i): 3-20 revisions, 1-4 copies, 3-6 passages."""
    passages = passages if passages is not None else load_clean()
    sets = []
    for i in range(n):
        rng = random.Random(seed * 1_000_003 + i)
        revisions, copies, size = rng.randint(3, 20), rng.randint(1, 4), rng.randint(3, 6)
        sets.append(build_set(passages, rng, revisions, copies, size, shuffle))
    return sets


def speed_set(versions: int, seed: int = 0, passages: list[list[str]] | None = None) -> StorySet:
    """A set of `versions` versions of a 60-sentence story: four fifths revisions, one fifth copies."""
    passages = passages if passages is not None else load_clean()
    copies = max(1, versions // 5)
    rng = random.Random(seed * 1_000_003 + 7_000_000 + versions)
    return build_set(passages, rng, versions - copies, copies, 6)


__all__ = ["KINDS", "StorySet", "Text", "build_set", "build_sets", "speed_set"]


if __name__ == "__main__":
    s = build_sets(1)[0]
    for v in s.order:
        print(f"== {s.versions[v].label} {s.versions[v].time}: {len(s.spans[v])} sentences")
        for (a, e), u, op in zip(s.spans[v], s.unit[v], s.ops[v], strict=True):
            if op != "same":
                print(f"  [{u} {op}] {s.versions[v].text[a:e][:100]}")
