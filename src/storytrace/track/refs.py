"""Versions named on the command line: `URL@3`, `URL@first`, `URL@latest` (a story in the store)."""

from __future__ import annotations

import re

from storytrace.errors import InputError
from storytrace.store import Store, find_story, version
from storytrace.track.urls import canonical_url

_REF = re.compile(r"^(?P<url>https?://\S+)@(?P<which>\d+|first|latest)$", re.IGNORECASE)


def is_version_ref(text: str) -> bool:
    return bool(_REF.match(text.strip()))


def stored_version(store: Store, ref: str) -> tuple[str, str]:
    """(label, text) of the stored version `ref` names; a one-line InputError if there is none."""
    match = _REF.match(ref.strip())
    if match is None:
        raise InputError(f"{ref}: not a stored version (URL@NUMBER, URL@first or URL@latest)")
    url = canonical_url(match["url"])
    which_text = match["which"].lower()
    which: int | str = int(which_text) if which_text.isdigit() else which_text
    story = find_story(store, url)
    if story is None:
        raise InputError(f"no story is tracked at {url} (storytrace add {url})")
    found = version(store, story, which)  # type: ignore[arg-type]
    if found is None:
        count = story.version_count
        raise InputError(f"{url} has no version {which_text} (it has {count} version{'s' if count != 1 else ''})")
    return f"{url}@{found.number}", found.text


def story_versions(store: Store, url: str) -> list[tuple[str, str, str]]:
    """(label, ISO time, text) of every version of the story at `url`, oldest first."""
    from storytrace.store import versions_of

    story = find_story(store, canonical_url(url))
    if story is None:
        raise InputError(f"no story is tracked at {url}")
    found = []
    for info in versions_of(store, story):
        full = version(store, story, info.number)
        if full is not None:
            found.append((f"v{info.number}", info.captured_at.isoformat(), full.text))
    return found
