"""`diff(a, b)`: read two versions, align their sentences, classify every link."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from storytrace.align.features import SentenceTable
from storytrace.align.pairwise import Pairing, align
from storytrace.classify import classify
from storytrace.options import DiffOptions
from storytrace.result import DiffResult, Link, linked_text
from storytrace.rules.quotations import carried_quotation
from storytrace.rules.style import LIST_NUMBERING, list_number
from storytrace.rules.verdict import make_run
from storytrace.text.document import Document
from storytrace.text.segment import sentences

# The default options, made once: a frozen dataclass's __init__ runs as Python (~7 us, 1.5% of a diff).
_DEFAULTS: Final = DiffOptions()


def document(text: str, label: str) -> Document:
    """A Document for `text` exactly as given, with its sentences found."""
    return Document(label, text, sentences(text))


@dataclass(frozen=True, slots=True)
class Prepared:
    """A version segmented and keyed once, to be diffed many times: a chain of versions diffs each one against
    the version before it and the version after it, and an index confirms one text against many candidates."""

    document: Document
    table: SentenceTable

    def __reduce__(self) -> tuple[Any, ...]:  # compiled classes do not pickle as dataclasses do: rebuild
        return (prepare, (self.document, self.document.label))


def prepare(version: str | Document, label: str = "A") -> Prepared:
    """Segment `version` (unless it is a Document already) and compute its sentences' comparison keys."""
    doc = version if isinstance(version, Document) else document(version, label)
    return Prepared(doc, SentenceTable(doc))


def diff(
    a: str | Document | Prepared,
    b: str | Document | Prepared,
    *,
    label_a: str = "A",
    label_b: str = "B",
    options: DiffOptions | None = None,
    **overrides: Any,
) -> DiffResult:
    """Align two versions sentence by sentence and classify every link.

    `a` and `b` are texts, already segmented Documents, or Prepared versions (see `prepare`); keyword overrides
    change single options, e.g. `diff(a, b, link_threshold=0.6)`.
    """
    opts = (options or _DEFAULTS).with_overrides(**overrides)
    ready_a = a if isinstance(a, Prepared) else prepare(a, label_a)
    ready_b = b if isinstance(b, Prepared) else prepare(b, label_b)
    doc_a, doc_b = ready_a.document, ready_b.document
    pairings = align(ready_a.table, ready_b.table, opts)
    links = _reordered_list_items(tuple(_classified(p, doc_a, doc_b, opts) for p in pairings), doc_a, doc_b)
    return DiffResult(doc_a, doc_b, _reading_order(links, len(doc_a.sentences)))


def linked(a: Prepared, b: Prepared, options: DiffOptions | None = None) -> tuple[Link, ...]:
    """The links of `diff(a, b)` that join sentences of both versions, in A order: what a short source aligned with
    a long text gives it, without a link made for each of the text's many sentences in none (`storytrace trace`
    aligns a roundup with hundreds of sources)."""
    opts = options or _DEFAULTS
    doc_a, doc_b = a.document, b.document
    pairings = align(a.table, b.table, opts, False)
    return _reordered_list_items(tuple(_classified(p, doc_a, doc_b, opts) for p in pairings), doc_a, doc_b)


def _classified(p: Pairing, doc_a: Document, doc_b: Document, opts: DiffOptions) -> Link:
    if not p.b:
        return Link(p.a, p.b, "deleted", False, 0.0)
    if not p.a:
        return Link(p.a, p.b, "added", False, 0.0)
    one_to_one = len(p.a) == 1 and len(p.b) == 1
    if p.score == 1.0 and one_to_one:
        return Link(p.a, p.b, "unchanged", p.moved, 1.0)
    # The classifier reads a link's own text: it is told whether that text begins inside a quotation opened in an
    # earlier sentence of the paragraph, whose words are then quoted words up to the mark that closes it.
    open_a, open_b = open_quote(doc_a, p.a[0]), open_quote(doc_b, p.b[0])
    if one_to_one:
        # Two single sentences whose keys differ (a score of 1 is given to equal keys alone, see above): classified
        # without comparing the keys again, the runs' offsets put in the documents' by the classifier.
        sentence_a, sentence_b = doc_a.sentences[p.a[0]], doc_b.sentences[p.b[0]]
        start_a, start_b = sentence_a.start, sentence_b.start
        text_a, text_b = doc_a.text[start_a : sentence_a.end], doc_b.text[start_b : sentence_b.end]
        c = classify(
            text_a,
            text_b,
            opts,
            keys_differ=True,
            shift_a=start_a,
            shift_b=start_b,
            open_quote_a=open_a,
            open_quote_b=open_b,
        )
        runs = c.diff
    else:
        text_a, to_a = joined_text(doc_a, p.a)
        text_b, to_b = joined_text(doc_b, p.b)
        c = classify(text_a, text_b, opts, open_quote_a=open_a, open_quote_b=open_b)
        runs = tuple(
            make_run(r.op, r.text, to_a(r.a_start), to_a(r.a_end), to_b(r.b_start), to_b(r.b_end)) for r in c.diff
        )
    score = 1.0 if c.kind == "unchanged" else (p.score if p.score < 0.9999 else 0.9999)
    return Link(p.a, p.b, c.kind, p.moved, score, c.reasons, runs)


_RENUMBERED: Final = (LIST_NUMBERING,)


def _reordered_list_items(links: tuple[Link, ...], doc_a: Document, doc_b: Document) -> tuple[Link, ...]:
    """A list item renumbered only because items were put in or taken out before it changed no fact; one that
    changed places with another item did ("1. Manchester City" / "2. Manchester City": a ranking). An item changed
    places when another linked list item is before it in one version and after it in the other."""
    for link in links:  # (a plain loop over the kinds first: most diffs renumber nothing)
        if link.kind == "minor" and link.reasons == _RENUMBERED:
            break
    else:
        return links

    def number(doc: Document, index: int) -> str:
        return list_number(doc.sentence_text(index))

    items = [(link.a[0], link.b[0]) for link in links if link.a and link.b]
    items = [(x, y) for x, y in items if number(doc_a, x) and number(doc_b, y)]  # list items on both sides
    found: list[Link] = []
    for link in links:
        if link.kind == "minor" and link.reasons == _RENUMBERED:
            a, b = link.a[0], link.b[0]
            if any((x < a) != (y < b) for x, y in items if x != a):
                reason = f"place in the list {number(doc_a, a) or '(none)'} → {number(doc_b, b) or '(none)'}"
                link = Link(link.a, link.b, "substantive", link.moved, link.score, (reason,), link.diff)
        found.append(link)
    return tuple(found)


def open_quote(doc: Document, index: int) -> str:
    """The mark of a quotation opened earlier in its paragraph that sentence `index` begins inside of, or "" (see
    classify.carried_quotation): what the classifier is told of a linked text that starts there. A sentence that
    opens its paragraph is answered at once; in a paragraph of more than `_LONGEST_PARAGRAPH` sentences (a text
    without paragraph breaks) none is looked for, so a long text's links do not each read its whole length."""
    found = doc.sentences
    if index == 0 or found[index - 1].paragraph != found[index].paragraph:
        return ""
    paragraph = _paragraph(doc, index)
    sentence = found[index]
    return carried_quotation(doc.text, paragraph, sentence.start, sentence.end) if paragraph is not None else ""


_LONGEST_PARAGRAPH: Final = 100


def _paragraph(doc: Document, index: int) -> tuple[int, int] | None:
    """Where the paragraph of sentence `index` starts and ends (its first sentence's start, its last's end), or None
    for a paragraph of more than `_LONGEST_PARAGRAPH` sentences."""
    found = doc.sentences
    number = found[index].paragraph
    first = last = index
    while first > 0 and found[first - 1].paragraph == number:
        first -= 1
        if index - first > _LONGEST_PARAGRAPH:
            return None
    while last + 1 < len(found) and found[last + 1].paragraph == number:
        last += 1
        if last - first > _LONGEST_PARAGRAPH:
            return None
    return found[first].start, found[last].end


def joined_text(doc: Document, indices: tuple[int, ...]) -> tuple[str, Callable[[int], int]]:
    """The linked sentences read as one text (joined by a space), and a map from its offsets to the
    document's: the word diff is computed on the former and reported in the latter."""
    pieces = [doc.sentences[i] for i in indices]
    text = linked_text(doc, indices)
    if len(pieces) == 1:
        start = pieces[0].start
        return text, lambda offset: start + offset

    def to_document(offset: int) -> int:
        for s in pieces:
            length = s.end - s.start
            if offset <= length:
                return s.start + offset
            offset -= length + 1
        return pieces[-1].end

    return text, to_document


def _reading_order(links: tuple[Link, ...], count_a: int) -> tuple[Link, ...]:
    """B's reading order; a deleted sentence follows the link of the A sentence just before it."""
    b_of_a = [-1] * count_a  # (-1: the A sentence has no B position)
    for link in links:
        if link.b:
            for i in link.a:
                b_of_a[i] = link.b[0]
    # For each A sentence, the B position of the nearest earlier A sentence that has one (-1: none).
    before: list[int] = []
    last = -1
    for i in range(count_a):
        before.append(last)
        if b_of_a[i] >= 0:
            last = b_of_a[i]
    width = count_a + 1

    def place(link: Link) -> int:
        """(B position, deleted after linked, A position) as one integer."""
        if link.b:
            return (link.b[0] + 1) * 2 * width + (link.a[0] + 1 if link.a else 0)
        return ((before[link.a[0]] + 1) * 2 + 1) * width + link.a[0] + 1

    return tuple(sorted(links, key=place))
