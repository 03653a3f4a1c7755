"""Bring an index up to date with corpora: add every document they hold, note which ids were seen, and drop
(`--prune`) the indexed documents that the corpora no longer hold.

The corpus commands (`index`, and `trace`/`group` given --corpus) all fill an index this way.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from storytrace.corpus.index import AddReport, CorpusIndex
from storytrace.corpus.sources import CorpusDocument, CorpusError, Skipped, read_corpus, stale_ids, store_corpus


def fill_index(
    index: CorpusIndex,
    corpora: list[str],
    db: str | None,
    skipped: Skipped,
    *,
    max_bytes: int,
    seen: set[str] | None = None,
) -> AddReport:
    """Add every document of the corpora (directories or JSONL files), then of the store at `db` if given; their
    ids go into `seen` if it is given. A corpus that yields no document at all is an error (a wrong path or an
    empty directory is a mistake, not an empty source), naming why its items were skipped."""
    total = AddReport()
    taken: set[str] = set()  # ids read from an earlier corpus of this run
    for corpus in corpora:
        docs = _first_of_each_id(read_corpus(corpus, skipped, max_bytes=max_bytes), taken, corpus, skipped)
        report = index.add(_noted(docs, seen))
        if report.seen == 0:
            reason = f": {skipped.summary()}" if skipped.count else ""
            raise CorpusError(f"no document in {corpus}{reason}")
        total.include(report)
    if db is not None:
        stored = _first_of_each_id(store_corpus(db, skipped), taken, "the store", skipped)
        total.include(index.add(_noted(stored, seen)))
    return total


def _first_of_each_id(
    docs: Iterable[CorpusDocument], taken: set[str], corpus: str, skipped: Skipped
) -> Iterator[CorpusDocument]:
    """The documents whose id no earlier corpus of the run used. The index holds one text per id: two directories
    that both hold `a.txt` made the second replace the first, silently, on every run. The later one is skipped with
    a reason instead (only across corpora: each reader already refuses an id repeated within its own corpus)."""
    mine: set[str] = set()
    for doc in docs:
        if doc.id in taken:
            skipped.add(f"{corpus}: {doc.id}: an earlier corpus has a document with this id", doc.id)
            continue
        mine.add(doc.id)
        yield doc
    taken |= mine


def prune_index(index: CorpusIndex, seen: set[str], skipped: Skipped) -> int | None:
    """Remove the indexed documents that are not in `seen` (nor among the items that could not be read); returns
    how many, or None when nothing may be pruned: an unreadable item whose id is unknown could be any of them."""
    stale = stale_ids(index.ids(), seen, skipped)
    return None if stale is None else index.remove(stale)


def _noted(docs: Iterable[CorpusDocument], seen: set[str] | None) -> Iterator[CorpusDocument]:
    for doc in docs:
        if seen is not None:
            seen.add(doc.id)
        yield doc
