"""The web app's collation page of a huge story, over HTTP on loopback against `storytrace serve`.

    .venv/bin/python bench/collation_pages.py                        # this checkout
    .venv/bin/python bench/collation_pages.py --src /tmp/before/src  # the server run from another src/ folder

The story has two versions of about 2.4 MB each (A: real NYT passages from ../shared/data/roft-nyt, read at run
time and never copied, repeated until long enough; B: A with ~20% of its sentences edited, moved, added or
deleted: `bench/memory.py`'s builder). Measured: its collation page cold (the collation computed in the request)
and warm (taken from the cache), the second page and the JSON; an ordinary story's collation page (one passage in
three versions), whose HTML must be byte for byte what it was (its SHA-256 is printed to compare runs); with
--browser, the time Debian's Chromium takes to load and lay out the first page. Server time is the app's
`Server-Timing` header (request in, response start: the page is rendered whole before it starts).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

from machine import describe, write_report
from measured import wait_until_serving
from memory import build_documents
from pairs import load_passages

from storytrace.store import add_story, add_version, open_store

START = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
CHROMIUM = Path("/usr/bin/chromium")


def fill(url: str, size: int) -> tuple[int, int]:
    """The huge story and an ordinary one; their ids."""
    a, b = build_documents(size=size, seed=0)
    print(f"huge story: versions of {len(a.encode()):,} and {len(b.encode()):,} bytes", flush=True)
    passage = load_passages()[5]
    ordinary = [" ".join(passage[:8]), " ".join(passage[:3] + passage[4:9]), " ".join(passage[1:10])]
    with open_store(url) as store:
        huge = add_story(store, "https://gazette.example/news/huge", now=START)
        for k, text in enumerate((a, b)):
            add_version(store, huge, text, title="A huge story", captured_at=START + timedelta(hours=k))
        small = add_story(store, "https://gazette.example/news/ordinary", now=START)
        for k, text in enumerate(ordinary):
            add_version(store, small, text, title="An ordinary story", captured_at=START + timedelta(hours=k))
    return huge.id, small.id


class Served:
    """`storytrace serve` in a subprocess, from `src` when given."""

    def __init__(self, url: str, src: Path | None) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.base = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if k != "STORYTRACE_TOKEN"}
        if src is not None:
            env["PYTHONPATH"] = str(src.resolve())
        command = [sys.executable, "-c", "import sys; from storytrace.cli import main; sys.exit(main())",
                   "serve", "--db", url, "--port", str(self.port)]
        self.process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if not wait_until_serving(self.base, self.process, 60):
            self.stop()
            raise RuntimeError("storytrace serve did not start")

    def get(self, path: str) -> tuple[float, int, bytes]:
        """(server ms, body bytes, body)."""
        with urllib.request.urlopen(self.base + path, timeout=600) as response:
            body = response.read()
            timing = response.headers.get("server-timing", "")
        found = re.search(r"dur=([\d.]+)", timing)
        return (float(found.group(1)) if found else float("nan")), len(body), body

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def browser_load_ms(url: str) -> float:
    """Milliseconds for Chromium to load the page and lay it out (its `load` event, then one layout read)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(600_000)
            started = time.perf_counter()
            page.goto(url, wait_until="load")
            page.evaluate("document.body.scrollHeight")
            return (time.perf_counter() - started) * 1000
        finally:
            browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--src", type=Path, help="run the server from this src/ folder (e.g. a copy of an older one)")
    parser.add_argument("--size", type=int, default=2_400_000, help="bytes of each version of the huge story")
    parser.add_argument("--warm", type=int, default=3, help="warm requests of the first page (median reported)")
    parser.add_argument("--browser", action="store_true", help="also time Chromium loading the first page")
    parser.add_argument("--json", type=Path, help="write the rows here as JSON")
    args = parser.parse_args()
    print(describe(), flush=True)
    rows: list[dict[str, object]] = []

    def row(what: str, ms: float, size: int) -> None:
        rows.append({"what": what, "server_ms": round(ms, 1), "bytes": size})
        print(f"{what}: {ms:,.0f} ms on the server, {size:,} bytes", flush=True)

    with tempfile.TemporaryDirectory(prefix="collation-pages-") as scratch:
        url = f"sqlite:///{Path(scratch) / 'store.db'}"
        huge, small = fill(url, args.size)
        served = Served(url, args.src)
        try:
            first = f"/stories/{huge}/collation"
            row("huge story, first page, cold (collation computed)", *served.get(first)[:2])
            warm = [served.get(first)[:2] for _ in range(args.warm)]
            row(f"huge story, first page, warm (median of {args.warm})", statistics.median(w[0] for w in warm),
                warm[0][1])
            row("huge story, page 2, warm", *served.get(first + "?page=2")[:2])
            ms, size, body = served.get(first + ".json")
            row("huge story, JSON (storytrace.collation/1), warm", ms, size)
            print(f"huge story: {len(json.loads(body)['units']):,} statements", flush=True)
            ms, size, body = served.get(f"/stories/{small}/collation")
            row("ordinary story (3 versions of one passage)", ms, size)
            print(f"ordinary story's page: sha256 {hashlib.sha256(body).hexdigest()}", flush=True)
            if args.browser:
                loaded = browser_load_ms(served.base + first)
                rows.append({"what": "huge story, first page in Chromium: load and layout", "client_ms": loaded})
                print(f"Chromium: first page loaded and laid out in {loaded:,.0f} ms", flush=True)
        finally:
            served.stop()
    if args.json:
        write_report(args.json, "collation_pages.py", rows)


if __name__ == "__main__":
    main()
