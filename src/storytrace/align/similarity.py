"""How alike two sentences are, from 0 (nothing shared) to 1 (same words).

Two views are combined: word-sequence similarity (edits that keep most words in place) and the overlap of
content words (paraphrases that reorder and reword but keep the facts: names, numbers, key nouns).
"""

from __future__ import annotations

from collections import Counter
from typing import Final

from rapidfuzz.distance import Indel

from storytrace.align.features import SentenceFeatures

# A short sentence that another one repeats word for word at its start, then extends ("She was 61." and "She was
# 61, and had lived in the town for forty years."), scores this much: enough to link between unchanged neighbours.
EXTENDED: Final = 0.6
_EXTENDED_MIN_WORDS: Final = 3
_BELOW_EQUAL: Final = 0.999
# rapidfuzz's normalised Indel similarity, looked up once rather than as an attribute on every call.
_WORD_SEQUENCE_SIMILARITY: Final = Indel.normalized_similarity


def similarity(a: SentenceFeatures, b: SentenceFeatures) -> float:
    if a.key == b.key:
        return 1.0
    if len(a.words) * len(b.words) <= MOST_WORD_CELLS:
        best = _WORD_SEQUENCE_SIMILARITY(a.words, b.words)
    else:
        best = _shared_words(a.words, b.words)
    # The best of the three views (compared one by one: the compiled core calls max() and min() generically).
    overlap = content_overlap(a, b)
    if overlap > best:
        best = overlap
    extended = _extended(a, b)
    if extended > best:
        best = extended
    # 1.0 is kept for equal keys, so that a score of 1 always means "unchanged".
    return best if best < _BELOW_EQUAL else _BELOW_EQUAL


# The largest table of word pairs two sentences are compared by, here and in the classifier's word diff (past it, a
# page with no full stop is one "sentence" of hundreds of thousands of words). The word-sequence similarity takes
# time in proportion to the table: two sentences of 300,000 words took 12 s; past it the words they share stand in.
MOST_WORD_CELLS: Final = 1 << 26


def _shared_words(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    """The word-sequence similarity as if the shared words were all in the same order: an upper bound of it, for
    two sentences too long to compare word by word."""
    counts_b = Counter(b)
    shared = sum(min(count, counts_b[word]) for word, count in Counter(a).items())
    return 2 * shared / (len(a) + len(b))


def _extended(a: SentenceFeatures, b: SentenceFeatures) -> float:
    """EXTENDED when the shorter sentence (three words or more) is the opening of the longer one, else 0."""
    short, long = (a.words, b.words) if len(a.words) <= len(b.words) else (b.words, a.words)
    if len(short) >= _EXTENDED_MIN_WORDS and long[: len(short)] == short:
        return EXTENDED
    return 0.0


def content_overlap(a: SentenceFeatures, b: SentenceFeatures) -> float:
    """Dice coefficient of the two sets of content words.

    One shared word is weak evidence: it counts only between two very short sentences ("He resigned." and "He
    resigned on Monday."), not between "It was hard to say." and "The winter was hard on farmers."."""
    total = len(a.content) + len(b.content)
    if not total:
        return 0.0
    shared = len(a.content & b.content)
    if shared == 1 and (len(a.content) > 2 or len(b.content) > 2):
        return 0.0
    return 2 * shared / total


def containment(part: SentenceFeatures, whole: SentenceFeatures) -> float:
    """Share of `part`'s content words found in `whole`: can `part` be a piece of `whole`?"""
    if not part.content:
        return 1.0 if set(part.words) <= set(whole.words) else 0.0
    return len(part.content & whole.content) / len(part.content)
