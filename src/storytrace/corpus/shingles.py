"""Word shingles and MinHash signatures: the fingerprint by which a document is found among many.

Indexing must cost tens of microseconds per document, so the Python work is a handful of C-level string
operations: the comparison fold of `storytrace.text.normalise` (quote and dash styles, case), one byte
translation that turns punctuation into spaces, a split and a join per shingle. rensa hashes the shingles and
computes the signatures in Rust, many documents per call. When the compiled core is built, the split, the joins
and rensa's hashing of each shingle are done by one C function over each document's bytes instead
(`_shinglehash.c`, the same hashes: checked against rensa when this module loads), and rensa takes the hashes.
"""

from __future__ import annotations

import unicodedata
from array import array
from collections.abc import Sequence
from operator import eq
from types import ModuleType
from typing import Any

import rensa

from storytrace import CORE
from storytrace._compiled import c_module
from storytrace.corpus.options import CorpusOptions
from storytrace.text.normalise import fold_text

# ASCII letters and digits stay; other ASCII bytes (punctuation, white space) become spaces; bytes >= 128 are
# parts of non-ASCII letters and stay. NUL (an invisible character after folding) is deleted.
_KEEP = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789")
_TABLE = bytes(c if c in _KEEP or c >= 128 else 32 for c in range(256))
_DELETE = b"\x00"


def words(text: str) -> list[bytes]:
    """The text's words as compared: folded, lower case, in Unicode NFC, without punctuation (UTF-8 bytes)."""
    return _spaced_words(text).split()


def _spaced_words(text: str) -> bytes:
    """The text folded, lower case, in Unicode NFC, as UTF-8 with every ASCII mark and white space a space.

    NFC because the same accented word may arrive composed (é) or decomposed (e + ◌́), e.g. from macOS file names
    or a different CMS; their bytes differ, so without it a copy's shingles would miss its source's.
    """
    folded = fold_text(text)
    if not folded.isascii():
        folded = unicodedata.normalize("NFC", folded)
    return folded.encode("utf-8", "surrogatepass").translate(_TABLE, _DELETE)


def shingles(text: str, size: int = 3) -> list[bytes]:
    """Runs of `size` consecutive words; a text shorter than that is one shingle of all its words."""
    w = words(text)
    if len(w) <= size:
        return [b" ".join(w)] if w else []
    if size == 1:
        return w
    if size == 2:
        return list(map(b" ".join, zip(w, w[1:], strict=False)))
    if size == 3:
        return list(map(b" ".join, zip(w, w[1:], w[2:], strict=False)))
    return [b" ".join(w[i : i + size]) for i in range(len(w) - size + 1)]


def fingerprints(shingle_sets: Sequence[list[bytes]], options: CorpusOptions) -> tuple[Any, list[bytes]]:
    """MinHash signatures of many shingle sets in one Rust call: rensa's digest matrix (what the LSH index takes)
    and each signature as bytes (num_perm unsigned 32-bit values, what the index file keeps)."""
    matrix = rensa.RMinHash.digest_matrix_from_token_byte_sets(shingle_sets, options.num_perm, options.seed)
    return matrix, _signatures(matrix)


def text_fingerprints(texts: Sequence[str], options: CorpusOptions) -> tuple[list[int], Any, list[bytes]]:
    """Fingerprints of many texts: how many shingles each has (0: no words, no fingerprint), and for those
    with shingles, in order, the digest matrix and the signatures of `fingerprints`."""
    if _NATIVE is None:
        return fingerprints_by_shingles(texts, options)
    return fingerprints_by_hashes(texts, options, _NATIVE)


def fingerprints_by_shingles(texts: Sequence[str], options: CorpusOptions) -> tuple[list[int], Any, list[bytes]]:
    """`text_fingerprints` from the shingles as bytes objects, hashed by rensa."""
    sets = [shingles(text, options.shingle_words) for text in texts]
    counts = [len(found) for found in sets]
    if not any(counts):
        return counts, None, []
    matrix, blobs = fingerprints([found for found in sets if found], options)
    return counts, matrix, blobs


def fingerprints_by_hashes(
    texts: Sequence[str], options: CorpusOptions, hasher: ModuleType
) -> tuple[list[int], Any, list[bytes]]:
    """`text_fingerprints` from the shingles' hashes, computed by the C `hasher` over each text's bytes."""
    flat, offsets = hasher.shingle_hashes([_spaced_words(text) for text in texts], options.shingle_words)
    bounds = array("Q", offsets)
    counts = [bounds[k + 1] - bounds[k] for k in range(len(texts))]
    if not any(counts):
        return counts, None, []
    # A text without shingles has an empty row in `bounds`; rensa wants one row per signature: drop those.
    rows = array("Q", [0])
    rows.extend(bounds[k + 1] for k in range(len(texts)) if counts[k])
    matrix = rensa.RMinHash.digest_matrix_from_flat_token_hashes(array("Q", flat), rows, options.num_perm,
                                                                 options.seed)
    return counts, matrix, _signatures(matrix)


def _signatures(matrix: Any) -> list[bytes]:
    return [array("I", row).tobytes() for row in matrix.to_rows()]


def minhash(shingle_set: list[bytes], options: CorpusOptions) -> rensa.RMinHash:
    """The MinHash object a query asks the LSH index with (the same hashing as `signatures`)."""
    found = rensa.RMinHash(options.num_perm, options.seed)
    found.update(shingle_set)
    return found


def as_values(signature: bytes) -> array[int]:
    return array("I", signature)


def estimated_jaccard(a: array[int], b: array[int]) -> float:
    """Share of equal MinHash values: an unbiased estimate of the two shingle sets' Jaccard similarity."""
    return sum(map(eq, a, b)) / len(a) if len(a) == len(b) and a else 0.0


def containment(jaccard: float, size_of: int, size_other: int) -> float:
    """Estimated share of one set (`size_of` shingles) found in the other, from their Jaccard similarity:
    |A ∩ B| = J (|A| + |B|) / (1 + J)."""
    if size_of <= 0:
        return 0.0
    return min(1.0, jaccard * (size_of + size_other) / ((1.0 + jaccard) * size_of))


def _native_hashing() -> ModuleType | None:
    """The C shingle hasher, if it is built from this source and hashes tokens exactly as this rensa does."""
    hasher = c_module("corpus/_shinglehash", CORE)
    if hasher is None:
        return None
    probe = [b"", b"a", b"ab", b"abc", b"abcd", b"abcdefgh", b"abcdefghijklmnop", "caf\u00e9 \u00e0 l'or".encode() * 9]
    if [hasher.hash_token(token) for token in probe] != rensa.RMinHash.hash_token_sets([probe])[0]:
        return None
    return hasher


_NATIVE: ModuleType | None = _native_hashing()
