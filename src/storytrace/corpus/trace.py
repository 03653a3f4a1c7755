"""Where did a text come from? Candidate sources from the LSH index, ranked, each confirmed by alignment.

1. The text's shingles are MinHashed and looked up in the index: documents sharing an LSH band are candidates.
2. Candidates are ranked by the estimated share of the text's shingles they contain (from the signatures).
3. The best few are aligned with the text by `storytrace.diff`, sentence by sentence; each of the text's
   sentences takes the best link any source gives it: `copied` (same words), `edited` (a minor or substantive
   change, close in wording, with the classifier's reasons), `paraphrased` (reworded, facts agree).
4. Sentences no link reached are compared with every sentence of the aligned sources (a paraphrase may move
   across the text); those still unmatched are `unsupported`: found in no source, a candidate invented claim.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz.distance import Indel

from storytrace.align.features import SentenceFeatures, SentenceTable, joined
from storytrace.align.similarity import containment as containment_of
from storytrace.align.similarity import similarity
from storytrace.classify import classify
from storytrace.corpus.index import CorpusIndex, Entry
from storytrace.corpus.options import CorpusOptions
from storytrace.corpus.shingles import as_values, containment, estimated_jaccard, minhash, shingles
from storytrace.corpus.sources import CorpusDocument
from storytrace.diff import Prepared, document, linked, open_quote
from storytrace.options import DiffOptions
from storytrace.result import Link
from storytrace.text.document import Document

SCHEMA = "storytrace.trace/1"
VERDICTS = ("copied", "edited", "paraphrased", "unsupported")
_STRENGTH = {"copied": 3, "edited": 2, "paraphrased": 1, "unsupported": 0}
# Reasons of the classifier that say a fact differs: such a change is an edit however it is worded.
_FACT_REASONS = ("number", "date", "name", "negation")
# Fewest content words shared for a sentence to be found inside a longer sentence of a source (all of them if it
# has fewer: a fragment such as "Ky." is found where "Ky." is); see `_rescue`.
_MIN_SHARED_WORDS = 2


@dataclass(frozen=True, slots=True)
class SentenceVerdict:
    """What became of one sentence of the traced text: its verdict and, if found, where."""

    index: int
    verdict: str
    source: str | None = None
    source_sentences: tuple[int, ...] = ()
    source_text: str | None = None
    kind: str | None = None  # the classifier's unchanged / minor / substantive
    reasons: tuple[str, ...] = ()
    similarity: float = 0.0
    moved: bool = False
    rank: int = 0  # the source's rank among candidates (tie-break only)


@dataclass(frozen=True, slots=True)
class TracedSource:
    """A confirmed source: its metadata, how alike it looked in the index, and what the text took from it."""

    id: str
    url: str | None
    outlet: str | None
    time: str | None
    jaccard: float
    containment: float
    share: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class TraceResult:
    """A traced text: its sources ranked by the share taken from each, and a verdict for every sentence."""

    document: Document
    sources: tuple[TracedSource, ...]
    sentences: tuple[SentenceVerdict, ...]
    index_label: str
    indexed: int
    found: int
    ranked: int
    aligned: int

    def summary(self) -> dict[str, Any]:
        counts: dict[str, Any] = dict.fromkeys(VERDICTS, 0)
        for s in self.sentences:
            counts[s.verdict] += 1
        counts["sentences"] = len(self.sentences)
        counts["sources"] = len(self.sources)
        total = _length(self.document, range(len(self.sentences)))
        supported = [s.index for s in self.sentences if s.verdict != "unsupported"]
        counts["supported_share"] = round(_length(self.document, supported) / total, 4) if total else 0.0
        return counts

    def to_dict(self) -> dict[str, Any]:
        """The `storytrace.trace/1` document (docs/schema/trace.schema.json)."""
        doc = self.document
        return {
            "schema": SCHEMA,
            "document": {
                "label": doc.label,
                "text": doc.text,
                "sentences": [{"start": s.start, "end": s.end, "paragraph": s.paragraph} for s in doc.sentences],
            },
            "index": {"label": self.index_label, "documents": self.indexed},
            "candidates": {"found": self.found, "ranked": self.ranked, "aligned": self.aligned},
            "sources": [
                {
                    "rank": n + 1,
                    "id": s.id,
                    "url": s.url,
                    "outlet": s.outlet,
                    "time": s.time,
                    "share": round(s.share, 4),
                    "sentences": sum(s.counts.values()),
                    **{v: s.counts.get(v, 0) for v in VERDICTS[:3]},
                    "jaccard": round(s.jaccard, 4),
                    "containment": round(s.containment, 4),
                }
                for n, s in enumerate(self.sources)
            ],
            "sentences": [
                {
                    "index": v.index,
                    "start": doc.sentences[v.index].start,
                    "end": doc.sentences[v.index].end,
                    "verdict": v.verdict,
                    "source": v.source,
                    "source_sentences": list(v.source_sentences),
                    "source_text": v.source_text,
                    "kind": v.kind,
                    "reasons": list(v.reasons),
                    "similarity": round(v.similarity, 4),
                    "moved": v.moved,
                }
                for v in self.sentences
            ],
            "summary": self.summary(),
        }


@dataclass(frozen=True, slots=True)
class Candidate:
    entry: Entry
    jaccard: float
    containment: float


# `window_queries` is a budget per this many sentences of the traced text (texts up to this long get it once).
WINDOW_BUDGET_SENTENCES = 20

# A candidate that was aligned: its ranking, its sentences, and the stored document (text and metadata).
_Aligned = tuple[Candidate, Document, CorpusDocument]


def rank_candidates(
    text: str, index: CorpusIndex, options: CorpusOptions, exclude: Collection[str] = ()
) -> tuple[int, list[Candidate]]:
    """LSH candidates of `text` ranked by the estimated share of its shingles they hold (best first), and how
    many the LSH index returned."""
    found = shingles(text, options.shingle_words)
    if not found:
        return 0, []
    query = minhash(found, options)
    keys = index.candidates(query)
    values = as_values(_signature(query))
    ranked = []
    for entry in index.entries(keys[: options.max_candidates]):
        if entry.id in exclude:
            continue
        j = estimated_jaccard(values, as_values(entry.signature))
        c = containment(j, len(found), entry.shingles)
        if c >= options.min_containment:
            ranked.append(Candidate(entry, j, c))
    ranked.sort(key=lambda c: (-c.containment, -c.jaccard, c.entry.id))
    return len(keys), ranked


def trace(
    text: str | Document,
    index: CorpusIndex,
    *,
    label: str = "DOC",
    options: CorpusOptions | None = None,
    diff_options: DiffOptions | None = None,
    exclude: Collection[str] = (),
) -> TraceResult:
    """Trace `text` against an index: its sources and a verdict for every sentence (see the module doc).

    `options` defaults to the index's own; `exclude` names documents not to count as sources (the text itself
    when it is in the index).
    """
    opts = options or index.options
    dopts = diff_options or DiffOptions()
    doc = text if isinstance(text, Document) else document(text, label)
    found, ranked = rank_candidates(doc.text, index, opts, exclude)
    best: dict[int, SentenceVerdict] = {}
    sources: list[_Aligned] = []
    doc_table = SentenceTable(doc)
    _confirm(ranked[: opts.confirm_top], index, doc, doc_table, best, sources, opts, dopts)
    rest = _unexplained(doc, best)
    if rest and opts.residual_top:
        # A second source (a splice, a paragraph from elsewhere) holds too small a part of the whole text to be
        # found by it: ask the index again with the sentences not yet explained.
        seen = set(exclude) | {stored.id for _, _, stored in sources}
        more, again = rank_candidates(rest, index, opts, seen)
        found += more
        _confirm(again[: opts.residual_top], index, doc, doc_table, best, sources, opts, dopts)
        ranked += again  # rank_candidates left out the ids in `seen`
    more, aligned = _windows(index, doc, doc_table, best, sources, opts, dopts, exclude)
    found += more
    ranked += aligned
    _rescue(best, doc, doc_table, sources, opts, dopts)
    verdicts = tuple(best.get(i) or SentenceVerdict(i, "unsupported") for i in range(len(doc.sentences)))
    return TraceResult(
        doc,
        _shares(doc, verdicts, sources),
        verdicts,
        index.label,
        len(index),
        found,
        len(ranked),
        len(sources),
    )


def _confirm(
    candidates: list[Candidate], index: CorpusIndex, doc: Document, doc_table: SentenceTable,
    best: dict[int, SentenceVerdict], sources: list[_Aligned], opts: CorpusOptions, dopts: DiffOptions,
) -> None:
    """Align each candidate with the text and keep, per sentence, the best verdict so far."""
    for candidate in candidates:
        rank = len(sources)
        stored = index.document(candidate.entry.key)
        source = document(stored.text, stored.id)
        sources.append((candidate, source, stored))
        # The text's table is made once, and only the links that reach it are made: a roundup is aligned with
        # hundreds of sources, each linked to a few of its thousands of sentences.
        source_table = SentenceTable(source)
        for link in linked(Prepared(source, source_table), Prepared(doc, doc_table), dopts):
            _keep(best, _linked(link, rank, source, source_table, doc_table, opts))


def _windows(
    index: CorpusIndex, doc: Document, doc_table: SentenceTable, best: dict[int, SentenceVerdict],
    sources: list[_Aligned], opts: CorpusOptions, dopts: DiffOptions, exclude: Collection[str],
) -> tuple[int, list[Candidate]]:
    """A compilation (a roundup, a press-release patchwork) takes a sentence or two from each of many sources, each
    too small a part of the text, or of what is left of it, to be found by asking with all of it: ask with each run
    of unexplained neighbouring sentences, a few sentences at a time, and align the best new candidate of each.
    Returns how many candidates the index gave and those aligned."""
    found = 0
    aligned: list[Candidate] = []
    fruitless: set[int] = set()  # sentences of windows that found nothing: not asked again
    seen = set(exclude) | {stored.id for _, _, stored in sources}
    first = 0  # no sentence before it is left: sentences are only ever explained or given up, so it only moves on
    # The budget grows with the text: a fixed one left a long roundup (a digest of 400 wire stories) 98%
    # "unsupported" although every sentence was in the corpus.
    for _ in range(opts.window_queries * -(-len(doc.sentences) // WINDOW_BUDGET_SENTENCES)):
        first, window = _next_window(len(doc.sentences), first, (best, fruitless), opts.window_sentences)
        if not window:
            break
        more, again = rank_candidates(" ".join(doc.sentence_text(i) for i in window), index, opts, seen)
        found += more
        before, known = len(best), len(sources)
        _confirm(again[:1], index, doc, doc_table, best, sources, opts, dopts)
        seen.update(stored.id for _, _, stored in sources[known:])
        aligned += again[:1]
        if len(best) == before:
            fruitless.update(window)
    return found, aligned


def _next_window(count: int, first: int, done: tuple[Collection[int], ...], size: int) -> tuple[int, list[int]]:
    """The first sentence from `first` on that is in none of `done`, and the first `size` sentences of the run of
    neighbouring sentences it begins (sentences 0 to count - 1)."""
    while first < count and any(first in d for d in done):
        first += 1
    window: list[int] = []
    for i in range(first, min(first + size, count)):
        if any(i in d for d in done):
            break
        window.append(i)
    return first, window


def _unexplained(doc: Document, best: dict[int, SentenceVerdict]) -> str:
    """The sentences no source explains yet, as one text."""
    return " ".join(doc.sentence_text(i) for i in range(len(doc.sentences)) if i not in best)


def _signature(query: Any) -> bytes:
    from array import array

    return array("I", query.digest()).tobytes()


def _linked(
    link: Link, rank: int, source: Document, source_table: SentenceTable, doc_table: SentenceTable,
    opts: CorpusOptions,
) -> list[SentenceVerdict]:
    """A verdict for each of the text's sentences in one link from a source."""
    source_text = " ".join(source.sentence_text(i) for i in link.a)
    a = joined([source_table.features(i) for i in link.a])
    found = []
    for j in link.b:
        if link.kind == "unchanged" or _verbatim_part(doc_table.features(j), a):
            verdict, score = "copied", 1.0
        else:
            verdict, score = _verdict(a, joined([doc_table.features(k) for k in link.b]), link.reasons, opts)
        found.append(SentenceVerdict(j, verdict, source.label, link.a, source_text, link.kind, link.reasons, score,
                                     link.moved, rank))
    return found


def _verbatim_part(part: SentenceFeatures, whole: SentenceFeatures) -> bool:
    """A sentence whose words all occur, in order and together, in the source: copied, though the source
    sentence goes on (segmenters cut "No. 1" differently when a paragraph break follows "No.")."""
    return len(part.words) >= 2 and f" {' '.join(part.words)} " in f" {' '.join(whole.words)} "


def _verdict(
    a: SentenceFeatures, b: SentenceFeatures, reasons: tuple[str, ...], opts: CorpusOptions
) -> tuple[str, float]:
    """`edited` when the wording stays close or a fact differs; `paraphrased` when reworded with facts intact."""
    wording = Indel.normalized_similarity(a.words, b.words)
    if wording >= opts.edit_similarity or any(r.startswith(_FACT_REASONS) for r in reasons):
        return "edited", wording
    return "paraphrased", wording


def _keep(best: dict[int, SentenceVerdict], verdicts: list[SentenceVerdict]) -> None:
    """Keep, per sentence, the strongest verdict (copied > edited > paraphrased), then the closest, the best
    ranked source."""
    for v in verdicts:
        old = best.get(v.index)
        if old is None or _order(v) > _order(old):
            best[v.index] = v


def _order(v: SentenceVerdict) -> tuple[int, float, int]:
    return (_STRENGTH[v.verdict], v.similarity, -v.rank)


def _rescue(
    best: dict[int, SentenceVerdict],
    doc: Document,
    doc_table: SentenceTable,
    sources: list[_Aligned],
    opts: CorpusOptions,
    dopts: DiffOptions,
) -> None:
    """Sentences no link reached: the most similar sentence of any aligned source, if similar enough."""
    missing = [i for i in range(len(doc.sentences)) if i not in best]
    if not missing or not sources:
        return
    tables = [SentenceTable(source) for _, source, _ in sources]
    for i in missing:
        b = doc_table.features(i)
        top: tuple[float, int, int] | None = None
        for rank, table in enumerate(tables):
            for k in range(len(table)):
                a = table.features(k)
                # Containment only when they share content words enough to be recognised by: "This isn't
                # healthy." is not taken from any long sentence that happens to mention health.
                shared = len(b.content & a.content)
                enough = shared >= min(_MIN_SHARED_WORDS, len(b.content))
                contained = containment_of(b, a) if enough else 0.0
                score = max(similarity(a, b), contained)
                if score >= opts.paraphrase_threshold and (top is None or score > top[0]):
                    top = (score, rank, k)
        if top is None:
            continue
        score, rank, k = top
        source = sources[rank][1]
        a_text, b_text = source.sentence_text(k), doc.sentence_text(i)
        c = classify(a_text, b_text, dopts, open_quote_a=open_quote(source, k), open_quote_b=open_quote(doc, i))
        if c.kind == "unchanged" or _verbatim_part(b, tables[rank].features(k)):
            verdict, wording = "copied", 1.0
        else:
            verdict, wording = _verdict(tables[rank].features(k), b, c.reasons, opts)
        best[i] = SentenceVerdict(i, verdict, source.label, (k,), a_text, c.kind, c.reasons, wording, True, rank)


def _shares(
    doc: Document, verdicts: tuple[SentenceVerdict, ...], sources: list[_Aligned]
) -> tuple[TracedSource, ...]:
    """Sources the text took at least one sentence from, by the share of its characters they supply."""
    total = _length(doc, range(len(doc.sentences)))
    of_source: dict[str, list[SentenceVerdict]] = {}
    for v in verdicts:
        if v.source is not None:
            of_source.setdefault(v.source, []).append(v)
    found = []
    for candidate, source, meta in sources:
        mine = of_source.get(source.label, [])
        if not mine:
            continue
        counts = {verdict: sum(v.verdict == verdict for v in mine) for verdict in VERDICTS[:3]}
        share = _length(doc, [v.index for v in mine]) / total if total else 0.0
        found.append(
            TracedSource(meta.id, meta.url, meta.outlet, meta.time, candidate.jaccard, candidate.containment,
                         share, counts)
        )
    found.sort(key=lambda s: (-s.share, -s.containment, s.id))
    return tuple(found)


def _length(doc: Document, indices: Collection[int] | range) -> int:
    return sum(doc.sentences[i].end - doc.sentences[i].start for i in indices)
