"""The demo news site as a program, and one watch cycle over its stories (fetch, judge, schedule)."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from datetime import UTC, datetime, timedelta

from storytrace.demo.site import DEMO_STORIES, NewsSite
from storytrace.fetch import Fetcher, after_check, assess, parse_feed, start_watch

from .fetch_support import TEST_OPTIONS, run


def test_the_demo_site_runs_as_a_program_with_an_admin_endpoint() -> None:
    command = [sys.executable, "-m", "storytrace.demo.site", "--port", "0", "--admin", "--copies", "2"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as process:
        try:
            assert process.stdout is not None
            line = process.stdout.readline()
            assert line.startswith("The Loopback Herald at http://127.0.0.1:")
            base = line.split(" at ", 1)[1].split("/ ", 1)[0]
            with urllib.request.urlopen(base + "/news/rail-strike-dates-1", timeout=5) as answer:
                assert answer.status == 200 and b"Rail workers" in answer.read()
            request = urllib.request.Request(base + "/_site/advance/rail-strike-dates-1", method="POST")
            with urllib.request.urlopen(request, timeout=5) as answer:
                assert json.load(answer) == {"slug": "rail-strike-dates-1", "revision": 1}
            with urllib.request.urlopen(base + "/_site/state", timeout=5) as answer:
                assert len(json.load(answer)) == 2 * len(DEMO_STORIES)
        finally:
            process.terminate()
            process.wait(10)


def test_one_watch_cycle_over_the_demo_stories() -> None:
    """What `storytrace watch` will do: find articles in the feed, fetch, judge, re-check on a schedule."""
    now = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    with NewsSite() as site:

        async def go() -> None:
            async with Fetcher(TEST_OPTIONS) as fetcher:
                feed = await fetcher.fetch(site.url("/feeds/rss.xml"))
                assert feed.body is not None
                parsed = parse_feed(feed.body, url=feed.final_url)
                assert parsed.feed is not None
                links = [entry.link for entry in parsed.feed.entries]
                assert len(links) == len(DEMO_STORIES)

                stored = {}
                for link in links:
                    result = await fetcher.fetch(link)
                    extracted, verdict = assess(result)
                    assert verdict.verdict == "ok"
                    stored[link] = (result, extracted.text, start_watch(now))

                site.advance(site.slugs[0])
                later = now + timedelta(minutes=15)
                for link, (previous, text, state) in stored.items():
                    result = await fetcher.fetch(link, etag=previous.etag, last_modified=previous.last_modified)
                    if result.outcome == "not_modified":
                        state = after_check(state, later, changed=False)
                        assert state.interval == timedelta(minutes=22.5)
                    else:
                        extracted, verdict = assess(result, text)
                        assert verdict.verdict == "ok" and link.endswith(site.slugs[0])
                        assert "six hours" in extracted.text
                        state = after_check(state, later, changed=True)
                        assert state.interval == timedelta(minutes=15)

        run(go())
