"""Which outlet published a story: the host of its URL, lower-cased, without a leading "www.".

Used for the stories filter (a condition on the URL, so the database can answer it) and as the outlet of each
version in a collation (copies of a story at other outlets are then other sources).
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

from sqlalchemy import ColumnElement, or_

from storytrace.store import Story


@lru_cache(maxsize=65_536)
def outlet_of(url: str) -> str:
    """`https://www.Gazette.example:8080/a` -> `gazette.example`; the URL itself when it has no host."""
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:
        host = ""
    host = host.lower()
    if host.startswith("www."):
        host = host[4:]
    return host or url.strip()


def _escaped(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def outlet_condition(outlet: str) -> ColumnElement[bool]:
    """Stories whose URL's host is `outlet` (with or without "www.", any scheme or port)."""
    host = _escaped(outlet_of(f"//{outlet.strip()}") if "://" not in outlet else outlet_of(outlet))
    patterns = []
    for scheme in ("http", "https"):
        for prefix in ("", "www."):
            base = f"{scheme}://{prefix}{host}"
            patterns += [base, f"{base}/%", f"{base}:%", f"{base}?%", f"{base}#%"]
    return or_(*(Story.url.ilike(p, escape="\\") for p in patterns))
