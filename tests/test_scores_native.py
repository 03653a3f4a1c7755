"""The C scores (align/_scores.c on the profiles of text/_words.c) give exactly what the Python gives: the same
similarities, split scores and containments, and the same links out of the gap alignment."""

from __future__ import annotations

import struct

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import Indel

from storytrace.align.features import STOPWORDS, SentenceFeatures, SentenceTable, python_features_of_key
from storytrace.align.pairwise import (
    SCORES_IN_C,
    _exact_anchors,
    _split_score,
    c_gap_links,
    python_align_gap,
    python_exact_anchors,
)
from storytrace.align.similarity import containment, similarity
from storytrace.diff import document
from storytrace.options import DiffOptions
from storytrace.text.normalise import WORDS_IN_C, comparison_key

from .conftest import news_sentences
from .memory_faults import failed_allocations

pytestmark = pytest.mark.skipif(SCORES_IN_C is None, reason="the C helpers are built with the compiled core")
SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
OPTIONS = DiffOptions()


def profile(key: str) -> bytes:
    assert WORDS_IN_C is not None
    features = python_features_of_key(key)
    made: bytes = WORDS_IN_C.profile(features.words, features.content)
    return made


def features(key: str) -> SentenceFeatures:
    return python_features_of_key(key)


@st.composite
def edited(draw: st.DrawFn) -> str:
    """A real sentence, perhaps edited: words dropped, repeated, swapped, made non-ASCII or stop words only."""
    words = draw(st.sampled_from(news_sentences())).split()
    for _ in range(draw(st.integers(0, 4))):
        if not words:
            break
        k = draw(st.integers(0, len(words) - 1))
        how = draw(st.sampled_from(["drop", "repeat", "swap", "accent", "stop", "number"]))
        if how == "drop":
            words.pop(k)
        elif how == "repeat":
            words.insert(k, words[k])
        elif how == "swap":
            j = draw(st.integers(0, len(words) - 1))
            words[k], words[j] = words[j], words[k]
        elif how == "accent":
            words[k] = words[k] + "\u00e9"
        elif how == "stop":
            words[k] = draw(st.sampled_from(["the", "of", "said", "it's", "and"]))
        else:
            words[k] = str(draw(st.integers(0, 10**6)))
    if draw(st.integers(0, 9)) == 0:  # now and then the opening only, or stop words only
        words = words[: draw(st.integers(0, 4))] if draw(st.booleans()) else ["it", "was", "the", "one"]
    return " ".join(words)


# Short sentences over a few words (content words, an inflection, stop words): shared-word counts at the rules' edges.
TINY = st.lists(st.sampled_from(["fire", "fires", "harbour", "boat", "crew", "the", "said", "of"]), max_size=5).map(
    " ".join
)


def key_of(text: str) -> str:
    return comparison_key(text)


@SETTINGS
@given(st.text(alphabet=st.sampled_from("ab c-',.Ing's1 \u00e9"), max_size=40) | edited())
def test_a_key_profiled_in_c_is_profiled_as_its_python_features(text: str) -> None:
    assert WORDS_IN_C is not None
    key = key_of(text)
    made = WORDS_IN_C.key_profile(key, STOPWORDS)
    if key.isascii():
        assert made == profile(key)
    else:
        assert made is None


@SETTINGS
@given(edited() | TINY, edited() | TINY)
@example("the fire harbour of boat", "fire")  # one shared content word, three on one side
@example("fire harbour", "the fire")  # one shared, two and one: counts
@example("fire in the harbour", "fire in the harbour and the boat")  # an opening extended
@example("the of said", "the of")  # no content words
def test_similarity_is_the_python_similarity(x: str, y: str) -> None:
    assert SCORES_IN_C is not None
    kx, ky = key_of(x), key_of(y)
    assert SCORES_IN_C.similarity(profile(kx), profile(ky), kx, ky) == similarity(features(kx), features(ky))
    assert SCORES_IN_C.containment(profile(kx), profile(ky)) == containment(features(kx), features(ky))
    assert SCORES_IN_C.shares_content(profile(kx), profile(ky)) == bool(features(kx).content & features(ky).content)


@SETTINGS
@given(edited() | TINY, edited() | TINY, edited() | TINY, st.booleans())
def test_split_score_is_the_python_split_score(whole: str, first: str, second: str, cut_whole: bool) -> None:
    assert SCORES_IN_C is not None
    if cut_whole:  # the pieces cut out of the whole, as a real split
        words = whole.split()
        first, second = " ".join(words[: len(words) // 2]), " ".join(words[len(words) // 2 :])
    keys = [key_of(t) for t in (whole, first, second)]
    expected = _split_score(features(keys[0]), features(keys[1]), features(keys[2]), OPTIONS)
    found = SCORES_IN_C.split_score(*[profile(k) for k in keys], *keys, OPTIONS.split_containment)
    assert found == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 12), max_size=300), st.lists(st.integers(0, 12), max_size=300))
def test_word_sequences_longer_than_a_machine_word_score_as_rapidfuzz_does(x: list[int], y: list[int]) -> None:
    """The longest common subsequence over several 64-bit blocks (few distinct words: long matches, carries)."""
    assert SCORES_IN_C is not None
    assert WORDS_IN_C is not None
    a, b = tuple(f"w{i}" for i in x), tuple(f"w{i}" for i in y)
    expected = similarity(SentenceFeatures("x", a, frozenset()), SentenceFeatures("y", b, frozenset()))
    assert SCORES_IN_C.similarity(WORDS_IN_C.profile(a, ()), WORDS_IN_C.profile(b, ()), "x", "y") == expected


def test_two_very_long_sentences_are_left_to_the_python() -> None:
    assert SCORES_IN_C is not None and WORDS_IN_C is not None
    long_a = tuple(f"w{i % 97}" for i in range(3000))
    long_b = tuple(f"w{i % 89}" for i in range(3000))
    pa, pb = WORDS_IN_C.profile(long_a, ()), WORDS_IN_C.profile(long_b, ())
    assert SCORES_IN_C.similarity(pa, pb, "a", "b") is None
    # One of them short: scored in C, whatever the other's length.
    short = WORDS_IN_C.profile(long_a[:60], ())
    reversed_b = long_b[::-1]  # (not the opening of long_a reversed: no "extended" score)
    pb = WORDS_IN_C.profile(reversed_b, ())
    assert SCORES_IN_C.similarity(short, pb, "a", "b") == Indel.normalized_similarity(long_a[:60], reversed_b)


def test_malformed_profiles_are_refused() -> None:
    assert SCORES_IN_C is not None
    good = profile("a fire in the harbour")
    with pytest.raises(ValueError, match="not a sentence profile"):
        SCORES_IN_C.similarity(good[:-8], good, "a", "b")
    with pytest.raises(TypeError, match="profile is bytes"):
        SCORES_IN_C.similarity("text", good, "a", "b")


@st.composite
def gaps(draw: st.DrawFn) -> tuple[SentenceTable, SentenceTable]:
    """Two runs of sentences in paragraphs: some shared, edited, split, merged or new."""
    a = draw(st.lists(edited(), min_size=1, max_size=8))
    b: list[str] = []
    for sentence in a:
        how = draw(st.sampled_from(["keep", "edit", "split", "drop", "new"]))
        if how == "keep":
            b.append(sentence)
        elif how == "edit":
            b.append(draw(edited()))
        elif how == "split":
            words = sentence.split()
            b += [" ".join(words[: len(words) // 2]) + ".", " ".join(words[len(words) // 2 :])]
        elif how == "new":
            b += [draw(edited()), sentence]
    if draw(st.booleans()) and len(a) >= 2:  # a merge in B of A's first two
        b.insert(0, a[0].rstrip(".") + "; " + a[1])

    def table(sentences: list[str]) -> SentenceTable:
        breaks = [draw(st.booleans()) for _ in sentences]
        text = ""
        for sentence, new_paragraph in zip(sentences, breaks, strict=True):
            body = sentence.strip().rstrip(".") + "." if sentence.strip() else "x."
            text += ("\n\n" if new_paragraph and text else " ") + body
        return SentenceTable(document(text.strip(), "A"))

    return table(a), table(b or ["Nothing."])


@SETTINGS
@given(gaps())
def test_gap_links_are_the_python_gap_links(tables: tuple[SentenceTable, SentenceTable]) -> None:
    assert SCORES_IN_C is not None
    fa, fb = tables
    gap_a, gap_b = list(range(len(fa))), list(range(len(fb)))
    assert c_gap_links(gap_a, gap_b, fa, fb, OPTIONS) == python_align_gap(gap_a, gap_b, fa, fb, OPTIONS)



def test_profiles_whose_counts_overflow_are_refused() -> None:
    assert SCORES_IN_C is not None
    for counts in ((1, 2**64 - 1), (2**63 + 5, 2**63 - 5), (3, 0)):
        bad = struct.pack("<QQ", *counts)
        with pytest.raises(ValueError, match="not a sentence profile"):
            SCORES_IN_C.similarity(bad, bad, "a", "b")


def test_gap_paragraphs_must_be_numbers_and_stop_words_frozen() -> None:
    """Nothing given to the C can run Python code (an __eq__) while it reads its lists, or change after it."""
    assert SCORES_IN_C is not None and WORDS_IN_C is not None
    p = profile("a fire in the harbour")
    with pytest.raises(TypeError, match="paragraphs must be int"):
        SCORES_IN_C.gap_links([0], [0], [p], [p], ["a"], ["b"], ["one"], [0], 0.5, 0.35, 0.6)
    with pytest.raises(TypeError, match="frozenset"):
        WORDS_IN_C.key_profile("the boat", set(STOPWORDS))


def test_running_out_of_memory_anywhere_in_the_scores_raises_memory_error() -> None:
    """Every allocation of the profile makers and the gap alignment, failed in turn: a MemoryError each time, never a
    wrong result or a SystemError (a NULL returned without an exception)."""
    assert SCORES_IN_C is not None and WORDS_IN_C is not None
    fa = SentenceTable(document("The fire killed 12 people. Boats burned all night. The mayor said so.", "A"))
    fb = SentenceTable(document("The fire killed 15 people, and boats burned all night. The mayor never said.", "B"))
    ga, gb = list(range(len(fa))), list(range(len(fb)))
    gap = (ga, gb, [fa.profile(i) for i in ga], [fb.profile(j) for j in gb], fa.keys, fb.keys, fa.paragraphs,
           fb.paragraphs, OPTIONS.link_threshold, OPTIONS.link_base, OPTIONS.split_containment)
    key = "the fire at the harbour killed 12 people"
    words, stems = ("the", "fire", "boats"), frozenset({"fire", "boat"})
    assert failed_allocations(lambda: SCORES_IN_C.gap_links(*gap), 300) > 0
    assert failed_allocations(lambda: WORDS_IN_C.key_profile(key, STOPWORDS), 300) > 0
    assert failed_allocations(lambda: WORDS_IN_C.profile(words, stems), 300) > 0


# Keys with repeats, of one and two bytes a character, some equal but for their width or length.
KEYS = st.lists(st.sampled_from(["a", "b", "the fire was out", "the fire was out.", "", "caf\u00e9", "\u2014", "a b"]),
                max_size=25)


@SETTINGS
@given(KEYS, KEYS)
def test_the_c_equal_keys_pair_as_the_python(keys_a: list[str], keys_b: list[str]) -> None:
    """The k-th occurrence of a key in A pairs with its k-th in B; keys are equal by their characters alone."""
    keys_b = [key.encode().decode() for key in keys_b]  # other str objects than A's
    expected = [(p.a, p.b, p.score) for p in python_exact_anchors(keys_a, keys_b)]
    assert [(p.a, p.b, p.score) for p in _exact_anchors(keys_a, keys_b)] == expected


def test_the_c_equal_keys_refuse_what_is_not_a_list_of_str_and_survive_failed_allocations() -> None:
    assert SCORES_IN_C is not None
    with pytest.raises(TypeError):
        SCORES_IN_C.equal_keys(["a"], ("a",), 10)
    with pytest.raises(TypeError):
        SCORES_IN_C.equal_keys(["a", 1], ["a"], 10)
    with pytest.raises(ValueError):
        SCORES_IN_C.equal_keys(["a"], ["a"], -1)
    keys = [f"sentence {k % 7}" for k in range(40)]
    assert SCORES_IN_C.equal_keys(keys, keys[::-1], 100)[0] == list(range(40))
    assert failed_allocations(lambda: SCORES_IN_C.equal_keys(keys, keys[::-1], 100), 200) > 0


@SETTINGS
@given(st.lists(st.integers(0, 3), max_size=40), st.lists(st.integers(0, 3), max_size=40), st.integers(0, 90))
def test_the_c_pairs_repeated_keys_in_order_as_the_python_within_the_edit_bound(
    x: list[int], y: list[int], most_edits: int
) -> None:
    """Few distinct keys, many repeats: the C and the Python choose the same longest common subsequence (or both
    give up past the bound, pairing k-th with k-th)."""
    assert SCORES_IN_C is not None
    keys_a, keys_b = [f"key {k}" for k in x], [f"key {k}" for k in y]
    expected = python_exact_anchors(keys_a, keys_b)
    in_a, in_b = SCORES_IN_C.equal_keys(keys_a, keys_b, most_edits)
    if most_edits >= len(x) + len(y):  # (the bound the pipeline passes is MOST_ORDERED_EDITS)
        assert list(zip(in_a, in_b, strict=True)) == [(p.a[0], p.b[0]) for p in expected]
    assert len(in_a) == sum(min(x.count(k), y.count(k)) for k in set(x))  # every key pairs as often as it can
