"""Writing an archive's stories into the store, a chunk of stories at a time.

Per chunk: the stories already in the store and the texts they have are read in three queries; texts a story
already has (in the store, or earlier in the archive) are dropped before writing, so importing an archive again
writes nothing at all, not even checks. Change summaries are computed against the version before (the store's
latest for a story it already has), in worker processes while the chunk before is written. The versions then go
through `add_versions_bulk`, one transaction per chunk: a chunk is committed whole or not at all.

New stories are added unwatched (inactive, no next check), so importing an archive starts no fetching; `watch`
makes them due for a check at once, as `add_story` does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storytrace.ingest.records import ArchiveStory, Candidate, merged
from storytrace.ingest.report import ImportReport
from storytrace.ingest.summaries import Chain, Summariser, Summary
from storytrace.store import DEFAULT_CHECK_INTERVAL_S, NewVersion, Store, add_versions_bulk, content_hash
from storytrace.store.bulk import MAX_BATCH
from storytrace.store.models import Story, Version
from storytrace.store.types import utcnow

CHUNK_VERSIONS = 2000
CHUNK_STORIES = 500


@dataclass
class _Progress:
    created: set[int] = field(default_factory=set)
    updated: set[int] = field(default_factory=set)


@dataclass
class _Plan:
    """A chunk ready to write: per story, its id if stored already and the versions it does not have yet."""

    stories: list[tuple[ArchiveStory, int | None, list[Candidate]]]
    summaries: Callable[[], list[list[Summary]]] | None


def load(
    store: Store,
    stories: Iterable[ArchiveStory],
    report: ImportReport,
    *,
    summaries: bool = True,
    watch: bool = False,
    detail: str = "import",
    jobs: int | None = None,
) -> None:
    """Add the stories' versions to the store, counting into `report`. `jobs`: processes for change summaries
    (default: one per CPU)."""
    progress = _Progress()
    with Summariser(jobs) as summariser:
        pending: tuple[_Plan, set[str]] | None = None
        for chunk in _chunks(stories):
            if pending is not None and not pending[1].isdisjoint(chunk):
                _write(store, pending[0], report, progress, watch=watch, detail=detail)  # its stories recur
                pending = None
            plan = _plan(store, chunk, report, summariser if summaries else None)
            if pending is not None:  # written while this chunk's summaries are computed
                _write(store, pending[0], report, progress, watch=watch, detail=detail)
            pending = (plan, set(chunk))
        if pending is not None:
            _write(store, pending[0], report, progress, watch=watch, detail=detail)
    report.stories_added = len(progress.created)
    report.stories_updated = len(progress.updated - progress.created)


def _chunks(stories: Iterable[ArchiveStory]) -> Iterator[dict[str, ArchiveStory]]:
    """Stories by URL, about CHUNK_VERSIONS versions or CHUNK_STORIES stories a chunk; two archive stories with
    the same URL in a chunk become one (their versions merged in time order). A chunk is not closed between two
    stories with one URL that come one after the other (an archive's reader gives them so)."""
    chunk: dict[str, ArchiveStory] = {}
    size = 0
    for story in stories:
        if (size >= CHUNK_VERSIONS or len(chunk) >= CHUNK_STORIES) and story.url not in chunk:
            yield chunk
            chunk, size = {}, 0
        known = chunk.get(story.url)
        chunk[story.url] = story if known is None else merged(known, story)
        size += len(story.versions)
    if chunk:
        yield chunk


def _plan(
    store: Store, chunk: dict[str, ArchiveStory], report: ImportReport, summariser: Summariser | None
) -> _Plan:
    ids, stored, latest = store.read(lambda session: _known(session, list(chunk), summariser is not None))
    planned: list[tuple[ArchiveStory, int | None, list[Candidate]]] = []
    chains: list[Chain] = []
    for url, story in chunk.items():
        sid = ids.get(url)
        seen = stored.get(sid, set()) if sid is not None else set()
        fresh: list[Candidate] = []
        for candidate in story.versions:
            digest = content_hash(candidate.text)
            if digest in seen:
                report.duplicates_skipped += 1
                continue
            seen.add(digest)
            fresh.append(candidate)
        if fresh:
            planned.append((story, sid, fresh))
            chains.append((latest.get(sid) if sid is not None else None, [c.text for c in fresh]))
    return _Plan(planned, summariser.submit(chains) if summariser is not None and chains else None)


def _write(
    store: Store, plan: _Plan, report: ImportReport, progress: _Progress, *, watch: bool, detail: str
) -> None:
    computed = plan.summaries() if plan.summaries is not None else None
    new = [story for story, sid, _ in plan.stories if sid is None]
    ids = store.write(lambda session: _add_stories(session, new, progress, watch=watch)) if new else {}
    items: list[tuple[int, NewVersion]] = []
    for n, (story, known, fresh) in enumerate(plan.stories):
        sid = known if known is not None else ids[story.url]
        if sid not in progress.created:
            progress.updated.add(sid)
        summaries = computed[n] if computed is not None else [None] * len(fresh)
        items += [(sid, _new_version(c, s)) for c, s in zip(fresh, summaries, strict=True)]
    if items:
        done = add_versions_bulk(store, items, batch_size=min(MAX_BATCH, len(items)), detail=detail)
        report.versions_added += done.added
        report.duplicates_skipped += done.skipped  # stored meanwhile by another writer


def _known(
    session: Session, urls: list[str], with_latest: bool
) -> tuple[dict[str, int], dict[int, set[str]], dict[int, str]]:
    """(story id by URL, content hashes by story id, latest text by story id) for the stories already stored."""
    ids = {url: sid for sid, url in session.execute(select(Story.id, Story.url).where(Story.url.in_(urls)))}
    stored: dict[int, set[str]] = {}
    latest: dict[int, str] = {}
    if not ids:
        return ids, stored, latest
    wanted = list(ids.values())
    for sid, digest in session.execute(
        select(Version.story_id, Version.content_hash).where(Version.story_id.in_(wanted))
    ):
        stored.setdefault(sid, set()).add(digest)
    if with_latest:
        newest = (
            select(Version.story_id, func.max(Version.number).label("number"))
            .where(Version.story_id.in_(wanted))
            .group_by(Version.story_id)
            .subquery()
        )
        rows = session.execute(
            select(Version.story_id, Version.text).join(
                newest, (Version.story_id == newest.c.story_id) & (Version.number == newest.c.number)
            )
        )
        latest = {sid: text for sid, text in rows}
    return ids, stored, latest


def _add_stories(
    session: Session, stories: list[ArchiveStory], progress: _Progress, *, watch: bool
) -> dict[str, int]:
    """Add the stories in one statement (as `add_story` would, but unwatched unless `watch`); their ids by URL.

    A story another process adds meanwhile is left as it is (INSERT ... ON CONFLICT DO NOTHING).
    """
    moment = utcnow()
    rows = [
        {
            "url": story.url, "source_id": None, "title": story.title, "added_at": moment,
            "first_seen_at": min(candidate.captured_at for candidate in story.versions), "last_change_at": None,
            "next_check_at": moment if watch else None, "check_interval_s": DEFAULT_CHECK_INTERVAL_S,
            "active": watch, "version_count": 0,
        }
        for story in stories
    ]
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(Story).on_conflict_do_nothing(index_elements=["url"]).returning(Story.id)
    progress.created.update(session.scalars(statement, rows))
    urls = [story.url for story in stories]
    return {url: sid for sid, url in session.execute(select(Story.id, Story.url).where(Story.url.in_(urls)))}


def _new_version(candidate: Candidate, summary: Summary) -> NewVersion:
    return NewVersion(
        text=candidate.text, captured_at=candidate.captured_at, title=candidate.title, byline=candidate.byline,
        raw_html=candidate.raw_html, extractor=candidate.extractor, change_summary=summary,
    )
