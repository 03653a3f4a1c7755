"""Polite HTTP fetching for watching articles: one `Fetcher`, one `FetchResult` per URL, never an exception.

What the fetcher does, so that the tools before it do not have to be re-learnt the hard way:

* says who it is (`USER_AGENT`, with a URL) and obeys robots.txt (RFC 9309, parsed by protego): fetched once
  per host and cached for `robots_ttl`; a 4xx robots.txt allows everything, a 5xx one forbids everything for
  `robots_error_ttl`, an unreachable one fails the fetch (or an expired copy is used if there is one);
* spaces requests to the same host (`politeness_delay`, or the robots.txt Crawl-delay if longer) and runs at
  most `per_host_concurrency` of them at once;
* retries network errors, timeouts and 5xx answers with exponential backoff and jitter (never a 4xx);
* stops reading a body as soon as it passes `max_bytes` (after decompression), follows at most
  `max_redirects` redirects itself (each one checked against robots.txt) and recognises a loop;
* sends If-None-Match / If-Modified-Since when it is given the previous ETag / Last-Modified, so an
  unchanged page costs a 304 and no body.

Every failure becomes a `FetchResult` whose `outcome` names it and whose `detail` is one line for a log.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import MappingProxyType, TracebackType
from typing import Any, Literal, get_args

import aiohttp
from protego import Protego
from yarl import URL

from storytrace import __version__
from storytrace.options import changed_options

USER_AGENT = f"storytrace/{__version__} (+https://github.com/storytrace/storytrace)"
"""The User-Agent header: the product and version, and where to read what it is and who runs it."""

ROBOTS_TOKEN = "storytrace"
"""The product token that robots.txt groups name (`User-agent: storytrace`)."""

Outcome = Literal[
    "ok",
    "not_modified",
    "http_error",
    "network_error",
    "timeout",
    "too_large",
    "too_many_redirects",
    "robots_disallowed",
]
OUTCOMES: tuple[Outcome, ...] = get_args(Outcome)

# The response headers worth keeping with a result (names in lower case).
KEPT_HEADERS = (
    "content-type",
    "content-length",
    "content-encoding",
    "content-language",
    "etag",
    "last-modified",
    "date",
    "age",
    "cache-control",
    "expires",
    "location",
    "retry-after",
    "x-robots-tag",
)
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_ACCEPT = "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,application/xml;q=0.9,*/*;q=0.8"
_CHUNK = 64 * 1024
_MAX_DETAIL = 300
_MAX_HOSTS = 1000  # above this many hosts, idle ones are forgotten (a robots.txt is re-read when they return)


@dataclass(frozen=True)
class FetchOptions:
    """Every limit of the fetcher; durations are in seconds. Defaults suit a watcher of news sites."""

    user_agent: str = USER_AGENT
    """The User-Agent header sent with every request (robots.txt rules are matched on `ROBOTS_TOKEN`)."""

    total_timeout: float = 30.0
    """Longest one request may take, from connecting to the last byte of the body."""

    connect_timeout: float = 10.0
    """Longest wait for a connection (DNS, TCP and TLS) before a request counts as timed out."""

    max_bytes: int = 5_000_000
    """Largest body accepted, counted after decompression; reading stops as soon as it is passed."""

    max_redirects: int = 10
    """Most redirects followed for one fetch; a redirect back to a URL already visited is a loop at once."""

    retries: int = 2
    """Extra attempts after a network error, a timeout or a 5xx answer (0: a single attempt)."""

    backoff: float = 1.0
    """Wait before the first retry; doubled before each further one."""

    backoff_max: float = 60.0
    """Longest wait between two attempts (also caps a server's Retry-After)."""

    jitter: float = 0.25
    """Each wait is multiplied by a random factor in [1 - jitter, 1 + jitter], so retries do not bunch."""

    seed: int | None = None
    """Seed of the jitter's random numbers (None: unpredictable); tests fix it."""

    per_host_concurrency: int = 2
    """Most requests in flight to one host (scheme, name and port) at once."""

    politeness_delay: float = 1.0
    """Least time between the starts of two requests to the same host (0: none, for benchmarks)."""

    max_crawl_delay: float = 30.0
    """A robots.txt Crawl-delay longer than the politeness delay is honoured up to this many seconds."""

    total_concurrency: int = 50
    """Most connections open at once, all hosts together."""

    obey_robots: bool = True
    """Read each host's robots.txt and fetch nothing it disallows for `ROBOTS_TOKEN`."""

    robots_ttl: float = 3600.0
    """How long a host's robots.txt is kept before it is read again (RFC 9309 says at most a day)."""

    robots_error_ttl: float = 600.0
    """How long a robots.txt that answered 5xx or 429 (so nothing may be fetched) is kept."""

    robots_max_bytes: int = 512_000
    """robots.txt is read up to this size and the rest ignored (RFC 9309 asks for at least 500 KiB)."""

    keep_cookies: bool = True
    """Keep cookies between requests, as a browser does; some sites redirect in a loop to a client without."""

    def __post_init__(self) -> None:
        for name in ("total_timeout", "connect_timeout", "backoff_max", "max_crawl_delay"):
            if not getattr(self, name) > 0:
                raise ValueError(f"fetch option {name} must be positive")
        for name in ("backoff", "politeness_delay", "robots_ttl", "robots_error_ttl"):
            if getattr(self, name) < 0:
                raise ValueError(f"fetch option {name} must not be negative")
        for name in ("max_bytes", "per_host_concurrency", "total_concurrency", "robots_max_bytes"):
            if getattr(self, name) < 1:
                raise ValueError(f"fetch option {name} must be at least 1")
        for name in ("max_redirects", "retries"):
            if getattr(self, name) < 0:
                raise ValueError(f"fetch option {name} must not be negative")
        if not 0 <= self.jitter <= 1:
            raise ValueError("fetch option jitter must be between 0 and 1")

    def with_overrides(self, **overrides: Any) -> FetchOptions:
        """A copy with some options changed; unknown names are an error, not silently ignored."""
        return changed_options(self, "fetch", overrides)


@dataclass(frozen=True)
class FetchResult:
    """What one fetch of one URL gave: a body, a "not modified", or a named failure with a one-line detail."""

    url: str  # the URL asked for
    final_url: str  # where the answer came from, after redirects
    status: int | None  # the last HTTP status, None when no answer came (or robots.txt forbade asking)
    headers: Mapping[str, str]  # the last answer's headers named in KEPT_HEADERS, names in lower case
    body: bytes | None  # the decompressed body of a 2xx answer; None for every other outcome
    # Validators to send next time: an ok answer's own; a 304's, or the ones sent if it repeats none; after a
    # failure, the ones sent (still the last known version's).
    etag: str | None
    last_modified: str | None
    outcome: Outcome
    detail: str  # one line: what happened, for logs and for the user
    elapsed_ms: float  # wall time of the whole fetch: robots.txt, politeness waits, retries and redirects
    requests: int = 0  # HTTP requests made for the page itself (retries and redirects included)

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"

    @property
    def content_type(self) -> str:
        """The media type without parameters, in lower case ("" when there was none)."""
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()

    @property
    def charset(self) -> str | None:
        """The charset parameter of Content-Type, if any."""
        for param in self.headers.get("content-type", "").split(";")[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "charset" and value.strip().strip("\"'"):
                return value.strip().strip("\"'")
        return None


def backoff_delay(attempt: int, options: FetchOptions, rng: random.Random, retry_after: float | None = None) -> float:
    """Seconds to wait after failed attempt number `attempt` (1, 2, ...): exponential, capped, jittered.

    A server's Retry-After is honoured when it asks for longer, up to `backoff_max`.
    """
    delay = min(options.backoff * 2.0 ** (attempt - 1), options.backoff_max)
    delay *= 1 + options.jitter * (2 * rng.random() - 1)
    if retry_after is not None:
        delay = max(delay, min(retry_after, options.backoff_max))
    return max(0.0, delay)


@dataclass(frozen=True)
class _Reply:
    """An HTTP answer (any status) with the body read when it was a 2xx one."""

    url: str
    status: int
    reason: str
    headers: Mapping[str, str]
    body: bytes | None


@dataclass(frozen=True)
class _Failure:
    """No usable answer: a network error, a timeout, a body over the limit, too many redirects."""

    outcome: Outcome
    detail: str


@dataclass
class _Robots:
    """A host's robots.txt as last read: rules to apply, or a failure to report for every URL of the host."""

    parser: Protego | None  # None: no rules (everything allowed), unless disallow_all
    disallow_all: bool
    expires: float  # time.monotonic() after which it is read again
    source: str  # for details: "robots.txt answered 503", "http://host/robots.txt"
    failure: _Failure | None = None  # unreachable: the fetch fails with this


class _Host:
    """Per-host state: the concurrency limit, the time the next request may start, robots.txt."""

    def __init__(self, concurrency: int) -> None:
        self.slots = asyncio.Semaphore(concurrency)
        self.next_start = 0.0
        self.crawl_delay = 0.0
        self.robots: _Robots | None = None
        self.robots_lock = asyncio.Lock()
        self.busy = 0


class Fetcher:
    """Fetches URLs politely; use as `async with Fetcher(options) as fetcher: await fetcher.fetch(url)`.

    One fetcher holds the connection pool, the per-host limits and the robots.txt cache: keep one for the
    life of a watcher rather than one per fetch.
    """

    def __init__(self, options: FetchOptions | None = None) -> None:
        self.options = options if options is not None else FetchOptions()
        self._rng = random.Random(self.options.seed)
        self._hosts: dict[str, _Host] = {}
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Fetcher:
        self._ensure_session()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _ensure_session(self) -> aiohttp.ClientSession:
        if self._session is None:
            options = self.options
            jar: aiohttp.abc.AbstractCookieJar = (
                aiohttp.CookieJar(unsafe=True) if options.keep_cookies else aiohttp.DummyCookieJar()
            )
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=options.total_concurrency, limit_per_host=0),
                timeout=aiohttp.ClientTimeout(total=options.total_timeout, connect=options.connect_timeout),
                headers={"User-Agent": options.user_agent, "Accept": _ACCEPT},
                cookie_jar=jar,
                trust_env=False,
            )
        return self._session

    async def fetch(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> FetchResult:
        """Fetch one URL; `etag` and `last_modified` are the previous answer's, for a conditional GET."""
        started = time.perf_counter()
        conditional: dict[str, str] = {}
        if etag:
            conditional["If-None-Match"] = etag
        if last_modified:
            conditional["If-Modified-Since"] = last_modified
        requests = 0

        def result(
            outcome: Outcome,
            detail: str,
            *,
            final_url: str,
            reply: _Reply | None = None,
        ) -> FetchResult:
            headers = reply.headers if reply is not None else MappingProxyType({})
            new_etag, new_modified = etag, last_modified
            if outcome in ("ok", "not_modified") and reply is not None:
                new_etag = headers.get("etag") or (etag if outcome == "not_modified" else None)
                new_modified = headers.get("last-modified") or (last_modified if outcome == "not_modified" else None)
            return FetchResult(
                url=url,
                final_url=final_url,
                status=reply.status if reply is not None else None,
                headers=headers,
                body=reply.body if reply is not None and outcome == "ok" else None,
                etag=new_etag,
                last_modified=new_modified,
                outcome=outcome,
                detail=_one_line(detail),
                elapsed_ms=round((time.perf_counter() - started) * 1000, 1),
                requests=requests,
            )

        current = url
        visited: list[str] = []
        seen: set[tuple[str, str]] = set()
        while True:
            parsed = _http_url(current)
            if parsed is None:
                what = "redirected to" if visited else "not"
                return result("network_error", f"{what} an http(s) URL: {current}", final_url=current)
            key = (str(parsed.with_fragment(None)), self._cookies_for(parsed))
            if key in seen:
                loop = " -> ".join([*visited[visited.index(key[0]) :], key[0]])
                return result("too_many_redirects", f"redirect loop: {loop}", final_url=current)
            if len(visited) > self.options.max_redirects:
                return result(
                    "too_many_redirects",
                    f"more than {self.options.max_redirects} redirects (last: {current})",
                    final_url=current,
                )
            seen.add(key)
            visited.append(key[0])
            if self.options.obey_robots:
                refusal = await self._robots_refusal(parsed)
                if refusal is not None:
                    return result(refusal.outcome, refusal.detail, final_url=current)
            answer, attempts = await self._get_with_retries(parsed, conditional, limit=self.options.max_bytes)
            requests += attempts
            tries = f" after {attempts} attempts" if attempts > 1 else ""
            if isinstance(answer, _Failure):
                return result(answer.outcome, answer.detail + tries, final_url=current)
            status = answer.status
            if status in _REDIRECT_STATUSES and answer.headers.get("location"):
                try:
                    current = str(parsed.join(URL(answer.headers["location"])))
                except ValueError:
                    return result("http_error", f"HTTP {status} to a malformed Location", final_url=current)
                continue
            if status == 304:
                return result("not_modified", "HTTP 304 Not Modified", final_url=current, reply=answer)
            if 200 <= status < 300:
                size = len(answer.body or b"")
                return result("ok", f"HTTP {status} {answer.reason}, {size:,} bytes", final_url=current, reply=answer)
            reason = f"HTTP {status} {answer.reason}".rstrip()
            if status in _REDIRECT_STATUSES:
                reason += " without a Location"
            return result("http_error", reason + tries, final_url=current, reply=answer)

    def _cookies_for(self, url: URL) -> str:
        """The cookies that would be sent to `url`: a redirect back to a URL is a loop only if they are the same."""
        if self._session is None or not self.options.keep_cookies:
            return ""
        cookies = self._session.cookie_jar.filter_cookies(url)
        return "; ".join(f"{name}={morsel.value}" for name, morsel in sorted(cookies.items()))

    async def _get_with_retries(
        self, url: URL, headers: Mapping[str, str], *, limit: int, truncate: bool = False, follow: int = 0
    ) -> tuple[_Reply | _Failure, int]:
        """One GET, tried again after a network error, a timeout or a 5xx; returns (answer, attempts made)."""
        attempt = 1
        while True:
            answer = await self._get(url, headers, limit=limit, truncate=truncate, follow=follow)
            retryable = (
                answer.outcome in ("network_error", "timeout")
                if isinstance(answer, _Failure)
                else answer.status >= 500
            )
            if not retryable or attempt > self.options.retries:
                return answer, attempt
            retry_after = None if isinstance(answer, _Failure) else _retry_after(answer.headers.get("retry-after"))
            await asyncio.sleep(backoff_delay(attempt, self.options, self._rng, retry_after))
            attempt += 1

    async def _get(
        self, url: URL, headers: Mapping[str, str], *, limit: int, truncate: bool, follow: int
    ) -> _Reply | _Failure:
        """One GET within the host's limits; the body of a 2xx answer is read, at most `limit` bytes of it.

        `follow`: redirects aiohttp may follow by itself (robots.txt only; pages follow theirs in `fetch`).
        """
        session = self._ensure_session()
        async with self._slot(url):
            try:
                async with session.get(
                    url, headers=headers, allow_redirects=follow > 0, max_redirects=max(follow, 1)
                ) as response:
                    kept = MappingProxyType(
                        {name: response.headers[name] for name in KEPT_HEADERS if name in response.headers}
                    )
                    body = None
                    if 200 <= response.status < 300:
                        body = await _read_limited(response, limit, truncate=truncate)
                        if body is None:
                            response.close()  # drop the connection rather than read the rest
                            return _Failure("too_large", f"body larger than the {limit:,}-byte limit")
                    return _Reply(str(response.url), response.status, response.reason or "", kept, body)
            except TimeoutError as exc:
                return _Failure("timeout", self._describe_timeout(exc))
            except aiohttp.TooManyRedirects:
                return _Failure("too_many_redirects", f"more than {follow} redirects")
            except (aiohttp.ClientError, OSError, ValueError) as exc:
                return _Failure("network_error", _describe(exc))
            except Exception as exc:  # a server can provoke odd errors deep in a client; never stop a watcher
                return _Failure("network_error", f"unexpected {_describe(exc)}")

    def _describe_timeout(self, exc: TimeoutError) -> str:
        if isinstance(exc, aiohttp.ConnectionTimeoutError):
            return f"no connection within {self.options.connect_timeout:g} s"
        return f"no complete answer within {self.options.total_timeout:g} s"

    def _host(self, url: URL) -> _Host:
        key = _origin(url)
        host = self._hosts.get(key)
        if host is None:
            if len(self._hosts) >= _MAX_HOSTS:
                self._forget_idle_hosts()
            host = self._hosts[key] = _Host(self.options.per_host_concurrency)
        return host

    def _forget_idle_hosts(self) -> None:
        now = time.monotonic()
        for key, host in list(self._hosts.items()):
            idle = host.busy == 0 and not host.robots_lock.locked() and host.next_start <= now
            if idle and (host.robots is None or host.robots.expires <= now):
                del self._hosts[key]

    @asynccontextmanager
    async def _slot(self, url: URL) -> AsyncIterator[None]:
        """Wait for one of the host's slots, then until the host's next start time; hold the slot meanwhile."""
        host = self._host(url)
        host.busy += 1
        try:
            async with host.slots:
                now = time.monotonic()
                start = max(now, host.next_start)
                host.next_start = start + max(self.options.politeness_delay, host.crawl_delay)
                if start > now:
                    await asyncio.sleep(start - now)
                yield
        finally:
            host.busy -= 1

    async def _robots_refusal(self, url: URL) -> _Failure | None:
        """None when robots.txt lets us fetch `url`; else why not (disallowed, or robots.txt unreachable)."""
        robots = await self._robots(url)
        if robots.failure is not None:
            return robots.failure
        if robots.disallow_all:
            return _Failure("robots_disallowed", f"{robots.source}: nothing may be fetched from this host for now")
        if robots.parser is not None and not _can_fetch(robots.parser, url):
            return _Failure("robots_disallowed", f"disallowed by {robots.source}")
        return None

    async def _robots(self, url: URL) -> _Robots:
        host = self._host(url)
        if host.robots is not None and host.robots.expires > time.monotonic():
            return host.robots
        async with host.robots_lock:  # concurrent fetches to one host read its robots.txt once
            if host.robots is not None and host.robots.expires > time.monotonic():
                return host.robots
            robots = await self._read_robots(url, host.robots)
            if robots.failure is None:
                host.robots = robots
                delay = robots.parser.crawl_delay(ROBOTS_TOKEN) if robots.parser is not None else None
                host.crawl_delay = min(delay or 0.0, self.options.max_crawl_delay)
            return robots

    async def _read_robots(self, url: URL, stale: _Robots | None) -> _Robots:
        """Read and interpret a host's robots.txt as RFC 9309 says; `stale` is the expired copy, if any."""
        options = self.options
        robots_url = url.with_path("/robots.txt").with_query(None).with_fragment(None)
        answer, _ = await self._get_with_retries(
            robots_url, {}, limit=options.robots_max_bytes, truncate=True, follow=5
        )
        now = time.monotonic()
        usable_stale = stale is not None and stale.failure is None and not stale.disallow_all
        if isinstance(answer, _Failure):
            if answer.outcome == "too_many_redirects":  # RFC 9309: as if robots.txt did not exist
                return _Robots(None, False, now + options.robots_ttl, f"{robots_url} (redirect loop)")
            if stale is not None and usable_stale:
                stale.expires = now + options.robots_error_ttl
                return stale
            return _Robots(None, False, now, str(robots_url), _Failure(answer.outcome, f"robots.txt: {answer.detail}"))
        if 200 <= answer.status < 300:
            text = (answer.body or b"").decode("utf-8", errors="replace")
            try:
                parser = Protego.parse(text)
            except Exception:  # a parser bug on hostile input must not stop the watcher: treat as no rules
                parser = None
            return _Robots(parser, False, now + options.robots_ttl, str(robots_url))
        if answer.status >= 500 or answer.status == 429:
            if stale is not None and usable_stale:
                stale.expires = now + options.robots_error_ttl
                return stale
            return _Robots(None, True, now + options.robots_error_ttl, f"robots.txt answered {answer.status}")
        # 4xx (and an unfollowed 3xx): no robots.txt, so no rules.
        return _Robots(None, False, now + options.robots_ttl, f"{robots_url} ({answer.status})")


async def _read_limited(response: aiohttp.ClientResponse, limit: int, *, truncate: bool) -> bytes | None:
    """The body, or None as soon as it passes `limit` bytes (`truncate`: keep the first `limit` bytes instead)."""
    declared = response.content_length
    if declared is not None and declared > limit and not truncate:
        return None  # even compressed it is too large: do not read a byte of it
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.content.iter_chunked(_CHUNK):
        size += len(chunk)
        if size > limit:
            if not truncate:
                return None
            chunks.append(chunk[: len(chunk) - (size - limit)])
            break
        chunks.append(chunk)
    return b"".join(chunks)


def _can_fetch(parser: Protego, url: URL) -> bool:
    try:
        return bool(parser.can_fetch(str(url), ROBOTS_TOKEN))
    except Exception:  # a parser bug on an odd URL: the rules could not forbid it
        return True


def _http_url(text: str) -> URL | None:
    try:
        url = URL(text)
    except (ValueError, TypeError):
        return None
    if url.scheme not in ("http", "https") or not url.host:
        return None
    return url


def _origin(url: URL) -> str:
    return f"{url.scheme}://{url.host}:{url.port}".lower()


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    when = http_date(value)
    return None if when is None else max(0.0, (when - datetime.now(UTC)).total_seconds())


def http_date(value: str) -> datetime | None:
    """An HTTP date (RFC 9110) as an aware datetime, or None if it is not one."""
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def _describe(exc: BaseException) -> str:
    """An exception as a short line: the OS reason for connection errors, else the type and message."""
    if isinstance(exc, aiohttp.ClientConnectorError):
        if isinstance(exc.os_error, ConnectionRefusedError):
            reason = "connection refused"
        else:
            reason = exc.os_error.strerror or str(exc.os_error) or type(exc.os_error).__name__
        return f"cannot connect to {exc.host}:{exc.port}: {reason[:1].lower()}{reason[1:]}"
    if isinstance(exc, aiohttp.ClientPayloadError):
        return f"the body could not be read: {exc}"
    if isinstance(exc, aiohttp.ServerDisconnectedError):
        return "the server closed the connection without answering"
    if isinstance(exc, aiohttp.ClientResponseError):  # the answer was not valid HTTP
        return f"malformed answer: {' '.join(exc.message.split())[:150]}"
    message = str(exc)
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def _one_line(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= _MAX_DETAIL else line[: _MAX_DETAIL - 1] + "…"


def fetch_once(
    url: str,
    options: FetchOptions | None = None,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
) -> FetchResult:
    """Fetch one URL from synchronous code (a command, a script): a fetcher opened and closed around it."""

    async def run() -> FetchResult:
        async with Fetcher(options) as fetcher:
            return await fetcher.fetch(url, etag=etag, last_modified=last_modified)

    return asyncio.run(run())
