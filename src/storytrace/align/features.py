"""What the aligner needs to know about each sentence: its comparison key, words and content words."""

from __future__ import annotations

from typing import Any, Final

from storytrace.text.document import Document
from storytrace.text.normalise import WORDS_IN_C, comparison_keys, words
from storytrace.values import Value

STOPWORDS: Final = frozenset(
    """a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have having he
    her here hers herself him himself his how i if in into is it its itself just me more most my myself no nor
    not of off on once only or other our ours ourselves out over own same she should so some such than that the
    their theirs them themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself yourselves s t don't it's
    said says say told would may might must shall one also however meanwhile""".split()
)
_SUFFIXES: Final = ("ings", "ing", "edly", "ed", "ies", "es", "s", "ly")
# (Bound once: a call through the module object looks its name up each time, ~200 instructions.)
_KEY_PROFILE_IN_C: Final[Any] = None if WORDS_IN_C is None else WORDS_IN_C.key_profile


# Stems already worked out (a plain dict: read natively by the compiled core, unlike an lru_cache); emptied when full.
_STEMS: Final[dict[str, str]] = {}
_STEM_CACHE_SIZE: Final = 1 << 16


def stem(word: str) -> str:
    """A crude suffix strip: enough to match 'boats'/'boat', 'services'/'service' and 'leaving'/'leave' as one
    content word (a final silent 'e' goes too, since 'changes' and 'changed' lose it with their suffix)."""
    found = _STEMS.get(word)
    if found is None:
        if len(_STEMS) >= _STEM_CACHE_SIZE:
            _STEMS.clear()
        found = _STEMS[word] = _strip_suffix(word)
    return found


def _strip_suffix(word: str) -> str:
    if word.endswith("'s"):
        word = word[:-2]
    for suffix in _SUFFIXES:
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            word = word[: -len(suffix)]
            break
    if len(word) > 4 and word.endswith("e"):
        return word[:-1]
    return word


class SentenceFeatures(Value):
    """A sentence as the aligner compares it (a `Value`: made natively by the compiled core)."""

    __slots__ = ("key", "words", "content")

    def __init__(self, key: str, words: tuple[str, ...], content: frozenset[str]) -> None:
        self.key: Final = key
        self.words: Final = words
        self.content: Final = content

    def _fields(self) -> tuple[Any, ...]:
        return (self.key, self.words, self.content)


def _features_of_key(key: str) -> SentenceFeatures:
    if WORDS_IN_C is not None:
        found: tuple[tuple[str, ...], frozenset[str]] | None = WORDS_IN_C.key_features(key, STOPWORDS)
        if found is not None:  # an ASCII key: words and stems cut in C (text/_words.c)
            return SentenceFeatures(key, found[0], found[1])
    return python_features_of_key(key)


def python_features_of_key(key: str) -> SentenceFeatures:
    """`_features_of_key` in Python: the reference the C cutter is held to, and what runs without it."""
    tokens = tuple(words(key))
    content = frozenset([stem(w) for w in tokens if w not in STOPWORDS])  # (not map(): stem is called natively)
    return SentenceFeatures(key, tokens, content)


class SentenceTable:
    """The comparison keys of a document's sentences, and their features computed only when asked.

    Most sentences of a revision are anchored by their key alone, so words and content words are worked
    out just for the few that need fuzzy matching.
    """

    def __init__(self, doc: Document) -> None:
        self.keys = comparison_keys(doc.text, doc.sentences)
        self.paragraphs = [s.paragraph for s in doc.sentences]
        # (Lists by sentence, not dicts: no int object made and hashed per look-up.)
        self._features: list[SentenceFeatures | None] = [None] * len(self.keys)
        self._profiles: list[bytes | None] = [None] * len(self.keys)

    def __len__(self) -> int:
        return len(self.keys)

    def same_paragraph(self, first: int, second: int) -> bool:
        """Two sentences of one paragraph: only such neighbours are read as the pieces of a split or merge."""
        return self.paragraphs[first] == self.paragraphs[second]

    def features(self, index: int) -> SentenceFeatures:
        found = self._features[index]
        if found is None:
            found = self._features[index] = _features_of_key(self.keys[index])
        return found

    def profile(self, index: int) -> bytes:
        """The sentence's profile for the C scores (align/_scores.c; only asked when they are built): its words'
        and content stems' hashes, made from the key without making the words as strings when it is ASCII."""
        found = self._profiles[index]
        if found is None:
            assert WORDS_IN_C is not None and _KEY_PROFILE_IN_C is not None
            found = _KEY_PROFILE_IN_C(self.keys[index], STOPWORDS)
            if found is None:
                features = self.features(index)
                found = WORDS_IN_C.profile(features.words, features.content)
            self._profiles[index] = found
        return found


def joined(parts: list[SentenceFeatures]) -> SentenceFeatures:
    """Features of several sentences read as one (for splits and merges)."""
    return SentenceFeatures(
        " ".join(p.key for p in parts),
        tuple(w for p in parts for w in p.words),
        frozenset().union(*(p.content for p in parts)),
    )
