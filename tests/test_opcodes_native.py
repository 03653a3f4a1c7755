"""The C word diff (_opcodes.c) gives exactly rapidfuzz's Indel opcodes, which the classifier showed before it."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import Indel

from storytrace.classify import OPCODES_IN_C

from .conftest import news_sentences

pytestmark = pytest.mark.skipif(OPCODES_IN_C is None, reason="the C helper is built with the compiled core")

# Few distinct words, so that many alignments are equally long and the choice among them is tested.
FEW = st.lists(st.sampled_from(["the", "fire", "boat", ",", ".", "\u00e9t\u00e9", "crew"]), max_size=40)
# Long lists over few words: the bit vectors span several 64-bit blocks, with carries between them.
LONG = st.lists(st.sampled_from(["a", "b", "c", "d"]), min_size=60, max_size=300)


@settings(max_examples=1500, deadline=None)
@given(FEW, FEW)
def test_opcodes_are_rapidfuzz_opcodes(a: list[str], b: list[str]) -> None:
    assert OPCODES_IN_C is not None
    assert OPCODES_IN_C.opcodes(a, b) == Indel.opcodes(a, b).as_list()


@settings(max_examples=300, deadline=None)
@given(LONG | FEW, LONG)
def test_opcodes_of_long_lists_are_rapidfuzz_opcodes(a: list[str], b: list[str]) -> None:
    assert OPCODES_IN_C is not None
    assert OPCODES_IN_C.opcodes(a, b) == Indel.opcodes(a, b).as_list()
    assert OPCODES_IN_C.opcodes(b, a) == Indel.opcodes(b, a).as_list()


@settings(max_examples=500, deadline=None)
@given(st.sampled_from(news_sentences()), st.sampled_from(news_sentences()), st.integers(0, 6), st.randoms())
def test_opcodes_of_edited_news_sentences_are_rapidfuzz_opcodes(x: str, y: str, edits: int, rng: object) -> None:
    """A real sentence against an edit of itself (words dropped, moved, replaced from another sentence)."""
    import random

    assert isinstance(rng, random.Random) and OPCODES_IN_C is not None
    a = x.lower().split()
    b = list(a)
    other = y.lower().split()
    for _ in range(edits):
        k = rng.randrange(len(b) + 1)
        how = rng.choice(["drop", "move", "insert"])
        if how == "drop" and k < len(b):
            b.pop(k)
        elif how == "move" and k < len(b):
            b.insert(rng.randrange(len(b)), b.pop(k))
        else:
            b.insert(k, rng.choice(other))
    assert OPCODES_IN_C.opcodes(a, b) == Indel.opcodes(a, b).as_list()


def test_two_very_long_lists_are_left_to_rapidfuzz() -> None:
    assert OPCODES_IN_C is not None
    a = [f"w{i % 97}" for i in range(3000)]
    b = [f"w{i % 89}" for i in range(3000)]
    assert OPCODES_IN_C.opcodes(a, b) is None
    assert OPCODES_IN_C.opcodes(a[:50], b) == Indel.opcodes(a[:50], b).as_list()


def test_lists_of_other_things_are_refused() -> None:
    assert OPCODES_IN_C is not None
    with pytest.raises(TypeError, match="must hold str"):
        OPCODES_IN_C.opcodes(["a", 1], ["a"])
    with pytest.raises(TypeError, match="opcodes"):
        OPCODES_IN_C.opcodes(("a",), ["a"])
