"""Rows of an SQLite archive (NewsEdits, diffengine) turned into one story: texts out of their HTML fragments,
capture times as UTC, versions in order, the story's URL; bad rows tallied, never raised."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from storytrace.ingest.fragment import fragment_text
from storytrace.ingest.records import ArchiveStory, Candidate, Tally, optional_string, text_problem, url_problem
from storytrace.ingest.times import parse_db_time


@dataclass(frozen=True, slots=True)
class DbRow:
    where: str  # "entryversion id 55"
    order: float | None  # a version number (None: unreadable), or 0 when the capture time alone orders versions
    created: object
    summary: object
    title: object = None
    url: object = None


def story_from_rows(rows: Sequence[DbRow], fallback_url: str, tally: Tally) -> ArchiveStory | None:
    """The story of these rows (one archive entry), or None when every row was refused.

    Its URL is the latest version's non-empty `url`, else `fallback_url`.
    """
    kept: list[tuple[tuple[float, float, int], Candidate, str | None]] = []
    for seq, row in enumerate(rows):
        tally.rows += 1
        built = _candidate(row, tally)
        if built is not None:
            candidate, url = built
            kept.append(((row.order or 0.0, candidate.captured_at.timestamp(), seq), candidate, url))
    if not kept:
        return None
    kept.sort(key=lambda item: item[0])
    urls = [url for _, _, url in kept if url]
    url = urls[-1] if urls else fallback_url
    problem = url_problem(url)
    if problem is not None:
        for _, candidate, _ in kept:
            tally.refuse(problem[0], candidate.where, problem[1])
        return None
    titles = [c.title for _, c, _ in kept if c.title]
    return ArchiveStory(url=url.strip(), versions=[c for _, c, _ in kept], title=titles[-1] if titles else None)


def refuse_orphans(rows: Sequence[DbRow], tally: Tally) -> None:
    """Rows without an entry_id belong to no story."""
    for row in rows:
        tally.rows += 1
        tally.refuse("no entry_id", row.where, "no entry_id: the row belongs to no story")


def _candidate(row: DbRow, tally: Tally) -> tuple[Candidate, str | None] | None:
    if row.order is None:
        tally.refuse("bad version number", row.where)
        return None
    try:
        captured_at = parse_db_time(row.created)
    except ValueError as exc:
        tally.refuse("bad date", row.where, f"bad date: {exc}")
        return None
    summary = row.summary
    if isinstance(summary, bytes):
        try:
            summary = summary.decode("utf-8")
        except UnicodeDecodeError:
            tally.refuse("not UTF-8", row.where, "the text is not UTF-8")
            return None
    if summary is None:
        tally.refuse("empty text", row.where, "no text")
        return None
    text = fragment_text(summary) if isinstance(summary, str) else summary
    problem = text_problem(text)
    if problem is not None:
        tally.refuse(problem[0], row.where, problem[1])
        return None
    assert isinstance(text, str)
    title, problem = optional_string(_decoded(row.title), "the title")
    url, url_trouble = optional_string(_decoded(row.url), "the URL")
    problem = problem or url_trouble
    if problem is not None:
        tally.refuse(problem[0], row.where, problem[1])
        return None
    return Candidate(where=row.where, text=text, captured_at=captured_at, title=title), url


def _decoded(value: object) -> object:
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return value


def version_number(value: object) -> float | None:
    """A NewsEdits `version` (an integer, sometimes stored as a float or as text), or None."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | bytes):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None
