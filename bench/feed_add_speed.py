"""`storytrace add` of one big feed: the store work per entry as it was, and batched as it is, side by side.

A feed of --entries RSS items (seeded titles and dates, one link each) is written to a temporary folder and served
by `python -m http.server` on loopback, in its own process. Then, each on a new store:

- parse: `parse_feed` of the body alone (feedparser), the same for every way below;
- store, per entry (before): what the tracker did with each entry until batching: `find_story`, then `add_story`
  when missing, two transactions an entry;
- store, batched (after): `add_stories`, what the tracker does now, a batch of 1,000 per transaction;
- `storytrace add URL` end to end (a subprocess, as a user runs it), with `max_feed_entries` above the feed's size
  so that every entry is tracked, then with the default cap; with --before-src DIR (an older `src/` folder, e.g.
  from `git archive`), the same command run from that source (STORYTRACE_PURE=1) too.

Every way must store the same stories; the script checks the rows and the store's invariants.

    .venv/bin/python bench/feed_add_speed.py                          # SQLite files in a temporary directory
    .venv/bin/python bench/feed_add_speed.py --url "$STORYTRACE_TEST_PG"   # a schema per run in that database
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from machine import describe, write_report
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from storytrace.fetch import FeedEntry, parse_feed
from storytrace.store import add_source, add_stories, add_story, find_story, open_store, problems, stories
from storytrace.track.config import WatchOptions
from storytrace.track.urls import canonical_url

CLI = "from storytrace.cli import main; main()"
START = datetime(2024, 1, 1, tzinfo=UTC)


def write_feed(path: Path, entries: int, port: int, seed: int) -> None:
    """An RSS 2.0 feed of `entries` items, each dated (shuffled, so feed order is not date order)."""
    rng = random.Random(seed)
    moments = [START + timedelta(minutes=i) for i in range(entries)]
    rng.shuffle(moments)
    items = "".join(
        f"<item><title>Story {i}</title><link>http://127.0.0.1:{port}/news/{i}?src=feed</link>"
        f"<guid>story-{i}</guid><pubDate>{format_datetime(moments[i])}</pubDate></item>\n"
        for i in range(entries)
    )
    path.write_text(
        f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>Big feed</title>'
        f"<link>http://127.0.0.1:{port}/</link>\n{items}</channel></rss>\n",
        encoding="utf-8",
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def served(folder: Path, port: int) -> Iterator[None]:
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(folder)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        yield
    finally:
        server.terminate()
        server.wait(timeout=10)


class Stores:
    """A new store per run: a SQLite file in the scratch folder, or a schema of its own in --url's database."""

    def __init__(self, scratch: Path, base: str | None) -> None:
        self.scratch, self.base = scratch, base
        self.schemas: list[str] = []

    def new(self, name: str) -> str:
        if self.base is None:
            return f"sqlite:///{self.scratch / (name + '.db')}"
        schema = f"bench_{uuid.uuid4().hex[:12]}"
        with create_engine(self.base).begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        self.schemas.append(schema)
        url = make_url(self.base).update_query_dict({"options": f"-csearch_path={schema}"})
        return url.render_as_string(hide_password=False)

    def drop(self) -> None:
        if self.base is not None:
            with create_engine(self.base).begin() as connection:
                for schema in self.schemas:
                    connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


def per_entry(url: str, feed_url: str, entries: tuple[FeedEntry, ...]) -> float:
    """The tracker's loop before batching (a read and, for a new story, a write transaction per entry): seconds."""
    with open_store(url) as store:
        source = add_source(store, feed_url)
        started = time.perf_counter()
        for entry in entries:
            link = canonical_url(entry.link)
            if find_story(store, link) is None:
                add_story(store, link, source=source, title=entry.title, check_interval_s=900)
        return time.perf_counter() - started


def batched(url: str, feed_url: str, entries: tuple[FeedEntry, ...]) -> float:
    """What the tracker does now: seconds."""
    with open_store(url) as store:
        source = add_source(store, feed_url)
        started = time.perf_counter()
        add_stories(store, [(canonical_url(e.link), e.title) for e in entries], source=source, check_interval_s=900)
        return time.perf_counter() - started


def command(url: str, feed_url: str, config: Path, src: Path | None = None) -> float:
    """`storytrace add FEED` in a new process: seconds, start to exit."""
    env = dict(os.environ)
    if src is not None:
        env.update(PYTHONPATH=str(src), STORYTRACE_PURE="1")
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", CLI, "add", feed_url, "--db", url, "--config", str(config)],
                          capture_output=True, text=True, env=env, cwd=config.parent, check=False)
    if done.returncode != 0:
        raise SystemExit(f"storytrace add failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    return time.perf_counter() - started


def stored(url: str) -> tuple[int, set[str], list[str]]:
    with open_store(url) as store:
        rows = stories(store)
        return len(rows), {row.url for row in rows}, problems(store)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=50_000, help="items in the feed")
    parser.add_argument("--url", help="a scratch PostgreSQL database (default: SQLite files)")
    parser.add_argument("--before-src", type=Path, help="an older src/ folder to run `storytrace add` from too")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        port = free_port()
        write_feed(scratch / "feed.xml", args.entries, port, args.seed)
        feed_url = f"http://127.0.0.1:{port}/feed.xml"
        cap = WatchOptions().max_feed_entries
        settings = '[fetch]\npoliteness_delay = 0\nmax_bytes = 1000000000\n'
        (scratch / "all.toml").write_text(settings + f"[watch]\nmax_feed_entries = {args.entries}\n")
        (scratch / "capped.toml").write_text(settings)  # (and the older source's, which has no cap)
        body = (scratch / "feed.xml").read_bytes()
        print(f"machine: {describe()}\nfeed: {args.entries:,} entries, {len(body) / 1e6:.1f} MB; "
              f"store: {'SQLite' if args.url is None else args.url.split('@')[-1]}", flush=True)
        started = time.perf_counter()
        parsed = parse_feed(body, url=feed_url)
        seconds = time.perf_counter() - started
        assert parsed.feed is not None, parsed.detail
        entries = parsed.feed.entries
        rows: dict[str, dict[str, object]] = {"parse": {"seconds": round(seconds, 2), "entries": len(entries)}}
        print(f"parse_feed alone: {seconds:.2f} s", flush=True)
        stores = Stores(scratch, args.url)
        expected: set[str] | None = None
        try:
            with served(scratch, port):
                runs: list[tuple[str, Callable[[str], float]]] = [
                    ("store, per entry (before)", lambda url: per_entry(url, feed_url, entries)),
                    ("store, batched (after)", lambda url: batched(url, feed_url, entries)),
                    ("storytrace add, every entry", lambda url: command(url, feed_url, scratch / "all.toml")),
                    (f"storytrace add, default cap ({cap:,})",
                     lambda url: command(url, feed_url, scratch / "capped.toml")),
                ]
                if args.before_src is not None:
                    runs.insert(3, ("storytrace add, every entry, --before-src", lambda url: command(
                        url, feed_url, scratch / "capped.toml", args.before_src.resolve())))
                for name, run in runs:
                    url = stores.new(f"run{len(rows)}")
                    seconds = run(url)
                    count, urls, found = stored(url)
                    if found:
                        raise SystemExit(f"{name}: the store has problems: {found}")
                    if "cap" not in name:
                        expected = urls if expected is None else expected
                        if urls != expected:
                            raise SystemExit(f"{name}: stored other stories than the first run")
                    rows[name] = {"seconds": round(seconds, 2), "stories": count,
                                  "per_s": round(count / seconds) if seconds else None}
                    print(f"{name}: {seconds:.2f} s, {count:,} stories", flush=True)
        finally:
            stores.drop()
        if args.json:
            write_report(args.json, "feed_add_speed.py", rows)


if __name__ == "__main__":
    main()
