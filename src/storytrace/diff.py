"""`diff(a, b)`: read two versions, align their sentences, classify every link."""

from __future__ import annotations

from typing import Any

from storytrace.align.features import SentenceTable
from storytrace.align.pairwise import Pairing, align
from storytrace.classify import classify
from storytrace.options import DiffOptions
from storytrace.result import DiffResult, Link
from storytrace.text.document import Document
from storytrace.text.segment import sentences


def document(text: str, label: str) -> Document:
    """A Document for `text` exactly as given, with its sentences found."""
    return Document(label, text, sentences(text))


def diff(
    a: str | Document,
    b: str | Document,
    *,
    label_a: str = "A",
    label_b: str = "B",
    options: DiffOptions | None = None,
    **overrides: Any,
) -> DiffResult:
    """Align two versions sentence by sentence and classify every link.

    `a` and `b` are texts (or already segmented Documents); keyword overrides change single options, e.g.
    `diff(a, b, link_threshold=0.6)`.
    """
    opts = (options or DiffOptions()).with_overrides(**overrides)
    doc_a = a if isinstance(a, Document) else document(a, label_a)
    doc_b = b if isinstance(b, Document) else document(b, label_b)
    pairings = align(SentenceTable(doc_a), SentenceTable(doc_b), opts)
    links = tuple(_classified(p, doc_a, doc_b, opts) for p in pairings)
    return DiffResult(doc_a, doc_b, _reading_order(links, len(doc_a.sentences)))


def _classified(p: Pairing, doc_a: Document, doc_b: Document, opts: DiffOptions) -> Link:
    if not p.b:
        return Link(p.a, p.b, "deleted", False, 0.0)
    if not p.a:
        return Link(p.a, p.b, "added", False, 0.0)
    if p.score == 1.0 and len(p.a) == 1 and len(p.b) == 1:
        return Link(p.a, p.b, "unchanged", p.moved, 1.0)
    text_a = " ".join(doc_a.sentence_text(i) for i in p.a)
    text_b = " ".join(doc_b.sentence_text(j) for j in p.b)
    c = classify(text_a, text_b, opts)
    score = 1.0 if c.kind == "unchanged" else min(p.score, 0.9999)
    return Link(p.a, p.b, c.kind, p.moved, score, c.reasons, c.diff)


def _reading_order(links: tuple[Link, ...], count_a: int) -> tuple[Link, ...]:
    """B's reading order; a deleted sentence follows the link of the A sentence just before it."""
    b_position: dict[int, float] = {}
    for link in links:
        if link.b:
            for i in link.a:
                b_position[i] = link.b[0]

    def place(link: Link) -> tuple[float, int, int]:
        if link.b:
            return (link.b[0], 0, link.a[0] if link.a else -1)
        i = link.a[0]
        before = max((k for k in range(i) if k in b_position), default=None)
        return (b_position[before] if before is not None else -1.0, 1, i)

    return tuple(sorted(links, key=place))
