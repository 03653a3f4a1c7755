"""Is a change wording or a fact? Classify a link and say why, in plain words.

A link is `unchanged` when the comparison keys are equal, `substantive` when the word diff touches a fact (a
number, a date, a name, a negation, the words of a quotation, who said it, or adds or drops a claim), and
`minor` otherwise (wording, punctuation, hyphenation, word order). The word diff runs on tokens of the text as
read, compared through their normalised form, so what is shown is the original text.
"""

from __future__ import annotations

import re
from typing import Any, Final, NamedTuple

from rapidfuzz.distance import Indel

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
    yesterday tomorrow tonight morning afternoon evening night week month year weekend""".split()
)
_NEGATIONS: Final = frozenset(
    "not no never none nobody nothing neither nor cannot without n't don't doesn't didn't isn't aren't wasn't "
    "weren't won't wouldn't can't couldn't shouldn't hasn't haven't hadn't".split()
)
_ATTRIBUTION: Final = frozenset(
    """said say says told tells according stated states claimed claims added adds announced announces
    reported reports wrote writes insisted insists denied denies confirmed confirms alleged alleges
    argued argues warned warns tweeted posted explained explains acknowledged admitted""".split()
)
_QUOTE_CHARS: Final = frozenset('"\u201c\u201d\u00ab\u00bb')
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


class _Token:
    """A word or punctuation mark of a classified text (a plain class: compiled, its fields are read natively)."""

    __slots__ = ("text", "word", "norm", "starts_sentence", "start", "end")

    def __init__(self, text: str, word: str, norm: str, starts_sentence: bool, start: int, end: int) -> None:
        self.text = text  # the token as read, with its trailing white space
        self.word = word  # the bare token as read
        self.norm = norm  # its comparison form
        self.starts_sentence = starts_sentence  # capitalised for grammar, not because it is a name
        self.start = start  # offset of the word in the classified text
        self.end = end


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
    """A `Run`, made with tuple.__new__: the named tuple's own __new__ runs as Python even in the compiled core,
    and a diff makes two runs or more per edited link."""
    return tuple.__new__(Run, (op, text, a_start, a_end, b_start, b_end))


def classify(text_a: str, text_b: str, options: DiffOptions) -> Classification:
    """Classify the change from `text_a` to `text_b` (each the linked sentences, joined by a space)."""
    if comparison_key(text_a) == comparison_key(text_b):
        return Classification("unchanged", (), ())
    ta, tb = _tokens(text_a), _tokens(text_b)
    runs, deleted, inserted = _word_diff(ta, tb)
    reasons, removals = _fact_changes(ta, tb, deleted, inserted, options)
    if options.removals_are_substantive:
        reasons, removals = reasons + removals, []
    if reasons:
        return Classification("substantive", tuple(reasons + removals), runs)
    return Classification("minor", tuple(removals or _wording_changes(ta, tb, deleted, inserted)), runs)


def _tokens(text: str) -> list[_Token]:
    """Words and punctuation marks with their trailing space; leading space sticks to the first token."""
    cut = WORDS_IN_C.classifier_tokens(text) if WORDS_IN_C is not None else None
    shown: list[str]
    words: list[str]
    norms: list[str]
    starts: list[int]
    if cut is not None:
        shown, words, norms, starts = cut
    else:
        shown, words, norms, starts = _token_parts(text)
    found: list[_Token] = []
    opens_sentence = True
    for i, word in enumerate(words):
        start = starts[i]
        found.append(_Token(shown[i], word, norms[i], opens_sentence, start, start + len(word)))
        opens_sentence = word in _SENTENCE_OPENERS
    return found


def _token_parts(text: str) -> tuple[list[str], list[str], list[str], list[int]]:
    """Each token as shown (with the white space after it), as read, in its comparison form, and its offset
    (what the C helper returns for ASCII text)."""
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
    last = len(words) - 1
    shown: list[str] = []
    norms: list[str] = []
    for i, word in enumerate(words):
        start = starts[i]
        shown.append(text[0 if i == 0 else start : starts[i + 1] if i < last else len(text)])
        norms.append(folded[start : start + len(word)] if folded is not None else fold_token(word))
    return shown, words, norms, starts


def _token_words(text: str) -> list[str]:
    """The same as `_TOKEN.findall(text)`, faster: no token spans white space, so each chunk between white space
    is cut alone, and most chunks are a plain ASCII word with marks around it: each mark is a token of its own.
    ASCII text is cut the same way in C when the helper is built."""
    if WORDS_IN_C is not None:
        cut: list[str] | None = WORDS_IN_C.classifier_words(text)
        if cut is not None:
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


def _word_diff(ta: list[_Token], tb: list[_Token]) -> tuple[tuple[Run, ...], list[_Token], list[_Token]]:
    """Runs of equal/deleted/inserted text, plus the deleted and inserted tokens themselves."""
    runs: list[Run] = []
    deleted: list[_Token] = []
    inserted: list[_Token] = []
    for block in Indel.opcodes([t.norm for t in ta], [t.norm for t in tb]):
        tag = block.tag
        a_piece = ta[block.src_start : block.src_end]
        b_piece = tb[block.dest_start : block.dest_end]
        a_at = _position(ta, block.src_start)
        b_at = _position(tb, block.dest_start)
        if tag == "equal":
            text = "".join(t.text for t in b_piece)
            _emit(runs, make_run("equal", text, a_at, a_piece[-1].end, b_at, b_piece[-1].end))
            continue
        if a_piece:
            deleted.extend(a_piece)
            _emit(runs, make_run("delete", "".join(t.text for t in a_piece), a_at, a_piece[-1].end, b_at, b_at))
        if b_piece:
            inserted.extend(b_piece)
            _emit(runs, make_run("insert", "".join(t.text for t in b_piece), a_at, a_at, b_at, b_piece[-1].end))
    return tuple(runs), deleted, inserted


def _position(tokens: list[_Token], index: int) -> int:
    """Offset of token `index`, or the end of the text's last token when `index` is past the end."""
    if index < len(tokens):
        return tokens[index].start
    return tokens[-1].end if tokens else 0


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


def _is_name(t: _Token) -> bool:
    return (
        t.word[:1].isupper()
        and not t.starts_sentence
        and len(t.word) > 1
        and t.norm not in STOPWORDS
        and t.norm not in _DATE_WORDS
        and not _is_number(t.norm)
    )


def _pairs(kind: str, before: list[str], after: list[str]) -> str:
    """'number 12 → 15', or 'number added: 15' when nothing stood in its place, in plain words."""
    left = ", ".join(dict.fromkeys(before))
    right = ", ".join(dict.fromkeys(after))
    if not left:
        return f"{kind} added: {right}"
    return f"{kind} {left} → {right or '(removed)'}"


def _fact_changes(
    ta: list[_Token], tb: list[_Token], deleted: list[_Token], inserted: list[_Token], options: DiffOptions
) -> tuple[list[str], list[str]]:
    """The facts a change touches, and separately the facts it only removes.

    Only the changed tokens are examined: a fact that is not in the word diff did not change. A pure removal
    (a number, name or clause dropped, nothing put in its place) is reported apart, because editors remove
    words to tighten a sentence far more often than to change what it says.
    """
    reasons: list[str] = []
    removals: list[str] = []
    norms_a = {t.norm for t in ta}
    norms_b = {t.norm for t in tb}
    gone = [t for t in deleted if t.norm not in norms_b]
    new = [t for t in inserted if t.norm not in norms_a]

    numbers_gone = [t.word for t in gone if _is_number(t.norm) and t.norm not in _DATE_WORDS]
    numbers_new = [t.word for t in new if _is_number(t.norm) and t.norm not in _DATE_WORDS]
    if numbers_new:
        reasons.append(_pairs("number", numbers_gone, numbers_new))
    elif numbers_gone:
        removals.append("number removed: " + ", ".join(dict.fromkeys(numbers_gone)))

    dates_gone = [t.word for t in gone if t.norm in _DATE_WORDS]
    dates_new = [t.word for t in new if t.norm in _DATE_WORDS]
    if dates_new:
        reasons.append(_pairs("date", dates_gone, dates_new))
    elif dates_gone:
        removals.append("date removed: " + ", ".join(dict.fromkeys(dates_gone)))

    names_gone = [t.word for t in gone if _is_name(t)]
    names_new = [t.word for t in new if _is_name(t)]
    if names_gone or names_new:
        # A word that is only capitalised differently ("Storm" / "storm") is not a new name.
        lower_a = {t.norm for t in ta if not t.word[:1].isupper()}
        lower_b = {t.norm for t in tb if not t.word[:1].isupper()}
        names_gone = [w for w in names_gone if w.lower() not in lower_b]
        names_new = [w for w in names_new if w.lower() not in lower_a]
        if names_new:
            reasons.append(_pairs("name", names_gone, names_new))
        elif names_gone:
            removals.append("name removed: " + ", ".join(dict.fromkeys(names_gone)))

    negations_gone = sum(t.norm in _NEGATIONS for t in deleted)
    negations_new = sum(t.norm in _NEGATIONS for t in inserted)
    if negations_new > negations_gone:
        reasons.append("negation added")
    elif negations_gone > negations_new:
        reasons.append("negation removed")

    if _quoted_words_changed(ta, deleted) or _quoted_words_changed(tb, inserted):
        reasons.append("words of a quotation changed")

    said_gone = [t for t in deleted if t.norm in _ATTRIBUTION]
    said_new = [t for t in inserted if t.norm in _ATTRIBUTION]
    if said_gone or said_new:
        said_a = any(t.norm in _ATTRIBUTION for t in ta)
        said_b = any(t.norm in _ATTRIBUTION for t in tb)
        if said_a != said_b:
            reasons.append("attribution added" if said_b else "attribution removed")
        elif names_gone or names_new:
            reasons.append("attribution changed")

    added_words = _new_content(new, ta, options)
    removed_words = _new_content(gone, tb, options)
    if added_words:
        reasons.append("new claim: " + _quote_words(added_words))
    if removed_words:
        removals.append("words removed: " + _quote_words(removed_words))
    return reasons, removals


def _new_content(candidates: list[_Token], other: list[_Token], options: DiffOptions) -> list[str]:
    """Content words of `candidates` absent from the other side, if there are enough to make a claim."""
    words = [t for t in candidates if t.word[:1].isalnum() and t.norm not in STOPWORDS]
    if len(words) < options.new_claim_words:
        return []
    other_content = {stem(t.norm) for t in other if t.norm not in STOPWORDS}
    fresh = [t.word for t in words if stem(t.norm) not in other_content]
    return fresh if len(fresh) >= options.new_claim_words else []


def _quote_words(words: list[str]) -> str:
    return " ".join(words[:8]) + (" …" if len(words) > 8 else "")


def _quoted_words_changed(tokens: list[_Token], changed: list[_Token]) -> bool:
    """Does a changed word (not punctuation) sit inside quotation marks?"""
    changed_ids = {id(t) for t in changed if t.word[:1].isalnum()}
    if not changed_ids or not any(t.word in _QUOTE_CHARS for t in tokens):
        return False
    inside = False
    for t in tokens:
        if t.word in _QUOTE_CHARS:
            inside = not inside
        elif inside and id(t) in changed_ids:
            return True
    return False


def _wording_changes(ta: list[_Token], tb: list[_Token], deleted: list[_Token], inserted: list[_Token]) -> list[str]:
    words_gone = [t.word for t in deleted if t.word[:1].isalnum()]
    words_new = [t.word for t in inserted if t.word[:1].isalnum()]
    if not words_gone and not words_new:
        return ["punctuation"]
    joined_a = "".join(t.norm for t in ta if t.word[:1].isalnum()).replace("-", "")
    joined_b = "".join(t.norm for t in tb if t.word[:1].isalnum()).replace("-", "")
    if joined_a == joined_b:
        return ["hyphenation or spacing"]
    if sorted(t.norm for t in ta) == sorted(t.norm for t in tb):
        return ["word order"]
    return [_pairs("wording", words_gone, words_new)]
