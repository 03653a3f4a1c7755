"""British and American spellings of one word ("licence" / "license", "colour" / "color", "organised" /
"organized"). A copy syndicated from one side of the Atlantic to the other respells its words; the token rules read
each respelled word as a new one, and three in a sentence as a new claim."""

from __future__ import annotations

import re
from typing import Final

from storytrace.rules.verdict import Run
from storytrace.rules.vocabulary import WORD_EDGES

# Words whose spellings no rule below joins, each with the spelling it is read as.
_SAME_WORDS: Final = {
    word: common
    for common, words in {
        "program": "programme programmes:programs",
        "gray": "grey greys:grays greyer:grayer",
        "aluminum": "aluminium",
        "tire": "tyre tyres:tires",
        "curb": "kerb kerbs:curbs",
        "check": "cheque cheques:checks",
        "plow": "plough ploughs:plows ploughed:plowed",
        "mold": "mould moulds:molds mouldy:moldy",
        "skeptic": "sceptic sceptics:skeptics sceptical:skeptical scepticism:skepticism",
        "jewelry": "jewellery",
        "draft": "draught draughts:drafts",
        "pajamas": "pyjamas",
        "judgment": "judgement judgements:judgments",
        "acknowledgment": "acknowledgement acknowledgements:acknowledgments",
        "aging": "ageing",
        "enroll": "enrol enrols:enrolls enrolment:enrollment enrolments:enrollments",
        "fulfill": "fulfil fulfils:fulfills fulfilment:fulfillment",
        "install": "instalment:installment instalments:installments",
        "skillful": "skilful wilful:willful",
        "license": "licence licences:licenses",
        "defense": "defence defences:defenses",
        "offense": "offence offences:offenses",
        "pretense": "pretence",
        "maneuver": "manoeuvre manoeuvres:maneuvers manoeuvred:maneuvered",
        "estrogen": "oestrogen",
        "fetus": "foetus",
        "pediatric": "paediatric paediatrician:pediatrician",
        "anesthetic": "anaesthetic anaesthesia:anesthesia",
        "hemorrhage": "haemorrhage",
        "diarrhea": "diarrhoea",
        "practice": "practise practised:practiced practising:practicing",
        "toward": "towards",
        "among": "amongst",
        "while": "whilst",
        "mom": "mum mums:moms",
    }.items()
    for entry in words.split()
    for word, common in [entry.split(":") if ":" in entry else (entry, common)]
}

# Endings each spelled two ways, and the way each is read as: "-ise" and "-ize", "-our" and "-or" (with what a word
# adds after them), "-yse" and "-yze", "-ogue" and "-og", "-tre" and "-ter". Each needs letters before it (at least
# three: "four", "hour", "rogue" and "vogue" are other words than "for", "hor", "rog" or "vog").
_ENDINGS: Final = re.compile(
    r"(?<=[a-z]{3})(?:"
    r"(?P<ise>is(?=(?:e|ed|es|ing|er|ers|ation|ations)$))"
    r"|(?P<our>our(?=(?:|s|ed|ing|ite|ites|able|ably|er|ers|ful|less)$))"
    r"|(?P<yse>ys(?=(?:e|ed|es|ing)$))"
    r"|(?P<ogue>ogue(?=s?$))"
    r"|(?P<tre>(?<=[tbgv])re(?=s?$))"
    r"|(?P<lled>(?<=[aeiou])ll(?=(?:ed|ing|er|ers|or|ors)$))"
    r")"
)
_READ_AS: Final = {"ise": "iz", "our": "or", "yse": "yz", "ogue": "og", "tre": "er", "lled": "l"}
# Words an ending rule would join to another word ("timbre" / "timber").
_NOT_VARIANTS: Final = frozenset("timbre timbres".split())

# A word of letters (an inner apostrophe kept).
_WORD: Final = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*")
# A replacement longer than this (on either side, in characters) is a rewrite, not respelled words: not looked into.
_LONGEST_RESPELLED: Final = 400


def spelled_as(word: str) -> str:
    """`word` (in lower case) as its British and American spellings are both read: "colour" and "color" are
    "color", "organised" and "organized" "organized"; a word spelled one way only is itself."""
    common = _SAME_WORDS.get(word)
    if common is not None:
        return common
    if len(word) < 5 or word in _NOT_VARIANTS:
        return word
    found = _ENDINGS.search(word)
    if found is None or found.lastgroup is None:
        return word
    return word[: found.start()] + _READ_AS[found.lastgroup] + word[found.end() :]


def respelled(
    runs: tuple[Run, ...], text_a: str, text_b: str, shift_a: int, shift_b: int
) -> tuple[str, str, str] | None:
    """Words a replacement in the word diff spells the other way ("licence" / "license"). Returns both texts with
    each such word of B written as A writes it, and the changes shown ("licence → license"); None when no
    replacement holds one."""
    cuts: list[tuple[int, int, str]] = []  # (start, end, A's spelling) in text_b
    shown: list[str] = []
    for n in range(len(runs) - 1):
        gone, put = runs[n], runs[n + 1]
        if gone.op != "delete" or put.op != "insert":
            continue
        if len(gone.text) > _LONGEST_RESPELLED or len(put.text) > _LONGEST_RESPELLED:
            continue
        if not _may_be_respelled(gone.text, put.text):
            continue
        spelled_a: dict[str, str] = {}
        for match in _WORD.finditer(text_a, gone.a_start - shift_a, gone.a_end - shift_a):
            word = match.group()
            spelled_a.setdefault(spelled_as(word.lower()), word)
        for match in _WORD.finditer(text_b, put.b_start - shift_b, put.b_end - shift_b):
            word = match.group()
            as_a = spelled_a.get(spelled_as(word.lower()))
            if as_a is not None and as_a.lower() != word.lower():
                cuts.append((match.start(), match.end(), _in_case_of(word, as_a)))
                shown.append(f"{as_a} → {word}")
    if not shown:
        return None
    pieces: list[str] = []
    at = 0
    for start, end, word in cuts:
        pieces += (text_b[at:start], word)
        at = end
    pieces.append(text_b[at:])
    return text_a, "".join(pieces), ", ".join(dict.fromkeys(shown))


def _may_be_respelled(gone: str, put: str) -> bool:
    """The quick test before the words of a replacement are read one by one: a word of the table on either side, or
    a word of five letters or more on each side that begin alike (the endings each rule respells come after three
    letters at least)."""
    starts: set[str] = set()
    for word in gone.lower().split():
        bare = word.strip(WORD_EDGES)
        if bare in _SAME_WORDS:
            return True
        if len(bare) >= 5:
            starts.add(bare[:3])
    for word in put.lower().split():
        bare = word.strip(WORD_EDGES)
        if bare in _SAME_WORDS or (len(bare) >= 5 and bare[:3] in starts):
            return True
    return False


def _in_case_of(word: str, spelling: str) -> str:
    """`spelling` with the capitals of `word` ("Colour" for "Color" respelled): a change of case is not in question."""
    if word.isupper():
        return spelling.upper()
    if word[:1].isupper():
        return spelling[:1].upper() + spelling[1:].lower()
    return spelling.lower()
