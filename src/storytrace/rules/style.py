"""Changes of style the token rules take for facts: numbers, acronyms, initials, hyphenation, spacing, apostrophes,
list numbers and verbs of saying written another way. Each rule turns a substantive verdict minor, or drops its
reason, only when nothing else changed."""

from __future__ import annotations

import re
from typing import Final

from storytrace.rules.verdict import Classification, Run
from storytrace.rules.vocabulary import ATTRIBUTION, DATE_WORDS, WORD_EDGES, plain_words, without_apostrophes
from storytrace.text.normalise import comparison_key

# Verbs of saying left out of vocabulary.ATTRIBUTION (each is also often something else: "a noted author", "stressed
# workers"), read as one only where it takes the place of a listed one ("said" / "noted" is no attribution removed).
_SAYING_TOO: Final = frozenset(
    """noted notes asserted asserts contended contends conceded concedes remarked mentioned stressed stresses
    emphasised emphasized emphasises emphasizes cautioned suggested suggests testified testifies quipped""".split()
)


def style_kept_minor(found: Classification, text_a: str, text_b: str) -> Classification:
    """A substantive verdict that only the way words or numbers are written earned is minor (below)."""
    if found.kind != "substantive":
        return found
    found = _dates_kept_minor(_hyphenation_kept_minor(found, text_a, text_b), text_a, text_b)
    found = _numbers_kept_minor(found, text_a, text_b)
    found = _currency_kept_minor(_states_kept_minor(found, text_a, text_b), text_a, text_b)
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
    return len(names_a) == len(names_b) and all(
        without_apostrophes(a) == without_apostrophes(b) for a, b in zip(names_a, names_b, strict=True)
    )


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
        words_gone, words_put = plain_words(gone.text), plain_words(put.text)
        said_gone = [w for w in words_gone if w in ATTRIBUTION or w in _SAYING_TOO]
        said_put = [w for w in words_put if w in ATTRIBUTION or w in _SAYING_TOO]
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
    word = rest.split(None, 1)[0].strip(WORD_EDGES) if rest.split() else ""
    if not word[:1].isupper() or word.lower() in DATE_WORDS or word.lower() in _MONTHS_ELSEWHERE:
        return None  # a list item starts with a capital; "13) misrepresents ..." is the end of "(Jan. 13)"
    return rest


# Letters joined by full stops, the last full stop optional: "u.k.", "u.s.", "u.k" (its full stop read as the
# sentence's, or spaced off: "in the U.K .").
_DOTTED_ACRONYM: Final = re.compile(r"\b[a-z](?:\.[a-z])+\b\.?")


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
            if is_initials(new_text, old_text) and _capitalised_name(old_text):
                pairs.append((old_text, new_text))
            elif is_initials(old_text, new_text) and _capitalised_name(new_text):
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
        matched = [(old, new) if is_initials(new, old) else (new, old) for old, new in zip(olds, news, strict=True)
                   if is_initials(new, old) or is_initials(old, new)]
        if len(matched) == len(olds):
            return matched
    old, new = _whole_name(before, text_a), _whole_name(after, text_b)
    if is_initials(new, old):
        return [(old, new)]
    if is_initials(old, new):
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


def is_initials(short: str, name: str) -> bool:
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
# Short forms of month names (those the date words hold), and the month each stands for.
_SHORT_MONTHS: Final = {
    **{month[:3]: month for month in "january february march april june july august september october november "
       "december".split()},
    "sept": "september",
}  # fmt: skip
# Every month's name, in full or short ("may" is both), for the expressions below.
_MONTH_NAMES: Final = "|".join(
    sorted({*_SHORT_MONTHS, *_SHORT_MONTHS.values(), "may"}, key=lambda name: (-len(name), name))
)
# A day of a month written with its ordinal's letters ("February 2nd", "2nd of February"): the same day as "2".
_ORDINAL_AFTER_MONTH: Final = re.compile(rf"\b((?:{_MONTH_NAMES})\.? )(\d{{1,2}})(?:st|nd|rd|th)\b")
_ORDINAL_BEFORE_MONTH: Final = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)( (?:of )?(?:{_MONTH_NAMES})\b)")


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
    if "st" in key or "nd" in key or "rd" in key or "th" in key:
        key = _ORDINAL_BEFORE_MONTH.sub(r"\1\2", _ORDINAL_AFTER_MONTH.sub(r"\1\2", key))
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


def _dates_kept_minor(found: Classification, text_a: str, text_b: str) -> Classification:
    """A month written short on one side and in full on the other ("Mar." / "March", "Sept." /
    "September") is the same date: the token rules read another date. Only when every such reason names the same
    dates, and whatever else the verdict holds is numbers written another way ("3" / "three"), checked with the
    texts read with the dates and numbers written one way; the numbers' reason is then kept beside this one."""
    if found.kind != "substantive" or not any(r.startswith("date ") for r in found.reasons):
        return found
    dates = [r for r in found.reasons if r.startswith("date ")]
    if not all(_same_date(r) for r in dates) or not all(r in dates or _same_digits(r) for r in found.reasons):
        return found
    if _dates_written_out(_number_form(comparison_key(text_a))) != _dates_written_out(
        _number_form(comparison_key(text_b))
    ):
        return found
    numbers = ("number written differently",) if len(dates) < len(found.reasons) else ()
    return Classification("minor", ("date written differently", *numbers), found.diff)


def _same_date(reason: str) -> bool:
    """Is `reason` a date replaced by the same dates written another way ("date Mar → March")?"""
    before, arrow, after = reason[len("date "):].partition(" → ")
    return bool(arrow) and _dates_written_out(before.lower().split()) == _dates_written_out(after.lower().split())


def _dates_written_out(words: list[str]) -> list[str]:
    """`words` (in lower case) with every short month name written in full, its full stop dropped."""
    return [_SHORT_MONTHS.get(word.rstrip(".,"), word.rstrip(".,")) for word in words]


# The states of the United States, each with its postal code and the short form news agencies write after a place
# ("Glendale, Calif."); the seven they write in full have a postal code only.
_STATES: Final = {
    "Alabama": "AL Ala.", "Alaska": "AK", "Arizona": "AZ Ariz.", "Arkansas": "AR Ark.", "California": "CA Calif.",
    "Colorado": "CO Colo.", "Connecticut": "CT Conn.", "Delaware": "DE Del.", "Florida": "FL Fla.",
    "Georgia": "GA Ga.", "Hawaii": "HI", "Idaho": "ID", "Illinois": "IL Ill.", "Indiana": "IN Ind.", "Iowa": "IA",
    "Kansas": "KS Kan.", "Kentucky": "KY Ky.", "Louisiana": "LA La.", "Maine": "ME", "Maryland": "MD Md.",
    "Massachusetts": "MA Mass.", "Michigan": "MI Mich.", "Minnesota": "MN Minn.", "Mississippi": "MS Miss.",
    "Missouri": "MO Mo.", "Montana": "MT Mont.", "Nebraska": "NE Neb.", "Nevada": "NV Nev.",
    "New Hampshire": "NH N.H.", "New Jersey": "NJ N.J.", "New Mexico": "NM N.M.", "New York": "NY N.Y.",
    "North Carolina": "NC N.C.", "North Dakota": "ND N.D.", "Ohio": "OH", "Oklahoma": "OK Okla.",
    "Oregon": "OR Ore.", "Pennsylvania": "PA Pa. Penn.", "Rhode Island": "RI R.I.", "South Carolina": "SC S.C.",
    "South Dakota": "SD S.D.", "Tennessee": "TN Tenn.", "Texas": "TX", "Utah": "UT", "Vermont": "VT Vt.",
    "Virginia": "VA Va.", "Washington": "WA Wash.", "West Virginia": "WV W.Va. W.Va", "Wisconsin": "WI Wis.",
    "Wyoming": "WY Wyo.",
}  # fmt: skip
_STATE_OF_SHORT: Final = {short: state for state, shorts in _STATES.items() for short in shorts.split()}
# A state's short form as written, standing alone (case kept: "IN" is Indiana, "in" is not; "Pa." with its full stop
# only).
_SHORT_STATE: Final = re.compile(
    r"(?<![\w.])(?:"
    + "|".join(re.escape(short) for short in sorted(_STATE_OF_SHORT, key=len, reverse=True))
    + r")(?!\w)"
)


def _states_kept_minor(found: Classification, text_a: str, text_b: str) -> Classification:
    """A state of the United States written short on one side and in full on the other ("PA" / "Pennsylvania",
    "Glendale, Calif." / "Glendale, California"): the token rules read another name. Minor when every reason is a
    name and the texts agree once each state is written in full."""
    if found.kind != "substantive" or not all(r.startswith("name ") for r in found.reasons):
        return found
    full_a, full_b = _states_in_full(text_a), _states_in_full(text_b)
    if (full_a == text_a and full_b == text_b) or comparison_key(full_a).rstrip(".").split() != comparison_key(
        full_b
    ).rstrip(".").split():
        return found
    return Classification("minor", ("state written short",), found.diff)


def _states_in_full(text: str) -> str:
    return _SHORT_STATE.sub(lambda found: _STATE_OF_SHORT[found.group()], text)


# A currency sign with the country put before it ("US$", "A$", "NZ$", "HK$"), in a comparison key.
_COUNTRY_CURRENCY: Final = re.compile(r"\b(?:us|a|au|c|ca|nz|hk|s|sg)(?=[$])")


def _currency_kept_minor(found: Classification, text_a: str, text_b: str) -> Classification:
    """Dollars said to be a country's where the other side says only "$" ("$2" / "US$2"): the token rules read the
    country's letters as a new name. Minor when that is the only reason and the texts agree without those letters;
    one country's dollars for another's ("A$2" / "US$2") stay a changed unit."""
    if found.kind != "substantive" or len(found.reasons) != 1 or not found.reasons[0].startswith("name "):
        return found
    if "$" not in text_a or "$" not in text_b:
        return found
    key_a, key_b = comparison_key(text_a), comparison_key(text_b)
    bare_a, bare_b = _COUNTRY_CURRENCY.sub("", key_a), _COUNTRY_CURRENCY.sub("", key_b)
    if bare_a.split() != bare_b.split() or (bare_a != key_a and bare_b != key_b):
        return found
    return Classification("minor", ("currency written with its country",), found.diff)


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
    return Classification("minor", (HYPHENATION_OR_SPACING,), found.diff)


HYPHENATION_OR_SPACING: Final = "hyphenation or spacing"


def _has_dash(text: str) -> bool:
    """A hyphen or dash other than ASCII's (the keys fold them all to "-")."""
    return not text.isascii() and any(c in text for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212")


# A word of letters (an inner apostrophe kept), for `respaced`.
_LETTERS_WORD: Final = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*")
# A replacement longer than this (on either side, in characters) is a rewrite, not words spaced otherwise: not looked
# into (each word of one side is looked for in the other, which would take time in proportion to their product).
_LONGEST_RESPACED: Final = 400
# At most this many words run together into one are looked for ("Peskovsaid" is two, "inthe city" none).
_MOST_RUN_TOGETHER: Final = 3


def respaced(
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
        if put.op != "insert" or len(gone.text) > _LONGEST_RESPACED or len(put.text) > _LONGEST_RESPACED:
            continue
        if not (_may_run_together(gone.text, put.text) or _may_run_together(put.text, gone.text)):
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
    return cut_in(text_a, cuts_a), cut_in(text_b, cuts_b), ", ".join(shown)


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
        word = word.strip(WORD_EDGES).lower()
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


def cut_in(text: str, cuts: list[tuple[int, int, str]]) -> str:
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
