"""Which outlet published a story: the host of its URL, lower-cased, without a leading "www.".

Used for the stories filter (a condition on the URL, so the database can answer it) and as the outlet of each
version in a collation (copies of a story at other outlets are then other sources).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_

from storytrace.store import Story
from storytrace.track.urls import outlet_of


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
