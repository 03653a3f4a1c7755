"""The C shingle hasher gives the corpus index exactly the fingerprints the shingles themselves give."""

from __future__ import annotations

import json

import pytest
import rensa
from hypothesis import given, settings
from hypothesis import strategies as st

import storytrace
from storytrace.corpus import shingles
from storytrace.corpus.options import CorpusOptions

from .conftest import ROFT_PROMPTS

pytestmark = pytest.mark.skipif(storytrace.CORE != "compiled", reason="the C helpers are built with the core")

# Words, marks, spaces of several kinds, accents composed and decomposed, and characters that fold or vanish.
PIECES = ["the", "Fire", "12", "3.5%", "U.S.", "café", "cafe\u0301", "Straße", "—", "\u2019s", "''", " ", "  ",
          "\n", "\t", "\u00a0", "\u200b", "\u00ad", "!", "...", "x", "naïve", "東京", "😀"]
TEXTS = st.lists(st.sampled_from(PIECES) | st.text(max_size=6), max_size=40).map("".join)


def hasher():  # type: ignore[no-untyped-def]
    assert shingles._NATIVE is not None, "the compiled core is built, so the C hasher must load"
    return shingles._NATIVE


def both(texts: list[str], options: CorpusOptions) -> tuple[tuple, tuple]:  # type: ignore[type-arg]
    counts, matrix, blobs = shingles.fingerprints_by_hashes(texts, options, hasher())
    counts_ref, matrix_ref, blobs_ref = shingles.fingerprints_by_shingles(texts, options)
    rows = matrix.to_rows() if matrix is not None else None
    rows_ref = matrix_ref.to_rows() if matrix_ref is not None else None
    return (counts, rows, blobs), (counts_ref, rows_ref, blobs_ref)


@settings(max_examples=300, deadline=None)
@given(st.lists(TEXTS, min_size=1, max_size=6), st.integers(min_value=1, max_value=5))
def test_same_fingerprints_as_the_shingles(texts: list[str], size: int) -> None:
    options = CorpusOptions(shingle_words=size)
    native, reference = both(texts, options)
    assert native == reference


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=60))
def test_token_hash_is_rensas(token: bytes) -> None:
    assert hasher().hash_token(token) == rensa.RMinHash.hash_token_sets([[token]])[0][0]


def test_real_passages_and_empty_texts() -> None:
    passages = [" ".join(p) for p in json.loads(ROFT_PROMPTS.read_text(encoding="utf-8"))["prompts"][:300]]
    texts = ["", "...", *passages[:150], "!!! ???", "one", "one two", *passages[150:]]
    native, reference = both(texts, CorpusOptions())
    assert native == reference
    counts = native[0]
    assert counts[:2] == [0, 0] and counts[152:155] == [0, 1, 1]
    assert len(native[2]) == len(texts) - 3 and all(len(blob) == 4 * CorpusOptions().num_perm for blob in native[2])
