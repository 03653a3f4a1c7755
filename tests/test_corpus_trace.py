"""`trace` and the corpus index on derived copies of real NYT passages (bench/copies.py, read at test time)."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from functools import lru_cache
from pathlib import Path

import jsonschema
import pytest

from bench.copies import Copy, CopyCorpus, build, compilations, load_passages
from storytrace.corpus.index import CorpusIndex, open_index
from storytrace.corpus.options import CorpusOptions
from storytrace.corpus.sources import CorpusDocument, CorpusError, Skipped, read_corpus
from storytrace.corpus.trace import TraceResult, trace
from storytrace.diff import diff, linked, prepare
from storytrace.result import Link

from .conftest import ROFT_PROMPTS, SCHEMA_DIR


@lru_cache(maxsize=1)
def corpus() -> CopyCorpus:
    return build(sources=150, copies_per_kind=12, seed=11, passages=load_passages(ROFT_PROMPTS))


@pytest.fixture(scope="module")
def index() -> CorpusIndex:
    found = open_index(None)
    found.add(CorpusDocument(doc_id, text) for doc_id, text in corpus().documents)
    return found


def gold_labels(copy: Copy, result: TraceResult) -> list[str]:
    """The gold label of each sentence storytrace found: that of the gold sentence it overlaps most."""
    labels = []
    for s in result.document.sentences:
        gold = copy.gold_at(s.start, s.end)
        labels.append(gold.label)
    return labels


def copies(kind: str) -> list[Copy]:
    return [c for c in corpus().copies if c.kind == kind]


def test_top_source_is_the_one_copied_from_for_every_kind(index: CorpusIndex) -> None:
    wrong = [c.id for c in corpus().copies if trace(c.text, index).sources[0].id != c.source]
    assert wrong == []


def test_verbatim_copies_are_copied_sentence_for_sentence_from_one_source(index: CorpusIndex) -> None:
    for copy in copies("verbatim"):
        result = trace(copy.text, index)
        assert {s.verdict for s in result.sentences} == {"copied"}
        assert [s.id for s in result.sources] == [copy.source]
        assert result.sources[0].share == 1.0
        assert result.summary()["supported_share"] == 1.0


def test_invented_sentences_are_unsupported_and_nothing_else_is(index: CorpusIndex) -> None:
    truth, predicted = [], []
    for copy in copies("invented"):
        result = trace(copy.text, index)
        truth += [label == "unsupported" for label in gold_labels(copy, result)]
        predicted += [s.verdict == "unsupported" for s in result.sentences]
        assert result.sources[0].share < 1.0
    true_positive = sum(t and p for t, p in zip(truth, predicted, strict=True))
    precision = true_positive / sum(predicted)
    recall = true_positive / sum(truth)
    assert sum(truth) >= 24
    assert 2 * precision * recall / (precision + recall) >= 0.95


def test_edited_sentences_carry_the_classifiers_reasons(index: CorpusIndex) -> None:
    seen: Counter[str] = Counter()
    for copy in copies("edited"):
        result = trace(copy.text, index)
        for verdict, label in zip(result.sentences, gold_labels(copy, result), strict=True):
            if label == "edited":
                seen[verdict.verdict] += 1
                if verdict.verdict == "edited":
                    assert verdict.source == copy.source and verdict.kind in ("minor", "substantive")
                    assert verdict.reasons and verdict.source_text
    assert seen["edited"] >= 0.9 * sum(seen.values())
    number_edits = [
        v for c in copies("edited") for v in trace(c.text, index).sentences
        if any(r.startswith("number") for r in v.reasons)
    ]
    assert number_edits and all(v.kind == "substantive" for v in number_edits)


def test_paraphrased_sentences_are_told_from_edits(index: CorpusIndex) -> None:
    seen: Counter[str] = Counter()
    for copy in copies("paraphrased"):
        result = trace(copy.text, index)
        assert result.sources[0].id == copy.source
        for verdict, label in zip(result.sentences, gold_labels(copy, result), strict=True):
            if label == "paraphrased":
                seen[verdict.verdict] += 1
    assert seen["paraphrased"] >= 0.85 * sum(seen.values())
    assert seen["unsupported"] <= 1


def test_a_splice_names_both_sources_with_their_shares(index: CorpusIndex) -> None:
    for copy in copies("spliced"):
        result = trace(copy.text, index)
        origins = {g.origin for g in copy.sentences}
        assert {s.id for s in result.sources} == origins
        assert sum(s.share for s in result.sources) == pytest.approx(1.0, abs=0.01)
        assert result.sources[0].share >= result.sources[1].share
        expected = sum(g.end - g.start for g in copy.sentences if g.origin == copy.source)
        total = sum(g.end - g.start for g in copy.sentences)
        assert result.sources[0].share == pytest.approx(expected / total, abs=0.05)


def test_a_compilation_of_many_sources_is_traced_window_by_window(index: CorpusIndex) -> None:
    # Two sentences from each of 3 to 8 sources: asking with the whole text finds few of them; asking again with
    # each run of unexplained sentences finds most, and never names a document the text did not draw on.
    found = {0: 0, 8: 0}
    wanted = 0
    for copy in compilations(corpus(), load_passages(ROFT_PROMPTS), 20, 11):
        origins = {g.origin for g in copy.sentences}
        wanted += len(origins)
        for queries in found:
            result = trace(copy.text, index, options=CorpusOptions(window_queries=queries))
            named = {s.id for s in result.sources}
            assert named <= origins
            found[queries] += len(named)
            for verdict in result.sentences:
                if verdict.source is not None:  # a sentence credited to a source is credited to its own
                    s = result.document.sentences[verdict.index]
                    gold = copy.gold_at(s.start, s.end)
                    assert verdict.source == gold.origin
    assert found[8] >= 0.6 * wanted and found[8] >= 2 * found[0]


def test_a_text_from_outside_the_corpus_has_no_source(index: CorpusIndex) -> None:
    in_corpus = {doc_id for doc_id, _ in corpus().documents}
    passages = load_passages(ROFT_PROMPTS)
    outside = next(" ".join(p) for n, p in enumerate(passages) if f"nyt-{n:04d}" not in in_corpus)
    result = trace(outside, index)
    assert result.sources == ()
    assert {s.verdict for s in result.sentences} == {"unsupported"}
    assert result.summary()["supported_share"] == 0.0


def test_json_document_validates_and_points_into_the_text(index: CorpusIndex) -> None:
    schema = json.loads((SCHEMA_DIR / "trace.schema.json").read_text(encoding="utf-8"))
    for copy in copies("spliced")[:2] + copies("edited")[:2]:
        document = json.loads(json.dumps(trace(copy.text, index, label=copy.id).to_dict()))
        jsonschema.validate(document, schema)
        assert document["schema"] == "storytrace.trace/1"
        assert document["document"]["text"] == copy.text
        for s in document["sentences"]:
            if s["verdict"] == "copied":
                assert " ".join(copy.text[s["start"] : s["end"]].split()) == " ".join(s["source_text"].split())


def test_exclude_keeps_a_document_from_being_its_own_source(index: CorpusIndex) -> None:
    doc_id, text = corpus().documents[0]
    assert trace(text, index).sources[0].id == doc_id
    assert all(s.id != doc_id for s in trace(text, index, exclude={doc_id}).sources)


def test_index_on_disk_is_incremental_and_reopens_with_its_settings(tmp_path: Path) -> None:
    path = tmp_path / "corpus.index"
    docs = [CorpusDocument(doc_id, text) for doc_id, text in corpus().documents[:60]]
    with open_index(path, CorpusOptions(num_perm=128, bands=64)) as fresh:
        assert fresh.add(docs).added == 60
    with open_index(path) as again:  # default options, but the index keeps what it was built with
        assert again.options.num_perm == 128 and len(again) == 60
        assert again.add(docs).to_dict() == {"added": 0, "replaced": 0, "unchanged": 60, "empty": 0}
        changed = CorpusDocument(docs[0].id, corpus().documents[100][1])
        assert again.add([changed, CorpusDocument("blank", "...")]).to_dict() == {
            "added": 0, "replaced": 1, "unchanged": 0, "empty": 1,
        }
    with open_index(path) as reopened:
        assert len(reopened) == 60
        result = trace(corpus().documents[100][1], reopened)
        assert [s.id for s in result.sources] == [docs[0].id]
        assert trace(corpus().documents[0][1], reopened).sources == ()
        emptied = CorpusDocument(docs[1].id, "... !!! ...")  # its text now has no words: the old entry goes
        assert reopened.add([emptied]).to_dict() == {"added": 0, "replaced": 0, "unchanged": 0, "empty": 1}
        assert len(reopened) == 59 and docs[1].id not in reopened.ids()
    with open_index(path) as last:
        assert trace(corpus().documents[1][1], last).sources == ()
    with pytest.raises(CorpusError, match="built with num_perm=128"):
        open_index(path, CorpusOptions(), explicit={"num_perm"})


def test_an_index_saved_without_its_lsh_state_is_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "corpus.index"
    with open_index(path) as built:
        built.add(CorpusDocument(doc_id, text) for doc_id, text in corpus().documents[:30])
    with sqlite3.connect(path) as db:  # as if the process died between writing documents and the LSH state
        db.execute("UPDATE meta SET value = '99' WHERE name = 'generation'")
    with open_index(path) as reopened:
        assert trace(corpus().documents[5][1], reopened).sources[0].id == corpus().documents[5][0]


def test_unreadable_indexes_are_refused_in_one_line(tmp_path: Path) -> None:
    junk = tmp_path / "junk.index"
    junk.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(CorpusError, match="cannot read index|not a storytrace index"):
        open_index(junk)
    with pytest.raises(CorpusError, match="no index at"):
        open_index(tmp_path / "missing.index", create=False)


def test_jsonl_and_directory_corpora_skip_bad_items_and_count_them(tmp_path: Path) -> None:
    lines = [json.dumps({"id": doc_id, "text": text, "outlet": "NYT"}) for doc_id, text in corpus().documents[:3]]
    lines[1:1] = ["{not json", json.dumps({"id": "no-text"}), json.dumps([1, 2])]
    (tmp_path / "c.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    skipped = Skipped()
    found = list(read_corpus(tmp_path / "c.jsonl", skipped))
    assert [d.id for d in found] == [doc_id for doc_id, _ in corpus().documents[:3]]
    assert found[0].outlet == "NYT"
    assert skipped.count == 3 and skipped.reasons[0] == "line 2: not JSON"
    folder = tmp_path / "dir"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "a.txt").write_text(corpus().documents[0][1], encoding="utf-8")
    (folder / "b.md").write_text(corpus().documents[1][1], encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    (folder / "notes.csv").write_text("ignored", encoding="utf-8")
    skipped = Skipped()
    assert [d.id for d in read_corpus(folder, skipped)] == ["b.md", "sub/a.txt"]
    assert skipped.count == 1 and "empty" in skipped.reasons[0]
    with pytest.raises(CorpusError, match="no such corpus"):
        read_corpus(tmp_path / "missing", Skipped())


class _StopsBeforeInserting:
    """The index's rensa LSH object, interrupted (as by Ctrl-C) when a stored batch is about to be inserted."""

    def __init__(self, real: object) -> None:
        self.real = real

    def __getattr__(self, name: str) -> object:
        return getattr(self.real, name)

    def insert_matrix(self, *args: object) -> None:
        raise KeyboardInterrupt


def test_an_update_interrupted_after_storing_rows_reopens_and_finds_them(tmp_path: Path) -> None:
    path = tmp_path / "corpus.index"
    docs = [CorpusDocument(doc_id, text) for doc_id, text in corpus().documents[:4]]
    with open_index(path) as built:
        built.add(docs[:2])
    interrupted = open_index(path)
    interrupted.lsh = _StopsBeforeInserting(interrupted.lsh)
    with pytest.raises(KeyboardInterrupt):
        interrupted.add(docs[2:])
    interrupted.lsh = interrupted.lsh.real
    interrupted.close()  # as `storytrace index` does on the way out: must not save an LSH state missing rows
    with open_index(path) as reopened:
        assert len(reopened) == 4
        assert trace(docs[3].text, reopened).sources[0].id == docs[3].id
        assert reopened.add(docs).unchanged == 4


@pytest.mark.parametrize(
    ("override", "message"),
    [({"seed": -1}, "seed"), ({"residual_top": -1}, "residual_top"), ({"min_containment": float("nan")},
     "min_containment"), ({"group_jaccard": 1.5}, "group_jaccard"), ({"window_sentences": 0}, "window_sentences"),
     ({"window_queries": -2}, "window_queries")],
)
def test_options_out_of_range_are_refused(override: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        CorpusOptions().with_overrides(**override)


def test_composed_and_decomposed_accents_are_the_same_words(index: CorpusIndex) -> None:
    import re
    import unicodedata

    from storytrace.corpus.shingles import shingles

    text = corpus().documents[30][1]  # not among the 20 indexed below
    accented = re.sub(r"\b([A-Z][a-z]*)e", r"\1é", text).replace("o", "ö")
    nfc, nfd = unicodedata.normalize("NFC", accented), unicodedata.normalize("NFD", accented)
    assert nfc != nfd and shingles(nfc) == shingles(nfd)
    with open_index(None) as accents:
        accents.add([CorpusDocument("composed", nfc), *[CorpusDocument(i, t) for i, t in corpus().documents[:20]]])
        assert trace(nfd, accents).sources[0].id == "composed"


def test_a_repeated_id_in_a_jsonl_corpus_is_skipped_not_silently_replaced(tmp_path: Path) -> None:
    (a_id, a_text), (_, b_text) = corpus().documents[:2]
    lines = [json.dumps({"id": a_id, "text": a_text}), json.dumps({"id": a_id, "text": b_text})]
    (tmp_path / "c.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    skipped = Skipped()
    assert [d.text for d in read_corpus(tmp_path / "c.jsonl", skipped)] == [a_text]
    assert skipped.reasons == [f"line 2: duplicate id {a_id} (first on line 1)"]


def test_text_no_store_can_hold_is_skipped_with_its_reason(tmp_path: Path) -> None:
    """JSON can spell a lone surrogate ("\\ud800") or a NUL, which no UTF-8 text or database column holds: such a
    line is skipped like any other bad item, where it used to stop `group`, `trace` and `index` with an internal
    error."""
    (a_id, a_text), (b_id, b_text), (c_id, c_text) = corpus().documents[:3]
    lines = [
        json.dumps({"id": a_id, "text": a_text + " \ud800"}),
        json.dumps({"id": b_id, "text": b_text, "outlet": "A\u0000B"}),
        json.dumps({"id": "x\udfff", "text": c_text}),
        json.dumps({"id": "y\ud800", "text": "  "}),
        json.dumps({"id": c_id, "text": c_text}),
    ]
    (tmp_path / "c.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    skipped = Skipped()
    assert [d.id for d in read_corpus(tmp_path / "c.jsonl", skipped)] == [c_id]
    assert skipped.reasons == [
        f"line 1: {a_id!r}: the text contains a lone surrogate (invalid Unicode)",
        f"line 2: {b_id!r}: outlet contains a NUL character",
        "line 3: 'x\\udfff': the id contains a lone surrogate (invalid Unicode)",
        "line 4: 'y\\ud800': the id contains a lone surrogate (invalid Unicode)",
    ]
    assert skipped.ids == {a_id, b_id} and skipped.unidentified == 2


def test_stale_ids_keep_what_could_not_be_read() -> None:
    from storytrace.corpus.sources import stale_ids

    skipped = Skipped()
    skipped.add("b.txt: binary", "b.txt")
    assert stale_ids({"a.txt", "b.txt", "c.txt"}, {"a.txt"}, skipped) == {"c.txt"}
    skipped.add("line 4: not JSON")
    assert stale_ids({"a.txt", "b.txt", "c.txt"}, {"a.txt"}, skipped) is None


def test_linked_gives_the_links_of_diff_that_join_both_sides() -> None:
    """trace aligns each source with the whole text by `linked`, which makes no link for the text's sentences in
    none: the same links as `diff` on every kind of derived copy, each way, and on sources inside a long roundup."""
    def fields(links: tuple[Link, ...]) -> list[tuple[object, ...]]:
        return [(k.a, k.b, k.kind, k.moved, k.score, k.reasons, k.diff) for k in links]

    texts = dict(corpus().documents)
    pairs = [(prepare(texts[c.source], "S"), prepare(c.text, "C")) for c in corpus().copies]
    roundup = prepare("\n\n".join(texts[doc_id] for doc_id in list(texts)[:60]), "R")
    pairs += [(prepare(texts[doc_id], "S"), roundup) for doc_id in list(texts)[:80]]  # 20 of them not in it
    compared = 0
    for a, b in pairs + [(b, a) for a, b in pairs]:
        made = fields(linked(a, b))
        assert made == sorted(made, key=lambda link: link[0])  # in A order
        assert sorted(made) == sorted(fields(tuple(k for k in diff(a, b).links if k.a and k.b)))
        compared += len(made)
    assert compared > 2000
