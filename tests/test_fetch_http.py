"""The fetcher against a real HTTP server on 127.0.0.1 (storytrace.demo.site): no mocked HTTP."""

from __future__ import annotations

import asyncio
import dataclasses
import random
import re
import socket
import time
from collections.abc import Iterator

import pytest

from storytrace.demo.site import NewsSite
from storytrace.fetch.http import (
    OUTCOMES,
    ROBOTS_TOKEN,
    USER_AGENT,
    Fetcher,
    FetchOptions,
    FetchResult,
    backoff_delay,
    fetch_once,
)

from .fetch_support import TEST_OPTIONS, fetch, roft_articles, run

SLUG = "story-0"


@pytest.fixture(scope="module")
def site() -> Iterator[NewsSite]:
    with NewsSite(roft_articles(3)) as news:
        yield news


@pytest.fixture(autouse=True)
def fresh(site: NewsSite) -> None:
    site.reset_log()
    site.robots_status = 200
    site.robots = "User-agent: *\nDisallow: /private/\n"
    for slug in site.slugs:
        site.set_revision(slug, 0)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- identity, success, compression ---


def test_user_agent_names_storytrace_its_version_and_a_url(site: NewsSite) -> None:
    result = fetch(site.url(f"/news/{SLUG}"))
    assert result.ok
    sent = site.log.headers_of(f"/news/{SLUG}")
    assert sent["User-Agent"] == USER_AGENT
    assert re.fullmatch(r"storytrace/\d+\.\d+\.\d+\S* \(\+https://github\.com/storytrace/storytrace\)", USER_AGENT)
    assert site.log.headers_of("/robots.txt")["User-Agent"] == USER_AGENT


def test_an_article_is_fetched_gzipped_with_its_validators(site: NewsSite) -> None:
    result = fetch(site.url(f"/news/{SLUG}"))
    assert (result.outcome, result.status) == ("ok", 200)
    assert result.body is not None and b"<article" in result.body  # decompressed
    assert result.headers["content-encoding"] == "gzip"
    assert int(result.headers["content-length"]) < len(result.body)
    assert "gzip" in site.log.headers_of(f"/news/{SLUG}")["Accept-Encoding"]
    assert result.etag and result.etag.startswith('"')
    assert result.last_modified == "Wed, 01 May 2024 07:00:00 GMT"
    assert result.final_url == result.url == site.url(f"/news/{SLUG}")
    assert result.content_type == "text/html" and result.charset == "utf-8"
    assert result.detail.startswith("HTTP 200 OK") and "\n" not in result.detail
    assert result.requests == 1 and result.elapsed_ms >= 0


def test_deflate_bodies_are_decompressed(site: NewsSite) -> None:
    result = fetch(site.url("/faults/deflate"))
    assert result.ok and result.headers["content-encoding"] == "deflate"
    assert result.body is not None and result.body.startswith(b"<!DOCTYPE html>")


def test_results_are_frozen_and_outcomes_named(site: NewsSite) -> None:
    result = fetch(site.url(f"/news/{SLUG}"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.outcome = "timeout"  # type: ignore[misc]
    assert set(OUTCOMES) == {
        "ok",
        "not_modified",
        "http_error",
        "network_error",
        "timeout",
        "too_large",
        "too_many_redirects",
        "robots_disallowed",
    }


# --- conditional GET ---


def test_an_unchanged_article_answers_304_to_its_etag(site: NewsSite) -> None:
    first = fetch(site.url(f"/news/{SLUG}"))
    again = fetch(site.url(f"/news/{SLUG}"), etag=first.etag, last_modified=first.last_modified)
    assert (again.outcome, again.status, again.body) == ("not_modified", 304, None)
    assert (again.etag, again.last_modified) == (first.etag, first.last_modified)
    sent = site.log.headers_of(f"/news/{SLUG}")
    assert sent["If-None-Match"] == first.etag
    assert sent["If-Modified-Since"] == first.last_modified


def test_if_modified_since_alone_gives_304_until_the_article_changes(site: NewsSite) -> None:
    first = fetch(site.url(f"/news/{SLUG}"))
    assert fetch(site.url(f"/news/{SLUG}"), last_modified=first.last_modified).outcome == "not_modified"
    site.advance(SLUG)
    changed = fetch(site.url(f"/news/{SLUG}"), etag=first.etag, last_modified=first.last_modified)
    assert changed.outcome == "ok" and changed.body is not None
    assert changed.etag != first.etag
    assert changed.last_modified == "Wed, 01 May 2024 08:15:00 GMT"


def test_a_changed_article_without_validators_is_fetched_whole(site: NewsSite) -> None:
    assert fetch(site.url(f"/news/{SLUG}"), etag='"stale"').outcome == "ok"


# --- robots.txt ---


def test_a_disallowed_url_is_never_requested(site: NewsSite) -> None:
    result = fetch(site.url(f"/private/{SLUG}"))
    assert (result.outcome, result.status, result.body, result.requests) == ("robots_disallowed", None, None, 0)
    assert "robots.txt" in result.detail
    assert site.log.hits[f"/private/{SLUG}"] == 0


def test_robots_rules_for_our_token_apply(site: NewsSite) -> None:
    site.robots = f"User-agent: {ROBOTS_TOKEN}\nDisallow: /news/\n\nUser-agent: *\nDisallow:\n"
    assert fetch(site.url(f"/news/{SLUG}")).outcome == "robots_disallowed"
    assert fetch(site.url("/feeds/rss.xml")).ok


def test_obey_robots_off_fetches_anything(site: NewsSite) -> None:
    result = fetch(site.url(f"/private/{SLUG}"), TEST_OPTIONS.with_overrides(obey_robots=False))
    assert result.ok and site.log.hits["/robots.txt"] == 0


def test_robots_txt_is_read_once_per_host_even_by_concurrent_fetches(site: NewsSite) -> None:
    async def go() -> list[FetchResult]:
        async with Fetcher(TEST_OPTIONS) as fetcher:
            first = await asyncio.gather(*(fetcher.fetch(site.url(f"/news/{slug}")) for slug in site.slugs * 3))
            return [*first, await fetcher.fetch(site.url("/feeds/atom.xml"))]

    results = run(go())
    assert all(r.ok for r in results)
    assert site.log.hits["/robots.txt"] == 1


def test_robots_txt_is_read_again_after_its_ttl(site: NewsSite) -> None:
    async def go() -> None:
        async with Fetcher(TEST_OPTIONS.with_overrides(robots_ttl=0.15)) as fetcher:
            assert (await fetcher.fetch(site.url(f"/news/{SLUG}"))).ok
            assert (await fetcher.fetch(site.url(f"/news/{SLUG}"))).ok
            assert site.log.hits["/robots.txt"] == 1
            site.robots = "User-agent: *\nDisallow: /news/\n"
            await asyncio.sleep(0.2)
            assert (await fetcher.fetch(site.url(f"/news/{SLUG}"))).outcome == "robots_disallowed"
            assert site.log.hits["/robots.txt"] == 2

    run(go())


def test_a_missing_robots_txt_allows_everything(site: NewsSite) -> None:
    site.robots_status = 404
    assert fetch(site.url(f"/private/{SLUG}")).ok


def test_a_failing_robots_txt_forbids_everything_for_a_while(site: NewsSite) -> None:
    site.robots_status = 503
    result = fetch(site.url(f"/news/{SLUG}"))
    assert result.outcome == "robots_disallowed" and "503" in result.detail
    assert site.log.hits[f"/news/{SLUG}"] == 0


def test_an_unreachable_host_fails_with_the_robots_error(site: NewsSite) -> None:
    result = fetch(f"http://127.0.0.1:{_free_port()}/news/x")
    assert result.outcome == "network_error"
    assert result.detail.startswith("robots.txt: cannot connect to 127.0.0.1:")
    assert result.detail.endswith(": connection refused")


def test_a_crawl_delay_spaces_requests(site: NewsSite) -> None:
    site.robots = "User-agent: *\nCrawl-delay: 0.25\n"

    async def go() -> float:
        async with Fetcher(TEST_OPTIONS) as fetcher:
            await fetcher.fetch(site.url(f"/news/{SLUG}"))
            start = time.perf_counter()
            await fetcher.fetch(site.url(f"/news/{SLUG}"))
            await fetcher.fetch(site.url(f"/news/{SLUG}"))
            return time.perf_counter() - start

    assert run(go()) >= 0.45


# --- politeness and concurrency ---


def test_the_politeness_delay_spaces_requests_to_one_host(site: NewsSite) -> None:
    async def go() -> float:
        async with Fetcher(TEST_OPTIONS.with_overrides(politeness_delay=0.1, per_host_concurrency=4)) as fetcher:
            start = time.perf_counter()
            results = await asyncio.gather(*(fetcher.fetch(site.url(f"/news/{slug}")) for slug in site.slugs))
            assert all(r.ok for r in results)
            return time.perf_counter() - start

    # robots.txt and three pages: four request starts at least 0.1 s apart
    assert run(go()) >= 0.3


def test_per_host_concurrency_is_limited(site: NewsSite) -> None:
    async def timed(concurrency: int) -> float:
        async with Fetcher(TEST_OPTIONS.with_overrides(per_host_concurrency=concurrency)) as fetcher:
            await fetcher.fetch(site.url("/robots.txt"))
            start = time.perf_counter()
            urls = [site.url(f"/faults/slow?delay=0.15&n={i}") for i in range(3)]
            results = await asyncio.gather(*(fetcher.fetch(url) for url in urls))
            assert all(r.ok for r in results)
            return time.perf_counter() - start

    assert run(timed(1)) >= 0.45
    assert run(timed(3)) < 0.4


# --- retries and backoff ---


def test_a_5xx_is_retried_until_it_recovers(site: NewsSite) -> None:
    result = fetch(site.url("/faults/flaky/a?fail=2"), TEST_OPTIONS.with_overrides(retries=2))
    assert result.ok and result.requests == 3
    assert site.log.hits["/faults/flaky/a"] == 3


def test_retries_give_up_with_the_last_status(site: NewsSite) -> None:
    result = fetch(site.url("/faults/flaky/b?fail=5&status=502"), TEST_OPTIONS.with_overrides(retries=1))
    assert (result.outcome, result.status, result.body) == ("http_error", 502, None)
    assert result.detail == "HTTP 502 Bad Gateway after 2 attempts"


@pytest.mark.parametrize("code", [400, 403, 404, 410, 429])
def test_a_4xx_is_not_retried(site: NewsSite, code: int) -> None:
    result = fetch(site.url(f"/faults/status/{code}"), TEST_OPTIONS.with_overrides(retries=3))
    assert (result.outcome, result.status, result.requests) == ("http_error", code, 1)
    assert site.log.hits[f"/faults/status/{code}"] == 1


def test_network_errors_are_retried(site: NewsSite) -> None:
    port = _free_port()
    result = fetch(f"http://127.0.0.1:{port}/news/x", TEST_OPTIONS.with_overrides(retries=2, obey_robots=False))
    assert result.outcome == "network_error" and result.requests == 3
    assert result.detail == f"cannot connect to 127.0.0.1:{port}: connection refused after 3 attempts"


def test_backoff_grows_exponentially_within_the_jitter() -> None:
    options = FetchOptions(backoff=1.0, backoff_max=10.0, jitter=0.25, seed=3)
    rng = random.Random(3)
    delays = [backoff_delay(attempt, options, rng) for attempt in range(1, 7)]
    for attempt, delay in enumerate(delays, start=1):
        base = min(2.0 ** (attempt - 1), 10.0)
        assert 0.75 * base <= delay <= 1.25 * base
    again = random.Random(3)
    assert [backoff_delay(a, options, again) for a in range(1, 7)] == delays  # seeded: reproducible
    assert backoff_delay(1, options.with_overrides(jitter=0.0), rng) == 1.0
    assert backoff_delay(1, options.with_overrides(jitter=0.0), rng, retry_after=4.0) == 4.0
    assert backoff_delay(1, options.with_overrides(jitter=0.0), rng, retry_after=400.0) == 10.0


def test_retries_wait_between_attempts(site: NewsSite) -> None:
    options = TEST_OPTIONS.with_overrides(retries=2, backoff=0.1, backoff_max=1.0, jitter=0.0)
    start = time.perf_counter()
    result = fetch(site.url("/faults/flaky/c?fail=2"), options)
    assert result.ok and time.perf_counter() - start >= 0.3  # 0.1 + 0.2


# --- timeouts ---


def test_a_hanging_server_times_out(site: NewsSite) -> None:
    start = time.perf_counter()
    result = fetch(site.url("/faults/hang"), TEST_OPTIONS.with_overrides(total_timeout=0.3))
    assert (result.outcome, result.status, result.body) == ("timeout", None, None)
    assert result.detail == "no complete answer within 0.3 s"
    assert time.perf_counter() - start < 1.5


def test_a_body_dripping_past_the_timeout_times_out(site: NewsSite) -> None:
    result = fetch(site.url("/faults/drip?delay=0.1"), TEST_OPTIONS.with_overrides(total_timeout=0.35))
    assert result.outcome == "timeout"


def test_a_slow_answer_within_the_timeout_is_fine(site: NewsSite) -> None:
    result = fetch(site.url("/faults/slow?delay=0.2"), TEST_OPTIONS.with_overrides(total_timeout=1.0))
    assert result.ok and result.elapsed_ms >= 200


def test_timeouts_are_retried(site: NewsSite) -> None:
    result = fetch(site.url("/faults/hang"), TEST_OPTIONS.with_overrides(total_timeout=0.2, retries=1))
    assert result.outcome == "timeout" and result.requests == 2 and result.detail.endswith("after 2 attempts")


# --- size limits ---


@pytest.mark.parametrize("path", ["/faults/huge?mb=30", "/faults/huge?mb=30&length=1", "/faults/gzip-bomb?mb=40"])
def test_huge_bodies_are_abandoned_while_streaming(site: NewsSite, path: str) -> None:
    start = time.perf_counter()
    result = fetch(site.url(path))
    assert (result.outcome, result.body) == ("too_large", None)
    assert result.detail == "body larger than the 5,000,000-byte limit"
    assert time.perf_counter() - start < 5


def test_the_limit_applies_to_ordinary_pages_too(site: NewsSite) -> None:
    result = fetch(site.url(f"/news/{SLUG}"), TEST_OPTIONS.with_overrides(max_bytes=1000))
    assert result.outcome == "too_large"


# --- redirects ---


def test_a_permanent_redirect_is_followed(site: NewsSite) -> None:
    result = fetch(site.url(f"/faults/moved/{SLUG}"))
    assert result.ok and result.final_url == site.url(f"/news/{SLUG}")
    assert result.url == site.url(f"/faults/moved/{SLUG}") and result.requests == 2


def test_a_chain_within_the_limit_is_followed(site: NewsSite) -> None:
    result = fetch(site.url("/faults/redirects/4"), TEST_OPTIONS.with_overrides(max_redirects=5))
    assert result.ok and result.requests == 6


def test_too_many_redirects(site: NewsSite) -> None:
    result = fetch(site.url("/faults/redirects/4"), TEST_OPTIONS.with_overrides(max_redirects=3))
    assert (result.outcome, result.body) == ("too_many_redirects", None)
    assert result.detail.startswith("more than 3 redirects")


def test_a_redirect_loop_is_recognised_at_once(site: NewsSite) -> None:
    result = fetch(site.url("/faults/loop/a"))
    assert result.outcome == "too_many_redirects"
    a, b = site.url("/faults/loop/a"), site.url("/faults/loop/b")
    assert result.detail == f"redirect loop: {a} -> {b} -> {a}"
    assert site.log.hits["/faults/loop/a"] == 1 and site.log.hits["/faults/loop/b"] == 1


def test_a_redirect_to_a_disallowed_url_is_not_followed(site: NewsSite) -> None:
    result = fetch(site.url("/faults/redirect-private"))
    assert result.outcome == "robots_disallowed" and result.final_url == site.url(f"/private/{SLUG}")
    assert site.log.hits[f"/private/{SLUG}"] == 0


def test_a_cookie_check_redirect_is_not_a_loop_when_cookies_are_kept(site: NewsSite) -> None:
    result = fetch(site.url("/faults/cookie-check"))
    assert result.ok and result.requests == 2
    without = fetch(site.url("/faults/cookie-check"), TEST_OPTIONS.with_overrides(keep_cookies=False))
    assert without.outcome == "too_many_redirects" and without.detail.startswith("redirect loop")


# --- servers that do not speak HTTP properly ---


async def _raw_server(answer: bytes) -> tuple[asyncio.Server, str]:
    """A TCP server that sends `answer` (possibly nothing) to each connection and closes it."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(answer)
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    return server, f"http://127.0.0.1:{port}/news/x"


@pytest.mark.parametrize(
    ("answer", "detail"),
    [
        (b"", "the server closed the connection without answering"),
        (b"SMTP ready\r\n\r\n", "malformed answer: Bad status line"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\nshort", "the body could not be read"),
        (b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 9\r\n\r\nnot gzip!", "body could not"),
    ],
)
def test_broken_answers_are_network_errors(answer: bytes, detail: str) -> None:
    async def go() -> FetchResult:
        server, url = await _raw_server(answer)
        async with server:
            async with Fetcher(TEST_OPTIONS.with_overrides(obey_robots=False, retries=1)) as fetcher:
                return await fetcher.fetch(url)

    result = run(go())
    assert result.outcome == "network_error" and result.requests == 2
    assert detail in result.detail and "\n" not in result.detail


# --- bad input never raises ---


@pytest.mark.parametrize("url", ["not a url", "ftp://example.org/file", "http://", "mailto:x@example.org", ""])
def test_a_bad_url_is_an_outcome_not_an_exception(url: str) -> None:
    result = fetch(url)
    assert result.outcome == "network_error" and "http(s) URL" in result.detail


def test_fetch_once_for_synchronous_callers(site: NewsSite) -> None:
    result = fetch_once(site.url("/feeds/rss.xml"), TEST_OPTIONS)
    assert result.ok and result.content_type == "application/rss+xml"


def test_many_concurrent_fetches_of_every_kind(site: NewsSite) -> None:
    paths = [
        f"/news/{SLUG}",
        "/faults/status/500",
        "/faults/loop/a",
        "/faults/huge?mb=6",
        f"/private/{SLUG}",
        "/faults/hang",
        "/faults/binary",
    ] * 4
    options = TEST_OPTIONS.with_overrides(total_timeout=0.5, per_host_concurrency=8)

    async def go() -> list[FetchResult]:
        async with Fetcher(options) as fetcher:
            return await asyncio.gather(*(fetcher.fetch(site.url(p)) for p in paths))

    outcomes = {r.url.removeprefix(site.base_url): r.outcome for r in run(go())}
    assert outcomes == {
        f"/news/{SLUG}": "ok",
        "/faults/status/500": "http_error",
        "/faults/loop/a": "too_many_redirects",
        "/faults/huge?mb=6": "too_large",
        f"/private/{SLUG}": "robots_disallowed",
        "/faults/hang": "timeout",
        "/faults/binary": "ok",
    }


# --- options ---


def test_options_are_validated_and_overridable() -> None:
    assert FetchOptions().politeness_delay == 1.0 and FetchOptions().user_agent == USER_AGENT
    assert FetchOptions(politeness_delay=0).politeness_delay == 0
    with pytest.raises(ValueError, match="total_timeout"):
        FetchOptions(total_timeout=0)
    with pytest.raises(ValueError, match="max_bytes"):
        FetchOptions(max_bytes=0)
    with pytest.raises(ValueError, match="jitter"):
        FetchOptions(jitter=2)
    with pytest.raises(TypeError, match="unknown fetch option"):
        FetchOptions().with_overrides(politeness=1)
