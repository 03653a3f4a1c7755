"""The NewsEdits archive table (`entryversion`), written from rows: shared by bench/batch_speed.py and the tests'
archive builders, so both build the layout storytrace's importer reads. Imports nothing from the rest of bench/."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

CREATE = (
    "CREATE TABLE entryversion (id INTEGER PRIMARY KEY, entry_id INTEGER, version INTEGER, title TEXT, "
    "created TEXT, url TEXT, source TEXT, summary TEXT, num_versions INTEGER)"
)


def write_newsedits(path: Path, rows: Iterable[tuple[Any, ...]]) -> None:
    """Create the table in a new SQLite file and insert rows of (id, entry_id, version, title, created, url,
    source, summary, num_versions)."""
    with sqlite3.connect(path) as connection:
        connection.execute(CREATE)
        connection.executemany("INSERT INTO entryversion VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    connection.close()
