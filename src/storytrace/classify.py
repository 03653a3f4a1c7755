"""Is a change wording or a fact? Classify a link and say why, in plain words.

A link is `unchanged` when the comparison keys are equal, `substantive` when the word diff touches a fact (a
number, a date, a name, a negation, the words of a quotation, who said it, or adds or drops a claim; also a
number bounded another way, a quantifier or a modal verb of another rank, a word swapped for its opposite), and
`minor` otherwise (wording, punctuation, hyphenation, word order). The word diff runs on tokens of the text as
read, compared through their normalised form, so what is shown is the original text.

This module puts the steps together; each kind of rule is a module of `storytrace.rules`: the token rules
(`_classify.c`, and `rules.reference` in Python), the facts they miss (`rules.facts`) and the changes of style they
take for facts (`rules.style`).
"""

from __future__ import annotations

from typing import Any, Final

from storytrace import CORE
from storytrace._compiled import c_module
from storytrace.align.features import STOPWORDS
from storytrace.options import DiffOptions
from storytrace.rules.facts import facts_in_minor
from storytrace.rules.reference import python_classified
from storytrace.rules.spelling import respelled
from storytrace.rules.style import HYPHENATION_OR_SPACING, respaced, style_kept_minor
from storytrace.rules.verdict import Classification, Run, make_run
from storytrace.rules.vocabulary import ATTRIBUTION, DATE_WORDS, NEGATIONS, NUMBER_WORDS
from storytrace.text.normalise import comparison_key, fold_keeping_offsets

# The classification of two texts (ASCII, or any whose style fold keeps offsets) in C (_classify.c, built with the
# core); None: rules.reference in Python.
CLASSIFY_IN_C: Final = c_module("_classify", CORE)
# (Bound once: a call through the module object looks its name up each time, ~200 instructions.)
_CLASSIFY_IN_C: Final[Any] = None if CLASSIFY_IN_C is None else CLASSIFY_IN_C.classify


def classify(
    text_a: str,
    text_b: str,
    options: DiffOptions,
    *,
    keys_differ: bool = False,
    shift_a: int = 0,
    shift_b: int = 0,
    open_quote_a: str = "",
    open_quote_b: str = "",
) -> Classification:
    """Classify the change from `text_a` to `text_b` (each the linked sentences, joined by a space).

    `keys_differ`: the caller knows that the two comparison keys differ (the diff, for single sentences it did not
    score as equal), so they are not worked out again. The word diff's offsets are into the texts, plus `shift_a`
    and `shift_b` (where the texts start in their documents). `open_quote_a`, `open_quote_b`: the mark of a
    quotation the text begins inside of, opened before it (in an earlier sentence of its paragraph: see
    `carried_quotation`), or "": its words are then quoted words up to the mark that closes that quotation."""
    if not keys_differ and comparison_key(text_a) == comparison_key(text_b):
        return Classification("unchanged", (), ())
    found = _classified(text_a, text_b, options, shift_a, shift_b, open_quote_a, open_quote_b)
    if found.kind != "substantive":
        return found
    # Words run together on one side, or spelled the British or American way: each such change is read as the
    # other side has it, and the texts read again (the diff shown stays the texts' own); what is left is what else
    # changed.
    read_a, read_b, read_shift_a, read_shift_b = text_a, text_b, shift_a, shift_b
    again = found
    shown: list[str] = []
    for rewrite, what in _REWRITES:
        rewritten = rewrite(again.diff, read_a, read_b, read_shift_a, read_shift_b)
        if rewritten is None:
            continue
        read_a, read_b, changes = rewritten
        read_shift_a = read_shift_b = 0
        shown.append(f"{what}: {changes}")
        if comparison_key(read_a) == comparison_key(read_b):
            return Classification("minor", tuple(shown), found.diff)
        again = _classified(read_a, read_b, options, 0, 0, open_quote_a, open_quote_b)
        if again.kind != "substantive":
            break
    if not shown:
        return found
    if again.kind == "substantive":
        return Classification("substantive", again.reasons, found.diff)
    kept = tuple(reason for reason in again.reasons if reason != HYPHENATION_OR_SPACING)  # (ours says which)
    return Classification("minor", (*kept, *shown), found.diff)


# Changes of spelling read as the other side has them before a verdict is given, in turn (`classify`).
_REWRITES: Final = ((respaced, "spacing"), (respelled, "spelling"))


def _classified(
    text_a: str, text_b: str, options: DiffOptions, shift_a: int, shift_b: int, open_quote_a: str, open_quote_b: str
) -> Classification:
    """`classify` of two texts whose keys differ, before words run together are read as spacing (`respaced`)."""
    if _CLASSIFY_IN_C is not None:
        # An ASCII text is folded in C; another text goes with its fold that keeps offsets (None: left to Python).
        ascii = text_a.isascii() and text_b.isascii()
        found: tuple[str, tuple[str, ...], tuple[Run, ...]] | None = _CLASSIFY_IN_C(
            text_a,
            text_b,
            None if ascii else fold_keeping_offsets(text_a),
            None if ascii else fold_keeping_offsets(text_b),
            STOPWORDS,
            NUMBER_WORDS,
            DATE_WORDS,
            NEGATIONS,
            ATTRIBUTION,
            options.removals_are_substantive,
            options.new_claim_words,
            Run,
            shift_a,
            shift_b,
            open_quote_a,
            open_quote_b,
        )
        if found is not None:  # (None: a text without a fold that keeps offsets, or two too long to align in C)
            verdict = style_kept_minor(Classification(found[0], found[1], found[2]), text_a, text_b)
            return facts_in_minor(verdict, text_a, text_b, shift_a, shift_b)
    found_here = python_classified(text_a, text_b, options, open_quote_a, open_quote_b)
    found_here = style_kept_minor(found_here, text_a, text_b)
    if shift_a or shift_b:
        shifted = tuple(
            make_run(r.op, r.text, r.a_start + shift_a, r.a_end + shift_a, r.b_start + shift_b, r.b_end + shift_b)
            for r in found_here.diff
        )
        found_here = Classification(found_here.kind, found_here.reasons, shifted)
    return facts_in_minor(found_here, text_a, text_b, shift_a, shift_b)
