"""A separate process that writes to a store, for the concurrency and crash tests (not collected by pytest).

    python tests/store_worker.py race URL STORY_URL GO_FILE COUNT ORDER   # add COUNT texts once GO_FILE exists
    python tests/store_worker.py crash URL STORY_URL                      # write versions until killed
    python tests/store_worker.py open URL GO_FILE                         # open (create) the store at the same time
"""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from storytrace.store import NewVersion, add_story, add_version, add_versions_bulk, open_store


def race_texts(count: int) -> list[str]:
    """Distinct texts, each a small edit of the one before (so change summaries have something to count)."""
    return [
        f"The council met on Tuesday. It approved plan number {i} for the harbour. "
        f"Officials said the work would start in {2020 + i % 7}."
        for i in range(count)
    ]


def wait_for(go: Path) -> None:
    deadline = time.monotonic() + 60
    while not go.exists():
        if time.monotonic() > deadline:
            raise SystemExit("no go signal")
        time.sleep(0.002)


def race(url: str, story_url: str, go: Path, count: int, order: str) -> None:
    texts = race_texts(count)
    if order == "reversed":
        texts.reverse()
    elif order == "spaced":  # the same texts with different whitespace: must hash equal
        texts = [text.replace(". ", ".  \n") for text in texts]
    with open_store(url) as store:
        story = add_story(store, story_url)
        print("ready", flush=True)
        wait_for(go)
        stored = sum(add_version(store, story, text) is not None for text in texts)
    print(json.dumps({"stored": stored, "attempts": len(texts)}), flush=True)


def crash(url: str, story_url: str) -> None:
    """Alternate single versions and bulk batches (longer transactions), with HTML, forever."""
    start = datetime(2024, 1, 1, tzinfo=UTC)
    html = b"<html><body>" + b"<p>Some paragraph of the page.</p>" * 400 + b"</body></html>"
    with open_store(url) as store:
        story = add_story(store, story_url)
        print("ready", flush=True)
        serial = 0
        while True:
            serial += 1
            text = f"Text number {serial}. " + "A sentence of the story. " * 50
            moment = start + timedelta(seconds=serial)
            add_version(store, story, text, raw_html=html, summarise=False, captured_at=moment)
            batch = []
            for _ in range(100):
                serial += 1
                text = f"Text number {serial}. " + "A sentence of the story. " * 50
                batch.append((story, NewVersion(text, captured_at=start + timedelta(seconds=serial), raw_html=html)))
            add_versions_bulk(store, batch, batch_size=100)


def open_only(url: str, go: Path) -> None:
    print("ready", flush=True)
    wait_for(go)
    with open_store(url) as store:
        add_story(store, "https://example.com/opened")
    print("opened", flush=True)


if __name__ == "__main__":
    mode, *args = sys.argv[1:]
    if mode == "race":
        race(args[0], args[1], Path(args[2]), int(args[3]), args[4])
    elif mode == "crash":
        crash(args[0], args[1])
    elif mode == "open":
        open_only(args[0], Path(args[1]))
    else:
        raise SystemExit(f"unknown mode {mode}")
