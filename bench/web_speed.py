"""Speed of the web app (`storytrace serve`), measured over HTTP on loopback against the real command.

    .venv/bin/python bench/web_speed.py            # about a minute; wrk if installed (apt-get install wrk)

Three targets:
- the story page of a story with 200 versions: server time (the Server-Timing header) < 200 ms;
- the diff page of two 5,000-sentence versions: < 1 s, cold (the diff computed in that request), next to the
  same work done by the command line's HTML report (storytrace.diff + report.html.render) in one process;
- the stories page on SQLite with 10,000 stories (30,000 versions): >= 500 requests/s from a load generator on
  loopback (wrk with 2 threads, else an aiohttp client), next to the JSON twin and a static file; then again with
  the list cache off (every request queries and renders the list), with the latency of search and filters.

Texts are real NYT sentences from ../shared/data/roft-nyt/prompts-nyt-dev.json, read at run time (never copied).
The server runs in its own process: `storytrace serve --db sqlite:///... --port N` (one uvicorn worker).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from machine import describe, write_report
from measured import wait_until_serving
from memory import build_documents
from pairs import load_passages

from storytrace.store import NewVersion, Store, Story, add_story, add_versions_bulk, open_store

START = datetime(2024, 1, 1, tzinfo=UTC)
OUTLETS = ("gazette.example", "courier.example", "herald.example", "tribune.example", "wire.example")
STORYTRACE = str(Path(sys.executable).with_name("storytrace"))


def _summary(rng: random.Random) -> dict[str, int]:
    return {"unchanged": rng.randint(10, 40), "minor": rng.randint(0, 3), "substantive": rng.choice((0, 0, 1, 2)),
            "added": rng.randint(0, 2), "deleted": rng.randint(0, 1)}


def _versions(passages: list[list[str]], index: int, count: int, rng: random.Random) -> Iterator[NewVersion]:
    """`count` versions of a story: a passage with one sentence replaced per version."""
    sentences = list(passages[index % len(passages)])
    for n in range(count):
        if n:
            sentences[rng.randrange(len(sentences))] = rng.choice(passages[rng.randrange(len(passages))])
        yield NewVersion(
            text=" ".join(sentences) + f" (Update {n + 1}.)", captured_at=START + timedelta(minutes=index + 7 * n),
            title=sentences[0][:70], change_summary=None if n == 0 else _summary(rng),
        )


def fill_many(store: Store, stories: int, per_story: int) -> None:
    """`stories` stories at five outlets, `per_story` versions each (change summaries given, not computed)."""
    from sqlalchemy import insert

    passages = load_passages()
    rows = [
        {"url": f"https://{OUTLETS[i % len(OUTLETS)]}/news/{i}", "title": None, "added_at": START,
         "first_seen_at": START, "last_change_at": None, "next_check_at": START, "check_interval_s": 3600,
         "active": True, "version_count": 0, "source_id": None}
        for i in range(stories)
    ]
    store.write(lambda session: session.execute(insert(Story), rows))
    ids = store.read(lambda session: [row[0] for row in session.execute(Story.__table__.select().with_only_columns(
        Story.id).order_by(Story.id))])
    rng = random.Random(1)
    add_versions_bulk(store, ((sid, v) for i, sid in enumerate(ids) for v in _versions(passages, i, per_story, rng)),
                      batch_size=5000)


def fill_long_story(store: Store, versions: int) -> int:
    story = add_story(store, "https://gazette.example/news/long-running")
    rng = random.Random(2)
    add_versions_bulk(store, ((story.id, v) for v in _versions(load_passages(), 7, versions, rng)))
    return story.id


def fill_big_pairs(store: Store, pairs: int) -> tuple[list[int], list[tuple[str, str]]]:
    """Stories of two ~5,000-sentence versions (A, and A with ~20% of its sentences edited)."""
    from storytrace.text.segment import sentences

    ids, texts = [], []
    for k in range(pairs):
        a, b = build_documents(size=700_000, seed=k)
        story = add_story(store, f"https://gazette.example/news/big-{k}")
        add_versions_bulk(store, [(story.id, NewVersion(a, captured_at=START)),
                                  (story.id, NewVersion(b, captured_at=START + timedelta(hours=1)))])
        ids.append(story.id)
        texts.append((a, b))
    print(f"big pairs: {len(sentences(texts[0][0]))} and {len(sentences(texts[0][1]))} sentences", flush=True)
    return ids, texts


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Served:
    """`storytrace serve` in a subprocess."""

    def __init__(self, url: str, *, list_cache: bool = True) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if k != "STORYTRACE_TOKEN"}
        command = [STORYTRACE, "serve", "--db", url, "--port", str(self.port)]
        if not list_cache:  # the same app and server, the stories list computed for every request
            command = [sys.executable, "-c", (
                "import sys, uvicorn; from storytrace.web import WebOptions, create_app; "
                "uvicorn.run(create_app(sys.argv[1], token=None, options=WebOptions(list_cache_seconds=0)), "
                "host='127.0.0.1', port=int(sys.argv[2]), log_level='warning', server_header=False)"
            ), url, str(self.port)]
        self.process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if not wait_until_serving(self.base, self.process, 30):
            self.stop()
            raise RuntimeError("storytrace serve did not start")

    def get(self, path: str) -> tuple[float, float, int]:
        """(server ms from Server-Timing, client ms, body bytes)."""
        started = time.perf_counter()
        with urllib.request.urlopen(self.base + path, timeout=120) as response:
            body = response.read()
            timing = response.headers.get("server-timing", "")
        client = (time.perf_counter() - started) * 1000
        found = re.search(r"dur=([\d.]+)", timing)
        return (float(found.group(1)) if found else float("nan")), client, len(body)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def timed(served: Served, path: str, reps: int) -> dict[str, Any]:
    served.get(path)  # warm-up
    samples = [served.get(path) for _ in range(reps)]
    server = sorted(s[0] for s in samples)
    return {
        "path": path, "reps": reps, "server_ms_median": round(statistics.median(server), 1),
        "server_ms_p95": round(server[min(len(server) - 1, int(0.95 * len(server)))], 1),
        "client_ms_median": round(statistics.median(s[1] for s in samples), 1), "bytes": samples[0][2],
    }


def load(served: Served, path: str, seconds: float, connections: int) -> dict[str, Any]:
    """Requests per second that a load generator on loopback gets for `path`."""
    if shutil.which("wrk"):
        out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds:g}s", "--latency", served.base + path],
                             capture_output=True, text=True, check=True).stdout
        rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
        errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        p50 = re.search(r"50%\s+([\d.]+\w+)", out)
        p99 = re.search(r"99%\s+([\d.]+\w+)", out)
        return {"path": path, "tool": "wrk -t2", "connections": connections, "seconds": seconds,
                "requests_per_s": round(rate), "errors": int(errors.group(1)) if errors else 0,
                "latency_p50": p50.group(1) if p50 else None, "latency_p99": p99.group(1) if p99 else None}
    return asyncio.run(_aiohttp_load(served.base + path, seconds, connections)) | {"path": path}


async def _aiohttp_load(url: str, seconds: float, connections: int) -> dict[str, Any]:
    import aiohttp

    done = errors = 0
    stop = time.monotonic() + seconds

    async def worker(session: aiohttp.ClientSession) -> None:
        nonlocal done, errors
        while time.monotonic() < stop:
            async with session.get(url) as response:
                await response.read()
                done += 1
                errors += response.status != 200

    connector = aiohttp.TCPConnector(limit=connections)
    async with aiohttp.ClientSession(connector=connector) as session:
        started = time.monotonic()
        await asyncio.gather(*(worker(session) for _ in range(connections)))
        elapsed = time.monotonic() - started
    return {"tool": "aiohttp client", "connections": connections, "seconds": seconds,
            "requests_per_s": round(done / elapsed), "errors": errors}


def cli_baseline(texts: list[tuple[str, str]]) -> list[float]:
    """The same diff and an HTML page of it, in one process, as `storytrace diff --html` does it."""
    import storytrace
    from storytrace.report import html

    seconds = []
    for a, b in texts:
        started = time.perf_counter()
        html.render(storytrace.diff(a, b, label_a="A", label_b="B").to_dict())
        seconds.append(time.perf_counter() - started)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stories", type=int, default=10_000)
    parser.add_argument("--per-story", type=int, default=3)
    parser.add_argument("--long-versions", type=int, default=200)
    parser.add_argument("--pairs", type=int, default=4, help="5,000-sentence pairs, each diffed cold once")
    parser.add_argument("--seconds", type=float, default=10.0, help="duration of each load run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--reps", type=int, default=30)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    print(describe(), flush=True)
    rows: dict[str, Any] = {"load_average_before": [round(x, 2) for x in os.getloadavg()]}
    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite:///{Path(scratch) / 'web.db'}"
        started = time.perf_counter()
        with open_store(url) as store:
            fill_many(store, args.stories, args.per_story)
            long_id = fill_long_story(store, args.long_versions)
            big_ids, texts = fill_big_pairs(store, args.pairs)
        print(f"store filled in {time.perf_counter() - started:.1f} s", flush=True)
        served = Served(url)
        try:
            rows["story_page"] = timed(served, f"/stories/{long_id}", args.reps)
            rows["story_page_json"] = timed(served, f"/stories/{long_id}.json", args.reps)
            print("story page, 200 versions:", rows["story_page"], flush=True)
            # Each pair is diffed cold once: inline (the default view) for all but the last, side by side for it.
            cold = [served.get(f"/stories/{sid}/diff/1/2") for sid in big_ids[:-1]]
            cold_side = served.get(f"/stories/{big_ids[-1]}/diff/1/2?view=side")
            warm = [served.get(f"/stories/{big_ids[0]}/diff/1/2")[0] for _ in range(3)]
            warm_side = [served.get(f"/stories/{big_ids[0]}/diff/1/2?view=side")[0] for _ in range(3)]
            warm_json = [served.get(f"/stories/{big_ids[0]}/diff/1/2.json")[0] for _ in range(3)]
            rows["diff_page"] = {
                "cold_server_ms": [round(c[0], 1) for c in cold], "cold_client_ms": [round(c[1], 1) for c in cold],
                "cold_side_by_side_server_ms": round(cold_side[0], 1),
                "warm_server_ms": round(statistics.median(warm), 1),
                "warm_side_by_side_server_ms": round(statistics.median(warm_side), 1),
                "warm_json_server_ms": round(statistics.median(warm_json), 1),
                "bytes": cold[0][2], "side_by_side_bytes": cold_side[2],
                "cli_html_report_ms": [round(s * 1000, 1) for s in cli_baseline(texts)],
            }
            print("diff page, 5,000 sentences:", rows["diff_page"], flush=True)
            rows["stories_page_latency"] = timed(served, "/stories", args.reps)
            rows["load"] = [load(served, p, args.seconds, args.connections) for p in
                            ("/stories", "/stories.json", "/static/storytrace.css")]
            for row in rows["load"]:
                print("load:", row, flush=True)
        finally:
            served.stop()
        uncached = Served(url, list_cache=False)
        try:
            rows["stories_page_latency_uncached"] = timed(uncached, "/stories", args.reps)
            for name, path in (("stories_search", "/stories?q=president"), ("stories_outlet",
                               "/stories?outlet=herald.example"), ("stories_substantive", "/stories?substantive=1")):
                rows[f"{name}_uncached"] = timed(uncached, path, args.reps)
            rows["load_uncached"] = [load(uncached, p, args.seconds, args.connections) for p in
                                     ("/stories", "/stories.json")]
            for row in rows["load_uncached"]:
                print("load, list cache off:", row, flush=True)
        finally:
            uncached.stop()
    rows["load_average_after"] = [round(x, 2) for x in os.getloadavg()]  # other work on the machine skews figures
    print(json.dumps(rows, indent=1))
    if args.json:
        write_report(args.json, "web_speed.py", rows)


if __name__ == "__main__":
    main()
