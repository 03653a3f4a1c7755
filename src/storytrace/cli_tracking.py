"""The tracking commands: `add`, `fetch`, `watch`, `log` and `feed` (a thin layer over storytrace.track).

Heavy modules (the store, the fetcher) are imported inside the commands, so `storytrace diff` stays quick.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from storytrace.cli_output import print_json, print_json_line
from storytrace.errors import StorytraceError
from storytrace.terminal import Terminal, write_out

if TYPE_CHECKING:
    from storytrace.track.checks import CheckReport, Tracker
    from storytrace.track.config import Config

Db = Annotated[
    str | None,
    typer.Option("--db", help="Store URL (default: $STORYTRACE_DB, the config's db, or sqlite:///storytrace.db)."),
]
ConfigFile = Annotated[
    Path | None, typer.Option("--config", help="Configuration file (default: ./storytrace.toml if present).")
]


class TrackingError(StorytraceError):
    """A tracking command that cannot do what was asked."""


# The largest number a database integer holds (SQLite INTEGER, PostgreSQL BIGINT).
MAX_LIMIT = 2**63 - 1


def _check_limit(limit: int | None) -> None:
    if limit is not None and not 1 <= limit <= MAX_LIMIT:
        raise TrackingError(f"--limit must be between 1 and {MAX_LIMIT:,}")


def _config(path: Path | None) -> Config:
    from storytrace.track.config import load_config

    return load_config(path)


def _printer(console: Console, as_json: bool = False) -> Callable[[CheckReport], None]:
    from storytrace.report.tracking import check_line

    def show(report: CheckReport) -> None:
        if as_json:
            print_json_line(_report_dict(report))
            sys.stdout.flush()
        else:
            console.print(check_line(report), soft_wrap=not console.is_terminal, highlight=False)

    return show


def _report_dict(report: CheckReport) -> dict[str, object]:
    return {
        "url": report.url,
        "outcome": report.outcome,
        "detail": report.detail,
        "version": report.version,
        "summary": report.summary,
        "new_stories": list(report.new_stories),
        "next_check": report.next_check.isoformat() if report.next_check else None,
    }


def _run_checks(
    config: Path | None,
    db: str | None,
    as_json: bool,
    checks: Callable[[Tracker, Callable[[CheckReport], None]], Awaitable[list[CheckReport]]],
) -> None:
    """Open the tracker, run `checks` (which shows each report), and exit 1 if every check failed."""
    from storytrace.track.session import tracking

    settings = _config(config)
    show = _printer(Terminal(), as_json)

    async def run() -> list[CheckReport]:
        async with tracking(settings, db) as tracker:
            return await checks(tracker, show)

    if all(report.failed for report in asyncio.run(run())):
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add the tracking commands to the `storytrace` app."""

    @app.command("add")
    def add_command(
        urls: Annotated[list[str], typer.Argument(help="Article pages or RSS/Atom feeds (detected).")],
        db: Db = None,
        config: ConfigFile = None,
        as_json: Annotated[bool, typer.Option("--json", help="One JSON object per URL.")] = False,
    ) -> None:
        """Track articles (fetched now, then re-checked on a schedule) or feeds (their articles are tracked)."""
        from storytrace.track.checks import track_url
        from storytrace.track.urls import canonical_url
        from storytrace.track.webhook import notify

        for url in urls:  # every address checked before the store is opened (and made, the first time)
            canonical_url(url)

        async def checks(tracker: Tracker, show: Callable[[CheckReport], None]) -> list[CheckReport]:
            found = []
            for url in urls:
                found.append(await track_url(tracker, url))
                show(found[-1])
                await notify(tracker, found[-1])  # (a version stored now is notified as the watcher's are)
            return found

        _run_checks(config, db, as_json, checks)

    @app.command("fetch")
    def fetch_command(
        urls: Annotated[list[str], typer.Argument(help="Article URLs to snapshot now (tracked if they are not).")],
        db: Db = None,
        config: ConfigFile = None,
        as_json: Annotated[bool, typer.Option("--json", help="One JSON object per URL.")] = False,
    ) -> None:
        """Check articles now, whatever their schedule; a new text is stored as their next version."""
        from storytrace.track.urls import canonical_url
        from storytrace.track.watcher import fetch_now

        canonical = [canonical_url(u) for u in urls]

        async def checks(tracker: Tracker, show: Callable[[CheckReport], None]) -> list[CheckReport]:
            reports = await fetch_now(tracker, canonical)
            for report in reports:
                show(report)
            return reports

        _run_checks(config, db, as_json, checks)

    @app.command("watch")
    def watch_command(
        db: Db = None,
        config: ConfigFile = None,
        once: Annotated[bool, typer.Option("--once", help="Run the checks that are due now, then exit.")] = False,
        as_json: Annotated[bool, typer.Option("--json", help="One JSON object per check.")] = False,
    ) -> None:
        """Watch tracked stories and feeds: check each as it falls due, store every real new version."""
        from storytrace.track.session import tracking
        from storytrace.track.watcher import watch

        settings = _config(config)
        console = Terminal(stderr=False)
        show = _printer(console, as_json)
        logging.basicConfig(level=logging.WARNING, format="storytrace: %(message)s", stream=sys.stderr)

        async def run() -> int:
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, stop.set)
            async with tracking(settings, db) as tracker:
                if not once and not as_json:
                    console.print(f"watching {tracker.store!r}; Ctrl-C stops", style="dim", highlight=False)
                if as_json or not console.is_terminal:
                    totals = await watch(tracker, once=once, report=show, stop=stop)
                else:  # a live status line under the check lines
                    with console.status("watching: waiting for the first check") as status:
                        seen = {"checks": 0, "new": 0}

                        def live(report: CheckReport) -> None:
                            show(report)
                            seen["checks"] += 1
                            seen["new"] += report.changed
                            status.update(f"watching: {seen['checks']} checks, {seen['new']} new versions; "
                                          f"last {report.outcome} {report.url}")

                        totals = await watch(tracker, once=once, report=live, stop=stop)
            if not as_json:
                counts = ", ".join(f"{n} {k}" for k, n in sorted(totals.by_outcome.items())) or "nothing was due"
                console.print(f"{totals.checks} check(s): {counts}", style="dim", highlight=False)
            return totals.checks

        asyncio.run(run())

    @app.command("log")
    def log_command(
        url: Annotated[str, typer.Argument(help="A tracked article's URL.")],
        db: Db = None,
        config: ConfigFile = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print the storytrace.log/1 JSON document.")] = False,
        limit: Annotated[int | None, typer.Option("--limit", help="Only the latest N versions.")] = None,
    ) -> None:
        """A story's versions, each with a one-line summary of what changed."""
        from storytrace.report.tracking import log_document, render_log
        from storytrace.store import UnknownStory, log, open_store
        from storytrace.track.refs import named_story, no_story_at
        from storytrace.track.session import store_url
        from storytrace.track.urls import story_key

        settings = _config(config)
        _check_limit(limit)
        key = story_key(url)
        with open_store(store_url(db, settings), create=False) as store:
            story = named_story(store, url)
            try:
                story_log = log(store, key if story is None else story.url, limit=limit)
            except UnknownStory:
                untracked = f"no story is tracked at {key} (storytrace add URL)"
                raise TrackingError(no_story_at(store, url, untracked)) from None
        if as_json:
            print_json(log_document(story_log))
        else:
            render_log(story_log, Terminal())

    @app.command("stop")
    def stop_command(
        urls: Annotated[list[str], typer.Argument(help="Tracked article or feed URLs.")],
        db: Db = None,
        config: ConfigFile = None,
        as_json: Annotated[bool, typer.Option("--json", help="One JSON object per URL.")] = False,
    ) -> None:
        """Stop watching articles or reading feeds; everything stored is kept (storytrace add resumes)."""
        from storytrace.store import UnknownStory, open_store, stop_tracking
        from storytrace.track.session import store_url
        from storytrace.track.urls import canonical_url

        settings = _config(config)
        canonical = [canonical_url(u) for u in urls]  # every address checked before the store is opened
        missing: list[str] = []
        console = Terminal()
        with open_store(store_url(db, settings), create=False) as store:
            for url in canonical:
                try:
                    what = stop_tracking(store, url)
                except UnknownStory:
                    missing.append(url)
                    continue
                if as_json:
                    print_json_line({"url": url, "stopped": what})
                else:
                    console.print(f"stopped {what} {url}", markup=False, highlight=False)
        if missing:
            raise TrackingError(f"not tracked: {missing[0]}" + (f" (and {len(missing) - 1} more)" if len(missing) > 1
                                                                 else ""))

    @app.command("feed")
    def feed_command(
        db: Db = None,
        config: ConfigFile = None,
        limit: Annotated[int, typer.Option("--limit", help="Most entries (latest changes first).")] = 50,
        output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to a file.")] = None,
    ) -> None:
        """An Atom feed of the changes detected in tracked stories."""
        from storytrace.store import open_store
        from storytrace.track.atom import changes_feed
        from storytrace.track.session import store_url

        settings = _config(config)
        _check_limit(limit)
        with open_store(store_url(db, settings), create=False) as store:
            document = changes_feed(store, limit=limit)
        if output is None:
            write_out(document)
        else:
            from storytrace.cli import _write

            _write(output, document)
