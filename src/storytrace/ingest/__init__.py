"""Importing archives of article versions into the version store: `storytrace import PATH`.

    from storytrace.ingest import import_archive
    from storytrace.store import open_store

    with open_store() as store:
        report = import_archive(store, "diffengine.db")     # format detected: dir, jsonl, newsedits, diffengine
        print(report.summary_line())

Formats (docs/import.md): a directory of version files (one story per sub-directory or `<slug>@<n>` prefix), JSON
Lines (one version per line), NewsEdits and diffengine SQLite databases. Importing is idempotent: texts a story
already has are skipped. Bad rows are refused and counted in the report; an archive that cannot be read as its
format raises ArchiveError (one line) before anything is written.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import trafilatura

from storytrace.ingest.detect import FORMATS, check_format, detect_format
from storytrace.ingest.directory import open_directory
from storytrace.ingest.errors import ArchiveError
from storytrace.ingest.formats import ARCHIVE_FORMATS
from storytrace.ingest.jsonl import open_jsonl
from storytrace.ingest.records import ArchiveStory, Tally
from storytrace.ingest.report import ImportReport
from storytrace.ingest.sqlite_file import open_database
from storytrace.ingest.writer import load
from storytrace.store import Store

HTML_EXTRACTOR = f"trafilatura {trafilatura.__version__}"

__all__ = ["FORMATS", "ArchiveError", "ImportReport", "detect_format", "import_archive"]


def import_archive(
    store: Store,
    path: str | Path,
    *,
    format: str | None = None,
    summaries: bool = True,
    watch: bool = False,
) -> ImportReport:
    """Import every version of the archive at `path` into `store` and say what was done.

    `format` (dir, jsonl, newsedits, diffengine) overrides detection. `summaries` computes each new version's
    change summary against the one before. New stories are not watched unless `watch`.
    """
    started = time.perf_counter()
    archive = Path(path)
    forced = check_format(format)
    kind = detect_format(archive, forced)
    tally = Tally()
    connection: sqlite3.Connection | None = None
    if kind == "sqlite":
        connection, kind = open_database(archive, forced)
        stories: Iterator[ArchiveStory] = _archive_by_story(connection, archive, kind, tally)
    elif kind == "jsonl":
        stories = open_jsonl(archive, tally, HTML_EXTRACTOR)
    else:
        stories = open_directory(archive, tally, HTML_EXTRACTOR)
    report = ImportReport(path=str(archive), format=kind, summaries=summaries)
    try:
        load(store, stories, report, summaries=summaries, watch=watch, detail=f"import {kind}")
    except sqlite3.Error as exc:  # the archive failed half-way (a corrupt page quick_check missed)
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ArchiveError(
            f"{archive}: reading failed after {report.versions_added:,} versions were imported ({reason}); "
            "importing again skips those"
        ) from None
    finally:
        if connection is not None:
            connection.close()
    report.take_tally(tally)
    report.seconds = time.perf_counter() - started
    return report


def _archive_by_story(connection: sqlite3.Connection, path: Path, kind: str, tally: Tally) -> Iterator[ArchiveStory]:
    """The archive's articles, those of one story (one URL) one after the other, so that the writer merges them in
    time order (two articles under one URL far apart in the archive had the later one's versions put after the
    earlier one's, whatever their times). A view, without rowids to order, is read as it comes."""
    archive = ARCHIVE_FORMATS[kind]
    plan = archive.query(connection).plan(connection, 1, archive.story_key(path), in_reading_order=True)
    return archive.read(connection, path, tally, None, None if plan is None else plan[0])
