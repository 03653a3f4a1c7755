"""Real processes against one store: racing writers, a writer killed with SIGKILL, simultaneous creation."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from storytrace.store import (
    Outcome,
    checks_of,
    find_story,
    normalised,
    open_store,
    problems,
    schema_revision,
    stories,
    version,
    versions_of,
)
from storytrace.store.db import SCHEMA_HEAD

from .store_worker import race_texts

WORKER = Path(__file__).with_name("store_worker.py")
STORY = "https://news.example/raced"


def _spawn(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WORKER), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _ready(process: subprocess.Popen[str]) -> None:
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    if line != "ready":
        process.kill()
        _, err = process.communicate()
        raise AssertionError(f"worker did not start: {line!r} {err}")


def _finish(process: subprocess.Popen[str]) -> str:
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    return out


def test_racing_writers_store_each_text_exactly_once(store_url: str, tmp_path: Path) -> None:
    open_store(store_url).close()
    go = tmp_path / "go"
    count = 30
    # The same texts in the same order (maximal collisions), with other whitespace, and in reverse order.
    orders = ("forward", "spaced", "reversed")
    workers = [_spawn("race", store_url, STORY, str(go), str(count), order) for order in orders]
    for worker in workers:
        _ready(worker)
    go.touch()
    results = [json.loads(_finish(worker)) for worker in workers]
    assert sum(r["stored"] for r in results) == count, results

    with open_store(store_url) as store:
        story = find_story(store, STORY)
        assert story is not None and story.version_count == count
        assert [v.number for v in versions_of(store, story)] == list(range(1, count + 1))
        texts = [version(store, story, n).text for n in range(1, count + 1)]  # type: ignore[union-attr]
        assert sorted(normalised(t) for t in texts) == sorted(normalised(t) for t in race_texts(count))
        checks = checks_of(store, story)
        assert len(checks) == 3 * count  # every attempt recorded, none lost
        stored = [c.version_id for c in checks if c.outcome is Outcome.NEW_VERSION]
        assert len(stored) == len(set(stored)) == count
        assert {c.outcome for c in checks} <= {
            Outcome.NEW_VERSION, Outcome.UNCHANGED, Outcome.WHITESPACE_ONLY, Outcome.FLIP_FLOP
        }
        summaries = [v.change_summary for v in versions_of(store, story)]
        assert summaries[0] is None and all(s is not None and s["unchanged"] >= 1 for s in summaries[1:])
        assert problems(store) == []


def test_a_writer_killed_mid_write_leaves_a_consistent_store(store_url: str) -> None:
    open_store(store_url).close()
    rng = random.Random(7)
    stored = 0
    for _ in range(3):
        writer = _spawn("crash", store_url, STORY)
        _ready(writer)
        with open_store(store_url) as watcher:
            deadline = time.monotonic() + 60
            while True:
                story = find_story(watcher, STORY)
                if story is not None and story.version_count >= stored + 150:
                    break
                assert writer.poll() is None, writer.communicate()[1]
                assert time.monotonic() < deadline, "the writer made no progress"
                time.sleep(0.02)
        time.sleep(rng.uniform(0, 0.05))
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=30)
        assert writer.returncode == -signal.SIGKILL

        with open_store(store_url) as store:
            assert problems(store) == []  # numbering, counters, checks, and on SQLite integrity_check
            story = find_story(store, STORY)
            assert story is not None
            numbers = [v.number for v in versions_of(store, story)]
            assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= stored + 150
            new_checks = [c for c in checks_of(store, story) if c.outcome is Outcome.NEW_VERSION]
            assert len(new_checks) == len(numbers)
            latest = version(store, story, "latest")
            assert latest is not None and latest.raw_html is not None and latest.raw_html.startswith(b"<html>")
            stored = len(numbers)


def test_processes_creating_a_new_store_at_once_all_succeed(store_url: str, tmp_path: Path) -> None:
    go = tmp_path / "go"
    workers = [_spawn("open", store_url, str(go)) for _ in range(3)]
    for worker in workers:
        _ready(worker)
    go.touch()
    for worker in workers:
        assert _finish(worker).strip() == "opened"
    with open_store(store_url) as store:
        assert schema_revision(store) == SCHEMA_HEAD
        assert [s.url for s in stories(store)] == ["https://example.com/opened"]
