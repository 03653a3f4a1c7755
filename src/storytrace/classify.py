"""Is a change wording or a fact? Classify a link and say why, in plain words.

A link is `unchanged` when the comparison keys are equal, `substantive` when the word diff touches a fact (a
number, a date, a name, a negation, the words of a quotation, who said it, or adds or drops a claim; also a
number bounded another way, a quantifier or a modal verb of another rank, a word swapped for its opposite), and
`minor` otherwise (wording, punctuation, hyphenation, word order). The word diff runs on tokens of the text as
read, compared through their normalised form, so what is shown is the original text.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any, Final, NamedTuple

from rapidfuzz.distance import Indel

from storytrace import CORE
from storytrace._compiled import c_module
from storytrace.align.features import STOPWORDS, stem
from storytrace.options import DiffOptions
from storytrace.text.normalise import (
    ASCII_MARKS,
    WORDS_IN_C,
    comparison_key,
    fold_keeping_offsets,
    fold_token,
)
from storytrace.values import Value

# A word (with inner apostrophes, hyphens and number punctuation) or one other mark; only white space lies between.
_TOKEN: Final = re.compile(r"\w+(?:['\u2019\-\u2010\u2011.,:]\w+)*+|[^\w\s]")
_NUMBER: Final = re.compile(r"\d")
_NUMBER_WORDS: Final = frozenset(
    """zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen
    seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand million
    billion trillion dozen dozens hundreds thousands millions billions half quarter third percent first second
    fourth fifth""".split()
)
_DATE_WORDS: Final = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april may june july
    august september october november december jan feb mar apr jun jul aug sep sept oct nov dec today
    yesterday tomorrow tonight morning afternoon evening night week month year weekend spring summer autumn
    winter""".split()
)
# Titles before a name: putting one in or taking one out names nobody new (the C helper has the same list).
_HONORIFICS: Final = frozenset("mr mrs ms miss dr prof sir dame lord lady rev mx".split())
# Month names that are also everyday words: dates only when capitalised (the C helper has the same list).
_AMBIGUOUS_DATES: Final = frozenset({"may", "march", "mar"})
# The classification of two texts (ASCII, or any whose style fold keeps offsets) and rapidfuzz's Indel.opcodes for
# any two lists of str, in C (_classify.c, built with the core); None: the Python below and rapidfuzz's own.
CLASSIFY_IN_C: Final = c_module("_classify", CORE)
# (Bound once: a call through the module object looks its name up each time, ~200 instructions.)
_CLASSIFY_IN_C: Final[Any] = None if CLASSIFY_IN_C is None else CLASSIFY_IN_C.classify
_QUOTE_BALANCE_IN_C: Final[Any] = None if CLASSIFY_IN_C is None else CLASSIFY_IN_C.quote_balance
_TYPED_TUPLE_IN_C: Final[Any] = None if WORDS_IN_C is None else WORDS_IN_C.typed_tuple
# Up to this many changed tokens, a changed word is looked for in the other side's token list, not a set of it.
_FEW_CHANGED: Final = 8
_NEGATIONS: Final = frozenset(
    "not no never none nobody nothing neither nor cannot without n't don't doesn't didn't isn't aren't wasn't "
    "weren't won't wouldn't can't couldn't shouldn't hasn't haven't hadn't".split()
)
_ATTRIBUTION: Final = frozenset(
    """said say says told tells according stated states claimed claims added adds announced announces
    reported reports wrote writes insisted insists denied denies confirmed confirms alleged alleges
    argued argues warned warns tweeted posted explained explains acknowledged admitted urged urges asked asks
    replied responded""".split()
)
# Verbs of saying left out of the list above (each is also often something else: "a noted author", "stressed
# workers"), read as one only where it takes the place of a listed one ("said" / "noted" is no attribution removed).
_SAYING_TOO: Final = frozenset(
    """noted notes asserted asserts contended contends conceded concedes remarked mentioned stressed stresses
    emphasised emphasized emphasises emphasizes cautioned suggested suggests testified testifies quipped""".split()
)
# Verbs of saying that deny what follows: one put in the place of another ("said" / "denied") turns the statement.
_DENIALS: Final = frozenset("denied denies".split())
_QUOTE_CHARS: Final = frozenset('"\u201c\u201d\u00ab\u00bb')
_OPENING_QUOTES: Final = frozenset("\u201c\u00ab")
# Two single quote marks, as tokenised news (the NYT's) writes a quotation mark, opening and closing alike: read as
# one straight double mark.
_DOUBLED_SINGLE: Final = "''"
_SENTENCE_OPENERS: Final = frozenset({".", "!", "?", ":", '"', "\u201c", "'", "(", "\u2014", "-"})


class Classification(Value):
    """What kind of change a link is, why, and its word diff (a `Value`: see storytrace.values)."""

    __slots__ = ("kind", "reasons", "diff")

    def __init__(self, kind: str, reasons: tuple[str, ...], diff: tuple[Run, ...]) -> None:
        self.kind: Final = kind
        self.reasons: Final = reasons
        self.diff: Final = diff

    def _fields(self) -> tuple[Any, ...]:
        return (self.kind, self.reasons, self.diff)


class _Tokens:
    """The words and punctuation marks of a classified text, as parallel lists indexed by token (a plain class:
    compiled, its lists are read natively; one object per text rather than one per token)."""

    __slots__ = ("text", "words", "norms", "starts", "open_quote")

    def __init__(self, text: str, open_quote: str = "") -> None:
        words: list[str]
        norms: list[str]
        starts: list[int]
        cut = WORDS_IN_C.classifier_tokens(text) if WORDS_IN_C is not None else None
        if cut is None and WORDS_IN_C is not None:
            folded = fold_keeping_offsets(text)
            if folded is not None:  # other text folded one character for one (almost always): cut in C too
                cut = WORDS_IN_C.classifier_tokens_folded(text, folded)
        if cut is not None:
            words, norms, starts = cut
        else:
            words, norms, starts = _token_parts(text)
        self.text = text
        self.words = words  # the tokens as read
        self.norms = norms  # their comparison forms
        self.starts = starts  # their offsets in the text
        self.open_quote = open_quote  # the mark of a quotation opened before the text that it begins inside of

    def end(self, i: int) -> int:
        """Offset just after token `i`."""
        return self.starts[i] + len(self.words[i])

    def position(self, i: int) -> int:
        """Offset of token `i`, or the end of the last token when `i` is past the end."""
        if i < len(self.words):
            return self.starts[i]
        return self.end(len(self.words) - 1) if self.words else 0

    def shown(self, first: int, stop: int) -> str:
        """Tokens first..stop-1 as read, each with the white space after it (and the first token of the text also
        with the white space before it): the runs of the word diff put together give back the whole text."""
        start = 0 if first == 0 else self.starts[first]
        return self.text[start : self.starts[stop] if stop < len(self.starts) else len(self.text)]

    def opens_sentence(self, i: int) -> bool:
        """Is token `i` capitalised for grammar, not because it is a name: the first, or after an opening mark?"""
        return i == 0 or self.words[i - 1] in _SENTENCE_OPENERS


class Run(NamedTuple):
    """A run of the word diff: its text, and where it lies in A and in B (offsets into the classified texts;
    an insertion has an empty span in A at the place it goes, a deletion likewise in B)."""

    op: str  # "equal" | "delete" | "insert"
    text: str
    a_start: int
    a_end: int
    b_start: int
    b_end: int


def make_run(op: str, text: str, a_start: int, a_end: int, b_start: int, b_end: int) -> Run:
    """A `Run`, made as tuple.__new__ makes it: the named tuple's own __new__ runs as Python even in the compiled
    core, and a diff makes two runs or more per edited link (the C helper skips even tuple.__new__'s call)."""
    if _TYPED_TUPLE_IN_C is not None:
        run: Run = _TYPED_TUPLE_IN_C(Run, op, text, a_start, a_end, b_start, b_end)
        return run
    return tuple.__new__(Run, (op, text, a_start, a_end, b_start, b_end))


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
    respaced = _respaced(found.diff, text_a, text_b, shift_a, shift_b)
    if respaced is None:
        return found
    # Read again with the words spaced alike on both sides: what is left is what else changed.
    spaced_a, spaced_b, shown = respaced
    if comparison_key(spaced_a) == comparison_key(spaced_b):
        return Classification("minor", (f"spacing: {shown}",), found.diff)
    again = _classified(spaced_a, spaced_b, options, 0, 0, open_quote_a, open_quote_b)
    if again.kind == "substantive":
        return Classification("substantive", again.reasons, found.diff)
    kept = tuple(reason for reason in again.reasons if reason != _HYPHENATION_OR_SPACING)  # (ours says which)
    return Classification("minor", (*kept, f"spacing: {shown}"), found.diff)


def _classified(
    text_a: str, text_b: str, options: DiffOptions, shift_a: int, shift_b: int, open_quote_a: str, open_quote_b: str
) -> Classification:
    """`classify` of two texts whose keys differ, before words run together are read as spacing (`_respaced`)."""
    if _CLASSIFY_IN_C is not None:
        # An ASCII text is folded in C; another text goes with its fold that keeps offsets (None: left to Python).
        ascii = text_a.isascii() and text_b.isascii()
        found: tuple[str, tuple[str, ...], tuple[Run, ...]] | None = _CLASSIFY_IN_C(
            text_a,
            text_b,
            None if ascii else fold_keeping_offsets(text_a),
            None if ascii else fold_keeping_offsets(text_b),
            STOPWORDS,
            _NUMBER_WORDS,
            _DATE_WORDS,
            _NEGATIONS,
            _ATTRIBUTION,
            options.removals_are_substantive,
            options.new_claim_words,
            Run,
            shift_a,
            shift_b,
            open_quote_a,
            open_quote_b,
        )
        if found is not None:  # (None: a text without a fold that keeps offsets, or two too long to align in C)
            verdict = _style_kept_minor(Classification(found[0], found[1], found[2]), text_a, text_b)
            return _facts_in_minor(verdict, text_a, text_b, shift_a, shift_b)
    found_here = python_classified(text_a, text_b, options, open_quote_a, open_quote_b)
    found_here = _style_kept_minor(found_here, text_a, text_b)
    if shift_a or shift_b:
        shifted = tuple(
            make_run(r.op, r.text, r.a_start + shift_a, r.a_end + shift_a, r.b_start + shift_b, r.b_end + shift_b)
            for r in found_here.diff
        )
        found_here = Classification(found_here.kind, found_here.reasons, shifted)
    return _facts_in_minor(found_here, text_a, text_b, shift_a, shift_b)


# Words that say how sure the text is of what it reports: putting one in or taking one out changes the claim.
_HEDGES: Final = frozenset(
    "allegedly reportedly purportedly supposedly apparently possibly probably presumably seemingly alleged "
    "suspected unconfirmed".split()
)
# Words that weaken how far a claim goes ("the roof had partly collapsed", "nearly all the staff"): put in or taken
# out, the claim is another one. (Words that strengthen it, "completely destroyed", add little to the verb.)
_DEGREES: Final = frozenset(
    "partly partially nearly almost barely hardly slightly largely mostly virtually somewhat".split()
)
# Currency signs and units written next to a number: another one is another quantity ("£40,000" / "$40,000").
_UNIT_SIGNS: Final = "£$€¥₹°%"
_UNIT_WORDS: Final = frozenset(
    """dollar dollars euro euros pound pounds sterling yen yuan rupees francs pence cents km kilometre kilometres
    kilometer kilometers mile miles metre metres meter meters m cm mm ft feet foot inch inches yards kg kilo kilos
    kilogram kilograms gram grams g lb lbs tonnes tons ounces oz litres liters gallons mph kmh celsius fahrenheit
    c f hours minutes seconds days weeks months years acres hectares""".split()
)
# Words whose swap for the other turns a report around ("acquitted" / "convicted", "rose" / "fell"): each a pair of
# opposites, in the inflections news writes them. Read both ways.
_OPPOSITE_PAIRS: Final = """acquitted:convicted acquittal:conviction guilty:innocent win:lose wins:loses won:lost
    winning:losing winner:loser winners:losers victory:defeat rise:fall rises:falls rose:fell rising:falling
    risen:fallen increase:decrease increases:decreases increased:decreased increasing:decreasing
    higher:lower more:fewer more:less most:least above:below before:after gain:loss gains:losses gained:lost
    approve:reject approves:rejects approved:rejected approval:rejection accept:reject accepted:rejected
    allow:ban allows:bans allowed:banned legal:illegal lawful:unlawful support:oppose supports:opposes
    supported:opposed supporters:opponents for:against alive:dead survived:died survive:die open:closed
    opened:closed admit:deny admits:denies admitted:denied true:false able:unable likely:unlikely
    possible:impossible safe:unsafe success:failure succeeded:failed passed:failed include:exclude
    included:excluded hired:fired arrested:released start:end started:ended began:ended maximum:minimum
    majority:minority strengthened:weakened raised:cut raised:lowered raise:lower add:remove added:removed
    highest:lowest largest:smallest biggest:smallest best:worst first:last earlier:later north:south
    east:west northern:southern eastern:western inside:outside public:private positive:negative profit:loss
    profits:losses surplus:deficit peace:war convict:acquit better:worse deliberately:accidentally
    deliberate:accidental intentional:accidental intentionally:accidentally early:late earliest:latest man:woman
    men:women boy:girl boys:girls male:female husband:wife son:daughter sons:daughters father:mother
    brother:sister behind:ahead leading:trailing leads:trails led:trailed""".split()


def _opposites_by_word(pairs: list[str]) -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = {}
    for both in pairs:
        one, other = both.split(":")
        found.setdefault(one, []).append(other)
        found.setdefault(other, []).append(one)
    return {word: tuple(opposites) for word, opposites in found.items()}


# Each word's opposites (most have one), in the list's order.
_OPPOSITE_OF: Final = _opposites_by_word(_OPPOSITE_PAIRS)
_OPPOSITE_WORDS: Final = frozenset(_OPPOSITE_OF)
# A pair of opposites either way round, as the list above gives it (a reason then reads the same both ways).
_LISTED_ORDER: Final = {
    pair: (one, other) for both in _OPPOSITE_PAIRS for one, other in [both.split(":")] for pair in ((one, other),
                                                                                                 (other, one))
}
_OPPOSITES: Final = frozenset(_LISTED_ORDER)


# Words before a number that bound it ("at least 30", "up to 30") or make it approximate ("about 30"), by kind.
_BOUNDS: Final = {
    **dict.fromkeys(
        ("at least", "more than", "over", "above", "upwards of", "in excess of", "no fewer than", "no less than"),
        "lower",
    ),
    **dict.fromkeys(
        ("up to", "at most", "less than", "fewer than", "under", "below", "nearly", "almost", "just under",
         "no more than", "as many as", "as much as"),
        "upper",
    ),
    **dict.fromkeys(("about", "around", "roughly", "approximately", "some", "an estimated", "estimated"), "about"),
    **dict.fromkeys(("exactly", "precisely"), "exact"),
}
_LONGEST_BOUND: Final = max(len(words) for words in _BOUNDS) + 2
# How many (a quantifier's rank) and how sure (a modal verb's), for `_changed_rank`.
_QUANTIFIERS: Final = {
    "all": 5, "every": 5, "each": 5, "most": 4, "many": 3, "some": 2, "several": 2, "few": 1, "no": 0, "none": 0,
}
_MODALS: Final = {"will": 2, "shall": 2, "must": 2, "would": 2, "may": 1, "might": 1, "could": 1}
_WORD_EDGES: Final = "\"'()[]{}.,;:!?\u201c\u201d\u2018\u2019"
_DETERMINERS: Final = frozenset("the a an his her its their our this that".split())
_MARKS_BEFORE_SPEAKER: Final = frozenset(',"\'\u201d\u2019')


def _facts_in_minor(found: Classification, text_a: str, text_b: str, shift_a: int, shift_b: int) -> Classification:
    """Facts the token rules miss in a change they call minor: who is credited with a statement ("Police said" /
    "Witnesses said"), how sure the text is ("allegedly" taken out), a word swapped for its opposite ("acquitted" /
    "convicted") and the unit of a quantity ("£40,000" / "$40,000", "5 km" / "5 miles"). Each turns the verdict
    substantive, with its reason."""
    if found.kind == "substantive" and found.diff:
        return _opposites_in(found, text_a, text_b)
    if found.kind != "minor" or not found.diff:
        return found
    reasons: list[str] = []
    runs = found.diff
    degrees_removed: list[str] = []
    degrees_added: list[str] = []
    for n, run in enumerate(runs):
        if run.op == "equal":
            continue
        text = run.text
        # (every hedge and degree word holds one of these; most runs hold none, and are not split into words)
        if "ly" in text or "lleged" in text or "uspected" in text or "nconfirmed" in text or "lmost" in text or (
            "somewhat" in text
        ):
            words = _plain_words(text)
            hedges = [word for word in words if word in _HEDGES]
            if hedges:
                shown = ", ".join(dict.fromkeys(hedges))
                reasons.append(f"hedge {'removed' if run.op == 'delete' else 'added'}: {shown}")
            for word in words:
                if word in _DEGREES:
                    (degrees_removed if run.op == "delete" else degrees_added).append(word)
        if run.op == "delete" and n + 1 < len(runs) and runs[n + 1].op == "insert":  # a replacement
            reason = _replaced_fact(run, runs[n + 1], text_a, text_b, shift_a, shift_b)
            if reason:
                reasons.append(reason)
        elif not (run.op == "insert" and n and runs[n - 1].op == "delete"):  # only put in, or only taken out
            reason = _bound_put_or_taken(run, text_a, text_b, shift_a, shift_b)
            if reason:
                reasons.append(reason)
    # A qualifier put in where there was none, or taken out and none left (one swapped for another, "nearly" /
    # "almost", is wording; one only moved is neither).
    if degrees_removed or degrees_added:
        removed = [word for word in degrees_removed if word not in degrees_added]
        added = [word for word in degrees_added if word not in degrees_removed]
        if bool(removed) != bool(added):
            reasons.append(f"degree {'removed' if removed else 'added'}: {', '.join(dict.fromkeys(removed or added))}")
    if not reasons:
        traded = _traded_opposites(runs, text_a, text_b)
        if traded is None:
            return found
        reasons.append(traded)
    return Classification("substantive", tuple(dict.fromkeys(reasons)), found.diff)


def _replaced_fact(gone: Run, put: Run, text_a: str, text_b: str, shift_a: int, shift_b: int) -> str | None:
    """The fact a replacement changes, if it is the speaker of a statement, a word swapped for its opposite or a
    quantity's unit."""
    old, new = gone.text, put.text
    verb_a, verb_b = old.strip().lower(), new.strip().lower()
    if verb_a.replace(".", "") == verb_b.replace(".", ""):
        return None  # the same word written otherwise ("US" / "U.S.")
    if _is_initials(new.strip(_WORD_EDGES + " "), old.strip(_WORD_EDGES + " ")) or _is_initials(
        old.strip(_WORD_EDGES + " "), new.strip(_WORD_EDGES + " ")
    ):
        return None  # a name and its initials ("United States" / "US")
    if verb_a in _ATTRIBUTION and verb_b in _ATTRIBUTION and (verb_a in _DENIALS) != (verb_b in _DENIALS):
        return f"attribution changed: {old.strip()} → {new.strip()}"
    after_a = _next_word(text_a, gone.a_end - shift_a)
    if after_a in _ATTRIBUTION and after_a == _next_word(text_b, put.b_end - shift_b):
        return _attribution(old, new)
    # "..., said Smith." (the verb after a comma or a quote mark) names a speaker; "said prices rose" does not.
    before_a = _speaker_verb_before(text_a, gone.a_start - shift_a)
    if before_a and before_a == _speaker_verb_before(text_b, put.b_start - shift_b):
        return _attribution(old, new)
    if _after_according_to(text_a, gone.a_start - shift_a) and _after_according_to(text_b, put.b_start - shift_b):
        return _attribution(old, new)  # "according to police" / "according to witnesses"
    bound = _changed_bound(verb_a, verb_b, gone, put, text_a, text_b, shift_a, shift_b)
    if bound:
        return bound
    swapped = _opposites(old, new, text_a, text_b)
    if swapped:
        return f"opposite meaning: {swapped}"
    ranked = _changed_rank(verb_a, verb_b, old, new)
    if ranked:
        return ranked
    if _touches_digit(text_a, gone.a_start - shift_a, gone.a_end - shift_a):
        old_units = _units_in(old)
        new_units = _units_in(new) if old_units else []
        if new_units and old_units != new_units and _touches_digit(
            text_b, put.b_start - shift_b, put.b_end - shift_b
        ):
            return f"unit {' '.join(old_units)} → {' '.join(new_units)}"
    return None


def _changed_bound(
    old: str, new: str, gone: Run, put: Run, text_a: str, text_b: str, shift_a: int, shift_b: int
) -> str | None:
    """"number bound up to → more than" when the words a replacement put before a number (`old`, `new`: the
    replaced words in lower case) bound it another way: a lower bound for an upper one, an approximation for a
    bound, an exact figure for either. Another word for the same kind of bound ("about" / "around") is wording.
    Else None."""
    kind_a, kind_b = _BOUNDS.get(old), _BOUNDS.get(new)
    if kind_a is None or kind_b is None or kind_a == kind_b:
        return None
    after_a, after_b = _next_word(text_a, gone.a_end - shift_a), _next_word(text_b, put.b_end - shift_b)
    if not (_is_number_word(after_a) and _is_number_word(after_b)):
        return None
    return f"number bound {gone.text.strip()} → {put.text.strip()}"


def _bound_put_or_taken(run: Run, text_a: str, text_b: str, shift_a: int, shift_b: int) -> str | None:
    """"number bound added: at least" when a run only inserts (or deletes) a lower or upper bound before a number
    ("30 people" / "at least 30 people": a figure becomes a bound). An approximation put in or taken out ("about
    30") is wording. Else None."""
    if len(run.text) > _LONGEST_BOUND:
        return None  # (most runs: no dict lookup of their text)
    kind = _BOUNDS.get(run.text.strip().lower())
    if kind not in ("lower", "upper"):
        return None
    after = _next_word(text_b, run.b_end - shift_b) if run.op == "insert" else _next_word(text_a, run.a_end - shift_a)
    if not _is_number_word(after):
        return None
    return f"number bound {'added' if run.op == 'insert' else 'removed'}: {run.text.strip()}"


def _is_number_word(word: str) -> bool:
    return any(c.isdigit() for c in word) or word in _NUMBER_WORDS


def _changed_rank(old: str, new: str, old_as_read: str, new_as_read: str) -> str | None:
    """"quantity most → some" or "certainty will → may" when one word (`old`, `new`: in lower case) was replaced by
    another of its scale with another rank: how many ("all" / "some") or how sure ("will" / "may"). Else None."""
    for scale, what in ((_QUANTIFIERS, "quantity"), (_MODALS, "certainty")):
        rank_a, rank_b = scale.get(old), scale.get(new)
        if rank_a is not None and rank_b is not None and rank_a != rank_b:
            return f"{what} {old_as_read.strip()} → {new_as_read.strip()}"
    return None


def _opposites(old: str, new: str, text_a: str, text_b: str) -> str | None:
    """"acquitted → convicted" when a replacement swaps words for their opposites and changes nothing else in its
    words but "a"/"an" and numbers ("more slowly" / "less quickly" turns twice, and is left alone; the parts of a
    hyphenated word count apart: "second-largest" / "second-smallest"); a swap whose two words each occur as often
    in both texts is a reordering ("first ... last" / "last ... first"), not a swap. Else None."""
    if not _has_opposite_word(old):
        return None
    if old.strip()[:1].isupper() and not text_a.lstrip().startswith(old.strip()):
        return None  # a capitalised word inside a sentence begins a name ("North Carolina" / "South Carolina")
    before, after = _swap_words(old), _swap_words(new)
    if len(before) != len(after):  # "behind" / "ahead of": a preposition's "of" read with its word
        before, after = [w for w in before if w != "of"], [w for w in after if w != "of"]
        if len(before) != len(after):
            return None
    swaps = []
    for a, b in zip(before, after, strict=True):
        if (a, b) in _OPPOSITES:
            swaps.append((a, b))
        elif a != b and {a, b} != {"a", "an"} and not (a[:1].isdigit() and b[:1].isdigit()):
            return None  # (a number changed beside the swap is a reason of its own)
    if not swaps:
        return None
    counts_a, counts_b = Counter(_swap_words(text_a)), Counter(_swap_words(text_b))
    kept = [
        f"{a} → {b}"
        for a, b in swaps
        if counts_a[a] != counts_b[a] or counts_a[b] != counts_b[b]
        or _changed_clauses(a, b, _clause_mates(text_a), _clause_mates(text_b))
    ]
    return ", ".join(dict.fromkeys(kept)) or None


def _traded_opposites(runs: tuple[Run, ...], text_a: str, text_b: str) -> str | None:
    """"opposite meaning: rise ↔ fall" when two opposites that each occur as often in both texts traded places
    between clauses (`_changed_clauses`), whatever the word diff paired: in "Oil rose while gas, coal and wheat
    fell" / "Oil, gas and coal fell while wheat rose" it pairs neither word with the other, only moves them. A word
    alone between clause breaks is an item of a list, not a clause ("the first and last trains" / "the last and
    first trains"). Else None."""
    # (A word that occurs as often in both texts is as often deleted as inserted: the deletions show every such word.
    # Most links stop at the first test; the second looks for the opposite anywhere in the text before counting.)
    changed = {word for run in runs if run.op == "delete" for word in _swap_words(run.text) if word in _OPPOSITE_WORDS}
    lowered = text_a.lower() if changed else ""
    pairs = sorted(
        {_LISTED_ORDER[word, opposite] for word in changed for opposite in _OPPOSITE_OF[word] if opposite in lowered}
    )
    if not pairs:
        return None
    counts_a, counts_b = Counter(_swap_words(text_a)), Counter(_swap_words(text_b))
    pairs = [
        (one, other) for one, other in pairs
        if counts_a[one] == counts_b[one] > 0 and counts_a[other] == counts_b[other] > 0
    ]
    if not pairs:
        return None
    mates_a, mates_b = _clause_mates(text_a), _clause_mates(text_b)
    traded = [
        f"{one} ↔ {other}"
        for one, other in pairs
        if all(mates.get(word) for mates in (mates_a, mates_b) for word in (one, other))
        and _changed_clauses(one, other, mates_a, mates_b)
    ]
    return f"opposite meaning: {', '.join(traded)}" if traded else None


# What ends a clause, for `_changed_clauses`: punctuation between clauses and the conjunctions that join them.
_CLAUSE_BREAKS: Final = frozenset(", ; : ( ) — – and but while whereas or then".split())


def _changed_clauses(
    word: str, opposite: str, mates_a: dict[str, set[str]], mates_b: dict[str, set[str]]
) -> bool:
    """Two opposites that each occur as often in both texts traded places between clauses ("rose in March and fell
    in April" / "fell in March and rose in April": a changed fact) rather than moving with their clauses ("rose in
    the north and fell in the south" / "fell in the south and rose in the north": word order). Traded: each word's
    clause-mates (the content words of its clauses) in one text are more like its opposite's in the other than its
    own (`mates_a`, `mates_b`: `_clause_mates` of the two texts). (Symmetric in the two texts and the two words, so
    diff(B, A) mirrors diff(A, B).)"""
    word_a, opposite_a = mates_a.get(word, set()), mates_a.get(opposite, set())
    word_b, opposite_b = mates_b.get(word, set()), mates_b.get(opposite, set())
    traded = _jaccard(word_a, opposite_b) + _jaccard(opposite_a, word_b)
    return traded > _jaccard(word_a, word_b) + _jaccard(opposite_a, opposite_b)


def _jaccard(x: set[str], y: set[str]) -> float:
    return len(x & y) / len(x | y) if x or y else 0.0


def _clause_mates(text: str) -> dict[str, set[str]]:
    """Each word's clause-mates: the content words of the clauses it stands in (itself left out)."""
    clauses: list[list[str]] = [[]]
    for token in text.lower().replace(",", " , ").replace(";", " ; ").replace(":", " : ").split():
        word = _without_possessive(token.strip(_WORD_EDGES))
        if token in _CLAUSE_BREAKS or word in _CLAUSE_BREAKS:
            clauses.append([])
        elif word and word not in STOPWORDS:
            clauses[-1].append(word)
    mates: dict[str, set[str]] = {}
    for clause in clauses:
        for word in clause:
            mates.setdefault(word, set()).update(other for other in clause if other != word)
    return mates


def _has_opposite_word(text: str) -> bool:
    """A quick look before `_opposites` reads a replacement word by word: most hold no word of the list."""
    for word in text.lower().replace("-", " ").split():
        if _without_possessive(word.strip(_WORD_EDGES)) in _OPPOSITE_WORDS:
            return True
    return False


def _without_possessive(word: str) -> str:
    """"winner's" is "winner" here ("winner's" / "loser's" is a swap)."""
    return word[:-2] if word.endswith(("'s", "\u2019s")) else word


def _swap_words(text: str) -> list[str]:
    return [_without_possessive(part) for word in _plain_words(text) for part in word.split("-") if part]


def _opposites_in(found: Classification, text_a: str, text_b: str) -> Classification:
    """A substantive verdict for other reasons ("number 3 → 4") also says that a word was swapped for its
    opposite ("rose" / "fell")."""
    runs = found.diff
    swapped = [
        f"opposite meaning: {swap}"
        for n, run in enumerate(runs[:-1])
        if run.op == "delete" and runs[n + 1].op == "insert"
        and (swap := _opposites(run.text, runs[n + 1].text, text_a, text_b))
    ]
    if not swapped:
        return found
    return Classification(found.kind, tuple(dict.fromkeys((*found.reasons, *swapped))), found.diff)


def _plain_words(text: str) -> list[str]:
    """The words of a run in lower case, without the punctuation around them."""
    return [word.strip(_WORD_EDGES) for word in text.lower().split()]


def _units_in(text: str) -> list[str]:
    """The currency signs and unit words of a run, in order ("£40,000" gives "£", "38°C" gives "°", "c")."""
    found: list[str] = []
    for word in _plain_words(text):
        core = word.strip("0123456789.,-")
        if any(sign in core for sign in _UNIT_SIGNS):
            found += [c for c in core if c in _UNIT_SIGNS]
            core = "".join(c for c in core if c not in _UNIT_SIGNS).strip("0123456789.,-")
        if core in _UNIT_WORDS:
            found.append(core)
    return found


def _attribution(old: str, new: str) -> str | None:
    old, new = old.strip(), new.strip()
    if any(c.isalpha() for c in old) and any(c.isalpha() for c in new):
        return f"attribution changed: {old} → {new}"
    return None


def _next_word(text: str, at: int) -> str:
    """The word right after `at` (spaces and commas passed over), in lower case, its punctuation stripped. (Short
    slices and str methods: a loop over characters cost thousands of instructions per call here.)"""
    words = text[max(0, at) : max(0, at) + 32].lstrip(" ,").split(None, 1)  # ([] for white space alone: tabs)
    return words[0].rstrip(_WORD_EDGES).lower() if words else ""


def _speaker_verb_before(text: str, at: int) -> str:
    """The attribution verb just before `at` ("said" in ', said Smith', a determiner passed over: ', said the
    mayor') when a comma or quote mark stands before the verb; else ""."""
    behind = text[max(0, at - 48) : max(0, at)].rstrip(" ,")
    words = behind.rsplit(None, 2)
    if len(words) >= 2 and words[-1].lower() in _DETERMINERS:
        words.pop()
    if len(words) < 2:
        return ""
    verb = words[-1].lower()
    if verb not in _ATTRIBUTION:
        return ""
    return verb if words[-2][-1:] in _MARKS_BEFORE_SPEAKER else ""


def _after_according_to(text: str, at: int) -> bool:
    """Does the text before `at` end with "according to" (the source of what the sentence reports comes next)?"""
    return text[max(0, at - 24) : max(0, at)].rstrip().lower().endswith("according to")


def _touches_digit(text: str, start: int, end: int) -> bool:
    """Is a digit next to text[start:end], white space aside, on either side?"""
    before = text[max(0, start - 8) : max(0, start)].rstrip()
    after = text[max(0, end) : max(0, end) + 8].lstrip()
    return before[-1:].isdigit() or after[:1].isdigit()


def _style_kept_minor(found: Classification, text_a: str, text_b: str) -> Classification:
    """A substantive verdict that only the way words or numbers are written earned is minor (below)."""
    if found.kind != "substantive":
        return found
    found = _numbers_kept_minor(_hyphenation_kept_minor(found, text_a, text_b), text_a, text_b)
    found = _initials_kept_minor(_acronyms_kept_minor(found, text_a, text_b), text_a, text_b)
    return _saying_verb_swapped(_apostrophes_kept_minor(_list_number_kept_minor(found, text_a, text_b)))


def _apostrophes_kept_minor(found: Classification) -> Classification:
    """A name that only gains or loses an apostrophe ("Bilbreys" / "Bilbrey's", "MP's" / "MPs") names the same
    one: the token rules read it as another name. Other reasons still decide."""
    if found.kind != "substantive" or not any(r.startswith("name ") for r in found.reasons):
        return found
    kept: list[str] = []
    respelled: list[str] = []
    for reason in found.reasons:
        before, arrow, after = reason[len("name ") :].partition(" → ")
        if reason.startswith("name ") and arrow and _same_but_apostrophes(before.split(", "), after.split(", ")):
            respelled.append(f"{before} → {after}")
        else:
            kept.append(reason)
    if not respelled:
        return found
    if kept:
        return Classification("substantive", tuple(kept), found.diff)
    return Classification("minor", (f"apostrophe: {', '.join(respelled)}",), found.diff)


def _same_but_apostrophes(names_a: list[str], names_b: list[str]) -> bool:
    def bare(name: str) -> str:
        return name.replace("'", "").replace("\u2019", "").lower()

    return len(names_a) == len(names_b) and all(bare(a) == bare(b) for a, b in zip(names_a, names_b, strict=True))


def _saying_verb_swapped(found: Classification) -> Classification:
    """A verb of saying replaced by one the attribution list leaves out ("said" / "noted"): the token rules read the
    sentence as no longer saying who said it. The other way round likewise."""
    if found.kind != "substantive":
        return found
    if ATTRIBUTION_REMOVED not in found.reasons and ATTRIBUTION_ADDED not in found.reasons:
        return found
    runs = found.diff
    swaps: list[str] = []
    for n in range(len(runs) - 1):
        gone, put = runs[n], runs[n + 1]
        if gone.op != "delete" or put.op != "insert":
            continue
        words_gone, words_put = _plain_words(gone.text), _plain_words(put.text)
        said_gone = [w for w in words_gone if w in _ATTRIBUTION or w in _SAYING_TOO]
        said_put = [w for w in words_put if w in _ATTRIBUTION or w in _SAYING_TOO]
        if said_gone and said_put:
            swaps.append(f"{said_gone[0]} → {said_put[0]}")
    if not swaps:
        return found
    reasons = tuple(r for r in found.reasons if r not in (ATTRIBUTION_REMOVED, ATTRIBUTION_ADDED))
    if reasons:
        return Classification("substantive", reasons, found.diff)
    return Classification("minor", (f"wording {', '.join(swaps)}",), found.diff)


ATTRIBUTION_REMOVED: Final = "attribution removed"
ATTRIBUTION_ADDED: Final = "attribution added"


# A list item's number at the head of a sentence ("1. ", "12) ", "(3) "): renumbering a list changes no fact.
_LIST_NUMBER: Final = re.compile(r"\(?([0-9]{1,3})[.)]\s+")
_LIST_STARTS: Final = frozenset("(0123456789")
# Month names in the languages news copies come in most, beyond the English ones among the date words.
_MONTHS_ELSEWHERE: Final = frozenset(
    "januar februar märz april mai juni juli august september oktober november dezember janvier février mars avril "
    "juin juillet août septembre octobre novembre décembre enero febrero marzo abril mayo junio julio agosto "
    "septiembre octubre noviembre diciembre".split()
)


def _list_number_kept_minor(found: Classification, text_a: str, text_b: str) -> Classification:
    """Items renumbered ("1. The bridge is closed." / "2. The bridge is closed.") or a number put before or
    taken from an item: minor, when the sentences agree without their list numbers."""
    if found.kind != "substantive" or not (text_a[:1] in _LIST_STARTS or text_b[:1] in _LIST_STARTS):
        return found
    rest_a, rest_b = _without_list_number(text_a), _without_list_number(text_b)
    if rest_a is None or rest_b is None or comparison_key(rest_a) != comparison_key(rest_b):
        return found
    return Classification("minor", (LIST_NUMBERING,), found.diff)


LIST_NUMBERING: Final = "list numbering"


def list_number(text: str) -> str:
    """The list number `text` starts with ("12" of "12. The bridge is closed."), or ""."""
    found = _LIST_NUMBER.match(text)
    return found.group(1) if found else ""


def _without_list_number(text: str) -> str | None:
    """The text without the list number it starts with (itself if none); None when the number is not a list's: a
    day of a month ("12. Juni:", "1. January"), or followed by a word in lower case."""
    found = _LIST_NUMBER.match(text)
    if found is None:
        return text
    rest = text[found.end() :]
    word = rest.split(None, 1)[0].strip(_WORD_EDGES) if rest.split() else ""
    if not word[:1].isupper() or word.lower() in _DATE_WORDS or word.lower() in _MONTHS_ELSEWHERE:
        return None  # a list item starts with a capital; "13) misrepresents ..." is the end of "(Jan. 13)"
    return rest


_DOTTED_ACRONYM: Final = re.compile(r"\b(?:[a-z]\.){2,}")


def _acronyms_kept_minor(found: Classification, text_a: str, text_b: str) -> Classification:
    """An acronym written with or without full stops ("UK" / "U.K.", "US" / "U.S.") names the same thing: the
    token rules read it as a new name. Only when every reason is a name and the texts agree once the acronyms'
    full stops are dropped."""
    if found.kind != "substantive" or not all(r.startswith("name ") for r in found.reasons):
        return found
    if "." not in text_a and "." not in text_b:
        return found
    key_a = _DOTTED_ACRONYM.sub(lambda m: m.group().replace(".", ""), comparison_key(text_a)).rstrip(".")
    key_b = _DOTTED_ACRONYM.sub(lambda m: m.group().replace(".", ""), comparison_key(text_b)).rstrip(".")
    if key_a.split() != key_b.split():
        return found
    return Classification("minor", ("acronym written differently",), found.diff)


# Small words a name's initials pass over ("Department of Justice" is "DOJ", "the United States" is "US").
_NOT_INITIALS: Final = frozenset("of the and for on in de".split())


def _initials_kept_minor(found: Classification, text_a: str, text_b: str) -> Classification:
    """A name and its initials ("United States" / "US", "Department of Justice" / "DOJ") name the same thing: the
    token rules read the initials as a new name (and the name's words as removed). Only when every reason is such a
    name or its words, and the texts agree once the names, their initials and the small words between are left
    out."""
    if found.kind != "substantive" or not found.reasons:
        return found
    in_runs = _initials_in_runs(found.diff)
    if in_runs:
        return _abbreviated(found, in_runs)
    pairs: list[tuple[str, str]] = []  # (name, initials)
    others: list[str] = []
    for reason in found.reasons:
        if reason.startswith("name ") and " → " in reason:
            before, after = reason[len("name ") :].split(" → ", 1)
            found_pairs = _name_initials(before, after, text_a, text_b)
            if found_pairs is None:
                return found
            pairs.extend(found_pairs)
            continue
        others.append(reason)

    def main_words(text: str) -> tuple[str, ...]:
        return tuple(word for word in text.replace(",", "").lower().split() if word not in _NOT_INITIALS)

    names = {main_words(name) for name, _ in pairs}
    names.add(tuple(word for name, _ in pairs for word in main_words(name)))  # every name's words, in turn
    for reason in others:  # "words removed: New York City" says the name again
        head, _, words = reason.partition(": ")
        if head not in ("words removed", "new claim") or main_words(words) not in names:
            return found
    if not pairs:
        return found
    left_out = {word for name, short in pairs for word in (*name.lower().split(), short.replace(".", "").lower())}
    left_out |= _NOT_INITIALS

    def rest(text: str) -> list[str]:
        return [word for word in comparison_key(text).replace(".", "").split() if word not in left_out]

    if rest(text_a) != rest(text_b):
        return found
    return _abbreviated(found, pairs)


def _abbreviated(found: Classification, pairs: list[tuple[str, str]]) -> Classification:
    shown = ", ".join(dict.fromkeys(f"{name} ↔ {short}" for name, short in pairs))
    return Classification("minor", (f"name abbreviated: {shown}",), found.diff)


def _initials_in_runs(runs: tuple[Run, ...]) -> list[tuple[str, str]]:
    """The (name, initials) pairs, when every stretch of the word diff between unchanged words puts a name's
    initials for the name or the name for its initials; else none. Read from the word diff, not from the reasons:
    a name that opens the sentence ("United States officials" / "US officials") or initials that are also a word
    ("WHO") are not reported as names there."""
    pairs: list[tuple[str, str]] = []
    gone: list[str] = []
    new: list[str] = []
    for run in (*runs, None):
        if run is not None and run.op != "equal":
            (gone if run.op == "delete" else new).append(run.text)
            continue
        if gone or new:
            old_text, new_text = " ".join("".join(gone).split()), " ".join("".join(new).split())
            if _is_initials(new_text, old_text) and _capitalised_name(old_text):
                pairs.append((old_text, new_text))
            elif _is_initials(old_text, new_text) and _capitalised_name(new_text):
                pairs.append((new_text, old_text))
            else:
                return []
            gone, new = [], []
    return pairs


def _capitalised_name(name: str) -> bool:
    """Are the words of `name` that initials are made of capitalised ("Department of Justice")?"""
    return all(word[:1].isupper() for word in name.split() if word.lower() not in _NOT_INITIALS)


def _name_initials(before: str, after: str, text_a: str, text_b: str) -> list[tuple[str, str]] | None:
    """The (name, initials) pairs a name reason's two sides make ("United States, United Kingdom" / "US, UK":
    two; "Department, Justice" / "DOJ": one, the small word between put back), or None."""
    olds, news = before.split(", "), after.split(", ")
    if len(olds) == len(news) > 1:
        matched = [(old, new) if _is_initials(new, old) else (new, old) for old, new in zip(olds, news, strict=True)
                   if _is_initials(new, old) or _is_initials(old, new)]
        if len(matched) == len(olds):
            return matched
    old, new = _whole_name(before, text_a), _whole_name(after, text_b)
    if _is_initials(new, old):
        return [(old, new)]
    if _is_initials(old, new):
        return [(new, old)]
    return None


def _whole_name(parts: str, text: str) -> str:
    """A name as the text writes it, from the parts a reason lists ("Department, Justice": "Department of
    Justice", the small words between put back)."""
    pieces = parts.split(", ")
    if len(pieces) == 1:
        return parts
    between = r"\s+(?:(?:" + "|".join(sorted(_NOT_INITIALS)) + r")\s+)?"
    found = re.search(between.join(re.escape(piece) for piece in pieces), text)
    return found.group() if found else " ".join(pieces)


def _is_initials(short: str, name: str) -> bool:
    """Is `short` ("US", "U.S.", "DOJ") the initials of the name of several words `name` ("United States",
    "Department of Justice"), its small words counted or not?"""
    letters = short.replace(".", "")
    if len(letters) < 2 or not letters.isalpha() or not letters.isupper():
        return False
    every = name.split()
    main = [word for word in every if word.lower() not in _NOT_INITIALS]
    return any(
        len(words) == len(letters)
        and all(word[:1].upper() == letter for word, letter in zip(words, letters, strict=True))
        for words in (main, every)
    )


# How one number is written differently without changing it: thousands separators ("1,200" / "1200"), a clock time's
# colon ("02:00" / "0200"), "%" / "percent", "a.m." / "am" and a unit written against the number ("9am" / "9 am").
_THOUSANDS: Final = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_CLOCK_COLON: Final = re.compile(r"(?<![\d:])(\d{1,2}):(\d{2})(?![\d:])")
_MERIDIEM: Final = re.compile(r"\b([ap])\.m\.?")
_NUMBER_THEN_LETTERS: Final = re.compile(r"(\d)([a-z])")


_SMALL_NUMBERS: Final = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty"
).split()
_ORDINALS: Final = (
    "zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth "
    "fifteenth sixteenth seventeenth eighteenth nineteenth twentieth"
).split()
# Numbers written as words, as digits: "twelve" is "12", "eleventh" is "11th" (and "Ten" is "10").
_NUMBER_WORD_DIGITS: Final = {
    **{word: str(n) for n, word in enumerate(_SMALL_NUMBERS)},
    **{word: f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"
       for n, word in enumerate(_ORDINALS)},
}


_PER_CENT: Final = re.compile(r"\bper cent\b")


def _number_form(key: str) -> list[str]:
    """A comparison key's words with every number written one way. (Each expression runs only on a key holding the
    character it needs: a regular expression's search costs microseconds on a long key.)"""
    if "," in key:
        key = _THOUSANDS.sub("", key)
    if ":" in key:
        key = _CLOCK_COLON.sub(r"\1\2", key)
    if "per cent" in key:
        key = _PER_CENT.sub("percent", key)
    key = key.replace("%", " percent")
    if ".m" in key:
        key = _MERIDIEM.sub(r"\1m", key)
    key = " ".join(_NUMBER_WORD_DIGITS.get(word, word) for word in key.split())
    return _NUMBER_THEN_LETTERS.sub(r"\1 \2", key).split()


def _numbers_kept_minor(found: Classification, text_a: str, text_b: str) -> Classification:
    """A change that only writes numbers differently is minor: the token rules read "1,200" against "1200", "02:00"
    against "0200", "3.5%" against "3.5 percent" and "9 a.m." against "9am" as changed numbers. Only when every
    reason is about numbers and the texts agree once each number is written one way."""
    if found.kind != "substantive" or not all(_same_digits(r) for r in found.reasons):
        return found
    # (Each number replaced by itself written otherwise, "4 → four": whatever else changed was wording, or it would
    # have a reason of its own. Else the texts must agree once their numbers are written one way: "9 a.m." against
    # "9pm" is "number 9 → 9pm", whose digits agree.)
    if not all(_same_number(r) for r in found.reasons) and _number_form(comparison_key(text_a)) != _number_form(
        comparison_key(text_b)
    ):
        return found
    return Classification("minor", ("number written differently",), found.diff)


def _same_digits(reason: str) -> bool:
    """Is `reason` about numbers whose digits are the same on both sides ("number 1,200 → 1200", "number added:
    percent")? A quick test before the texts are compared: most number changes change a digit."""
    if not reason.startswith("number "):
        return False
    told = reason[len("number "):]
    if told.startswith(("added: ", "removed: ")):
        return True  # (rare; "11th" read against "eleventh", which is no number word: the texts decide)
    before, _, after = told.partition(" → ")
    return _digits_of(before) == _digits_of(after)


def _same_number(reason: str) -> bool:
    """Is `reason` a number replaced by the same number written another way ("number 4 → four", "number 1,200 →
    1200"; not "number 9 → 9pm" nor "number 3.5 → 35")?"""
    before, arrow, after = reason[len("number "):].partition(" → ")
    return bool(arrow) and _number_form(comparison_key(before)) == _number_form(comparison_key(after))


def _digits_of(told: str) -> list[str]:
    """The digits of a reason's side, numbers written as words ("twelve", "Ten", "eleventh") read as digits."""
    words = [_NUMBER_WORD_DIGITS.get(word.strip(",").lower(), word) for word in told.split()]
    return [c for c in "".join(words) if c.isdigit()]


def _hyphenation_kept_minor(found: Classification, text_a: str, text_b: str) -> Classification:
    """A change of hyphenation alone is minor, however many words it touches and whatever they hold: the token rules
    read "well-known" and "long-time" against "well known" and "long time" as new words (a new claim), and
    "23-year-old" against "23-year old" as another number. The texts are the same words when their comparison keys
    agree with every hyphen read as a space ("re-sign" and "resign", "12-15" and "1215" do not)."""
    if found.kind != "substantive":
        return found
    if text_a.isascii() and text_b.isascii() and text_a.count("-") == text_b.count("-"):
        return found  # (no hyphen put in or taken out: the quick test that spares most substantive links)
    if "-" not in text_a and "-" not in text_b and not _has_dash(text_a + text_b):
        return found
    if comparison_key(text_a).replace("-", " ").split() != comparison_key(text_b).replace("-", " ").split():
        return found
    return Classification("minor", (_HYPHENATION_OR_SPACING,), found.diff)


_HYPHENATION_OR_SPACING: Final = "hyphenation or spacing"


def _has_dash(text: str) -> bool:
    """A hyphen or dash other than ASCII's (the keys fold them all to "-")."""
    return not text.isascii() and any(c in text for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212")


# A word of letters (an inner apostrophe kept), for `_respaced`.
_LETTERS_WORD: Final = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*")
# At most this many words run together into one are looked for ("Peskovsaid" is two, "inthe city" none).
_MOST_RUN_TOGETHER: Final = 3


def _respaced(
    runs: tuple[Run, ...], text_a: str, text_b: str, shift_a: int, shift_b: int
) -> tuple[str, str, str] | None:
    """Words run together on one side and spaced on the other ("Peskovsaid" / "Peskov said", "policechief" /
    "police chief"): a space lost where a page's markup was stripped, or a typo. The token rules read the joined
    word as a new name or claim. Returns both texts with each such word spaced as the other side spaces it, and the
    changes shown ("Peskovsaid → Peskov said"); None when a replacement in the word diff holds none."""
    cuts_a: list[tuple[int, int, str]] = []  # (start, end, spaced words) in text_a
    cuts_b: list[tuple[int, int, str]] = []
    shown: list[str] = []
    for n in range(len(runs) - 1):
        gone = runs[n]
        if gone.op != "delete":
            continue
        put = runs[n + 1]
        if put.op != "insert" or not (
            _may_run_together(gone.text, put.text) or _may_run_together(put.text, gone.text)
        ):
            continue
        start_a, start_b = gone.a_start - shift_a, put.b_start - shift_b
        seg_a, seg_b = text_a[start_a : gone.a_end - shift_a], text_b[start_b : put.b_end - shift_b]
        for start, end, spaced, as_written in _run_together(seg_a, seg_b):
            cuts_a.append((start_a + start, start_a + end, spaced))
            shown.append(f"{seg_a[start:end]} → {as_written}")
        for start, end, spaced, as_written in _run_together(seg_b, seg_a):
            cuts_b.append((start_b + start, start_b + end, spaced))
            shown.append(f"{as_written} → {seg_b[start:end]}")
    if not shown:
        return None
    return _cut_in(text_a, cuts_a), _cut_in(text_b, cuts_b), ", ".join(shown)


def _run_together(joined_side: str, spaced_side: str) -> list[tuple[int, int, str, str]]:
    """Words of `joined_side` that are two or three consecutive words of `spaced_side` with no space between, as
    (start, end, those words one space apart, those words as `spaced_side` writes them: "Peskov, said")."""
    words = list(_LETTERS_WORD.finditer(spaced_side))
    squeezed = "".join(match.group() for match in words).lower()
    found: list[tuple[int, int, str, str]] = []
    for match in _LETTERS_WORD.finditer(joined_side):
        word = match.group().lower()
        if len(word) < 4 or word not in squeezed:  # (the quick test: most replaced words are in no such place)
            continue
        spaced = _spaced_as(word, words, spaced_side)
        if spaced is not None:
            first, last = spaced
            found.append((
                match.start(),
                match.end(),
                " ".join(words[i].group() for i in range(first, last + 1)),
                spaced_side[words[first].start() : words[last].end()],
            ))
    return found


def _may_run_together(joined_side: str, spaced_side: str) -> bool:
    """The quick test before `_run_together` (which cuts both sides into words and runs them together): a word of
    `joined_side` whose first two letters and last two are in `spaced_side`, but not the word itself."""
    spaced_lower = ""
    for word in joined_side.split():
        if len(word) < 4:
            continue
        if not spaced_lower:
            spaced_lower = spaced_side.lower()
        word = word.strip(_WORD_EDGES).lower()
        if word[:2] in spaced_lower and word[-2:] in spaced_lower and word not in spaced_lower:
            return True
    return False


def _spaced_as(word: str, words: list[re.Match[str]], text: str) -> tuple[int, int] | None:
    """The first and last of the consecutive `words` of `text` (two or three, nothing but white space or
    punctuation between them) that make `word` when run together; None if none do."""
    for first in range(len(words)):
        joined = words[first].group().lower()
        for last in range(first + 1, min(first + _MOST_RUN_TOGETHER, len(words))):
            between = text[words[last - 1].end() : words[last].start()]
            if any(c.isalnum() for c in between):
                break
            joined += words[last].group().lower()
            if joined == word:
                return first, last
            if not word.startswith(joined):
                break
    return None


def _cut_in(text: str, cuts: list[tuple[int, int, str]]) -> str:
    """`text` with each (start, end) span replaced by its words, the spans in order and apart."""
    if not cuts:
        return text
    pieces: list[str] = []
    at = 0
    for start, end, words in cuts:
        pieces.append(text[at:start])
        pieces.append(words)
        at = end
    pieces.append(text[at:])
    return "".join(pieces)


def python_classified(
    text_a: str, text_b: str, options: DiffOptions, open_quote_a: str = "", open_quote_b: str = ""
) -> Classification:
    """`classify` in Python for two texts whose keys differ: the reference the C helper is held to, and what runs
    where it is not built or leaves a text (one whose fold does not keep offsets)."""
    ta, tb = _Tokens(text_a, open_quote_a), _Tokens(text_b, open_quote_b)
    runs, deleted, inserted = _word_diff(ta, tb)
    reasons, removals = _fact_changes(ta, tb, deleted, inserted, options)
    if options.removals_are_substantive:
        reasons, removals = reasons + removals, []
    if reasons:
        return Classification("substantive", tuple(reasons + removals), runs)
    return Classification("minor", tuple(removals or _wording_changes(ta, tb, deleted, inserted)), runs)


def _token_parts(text: str) -> tuple[list[str], list[str], list[int]]:
    """Each token as read, in its comparison form, and its offset (what the C helper returns for ASCII text)."""
    words = _token_words(text)
    # Only white space lies between tokens, so each is found at the first place it occurs after the one before.
    starts: list[int] = []
    at = 0
    for word in words:
        at = text.find(word, at)
        starts.append(at)
        at += len(word)
    # Folding is almost always character by character: a token's comparison form is then its slice of the folded
    # text; otherwise (an accent composed, "ß" folded to "ss") each token is folded on its own.
    folded = fold_keeping_offsets(text)
    norms = [
        folded[start : start + len(word)] if folded is not None else fold_token(word)
        for word, start in zip(words, starts, strict=True)
    ]
    return words, norms, starts


def _token_words(text: str) -> list[str]:
    """The same as `_TOKEN.findall(text)`, faster: no token spans white space, so each chunk between white space
    is cut alone, and most chunks are a plain ASCII word with marks around it: each mark is a token of its own.
    The C helper, when built, cuts any text the same way."""
    if WORDS_IN_C is not None:
        cut: list[str] = WORDS_IN_C.classifier_words(text)
        return cut
    found: list[str] = []
    for chunk in text.split():
        core = chunk.strip(ASCII_MARKS)
        if not core:
            found.extend(chunk)
        elif core.isascii() and core.isalnum():
            if len(core) == len(chunk):
                found.append(core)
            else:
                lead = len(chunk) - len(chunk.lstrip(ASCII_MARKS))
                found.extend(chunk[:lead])
                found.append(core)
                found.extend(chunk[lead + len(core) :])
        else:
            found.extend(_TOKEN.findall(chunk))
    return found


def _word_diff(ta: _Tokens, tb: _Tokens) -> tuple[tuple[Run, ...], list[int], list[int]]:
    """Runs of equal/deleted/inserted text, plus which tokens of A were deleted and which of B inserted."""
    runs: list[Run] = []
    deleted: list[int] = []
    inserted: list[int] = []
    for tag, s0, s1, d0, d1 in _opcodes(ta.norms, tb.norms):
        a_at = ta.position(s0)
        b_at = tb.position(d0)
        if tag == "equal":
            text = tb.shown(d0, d1)
            _emit(runs, make_run("equal", text, a_at, ta.end(s1 - 1), b_at, tb.end(d1 - 1)))
            continue
        if s1 > s0:
            deleted.extend(range(s0, s1))
            _emit(runs, make_run("delete", ta.shown(s0, s1), a_at, ta.end(s1 - 1), b_at, b_at))
        if d1 > d0:
            inserted.extend(range(d0, d1))
            _emit(runs, make_run("insert", tb.shown(d0, d1), a_at, a_at, b_at, tb.end(d1 - 1)))
    return tuple(runs), deleted, inserted


# A deletion seen from the other version is an insertion.
_MIRRORED_OP: Final = {"equal": "equal", "delete": "insert", "insert": "delete"}


def _opcodes(a: list[str], b: list[str]) -> list[tuple[str, int, int, int, int]]:
    """rapidfuzz's Indel opcodes of two token lists, as (tag, a_start, a_end, b_start, b_end) tuples.

    A longest common subsequence can often be picked more than one way ("rose while gas ... fell" / "fell while
    ... rose"), and which one the search picks depends on which list comes first. So the opcodes are always worked
    out from the lesser list of the two (as Python orders lists) and mirrored for the other order: diff(B, A) then
    sees the mirror of diff(A, B)'s word diff, and classifies it alike."""
    if a > b:
        return [(_MIRRORED_OP[tag], d0, d1, s0, s1) for tag, s0, s1, d0, d1 in _opcodes(b, a)]
    if CLASSIFY_IN_C is not None:
        found: list[tuple[str, int, int, int, int]] | None = CLASSIFY_IN_C.opcodes(a, b)
        if found is not None:  # (None: two lists too long to align in C)
            return found
    return [(op.tag, op.src_start, op.src_end, op.dest_start, op.dest_end) for op in Indel.opcodes(a, b)]


def _emit(runs: list[Run], run: Run) -> None:
    """Append a run, joining it to a run of the same kind and keeping deletions before insertions."""
    if runs and runs[-1].op == run.op:
        runs[-1] = _joined(runs[-1], run)
    elif run.op == "delete" and runs and runs[-1].op == "insert":
        # rapidfuzz may emit the insertion first: put the deletion in front of it, where B's text starts.
        place = runs[-1].b_start
        run = make_run(run.op, run.text, run.a_start, run.a_end, place, place)
        if len(runs) >= 2 and runs[-2].op == "delete":
            runs[-2] = _joined(runs[-2], run)
        else:
            runs.insert(len(runs) - 1, run)
    else:
        runs.append(run)


def _joined(first: Run, second: Run) -> Run:
    return make_run(
        first.op,
        first.text + second.text,
        min(first.a_start, second.a_start),
        max(first.a_end, second.a_end),
        min(first.b_start, second.b_start),
        max(first.b_end, second.b_end),
    )


def _is_number(norm: str) -> bool:
    return bool(_NUMBER.search(norm)) or norm in _NUMBER_WORDS


def _is_date(tokens: _Tokens, i: int) -> bool:
    """A date word; one that is also an everyday word ("may", "march") only when written with a capital."""
    norm = tokens.norms[i]
    return norm in _DATE_WORDS and (norm not in _AMBIGUOUS_DATES or tokens.words[i][:1].isupper())


def _is_attribution(tokens: _Tokens, i: int) -> bool:
    """A verb of saying, written in lower case ("States" in "United States" is not one)."""
    return tokens.norms[i] in _ATTRIBUTION and not tokens.words[i][:1].isupper()


def _is_name(tokens: _Tokens, i: int) -> bool:
    word, norm = tokens.words[i], tokens.norms[i]
    return (
        word[:1].isupper()
        and not tokens.opens_sentence(i)
        and len(word) > 1
        and norm not in STOPWORDS
        and norm not in _DATE_WORDS
        and not _is_number(norm)
        and norm not in _HONORIFICS
    )


def _name_groups(tokens: _Tokens, picked: list[int]) -> list[str]:
    """Names as a reader writes them: name tokens next to each other make one name ("Columbia University", not
    "Columbia, University"); `picked` in reading order."""
    groups: list[str] = []
    for k, i in enumerate(picked):
        if k and picked[k - 1] == i - 1:
            groups[-1] += " " + tokens.words[i]
        else:
            groups.append(tokens.words[i])
    return groups


def _pairs(kind: str, before: list[str], after: list[str]) -> str:
    """'number 12 → 15', or 'number added: 15' when nothing stood in its place, in plain words."""
    left = ", ".join(dict.fromkeys(before))
    right = ", ".join(dict.fromkeys(after))
    if not left:
        return f"{kind} added: {right}"
    return f"{kind} {left} → {right or '(removed)'}"


def _fact_changes(
    ta: _Tokens, tb: _Tokens, deleted: list[int], inserted: list[int], options: DiffOptions
) -> tuple[list[str], list[str]]:
    """The facts a change touches, and separately the facts it only removes (`deleted` and `inserted` are
    indices of tokens of A and of B).

    Only the changed tokens are examined: a fact that is not in the word diff did not change. A pure removal
    (a number, name or clause dropped, nothing put in its place) is reported apart, because editors remove
    words to tighten a sentence far more often than to change what it says.
    """
    reasons: list[str] = []
    removals: list[str] = []
    norms_a, norms_b = ta.norms, tb.norms
    if len(deleted) + len(inserted) <= _FEW_CHANGED:  # (most edits: scanning the lists beats hashing every token)
        gone = [i for i in deleted if norms_a[i] not in norms_b]
        new = [j for j in inserted if norms_b[j] not in norms_a]
    else:
        in_a, in_b = set(norms_a), set(norms_b)
        gone = [i for i in deleted if norms_a[i] not in in_b]
        new = [j for j in inserted if norms_b[j] not in in_a]

    numbers_gone = [ta.words[i] for i in gone if _is_number(norms_a[i]) and norms_a[i] not in _DATE_WORDS]
    numbers_new = [tb.words[j] for j in new if _is_number(norms_b[j]) and norms_b[j] not in _DATE_WORDS]
    if numbers_new:
        reasons.append(_pairs("number", numbers_gone, numbers_new))
    elif numbers_gone:
        removals.append("number removed: " + ", ".join(dict.fromkeys(numbers_gone)))

    dates_gone = [ta.words[i] for i in gone if _is_date(ta, i)]
    dates_new = [tb.words[j] for j in new if _is_date(tb, j)]
    if dates_new:
        reasons.append(_pairs("date", dates_gone, dates_new))
    elif dates_gone:
        removals.append("date removed: " + ", ".join(dict.fromkeys(dates_gone)))

    names_gone = [i for i in gone if _is_name(ta, i)]
    names_new = [j for j in new if _is_name(tb, j)]
    if names_gone or names_new:
        # A word that is only capitalised differently ("Storm" / "storm") is not a new name.
        lower_a = {norm for norm, word in zip(norms_a, ta.words, strict=True) if not word[:1].isupper()}
        lower_b = {norm for norm, word in zip(norms_b, tb.words, strict=True) if not word[:1].isupper()}
        names_gone = [i for i in names_gone if ta.words[i].lower() not in lower_b]
        names_new = [j for j in names_new if tb.words[j].lower() not in lower_a]
        if names_new:
            reasons.append(_pairs("name", _name_groups(ta, names_gone), _name_groups(tb, names_new)))
        elif names_gone:
            removals.append("name removed: " + ", ".join(dict.fromkeys(_name_groups(ta, names_gone))))

    negations_gone = sum(norms_a[i] in _NEGATIONS for i in deleted)
    negations_new = sum(norms_b[j] in _NEGATIONS for j in inserted)
    if negations_new > negations_gone:
        reasons.append("negation added")
    elif negations_gone > negations_new:
        reasons.append("negation removed")

    if _quoted_words_changed(ta, deleted) or _quoted_words_changed(tb, inserted):
        reasons.append("words of a quotation changed")

    said_gone = any(_is_attribution(ta, i) for i in deleted)
    said_new = any(_is_attribution(tb, j) for j in inserted)
    if said_gone or said_new:
        said_a = any(_is_attribution(ta, i) for i in range(len(norms_a)))
        said_b = any(_is_attribution(tb, j) for j in range(len(norms_b)))
        if said_a != said_b:
            reasons.append("attribution added" if said_b else "attribution removed")
        elif names_gone or names_new:
            reasons.append("attribution changed")

    added_words = _new_content(tb, new, ta, options)
    removed_words = _new_content(ta, gone, tb, options)
    if added_words:
        reasons.append("new claim: " + _quote_words(added_words))
    if removed_words:
        removals.append("words removed: " + _quote_words(removed_words))
    return reasons, removals


def _new_content(side: _Tokens, candidates: list[int], other: _Tokens, options: DiffOptions) -> list[str]:
    """Content words among `candidates` (tokens of `side`) absent from the other side, if there are enough to
    make a claim."""
    words = [i for i in candidates if side.words[i][:1].isalnum() and side.norms[i] not in STOPWORDS]
    if len(words) < options.new_claim_words:
        return []
    other_content = {stem(norm) for norm in other.norms if norm not in STOPWORDS}
    fresh = [side.words[i] for i in words if stem(side.norms[i]) not in other_content]
    return fresh if len(fresh) >= options.new_claim_words else []


def carried_quotation(text: str, paragraph: tuple[int, int], start: int) -> str:
    """The mark that opened a quotation the sentence at `start` begins inside of ('"' or '“', which stands for « as
    well), opened earlier in its paragraph (text[slice(*paragraph)]); "" when it begins outside, or when the
    paragraph's marks do not pair up (a stray mark says nothing about where its quotations are). One mark left open
    is no stray when the next paragraph opens with a quotation mark: news style carries a quotation on into the next
    paragraph so, without closing it."""
    paragraph_start, paragraph_end = paragraph
    straight, curly = quote_balance(text, paragraph_start, start)
    if straight % 2 == 0 and curly <= 0:
        return ""
    straight_after, curly_after = quote_balance(text, start, paragraph_end)
    straight_open, curly_open = (straight + straight_after) % 2, curly + curly_after
    if straight_open or curly_open:
        if (straight_open and curly_open) or curly_open not in (0, 1):
            return ""
        next_opens = text[paragraph_end : paragraph_end + 64].lstrip()
        if straight_open and not next_opens.startswith(('"', _DOUBLED_SINGLE)):
            return ""
        if curly_open and not next_opens.startswith(("\u201c", "\u00ab")):
            return ""
        if straight_open and not _opens_quotation(text, *_last_straight_mark(text, paragraph_start, paragraph_end)):
            return ""  # the mark left open is no opening one: 'a 6" pipe'

    return '"' if straight % 2 else "\u201c"


def _last_straight_mark(text: str, start: int, end: int) -> tuple[int, int]:
    """Where the last straight double mark ('"' or "''") of text[start:end] is, and how long it is."""
    double, doubled = text.rfind('"', start, end), text.rfind(_DOUBLED_SINGLE, start, end)
    return (doubled, 2) if doubled > double else (double, 1)


def _opens_quotation(text: str, at: int, length: int = 1) -> bool:
    """Is the straight mark at `at` (`length` characters) in an opening one's place: after a space, a bracket, a
    colon or dash (or at the start), before a word?"""
    before = text[at - 1] if at > 0 else " "
    after = text[at + length : at + length + 1]
    return (before.isspace() or before in "([:\u2014\u2013") and after.isalnum()


def quote_balance(text: str, start: int, end: int) -> tuple[int, int]:
    """How many straight double quotation marks text[start:end] holds ('"', and "''" counted as str.count counts
    it), and how many typographic ones it opens and does not close (“ and « open, ” and » close). (The C helper
    reads a text beyond ASCII once, where str would count each mark in turn, and an ASCII one with memchr.)"""
    if _QUOTE_BALANCE_IN_C is not None:
        found: tuple[int, int] = _QUOTE_BALANCE_IN_C(text, start, end)
        return found
    if text.isascii():  # (no typographic marks to count: str knows it at once)
        return text.count('"', start, end) + text.count(_DOUBLED_SINGLE, start, end), 0
    straight = text.count('"', start, end) + text.count(_DOUBLED_SINGLE, start, end)
    opened = text.count("\u201c", start, end) + text.count("\u00ab", start, end)
    return straight, opened - text.count("\u201d", start, end) - text.count("\u00bb", start, end)


def _quote_words(words: list[str]) -> str:
    return " ".join(words[:8]) + (" …" if len(words) > 8 else "")


def _quoted_words_changed(tokens: _Tokens, changed: list[int]) -> bool:
    """Does a changed word (not punctuation) sit inside quotation marks? Straight marks open and close in turn,
    typographic ones by their direction, nested (a closing mark with nothing open is a stray); a text that begins
    inside a quotation opened before it is read from inside that one."""
    changed_words = {i for i in changed if tokens.words[i][:1].isalnum()}
    if not changed_words:
        return False
    depth, straight_open = (1, tokens.open_quote == '"') if tokens.open_quote else (0, False)
    # (Every character that is neither a word character nor white space is a token of its own: a quote mark is a
    # token exactly when the text holds one, which str's search finds without hashing every token.)
    if not any(mark in tokens.text for mark in _QUOTE_CHARS) and _DOUBLED_SINGLE not in tokens.text:
        return depth > 0
    words, starts = tokens.words, tokens.starts
    second = -1  # the second "'" of a doubled mark, read with the first
    for i, word in enumerate(words):
        if i == second:
            continue
        if word == "'" and i + 1 < len(words) and words[i + 1] == "'" and starts[i + 1] == starts[i] + 1:
            word, second = '"', i + 1  # "''", as tokenised news writes a quotation mark: a straight one
        if word in _QUOTE_CHARS:
            if word == '"':
                depth += -1 if straight_open else 1
                straight_open = not straight_open
            elif word in _OPENING_QUOTES:
                depth += 1
            elif depth:
                depth -= 1
            if not depth:
                straight_open = False  # (a typographic mark closed every quotation, a straight one too)
        elif depth and i in changed_words:
            return True
    return False


def _wording_changes(ta: _Tokens, tb: _Tokens, deleted: list[int], inserted: list[int]) -> list[str]:
    words_gone = [ta.words[i] for i in deleted if ta.words[i][:1].isalnum()]
    words_new = [tb.words[j] for j in inserted if tb.words[j][:1].isalnum()]
    if not words_gone and not words_new:
        return ["punctuation"]
    joined_a = "".join(n for n, w in zip(ta.norms, ta.words, strict=True) if w[:1].isalnum()).replace("-", "")
    joined_b = "".join(n for n, w in zip(tb.norms, tb.words, strict=True) if w[:1].isalnum()).replace("-", "")
    if joined_a == joined_b:
        return [_HYPHENATION_OR_SPACING]
    if len(ta.norms) == len(tb.norms) and sorted(ta.norms) == sorted(tb.norms):
        return ["word order"]
    return [_pairs("wording", words_gone, words_new)]
