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
    for corpus in corpora:
        report = index.add(_noted(read_corpus(corpus, skipped, max_bytes=max_bytes), seen))
        if report.seen == 0:
            reason = f": {skipped.summary()}" if skipped.count else ""
            raise CorpusError(f"no document in {corpus}{reason}")
        total.include(report)
    if db is not None:
        total.include(index.add(_noted(store_corpus(db, skipped), seen)))
    return total


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
