"""What the store's failures say to the user: one line each, never a traceback.

`StoreError` covers everything the user (or their administrator) can act on: a bad URL, a server that does not
answer, a read-only or full disk, a database locked by another process for too long, a database from a newer
storytrace. `describe` turns the driver's exceptions into those lines.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError

from storytrace.errors import StorytraceError


class StoreError(StorytraceError):
    """The version store cannot do what was asked; the message is one line for the user."""


class UnknownStory(StoreError):
    """No story is tracked at that URL (or with that id)."""


class UnknownSource(StoreError):
    """No source is tracked with that id."""


def describe(exc: BaseException, url: URL, lock_timeout: float) -> str:
    """One line for a database failure on the store at `url` (a driver error, wrapped or not)."""
    orig = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    message = _first_line(str(orig))
    if url.get_backend_name() == "sqlite":
        return _sqlite(message, url, lock_timeout)
    return _postgresql(orig, message, url)


def shown(url: URL) -> str:
    """The URL as it may appear in a message: never with its password."""
    return url.render_as_string(hide_password=True)


def sqlite_path(url: URL) -> Path | None:
    """The file of a SQLite URL (None for an in-memory database)."""
    database = url.database or ""
    if database in ("", ":memory:"):
        return None
    if database.startswith("file:"):  # a URI filename: file:path?mode=ro
        database = database[len("file:") :].partition("?")[0]
    return Path(database)


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[0] if lines else "unknown error"


def _sqlite(message: str, url: URL, lock_timeout: float) -> str:
    path = sqlite_path(url)
    where = str(path) if path is not None else "the in-memory database"
    lowered = message.lower()
    if "locked" in lowered or "busy" in lowered:
        return f"the database {where} is locked by another process (gave up after {lock_timeout:g} s)"
    if "readonly" in lowered or "read-only" in lowered:
        return f"cannot write to {where}: the database is read-only"
    if "disk is full" in lowered or "database or disk is full" in lowered:
        return f"cannot write to {where}: the disk is full"
    if "unable to open" in lowered:
        if path is not None and not path.parent.is_dir():
            return f"cannot open the database {where}: no such directory {path.parent}"
        if path is not None and path.is_dir():
            return f"cannot open the database {where}: it is a directory"
        return f"cannot open the database {where}: permission denied or not a regular file"
    if "not a database" in lowered or "malformed" in lowered or "corrupt" in lowered:
        return f"{where} is not a usable database ({message})"
    if "disk i/o error" in lowered:
        return f"cannot read or write {where}: disk I/O error"
    return f"database error on {where}: {message}"


# PostgreSQL error classes (SQLSTATE) that have a plainer explanation than the server's own words.
_SQLSTATE = {
    "53100": "the database server is out of disk space",
    "53200": "the database server is out of memory",
    "53300": "the database server has too many connections",
    "25006": "the database is read-only",
    "57P01": "the database server was shut down",
    "57P03": "the database server is starting up or shutting down",
    "40001": "too many concurrent writers (gave up after retrying)",
    "40P01": "too many concurrent writers (gave up after retrying)",
    "55P03": "the database is locked by another process (gave up after retrying)",
    "42501": "permission denied",
}


def _postgresql(orig: BaseException, message: str, url: URL) -> str:
    where = f"{url.host or 'localhost'}:{url.port or 5432}/{url.database or ''}"
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate in _SQLSTATE:
        return f"database error on {where}: {_SQLSTATE[sqlstate]} ({message})"
    if sqlstate is None or message.startswith("connection") or sqlstate.startswith(("08", "28", "3D")):
        reason = message.removeprefix("connection failed:").strip()
        # psycopg: 'connection to server at "127.0.0.1", port 1 failed: Connection refused'
        if " failed: " in reason:
            reason = reason.split(" failed: ", 1)[1]
        reason = " ".join(reason.removeprefix("FATAL:").split())
        return f"cannot connect to the database at {where}: {reason}"
    return f"database error on {where}: {message}"
