"""Stores for the web tests: real NYT passages (read from ../shared at test time, never copied) revised into a few
versions each, copies at a second outlet, and a hostile article full of markup that must only ever be shown."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from fastapi.testclient import TestClient

from storytrace.store import Store, add_source, add_story, add_version

from .conftest import ROFT_PROMPTS

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
HOSTILE_URL = "https://hostile.example/news/markup"
HOSTILE_TITLE = '<script>__pwned = "title"</script>Markup & "quotes"'
HOSTILE_TEXTS = (
    "The council met on Tuesday. <script>__pwned = 1; alert(1)</script> The vote was 5 to 4.\n\n"
    'A resident said: "<img src=x onerror=__pwned=2>" was on the sign. The meeting ended at 9 pm.',
    "The council met on Tuesday night. <script>__pwned = 1; alert(1)</script> The vote was 6 to 3.\n\n"
    'A resident said: "<img src=x onerror=__pwned=2>" was on the sign. '
    "<svg onload=__pwned=3></svg> The meeting ended at 10 pm. </textarea><b>bold?</b>",
)
OUTLETS = ("gazette.example", "courier.example")


def assert_a_write_needs_both_tokens(client: TestClient, path: str, fields: dict[str, str], token: str) -> None:
    """The refusals every form write of the web app makes (`fields`: the form's own fields): no CSRF token (the
    first request, before the client holds the CSRF cookie), a forged one, no admin token (401, Bearer asked
    for), a wrong one, and the right ones sent from another site."""
    assert client.post(path, data={**fields, "token": token}).status_code == 403, path  # no CSRF token
    csrf: str = client.get("/compare.json").json()["csrf"]
    forged = csrf.split(".")[0] + ".0123456789abcdef0123456789abcdef"
    assert client.post(path, data={**fields, "token": token, "csrf": forged}).status_code == 403, path
    missing = client.post(path, data={**fields, "csrf": csrf})
    assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer", path
    assert client.post(path, data={**fields, "token": "wrong", "csrf": csrf}).status_code == 403, path
    other_site = client.post(path, data={**fields, "token": token, "csrf": csrf},
                             headers={"Origin": "https://evil.example"})
    assert other_site.status_code == 403, path


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """The app served by uvicorn on 127.0.0.1 (a port the system picks) in a thread; yields its base URL."""
    import uvicorn

    running = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not running.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    port = running.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        running.should_exit = True
        thread.join(timeout=10)


@lru_cache(maxsize=1)
def passages() -> list[list[str]]:
    data = json.loads(ROFT_PROMPTS.read_text(encoding="utf-8"))["prompts"]
    return [[s.strip() for s in p] for p in data]


def _paragraphs(sentences: list[str]) -> str:
    return "\n\n".join(" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3))


def _renumber(sentence: str) -> str:
    """A substantive edit: the first number changed, or a claim of attribution added."""
    found = re.search(r"\d+", sentence)
    if found:
        return sentence[: found.start()] + str(int(found.group()) + 3) + sentence[found.end() :]
    return sentence.rstrip(".") + ", officials said on Monday."


def revisions(passage: list[str], extra: list[str]) -> list[str]:
    """Three versions of a story: the first 8 sentences; then a number changed, a sentence added and a comma
    style edit; then a sentence deleted and one moved."""
    v1 = list(passage[:8])
    v2 = list(v1)
    v2[1] = _renumber(v2[1])
    v2[4] = v2[4].replace(", ", " — ", 1) if ", " in v2[4] else v2[4].rstrip(".") + " today."
    v2.insert(6, passage[8])
    v3 = list(v2)
    del v3[2]
    v3.insert(5, v3.pop(0))
    v3.append(extra[0])
    return [_paragraphs(v1), _paragraphs(v2), _paragraphs(v3)]


def fill(store: Store, stories: int = 6) -> dict[str, int]:
    """Stories from real passages at two outlets (three versions each), a copy of the first story at the other
    outlet, a story without versions and the hostile one. Returns the ids by name."""
    ids: dict[str, int] = {}
    texts = passages()
    for n in range(stories):
        outlet = OUTLETS[n % 2]
        story = add_story(store, f"https://{outlet}/news/story-{n}", now=T0)
        title = texts[n][0].split(" -- ")[0][:80]
        for k, text in enumerate(revisions(texts[n], texts[100 + n])):
            add_version(store, story, text, title=f"{title} (take {k + 1})",
                        captured_at=T0 + timedelta(hours=n, minutes=10 * k))
        ids[f"story-{n}"] = story.id
    copy = add_story(store, f"https://{OUTLETS[1]}/wire/story-0-copy", now=T0)
    copied = revisions(texts[0], texts[100])[1].replace(texts[0][3], "")
    add_version(store, copy, copied, title="Copy of story 0", captured_at=T0 + timedelta(hours=12))
    ids["copy"] = copy.id
    ids["empty"] = add_story(store, "https://gazette.example/news/nothing-yet", now=T0).id
    hostile = add_story(store, HOSTILE_URL, now=T0)
    for k, text in enumerate(HOSTILE_TEXTS):
        add_version(store, hostile, text, title=HOSTILE_TITLE, captured_at=T0 + timedelta(days=1, hours=k))
    ids["hostile"] = hostile.id
    return ids


def fill_feeds(store: Store) -> dict[str, int]:
    """Two feeds and the stories each brought (real passages, one version each, a different time each), a story
    no feed brought, and a feed whose stored address is not a web address. The gazette's feed has the hostile
    title. Returns the ids by name: `feed-gazette`, `gazette-0`..`gazette-2`, `feed-courier`, `courier-0`,
    `courier-1`, `loose`, `feed-odd`."""
    texts = passages()
    ids: dict[str, int] = {}
    brought = {"gazette": 3, "courier": 2}
    for n, (name, count) in enumerate(brought.items()):
        feed = add_source(store, f"https://{name}.example/rss.xml", title=HOSTILE_TITLE if name == "gazette" else None,
                          now=T0 + timedelta(minutes=n))
        ids[f"feed-{name}"] = feed.id
        for k in range(count):
            story = add_story(store, f"https://{name}.example/news/{name}-{k}", source=feed, now=T0)
            add_version(store, story, _paragraphs(texts[10 * n + k][:6]), title=f"{name} story {k}",
                        captured_at=T0 + timedelta(hours=k, minutes=n))
            ids[f"{name}-{k}"] = story.id
    loose = add_story(store, "https://gazette.example/news/no-feed", now=T0)
    add_version(store, loose, _paragraphs(texts[30][:6]), title="No feed brought this", captured_at=T0)
    ids["loose"] = loose.id
    ids["feed-odd"] = add_source(store, "javascript:__pwned=1//odd.xml", title="Odd feed",
                                 now=T0 + timedelta(minutes=5)).id
    return ids
