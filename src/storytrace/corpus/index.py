"""A persistent corpus index: one SQLite file holding each document's id, text digest, text, shingle count and
MinHash signature, and the LSH index built from them.

The file is built once and updated incrementally: a document whose id and text digest are already there costs a
dictionary lookup; a changed text replaces the old entry. The LSH index (rensa, in Rust) is saved in the same
file with the generation it belongs to, so opening an index restores it in one call; if the file was changed
without it being saved (a crash between the two), it is rebuilt from the stored texts.
"""

from __future__ import annotations

import gc
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import rensa

from storytrace.corpus.hashing import stable_digest
from storytrace.corpus.options import INDEX_FIELDS, CorpusOptions
from storytrace.corpus.shingles import shingles, text_fingerprints
from storytrace.corpus.sources import CorpusDocument, CorpusError

SCHEMA = "storytrace.index/1"
BATCH = 4096  # documents fingerprinted per rensa call and written per transaction

_TABLES = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE docs (
    key INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    digest TEXT NOT NULL,
    shingles INTEGER NOT NULL,
    signature BLOB NOT NULL,
    url TEXT, outlet TEXT, time TEXT,
    text TEXT NOT NULL
);
CREATE TABLE lsh (generation INTEGER NOT NULL, state BLOB NOT NULL);
"""


@dataclass(frozen=True, slots=True)
class Entry:
    """What ranking and grouping need of an indexed document, without its text."""

    key: int
    id: str
    shingles: int
    signature: bytes


@dataclass
class AddReport:
    """What one `add` did: documents new to the index, replaced (text changed), unchanged, and without words."""

    added: int = 0
    replaced: int = 0
    unchanged: int = 0
    empty: int = 0

    @property
    def seen(self) -> int:
        return self.added + self.replaced + self.unchanged + self.empty

    def to_dict(self) -> dict[str, int]:
        return {"added": self.added, "replaced": self.replaced, "unchanged": self.unchanged, "empty": self.empty}

    def include(self, other: AddReport) -> None:
        """Count another add's documents in this report too (a report over several corpora)."""
        self.added += other.added
        self.replaced += other.replaced
        self.unchanged += other.unchanged
        self.empty += other.empty


class CorpusIndex:
    """An open index. Use `open_index`; close it (or use `with`) to save the LSH state of changes."""

    def __init__(self, connection: sqlite3.Connection, options: CorpusOptions, label: str) -> None:
        self._db = connection
        self.options = options
        self.label = label
        self._generation = int(self._meta("generation") or 0)
        self._saved_generation = self._generation
        self._next_key = 1 + (self._db.execute("SELECT max(key) FROM docs").fetchone()[0] or 0)
        self._ids: dict[str, tuple[int, str]] | None = None
        self._lsh_trusted = True  # False once an `add` was interrupted: the state may lack rows already stored
        self.lsh = self._load_lsh()

    # --- reading -------------------------------------------------------------------------------------------

    def __len__(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM docs").fetchone()[0])

    def candidates(self, minhash: rensa.RMinHash) -> list[int]:
        """Keys of the documents that share at least one LSH band with `minhash`, in key order."""
        return sorted(self.lsh.query(minhash))

    def entries(self, keys: Sequence[int]) -> list[Entry]:
        """Entries of these keys (in key order; keys not in the index are left out)."""
        if not keys:
            return []
        marks = ",".join("?" * len(keys))
        rows = self._db.execute(
            f"SELECT key, id, shingles, signature FROM docs WHERE key IN ({marks}) ORDER BY key", list(keys)
        )
        return [Entry(*row) for row in rows]

    def all_entries(self) -> Iterator[Entry]:
        for row in self._db.execute("SELECT key, id, shingles, signature FROM docs ORDER BY key"):
            yield Entry(*row)

    def document(self, key: int) -> CorpusDocument:
        row = self._db.execute("SELECT id, text, url, outlet, time FROM docs WHERE key = ?", (key,)).fetchone()
        if row is None:
            raise KeyError(key)
        return CorpusDocument(*row)

    def documents(self) -> Iterator[CorpusDocument]:
        """Every indexed document, in the order it was indexed."""
        for row in self._db.execute("SELECT id, text, url, outlet, time FROM docs ORDER BY key"):
            yield CorpusDocument(*row)

    # --- writing -------------------------------------------------------------------------------------------

    def add(self, docs: Iterable[CorpusDocument]) -> AddReport:
        """Index documents: new ids are added, changed texts replace the old, unchanged ones cost nothing.

        Interrupted (Ctrl-C, an error in the corpus), the rows written so far stay; the LSH state in memory may then
        miss the last batch, so it is not saved: the next opening rebuilds it from the stored rows.
        """
        try:
            with _collector_paused():
                return self._add(docs)
        except BaseException:
            self._lsh_trusted = False
            self._ids = None  # it may name rows of a transaction that was rolled back
            raise

    def _add(self, docs: Iterable[CorpusDocument]) -> AddReport:
        report = AddReport()
        known = self._known_ids()
        batch: dict[str, tuple[CorpusDocument, str]] = {}
        for doc in docs:
            digest = stable_digest(doc.text)
            if doc.id in batch:  # the same id twice in one batch: write the first before judging the second
                self._write(list(batch.values()), known, report)
                batch = {}
            old = known.get(doc.id)
            if old is not None and old[1] == digest:
                report.unchanged += 1
                continue
            batch[doc.id] = (doc, digest)
            if len(batch) >= BATCH:
                self._write(list(batch.values()), known, report)
                batch = {}
        if batch:
            self._write(list(batch.values()), known, report)
        return report

    def _write(
        self, batch: list[tuple[CorpusDocument, str]], known: dict[str, tuple[int, str]], report: AddReport
    ) -> None:
        """Fingerprint a batch in one rensa call and store it in one transaction."""
        counts, matrix, blobs = text_fingerprints([doc.text for doc, _ in batch], self.options)
        kept = [(doc, digest, count) for (doc, digest), count in zip(batch, counts, strict=True) if count]
        report.empty += len(batch) - len(kept)
        # A document whose text now has no words cannot be found by its words: its old entry must not stay.
        self.remove(doc.id for (doc, _), count in zip(batch, counts, strict=True) if not count)
        if not kept:
            return
        start = self._next_key
        rows = []
        gone = []
        for n, ((doc, digest, count), blob) in enumerate(zip(kept, blobs, strict=True)):
            old = known.get(doc.id)
            if old is None:
                report.added += 1
            else:
                report.replaced += 1
                gone.append(old[0])
            known[doc.id] = (start + n, digest)
            rows.append((start + n, doc.id, digest, count, blob, doc.url, doc.outlet, doc.time, doc.text))
        with self._db:
            self._bump()
            if gone:
                self._db.executemany("DELETE FROM docs WHERE key = ?", [(key,) for key in gone])
            self._db.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        for key in gone:
            self.lsh.remove(key)
        self.lsh.insert_matrix(matrix, start)
        self._next_key = start + len(rows)

    def ids(self) -> set[str]:
        """The ids of every indexed document."""
        return set(self._known_ids())

    def remove(self, ids: Iterable[str]) -> int:
        """Drop the documents with these ids (unknown ids are ignored); returns how many were dropped."""
        known = self._known_ids()
        keys = [(doc_id, known[doc_id][0]) for doc_id in set(ids) if doc_id in known]
        if not keys:
            return 0
        try:
            with self._db:
                self._bump()
                self._db.executemany("DELETE FROM docs WHERE key = ?", [(key,) for _, key in keys])
        except BaseException:
            self._lsh_trusted = False
            self._ids = None
            raise
        for doc_id, key in keys:
            self.lsh.remove(key)
            del known[doc_id]
        return len(keys)

    def save(self) -> None:
        """Store the LSH state with the generation it matches (nothing to do if nothing changed)."""
        if self._generation == self._saved_generation or not self._lsh_trusted:
            return
        state = self.lsh.__getstate__()
        with self._db:
            self._db.execute("DELETE FROM lsh")
            self._db.execute("INSERT INTO lsh VALUES (?, ?)", (self._generation, state))
        self._saved_generation = self._generation

    def close(self) -> None:
        try:
            self.save()
        finally:
            self._db.close()

    def __enter__(self) -> CorpusIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- internals -----------------------------------------------------------------------------------------

    def _known_ids(self) -> dict[str, tuple[int, str]]:
        if self._ids is None:
            self._ids = {row[0]: (row[1], row[2]) for row in self._db.execute("SELECT id, key, digest FROM docs")}
        return self._ids

    def _meta(self, name: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return None if row is None else str(row[0])

    def _bump(self) -> None:
        """Count a change (inside the caller's transaction) once per unsaved run of changes."""
        if self._generation == self._saved_generation:
            self._generation += 1
            self._db.execute("UPDATE meta SET value = ? WHERE name = 'generation'", (str(self._generation),))

    def _new_lsh(self) -> Any:
        return rensa.RMinHashLSH(0.5, self.options.num_perm, self.options.bands)  # the threshold is unused by queries

    def _load_lsh(self) -> Any:
        lsh = self._new_lsh()
        row = self._db.execute("SELECT generation, state FROM lsh").fetchone()
        if row is not None and int(row[0]) == self._generation:
            try:
                lsh.__setstate__(row[1])
                return lsh
            except ValueError:
                lsh = self._new_lsh()  # a state from another rensa version: rebuild below
        keys: list[int] = []
        sets: list[list[bytes]] = []
        for key, text in self._db.execute("SELECT key, text FROM docs ORDER BY key"):
            keys.append(key)
            sets.append(shingles(text, self.options.shingle_words))
            if len(keys) >= BATCH:
                _insert(lsh, keys, sets, self.options)
                keys, sets = [], []
        _insert(lsh, keys, sets, self.options)
        self._saved_generation = -1  # save the rebuilt state on close
        return lsh


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while indexing: the shingle lists of a batch are many short-lived containers
    that keep triggering full collections over every object alive (13% of indexing time, measured), and nothing
    made here forms a reference cycle. Reference counting still frees everything; the collector resumes after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _insert(lsh: Any, keys: list[int], sets: list[list[bytes]], options: CorpusOptions) -> None:
    if keys:
        lsh.insert_pairs(list(zip(keys, rensa.RMinHash.from_token_sets(sets, options.num_perm, options.seed),
                                  strict=True)))


def open_index(
    path: str | Path | None, options: CorpusOptions | None = None, *, create: bool = True,
    explicit: Iterable[str] = (),
) -> CorpusIndex:
    """Open (or create) the index file at `path`; `None` is an index in memory, for one run.

    An existing index keeps the shingle size, permutations, bands and seed it was built with; options named in
    `explicit` that ask for other values are refused rather than silently ignored.
    """
    options = options or CorpusOptions()
    if path is None:
        connection = sqlite3.connect(":memory:")
        _create(connection, options)
        return CorpusIndex(connection, options, "(memory)")
    where = Path(path)
    label = str(path)
    if where.is_dir():
        raise CorpusError(f"{label} is a directory, not an index file")
    exists = where.exists() and where.stat().st_size > 0
    if not exists and not create:
        raise CorpusError(f"no index at {label} (build one with: storytrace index CORPUS --index {label})")
    try:
        connection = sqlite3.connect(where)
        connection.execute("PRAGMA synchronous = NORMAL")
        if not exists:
            _create(connection, options)
            return CorpusIndex(connection, options, label)
        stored = _stored_settings(connection, label)
    except sqlite3.Error as exc:
        raise CorpusError(f"cannot read index {label}: {exc}") from None
    asked = options.index_settings()
    clashes = [f"{name}={stored[name]}" for name in explicit if name in stored and stored[name] != asked[name]]
    if clashes:
        raise CorpusError(f"index {label} was built with {', '.join(clashes)}: use those or build a new index")
    try:
        return CorpusIndex(connection, options.with_overrides(**stored), label)
    except sqlite3.Error as exc:
        connection.close()
        raise CorpusError(f"cannot read index {label}: {exc}") from None


def _create(connection: sqlite3.Connection, options: CorpusOptions) -> None:
    with connection:
        connection.executescript(_TABLES)
        settings = {"schema": SCHEMA, "generation": "0", **{k: str(v) for k, v in options.index_settings().items()}}
        connection.executemany("INSERT INTO meta VALUES (?, ?)", list(settings.items()))


def _stored_settings(connection: sqlite3.Connection, label: str) -> dict[str, int]:
    try:
        meta = dict(connection.execute("SELECT name, value FROM meta").fetchall())
    except sqlite3.DatabaseError:
        connection.close()
        raise CorpusError(f"{label} is not a storytrace index") from None
    if meta.get("schema") != SCHEMA:
        connection.close()
        raise CorpusError(f"{label} is not a storytrace index (schema {meta.get('schema')!r})")
    try:
        return {name: int(meta[name]) for name in INDEX_FIELDS}
    except (KeyError, ValueError):
        connection.close()
        raise CorpusError(f"{label}: its settings are damaged; build a new index") from None
