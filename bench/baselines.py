"""Reference sentence matchers for the benchmarks.

Each matcher takes the two raw texts and returns sentence links as (index in A, index in B) pairs,
sorted; sentences in no link are added or deleted. All of them split sentences with the same simple
regex splitter, and the splitting is part of what is timed.
"""

from __future__ import annotations

import difflib
import re
import sys
import types
from collections import Counter

_PARAGRAPHS = re.compile(r"\n\s*\n")
_BOUNDARY = re.compile(r"([.!?](?:''|\")?)\s+(?=[\"'(\[A-Z0-9])")
_ABBREVIATIONS = {
    "Mr.", "Mrs.", "Ms.", "Dr.", "St.", "Jr.", "Sr.", "Gen.", "Gov.", "Sen.", "Rep.", "Lt.", "Col.",
    "Sgt.", "Capt.", "Prof.", "Rev.", "Inc.", "Co.", "Corp.", "Ltd.", "No.", "Jan.", "Feb.", "Aug.",
    "Sept.", "Oct.", "Nov.", "Dec.", "Ave.", "Mt.", "Ft.", "vs.",
}  # fmt: skip
_WORDS = re.compile(r"\w+|[^\w\s]")

Links = list[tuple[int, int]]


def split_sentences(text: str) -> list[str]:
    """Split text into sentences: blank lines end paragraphs, then a regex on end punctuation.

    No break after a common abbreviation ("Mr.") or a single initial ("J.").
    """
    sentences: list[str] = []
    for paragraph in _PARAGRAPHS.split(text):
        paragraph = paragraph.strip()
        start = 0
        for m in _BOUNDARY.finditer(paragraph):
            end = m.end(1)
            word = paragraph[max(start, paragraph.rfind(" ", start, end) + 1) : end]
            if word in _ABBREVIATIONS or (len(word) == 2 and word[0].isupper()):
                continue
            sentences.append(paragraph[start:end])
            start = m.end()
        if start < len(paragraph):
            sentences.append(paragraph[start:])
    return sentences


def plain_difflib(text_a: str, text_b: str) -> Links:
    """Link the sentences in the equal blocks of difflib.SequenceMatcher over the sentence lists."""
    sa, sb = split_sentences(text_a), split_sentences(text_b)
    matcher = difflib.SequenceMatcher(None, sa, sb, autojunk=False)
    return [(i + k, j + k) for i, j, size in matcher.get_matching_blocks() for k in range(size)]


def newsedits(text_a: str, text_b: str, threshold: float = 0.8) -> Links:
    """NewsEdits-style matcher: equal sentences via SequenceMatcher over sentence lists, then, inside
    each replace block, every pair whose word-level SequenceMatcher ratio exceeds `threshold`."""
    sa, sb = split_sentences(text_a), split_sentences(text_b)
    matcher = difflib.SequenceMatcher(None, sa, sb, autojunk=False)
    links: Links = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            links += [(i1 + k, j1 + k) for k in range(i2 - i1)]
        elif tag == "replace":
            words_b = [sb[j].split() for j in range(j1, j2)]
            for i in range(i1, i2):
                words_a = sa[i].split()
                for j, wb in zip(range(j1, j2), words_b, strict=True):
                    if difflib.SequenceMatcher(None, words_a, wb).ratio() > threshold:
                        links.append((i, j))
    return sorted(links)


def newsedits_all_pairs(text_a: str, text_b: str, threshold: float = 0.8) -> Links:
    """The NewsEdits pipeline's way of matching, with difflib in place of its word embeddings: every sentence of A
    is scored against every sentence of B (word-level SequenceMatcher ratio), each sentence of either side keeps
    its best-scoring partner on the other side, and a pair is linked when that score exceeds `threshold`. As in
    `difflib.get_close_matches`, the cheap upper bounds (`real_quick_ratio`, `quick_ratio`) skip pairs that
    cannot exceed the threshold, and each B sentence is indexed once."""
    words_a = [s.split() for s in split_sentences(text_a)]
    words_b = [s.split() for s in split_sentences(text_b)]
    best_a: dict[int, tuple[float, int]] = {}
    best_b: dict[int, tuple[float, int]] = {}
    matcher = difflib.SequenceMatcher(autojunk=False)
    for j, wb in enumerate(words_b):
        matcher.set_seq2(wb)
        for i, wa in enumerate(words_a):
            matcher.set_seq1(wa)
            if matcher.real_quick_ratio() <= threshold or matcher.quick_ratio() <= threshold:
                continue
            score = matcher.ratio()
            if score > threshold:
                if score > best_a.get(i, (0.0, -1))[0]:
                    best_a[i] = (score, j)
                if score > best_b.get(j, (0.0, -1))[0]:
                    best_b[j] = (score, i)
    links = {(i, j) for i, (_, j) in best_a.items()} | {(i, j) for j, (_, i) in best_b.items()}
    return sorted(links)


def _import_collatex():
    """Import CollateX. It imports python-Levenshtein at load time, only for near matching (unused
    here) and not a pinned dependency; if missing, stand in rapidfuzz's equivalent ratio."""
    try:
        import Levenshtein  # noqa: F401
    except ImportError:
        from rapidfuzz.distance import Indel

        shim = types.ModuleType("Levenshtein")
        shim.ratio = Indel.normalized_similarity
        sys.modules["Levenshtein"] = shim
    from collatex import Collation, collate

    return Collation, collate


def collatex_links(text_a: str, text_b: str, min_share: float = 0.5) -> Links:
    """CollateX at token level: collate the two texts as pre-tokenized witnesses whose tokens
    remember their sentence, then link sentences i and j when the tokens CollateX aligned between
    them cover at least `min_share` of the shorter of the two sentences."""
    Collation, collate = _import_collatex()
    sa, sb = split_sentences(text_a), split_sentences(text_b)
    collation = Collation()
    for sigil, sentences in (("A", sa), ("B", sb)):
        tokens = [{"t": w, "s": i} for i, s in enumerate(sentences) for w in _WORDS.findall(s)]
        collation.add_witness({"id": sigil, "tokens": tokens})
    table = collate(collation, output="table", segmentation=False)
    row_a, row_b = table.rows[0].cells, table.rows[1].cells
    votes: Counter[tuple[int, int]] = Counter()
    for cell_a, cell_b in zip(row_a, row_b, strict=True):
        if cell_a and cell_b:
            votes[cell_a[0].token_data["s"], cell_b[0].token_data["s"]] += 1
    len_a = [len(_WORDS.findall(s)) for s in sa]
    len_b = [len(_WORDS.findall(s)) for s in sb]
    return sorted((i, j) for (i, j), n in votes.items() if n >= min_share * min(len_a[i], len_b[j]))


METHODS = {
    "newsedits": newsedits,
    "newsedits-all-pairs": newsedits_all_pairs,
    "difflib": plain_difflib,
    "collatex": collatex_links,
}
