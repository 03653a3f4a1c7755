"""The C move finder (align/_moves.c) marks exactly the links that moves.py's Python marks as moved."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storytrace.align.moves import MOVES_IN_C, python_moved_links

pytestmark = pytest.mark.skipif(MOVES_IN_C is None, reason="the C helper is built with the compiled core")

# Few distinct scores and keys, so that every step of the tie-break (crossings, distance, score, texts, position
# in A) is reached; "" and a non-ASCII key check that texts compare as Python compares them.
SCORES = st.sampled_from([1.0, 0.9, 0.75, 0.75, 0.5])
KEYS = st.sampled_from(["", "a", "b", "ab", "the fire", "the fire.", "\u00e9t\u00e9", "\u4e2d"])


@st.composite
def link_sets(draw: st.DrawFn) -> tuple[list[int], list[int], list[float], list[str], list[str]]:
    """Links between two versions: distinct sentences on each side, some sentences in no link, B in any order."""
    size_a = draw(st.integers(0, 30))
    size_b = draw(st.integers(0, 30))
    count = draw(st.integers(0, min(size_a, size_b)))
    a = sorted(draw(st.permutations(range(size_a)))[:count])
    b = list(draw(st.permutations(range(size_b)))[:count])
    if draw(st.booleans()):  # mostly in order, with a few moved: the shape of a real revision
        b.sort()
        for _ in range(draw(st.integers(0, 3))):
            if count > 1:
                i, j = draw(st.integers(0, count - 1)), draw(st.integers(0, count - 1))
                b.insert(j, b.pop(i))
    links = list(zip(a, b, strict=True))
    links = draw(st.permutations(links))  # the callers' links come in any order
    scores = [draw(SCORES) for _ in links]
    keys_a = [draw(KEYS) for _ in range(size_a)]
    keys_b = [draw(KEYS) for _ in range(size_b)]
    return [x for x, _ in links], [y for _, y in links], scores, keys_a, keys_b


@settings(max_examples=1500, deadline=None)
@given(link_sets())
def test_c_and_python_mark_the_same_links(case: tuple[list[int], list[int], list[float], list[str], list[str]]) -> None:
    assert MOVES_IN_C is not None
    assert MOVES_IN_C.moved(*case) == python_moved_links(*case)


def test_one_sentence_moved_to_the_top_is_the_one_marked() -> None:
    assert MOVES_IN_C is not None
    keys = [f"sentence {i}" for i in range(6)]
    # B puts A's fifth sentence first; the others keep their order.
    a, b = [0, 1, 2, 3, 4, 5], [1, 2, 3, 4, 0, 5]
    assert MOVES_IN_C.moved(a, b, [1.0] * 6, keys, [keys[i] for i in (4, 0, 1, 2, 3, 5)]) == {4}


def test_shared_sentences_are_refused_with_a_clear_error() -> None:
    assert MOVES_IN_C is not None
    with pytest.raises(ValueError, match="distinct sentence indices"):
        MOVES_IN_C.moved([0, 0], [0, 1], [1.0, 1.0], ["x"], ["x", "y"])
    with pytest.raises(ValueError, match="distinct sentence indices"):
        MOVES_IN_C.moved([3], [0], [1.0], ["x"], ["x"])
    with pytest.raises(TypeError, match="keys must be str"):
        MOVES_IN_C.moved([0], [0], [1.0], [1], ["x"])
