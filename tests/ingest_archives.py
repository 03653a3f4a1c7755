"""Real archives for the import tests, built in tmp_path from real NYT sentences (read at test time).

- `stories(n, versions)`: article texts that grow and change version by version, as paragraphs.
- `newsedits_db`, `diffengine_db`: SQLite files with the columns those tools write (created with sqlite3).
- `jsonl_file`: one JSON object per line.
"""

from __future__ import annotations

import html
import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.newsedits_table import write_newsedits

from .conftest import news_sentences

T0 = datetime(2021, 3, 1, 6, 0, tzinfo=UTC)


@dataclass(frozen=True)
class ArchiveVersion:
    paragraphs: tuple[str, ...]
    captured_at: datetime
    title: str

    @property
    def text(self) -> str:
        """The text storytrace stores: paragraphs separated by a blank line."""
        return "\n\n".join(self.paragraphs)

    @property
    def html(self) -> str:
        """NewsEdits' and diffengine's summary markup."""
        return "".join(f"<p>{html.escape(p)}</p>" for p in self.paragraphs)


@dataclass(frozen=True)
class ArchiveStory:
    url: str
    versions: tuple[ArchiveVersion, ...]


def stories(count: int, versions: int, *, offset: int = 0, host: str = "news.example") -> list[ArchiveStory]:
    """`count` stories of `versions` versions: each version adds a sentence and rewords an earlier one."""
    pool = [" ".join(s.split()) for s in news_sentences()]
    per_story = versions + 6
    built = []
    for n in range(count):
        start = (offset + n * per_story) % (len(pool) - per_story)
        base = pool[start : start + per_story]
        made = []
        for k in range(versions):
            sentences = list(base[: 3 + k])
            if k >= 2:  # a later version rewords its second sentence: an edit, not only an addition
                sentences[1] = sentences[1].rstrip(".") + ", officials said."
            paragraphs = tuple(" ".join(sentences[i : i + 2]) for i in range(0, len(sentences), 2))
            moment = T0 + timedelta(days=n, minutes=37 * k)
            made.append(ArchiveVersion(paragraphs, moment, f"{base[0][:40]} (take {k + 1})"))
        built.append(ArchiveStory(f"https://{host}/2021/story-{offset + n}.html", tuple(made)))
    return built


def sqlite_time(moment: datetime) -> str:
    """As peewee and NewsSniffer write datetimes: naive UTC, space-separated, microseconds."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def newsedits_db(path: Path, archive: list[ArchiveStory], *, source: str = "nyt", reverse: bool = True) -> Path:
    """A NewsEdits-style file; rows inserted newest first (`reverse`), so order must come from `version`."""
    rows: list[tuple[Any, ...]] = []
    ident = 0
    for entry, story in enumerate(archive, start=1):
        for number, version in enumerate(story.versions):
            ident += 1
            rows.append((
                ident, entry, number, version.title, sqlite_time(version.captured_at), story.url, source,
                version.html, len(story.versions),
            ))
    if reverse:
        rows.reverse()
    write_newsedits(path, rows)
    return path


def add_newsedits_rows(path: Path, rows: Iterable[tuple[Any, ...]]) -> None:
    """Extra (entry_id, version, title, created, url, source, summary) rows, e.g. bad ones."""
    with sqlite3.connect(path) as connection:
        connection.executemany(
            "INSERT INTO entryversion (entry_id, version, title, created, url, source, summary, num_versions) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, 1)",
            rows,
        )
    connection.close()


DIFFENGINE_SCHEMA = """
CREATE TABLE feed (url VARCHAR(255) NOT NULL PRIMARY KEY, name VARCHAR(255) NOT NULL, created DATETIME NOT NULL);
CREATE TABLE entry (id INTEGER NOT NULL PRIMARY KEY, url VARCHAR(255) NOT NULL, created DATETIME NOT NULL,
                    checked DATETIME NOT NULL);
CREATE TABLE feedentry (id INTEGER NOT NULL PRIMARY KEY, feed_id VARCHAR(255) NOT NULL, entry_id INTEGER NOT NULL,
                        created DATETIME NOT NULL, FOREIGN KEY (feed_id) REFERENCES feed (url),
                        FOREIGN KEY (entry_id) REFERENCES entry (id));
CREATE TABLE entryversion (id INTEGER NOT NULL PRIMARY KEY, title VARCHAR(255) NOT NULL, url VARCHAR(255) NOT NULL,
                           summary VARCHAR(255) NOT NULL, created DATETIME NOT NULL, archive_url VARCHAR(255),
                           entry_id INTEGER NOT NULL, FOREIGN KEY (entry_id) REFERENCES entry (id));
CREATE INDEX entryversion_url ON entryversion (url);
CREATE INDEX entryversion_entry_id ON entryversion (entry_id);
CREATE TABLE diff (id INTEGER NOT NULL PRIMARY KEY, old_id INTEGER NOT NULL, new_id INTEGER NOT NULL,
                   created DATETIME NOT NULL, tweeted DATETIME, blogged DATETIME);
"""


def diffengine_db(path: Path, archive: list[ArchiveStory], *, feed_url: str = "https://news.example/rss") -> Path:
    """A diffengine-style file: the entry's URL carries tracking parameters, each version the canonical URL;
    versions are inserted newest first, so order must come from `created`."""
    with sqlite3.connect(path) as connection:
        connection.executescript(DIFFENGINE_SCHEMA)
        connection.execute("INSERT INTO feed VALUES (?, ?, ?)", (feed_url, "News", sqlite_time(T0)))
        ident = 0
        for entry, story in enumerate(archive, start=1):
            first = story.versions[0].captured_at
            connection.execute(
                "INSERT INTO entry VALUES (?, ?, ?, ?)",
                (entry, f"{story.url}?utm_source=rss", sqlite_time(first), sqlite_time(story.versions[-1].captured_at)),
            )
            connection.execute("INSERT INTO feedentry (feed_id, entry_id, created) VALUES (?, ?, ?)",
                               (feed_url, entry, sqlite_time(first)))
            rows = []
            for version in story.versions:
                ident += 1
                rows.append((ident, version.title, story.url, version.html, sqlite_time(version.captured_at),
                             f"https://web.archive.org/web/2021/{story.url}", entry))
            connection.executemany("INSERT INTO entryversion VALUES (?, ?, ?, ?, ?, ?, ?)", reversed(rows))
    connection.close()
    return path


def jsonl_records(archive: list[ArchiveStory]) -> list[dict[str, Any]]:
    return [
        {"url": story.url, "text": version.text, "captured_at": version.captured_at.isoformat().replace("+00:00", "Z"),
         "title": version.title, "byline": "By A. Reporter", "outlet": "News Example"}
        for story in archive
        for version in story.versions
    ]


def jsonl_file(path: Path, records: Iterable[dict[str, Any] | str]) -> Path:
    """One JSON object per line (a str is written as the line itself, for malformed lines)."""
    lines = [record if isinstance(record, str) else json.dumps(record) for record in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
