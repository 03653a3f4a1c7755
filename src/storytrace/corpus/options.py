"""Every threshold of corpus work (index, trace, group) in one typed, documented place."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from storytrace.options import changed_options

# The options that decide what an index stores: an index built with other values must be rebuilt.
INDEX_FIELDS = ("shingle_words", "num_perm", "bands", "seed")


@dataclass(frozen=True)
class CorpusOptions:
    """How documents are fingerprinted, how candidate sources are found and confirmed, how stories are grouped.

    Defaults are tuned on the derived-copy corpus of `bench/eval_trace.py` (RoFT NYT passages).
    """

    shingle_words: int = 3
    """Words per shingle. Three keeps unrelated news apart while a copy edited in every sentence still shares
    most shingles with its source."""

    num_perm: int = 64
    """MinHash permutations per signature (num_perm 32-bit values). 64 keeps indexing cheap; alignment, not the
    estimate, decides what is a source, so the estimate's noise (about ±0.06) only reorders close candidates."""

    bands: int = 32
    """LSH bands (num_perm / bands rows each). 32 bands of 2 rows find a document whose shingle sets have a
    Jaccard similarity of 0.3 with the query 95% of the time, 0.4 99.6% of the time (a source spliced with
    another, a rewrite of a third of the sentences)."""

    seed: int = 42
    """MinHash seed: part of what an index is, so it is stored with it."""

    max_candidates: int = 400
    """Most LSH candidates ranked for one query (the lowest keys are kept when more are found)."""

    min_containment: float = 0.2
    """Lowest estimated share of the query's shingles found in a candidate for it to be aligned."""

    confirm_top: int = 3
    """How many of the best-ranked candidates are confirmed by sentence alignment."""

    residual_top: int = 2
    """When sentences are left unexplained, the index is asked again with just those sentences (a splice's
    second source holds too little of the whole text to be found by it); this many new candidates are aligned.
    0 turns the second query off."""

    window_queries: int = 8
    """Then, for a compilation of many sources, the index is asked with each run of still unexplained
    neighbouring sentences (`window_sentences` at a time), at most this many times per 20 sentences of the text
    (a roundup of a hundred stories needs hundreds of queries); the best new candidate of each is aligned. 0 turns
    these queries off."""

    window_sentences: int = 2
    """Sentences per window query."""

    edit_similarity: float = 0.7
    """Word-sequence similarity (0-1) at or above which a changed sentence is `edited`; below it, a sentence
    whose facts (numbers, dates, names, negation) agree with its source is `paraphrased`."""

    paraphrase_threshold: float = 0.5
    """For a sentence the alignment left unlinked: lowest similarity (word sequence or content words) to a
    sentence of a confirmed source at which it is still taken from that source rather than `unsupported`."""

    group_containment: float = 0.45
    """Two documents are one story when the smaller shares at least this estimated share of its shingles with
    the larger..."""

    group_jaccard: float = 0.4
    """...and when their estimated Jaccard similarity is at least this, so that a document made of two others
    (a splice) does not bridge their stories: it joins the one it takes most from, or neither."""

    def __post_init__(self) -> None:
        if self.shingle_words < 1:
            raise ValueError("shingle_words must be at least 1")
        if self.num_perm < 1 or self.bands < 1 or self.num_perm % self.bands:
            raise ValueError("num_perm must be a positive multiple of bands")
        if self.confirm_top < 1 or self.max_candidates < 1:
            raise ValueError("confirm_top and max_candidates must be at least 1")
        if not 0 <= self.seed < 2**64:
            raise ValueError("seed must be between 0 and 2**64 - 1 (MinHash seeds are unsigned 64-bit)")
        if self.residual_top < 0:
            raise ValueError("residual_top must be 0 (no second query) or more")
        if self.window_queries < 0 or self.window_sentences < 1:
            raise ValueError("window_queries must be 0 (none) or more and window_sentences at least 1")
        for name in ("min_containment", "edit_similarity", "paraphrase_threshold", "group_containment",
                     "group_jaccard"):
            if not 0.0 <= getattr(self, name) <= 1.0:  # also refuses nan, which would silently match nothing
                raise ValueError(f"{name} must be between 0 and 1")

    @property
    def rows(self) -> int:
        return self.num_perm // self.bands

    def index_settings(self) -> dict[str, int]:
        """The options an index is built with (stored in it, checked when it is opened)."""
        return {name: int(getattr(self, name)) for name in INDEX_FIELDS}

    def with_overrides(self, **overrides: Any) -> CorpusOptions:
        """A copy with some options changed; unknown names are an error, not silently ignored."""
        return changed_options(self, "corpus", overrides)


def parse_corpus_overrides(pairs: list[str]) -> tuple[dict[str, Any], list[str]]:
    """Split `NAME=VALUE` strings into typed CorpusOptions overrides and the rest (left for DiffOptions).

    Raises ValueError with a one-line message for a bad value.
    """
    defaults = CorpusOptions()
    types = {f.name: type(getattr(defaults, f.name)) for f in fields(CorpusOptions)}
    parsed: dict[str, Any] = {}
    rest: list[str] = []
    for pair in pairs:
        name, sep, value = pair.partition("=")
        key = name.strip().replace("-", "_")
        if not sep or key not in types:
            rest.append(pair)
            continue
        try:
            parsed[key] = types[key](value)
        except ValueError:
            raise ValueError(f"option {key} needs a {types[key].__name__}, not {value!r}") from None
    return parsed, rest
