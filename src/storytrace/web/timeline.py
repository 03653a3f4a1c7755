"""The story page's chart: how much each version changed, as an inline SVG drawn from numbers computed here.

One bar per version, stacked by kind (substantive, minor, added, deleted sentence links against the version
before), each a link to that change's diff. Everything placed in SVG attributes is a number or an escaped label.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from storytrace.report.collation_html import _nice_top
from storytrace.store import VersionInfo

STACK = ("substantive", "minor", "added", "deleted")
PLOT_HEIGHT = 120
TOP = 12
LEFT = 36
RIGHT = 8
BOTTOM = 22


@dataclass(frozen=True)
class Segment:
    kind: str
    y: float
    height: float


@dataclass(frozen=True)
class Bar:
    number: int
    x: float
    width: float
    total: int
    segments: tuple[Segment, ...]
    title: str
    href: str | None


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    top: int
    left: int
    right: int
    baseline: int
    bars: tuple[Bar, ...]
    ticks: tuple[tuple[float, int], ...]
    labels: tuple[tuple[float, int], ...]  # (x, version number) under the axis
    summary: str


def change_counts(summary: dict[str, Any] | None) -> dict[str, int]:
    """The counts of the four kinds of change in a version's change summary (0 when it has none)."""
    counts = {}
    for kind in STACK:
        try:
            counts[kind] = max(int((summary or {}).get(kind, 0) or 0), 0)
        except (TypeError, ValueError):
            counts[kind] = 0
    return counts


def change_size(summary: dict[str, Any] | None) -> int:
    return sum(change_counts(summary).values())


def change_chart(versions: Sequence[VersionInfo], href: Callable[[int], str], *, width: int | None = None) -> Chart:
    """The chart of a story's versions (in number order); `href(n)` is the diff from version n-1 to n. Its width
    grows with the number of versions (28 units each) from 320 up to 1160, unless given."""
    n = len(versions)
    width = width or min(max(LEFT + RIGHT + 28 * n, 320), 1160)
    plot = max(width - LEFT - RIGHT, 1)
    step = plot / max(n, 1)
    bar_width = max(min(step * 0.7, 28.0), 1.0)
    sizes = [change_counts(v.change_summary) for v in versions]
    highest, tick = _nice_top(max((sum(s.values()) for s in sizes), default=0))
    scale = PLOT_HEIGHT / highest
    baseline = TOP + PLOT_HEIGHT
    bars = []
    for k, (info, counts) in enumerate(zip(versions, sizes, strict=True)):
        x = round(LEFT + k * step + (step - bar_width) / 2, 2)
        y = float(baseline)
        segments = []
        for kind in STACK:
            if counts[kind]:
                h = round(counts[kind] * scale, 2)
                y = round(y - h, 2)
                segments.append(Segment(kind, y, h))
        total = sum(counts.values())
        when = info.captured_at.strftime("%Y-%m-%d %H:%M")
        if info.number == 1:
            words = "first version"
        elif info.change_summary is None:
            words = "no change summary"
        else:
            words = ", ".join(f"{counts[k]} {k}" for k in STACK if counts[k]) or "no sentence changed"
        bars.append(
            Bar(info.number, x, round(bar_width, 2), total, tuple(segments), f"Version {info.number}, {when}: {words}",
                href(info.number) if info.number > 1 else None)
        )
    every = max(1, round(n / 12))
    labels = tuple(
        (round(LEFT + k * step + step / 2, 2), v.number) for k, v in enumerate(versions) if k % every == 0
    )
    ticks = tuple((round(baseline - value * scale, 2), value) for value in range(0, highest + 1, tick))
    changed = sum(1 for v, s in zip(versions, sizes, strict=True) if v.number > 1 and any(s.values()))
    substantive = sum(1 for s in sizes if s["substantive"])
    summary = (
        f"{n} version{'s' if n != 1 else ''}: {changed} changed sentences, {substantive} of them substantively. "
        "Bar height: sentences changed, added or deleted against the version before."
    )
    return Chart(width, baseline + BOTTOM, TOP, LEFT, width - RIGHT, baseline, tuple(bars), ticks, labels, summary)
