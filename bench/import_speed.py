"""Speed of `storytrace import`: a 10,000-version NewsEdits-style SQLite archive into a fresh store, end to end.

    .venv/bin/python bench/import_speed.py                                   # SQLite store in a temporary directory
    .venv/bin/python bench/import_speed.py --url "$STORYTRACE_TEST_PG"       # PostgreSQL (a scratch schema, dropped)
    .venv/bin/python bench/import_speed.py --no-summaries                    # without change summaries

The archive has --stories articles of --versions versions each, built from real NYT passages read at run time
from ../shared/data/roft-nyt/prompts-nyt-dev.json (never copied into the repository): each article is 2-4
consecutive passages, and each version edits the one before (a word or number changed, a sentence added from
another passage, one dropped, two swapped). Its `entryversion` table has NewsEdits' columns (id, entry_id,
version, title, created, url, source, summary as `<p>` HTML, num_versions). The time is the wall time of the
`storytrace import` command run as a subprocess, process start-up included; the import is then run again to show
that it adds nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from machine import describe, write_report

REPO = Path(__file__).resolve().parents[1]
ROFT = REPO.parent / "shared" / "data" / "roft-nyt" / "prompts-nyt-dev.json"
COMMAND = str(Path(sys.executable).with_name("storytrace"))
START = datetime(2021, 3, 1, 6, 0, tzinfo=UTC)
NUMBER = re.compile(r"\b\d+\b")
WORD = re.compile(r"\b[a-z]{5,}\b")
SWAPS = ("reported", "announced", "confirmed", "disclosed", "indicated", "suggested", "insisted", "acknowledged")


def passages() -> list[list[str]]:
    found = json.loads(ROFT.read_text(encoding="utf-8"))["prompts"]
    return [[s.strip() for s in passage if s.strip()] for passage in found if len(passage) >= 4]


def edit(sentences: list[str], rng: random.Random, spare: list[list[str]]) -> list[str]:
    """The next version: one or two edits of the kinds news revisions make."""
    result = list(sentences)
    for _ in range(rng.choice((1, 1, 2))):
        kind = rng.choice(("word", "number", "add", "add", "drop", "swap"))
        at = rng.randrange(len(result))
        if kind == "number" and NUMBER.search(result[at]):
            result[at] = NUMBER.sub(lambda m: str(int(m.group()) + rng.randint(1, 9)), result[at], count=1)
        elif kind in ("word", "number"):
            result[at] = WORD.sub(lambda m: rng.choice(SWAPS), result[at], count=1) + ("" if rng.random() < 0.5 else
                                                                                      " Officials said on Tuesday.")
        elif kind == "add":
            result.insert(at, rng.choice(rng.choice(spare)))
        elif kind == "drop" and len(result) > 6:
            del result[at]
        else:
            other = rng.randrange(len(result))
            result[at], result[other] = result[other], result[at]
    return result


def html(sentences: list[str], rng: random.Random) -> str:
    """NewsEdits' summary markup: paragraphs of 1-4 sentences as <p>...</p>."""
    paragraphs, i = [], 0
    while i < len(sentences):
        size = rng.randint(1, 4)
        paragraphs.append("<p>" + " ".join(sentences[i : i + size]) + "</p>")
        i += size
    return "".join(paragraphs)


def rows(stories: int, versions: int, seed: int) -> Iterator[tuple[object, ...]]:
    rng = random.Random(seed)
    corpus = passages()
    ident = 0
    for entry in range(stories):
        start = (entry * 3) % len(corpus)
        sentences = [s for p in corpus[start : start + rng.randint(2, 4)] for s in p]
        title = sentences[0][:80]
        moment = START + timedelta(hours=entry)
        seen: set[str] = set()
        for number in range(versions):
            ident += 1
            seen.add(" ".join(sentences))
            yield (
                ident, entry + 1, number, title, moment.strftime("%Y-%m-%d %H:%M:%S"),
                f"https://www.nytimes.com/bench/{entry + 1}.html", "nyt", html(sentences, rng), versions,
            )
            while " ".join(sentences) in seen:  # every version a new text
                sentences = edit(sentences, rng, corpus)
            moment += timedelta(minutes=rng.randint(5, 240))


def build(path: Path, stories: int, versions: int, seed: int) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute(
            "CREATE TABLE entryversion (id INTEGER PRIMARY KEY, entry_id INTEGER, version INTEGER, title TEXT, "
            "created TEXT, url TEXT, source TEXT, summary TEXT, num_versions INTEGER)"
        )
        connection.executemany("INSERT INTO entryversion VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                               rows(stories, versions, seed))
    connection.close()


@contextmanager
def scratch_postgres(base: str) -> Iterator[str]:
    """A new schema on the server at `base` for one run, dropped afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    from sqlalchemy.pool import NullPool

    admin = create_engine(base, poolclass=NullPool)
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def run(archive: Path, url: str, summaries: bool) -> tuple[float, dict[str, object], list[str]]:
    command = [COMMAND, "import", str(archive), "--db", url, "--json"] + ([] if summaries else ["--no-summaries"])
    env = {key: value for key, value in os.environ.items() if key != "STORYTRACE_DB"}
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"import failed ({done.returncode}): {done.stderr.strip()}")
    return seconds, json.loads(done.stdout), command


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a PostgreSQL server URL (default: a new SQLite file); a scratch schema is used")
    parser.add_argument("--stories", type=int, default=1_000)
    parser.add_argument("--versions", type=int, default=10, help="versions per story")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-summaries", action="store_true", help="import without change summaries")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        archive = Path(scratch) / "newsedits-bench.db"
        started = time.perf_counter()
        build(archive, args.stories, args.versions, args.seed)
        total = args.stories * args.versions
        print(f"machine: {describe()}")
        print(f"archive: {total:,} versions ({args.stories:,} stories x {args.versions}), "
              f"{archive.stat().st_size / 1e6:.1f} MB, built in {time.perf_counter() - started:.1f} s", flush=True)
        with scratch_postgres(args.url) if args.url else _sqlite(scratch) as url:
            seconds, report, command = run(archive, url, not args.no_summaries)
            again, second, _ = run(archive, url, not args.no_summaries)
        shown = " ".join(command).replace(url, "sqlite:///STORE.db" if not args.url else "postgresql+psycopg://...")
        print(f"command: {shown}")
        print(f"import: {report['versions_added']:,} versions of {report['stories_added']:,} stories in "
              f"{seconds:.2f} s end to end ({report['versions_added'] / seconds:,.0f} versions/s; "
              f"change summaries {'on' if report['change_summaries'] else 'off'}; import itself {report['seconds']} s)")
        print(f"again: {second['versions_added']} versions added, {second['duplicates_skipped']:,} duplicates "
              f"skipped in {again:.2f} s")
        if report["versions_added"] != total or second["versions_added"] != 0:
            sys.exit("unexpected counts: " + json.dumps([report, second]))
        if args.json:
            write_report(args.json, "import_speed.py", {
                "versions": total, "seconds": round(seconds, 3), "again_seconds": round(again, 3),
                "backend": "postgresql" if args.url else "sqlite", "summaries": report["change_summaries"],
            })


@contextmanager
def _sqlite(scratch: str) -> Iterator[str]:
    yield f"sqlite:///{Path(scratch) / 'store.db'}"


if __name__ == "__main__":
    main()
