"""The fast word and token splitters cut exactly as the regular expressions they stand in for."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import storytrace
from storytrace.align.features import STOPWORDS, python_features_of_key
from storytrace.rules.reference import _TOKEN, _token_parts, _token_words, _Tokens
from storytrace.rules.verdict import Run
from storytrace.text.normalise import (
    _FOLD,
    _FOLD_FROM,
    _FOLD_TO,
    _WORD,
    WORDS_IN_C,
    comparison_key,
    comparison_keys,
    fold_keeping_offsets,
    fold_text,
    python_comparison_keys,
    single_spaced,
    words,
)
from storytrace.text.segment import _INNER_BOUNDARY, _may_end_inside

# Letters, digits, the marks that join words, other punctuation, accents, and several kinds of white space.
PIECES = st.sampled_from(
    list("aZ9_ .,:;'-\u2019\u2010\u2011\u201c\u201d\"()!?%$&/*#")
    + list("\u00e9\u00df\u0301\u00a0\t\n\u2003\u3000\x1c\u0660\u00b2")
    + ["don't", "U.S.", "3.5%", "1,000", "taxi-boats", "(AP)", "--"]
)
TEXTS = st.lists(PIECES, max_size=30).map("".join)


@settings(max_examples=500)
@given(TEXTS)
def test_words_match_the_word_pattern(text: str) -> None:
    assert words(text) == _WORD.findall(text)
    assert words(text.lower()) == _WORD.findall(text.lower())


@settings(max_examples=500)
@given(TEXTS)
def test_classifier_tokens_match_the_token_pattern(text: str) -> None:
    assert _token_words(text) == _TOKEN.findall(text)


# ASCII only, control characters and every kind of ASCII white space included: what the C tokenisers take.
ASCII_TEXTS = st.lists(
    st.sampled_from(
        list("aZ9_ .,:;'-\"()!?%$&/*#\t\n\r\x0b\x0c\x1c\x1f\x00\x07\x7f") + ["don't", "U.S.", "3.5%", "a:b"]
    )
    | st.text(st.characters(max_codepoint=127), max_size=5),
    max_size=40,
).map("".join)


@settings(max_examples=1000)
@given(ASCII_TEXTS)
def test_ascii_text_cuts_as_the_patterns(text: str) -> None:
    assert words(text) == _WORD.findall(text)
    assert _token_words(text) == _TOKEN.findall(text)


@pytest.mark.skipif(WORDS_IN_C is None, reason="the C tokenisers are built with the compiled core")
@settings(max_examples=1000)
@given(ASCII_TEXTS)
def test_the_c_classifier_tokens_are_the_pythons(text: str) -> None:
    """Words, comparison forms and offsets, as rules.reference._token_parts makes them."""
    assert WORDS_IN_C is not None
    assert WORDS_IN_C.classifier_tokens(text) == _token_parts(text)
    tokens = _Tokens(text)
    count = len(tokens.words)
    if count:  # the runs of a word diff give back the whole text
        assert tokens.shown(0, count) == text
        assert "".join(tokens.shown(i, i + 1) for i in range(count)) == text


@pytest.mark.skipif(WORDS_IN_C is None, reason="the C tokenisers are built with the compiled core")
@settings(max_examples=1000)
@given(TEXTS)
def test_the_c_classifier_tokens_of_any_text_are_the_pythons(text: str) -> None:
    """Beyond ASCII, given the text's fold that keeps offsets: words, comparison forms and offsets, as
    rules.reference._token_parts makes them."""
    assert WORDS_IN_C is not None
    folded = fold_keeping_offsets(text)
    if folded is not None:
        assert WORDS_IN_C.classifier_tokens_folded(text, folded) == _token_parts(text)
    tokens = _Tokens(text)
    assert (tokens.words, tokens.norms, tokens.starts) == _token_parts(text)
    with pytest.raises(TypeError):
        WORDS_IN_C.classifier_tokens_folded(text, text + "x")


@pytest.mark.skipif(storytrace.CORE != "compiled", reason="the C tokenisers are built with the compiled core")
def test_the_c_tokenisers_cut_ascii_and_any_other_text() -> None:
    assert WORDS_IN_C is not None
    assert WORDS_IN_C.key_words("it's 3.5% of u.s.") == ["it's", "3.5", "of", "u.s"]
    assert WORDS_IN_C.classifier_words('"Ok," he said:') == ['"', "Ok", ",", '"', "he", "said", ":"]
    # Beyond ASCII: letters and digits of every script are word characters; the classifier also joins words
    # through a curly apostrophe and Unicode hyphens, and keeps every other mark.
    found = WORDS_IN_C.key_words("caf\u00e9 \u0663\u0664 na\u00efve-ish")
    assert found == ["caf\u00e9", "\u0663\u0664", "na\u00efve-ish"]
    assert WORDS_IN_C.classifier_words("\u201cDon\u2019t\u201d \u2014 x\u2010ray") == [
        "\u201c", "Don\u2019t", "\u201d", "\u2014", "x\u2010ray"
    ]
    assert WORDS_IN_C.key_words("don\u2019t") == ["don", "t"]
    assert WORDS_IN_C.classifier_tokens(" Taxi-boats, 12 of them.") == (
        ["Taxi-boats", ",", "12", "of", "them", "."],
        ["taxi-boats", ",", "12", "of", "them", "."],
        [1, 11, 13, 16, 19, 23],
    )
    assert WORDS_IN_C.classifier_tokens("caf\u00e9") is None


def test_known_cuts() -> None:
    assert words("it's 3.5% of u.s. (ap) \u2014 taxi-boats") == ["it's", "3.5", "of", "u.s", "ap", "taxi-boats"]
    assert _token_words('"It\'s 12," he said.') == ['"', "It's", "12", ",", '"', "he", "said", "."]


SENTENCE_PIECES = st.sampled_from(
    list("aZ9 .!?\"')]\u201d\u2019\u02bc\u201c\u2018(\u00a0\t\n,") + ["U.S.", "Mr.", "3.5", "said.", "Then"]
)


@settings(max_examples=500)
@given(st.lists(SENTENCE_PIECES, max_size=30).map("".join))
def test_the_inner_boundary_check_never_skips_a_boundary(segment: str) -> None:
    # The cheap check may say yes when there is no boundary, never no when there is one.
    assert _may_end_inside(segment) or not _INNER_BOUNDARY.search(segment)


# Comparison keys (lower case) with the words the aligner's stemmer and stop list act on.
KEY_WORDS = st.sampled_from(
    ["boats", "boat", "services", "leaving", "leave", "changes", "changed", "repeatedly", "cities", "the", "said",
     "don't", "it's", "nation's", "workers'", "ings", "sings", "ed", "bled", "es", "ly", "fly", "tree", "three",
     "be", "e", "s", "'s", "x's", "3.5", "1,000", "u.s.", "taxi-boats", "mayor"]
)
KEYS = st.lists(KEY_WORDS | st.sampled_from(list(" .,:;'-\"()!?")), max_size=25).map("".join) | ASCII_TEXTS


@pytest.mark.skipif(WORDS_IN_C is None, reason="the C tokenisers are built with the compiled core")
@settings(max_examples=1000)
@given(KEYS)
def test_the_c_sentence_features_are_the_pythons(key: str) -> None:
    """The aligner's words and content-word stems of an ASCII key, as features.python_features_of_key finds them."""
    assert WORDS_IN_C is not None
    expected = python_features_of_key(key)
    found = WORDS_IN_C.key_features(key, STOPWORDS)
    assert found == (expected.words, expected.content)
    assert type(found[0]) is tuple and type(found[1]) is frozenset
    assert WORDS_IN_C.key_features("caf\u00e9 boats", STOPWORDS) is None  # not ASCII: the Python cuts it


# ASCII with what the keys fold: capitals, NUL (dropped), runs of single quotes (pairs become "), and white space.
KEY_TEXTS = st.lists(st.sampled_from(list("aZ'' \n\t\r\x0b\x0c\x1c\x1f\x00.\"") + ["''", "'''", "Mr. O'Neil"]),
                     max_size=30).map("".join) | ASCII_TEXTS


@pytest.mark.skipif(WORDS_IN_C is None, reason="the C tokenisers are built with the compiled core")
@settings(max_examples=1000)
@given(KEY_TEXTS, st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), max_size=6))
@example("Seven  Sixteen characters", [(0, 25), (3, 17)])  # two spaces inside and across eight-byte blocks
@example("ABCDEFG  hijklmn\topqrstu'vwxyz`` 12 ", [(0, 40), (1, 9), (8, 16)])
def test_the_c_comparison_keys_are_the_pythons(text: str, spans: list[tuple[int, int]]) -> None:
    assert WORDS_IN_C is not None
    assert WORDS_IN_C.ascii_keys(text, spans) == python_comparison_keys(text, spans)
    assert WORDS_IN_C.ascii_key(text) == python_comparison_keys(text, [(0, len(text))])[0]
    assert WORDS_IN_C.ascii_key(text + "\u00e9") is None  # not ASCII: the Python folds it


# Text as the web prints it: what the style fold turns into ASCII (curly quotes, dashes, no-break and thin spaces,
# a soft hyphen and a zero-width space, which fold to nothing), next to ASCII capitals, doubled quotes and backticks,
# and a few characters that stay beyond ASCII once folded (an accent, "ß", a ligature, a combining accent).
TYPOGRAPHIC_TEXTS = st.lists(
    st.sampled_from(["He", "said", " ", " ", "''", "'", "`", "\"", ".", "\u2018", "\u2019", "\u201c", "\u201d",
                     "\u2014", "\u2013", "\u2010", "\u00a0", "\u2009", "\u00ad", "\u200b", "\n", "\u00e9", "\u00df",
                     "\ufb01", "e\u0301", "\u00ab", "\u2032"]),
    max_size=30,
).map("".join)


@settings(max_examples=1000)
@given(TYPOGRAPHIC_TEXTS, st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), max_size=6))
# Runs of sixteen ASCII characters and more in a two-byte text (read sixteen at a time), with a capital, a doubled
# space, a quote mark or a backtick first, last or inside a block, and none at all.
@example("\u201cTHE Quick  brown fox's tail`` JUMPED over the lazy dog\u201d  and\tRAN away \u2014 fast",
         [(0, 90), (1, 40), (17, 33), (2, 18)])
@example("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP\u2019'QRSTUVWXYZ0123456789  `x", [(0, 80), (15, 47), (16, 32)])
def test_the_keys_of_typographic_text_are_the_pythons(text: str, spans: list[tuple[int, int]]) -> None:
    """Text that is ASCII once its styles are folded takes the C helper's ASCII keys of the folded text."""
    assert comparison_keys(text, spans) == python_comparison_keys(text, spans)
    assert comparison_key(text) == python_comparison_keys(text, [(0, len(text))])[0]


# Words with white space of every kind between and around them: ASCII controls, no-break and em spaces, U+0085.
SPACED_TEXTS = st.lists(
    st.sampled_from(["a", "Bc", "\u00e9", " ", " ", "  ", "\t", "\n", "\r", "\x0b", "\x1f", "\x07", "\u00a0",
                     "\u2003", "\u0085", "\u2028", "\u200b"]),
    max_size=12,
).map("".join)


@settings(max_examples=1000)
@given(SPACED_TEXTS)
def test_single_spaced_text_is_what_splitting_and_joining_would_leave_alone(text: str) -> None:
    """Never wrong when it says yes; exact on ASCII (beyond it, an unprintable character that is not white space,
    such as U+200B, makes it say no, and the caller splits and joins for nothing)."""
    untouched = " ".join(text.split()) == text
    if single_spaced(text):
        assert untouched
    if text.isascii():
        assert single_spaced(text) == untouched


def test_a_sentence_has_one_key_whether_or_not_its_document_is_ascii() -> None:
    """Keys fold a whole document at once: a sentence quoted with backticks must get the same key (and so anchor as
    unchanged) in an all-ASCII version and in a version with a curly quote elsewhere."""
    plain = "He called it ``a disgrace'' on Monday. The mayor said it was over."
    curly = "He called it ``a disgrace'' on Monday. The mayor said it was \u201cover.\u201d"
    first = [(0, 38)]
    assert comparison_keys(plain, first) == comparison_keys(curly, first) == ['he called it "a disgrace" on monday.']


def test_comparison_keys_fold_quotes_case_and_space() -> None:
    """What the keys are for: the same words in another layout, case or quote style compare equal."""
    text = "He said ''Yes''.\n  THE  end\tnow."
    assert comparison_keys(text, [(0, 16), (19, len(text))]) == ['he said "yes".', "the end now."]
    assert comparison_key("It's  ''odd'''") == "it's \"odd\"'"


# Text with what folding acts on: curly quotes, dashes, unusual spaces, invisible characters, accents composed and
# not (e + U+0301), letters whose case folding lengthens them (ß, the ﬁ ligature), the two quads that NFC changes,
# a Hangul syllable and jamo, and plain ASCII.
FOLD_PIECES = st.sampled_from(
    list("aZ '\"`-.\u2018\u2019\u201c\u201d\u00ab\u00bb\u2010\u2013\u2014\u2212\u00a0\u2009\u202f\u3000")
    + list("\u00ad\u200b\ufeff\u00e9\u0301\u00df\ufb01\u2000\u2001\u2002\u20ac\u0130\u03a3\uac00\u1100\u1161")
    + ["Caf\u00e9", "e\u0301t\u00e9", "STRASSE", "\u00c5ngstr\u00f6m", "\U0001f600"]
)
FOLD_TEXTS = st.lists(FOLD_PIECES, max_size=30).map("".join)


@pytest.mark.skipif(WORDS_IN_C is None, reason="the C helpers are built with the compiled core")
@settings(max_examples=1000)
@given(FOLD_TEXTS)
def test_folding_in_c_is_the_definition(text: str) -> None:
    """fold_text: NFC, then the quote/dash/space table, then case folding, whichever path takes it (ASCII text
    included: a backtick is a quote there too)."""
    assert fold_text(text) == unicodedata.normalize("NFC", text).translate(_FOLD).casefold()
    assert WORDS_IN_C is not None
    styled = WORDS_IN_C.fold_styles(text, _FOLD_FROM, _FOLD_TO)
    if styled is not None:  # only for text that is NFC already
        assert unicodedata.is_normalized("NFC", text)
        assert styled == text.translate(_FOLD)
    folded_ascii = WORDS_IN_C.fold_ascii(text, _FOLD_FROM, _FOLD_TO)
    definition = unicodedata.normalize("NFC", text).translate(_FOLD).casefold()
    if folded_ascii is not None:  # only for text the table folds to ASCII, and for all of it
        assert folded_ascii == definition
    assert (folded_ascii is None) == (not text.translate(_FOLD).isascii())


@pytest.mark.skipif(WORDS_IN_C is None, reason="the C helpers are built with the compiled core")
def test_folding_in_c_follows_the_table_it_is_given() -> None:
    """The helper keeps the table it made for the last two strings given: another table is made afresh (and the
    first made again after it), never mistaken for the one kept; one that folds no ASCII character, or two, is
    followed as well as normalise.py's, which folds the backtick."""
    assert WORDS_IN_C is not None
    text = "It\u2019s `OVER` for Quebec\u2019s TEAMS \u2014 Now-what"
    tables = [(_FOLD_FROM, _FOLD_TO), ("\u2019\u2014", "x="), ("\u2019\u2014`-", "x='_"), (_FOLD_FROM, _FOLD_TO)]
    for froms, tos in tables:
        table = str.maketrans(froms, tos)
        assert WORDS_IN_C.fold_ascii(text, froms, tos) == text.translate(table).lower()
        assert WORDS_IN_C.fold_styles(text, froms, tos) == text.translate(table)
    assert WORDS_IN_C.fold_ascii(text, "\u2019", "x") is None  # the dash stays beyond ASCII
    with pytest.raises(ValueError):
        WORDS_IN_C.fold_ascii(text, "ab", "c")


# Longer typographic text, so that the fold reads ASCII eight characters at a time, with capitals, backticks and
# characters the table does not fold to ASCII anywhere among them.
LONG_TYPOGRAPHIC_TEXTS = st.lists(
    st.sampled_from(["The ", "MAYOR", "said", " ", "`", "``", "''", "AZaz@[`{", "\u2019", "\u201c", "\u201d",
                     "\u2014", "\u00a0", "\u00ad", "\u00e9", "\u0100", "\U0001f600", "x" * 9]),
    max_size=60,
).map("".join)


@pytest.mark.skipif(WORDS_IN_C is None, reason="the C helpers are built with the compiled core")
@settings(max_examples=1000)
@given(LONG_TYPOGRAPHIC_TEXTS)
def test_folding_long_typographic_text_in_c_is_the_definition(text: str) -> None:
    assert WORDS_IN_C is not None
    definition = unicodedata.normalize("NFC", text).translate(_FOLD).casefold()
    folded_ascii = WORDS_IN_C.fold_ascii(text, _FOLD_FROM, _FOLD_TO)
    assert folded_ascii == (definition if text.translate(_FOLD).isascii() else None)
    assert fold_text(text) == definition


@pytest.mark.skipif(WORDS_IN_C is None, reason="the C helpers are built with the compiled core")
@settings(max_examples=1000)
@given(LONG_TYPOGRAPHIC_TEXTS, st.lists(st.tuples(st.integers(0, 400), st.integers(0, 400)), max_size=6),
       st.sampled_from([(_FOLD_FROM, _FOLD_TO), ("\u2019\u201c\u201d\u2014\u00a0\u00ad", "'<>- \x00")]))
def test_keys_folded_as_read_are_the_keys_of_the_folded_text(
    text: str, spans: list[tuple[int, int]], table: tuple[str, str]
) -> None:
    """folded_keys keys each span of a two-byte text as ascii_key keys the span folded by fold_ascii (eight
    characters at a time where it can), and gives up (None) where a span holds a character that does not fold to
    ASCII; comparison_keys, which takes it, keys every text as the reference does."""
    assert WORDS_IN_C is not None
    froms, tos = table
    found = WORDS_IN_C.folded_keys(text, spans, froms, tos)
    folds = [WORDS_IN_C.fold_ascii(text[start:end], froms, tos) for start, end in spans]
    two_bytes = max(map(ord, text), default=0) in range(0x100, 0x10000)  # (other widths are left to the Python)
    if two_bytes and text.translate(str.maketrans(froms, tos)).isascii():
        assert found is not None
    if found is not None:
        assert two_bytes
        assert found == [WORDS_IN_C.ascii_key(folded) for folded in folds]
    elif two_bytes:
        assert None in folds
    assert comparison_keys(text, spans) == python_comparison_keys(text, spans)


@pytest.mark.skipif(WORDS_IN_C is None, reason="the C helpers are built with the compiled core")
def test_keys_folded_as_read_refuse_what_they_cannot_key() -> None:
    assert WORDS_IN_C is not None
    text = "He said \u201cno\u201d \u2014 twice."
    assert WORDS_IN_C.folded_keys(text, [(0, 13)], _FOLD_FROM, _FOLD_TO) == ['he said "no"']
    assert WORDS_IN_C.folded_keys(text, [(0, 13)], "\u201c\u201d`-", "<>'_") is None  # two ASCII characters folded
    assert WORDS_IN_C.folded_keys("caf\u00e9 au lait", [(0, 4)], _FOLD_FROM, _FOLD_TO) is None  # one byte a character
    with pytest.raises(ValueError):
        WORDS_IN_C.folded_keys(text, [(-1, 3)], _FOLD_FROM, _FOLD_TO)


def test_the_characters_folding_takes_as_composed_are() -> None:
    """fold_styles skips NFC for text made only of these ranges: each is its own NFC, of combining class 0, and
    composes with nothing before it."""
    ranges = [range(0x300), range(0x2002, 0x2070), range(0x20A0, 0x20D0), [0x2212, 0x3000, 0xFEFF]]
    for code in (c for r in ranges for c in r):
        ch = chr(code)
        assert unicodedata.combining(ch) == 0 and unicodedata.normalize("NFC", ch) == ch, hex(code)
        for before in "AaEeOoUu\u00e9\u0391\u0410":
            assert unicodedata.is_normalized("NFC", before + ch), hex(code)
    assert len(_FOLD_FROM) == len(_FOLD_TO) == len(_FOLD)


@pytest.mark.skipif(WORDS_IN_C is None, reason="the C helpers are built with the compiled core")
def test_typed_tuples_are_what_tuple_new_makes() -> None:
    assert WORDS_IN_C is not None
    made = WORDS_IN_C.typed_tuple(Run, "equal", "a b", 0, 3, 4, 7)
    assert type(made) is Run and made == tuple.__new__(Run, ("equal", "a b", 0, 3, 4, 7))
    assert (made.op, made.text, made.b_end) == ("equal", "a b", 7)
    assert WORDS_IN_C.typed_tuple(tuple) == ()
    with pytest.raises(TypeError):
        WORDS_IN_C.typed_tuple(list, 1)
