"""The collation page: a story's versions (and optionally other stories' versions, its copies at other outlets)
collated into statements, shown with the HTML report's view model (`storytrace.report.collation_html.context`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from storytrace.collate import collate
from storytrace.collation.versions import Version
from storytrace.store import VersionText
from storytrace.web.queries import StoryRow
from storytrace.web.render import DIRECTION_CONTROLS, isolated


def spread(count: int, keep: int) -> list[int]:
    """`keep` indices out of range(count), evenly spaced, the first and the last always among them."""
    if count <= keep:
        return list(range(count))
    if keep <= 1:
        return [count - 1]
    return sorted({round(i * (count - 1) / (keep - 1)) for i in range(keep)})


def pick(counts: Sequence[int], limit: int) -> list[list[int]]:
    """For stories with these numbers of versions, the version numbers to collate: at most `limit` in all, shared
    in proportion to the stories' versions, evenly spaced in each story (its first and latest kept)."""
    total = sum(counts)
    picked = []
    for count in counts:
        share = count if total <= limit else max(1, count * limit // total)
        picked.append([i + 1 for i in spread(count, share)])
    return picked


def label(story: StoryRow, version: VersionText, several: bool) -> str:
    """`v3 · 2025-03-01 09:00`, after the outlet when several stories are collated; an outlet holding a direction
    control (an imported address can) is isolated in it, or it would reverse the version and time after it."""
    when = version.captured_at.strftime("%Y-%m-%d %H:%M")
    if not several:
        return f"v{version.number} · {when}"
    outlet = isolated(story.outlet) if DIRECTION_CONTROLS.search(story.outlet) else story.outlet
    return f"{outlet} v{version.number} · {when}"


def collation_document(items: Sequence[tuple[StoryRow, VersionText]]) -> dict[str, Any]:
    """The `storytrace.collation/1` document: each version labelled, with its story's outlet and capture time."""
    several = len({story.id for story, _ in items}) > 1
    versions = [
        Version(v.text, label(story, v, several), story.outlet, v.captured_at.isoformat()) for story, v in items
    ]
    return collate(versions).to_dict()
