"""One word spelled two ways: British and American spellings ("licence" / "license", "colour" / "color",
"organised" / "organized"), an apostrophe put in or left out ("bills" / "bill's"), a slip of the pen put right
("enourmous" / "enormous"). A copy syndicated from one side of the Atlantic to the other respells its words, and an
update corrects typos, inside quotations too; the token rules read each respelled word as a new one (in a quotation,
the quotation's words changed), and three in a sentence as a new claim."""

from __future__ import annotations

import re
from typing import Final

from storytrace.rules.style import cut_in
from storytrace.rules.verdict import Run
from storytrace.rules.vocabulary import WORD_EDGES, without_apostrophes

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
    """Words a replacement in the word diff spells otherwise: the British or American way ("licence" / "license"),
    with or without an apostrophe ("bills" / "bill's"), or with one letter more or less or two letters swapped in a
    long word ("enourmous" / "enormous": see `_slip`). Only a replacement whose words are such words or the same,
    word for word, is read so (in "said Okafors coach" / "said Okafor's lawyer" the speaker changed). Returns both
    texts with each such word of B written as A writes it, and the changes shown ("licence → license"); None when
    no replacement is all such words."""
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
        words_a = [match.group() for match in _WORD.finditer(text_a, gone.a_start - shift_a, gone.a_end - shift_a)]
        words_b = list(_WORD.finditer(text_b, put.b_start - shift_b, put.b_end - shift_b))
        # (Word for word, in order: a replacement with any other word is left whole to the token rules.)
        if len(words_b) != len(words_a) or not all(
            _same_word(as_a, as_b.group()) for as_a, as_b in zip(words_a, words_b, strict=True)
        ):
            continue
        for as_a, as_b in zip(words_a, words_b, strict=True):
            if as_a.lower() != as_b.group().lower():
                cuts.append((as_b.start(), as_b.end(), _in_case_of(as_b.group(), as_a)))
                shown.append(f"{as_a} → {as_b.group()}")
    if not shown:
        return None
    return text_a, cut_in(text_b, cuts), ", ".join(dict.fromkeys(shown))


def _same_word(one: str, other: str) -> bool:
    """Are `one` and `other` the same word, or one word spelled two ways?"""
    low_one, low_other = one.lower(), other.lower()
    return low_one == low_other or _spelled_bare(one) == _spelled_bare(other) or _slip(low_one, low_other)


def _spelled_bare(word: str) -> str:
    """`spelled_as` of a word in lower case without its apostrophes ("Bill's" is "bills")."""
    return spelled_as(without_apostrophes(word))


# Words shorter than this are not read as slips of the pen: "later" / "latter", "quiet" / "quite" are other words.
_SHORTEST_SLIP: Final = 6


def _slip(one: str, other: str) -> bool:
    """Are `one` and `other` (in lower case) one slip of the pen apart: a letter put in or left out ("enourmous" /
    "enormous", "fuding" / "funding"), or two letters after the first swapped ("recieve" / "receive")? Only words
    of six letters or more; a letter replaced by another ("adapt" / "adopt", "Slovenia" / "Slovakia") is never
    one."""
    if len(one) < _SHORTEST_SLIP or len(other) < _SHORTEST_SLIP or one[0] != other[0] or one == other:
        return False
    if len(one) == len(other):
        differ = [i for i in range(len(one)) if one[i] != other[i]]
        return len(differ) == 2 and differ[1] == differ[0] + 1 and differ[0] > 0 and (
            one[differ[0]] == other[differ[1]] and one[differ[1]] == other[differ[0]]
        )
    longer, shorter = (one, other) if len(one) > len(other) else (other, one)
    if len(longer) != len(shorter) + 1:
        return False
    at = next((i for i in range(len(shorter)) if longer[i] != shorter[i]), len(shorter))
    return longer[at + 1 :] == shorter[at:]


def _may_be_respelled(gone: str, put: str) -> bool:
    """The quick test before the words of a replacement are read one by one: a word of the table on either side, or
    two words, one on each side, not the same, that begin with the same letter and are at most three letters apart
    in length (every respelling above is)."""
    words_gone = {word.strip(WORD_EDGES) for word in gone.lower().split()}
    lengths: dict[str, list[int]] = {}
    for bare in words_gone:
        if bare in _SAME_WORDS:
            return True
        if len(bare) >= 3:
            lengths.setdefault(bare[0], []).append(len(bare))
    for word in put.lower().split():
        bare = word.strip(WORD_EDGES)
        if bare in words_gone:
            continue  # (the same word on both sides: "the" in "said the" / "told the")
        if bare in _SAME_WORDS:
            return True
        if len(bare) >= 3 and any(abs(length - len(bare)) <= 3 for length in lengths.get(bare[0], ())):
            return True
    return False


def _in_case_of(word: str, spelling: str) -> str:
    """`spelling` with the capitals of `word` ("Colour" for "Color" respelled): a change of case is not in question."""
    if word.isupper():
        return spelling.upper()
    if word[:1].isupper():
        return spelling[:1].upper() + spelling[1:].lower()
    return spelling.lower()
