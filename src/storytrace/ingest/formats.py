"""The two SQLite archive formats side by side: how each one's versions are queried, the story key its reader
gives an article, and the reader itself. `storytrace import` and `storytrace batch` both pick from here."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from storytrace.ingest.diffengine import diffengine_query, diffengine_story_key, read_diffengine
from storytrace.ingest.newsedits import newsedits_query, newsedits_story_key, read_newsedits
from storytrace.ingest.records import ArchiveStory, Tally
from storytrace.ingest.sqlite_file import Slice, StoryKey, VersionQuery

Reader = Callable[[sqlite3.Connection, Path, Tally, Slice | None, Sequence[int] | None], Iterator[ArchiveStory]]


@dataclass(frozen=True)
class ArchiveFormat:
    query: Callable[[sqlite3.Connection], VersionQuery]
    story_key: Callable[[Path], StoryKey]
    read: Reader


ARCHIVE_FORMATS: Final = {
    "newsedits": ArchiveFormat(newsedits_query, newsedits_story_key, read_newsedits),
    "diffengine": ArchiveFormat(diffengine_query, diffengine_story_key, read_diffengine),
}
