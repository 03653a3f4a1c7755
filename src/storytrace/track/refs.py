"""Versions named on the command line: `URL@3`, `URL@first`, `URL@latest` (a story in the store)."""

from __future__ import annotations

from typing import Literal

from storytrace.collation.versions import Version
from storytrace.errors import InputError
from storytrace.store import Store, Story, count_source_stories, find_source, find_story, version, version_texts
from storytrace.track.urls import VERSION_REF, is_version_ref, outlet_of, story_key, story_keys


def stored_version(store: Store, ref: str) -> tuple[str, str]:
    """(label, text) of the stored version `ref` names; a one-line InputError if there is none."""
    match = VERSION_REF.match(ref.strip())
    if match is None:
        raise InputError(f"{ref}: not a stored version (URL@NUMBER, URL@first or URL@latest)")
    which_text = match["which"].lower()
    which: int | Literal["first", "latest"] = (
        int(which_text) if which_text.isdigit() else ("first" if which_text == "first" else "latest")
    )
    story = named_story(store, match["url"])
    if story is None:
        url = story_key(match["url"])
        raise InputError(no_story_at(store, url, f"no story is tracked at {url} (storytrace add {url})"))
    url = story.url
    # (a number past the last version is looked for nowhere: the database's integers stop at 2**63)
    beyond = isinstance(which, int) and which > story.version_count
    found = None if beyond else version(store, story, which)
    if found is None:
        count = story.version_count
        raise InputError(f"{url} has no version {which_text} (it has {count} version{'s' if count != 1 else ''})")
    return f"{url}@{found.number}", found.text


def stored_story_versions(store: Store, urls: list[str]) -> list[Version]:
    """Every version of each tracked story named by URL (URL@N: that version only), for a collation: the
    capture time as its time and the URL's outlet (its host) as its outlet."""
    found = []
    for url in urls:
        outlet = outlet_of(url)
        if is_version_ref(url):
            label, text = stored_version(store, url)
            found.append(Version(text, label, outlet))
            continue
        story = named_story(store, url)
        if story is None:
            raise InputError(no_story_at(store, url, f"no story is tracked at {url}"))
        prefix = f"{outlet} " if len(urls) > 1 else ""
        found += [
            Version(v.text, f"{prefix}v{v.number}", outlet, v.captured_at.isoformat())
            for v in version_texts(store, story)
        ]
    return found


def named_story(store: Store, text: str) -> Story | None:
    """The stored story `text` names (see `story_keys`), or None."""
    for key in story_keys(text):
        story = find_story(store, key)
        if story is not None:
            return story
    return None


def no_story_at(store: Store, text: str, fallback: str) -> str:
    """Why no story answers to the address `text`: a tracked feed is named as one, with where its articles are
    (each a story of its own), since `fallback` ("not tracked, add it") would send the user to add it again."""
    feed = find_source(store, story_key(text))
    if feed is None:
        return fallback
    count = count_source_stories(store, feed)
    articles = "the article it brought is a story of its own" if count == 1 else (
        f"the {count} articles it brought are stories of their own")
    return (f"{feed.url} is a tracked feed, not an article: {articles} (storytrace serve lists them at "
            f"/stories?feed={feed.id})")
