"""End-to-end tests of add / fetch / watch / log / feed, and diff and collate of stored versions: the installed
command against the loopback news site, on a real store file (and PostgreSQL where the fixture gives it)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from storytrace.demo.site import NewsSite
from storytrace.store import due_sources, find_source, find_story, open_store, problems, versions_of

from .cli_support import one_error_line
from .fetch_support import roft_article
from .test_cli import COMMAND, run

CONFIG = """
[fetch]
politeness_delay = 0
total_timeout = 3
connect_timeout = 1
retries = 0
[schedule]
first_interval = "1s"
max_interval = "2s"
[watch]
idle_poll = "0.2s"
"""


@pytest.fixture
def site() -> Iterator[NewsSite]:
    with NewsSite([roft_article(k, f"story-{k}") for k in range(12)]) as running:
        yield running


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    (tmp_path / "storytrace.toml").write_text(CONFIG, encoding="utf-8")
    return tmp_path


def st(workdir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run(*args, cwd=workdir)


def test_track_a_story_through_its_revisions(workdir: Path, site: NewsSite) -> None:
    url = site.url("/news/story-0")
    added = st(workdir, "add", url)
    assert added.returncode == 0, added.stderr
    assert "new_version" in added.stdout and "v1" in added.stdout
    for _ in range(2):
        site.advance("story-0")
        time.sleep(1.1)
        watched = st(workdir, "watch", "--once")
        assert watched.returncode == 0, watched.stderr
        assert "new_version" in watched.stdout
    log = st(workdir, "log", url, "--json")
    assert log.returncode == 0, log.stderr
    document = json.loads(log.stdout)
    assert [v["number"] for v in document["versions"]] == [1, 2, 3]
    assert document["versions"][0]["change"] == "first version"
    assert document["versions"][1]["change_summary"]["substantive"] >= 1
    shown = st(workdir, "log", url)
    assert "first version" in shown.stdout and "3 versions" in shown.stdout
    compared = st(workdir, "diff", f"{url}@first", f"{url}@latest", "--json")
    assert compared.returncode == 0, compared.stderr
    diff = json.loads(compared.stdout)
    assert [v["label"] for v in diff["versions"]] == [f"{url}@1", f"{url}@3"]
    assert diff["summary"]["added"] >= 2 and diff["summary"]["deleted"] >= 1
    collated = st(workdir, "collate", url, "--json")
    assert collated.returncode == 0, collated.stderr
    collation = json.loads(collated.stdout)
    assert [v["label"] for v in collation["versions"]] == ["v1", "v2", "v3"]
    assert collation["summary"]["dropped"] >= 1
    feed = st(workdir, "feed")
    assert feed.returncode == 0, feed.stderr
    entries = ET.fromstring(feed.stdout).findall("{http://www.w3.org/2005/Atom}entry")
    assert len(entries) == 2  # versions 2 and 3: the first version is not a change


def test_feed_then_watch_tracks_every_article(workdir: Path, site: NewsSite) -> None:
    added = st(workdir, "add", site.url("/feeds/atom.xml"), "--json")
    assert added.returncode == 0, added.stderr
    report = json.loads(added.stdout)
    assert report["outcome"] == "feed_parsed" and len(report["new_stories"]) == 12
    watched = st(workdir, "watch", "--once", "--json")
    outcomes = [json.loads(line)["outcome"] for line in watched.stdout.splitlines()]
    assert outcomes.count("new_version") == 12


def test_stop_keeps_everything_and_add_resumes(workdir: Path, site: NewsSite) -> None:
    """A stopped story is not checked, a stopped feed not read; both keep what was stored, and add resumes them."""
    feed, story = site.url("/feeds/atom.xml"), site.url("/news/story-0")
    assert st(workdir, "add", feed).returncode == 0
    assert st(workdir, "watch", "--once").returncode == 0
    stopped = st(workdir, "stop", story, feed + "#top", "--json")  # (another spelling of the feed's address)
    assert stopped.returncode == 0, stopped.stderr
    assert [json.loads(line) for line in stopped.stdout.splitlines()] == [
        {"url": story, "stopped": "story"}, {"url": feed, "stopped": "feed"}]
    site.advance("story-0")
    time.sleep(1.1)
    watched = st(workdir, "watch", "--once", "--json")
    checked = [json.loads(line)["url"] for line in watched.stdout.splitlines()]
    assert story not in checked and feed not in checked and checked  # the other stories are still watched
    with open_store(f"sqlite:///{workdir / 'storytrace.db'}", create=False) as store:
        kept = find_story(store, story)
        assert kept is not None and not kept.active and kept.stop_reason == "stopped with storytrace stop"
        assert len(versions_of(store, kept.id)) == 1
        later = datetime.now(UTC) + timedelta(days=1)  # (every feed would be due by then, but a stopped one)
        assert feed not in [source.url for source in due_sources(store, older_than=later)]
    assert "stopped with storytrace stop" in st(workdir, "log", story).stdout
    resumed = st(workdir, "add", story, "--json")
    assert resumed.returncode == 0 and json.loads(resumed.stdout)["outcome"] == "new_version"
    assert json.loads(st(workdir, "add", feed, "--json").stdout)["outcome"] == "feed_parsed"
    with open_store(f"sqlite:///{workdir / 'storytrace.db'}", create=False) as store:
        assert find_story(store, story).active  # type: ignore[union-attr]
        assert find_source(store, feed).active  # type: ignore[union-attr]
        assert feed in [source.url for source in due_sources(store, older_than=datetime.now(UTC) + timedelta(days=1))]
    unknown = st(workdir, "stop", site.url("/news/never-added"))
    assert unknown.returncode == 2 and unknown.stderr.count("\n") == 1 and "not tracked: " in unknown.stderr


def test_errors_are_one_line(workdir: Path, site: NewsSite) -> None:
    cases = [
        # (no store yet: the commands that only read say so, and make none)
        (["log", site.url("/news/story-0")], "no store at storytrace.db"),
        (["diff", f"{site.url('/news/story-0')}@2", f"{site.url('/news/story-0')}@first"], "no store at"),
        (["feed"], "no store at"),
        (["stop", site.url("/news/story-0")], "no store at"),
        (["stop", "ftp://example.org/file"], "not an http(s) URL"),
        (["diff", site.url("/news/story-0"), "x.txt"], "name a stored version, as"),
        (["add", "ftp://example.org/file"], "not an http(s) URL"),
        (["log", "x", "--config", "missing.toml"], "no such configuration file"),
        (["watch", "--once", "--db", "sqlite:////nonexistent-dir/x.db"], ""),
    ]
    (workdir / "bad.toml").write_text("[schedule]\nfirst_interval = 'soon'\n", encoding="utf-8")
    cases.append((["watch", "--config", "bad.toml"], "first_interval"))
    for args, message in cases:
        done = st(workdir, *args)
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert done.stderr.count("\n") == 1 and message in done.stderr and "Traceback" not in done.stderr
        if args[0] in ("log", "diff", "feed", "stop"):
            assert not (workdir / "storytrace.db").exists(), args
    unreachable = st(workdir, "add", "http://127.0.0.1:9/news")
    assert unreachable.returncode == 1 and "network_error" in unreachable.stdout
    assert "Traceback" not in unreachable.stderr


def test_two_watchers_never_store_a_text_twice(workdir: Path, site: NewsSite) -> None:
    urls = [site.url(f"/news/story-{k}") for k in range(12)]
    db = f"sqlite:///{workdir / 'storytrace.db'}"
    with open_store(db) as store:
        from storytrace.store import add_story

        for url in urls:
            add_story(store, url)
    env = {**os.environ, "NO_COLOR": "1"}
    watchers = [
        subprocess.Popen([*COMMAND, "watch", "--once", "--json"], cwd=workdir, env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [w.communicate(timeout=120) for w in watchers]
    assert all(w.returncode == 0 for w in watchers), outputs
    with open_store(db) as store:
        for url in urls:
            story = find_story(store, url)
            assert story is not None
            assert [v.number for v in versions_of(store, story)] == [1]
        assert problems(store) == []
    stored = sum(out.count('"new_version"') for out, _ in outputs)
    assert stored == 12  # the other watcher's check of a story saw its text already there


def test_killing_the_watcher_loses_nothing_committed(workdir: Path, site: NewsSite) -> None:
    db = f"sqlite:///{workdir / 'storytrace.db'}"
    done = st(workdir, "add", *[site.url(f"/news/story-{k}") for k in range(12)])
    assert done.returncode == 0, done.stderr
    for rounds in range(2):  # revisions 2 and 3, each watched by a watcher killed at some moment
        for k in range(12):
            site.advance(f"story-{k}")
        time.sleep(1.05)
        watcher = subprocess.Popen([*COMMAND, "watch"], cwd=workdir, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        time.sleep(0.3 + 0.25 * rounds)
        watcher.send_signal(signal.SIGKILL)
        watcher.wait(timeout=10)
        with open_store(db) as store:
            assert problems(store) == []
    time.sleep(1.05)
    again = st(workdir, "watch", "--once")
    assert again.returncode == 0, again.stderr
    with open_store(db) as store:
        assert problems(store) == []
        for k in range(12):
            story = find_story(store, site.url(f"/news/story-{k}"))
            assert story is not None
            numbers = [v.number for v in versions_of(store, story)]
            assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 2
            assert len(numbers) <= 3


def test_fetch_snapshots_now_whatever_the_schedule(workdir: Path, site: NewsSite) -> None:
    url = site.url("/news/story-1")
    first = st(workdir, "fetch", url, "--json")
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["outcome"] == "new_version"
    site.advance("story-1")
    second = st(workdir, "fetch", url, "--json")  # not yet due: fetch checks it anyway
    report = json.loads(second.stdout)
    assert (report["outcome"], report["version"]) == ("new_version", 2)
    unreachable = st(workdir, "fetch", "http://127.0.0.1:9/gone")
    assert unreachable.returncode == 1 and "network_error" in unreachable.stdout


def test_fetch_of_a_tracked_feed_reads_it_and_makes_no_story(workdir: Path, site: NewsSite) -> None:
    """`storytrace fetch FEED` of a feed already tracked reads it now, as `watch` would: no story with no versions
    is left under the feed's address, and the report does not claim the feed is tracked only from now on."""
    feed = site.url("/feeds/atom.xml")
    assert st(workdir, "add", feed).returncode == 0
    fetched = st(workdir, "fetch", feed, "--json")
    assert fetched.returncode == 0, fetched.stderr
    report = json.loads(fetched.stdout)
    # (read with the validators of the last read: the site answers 304, the feed unchanged)
    assert (report["outcome"], report["new_stories"]) == ("not_modified", [])
    assert "from now on" not in report["detail"]
    with open_store(f"sqlite:///{workdir / 'storytrace.db'}", create=False) as store:
        assert find_story(store, feed) is None
        read = find_source(store, feed)
        assert read is not None and read.active


def test_a_feed_named_as_a_story_is_said_to_be_a_feed(workdir: Path, site: NewsSite) -> None:
    """`log`, `diff FEED@N` and `collate FEED` of a tracked feed say that it is a feed and where its articles are,
    rather than "no story is tracked there (storytrace add URL)", which sends the user to add it again."""
    feed = site.url("/feeds/atom.xml")
    assert st(workdir, "add", feed).returncode == 0
    with open_store(f"sqlite:///{workdir / 'storytrace.db'}", create=False) as store:
        read = find_source(store, feed)
        assert read is not None
    expected = (f"storytrace: error: {feed} is a tracked feed, not an article: the 12 articles it brought are "
                f"stories of their own (storytrace serve lists them at /stories?feed={read.id})")
    for args in (["log", feed], ["diff", f"{feed}@1", f"{feed}@latest"], ["collate", feed]):
        assert one_error_line(st(workdir, *args)) == expected, args
    unknown = site.url("/news/never-added")
    assert "no story is tracked at" in one_error_line(st(workdir, "log", unknown))


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[dict[str, object]]]]:
    """A webhook receiver on 127.0.0.1 (the standard library's HTTP server in a thread): its URL and the notices."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    received: list[dict[str, object]] = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (the name http.server calls)
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook", received
    finally:
        server.shutdown()
        thread.join(timeout=5)


def test_add_and_fetch_notify_the_webhook_as_watch_does(
    workdir: Path, site: NewsSite, receiver: tuple[str, list[dict[str, object]]]
) -> None:
    """docs/tracking.md: the webhook is told when a version is stored; `add` and `fetch` store versions too (cron
    may run `fetch` instead of `watch`), so their versions are notified as well."""
    hook, received = receiver
    config = workdir / "storytrace.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "[watch]\n", f'[watch]\nwebhook = "{hook}"\nwebhook_on = "any"\n'), encoding="utf-8")
    url = site.url("/news/story-2")
    assert st(workdir, "add", url).returncode == 0
    site.advance("story-2")
    fetched = st(workdir, "fetch", url, "--json")
    assert fetched.returncode == 0, fetched.stderr
    assert json.loads(fetched.stdout)["version"] == 2
    assert [(n["schema"], n["url"], n["version"]) for n in received] == [
        ("storytrace.change/1", url, 1), ("storytrace.change/1", url, 2)]
    assert received[1]["summary"]["substantive"] >= 1  # type: ignore[index]


def test_sigterm_stops_the_watcher_within_its_grace_even_with_a_page_hanging(workdir: Path, site: NewsSite) -> None:
    config = CONFIG.replace("total_timeout = 3", "total_timeout = 30") + 'shutdown_grace = "0.5s"\n'
    (workdir / "storytrace.toml").write_text(config, encoding="utf-8")
    db = f"sqlite:///{workdir / 'storytrace.db'}"
    with open_store(db) as store:
        from storytrace.store import add_story

        add_story(store, site.url("/faults/hang"))
        add_story(store, site.url("/news/story-0"))
    watcher = subprocess.Popen([*COMMAND, "watch", "--json"], cwd=workdir, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env={**os.environ, "NO_COLOR": "1"})
    guard = threading.Timer(60, watcher.kill)  # never hang the test run
    guard.start()
    try:
        assert watcher.stdout is not None
        first = json.loads(watcher.stdout.readline())  # the article's check ends while the other page hangs
        assert first["outcome"] == "new_version" and site.log.hits["/faults/hang"] == 1
        stopped = time.perf_counter()
        watcher.send_signal(signal.SIGTERM)
        _, err = watcher.communicate(timeout=20)
    finally:
        guard.cancel()
        watcher.kill()
    assert watcher.returncode == 0, err
    assert time.perf_counter() - stopped < 5  # the grace, not the 30 s the hanging page could take
    assert "1 check(s) still in flight" in err and "Traceback" not in err
    with open_store(db) as store:
        assert problems(store) == []
