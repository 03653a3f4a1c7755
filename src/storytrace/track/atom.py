"""An Atom feed of detected changes: one entry per new version of a tracked story (its first version aside).

Built with ElementTree, so every text from the web is escaped as XML; the entry says what changed in plain
words (the counts of the change summary and the reasons of substantive changes).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote
from xml.etree import ElementTree as ET

from sqlalchemy import select

from storytrace.diff import diff
from storytrace.store import Store, Story, Version

ATOM = "http://www.w3.org/2005/Atom"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
FEED_ID = "urn:storytrace:changes"


def recent_changes(store: Store, limit: int) -> list[tuple[Story, Version, str]]:
    """The latest `limit` versions that changed a story (number > 1), newest first, with the previous text."""
    query = (
        select(Version, Story)
        .join(Story, Story.id == Version.story_id)
        .where(Version.number > 1)
        .order_by(Version.captured_at.desc(), Version.id.desc())
        .limit(limit)
    )

    def run(session: Any) -> list[tuple[Story, Version, str]]:
        rows = session.execute(query).all()
        found = []
        for current, story in rows:
            before = session.scalar(
                select(Version.text).where(Version.story_id == story.id, Version.number == current.number - 1)
            )
            found.append((story, current, before or ""))
        return found

    return store.read(run)


def changes_feed(store: Store, *, limit: int = 50, title: str = "storytrace: changes to tracked stories") -> str:
    """The Atom document (UTF-8 text)."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _text(feed, "title", title)
    _text(feed, "id", FEED_ID)
    changes = recent_changes(store, limit)
    newest = changes[0][1].captured_at if changes else datetime(1970, 1, 1, tzinfo=UTC)
    _text(feed, "updated", newest.isoformat())
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", "storytrace")
    for story, current, before in changes:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        name = current.title or story.title or story.url
        _text(entry, "title", f"{name}: version {current.number}")
        _text(entry, "id", f"urn:storytrace:version:{story.id}:{current.number}")
        _text(entry, "updated", current.captured_at.isoformat())
        # (An address may hold what XML cannot, from an imported archive: percent-encoded, as in a URL. One that is
        # not a web address, `javascript:...` or an archive's key, is no link: the story's own URN stands in, as an
        # entry without content needs one.)
        if story.url.lower().startswith(("http://", "https://")):
            href = _NOT_XML.sub(lambda found: quote(found.group()), story.url)
        else:
            href = f"urn:storytrace:story:{story.id}"
        ET.SubElement(entry, f"{{{ATOM}}}link", {"rel": "alternate", "href": href})
        _text(entry, "summary", change_words(before, current.text, current.change_summary))
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def change_words(before: str, after: str, summary: dict[str, Any] | None) -> str:
    """'2 substantive, 1 minor, 3 added: number 12 → 15; negation added' in plain words."""
    result = diff(before, after) if before else None
    counts = summary or (result.summary() if result else {})
    parts = [f"{counts[k]} {k}" for k in ("substantive", "minor", "added", "deleted") if counts.get(k)]
    reasons: list[str] = []
    if result is not None:
        for link in result.links:
            if link.kind == "substantive":
                reasons.extend(r for r in link.reasons if r not in reasons)
    head = ", ".join(parts) or "wording unchanged"
    return f"{head}: {'; '.join(reasons[:8])}" if reasons else head


def _text(parent: ET.Element, tag: str, value: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}")
    element.text = _NOT_XML.sub("", value)  # control characters cannot appear in XML at all, even escaped
    return element
