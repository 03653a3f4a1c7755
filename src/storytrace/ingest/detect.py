"""Which format an archive path is in: a directory, JSON Lines, or an SQLite file (NewsEdits or diffengine)."""

from __future__ import annotations

from pathlib import Path

from storytrace.ingest.errors import ArchiveError
from storytrace.ingest.sqlite_file import has_sqlite_magic

FORMATS = ("dir", "jsonl", "newsedits", "diffengine")
SQLITE_FORMATS = ("newsedits", "diffengine")
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonlines")


def check_format(name: str | None) -> str | None:
    """The format asked for, lower-cased, or ArchiveError for an unknown one."""
    if name is None:
        return None
    wanted = name.strip().lower()
    if wanted not in FORMATS:
        raise ArchiveError(f"unknown import format {name!r}; expected one of {', '.join(FORMATS)}")
    return wanted


def detect_format(path: Path, forced: str | None = None) -> str:
    """"dir", "jsonl" or "sqlite" (newsedits or diffengine, told apart once the file is open).

    With `forced`, checks that the path can be in that format (a directory for dir, a file otherwise).
    """
    forced = check_format(forced)
    try:
        is_dir = path.is_dir()
        exists = is_dir or path.exists()
    except (OSError, ValueError):
        exists = is_dir = False
    if not exists:
        raise ArchiveError(f"no such file or directory: {_shown(path)}")
    if forced == "dir" or (forced is None and is_dir):
        if not is_dir:
            raise ArchiveError(f"--format dir needs a directory; {_shown(path)} is a file")
        return "dir"
    if is_dir:
        raise ArchiveError(f"{_shown(path)} is a directory; --format {forced} needs a file")
    if not path.is_file():
        raise ArchiveError(f"{_shown(path)} is not a regular file")
    if forced is not None:
        return "sqlite" if forced in SQLITE_FORMATS else forced
    if has_sqlite_magic(path):
        return "sqlite"
    if path.suffix.lower() in JSONL_SUFFIXES or _starts_like_json(path):
        return "jsonl"
    raise ArchiveError(
        f"cannot tell the format of {_shown(path)} (not a directory, .jsonl or SQLite file); use --format"
    )


def _starts_like_json(path: Path) -> bool:
    try:
        with path.open("rb") as stream:
            head = stream.read(1024)
    except OSError:
        return False
    return head.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"{")


def _shown(path: Path) -> str:
    name = str(path)
    return name if name.isprintable() else repr(name)
