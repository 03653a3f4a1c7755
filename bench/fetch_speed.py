"""Checks per minute and memory of the fetcher against the loopback news site (storytrace.demo.site).

A check is what a watcher does for one article: a GET (conditional, with the previous ETag and
Last-Modified, unless --full) and, when a body comes back, extraction and the page checks against the
previous text. The site runs in its own process (`python -m storytrace.demo.site --admin`), with --copies
copies of the demo stories; before each round over all articles, --change-share of them are moved to their
next revision, so that share of checks finds a change. Politeness delay is 0 (this is a speed test).
Client RSS is sampled every --sample-every checks to show whether memory stays flat.

    .venv/bin/python bench/fetch_speed.py                        # 10,000 checks, ~10% with a change
    .venv/bin/python bench/fetch_speed.py --full --checks 3000   # every check downloads and extracts
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import statistics
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import aiohttp
from machine import describe, write_report

from storytrace.fetch import Fetcher, FetchOptions, assess, parse_feed

TARGET_PER_MINUTE = 1000


@dataclass
class Known:
    etag: str | None
    last_modified: str | None
    text: str


def rss_mb() -> float:
    """This process's resident set size in MB (VmRSS)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def start_site(copies: int) -> tuple[subprocess.Popen[str], str]:
    command = [sys.executable, "-m", "storytrace.demo.site", "--port", "0", "--admin", "--copies", str(copies)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()
    if " at http://" not in line:
        process.kill()
        raise SystemExit(f"the demo site did not start: {line!r}")
    return process, line.split(" at ", 1)[1].split("/ ", 1)[0]


async def bench(args: argparse.Namespace, base: str) -> dict[str, object]:
    options = FetchOptions(
        politeness_delay=0.0,
        per_host_concurrency=args.concurrency,
        total_concurrency=args.concurrency,
        retries=0,
        total_timeout=10.0,
    )
    rng = random.Random(args.seed)
    outcomes: Counter[str] = Counter()
    verdicts: Counter[str] = Counter()
    latencies: list[float] = []
    samples: list[tuple[int, float]] = []
    known: dict[str, Known] = {}
    done = 0

    async with Fetcher(options) as fetcher, aiohttp.ClientSession() as admin:
        feed = await fetcher.fetch(base + "/feeds/rss.xml")
        assert feed.body is not None, feed.detail
        parsed = parse_feed(feed.body, url=feed.final_url)
        assert parsed.feed is not None, parsed.detail
        links = [entry.link for entry in parsed.feed.entries]
        for link in links:  # the first sighting of every article (not counted)
            result = await fetcher.fetch(link)
            extracted, _ = assess(result)
            known[link] = Known(result.etag, result.last_modified, extracted.text)

        gate = asyncio.Semaphore(args.concurrency)

        async def check(link: str) -> None:
            nonlocal done
            async with gate:
                before = known[link]
                started = time.perf_counter()
                if args.full:
                    result = await fetcher.fetch(link)
                else:
                    result = await fetcher.fetch(link, etag=before.etag, last_modified=before.last_modified)
                outcomes[result.outcome] += 1
                if result.ok:
                    extracted, verdict = assess(result, before.text)
                    verdicts[verdict.verdict] += 1
                    known[link] = Known(result.etag, result.last_modified, extracted.text)
                latencies.append((time.perf_counter() - started) * 1000)
                done += 1
                if done % args.sample_every == 0:
                    samples.append((done, round(rss_mb(), 1)))

        gc.collect()
        samples.append((0, round(rss_mb(), 1)))
        started = time.perf_counter()
        while done < args.checks:
            slugs = [link.rsplit("/", 1)[1] for link in links]
            for slug in rng.sample(slugs, round(len(slugs) * args.change_share)):
                async with admin.post(f"{base}/_site/advance/{slug}?wrap=1") as answer:
                    answer.raise_for_status()
            batch = links[: args.checks - done]
            await asyncio.gather(*(check(link) for link in batch))
        elapsed = time.perf_counter() - started

    per_minute = done / elapsed * 60
    after_warmup = next((rss for count, rss in samples if count >= args.checks // 5), samples[0][1])
    return {
        "checks": done,
        "articles": len(links),
        "concurrency": args.concurrency,
        "mode": "full (no validators)" if args.full else "conditional",
        "elapsed_s": round(elapsed, 2),
        "checks_per_minute": round(per_minute),
        "target_per_minute": TARGET_PER_MINUTE,
        "latency_ms_p50": round(statistics.median(latencies), 2),
        "latency_ms_p95": round(statistics.quantiles(latencies, n=20)[-1], 2),
        "outcomes": dict(outcomes),
        "verdicts": dict(verdicts),
        "rss_mb_samples": samples,
        "rss_mb_start": samples[0][1],
        "rss_mb_after_warmup": after_warmup,
        "rss_mb_end": samples[-1][1],
        "rss_mb_growth_after_warmup": round(samples[-1][1] - after_warmup, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checks", type=int, default=10_000)
    parser.add_argument("--copies", type=int, default=100, help="copies of the 3 demo stories (articles / 3)")
    parser.add_argument("--concurrency", type=int, default=16, help="requests in flight at once")
    parser.add_argument("--change-share", type=float, default=0.1, help="share of articles changed per round")
    parser.add_argument("--full", action="store_true", help="no conditional GET: every check extracts")
    parser.add_argument("--sample-every", type=int, default=1000, help="checks between two RSS samples")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()

    process, base = start_site(args.copies)
    try:
        row = asyncio.run(bench(args, base))
    finally:
        process.terminate()
        process.wait(10)

    print(f"command: .venv/bin/python bench/fetch_speed.py {' '.join(sys.argv[1:])}".rstrip())
    print(f"machine: {describe()}")
    print(
        f"{row['checks']:,} checks ({row['mode']}) of {row['articles']} articles, {row['concurrency']} in flight: "
        f"{row['elapsed_s']} s, {row['checks_per_minute']:,} checks/min (target {TARGET_PER_MINUTE:,})"
    )
    print(f"latency per check: p50 {row['latency_ms_p50']} ms, p95 {row['latency_ms_p95']} ms")
    print(f"outcomes: {row['outcomes']}; page verdicts: {row['verdicts']}")
    print(
        f"client RSS: {row['rss_mb_start']} MB at start, {row['rss_mb_after_warmup']} MB after 20% of the checks, "
        f"{row['rss_mb_end']} MB at the end ({row['rss_mb_growth_after_warmup']:+} MB)"
    )
    samples = row["rss_mb_samples"]
    assert isinstance(samples, list)
    print("RSS samples (checks: MB): " + ", ".join(f"{n}: {mb}" for n, mb in samples))
    if args.json:
        write_report(args.json, "fetch_speed.py", [row])


if __name__ == "__main__":
    main()
