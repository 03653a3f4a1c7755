"""The token rules in Python: the classification the C helper (`_classify.c`) is held to, and what runs where it
is not built or leaves a text. Tokens, their word diff, and the facts the changed tokens touch."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from typing import Any, Final

from rapidfuzz.distance import Indel

from storytrace import CORE
from storytrace._compiled import c_module
from storytrace.align.features import STOPWORDS, stem
from storytrace.align.similarity import MOST_WORD_CELLS
from storytrace.options import DiffOptions
from storytrace.rules.quotations import DOUBLED_SINGLE, OPENING_QUOTES, QUOTE_CHARS
from storytrace.rules.style import HYPHENATION_OR_SPACING
from storytrace.rules.verdict import Classification, Run, make_run
from storytrace.rules.vocabulary import ATTRIBUTION, DATE_WORDS, NEGATIONS, NUMBER_WORDS
from storytrace.text.normalise import ASCII_MARKS, WORDS_IN_C, fold_keeping_offsets, fold_token

# rapidfuzz's Indel.opcodes for two lists of str, in C (_classify.c, built with the core); None: rapidfuzz's own.
_C_HELPER: Final = c_module("_classify", CORE)
_OPCODES_IN_C: Final[Any] = None if _C_HELPER is None else _C_HELPER.opcodes
# A word (with inner apostrophes, hyphens and number punctuation) or one other mark; only white space lies between.
_TOKEN: Final = re.compile(r"\w+(?:['\u2019\-\u2010\u2011.,:]\w+)*+|[^\w\s]")
_NUMBER: Final = re.compile(r"\d")

# Titles before a name: putting one in or taking one out names nobody new (the C helper has the same list).
_HONORIFICS: Final = frozenset("mr mrs ms miss dr prof sir dame lord lady rev mx".split())
# Month names that are also everyday words: dates only when capitalised (the C helper has the same list).
_AMBIGUOUS_DATES: Final = frozenset({"may", "march", "mar"})

# Up to this many changed tokens, a changed word is looked for in the other side's token list, not a set of it.
_FEW_CHANGED: Final = 8

_SENTENCE_OPENERS: Final = frozenset({".", "!", "?", ":", '"', "\u201c", "'", "(", "\u2014", "-"})


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
    if _OPCODES_IN_C is not None:
        found: list[tuple[str, int, int, int, int]] | None = _OPCODES_IN_C(a, b)
        if found is not None:  # (None: two lists too long to align in C)
            return found
    # rapidfuzz's opcodes keep a bit per cell of the two lists' table (n x m / 8 bytes): two "sentences" of 300,000
    # words each (a page with no full stop) took 7.5 GB. Past MOST_WORD_CELLS, `_anchors` hold the diff together.
    if len(a) * len(b) <= MOST_WORD_CELLS:
        return [(op.tag, op.src_start, op.src_end, op.dest_start, op.dest_end) for op in Indel.opcodes(a, b)]
    return anchored_opcodes(a, b)


# A word found more often than this in a stretch anchors nothing there ("the", "said").
_MOST_REPEATS: Final = 16


def anchored_opcodes(
    a: list[str], b: list[str], most_cells: int = MOST_WORD_CELLS
) -> list[tuple[str, int, int, int, int]]:
    """Indel opcodes of two lists too long for a table of their cells (see `_anchored_blocks`); `most_cells` is the
    largest table rapidfuzz is asked for on the way."""
    blocks: list[tuple[int, int, int]] = []
    _anchored_blocks(a, b, 0, len(a), 0, len(b), blocks, most_cells)
    return _opcodes_of_blocks(blocks, len(a), len(b))


def _anchored_blocks(
    a: list[str],
    b: list[str],
    a0: int,
    a1: int,
    b0: int,
    b1: int,
    blocks: list[tuple[int, int, int]],
    most_cells: int,
) -> None:
    """Append the equal blocks (i, j, size) of a[a0:a1] and b[b0:b1], in order: the common ends; between them
    rapidfuzz's when the table is small enough, else `_anchors`, the stretches between them taken in turn; a stretch
    with no anchor is replaced whole."""
    prefix = 0
    while a0 + prefix < a1 and b0 + prefix < b1 and a[a0 + prefix] == b[b0 + prefix]:
        prefix += 1
    suffix = 0
    while a1 - suffix > a0 + prefix and b1 - suffix > b0 + prefix and a[a1 - suffix - 1] == b[b1 - suffix - 1]:
        suffix += 1
    if prefix:
        blocks.append((a0, b0, prefix))
    a0, b0, a1, b1 = a0 + prefix, b0 + prefix, a1 - suffix, b1 - suffix
    if a0 < a1 and b0 < b1:
        if (a1 - a0) * (b1 - b0) <= most_cells:
            for op in Indel.opcodes(a[a0:a1], b[b0:b1]):
                if op.tag == "equal":
                    blocks.append((a0 + op.src_start, b0 + op.dest_start, op.src_end - op.src_start))
        else:
            anchors = _anchors(a, b, a0, a1, b0, b1)
            at_a, at_b = a0, b0
            for i, j in anchors:
                _anchored_blocks(a, b, at_a, i, at_b, j, blocks, most_cells)
                blocks.append((i, j, 1))
                at_a, at_b = i + 1, j + 1
            if anchors:  # (with none, the stretch is replaced whole)
                _anchored_blocks(a, b, at_a, a1, at_b, b1, blocks, most_cells)
    if suffix:
        blocks.append((a1, b1, suffix))


def _anchors(a: list[str], b: list[str], a0: int, a1: int, b0: int, b1: int) -> list[tuple[int, int]]:
    """Places (i, j) to hold a[a0:a1] and b[b0:b1] together: the words each holds as many times (a few at most),
    the k-th place of one paired with the k-th of the other, and of those the longest run in the same order in both
    (a longest increasing subsequence of their places in b, read in a's order). Words found once are patience
    diff's anchors; words found as often on both sides also hold a text that repeats itself."""
    counts_a = Counter(a[a0:a1])
    counts_b = Counter(b[b0:b1])
    places_b: dict[str, list[int]] = {}
    for j in range(b0, b1):
        word = b[j]
        if counts_b[word] == counts_a.get(word, 0) <= _MOST_REPEATS:
            places_b.setdefault(word, []).append(j)
    seen: Counter[str] = Counter()
    pairs: list[tuple[int, int]] = []
    for i in range(a0, a1):
        word = a[i]
        if word in places_b:
            pairs.append((i, places_b[word][seen[word]]))
            seen[word] += 1
    tail_places: list[int] = []  # the least place in b that ends an increasing run of each length so far
    tail_pairs: list[int] = []  # which pair ends it
    before = [-1] * len(pairs)  # the pair before each in its run
    for k, (_, j) in enumerate(pairs):
        at = bisect_left(tail_places, j)
        if at:
            before[k] = tail_pairs[at - 1]
        if at == len(tail_places):
            tail_places.append(j)
            tail_pairs.append(k)
        else:
            tail_places[at] = j
            tail_pairs[at] = k
    run: list[tuple[int, int]] = []
    k = tail_pairs[-1] if tail_pairs else -1
    while k >= 0:
        run.append(pairs[k])
        k = before[k]
    return run[::-1]


def _opcodes_of_blocks(blocks: list[tuple[int, int, int]], n: int, m: int) -> list[tuple[str, int, int, int, int]]:
    """Indel opcodes (equal, delete, insert) from the equal blocks of two lists of n and m items."""
    found: list[tuple[str, int, int, int, int]] = []
    i = j = 0
    for bi, bj, size in [*blocks, (n, m, 0)]:
        if i < bi:
            found.append(("delete", i, bi, j, j))
        if j < bj:
            found.append(("insert", bi, bi, j, bj))
        if size:
            if found and found[-1][0] == "equal" and found[-1][2] == bi:
                found[-1] = ("equal", found[-1][1], bi + size, found[-1][3], bj + size)
            else:
                found.append(("equal", bi, bi + size, bj, bj + size))
        i, j = bi + size, bj + size
    return found


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
    return bool(_NUMBER.search(norm)) or norm in NUMBER_WORDS


def _is_date(tokens: _Tokens, i: int) -> bool:
    """A date word; one that is also an everyday word ("may", "march") only when written with a capital."""
    norm = tokens.norms[i]
    return norm in DATE_WORDS and (norm not in _AMBIGUOUS_DATES or tokens.words[i][:1].isupper())


def _is_attribution(tokens: _Tokens, i: int) -> bool:
    """A verb of saying, written in lower case ("States" in "United States" is not one)."""
    return tokens.norms[i] in ATTRIBUTION and not tokens.words[i][:1].isupper()


def _is_name(tokens: _Tokens, i: int) -> bool:
    word, norm = tokens.words[i], tokens.norms[i]
    return (
        word[:1].isupper()
        and not tokens.opens_sentence(i)
        and len(word) > 1
        and norm not in STOPWORDS
        and norm not in DATE_WORDS
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

    numbers_gone = [ta.words[i] for i in gone if _is_number(norms_a[i]) and norms_a[i] not in DATE_WORDS]
    numbers_new = [tb.words[j] for j in new if _is_number(norms_b[j]) and norms_b[j] not in DATE_WORDS]
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

    negations_gone = sum(norms_a[i] in NEGATIONS for i in deleted)
    negations_new = sum(norms_b[j] in NEGATIONS for j in inserted)
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
    if not any(mark in tokens.text for mark in QUOTE_CHARS) and DOUBLED_SINGLE not in tokens.text:
        return depth > 0
    words, starts = tokens.words, tokens.starts
    second = -1  # the second "'" of a doubled mark, read with the first
    for i, word in enumerate(words):
        if i == second:
            continue
        if word == "'" and i + 1 < len(words) and words[i + 1] == "'" and starts[i + 1] == starts[i] + 1:
            word, second = '"', i + 1  # "''", as tokenised news writes a quotation mark: a straight one
        if word in QUOTE_CHARS:
            if word == '"':
                depth += -1 if straight_open else 1
                straight_open = not straight_open
            elif word in OPENING_QUOTES:
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
        return [HYPHENATION_OR_SPACING]
    if len(ta.norms) == len(tb.norms) and sorted(ta.norms) == sorted(tb.norms):
        return ["word order"]
    return [_pairs("wording", words_gone, words_new)]
