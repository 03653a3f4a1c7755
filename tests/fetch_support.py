"""Helpers of the fetch tests: articles made of real NYT sentences (read at run time, never copied), options.

Each article has three revisions, as an editor would make them: the first six sentences; then a clause
added to one sentence, a number changed and a seventh sentence appended; then a sentence dropped and an
eighth appended.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Coroutine
from functools import lru_cache
from typing import Any, TypeVar

from storytrace.demo.site import Article, Revision
from storytrace.fetch.http import Fetcher, FetchOptions, FetchResult

from .conftest import ROFT_PROMPTS

T = TypeVar("T")

# Fast, deterministic options for tests against the loopback site.
TEST_OPTIONS = FetchOptions(
    total_timeout=2.0,
    connect_timeout=1.0,
    retries=0,
    backoff=0.01,
    backoff_max=0.05,
    politeness_delay=0.0,
    seed=7,
)

_NUMBER = re.compile(r"\d+")


@lru_cache(maxsize=1)
def _passages() -> tuple[tuple[str, ...], ...]:
    passages = json.loads(ROFT_PROMPTS.read_text(encoding="utf-8"))["prompts"]
    keep = []
    for passage in passages:
        sentences = tuple(s.strip() for s in passage)
        if (
            len(sentences) >= 10
            and all(8 <= len(s.split()) <= 50 for s in sentences)
            and any(_NUMBER.search(s) for s in sentences[:6])
        ):
            keep.append(sentences)
    return tuple(keep)


def _with_clause(sentence: str, clause: str) -> str:
    end = len(sentence.rstrip(".'\"")) if sentence.endswith(".") else len(sentence)
    return sentence[:end] + clause + sentence[end:]


def _bump_number(sentences: list[str]) -> list[str]:
    for i, s in enumerate(sentences):
        match = _NUMBER.search(s)
        if match is not None:
            bumped = str(int(match.group(0)) + 1)
            sentences[i] = s[: match.start()] + bumped + s[match.end() :]
            break
    return sentences


def roft_article(index: int = 0, slug: str | None = None) -> Article:
    """An article whose three revisions are built from real news passage number `index`."""
    s = list(_passages()[index + 1])
    title = " ".join(s[0].split()[:9]).rstrip(",;:")
    first = s[:6]
    second = _bump_number([first[0], _with_clause(first[1], ", officials said"), *first[2:], s[6]])
    third = [*second[:3], *second[4:], s[7]]
    revisions = [
        Revision(title, tuple(first), "Staff reporter"),
        Revision(title, tuple(second), "Staff reporter"),
        Revision(title + " (updated)", tuple(third), "Staff reporter and agencies"),
    ]
    return Article(slug or f"story-{index}", revisions)


def roft_articles(count: int = 3) -> list[Article]:
    return [roft_article(i) for i in range(count)]


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


def fetch(url: str, options: FetchOptions = TEST_OPTIONS, **kwargs: str | None) -> FetchResult:
    """One fetch with a fetcher of its own (so robots.txt is read afresh)."""

    async def go() -> FetchResult:
        async with Fetcher(options) as fetcher:
            return await fetcher.fetch(url, **kwargs)

    return run(go())
