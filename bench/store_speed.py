"""Speed of the version store: a bulk import, and `log` of one story in a store of 100,000 versions.

    .venv/bin/python bench/store_speed.py                       # SQLite in a temporary directory
    .venv/bin/python bench/store_speed.py --url "$STORYTRACE_TEST_PG"   # an (empty, scratch) PostgreSQL database

Texts are synthetic (seeded random words, about --text-bytes each, with a change summary per version), so the
figures measure the store, not the aligner. Reported times are wall-clock, the median of --reps runs for the log.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from machine import describe, write_report

from storytrace.store import NewVersion, add_story, add_versions_bulk, log, open_store, problems

WORDS = (
    "the a of to in and said police council minister fire harbour boat crossing people officials on Tuesday "
    "after before government report hundreds thousand Channel migrants small boats crossed weather statement "
    "spokesman confirmed rescue coastguard French British authorities"
).split()
START = datetime(2024, 1, 1, tzinfo=UTC)


def texts(seed: int, size: int) -> Iterator[str]:
    """Endless distinct article-like texts of about `size` characters: each one edits the last a little."""
    rng = random.Random(seed)
    sentences = [_sentence(rng) for _ in range(max(2, size // 80))]
    serial = 0
    while True:
        serial += 1
        sentences[rng.randrange(len(sentences))] = _sentence(rng)
        yield " ".join(sentences) + f" Updated {serial}."


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 18))]
    return " ".join(words).capitalize() + "."


def versions(count: int, seed: int, size: int) -> Iterator[NewVersion]:
    summary = {"unchanged": 20, "minor": 1, "substantive": 1, "added": 0, "deleted": 0}
    for i, text in zip(range(count), texts(seed, size), strict=False):
        yield NewVersion(
            text=text, captured_at=START + timedelta(minutes=10 * i), title=f"Story {seed}, take {i + 1}",
            extractor="bench 1", change_summary=summary,
        )


def bulk_import(url: str, stories: int, per_story: int, size: int) -> dict[str, float]:
    """Import stories x per_story versions in one add_versions_bulk call."""
    with open_store(url) as store:
        ids = [add_story(store, f"https://bench.example/import/{s}").id for s in range(stories)]
        items = ((sid, v) for sid in ids for v in versions(per_story, sid, size))
        started = time.perf_counter()
        result = add_versions_bulk(store, items)
        seconds = time.perf_counter() - started
        assert result.added == stories * per_story, result
    return {"versions": stories * per_story, "seconds": round(seconds, 3), "per_s": round(result.added / seconds)}


def fill(url: str, prefix: str, stories: int, per_story: int, size: int) -> list[str]:
    with open_store(url) as store:
        urls = [f"https://bench.example/{prefix}/{s}" for s in range(stories)]
        ids = [add_story(store, u).id for u in urls]
        add_versions_bulk(store, ((sid, v) for sid in ids for v in versions(per_story, sid, size)), batch_size=2000)
    return urls


def time_log(url: str, story_url: str, reps: int, limit: int | None = None) -> dict[str, float]:
    with open_store(url) as store:
        log(store, story_url, limit=limit)  # warm: connection, statement cache, pages
        times = []
        for _ in range(reps):
            started = time.perf_counter()
            entries = log(store, story_url, limit=limit).entries
            times.append(time.perf_counter() - started)
    return {"entries": len(entries), "median_ms": round(statistics.median(times) * 1000, 2),
            "max_ms": round(max(times) * 1000, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="store URL (default: a new SQLite file in a temporary directory)")
    parser.add_argument("--bulk", type=int, default=10_000, help="versions in the bulk import (100 stories)")
    parser.add_argument("--stories", type=int, default=1_000, help="stories in the 100k store")
    parser.add_argument("--per-story", type=int, default=100, help="versions per story in the 100k store")
    parser.add_argument("--big", type=int, default=100_000, help="versions of the one big story (0: skip)")
    parser.add_argument("--text-bytes", type=int, default=1_500, help="approximate size of each text")
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        url = args.url or f"sqlite:///{Path(scratch) / 'bench.db'}"
        print(f"store: {url.split('@')[-1]}\nmachine: {describe()}", flush=True)
        rows: dict[str, object] = {}
        rows["bulk_import"] = bulk_import(url, 100, args.bulk // 100, args.text_bytes)
        print(f"bulk import: {rows['bulk_import']}", flush=True)

        started = time.perf_counter()
        urls = fill(url, "many", args.stories, args.per_story, args.text_bytes)
        total = args.stories * args.per_story + args.bulk
        print(f"filled {args.stories} x {args.per_story} in {time.perf_counter() - started:.1f} s "
              f"(store now holds {total:,} versions)", flush=True)
        rows["log_one_story"] = {"store_versions": total, **time_log(url, urls[len(urls) // 2], args.reps)}
        print(f"log of one story: {rows['log_one_story']}", flush=True)

        if args.big:
            started = time.perf_counter()
            big = fill(url, "big", 1, args.big, args.text_bytes)[0]
            print(f"filled one story with {args.big:,} versions in {time.perf_counter() - started:.1f} s", flush=True)
            rows["log_big_story"] = time_log(url, big, max(3, args.reps // 4))
            rows["log_big_story_latest_100"] = time_log(url, big, args.reps, limit=100)
            print(f"log of the {args.big:,}-version story: {rows['log_big_story']}", flush=True)
            print(f"log of its latest 100: {rows['log_big_story_latest_100']}", flush=True)

        with open_store(url) as store:
            found = problems(store)
        print("integrity: " + ("ok" if not found else "; ".join(found)))
        if args.json:
            write_report(args.json, "store_speed.py", rows)
        sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
