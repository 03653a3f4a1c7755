"""`group` on a corpus of real NYT passages and their derived copies (bench/copies.py, read at test time)."""

from __future__ import annotations

from collections import defaultdict

from bench.copies import build, load_passages
from storytrace.corpus.group import group
from storytrace.corpus.index import open_index
from storytrace.corpus.sources import CorpusDocument

from .conftest import ROFT_PROMPTS


def documents() -> list[CorpusDocument]:
    built = build(sources=120, copies_per_kind=10, seed=5, passages=load_passages(ROFT_PROMPTS))
    docs = [CorpusDocument(doc_id, text) for doc_id, text in built.documents]
    docs += [CorpusDocument(c.id, c.text) for c in built.copies]
    return docs


def gold() -> dict[str, str]:
    built = build(sources=120, copies_per_kind=10, seed=5, passages=load_passages(ROFT_PROMPTS))
    return {doc_id: doc_id for doc_id, _ in built.documents} | {c.id: c.source for c in built.copies}


def stories_of(docs: list[CorpusDocument]) -> dict[str, str]:
    index = open_index(None)
    index.add(docs)
    return {m.id: m.story for m in group(index)}


def test_every_copy_joins_the_story_of_its_source_and_sources_stay_apart() -> None:
    found = stories_of(documents())
    truth = gold()
    for doc_id, source in truth.items():
        assert found[doc_id] == found[source], doc_id
    members = defaultdict(set)
    for doc_id, story in found.items():
        members[story].add(truth[doc_id])
    assert all(len(sources) == 1 for sources in members.values())  # no story mixes two passages
    assert len(members) == 120


def test_story_ids_do_not_depend_on_input_order() -> None:
    docs = documents()
    assert stories_of(docs) == stories_of(list(reversed(docs)))
    found = stories_of(docs)
    # A story is named after its smallest document id: the source passage, not one of its copies.
    index = open_index(None)
    index.add(docs)
    sizes = {m.story: m.size for m in group(index)}
    assert max(sizes.values()) >= 2
    assert len({found[d.id] for d in docs}) == len(sizes)
