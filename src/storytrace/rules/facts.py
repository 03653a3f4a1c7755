"""Facts the token rules miss: who is credited with a statement, how sure or how far a claim goes (hedges, degree
words, bounds of a number, quantifiers, modal verbs), a word swapped for its opposite, a quantity's unit."""

from __future__ import annotations

import re
from collections import Counter
from typing import Final

from storytrace.align.features import STOPWORDS
from storytrace.rules.style import is_initials
from storytrace.rules.verdict import Classification, Run
from storytrace.rules.vocabulary import ATTRIBUTION, NUMBER_WORDS, WORD_EDGES, plain_words, without_apostrophes

# Verbs of saying that deny what follows: one put in the place of another ("said" / "denied") turns the statement.
_DENIALS: Final = frozenset("denied denies".split())

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
    brother:sister behind:ahead behind:in_front leading:trailing leads:trails led:trailed up:down
    in_favour:against in_favor:against""".split()
# Opposites of more than one word, read as one word ("in front" is "in_front"), by their words.
_PHRASES: Final = {("in", "front"): "in_front", ("in", "favour"): "in_favour", ("in", "favor"): "in_favor"}
_PHRASE_ENDS: Final = frozenset(second for _, second in _PHRASES)


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

_DETERMINERS: Final = frozenset("the a an his her its their our this that".split())
_MARKS_BEFORE_SPEAKER: Final = frozenset(',"\'\u201d\u2019')


def facts_in_minor(found: Classification, text_a: str, text_b: str, shift_a: int, shift_b: int) -> Classification:
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
            words = plain_words(text)
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
    if is_initials(new.strip(WORD_EDGES + " "), old.strip(WORD_EDGES + " ")) or is_initials(
        old.strip(WORD_EDGES + " "), new.strip(WORD_EDGES + " ")
    ):
        return None  # a name and its initials ("United States" / "US")
    if verb_a in ATTRIBUTION and verb_b in ATTRIBUTION and (verb_a in _DENIALS) != (verb_b in _DENIALS):
        return f"attribution changed: {old.strip()} → {new.strip()}"
    after_a = _next_word(text_a, gone.a_end - shift_a)
    if after_a in ATTRIBUTION and after_a == _next_word(text_b, put.b_end - shift_b):
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
    return any(c.isdigit() for c in word) or word in NUMBER_WORDS


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
        f"{a} → {b}".replace("_", " ")  # ("in_front": `_swap_words`)
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
    pairs = sorted({
        _LISTED_ORDER[word, opposite]
        for word in changed
        for opposite in _OPPOSITE_OF[word]
        if opposite.replace("_", " ") in lowered
    })
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
        f"{one} ↔ {other}".replace("_", " ")
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
        word = _without_possessive(token.strip(WORD_EDGES))
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
        word = _without_possessive(word.strip(WORD_EDGES))
        if word in _OPPOSITE_WORDS or word in _PHRASE_ENDS:
            return True
    return False


def _without_possessive(word: str) -> str:
    """"winner's" is "winner" here ("winner's" / "loser's" is a swap)."""
    return word[:-2] if word.endswith(("'s", "\u2019s")) else word


def _swap_words(text: str) -> list[str]:
    """The words of `text` as opposites are looked up: lower case, hyphenated parts apart, a possessive's "'s" left
    out, the words of an opposite of more than one word joined ("in front" is "in_front")."""
    words = [_without_possessive(part) for word in plain_words(text) for part in word.split("-") if part]
    if len(words) < 2 or not _PHRASE_ENDS.intersection(words):
        return words
    joined: list[str] = []
    for word in words:
        phrase = _PHRASES.get((joined[-1], word)) if joined else None
        if phrase:
            joined[-1] = phrase
        else:
            joined.append(word)
    return joined


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


def _units_in(text: str) -> list[str]:
    """The currency signs and unit words of a run, in order ("£40,000" gives "£", "38°C" gives "°", "c")."""
    found: list[str] = []
    for word in plain_words(text):
        core = word.strip("0123456789.,-")
        if any(sign in core for sign in _UNIT_SIGNS):
            found += [c for c in core if c in _UNIT_SIGNS]
            core = "".join(c for c in core if c not in _UNIT_SIGNS).strip("0123456789.,-")
        if core in _UNIT_WORDS:
            found.append(core)
    return found


# Hyphens, read as spaces where a speaker is compared ("ex-smoker" is "ex smoker").
_HYPHENS: Final = re.compile(r"[\-\u2010\u2011]")


def _attribution(old: str, new: str) -> str | None:
    """"attribution changed: Police → Witnesses" when the words in a speaker's place changed; None when both sides
    are the same words spelled with or without apostrophes, or hyphens for spaces ("Bilbreys" / "Bilbrey's", "ex
    smoker" / "ex-smoker")."""
    old, new = old.strip(), new.strip()
    if not (any(c.isalpha() for c in old) and any(c.isalpha() for c in new)):
        return None
    if _spelled_alike(old) == _spelled_alike(new):
        return None
    return f"attribution changed: {old} → {new}"


def _spelled_alike(words: str) -> str:
    return _HYPHENS.sub(" ", without_apostrophes(words))


def _next_word(text: str, at: int) -> str:
    """The word right after `at` (spaces and commas passed over), in lower case, its punctuation stripped. (Short
    slices and str methods: a loop over characters cost thousands of instructions per call here.)"""
    words = text[max(0, at) : max(0, at) + 32].lstrip(" ,").split(None, 1)  # ([] for white space alone: tabs)
    return words[0].rstrip(WORD_EDGES).lower() if words else ""


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
    if verb not in ATTRIBUTION:
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
