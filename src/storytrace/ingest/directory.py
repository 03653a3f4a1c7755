"""A directory of version files, one story per sub-directory or per file-name prefix:

    DIR/<slug>/<n>.txt                  versions numbered 1, 2, 3... (.txt, .md or .html; HTML is extracted)
    DIR/<slug>/<time>.html              or named by capture time: 2024-05-01T10:30:00Z (or 2024-05-01T10-30-00Z)
    DIR/<slug>/story.json               optional: {"url", "title", "outlet", "captured_at": {"<n>": "<time>"}}
    DIR/<slug>@<n or time>.txt          flat layout: the files of a story share the prefix before "@"
    DIR/stories.json                    optional: {"<slug>": {"url", "title", "outlet", "captured_at"}}

Versions are ordered by number when every file of the story is numbered, else by capture time. A numbered file
takes its capture time from `captured_at` in the metadata, else from its modification time. A story without a
URL in its metadata is called `archive:<DIR name>/<slug>`. The layout (names, metadata) is checked before
anything is read; a file that cannot be read as text is refused and counted.
"""

from __future__ import annotations

import json
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from storytrace.errors import InputError
from storytrace.ingest.errors import ArchiveError
from storytrace.ingest.records import ArchiveStory, Candidate, Tally, optional_string, text_problem, url_problem
from storytrace.ingest.times import parse_time
from storytrace.text.read import read_source

EXTENSIONS = {".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml"}
HTML = {".html", ".htm", ".xhtml"}
STORY_META = "story.json"
STORIES_META = "stories.json"
FLAT_SEPARATOR = "@"
# A capture time in a file name; "-" may stand for ":" (file systems that refuse colons).
_TIME_NAME = re.compile(
    r"^(\d{4}-\d{2}-\d{2})[T_ ](\d{2})[-:]?(\d{2})(?:[-:]?(\d{2})(\.\d+)?)?(Z|[+-]\d{2}(?:[-:]?\d{2})?)?$",
    re.IGNORECASE,
)


@dataclass
class _Story:
    slug: str
    files: list[Path] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    meta_source: str = ""


def open_directory(root: Path, tally: Tally, html_extractor: str) -> Iterator[ArchiveStory]:
    """Check the layout and the metadata now (ArchiveError); the files are read as the iterator is consumed."""
    stories = _layout(root, tally)
    return _stories(root, stories, tally, html_extractor)


def _layout(root: Path, tally: Tally) -> dict[str, _Story]:
    stories: dict[str, _Story] = {}
    shared = _metadata(root / STORIES_META)
    for entry in _listing(root):
        name = entry.name
        if name.startswith(".") or name == STORIES_META:
            continue
        if entry.is_dir():
            story = stories.setdefault(name, _Story(name))
            for inner in _listing(entry):
                if inner.name.startswith("."):
                    continue
                if inner.name == STORY_META:
                    story.meta = _metadata(inner)
                    story.meta_source = str(inner)
                elif inner.is_file() and inner.suffix.lower() in EXTENSIONS:
                    story.files.append(inner)
                else:
                    tally.rows += 1
                    tally.refuse("unrecognised file", _shown(root, inner), "not a .txt, .md or .html file")
        elif entry.is_file() and FLAT_SEPARATOR in entry.stem and entry.suffix.lower() in EXTENSIONS:
            slug = entry.stem.rsplit(FLAT_SEPARATOR, 1)[0]
            stories.setdefault(slug, _Story(slug)).files.append(entry)
        else:
            tally.rows += 1
            tally.refuse("unrecognised file", name, "not a story directory nor a <slug>@<n or time> file")
    for slug, entry_meta in shared.items():
        if slug in stories and not stories[slug].meta:
            if not isinstance(entry_meta, dict):
                raise ArchiveError(f"{root / STORIES_META}: the entry for {slug!r} is not a JSON object")
            stories[slug].meta = entry_meta
            stories[slug].meta_source = f"{root / STORIES_META} ({slug})"
    for story in stories.values():
        _check_meta(story)
    return stories


def _listing(directory: Path) -> list[Path]:
    try:
        return sorted(directory.iterdir())
    except OSError as exc:
        raise ArchiveError(f"cannot list {directory}: {exc.strerror or exc}") from None


def _metadata(path: Path) -> dict[str, Any]:
    try:
        info = path.stat()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ArchiveError(f"cannot read {path}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        raise ArchiveError(f"{path} is not a file")
    try:
        found = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise ArchiveError(f"{path} is not valid JSON ({_reason(exc)})") from None
    if not isinstance(found, dict):
        raise ArchiveError(f"{path} must hold a JSON object")
    return found


def _check_meta(story: _Story) -> None:
    for name in ("url", "title", "outlet"):
        value, problem = optional_string(story.meta.get(name), name)
        if problem is not None:
            raise ArchiveError(f"{story.meta_source}: {problem[1]}")
        if name == "url" and value is not None and (trouble := url_problem(value)) is not None:
            raise ArchiveError(f"{story.meta_source}: {trouble[1]}")
    times = story.meta.get("captured_at", {})
    if not isinstance(times, dict):
        raise ArchiveError(f"{story.meta_source}: captured_at must map version numbers to times")


def _stories(root: Path, stories: dict[str, _Story], tally: Tally, extractor: str) -> Iterator[ArchiveStory]:
    for slug, story in stories.items():
        keyed: list[tuple[int | None, Candidate]] = []
        for path in story.files:
            tally.rows += 1
            built = _candidate(root, path, story, tally, extractor)
            if built is not None:
                keyed.append(built)
        if not keyed:
            continue
        if all(number is not None for number, _ in keyed):
            keyed.sort(key=lambda item: (item[0], item[1].where))
        else:
            keyed.sort(key=lambda item: (item[1].captured_at, item[1].where))
        meta = story.meta
        url = meta.get("url") or f"archive:{root.resolve().name}/{slug}"
        yield ArchiveStory(
            url=url.strip(), versions=[candidate for _, candidate in keyed], title=meta.get("title"),
            outlet=meta.get("outlet"),
        )


def _candidate(
    root: Path, path: Path, story: _Story, tally: Tally, extractor: str
) -> tuple[int | None, Candidate] | None:
    where = _shown(root, path)
    key = path.stem.rsplit(FLAT_SEPARATOR, 1)[1] if path.parent == root else path.stem
    number: int | None = None
    if key.isdigit():
        number = int(key)
        given = story.meta.get("captured_at", {}).get(key)
        try:
            captured_at = parse_time(given) if given is not None else _modified(path)
        except (ValueError, OSError) as exc:
            tally.refuse("bad date", where, f"bad captured_at for version {key}: {_reason(exc)}")
            return None
    else:
        try:
            captured_at = time_from_name(key)
        except ValueError:
            tally.refuse("unrecognised file", where, "not named <number> or <ISO 8601 time>")
            return None
    try:
        source = read_source(str(path), label=where)
    except InputError as exc:
        tally.refuse("unreadable file", where, str(exc))
        return None
    problem = text_problem(source.text)
    if problem is not None:
        tally.refuse(problem[0], where, problem[1])
        return None
    raw_html: bytes | None = None
    if source.format == "html":
        try:
            raw_html = path.read_bytes()
        except OSError:
            raw_html = None
    candidate = Candidate(
        where=where, text=source.text, captured_at=captured_at, raw_html=raw_html,
        extractor=extractor if source.format == "html" else None,
    )
    return number, candidate


def time_from_name(key: str) -> datetime:
    """The capture time a file name gives: ISO 8601, "-" allowed instead of ":" ("2024-05-01T10-30-00Z")."""
    match = _TIME_NAME.match(key)
    if match is None:
        raise ValueError(f"not a time: {key!r}")
    day, hour, minute, second, fraction, zone = match.groups()
    text = f"{day}T{hour}:{minute}:{second or '00'}{fraction or ''}"
    if zone:
        zone = zone.upper()
        if zone != "Z":
            digits = zone[1:].replace(":", "").replace("-", "")
            zone = f"{zone[0]}{digits[:2]}:{digits[2:] or '00'}"
        text += zone
    return parse_time(text)


def _modified(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, UTC)


def _shown(root: Path, path: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} at line {exc.lineno}"
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
