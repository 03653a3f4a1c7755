"""Checks per minute and memory of the watcher (storytrace.track) against the loopback news site, end to end.

A check is what `storytrace watch` does for one story: a conditional GET (the ETag and Last-Modified of the
story's last judged answer), extraction and the page verdicts, the store write (a new version with its change
summary, or a check row) and the rescheduling. The site runs in its own process with --copies copies of the demo
stories and its admin endpoint on. The store is a fresh SQLite file in a temporary directory (or --url, an empty
database). A storytrace.toml sets politeness_delay = 0 and a 1 ms schedule (every story is due again at once);
everything else is at its default. The feed is added with `storytrace add` (a subprocess, as a user would), then the
watcher runs in this process on one Tracker, so its resident memory can be sampled after every check:

- each round publishes the next revision of --change-share of the articles (1: all, with POST
  /_site/advance?wrap=1; less: that share, picked at random, one POST each), then runs
  `watch(tracker, once=True)`, which is `storytrace watch --once`: every due story checked once;
- with --continuous, one `watch()` runs all the checks (a long-running `storytrace watch`), and the site is
  advanced each time as many checks as there are articles have been made.

The first round (the first sighting of every article, version 1) is not counted. The stock demo stories have 2
or 3 revisions, so after the first rounds `wrap=1` brings back texts the stories already had (flip_flop) or the
text they have (not_modified). --revisions K serves the same stories with K revisions each instead (from a child
process of this script, the same NewsSite), each revision after the stock ones adding one changed sentence, so
that changed articles keep finding new versions.

    .venv/bin/python bench/watch_speed.py                          # stock demo site, 300 articles, 10,000 checks
    .venv/bin/python bench/watch_speed.py --revisions 40            # every check finds a new version
    .venv/bin/python bench/watch_speed.py --revisions 40 --change-share 0.1   # 10% new versions, 90% 304
    .venv/bin/python bench/watch_speed.py --url "$STORYTRACE_TEST_PG"          # an empty PostgreSQL database
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import aiohttp
from machine import describe, write_report

from storytrace.demo.site import DEMO_STORIES, Article, NewsSite, Revision
from storytrace.store import open_store, stories
from storytrace.track.checks import CheckReport, Tracker
from storytrace.track.config import load_config
from storytrace.track.session import tracking
from storytrace.track.watcher import watch

T = TypeVar("T")
TARGET_PER_MINUTE = 1000
RSS_AT = (1000, 5000, 10_000)
STORYTRACE = Path(sys.executable).with_name("storytrace")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def rss_mb() -> float:
    """This process's resident set size in MB (VmRSS)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# --- the site ---


def extended_articles(copies: int, revisions: int) -> list[Article]:
    """The demo stories, each with `revisions` revisions: the stock ones, then one changed sentence each."""
    articles = []
    for copy in range(copies):
        for slug, stock in DEMO_STORIES:
            chain = list(stock)
            last = stock[-1]
            for k in range(1, revisions - len(stock) + 1):
                extra = (
                    f"A spokesman said on {DAYS[k % 7]} that {3 * k + 1} further reports had been received since "
                    f"the last update, number {k}, and that the article would be updated again."
                )
                chain.append(Revision(last.title, (*last.paragraphs, extra), last.byline))
            articles.append(Article(slug if copy == 0 else f"{slug}-{copy}", chain))
    return articles


def serve_site(copies: int, revisions: int) -> None:
    """Child mode: serve the extended stories with the admin endpoint until stdin closes or SIGTERM."""
    site = NewsSite(extended_articles(copies, revisions), admin=True).start()
    print(f"{site.name} at {site.base_url}/ (feeds: /feeds/rss.xml)", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        sys.stdin.read()
    finally:
        site.stop()


def start_site(copies: int, revisions: int) -> tuple[subprocess.Popen[str], str]:
    if revisions:
        command = [sys.executable, __file__, "--serve-site", "--copies", str(copies), "--revisions", str(revisions)]
    else:
        command = [sys.executable, "-m", "storytrace.demo.site", "--port", "0", "--admin", "--copies", str(copies)]
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()
    if " at http://" not in line:
        process.kill()
        raise SystemExit(f"the news site did not start: {line!r}")
    return process, line.split(" at ", 1)[1].split("/ ", 1)[0]


# --- the watcher, with its worker-thread time by function ---


class TimedTracker(Tracker):
    """A Tracker that adds up, per function, the time its blocking work takes inside the worker threads."""

    def __init__(self, tracker: Tracker) -> None:
        super().__init__(tracker.store, tracker.fetcher, tracker.config)
        self.seconds: defaultdict[str, float] = defaultdict(float)
        self.calls: Counter[str] = Counter()

    async def in_thread(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        def timed() -> T:
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds[fn.__name__] += time.perf_counter() - started
                self.calls[fn.__name__] += 1

        return await asyncio.to_thread(timed)


def write_config(path: Path, args: argparse.Namespace) -> None:
    path.write_text(
        f"""# bench/watch_speed.py: no politeness delay, every story due again 1 ms after its check
[fetch]
politeness_delay = 0
per_host_concurrency = {args.per_host}

[schedule]
first_interval = "1ms"
max_interval = "1ms"
factor = 1.0

[watch]
concurrency = {args.concurrency}
"""
    )


def add_feed(feed: str, db: str, config: Path) -> float:
    """`storytrace add FEED`: the source and one story per article (none fetched yet)."""
    started = time.perf_counter()
    command = [str(STORYTRACE), "add", feed, "--db", db, "--config", str(config), "--json"]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


class Tally:
    """What the counted checks came to, with the latency and RSS samples."""

    def __init__(self) -> None:
        self.stories = 0
        self.outcomes: Counter[str] = Counter()
        self.other: Counter[str] = Counter()  # feed reads
        self.latencies: defaultdict[str, list[float]] = defaultdict(list)
        self.rss: list[tuple[int, float]] = []
        self.counting = False

    def __call__(self, report: CheckReport) -> None:
        if not self.counting:
            return
        if report.new_stories or report.outcome in ("feed_parsed", "feed_error"):
            self.other[report.outcome] += 1
            return
        self.stories += 1
        self.outcomes[report.outcome] += 1
        self.latencies[report.outcome].append(report.elapsed_ms)
        if self.stories % 1000 == 0:
            self.rss.append((self.stories, round(rss_mb(), 1)))


async def advance(admin: aiohttp.ClientSession, base: str, slugs: list[str], share: float, rng: random.Random) -> None:
    if share >= 1:
        async with admin.post(f"{base}/_site/advance?wrap=1") as answer:
            answer.raise_for_status()
        return
    for slug in rng.sample(slugs, round(len(slugs) * share)):
        async with admin.post(f"{base}/_site/advance/{slug}?wrap=1") as answer:
            answer.raise_for_status()


async def bench(args: argparse.Namespace, base: str, db: str, config_path: Path) -> dict[str, object]:
    config = load_config(config_path)
    rng = random.Random(args.seed)
    tally = Tally()
    async with tracking(config, db) as plain, aiohttp.ClientSession() as admin:
        tracker = TimedTracker(plain)
        slugs = [s.url.rsplit("/", 1)[1] for s in await tracker.in_thread(stories, tracker.store)]
        started = time.perf_counter()
        first = await watch(tracker, once=True)  # the first sighting: version 1 of every article
        first_s = time.perf_counter() - started
        tracker.seconds.clear()
        tracker.calls.clear()
        gc.collect()
        rss_start = round(rss_mb(), 1)
        tally.counting = True
        rounds = 0
        advancing = 0.0
        started = time.perf_counter()
        if args.continuous:
            stop = asyncio.Event()
            task = asyncio.create_task(watch(tracker, report=tally, stop=stop))
            while tally.stories < args.checks and not task.done():
                if tally.stories >= rounds * len(slugs):
                    began = time.perf_counter()
                    await advance(admin, base, slugs, args.change_share, rng)
                    advancing += time.perf_counter() - began
                    rounds += 1
                await asyncio.sleep(0.01)
            stop.set()
            await task
        else:
            while tally.stories < args.checks:
                began = time.perf_counter()
                await advance(admin, base, slugs, args.change_share, rng)
                advancing += time.perf_counter() - began
                await watch(tracker, once=True, report=tally)
                rounds += 1
        elapsed = time.perf_counter() - started
        rss_end = round(rss_mb(), 1)

    watching = elapsed - advancing
    everything = [ms for values in tally.latencies.values() for ms in values]
    by_rss = dict(tally.rss)
    at = {n: by_rss.get(n) for n in RSS_AT if n <= tally.stories}
    threads = {
        name: {"calls": tally_calls, "ms_per_call": round(tracker.seconds[name] / tally_calls * 1000, 2),
               "share_of_watch_time": round(tracker.seconds[name] / watching, 3)}
        for name, tally_calls in tracker.calls.most_common()
    }
    return {
        "store": db.split("@")[-1] if "@" in db else "sqlite (temporary file)",
        "articles": len(slugs),
        "revisions": args.revisions or "stock (2-3)",
        "change_share": args.change_share,
        "mode": "continuous watch()" if args.continuous else "rounds of watch(once=True)",
        "watch_concurrency": args.concurrency,
        "per_host_concurrency": args.per_host,
        "first_sighting": {"checks": first.checks, "seconds": round(first_s, 2), "outcomes": first.by_outcome},
        "rounds": rounds,
        "checks": tally.stories,
        "elapsed_s": round(elapsed, 2),
        "advance_s": round(advancing, 2),
        "checks_per_minute": round(tally.stories / elapsed * 60),
        "checks_per_minute_watching": round(tally.stories / watching * 60),
        "target_per_minute": TARGET_PER_MINUTE,
        "outcomes": dict(tally.outcomes.most_common()),
        "feed_reads": dict(tally.other),
        "latency_ms_p50": round(statistics.median(everything), 1),
        "latency_ms_p95": round(statistics.quantiles(everything, n=20)[-1], 1),
        "latency_ms_p50_by_outcome": {k: round(statistics.median(v), 1) for k, v in tally.latencies.items()},
        "worker_thread_time": threads,
        "rss_mb_start": rss_start,
        "rss_mb_at": at,
        "rss_mb_samples": tally.rss,
        "rss_mb_end": rss_end,
        "rss_mb_growth_1000_to_end": round(rss_end - by_rss[1000], 1) if 1000 in by_rss else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checks", type=int, default=10_000, help="story checks to count (at least)")
    parser.add_argument("--copies", type=int, default=100, help="copies of the 3 demo stories (articles / 3)")
    parser.add_argument("--revisions", type=int, default=0, help="revisions per story (0: the stock 2-3)")
    parser.add_argument("--change-share", type=float, default=1.0, help="share of articles advanced per round")
    parser.add_argument("--continuous", action="store_true", help="one long watch() instead of --once rounds")
    parser.add_argument("--concurrency", type=int, default=8, help="[watch] concurrency (default as shipped)")
    parser.add_argument("--per-host", type=int, default=2, help="[fetch] per_host_concurrency (default as shipped)")
    parser.add_argument("--url", help="an empty store (default: a new SQLite file in a temporary directory)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--serve-site", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_site:
        serve_site(args.copies, args.revisions)
        return
    if args.revisions and args.revisions < 3:
        parser.error("--revisions must be at least 3 (the stock stories have up to 3)")

    process, base = start_site(args.copies, args.revisions)
    try:
        with tempfile.TemporaryDirectory() as scratch:
            db = args.url or f"sqlite:///{Path(scratch) / 'watch.db'}"
            with open_store(db) as store:
                if stories(store, limit=1):
                    raise SystemExit(f"{db.split('@')[-1]} is not empty: the benchmark needs a store of its own")
            config_path = Path(scratch) / "storytrace.toml"
            write_config(config_path, args)
            add_s = add_feed(base + "/feeds/rss.xml", db, config_path)
            row = asyncio.run(bench(args, base, db, config_path))
            row["add_feed_s"] = round(add_s, 2)
    finally:
        process.terminate()
        process.wait(10)

    print(f"command: .venv/bin/python bench/watch_speed.py {' '.join(sys.argv[1:])}".rstrip())
    print(f"machine: {describe()}; store: {row['store']}; pid {os.getpid()}")
    print(
        f"{row['articles']} articles ({row['revisions']} revisions, {row['change_share']:.0%} advanced per round), "
        f"{row['mode']}, watch concurrency {row['watch_concurrency']}, per host {row['per_host_concurrency']}"
    )
    first = row["first_sighting"]
    assert isinstance(first, dict)
    print(f"storytrace add (feed): {row['add_feed_s']} s; first sighting: {first['checks']} checks in "
          f"{first['seconds']} s {first['outcomes']} (not counted)")
    print(
        f"{row['checks']:,} checks in {row['rounds']} rounds: {row['elapsed_s']} s, {row['checks_per_minute']:,} "
        f"checks/min (target {TARGET_PER_MINUTE:,}); {row['checks_per_minute_watching']:,}/min without the "
        f"{row['advance_s']} s of advancing the site"
    )
    print(f"outcomes: {row['outcomes']}; feed reads: {row['feed_reads']}")
    print(f"latency per check: p50 {row['latency_ms_p50']} ms, p95 {row['latency_ms_p95']} ms; "
          f"p50 by outcome {row['latency_ms_p50_by_outcome']}")
    threads = row["worker_thread_time"]
    assert isinstance(threads, dict)
    print("worker-thread time: " + "; ".join(
        f"{name} {t['calls']}x {t['ms_per_call']} ms ({t['share_of_watch_time']:.0%})" for name, t in threads.items()
    ))
    samples = row["rss_mb_samples"]
    assert isinstance(samples, list)
    growth = row["rss_mb_growth_1000_to_end"]
    since = "" if growth is None else f" ({growth:+} MB since 1,000 checks)"
    print(f"watcher RSS: {row['rss_mb_start']} MB after the first sighting, at checks {row['rss_mb_at']}, "
          f"{row['rss_mb_end']} MB at the end{since}")
    print("RSS samples (checks: MB): " + ", ".join(f"{n}: {mb}" for n, mb in samples))
    if args.json:
        write_report(args.json, "watch_speed.py", [row])


if __name__ == "__main__":
    main()
