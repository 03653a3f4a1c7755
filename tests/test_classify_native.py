"""The C classifier (_classify.c) classifies as classify.py does, and its word diff is rapidfuzz's Indel opcodes."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import Indel

from storytrace.align.features import STOPWORDS
from storytrace.classify import CLASSIFY_IN_C, classify
from storytrace.options import DiffOptions
from storytrace.rules.reference import python_classified
from storytrace.rules.verdict import Run
from storytrace.rules.vocabulary import ATTRIBUTION, DATE_WORDS, NEGATIONS, NUMBER_WORDS
from storytrace.text.normalise import comparison_key, fold_keeping_offsets

from .conftest import news_sentences
from .memory_faults import failed_allocations

pytestmark = pytest.mark.skipif(CLASSIFY_IN_C is None, reason="the C helper is built with the compiled core")

# Few distinct words, so that many alignments are equally long and the choice among them is tested.
FEW = st.lists(st.sampled_from(["the", "fire", "boat", ",", ".", "\u00e9t\u00e9", "crew"]), max_size=40)
# Long lists over few words: the bit vectors span several 64-bit blocks, with carries between them.
LONG = st.lists(st.sampled_from(["a", "b", "c", "d"]), min_size=60, max_size=300)


@settings(max_examples=1500, deadline=None)
@given(FEW, FEW)
def test_opcodes_are_rapidfuzz_opcodes(a: list[str], b: list[str]) -> None:
    assert CLASSIFY_IN_C is not None
    assert CLASSIFY_IN_C.opcodes(a, b) == Indel.opcodes(a, b).as_list()


@settings(max_examples=300, deadline=None)
@given(LONG | FEW, LONG)
def test_opcodes_of_long_lists_are_rapidfuzz_opcodes(a: list[str], b: list[str]) -> None:
    assert CLASSIFY_IN_C is not None
    assert CLASSIFY_IN_C.opcodes(a, b) == Indel.opcodes(a, b).as_list()
    assert CLASSIFY_IN_C.opcodes(b, a) == Indel.opcodes(b, a).as_list()


@settings(max_examples=500, deadline=None)
@given(st.sampled_from(news_sentences()), st.sampled_from(news_sentences()), st.integers(0, 6), st.randoms())
def test_opcodes_of_edited_news_sentences_are_rapidfuzz_opcodes(x: str, y: str, edits: int, rng: object) -> None:
    """A real sentence against an edit of itself (words dropped, moved, replaced from another sentence)."""
    import random

    assert isinstance(rng, random.Random) and CLASSIFY_IN_C is not None
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
    assert CLASSIFY_IN_C.opcodes(a, b) == Indel.opcodes(a, b).as_list()


def test_two_very_long_lists_are_left_to_rapidfuzz() -> None:
    assert CLASSIFY_IN_C is not None
    a = [f"w{i % 97}" for i in range(3000)]
    b = [f"w{i % 89}" for i in range(3000)]
    assert CLASSIFY_IN_C.opcodes(a, b) is None
    assert CLASSIFY_IN_C.opcodes(a[:50], b) == Indel.opcodes(a[:50], b).as_list()


def test_lists_of_other_things_are_refused() -> None:
    assert CLASSIFY_IN_C is not None
    with pytest.raises(TypeError, match="must hold str"):
        CLASSIFY_IN_C.opcodes(["a", 1], ["a"])
    with pytest.raises(TypeError, match="opcodes"):
        CLASSIFY_IN_C.opcodes(("a",), ["a"])


# ---- the whole classification of ASCII texts ----------------------------------------------------------------

# Words that trip the classifier's rules: numbers, dates, names, negations, attribution, quotation marks (tokenised
# news' doubled single marks too), hyphens, a backtick quote, an apostrophe, stop words.
FACT_WORDS = [
    "12", "15", "3.5%", "twelve", "Monday", "march", "March", "Smith", "Paris", "not", "never", "don't", "said",
    "told", '"', "``", "'", "''", "''We", "well-known", "well", "known", "the", "of", "(", ")", "-", ":", "Mr.",
    "U.S.", "its", "boats", "boat", "leaving", "leave", "fires", "NASA", "x",
]


@st.composite
def classified_pairs(draw: st.DrawFn) -> tuple[str, str]:
    """A real sentence and an edit of it: words replaced, inserted, dropped, swapped, recased or re-hyphenated."""
    words = draw(st.sampled_from(news_sentences())).split()
    edited = list(words)
    for _ in range(draw(st.integers(1, 6))):
        k = draw(st.integers(0, max(len(edited) - 1, 0)))
        how = draw(st.sampled_from(["replace", "insert", "drop", "swap", "case", "hyphen", "punctuation"]))
        if not edited:
            edited.append(draw(st.sampled_from(FACT_WORDS)))
        elif how == "replace":
            edited[k] = draw(st.sampled_from(FACT_WORDS))
        elif how == "insert":
            edited.insert(k, draw(st.sampled_from(FACT_WORDS)))
        elif how == "drop":
            edited.pop(k)
        elif how == "swap":
            j = draw(st.integers(0, len(edited) - 1))
            edited[k], edited[j] = edited[j], edited[k]
        elif how == "case":
            edited[k] = edited[k].swapcase()
        elif how == "hyphen":
            edited[k] = edited[k].replace("-", "") if "-" in edited[k] else edited[k] + "-" + edited[k]
        else:
            edited[k] = edited[k] + draw(st.sampled_from([",", ".", ";", "!", '"', "''"]))
    glue = draw(st.sampled_from([" ", "  ", "\n"]))
    return " ".join(words), glue.join(edited)


OPTION_SETS = [DiffOptions(), DiffOptions(removals_are_substantive=False), DiffOptions(new_claim_words=1)]


# The mark of a quotation a text begins inside of, opened before it (classify's open_quote_a/b), or "".
OPEN_QUOTES = st.sampled_from(["", "", '"', "\u201c"])


@settings(max_examples=1500, deadline=None)
@given(classified_pairs(), st.sampled_from(OPTION_SETS), st.booleans(), st.tuples(OPEN_QUOTES, OPEN_QUOTES))
@example(("He met Smith there.", "He met ' Paris there."), DiffOptions(), False, ("", ""))  # a capital after a quote
@example(('He said "we will go".', 'He said "we will not go".'), DiffOptions(), False, ("", ""))  # inside a quotation
@example(("The well-known boat left.", "The well known boat left."), DiffOptions(), False, ("", ""))  # hyphenation
@example(("Boats left the harbour early.", "Early the harbour left boats."), DiffOptions(), True, ("", ""))  # order
@example(("He met \x00 Smith there.", "He met \x00 Paris there."), DiffOptions(), False, ("", ""))  # NUL: no opener
@example(('We go," he said.', 'We go," she said.'), DiffOptions(), False, ('"', '"'))  # after the closing mark
@example(("We will go now.", "We will go soon."), DiffOptions(), False, ('"', ""))  # inside, no mark at all
def test_ascii_texts_are_classified_as_the_python_classifies_them(
    pair: tuple[str, str], options: DiffOptions, backwards: bool, open_quotes: tuple[str, str]
) -> None:
    assert CLASSIFY_IN_C is not None
    a, b = pair[::-1] if backwards else pair
    if comparison_key(a) == comparison_key(b):
        return  # (unchanged: decided before either classifier is asked)
    made = c_classified(a, b, options, *open_quotes)
    assert made is not None
    expected = python_classified(a, b, options, *open_quotes)
    assert made == (expected.kind, expected.reasons, expected.diff)
    assert all(type(run) is Run for run in made[2])


def c_classified(
    a: str, b: str, options: DiffOptions, open_a: str = "", open_b: str = ""
) -> tuple[str, tuple[str, ...], tuple[Run, ...]] | None:
    """The C classification, given each text's fold as classify.py gives it (None for ASCII text)."""
    assert CLASSIFY_IN_C is not None
    ascii = a.isascii() and b.isascii()
    made: tuple[str, tuple[str, ...], tuple[Run, ...]] | None = CLASSIFY_IN_C.classify(
        a, b, None if ascii else fold_keeping_offsets(a), None if ascii else fold_keeping_offsets(b),
        STOPWORDS, NUMBER_WORDS, DATE_WORDS, NEGATIONS, ATTRIBUTION,
        options.removals_are_substantive, options.new_claim_words, Run, 0, 0, open_a, open_b,
    )
    return made


# Typographic and other non-ASCII forms: curly quotes and apostrophes, dashes, accents, capitals beyond ASCII,
# digits of other scripts, a German sharp s (its fold does not keep offsets).
TYPOGRAPHIC = {"'": "\u2019", '"': "\u201c", "-": "\u2014", "e": "\u00e9", "E": "\u00c9", "1": "\u0661", "ss": "\u00df"}


def typographic(text: str, plain: str, count: int = -1) -> str:
    """`text` with `plain` in its typographic form; straight double quotes become opening and closing ones in turn."""
    if plain != '"':
        return text.replace(plain, TYPOGRAPHIC[plain], count)
    pieces = text.split('"')
    marks = ["\u201c" if k % 2 == 0 else "\u201d" for k in range(len(pieces) - 1)]
    return pieces[0] + "".join(mark + piece for mark, piece in zip(marks, pieces[1:], strict=True))


@settings(max_examples=1000, deadline=None)
@given(classified_pairs(), st.sampled_from(OPTION_SETS), st.sets(st.sampled_from(sorted(TYPOGRAPHIC))), st.booleans(),
       st.tuples(OPEN_QUOTES, OPEN_QUOTES))
@example(('He said "we will go" then.', 'He said "we will not go" then.'), DiffOptions(), {'"'}, False, ("", ""))
@example(('He said "we go" and left.', 'He said "we go" and soon left.'), DiffOptions(), {'"'}, False, ("", ""))
@example(("He met O'Brien there.", "He met o'brien there."), DiffOptions(), {"'"}, False, ("", ""))  # recased
@example(('He said "we go".', 'He said "we will go".'), DiffOptions(), {'"'}, False, ("", ""))  # curly marks
@example(('We "go" now," he said.', 'We "go" now," she said.'), DiffOptions(), {'"'}, False, ("\u201c", "\u201c"))
def test_typographic_texts_are_classified_as_the_python_classifies_them(
    pair: tuple[str, str], options: DiffOptions, forms: set[str], backwards: bool, open_quotes: tuple[str, str]
) -> None:
    a, b = pair[::-1] if backwards else pair
    for plain in sorted(forms):
        b = typographic(b, plain)
        if len(forms) > 1:
            a = typographic(a, plain, 1)
    if comparison_key(a) == comparison_key(b):
        return
    made = c_classified(a, b, options, *open_quotes)
    if fold_keeping_offsets(a) is None or fold_keeping_offsets(b) is None:
        assert made is None  # (left to the Python)
        return
    expected = python_classified(a, b, options, *open_quotes)
    assert made == (expected.kind, expected.reasons, expected.diff)


def test_text_whose_fold_moves_offsets_is_left_to_the_python() -> None:
    assert c_classified("Die Stra\u00dfe war leer.", "Die Strasse war voll.", DiffOptions()) is None
    found = classify("Die Stra\u00dfe war leer.", "Die Strasse war voll.", DiffOptions())
    assert found == python_classified("Die Stra\u00dfe war leer.", "Die Strasse war voll.", DiffOptions())
    assert found.kind == "minor" and found.reasons == ("wording leer \u2192 voll",)


def test_the_c_classifier_reports_facts_in_plain_words() -> None:
    """A direct check of the C route (the texts are ASCII), not only its agreement with the Python."""
    found = classify("The fire killed 12 people on Monday.", "The fire killed 15 people on Tuesday.", DiffOptions())
    assert found.kind == "substantive"
    assert found.reasons == ("number 12 \u2192 15", "date Monday \u2192 Tuesday")
    assert [run.op for run in found.diff] == ["equal", "delete", "insert", "equal", "delete", "insert", "equal"]


def test_one_long_list_against_a_short_one_is_quick_and_exact() -> None:
    """All the middle on one side (everything deleted or inserted): no bit vectors are made for it."""
    assert CLASSIFY_IN_C is not None
    long = [f"w{i}" for i in range(100_000)]
    assert CLASSIFY_IN_C.opcodes(long, []) == [("delete", 0, 100_000, 0, 0)]
    assert CLASSIFY_IN_C.opcodes(long, long[:10]) == Indel.opcodes(long, long[:10]).as_list()
    assert CLASSIFY_IN_C.opcodes(long[5:20], long[:30]) == Indel.opcodes(long[5:20], long[:30]).as_list()
    # A long middle against a short one: left to rapidfuzz (its bit vectors would grow with the square).
    assert CLASSIFY_IN_C.opcodes(long[:20_000], long[:5] + ["x"] + long[6:10]) is None


def test_word_sets_must_be_frozen() -> None:
    """A table made from a set that could change afterwards would go stale: only frozensets are taken."""
    assert CLASSIFY_IN_C is not None
    with pytest.raises(TypeError, match="frozensets"):
        CLASSIFY_IN_C.classify(
            "a b", "a c", None, None, set(STOPWORDS), NUMBER_WORDS, DATE_WORDS, NEGATIONS, ATTRIBUTION,
            True, 3, Run, 0, 0, "", "",
        )


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("The fire killed 12 people.", "The fire killed 15 people, police said."),  # ASCII: the C classifier
        ("Die Stra\u00dfe war leer.", "Die Strasse war voll."),  # a fold that moves offsets: the Python
    ],
)
def test_runs_are_shifted_to_where_the_texts_start(a: str, b: str) -> None:
    here = classify(a, b, DiffOptions())
    shifted = classify(a, b, DiffOptions(), shift_a=100, shift_b=7)
    assert (shifted.kind, shifted.reasons) == (here.kind, here.reasons)
    assert [(r.op, r.text, r.a_start + 100, r.a_end + 100, r.b_start + 7, r.b_end + 7) for r in here.diff] == [
        tuple(r) for r in shifted.diff
    ]
    assert all(type(r) is Run for r in shifted.diff)


def test_numbers_beyond_a_machine_word_are_left_to_the_python() -> None:
    """A huge option or shift gives what the Python gives (Python's ints have no bound), not an OverflowError."""
    a, b = "The fire killed 12 people.", "The fire killed 15 people, police said."
    huge = DiffOptions(new_claim_words=10**30)
    assert c_classified(a, b, huge) is None
    assert classify(a, b, huge) == python_classified(a, b, huge)
    far = classify(a, b, DiffOptions(), shift_a=10**30, shift_b=2**63 - 2)
    assert [r.a_start for r in far.diff] == [r.a_start + 10**30 for r in classify(a, b, DiffOptions()).diff]


def test_running_out_of_memory_anywhere_in_the_c_classifier_raises_memory_error() -> None:
    """Every allocation the C classifier makes, failed in turn: a MemoryError each time, never a wrong result or a
    SystemError for a NULL returned without an exception (a use of freed memory on such a path shows only in a
    build with AddressSanitizer: the review's). The helper is called directly: the compiled core's own runtime
    stops the process when an allocation fails while it handles an exception."""
    assert CLASSIFY_IN_C is not None
    a, b = "The fire killed 12 people on Monday.", "The fire killed 15 people, police said on Tuesday."
    far = 10**12  # (offsets this large are int objects of their own: their allocations fail too)
    sets = (STOPWORDS, NUMBER_WORDS, DATE_WORDS, NEGATIONS, ATTRIBUTION)
    assert CLASSIFY_IN_C.classify(a, b, None, None, *sets, True, 3, Run, far, far, "", "") is not None
    failures = failed_allocations(
        lambda: CLASSIFY_IN_C.classify(a, b, None, None, *sets, True, 3, Run, far, far, "", ""), 250
    )
    assert failures > 20  # (the allocations were reached)


@settings(max_examples=1500, deadline=None)
@given(st.text(alphabet=st.sampled_from('ab "\'\'\u201c\u201d\u00ab\u00bb\u2014\U0001f600.'), max_size=40),
       st.integers(-50, 50), st.integers(-50, 50))
def test_quote_balance_counts_as_str_count_does(text: str, start: int, end: int) -> None:
    """The C count of quotation marks (classify.carried_quotation's) reads a span as a slice would, a doubled
    single mark "''" as one straight mark."""
    assert CLASSIFY_IN_C is not None
    opened = text.count("\u201c", start, end) + text.count("\u00ab", start, end)
    closed = text.count("\u201d", start, end) + text.count("\u00bb", start, end)
    straight = text.count('"', start, end) + text.count("''", start, end)
    assert CLASSIFY_IN_C.quote_balance(text, start, end) == (straight, opened - closed)
    if text.isascii():  # (the C helper is asked about other text only; its one-byte path is tried here too)
        first, stop, _ = slice(start, end).indices(len(text))
        assert CLASSIFY_IN_C.quote_balance(text + "\u00e9", first, stop) == (straight, 0)
