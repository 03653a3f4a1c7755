"""Read a corpus: a directory of article files, a JSONL file, or the version store.

Corpora are large and messy, so a bad item (an unreadable file, a line that is not JSON, a record without text)
is counted and skipped, with the first few reasons kept for the report; only a corpus that cannot be opened at
all, or that holds no document, is an error.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from storytrace.errors import InputError, StorytraceError
from storytrace.ingest.records import string_problem
from storytrace.text.read import DEFAULT_MAX_BYTES, read_source

FILE_SUFFIXES = frozenset({".txt", ".text", ".md", ".markdown", ".html", ".htm"})
_KEPT_REASONS = 5


class CorpusError(StorytraceError):
    """A corpus that cannot be read at all, or an index that cannot be used."""


@dataclass(frozen=True, slots=True)
class CorpusDocument:
    """One document of a corpus: a stable id, its text exactly as read, and where and when it appeared."""

    id: str
    text: str
    url: str | None = None
    outlet: str | None = None
    time: str | None = None


@dataclass
class Skipped:
    """Items of a corpus that could not be read: how many, and the first few reasons. Their ids, where known, are
    kept too (`index --prune` must not drop a document only because its file could not be read this time), and
    how many had no readable id."""

    count: int = 0
    reasons: list[str] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    unidentified: int = 0

    def add(self, reason: str, doc_id: str | None = None) -> None:
        self.count += 1
        if doc_id is None:
            self.unidentified += 1
        else:
            self.ids.add(doc_id)
        if len(self.reasons) < _KEPT_REASONS:
            self.reasons.append(reason)

    def summary(self) -> str:
        if not self.count:
            return ""
        more = f" (and {self.count - len(self.reasons)} more)" if self.count > len(self.reasons) else ""
        return f"{self.count} skipped: " + "; ".join(self.reasons) + more


def stale_ids(indexed: set[str], seen: set[str], skipped: Skipped) -> set[str] | None:
    """The indexed documents a corpus read no longer holds, for `index --prune`: not those whose item could not be
    read this time, and None (prune nothing) when an unreadable item's id is unknown, since it may be any of them."""
    if skipped.unidentified:
        return None
    return indexed - seen - skipped.ids


def read_corpus(path: str | Path, skipped: Skipped, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[CorpusDocument]:
    """The documents of a directory (every .txt, .md and .html file below it) or a JSONL file, streamed."""
    where = Path(path)
    if where.is_dir():
        return _directory(where, skipped, max_bytes)
    if where.is_file():
        if where.suffix.lower() in FILE_SUFFIXES:
            raise CorpusError(f"{path} is one article, not a corpus: a corpus is a directory of .txt/.md/.html files "
                              "or a .jsonl file (put the file in a directory)")
        return _jsonl(where, skipped, max_bytes)
    raise CorpusError(f"no such corpus: {path} (a directory of .txt/.md/.html files, or a .jsonl file)")


def _directory(root: Path, skipped: Skipped, max_bytes: int) -> Iterator[CorpusDocument]:
    """Files in sorted path order; a document's id is its path relative to the directory."""
    files = sorted(p for p in root.rglob("*") if p.suffix.lower() in FILE_SUFFIXES and p.is_file())
    for file in files:
        name = file.relative_to(root).as_posix()
        try:
            source = read_source(str(file), max_bytes=max_bytes, label=name)
        except InputError as exc:
            skipped.add(str(exc), name)
            continue
        yield CorpusDocument(name, source.text)


def _jsonl(path: Path, skipped: Skipped, max_bytes: int) -> Iterator[CorpusDocument]:
    """One JSON object per line with a string `id` and `text` (and optional `url`, `outlet`, `time`).

    A repeated id is skipped with a reason: the index holds one text per id, and letting the later line replace
    the earlier one silently lost a document (and reported it as "replaced" in a brand-new index).
    """
    try:
        stream = path.open("rb")
    except OSError as exc:
        raise CorpusError(f"cannot read {path}: {exc.strerror or exc}") from None
    first_line: dict[str, int] = {}
    with stream:
        for number, line in enumerate(stream, 1):
            if not line.strip():
                continue
            found = _record(line, max_bytes)
            if isinstance(found, tuple):
                reason, doc_id = found
                skipped.add(f"line {number}: {reason}", doc_id)
            elif found.id in first_line:
                skipped.add(f"line {number}: duplicate id {found.id} (first on line {first_line[found.id]})", found.id)
            else:
                first_line[found.id] = number
                yield found


def _record(line: bytes, max_bytes: int) -> CorpusDocument | tuple[str, str | None]:
    """A document, or why the line is not one (with its id when that could be read)."""
    if len(line) > max_bytes:
        return f"longer than the {max_bytes:,}-byte limit", None
    try:
        record = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return "not JSON", None
    if not isinstance(record, dict):
        return "not a JSON object", None
    doc_id, text = record.get("id"), record.get("text")
    if isinstance(doc_id, int) and not isinstance(doc_id, bool):
        doc_id = str(doc_id)
    if not isinstance(doc_id, str) or not doc_id:
        return "no string id", None
    # (JSON can spell a lone surrogate, "\ud800", that no UTF-8 text holds, and a NUL, that no database column does)
    id_problem = string_problem(doc_id, "the id")
    if id_problem is not None:
        return f"{doc_id!r}: {id_problem[1]}", None
    if not isinstance(text, str) or not text.strip():
        return f"{doc_id}: no text", doc_id
    extra = {name: record.get(name) for name in ("url", "outlet", "time")}
    strings = {k: v if isinstance(v, str) else None for k, v in extra.items()}
    for name, value in (("the text", text), *strings.items()):
        problem = string_problem(value, name) if value is not None else None
        if problem is not None:
            return f"{doc_id!r}: {problem[1]}", doc_id
    return CorpusDocument(doc_id, text, **strings)


def store_corpus(url: str | None, skipped: Skipped) -> Iterator[CorpusDocument]:
    """Every stored version of every tracked story; a version's id is its reference `URL@N`."""
    from storytrace.store import open_store, stories, version_texts

    with open_store(url, create=False) as store:
        for story in stories(store):
            for stored in version_texts(store, story):
                if not stored.text.strip():
                    skipped.add(f"{story.url}@{stored.number}: no text", f"{story.url}@{stored.number}")
                    continue
                yield CorpusDocument(
                    f"{story.url}@{stored.number}",
                    stored.text,
                    url=story.url,
                    outlet=_host(story.url),
                    time=stored.captured_at.isoformat(),
                )


def _host(url: str) -> str | None:
    from urllib.parse import urlsplit

    return urlsplit(url).hostname
