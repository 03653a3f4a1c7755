"""Requests at the same time against the web app served by uvicorn on 127.0.0.1: a diff or a collation that is
not cached yet is computed once for all the requests that ask for it together (the cache counts its
computations), and each of them gets it."""

from __future__ import annotations

import json
import threading
import urllib.request
from datetime import timedelta

from storytrace.store import add_story, add_version, open_store
from storytrace.web import create_app
from storytrace.web.serve import LOOPBACK_NAMES

from .web_support import T0, _renumber, passages, serving

TOGETHER = 4


def long_story(store_url: str) -> int:
    """A story of two long versions (150 real passages; then every other sentence renumbered and the passages in
    the reverse order), whose diff and collation take a while to compute."""
    texts = passages()[:150]
    first = "\n\n".join(" ".join(p) for p in texts)
    second = "\n\n".join(" ".join(_renumber(s) if i % 2 else s for i, s in enumerate(p)) for p in reversed(texts))
    with open_store(store_url) as store:
        story = add_story(store, "https://gazette.example/news/long", now=T0)
        for k, text in enumerate((first, second)):
            add_version(store, story, text, title="A long story", captured_at=T0 + timedelta(hours=k))
    return story.id


def together(base: str, paths: list[str]) -> list[tuple[int, bytes]]:
    """GET every path at once (each from its own thread, released together); (status, body) in order."""
    start = threading.Barrier(len(paths))
    answers: list[tuple[int, bytes]] = [(0, b"")] * len(paths)

    def fetch(k: int) -> None:
        start.wait()
        with urllib.request.urlopen(base + paths[k], timeout=120) as response:
            answers[k] = (response.status, response.read())

    threads = [threading.Thread(target=fetch, args=(k,)) for k in range(len(paths))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_a_diff_and_a_collation_asked_for_together_are_computed_once(store_url: str) -> None:
    """Before, each request computed it: the collation four times. (The diff, in the compiled core, seldom lets
    another thread run until it is done, so the others mostly found it cached already.)"""
    story = long_story(store_url)
    app = create_app(store_url, token=None, allowed_hosts=LOOPBACK_NAMES)
    state = app.state.web
    with serving(app) as base:
        for name, cache, path in (("diff", state.diffs, f"/stories/{story}/diff/1/2"),
                                  ("collation", state.collations, f"/stories/{story}/collation")):
            answers = together(base, [f"{path}.json", path] * (TOGETHER // 2))
            assert [status for status, _ in answers] == [200] * TOGETHER, name
            assert cache.computed == 1, name
            documents = [json.loads(body) for status, body in answers[::2]]
            assert documents[0] == documents[1] and documents[0]["schema"].startswith(f"storytrace.{name}/"), name
            assert all(b"<html" in body for _, body in answers[1::2]), name
            # Asked again, it is taken from the cache.
            assert together(base, [f"{path}.json"])[0][1] == answers[0][1] and cache.computed == 1, name
