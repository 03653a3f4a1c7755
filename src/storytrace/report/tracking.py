"""Terminal output of the tracking commands: a story's log, and one line per check (plain or coloured)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from storytrace.store import FEED_STOP_REASON, StoryLog
from storytrace.track.checks import CheckReport

_STYLE = {
    "new_version": "bold green",
    "unchanged": "dim",
    "not_modified": "dim",
    "whitespace_only": "dim",
    "flip_flop": "yellow",
    "feed_parsed": "cyan",
}


def change_words(summary: dict[str, Any] | None, number: int) -> str:
    """'2 substantive · 1 minor · 3 added · 1 deleted' (or 'first version')."""
    if number == 1:
        return "first version"
    if not summary:
        return "changed (no summary)"
    parts = [f"{summary[k]} {k}" for k in ("substantive", "minor", "added", "deleted") if summary.get(k)]
    return " · ".join(parts) or "no sentence changed"


def log_document(story_log: StoryLog) -> dict[str, Any]:
    """The log as JSON: the story, then per version its number, time, title and change summary."""
    story = story_log.story
    return {
        "schema": "storytrace.log/1",
        "url": story.url,
        "title": story.title,
        "active": story.active,
        "next_check": _iso(story.next_check_at),
        "stop_reason": story.stop_reason,
        "failures": story.failures,
        "versions": [
            {
                "number": e.number,
                "captured_at": _iso(e.captured_at),
                "title": e.title,
                "change_summary": e.change_summary,
                "change": change_words(e.change_summary, e.number),
            }
            for e in story_log.entries
        ],
    }


def render_log(story_log: StoryLog, console: Console) -> None:
    story = story_log.story
    heading = Text(story.title or story.url, style="bold")
    console.print(heading)
    console.print(Text(story.url, style="dim"))
    table = Table(show_edge=False, pad_edge=False, box=None)
    table.add_column("#", justify="right")
    table.add_column("captured (UTC)")
    table.add_column("change")
    table.add_column("title", overflow="fold")
    for e in story_log.entries:
        style = "red" if (e.change_summary or {}).get("substantive") else ""
        table.add_row(str(e.number), e.captured_at.strftime("%Y-%m-%d %H:%M:%S"),
                      Text(change_words(e.change_summary, e.number), style=style), Text(e.title or ""))
    console.print(table)
    state = "watching" if story.active else "no longer watched"
    if not story.active and story.stop_reason == FEED_STOP_REASON:
        state += f" ({story.stop_reason}: storytrace log shows its articles, each by its own URL)"
    elif not story.active and story.stop_reason:
        state += f" ({story.stop_reason}; storytrace add URL watches it again)"
    elif not story.active and story.url.startswith(("http://", "https://")):  # (imported: never watched)
        state += " (storytrace add URL watches it)"
    elif story.active and story.failures:
        state += f" ({story.failures} failed check{'s' if story.failures != 1 else ''} in a row)"
    following = f", next check {story.next_check_at:%Y-%m-%d %H:%M} UTC" if story.active and story.next_check_at else ""
    count = len(story_log.entries)
    console.print(Text(f"{count} version{'s' if count != 1 else ''}; {state}{following}", style="dim"))


def check_line(report: CheckReport, console: Console | None = None) -> Text:
    """One check as a line: outcome, URL, version, detail (coloured when shown on a terminal)."""
    line = Text()
    line.append(f"{report.outcome:<17}", style=_STYLE.get(report.outcome, "bold red"))
    line.append(" ")  # (the column fits the longest outcome, "extraction_failed", which then met the URL)
    line.append(report.url)
    if report.version is not None:
        line.append(f" v{report.version}", style="bold")
        line.append(f" ({change_words(report.summary, report.version)})")
    if report.new_stories:
        line.append(f" +{len(report.new_stories)} article(s)", style="cyan")
    if report.detail:
        line.append(f" · {report.detail}", style="dim")
    return line


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()
