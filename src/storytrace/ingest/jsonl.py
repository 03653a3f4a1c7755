"""JSON Lines archives: one version per line,

    {"url": "...", "text": "..." | "html": "<html>...", "captured_at": "2024-05-01T10:30:00Z",
     "title": "...", "byline": "...", "outlet": "..."}

grouped into stories by `url` and ordered by `captured_at` (then by line). `text` is stored as given; `html` is a
page whose article text is extracted as `storytrace diff page.html` does, the page kept as the version's raw HTML.

The whole file is checked first (every line must be a JSON object), so a malformed file stops the import before
anything is written; a line with a bad value (no URL, a bad date, an empty text, a NUL character) is refused and
counted instead. Only the URL, time and position of each line are held in memory, not the texts.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from storytrace.errors import InputError
from storytrace.ingest.errors import ArchiveError
from storytrace.ingest.records import (
    ArchiveStory,
    Candidate,
    Tally,
    optional_string,
    string_problem,
    text_problem,
    url_problem,
)
from storytrace.ingest.times import parse_time
from storytrace.text.read import read_bytes

BOM = b"\xef\xbb\xbf"
# Where each line of a story is: (captured_at, line number, byte offset).
Index = dict[str, list[tuple[datetime, int, int]]]


def open_jsonl(path: Path, tally: Tally, html_extractor: str) -> Iterator[ArchiveStory]:
    """Check the whole file now (ArchiveError if malformed); the stories are read as the iterator is consumed."""
    try:
        stream = path.open("rb")
    except OSError as exc:
        raise ArchiveError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        index = _scan(stream, path, tally)
    except BaseException:
        stream.close()
        raise
    return _stories(stream, path, index, tally, html_extractor)


def _scan(stream: BinaryIO, path: Path, tally: Tally) -> Index:
    index: Index = {}
    offset = 0
    for number, raw in enumerate(stream, start=1):
        start = offset
        offset += len(raw)
        record = _parse(raw[len(BOM) :] if number == 1 and raw.startswith(BOM) else raw, path, number)
        if record is None:
            continue
        tally.rows += 1
        where = f"line {number}"
        url = record.get("url")
        if not isinstance(url, str):
            tally.refuse("missing url", where, "no url" if url is None else "the url is not a string")
            continue
        problem = url_problem(url)
        if problem is not None:
            tally.refuse(problem[0], where, problem[1])
            continue
        try:
            captured_at = parse_time(record.get("captured_at"))
        except ValueError as exc:
            tally.refuse("bad date", where, f"bad captured_at: {exc}")
            continue
        index.setdefault(url.strip(), []).append((captured_at, number, start))
    return index


def _parse(raw: bytes, path: Path, number: int) -> dict[str, Any] | None:
    """The line's JSON object, None for a blank line; ArchiveError for anything else."""
    if not raw.strip():
        return None
    try:
        return json_object(raw)
    except ValueError as exc:
        raise ArchiveError(f"{path}, line {number}: {exc}") from None


def json_object(raw: bytes) -> dict[str, Any]:
    """One line of a JSON Lines file as the JSON object it must be (a byte-order mark before it is allowed, as
    Windows tools write one); a ValueError says in a few words what is wrong with it. Shared by `import` and
    `batch`, so that both read a line alike and name a bad one alike."""
    try:
        line = raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("not UTF-8 text") from None
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None
    if not isinstance(record, dict):
        raise ValueError(f"expected a JSON object, found {type(record).__name__}")
    return record


def _stories(stream: BinaryIO, path: Path, index: Index, tally: Tally, extractor: str) -> Iterator[ArchiveStory]:
    with stream:
        for url, lines in index.items():
            lines.sort(key=lambda line: (line[0], line[1]))
            versions: list[Candidate] = []
            titles: list[str] = []
            outlets: list[str] = []
            for captured_at, number, offset in lines:
                stream.seek(offset)
                raw = stream.readline()
                record = _parse(raw[len(BOM) :] if number == 1 and raw.startswith(BOM) else raw, path, number)
                assert record is not None  # the line was read once already
                built = _candidate(record, f"line {number}", captured_at, path, tally, extractor)
                if built is None:
                    continue
                candidate, outlet = built
                versions.append(candidate)
                if candidate.title:
                    titles.append(candidate.title)
                if outlet:
                    outlets.append(outlet)
            if versions:
                yield ArchiveStory(
                    url=url, versions=versions, title=titles[-1] if titles else None,
                    outlet=outlets[-1] if outlets else None,
                )


def _candidate(
    record: dict[str, Any], where: str, captured_at: datetime, path: Path, tally: Tally, extractor: str
) -> tuple[Candidate, str | None] | None:
    fields: dict[str, str | None] = {}
    for name in ("title", "byline", "outlet"):
        value, problem = optional_string(record.get(name), f"the {name}")
        if problem is not None:
            tally.refuse(problem[0], where, problem[1])
            return None
        fields[name] = value
    text = record.get("text")
    raw_html: bytes | None = None
    used: str | None = None
    if text is None:
        page = record.get("html")
        if page is None:
            tally.refuse("missing text", where, "neither text nor html")
            return None
        if not isinstance(page, str):
            tally.refuse("bad field", where, f"the html is a {type(page).__name__}, not a string")
            return None
        problem = string_problem(page, "the html")
        if problem is not None:
            tally.refuse(problem[0], where, problem[1])
            return None
        raw_html = page.encode("utf-8")
        try:
            text = read_bytes(raw_html, name=f"{path}, {where}", format="html").text
        except InputError as exc:
            tally.refuse("no article text", where, str(exc))
            return None
        used = extractor
    problem = text_problem(text)
    if problem is not None:
        tally.refuse(problem[0], where, problem[1])
        return None
    assert isinstance(text, str)
    candidate = Candidate(
        where=where, text=text, captured_at=captured_at, title=fields["title"], byline=fields["byline"],
        raw_html=raw_html, extractor=used,
    )
    return candidate, fields["outlet"]
