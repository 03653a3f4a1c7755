"""A small, realistic news site on 127.0.0.1, for the tests of the fetcher and for demos.

It serves articles whose text changes when told to (`advance`), RSS and Atom feeds, a robots.txt,
ETag / Last-Modified with 304 answers, gzip, and on demand the faults a watcher meets on real sites:

    /news/{slug}                 the article's current revision (conditional GET, gzip)
    /private/{slug}              the same, but disallowed by robots.txt
    /feeds/rss.xml, atom.xml     every article (Atom links are relative)
    /faults/slow?delay=S         answers after S seconds           /faults/hang     never answers
    /faults/drip?delay=S         sends the body in pieces, S seconds apart
    /faults/flaky/{key}?fail=N   N answers of 500 (or ?status=), then the article
    /faults/status/{code}        that status                       /faults/moved/{slug}   301 to the article
    /faults/redirects/{n}        a chain of n redirects            /faults/loop/a         a -> b -> a
    /faults/redirect-private     to a disallowed page              /faults/redirect-home  to /
    /faults/cookie-check         sets a cookie and redirects to itself; with the cookie, the article
    /faults/huge?mb=M[&length=1] M megabytes of HTML, streamed     /faults/gzip-bomb      gzip that inflates huge
    /faults/deflate              the article, deflate-compressed   /faults/empty          an empty 200
    /faults/binary               an image                          /faults/malformed-html broken markup
    /faults/malformed.xml        RSS with XML errors (recoverable) /faults/garbage.xml    unrecoverable XML
    /faults/cp1252?declare=D     a cp1252 page; D: header, latin1-header, meta, none
    /faults/soft-404[-plain]     "page not found" with status 200  /faults/paywall/{slug} teaser and paywall
    /faults/consent              a cookie-consent wall             /faults/truncated/{slug}?share=F  cut mid-way

`NewsSite` runs it in a background thread (`with NewsSite(articles) as site: site.url("/news/x")`);
`python -m storytrace.demo.site` serves the demo stories until interrupted.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import hashlib
import html
import json
import socket
import threading
from collections import Counter, deque
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from types import TracebackType

from aiohttp import web
from aiohttp.web_response import ContentCoding

from storytrace.fetch.http import http_date

SITE_NAME = "The Loopback Herald"
EPOCH = datetime(2024, 5, 1, 7, 0, tzinfo=UTC)
REVISION_GAP = timedelta(minutes=75)
DEFAULT_ROBOTS = """# robots.txt of the demo news site
User-agent: *
Disallow: /private/
Allow: /

User-agent: ExampleBadBot
Disallow: /
"""

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class Revision:
    """One version of an article: what its page shows."""

    title: str
    paragraphs: tuple[str, ...]
    byline: str = "Staff reporter"

    @property
    def text(self) -> str:
        """The body paragraphs separated by a blank line (extraction also keeps the headline, first)."""
        return "\n\n".join(self.paragraphs)


@dataclass
class Article:
    slug: str
    revisions: list[Revision]
    section: str = "news"
    current: int = 0

    @property
    def revision(self) -> Revision:
        return self.revisions[self.current]


@dataclass
class _Times:
    published: datetime
    updated: datetime


@dataclass
class SiteLog:
    """What the site was asked: hits per path and the headers of the latest requests."""

    hits: Counter[str] = field(default_factory=Counter)
    recent: deque[tuple[str, dict[str, str]]] = field(default_factory=lambda: deque(maxlen=500))

    def headers_of(self, path: str) -> dict[str, str]:
        """The headers of the latest request for `path` (empty if none)."""
        for seen, headers in reversed(self.recent):
            if seen == path:
                return headers
        return {}


class NewsSite:
    """A news site with articles that change on demand and faults at fixed paths (see the module doc)."""

    def __init__(
        self,
        articles: Iterable[Article] | None = None,
        *,
        robots: str = DEFAULT_ROBOTS,
        name: str = SITE_NAME,
        admin: bool = False,
    ) -> None:
        chosen = list(articles) if articles is not None else demo_articles()
        self.name = name
        self.robots = robots
        self.robots_status = 200  # set to 404, 500... to test how robots.txt answers are read
        self.admin = admin
        self.log = SiteLog()
        self._articles = {article.slug: article for article in chosen}
        self._order = [article.slug for article in chosen]
        self._lock = threading.Lock()
        self._flaky: Counter[str] = Counter()
        self._bombs: dict[int, bytes] = {}
        self._stopping: asyncio.Event | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    # --- control, from any thread ---

    def url(self, path: str) -> str:
        return self.base_url + path

    def article(self, slug: str) -> Article:
        return self._articles[slug]

    @property
    def slugs(self) -> list[str]:
        return list(self._order)

    def advance(self, slug: str, *, wrap: bool = False) -> int:
        """Publish the article's next revision (after the last: the last again, or the first if `wrap`)."""
        with self._lock:
            article = self._articles[slug]
            following = article.current + 1
            if following >= len(article.revisions):
                following = 0 if wrap else len(article.revisions) - 1
            article.current = following
            return article.current

    def set_revision(self, slug: str, index: int) -> None:
        with self._lock:
            article = self._articles[slug]
            if not 0 <= index < len(article.revisions):
                raise IndexError(f"{slug} has {len(article.revisions)} revisions")
            article.current = index

    def reset_log(self) -> None:
        with self._lock:
            self.log = SiteLog()
            self._flaky.clear()

    # --- running in a background thread ---

    def start(self) -> NewsSite:
        if self._thread is not None:
            raise RuntimeError("the site is already running")
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        loop = self._loop = asyncio.new_event_loop()
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self._serve(sock))
            except BaseException as exc:  # reported to the thread that called start()
                failure.append(exc)
                ready.set()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

        self._thread = threading.Thread(target=run, name="newssite", daemon=True)
        self._thread.start()
        if not ready.wait(10) or failure:
            raise RuntimeError(f"the news site did not start: {failure[0] if failure else 'timeout'}")
        return self

    def stop(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        asyncio.run_coroutine_threadsafe(self._shutdown(), loop).result(15)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(15)
        self._loop = self._thread = None

    def __enter__(self) -> NewsSite:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    async def _serve(self, sock: socket.socket) -> None:
        self._stopping = asyncio.Event()
        self._runner = web.AppRunner(self.app(), access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.SockSite(self._runner, sock).start()

    async def _shutdown(self) -> None:
        if self._stopping is not None:
            self._stopping.set()  # hanging and dripping handlers give up
        if self._runner is not None:
            await self._runner.cleanup()

    # --- the application ---

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._record])
        routes: list[tuple[str, Handler]] = [
            ("/", self._home),
            ("/robots.txt", self._robots),
            ("/news/{slug}", self._article),
            ("/private/{slug}", self._article),
            ("/feeds/rss.xml", self._rss),
            ("/feeds/atom.xml", self._atom),
            ("/faults/slow", self._slow),
            ("/faults/hang", self._hang),
            ("/faults/drip", self._drip),
            ("/faults/flaky/{key}", self._flaky_page),
            ("/faults/status/{code}", self._status),
            ("/faults/moved/{slug}", self._moved),
            ("/faults/redirects/{n}", self._redirects),
            ("/faults/loop/{step}", self._loop_redirect),
            ("/faults/redirect-private", self._redirect_private),
            ("/faults/redirect-home", self._redirect_home),
            ("/faults/cookie-check", self._cookie_check),
            ("/faults/huge", self._huge),
            ("/faults/gzip-bomb", self._gzip_bomb),
            ("/faults/deflate", self._deflate),
            ("/faults/empty", self._empty),
            ("/faults/binary", self._binary),
            ("/faults/malformed-html", self._malformed_html),
            ("/faults/malformed.xml", self._malformed_xml),
            ("/faults/garbage.xml", self._garbage_xml),
            ("/faults/cp1252", self._cp1252),
            ("/faults/soft-404", self._soft_404),
            ("/faults/soft-404-plain", self._soft_404_plain),
            ("/faults/paywall/{slug}", self._paywall),
            ("/faults/consent", self._consent),
            ("/faults/truncated/{slug}", self._truncated),
        ]
        for path, handler in routes:
            app.router.add_get(path, handler)
        if self.admin:
            app.router.add_post("/_site/advance", self._admin_advance_all)
            app.router.add_post("/_site/advance/{slug}", self._admin_advance)
            app.router.add_get("/_site/state", self._admin_state)
        return app

    @web.middleware
    async def _record(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        with self._lock:
            self.log.hits[request.path] += 1
            self.log.recent.append((request.path, dict(request.headers)))
        return await handler(request)

    # --- pages ---

    def _times(self, slug: str, revision: int) -> _Times:
        published = EPOCH + timedelta(hours=self._order.index(slug))
        return _Times(published, published + revision * REVISION_GAP)

    def _snapshot(self, slug: str) -> tuple[Article, int, Revision] | None:
        with self._lock:
            article = self._articles.get(slug)
            if article is None:
                return None
            return article, article.current, article.revision

    async def _home(self, request: web.Request) -> web.StreamResponse:
        items = []
        for slug in self._order:
            snapshot = self._snapshot(slug)
            if snapshot is not None:
                items.append(f'<li><a href="/news/{slug}">{html.escape(snapshot[2].title)}</a></li>')
        body = _page(
            self.name,
            title=self.name,
            head='<meta name="description" content="News from the loopback interface.">',
            main=f"<h1>Latest news</h1><ul class=\"headlines\">{''.join(items)}</ul>",
        )
        return self._conditional(request, body.encode("utf-8"), None)

    async def _robots(self, request: web.Request) -> web.StreamResponse:
        if self.robots_status != 200:
            return web.Response(status=self.robots_status, text=f"robots.txt: status {self.robots_status}\n")
        return web.Response(text=self.robots, content_type="text/plain")

    async def _article(self, request: web.Request) -> web.StreamResponse:
        snapshot = self._snapshot(request.match_info["slug"])
        if snapshot is None:
            return self._not_found()
        article, index, revision = snapshot
        times = self._times(article.slug, index)
        body = self._render(article, revision, times, canonical=str(request.url.with_query(None)))
        return self._conditional(request, body.encode("utf-8"), times.updated)

    def _render(
        self,
        article: Article,
        revision: Revision,
        times: _Times,
        *,
        canonical: str,
        paragraphs: Sequence[str] | None = None,
        extra: str = "",
        charset: str | None = "utf-8",
    ) -> str:
        shown = revision.paragraphs if paragraphs is None else paragraphs
        title = html.escape(revision.title)
        author = html.escape(revision.byline)
        ld = json.dumps(
            {
                "@context": "https://schema.org",
                "@type": "NewsArticle",
                "headline": revision.title,
                "datePublished": times.published.isoformat(),
                "dateModified": times.updated.isoformat(),
                "author": {"@type": "Person", "name": revision.byline},
                "publisher": {"@type": "Organization", "name": self.name},
            }
        )
        ld = ld.replace("</", "<\\/")
        head = "\n".join(
            [
                f'<meta name="author" content="{author}">',
                f'<meta property="og:title" content="{title}">',
                '<meta property="og:type" content="article">',
                f'<meta property="article:published_time" content="{times.published.isoformat()}">',
                f'<meta property="article:modified_time" content="{times.updated.isoformat()}">',
                f'<link rel="canonical" href="{html.escape(canonical)}">',
                f'<script type="application/ld+json">{ld}</script>',
            ]
        )
        published = f'<time datetime="{times.published.isoformat()}">Published {_human(times.published)}</time>'
        updated = ""
        if times.updated > times.published:
            updated = f' <time class="updated" datetime="{times.updated.isoformat()}">Updated {_human(times.updated)}'
            updated += "</time>"
        body = "\n".join(f"<p>{html.escape(p)}</p>" for p in shown)
        related = "".join(
            f'<li><a href="/news/{slug}">{html.escape(self._articles[slug].revision.title)}</a></li>'
            for slug in self._order[:5]
            if slug != article.slug
        )
        main = f"""<article class="story">
<h1 class="headline">{title}</h1>
<p class="byline">By <span class="author">{author}</span></p>
<p class="dateline">{published}{updated}</p>
<div class="story-body">
{body}
</div>
{extra}
</article>
<aside class="most-read"><h2>Most read</h2><ul>{related}</ul></aside>"""
        return _page(self.name, title=f"{revision.title} | {self.name}", head=head, main=main, charset=charset)

    def _conditional(
        self, request: web.Request, body: bytes, modified: datetime | None, content_type: str = "text/html"
    ) -> web.StreamResponse:
        """A 200 with ETag and Last-Modified, or a 304 when the client's validators still match; gzip if asked."""
        etag = '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
        headers = {"ETag": etag, "Cache-Control": "max-age=60"}
        if modified is not None:
            headers["Last-Modified"] = format_datetime(modified, usegmt=True)
        if _not_modified(request, etag, modified):
            return web.Response(status=304, headers=headers)
        response = web.Response(body=body, content_type=content_type, charset="utf-8", headers=headers)
        if "gzip" in request.headers.get("Accept-Encoding", "").lower():
            response.enable_compression(ContentCoding.gzip)
        return response

    def _not_found(self) -> web.Response:
        body = _page(
            self.name,
            title=f"Page not found | {self.name}",
            main="<h1>Page not found</h1><p>Sorry, we can't find the page you were looking for.</p>",
        )
        return web.Response(status=404, text=body, content_type="text/html")

    async def _rss(self, request: web.Request) -> web.StreamResponse:
        base = str(request.url.origin())
        items = []
        for slug in self._order:
            snapshot = self._snapshot(slug)
            if snapshot is None:
                continue
            article, index, revision = snapshot
            times = self._times(slug, index)
            link = f"{base}/news/{slug}"
            items.append(
                f"""<item>
<title>{html.escape(revision.title)}</title>
<link>{link}</link>
<guid isPermaLink="true">{link}</guid>
<pubDate>{format_datetime(times.published)}</pubDate>
<dc:creator>{html.escape(revision.byline)}</dc:creator>
<description>{html.escape(revision.paragraphs[0])}</description>
</item>"""
            )
        body = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
<title>{html.escape(self.name)}</title>
<link>{base}/</link>
<description>Latest news from {html.escape(self.name)}</description>
<atom:link href="{base}/feeds/rss.xml" rel="self" type="application/rss+xml"/>
{"".join(items)}
</channel>
</rss>
"""
        return self._conditional(request, body.encode("utf-8"), None, content_type="application/rss+xml")

    async def _atom(self, request: web.Request) -> web.StreamResponse:
        base = str(request.url.origin())
        entries = []
        latest = EPOCH
        for slug in self._order:
            snapshot = self._snapshot(slug)
            if snapshot is None:
                continue
            article, index, revision = snapshot
            times = self._times(slug, index)
            latest = max(latest, times.updated)
            entries.append(
                f"""<entry>
<title>{html.escape(revision.title)}</title>
<link rel="alternate" type="text/html" href="/news/{slug}"/>
<id>tag:loopback-herald.test,2024:{slug}</id>
<published>{times.published.isoformat()}</published>
<updated>{times.updated.isoformat()}</updated>
<author><name>{html.escape(revision.byline)}</name></author>
<summary>{html.escape(revision.paragraphs[0])}</summary>
</entry>"""
            )
        body = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title>{html.escape(self.name)}</title>
<link rel="alternate" type="text/html" href="{base}/"/>
<link rel="self" type="application/atom+xml" href="{base}/feeds/atom.xml"/>
<id>tag:loopback-herald.test,2024:feed</id>
<updated>{latest.isoformat()}</updated>
{"".join(entries)}
</feed>
"""
        return self._conditional(request, body.encode("utf-8"), None, content_type="application/atom+xml")

    # --- faults ---

    def _first(self) -> str:
        return self._order[0]

    async def _wait_or_stop(self, seconds: float) -> bool:
        """Sleep, but wake up when the site stops; True if the site is stopping."""
        assert self._stopping is not None
        try:
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)
        except TimeoutError:
            return False
        return True

    async def _slow(self, request: web.Request) -> web.StreamResponse:
        await self._wait_or_stop(float(request.query.get("delay", "1")))
        return await self._article_for(request, self._first())

    async def _hang(self, request: web.Request) -> web.StreamResponse:
        await self._wait_or_stop(3600)
        return web.Response(status=503, text="the site is stopping")

    async def _drip(self, request: web.Request) -> web.StreamResponse:
        delay = float(request.query.get("delay", "0.2"))
        snapshot = self._snapshot(self._first())
        assert snapshot is not None
        article, index, revision = snapshot
        body = self._render(article, revision, self._times(article.slug, index), canonical=str(request.url))
        data = body.encode("utf-8")
        response = web.StreamResponse(headers={"Content-Type": "text/html; charset=utf-8"})
        await response.prepare(request)
        pieces = 8
        step = len(data) // pieces + 1
        try:
            for start in range(0, len(data), step):
                await response.write(data[start : start + step])
                if await self._wait_or_stop(delay):
                    break
            await response.write_eof()
        except (ConnectionError, RuntimeError):
            pass  # the client gave up
        return response

    async def _article_for(self, request: web.Request, slug: str) -> web.StreamResponse:
        snapshot = self._snapshot(slug)
        if snapshot is None:
            return self._not_found()
        article, index, revision = snapshot
        times = self._times(slug, index)
        body = self._render(article, revision, times, canonical=self.url(f"/news/{slug}"))
        return self._conditional(request, body.encode("utf-8"), times.updated)

    async def _flaky_page(self, request: web.Request) -> web.StreamResponse:
        key = request.match_info["key"]
        fail = int(request.query.get("fail", "2"))
        status = int(request.query.get("status", "500"))
        with self._lock:
            self._flaky[key] += 1
            count = self._flaky[key]
        if count <= fail:
            return web.Response(status=status, text=f"temporary failure {count} of {fail}\n")
        return await self._article_for(request, self._first())

    async def _status(self, request: web.Request) -> web.StreamResponse:
        code = int(request.match_info["code"])
        headers = {"Retry-After": "0"} if code in (429, 503) else {}
        return web.Response(status=code, text=f"status {code}\n", headers=headers)

    async def _moved(self, request: web.Request) -> web.StreamResponse:
        raise web.HTTPMovedPermanently(f"/news/{request.match_info['slug']}")

    async def _redirects(self, request: web.Request) -> web.StreamResponse:
        n = int(request.match_info["n"])
        if n <= 0:
            raise web.HTTPFound(f"/news/{self._first()}")
        raise web.HTTPFound(f"/faults/redirects/{n - 1}")

    async def _loop_redirect(self, request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound("/faults/loop/b" if request.match_info["step"] == "a" else "/faults/loop/a")

    async def _redirect_private(self, request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound(f"/private/{self._first()}")

    async def _redirect_home(self, request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound("/")

    async def _cookie_check(self, request: web.Request) -> web.StreamResponse:
        if request.cookies.get("visited") == "1":
            return await self._article_for(request, self._first())
        response = web.HTTPFound("/faults/cookie-check")
        response.set_cookie("visited", "1", path="/")
        raise response

    async def _huge(self, request: web.Request) -> web.StreamResponse:
        size = int(float(request.query.get("mb", "20")) * 1_000_000)
        response = web.StreamResponse(headers={"Content-Type": "text/html; charset=utf-8"})
        if request.query.get("length") == "1":
            response.content_length = size
        await response.prepare(request)
        chunk = (b"<p>" + b"All work and no play makes a very long page. " * 20 + b"</p>\n") * 64
        sent = 0
        try:
            while sent < size:
                piece = chunk[: size - sent]
                await response.write(piece)
                sent += len(piece)
            await response.write_eof()
        except (ConnectionError, RuntimeError):
            pass  # the client stopped reading, as it should
        return response

    async def _gzip_bomb(self, request: web.Request) -> web.StreamResponse:
        mb = int(request.query.get("mb", "50"))
        with self._lock:
            bomb = self._bombs.get(mb)
        if bomb is None:
            bomb = gzip.compress(b"<html><body><p>" + b"A" * (mb * 1_000_000) + b"</p></body></html>", 9)
            with self._lock:
                self._bombs[mb] = bomb
        return web.Response(
            body=bomb, headers={"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"}
        )

    async def _deflate(self, request: web.Request) -> web.StreamResponse:
        response = await self._article_for(request, self._first())
        if isinstance(response, web.Response) and response.status == 200:
            response.enable_compression(ContentCoding.deflate)
        return response

    async def _empty(self, request: web.Request) -> web.StreamResponse:
        return web.Response(body=b"", content_type="text/html")

    async def _binary(self, request: web.Request) -> web.StreamResponse:
        png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
        return web.Response(body=png, content_type="image/png")

    async def _malformed_html(self, request: web.Request) -> web.StreamResponse:
        snapshot = self._snapshot(self._first())
        assert snapshot is not None
        revision = snapshot[2]
        paragraphs = "".join(f"<p class=para>{html.escape(p)}<span><b>" for p in revision.paragraphs)
        body = f"""<html><head><title>{html.escape(revision.title)}</title><meta charset=utf-8>
<body><div id=nav><a href=/>Home<a href=/world>World</div></div></div>
<article><h1>{html.escape(revision.title)}</h2>
<div class="story-body">{paragraphs}</i></table>&nbsp &copy <!-- unclosed comment
"""
        return web.Response(text=body, content_type="text/html")

    async def _malformed_xml(self, request: web.Request) -> web.StreamResponse:
        base = str(request.url.origin())
        good = "".join(
            f"<item><title>{html.escape(self._articles[slug].revision.title)}</title>"
            f"<link>{base}/news/{slug}</link></item>"
            for slug in self._order[:2]
        )
        body = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Broken & Co</title><link>{base}/</link>
{good}
<item><title>An item left open<link>{base}/news/broken</link></item>
</channel>"""
        return web.Response(text=body, content_type="application/rss+xml")

    async def _garbage_xml(self, request: web.Request) -> web.StreamResponse:
        body = '<?xml version="1.0"?>\n<<rss version="2.0"><channel><title>x</title></chan'
        return web.Response(text=body, content_type="application/rss+xml")

    async def _cp1252(self, request: web.Request) -> web.StreamResponse:
        declare = request.query.get("declare", "header")
        meta = '<meta charset="windows-1252">' if declare == "meta" else ""
        body = _page(
            self.name,
            title=f"{CP1252_TITLE} | {self.name}",
            head=meta,
            main=f'<article><h1>{CP1252_TITLE}</h1><div class="story-body">'
            + "".join(f"<p>{p}</p>" for p in CP1252_PARAGRAPHS)
            + "</div></article>",
            charset=None,
        ).encode("cp1252")
        content_type = {
            "header": "text/html; charset=windows-1252",
            "latin1-header": "text/html; charset=ISO-8859-1",
        }.get(declare, "text/html")
        return web.Response(body=body, headers={"Content-Type": content_type})

    async def _soft_404(self, request: web.Request) -> web.StreamResponse:
        body = _page(
            self.name,
            title=f"Page not found | {self.name}",
            main="<h1>Page not found</h1><p>Sorry, we can't find the page you were looking for. It may have "
            "been moved or deleted.</p><p><a href=\"/\">Go to the home page</a></p>",
        )
        return web.Response(text=body, content_type="text/html")

    async def _soft_404_plain(self, request: web.Request) -> web.StreamResponse:
        body = _page(
            self.name,
            title=self.name,
            main="<h1>Oops</h1><p>This article is no longer available. It may have been moved, or the "
            "address may be mistyped.</p><p><a href=\"/\">Go to the home page</a></p>",
        )
        return web.Response(text=body, content_type="text/html")

    async def _paywall(self, request: web.Request) -> web.StreamResponse:
        snapshot = self._snapshot(request.match_info["slug"])
        if snapshot is None:
            return self._not_found()
        article, index, revision = snapshot
        wall = (
            '<div class="paywall" id="paywall"><h2>Subscribe to continue reading</h2>'
            "<p>You have reached your limit of free articles this month. Subscribe now for unlimited access "
            f"to {html.escape(self.name)}.</p><p><a href=\"/subscribe\">Subscribe</a> "
            'Already a subscriber? <a href="/login">Log in</a></p></div>'
        )
        body = self._render(
            article,
            revision,
            self._times(article.slug, index),
            canonical=self.url(f"/news/{article.slug}"),
            paragraphs=revision.paragraphs[:1],
            extra=wall,
        )
        return web.Response(text=body, content_type="text/html")

    async def _consent(self, request: web.Request) -> web.StreamResponse:
        body = _page(
            self.name,
            title=self.name,
            main='<div class="consent"><h1>Before you continue to ' + html.escape(self.name) + "</h1>"
            "<p>We and our 812 partners use cookies and data to deliver and maintain our services, measure "
            "audience engagement and show personalised advertising.</p><p>If you choose to Accept all, we "
            "will also use cookies to develop new services. Select Reject all to decline.</p>"
            '<button>Reject all</button> <button>Accept all</button> <a href="/privacy">Manage privacy '
            "settings</a></div>",
        )
        return web.Response(text=body, content_type="text/html")

    async def _truncated(self, request: web.Request) -> web.StreamResponse:
        snapshot = self._snapshot(request.match_info["slug"])
        if snapshot is None:
            return self._not_found()
        article, index, revision = snapshot
        share = float(request.query.get("share", "0.4"))
        cut = revision.text[: int(len(revision.text) * share)].rstrip()
        if cut and cut[-1] in ".!?":
            cut = cut[:-1]  # make sure it stops mid-sentence
        body = self._render(
            article,
            revision,
            self._times(article.slug, index),
            canonical=self.url(f"/news/{article.slug}"),
            paragraphs=cut.split("\n\n"),
        )
        return web.Response(text=body, content_type="text/html")

    # --- administration (python -m storytrace.demo.site --admin) ---

    async def _admin_advance(self, request: web.Request) -> web.StreamResponse:
        slug = request.match_info["slug"]
        if slug not in self._articles:
            return web.json_response({"error": f"no article {slug}"}, status=404)
        wrap = request.query.get("wrap") == "1"
        return web.json_response({"slug": slug, "revision": self.advance(slug, wrap=wrap)})

    async def _admin_advance_all(self, request: web.Request) -> web.StreamResponse:
        wrap = request.query.get("wrap") == "1"
        return web.json_response({slug: self.advance(slug, wrap=wrap) for slug in self._order})

    async def _admin_state(self, request: web.Request) -> web.StreamResponse:
        with self._lock:
            state = {slug: article.current for slug, article in self._articles.items()}
        return web.json_response(state)


def _not_modified(request: web.Request, etag: str, modified: datetime | None) -> bool:
    match = request.headers.get("If-None-Match")
    if match is not None:  # RFC 9110: If-None-Match wins over If-Modified-Since
        tags = {tag.strip().removeprefix("W/") for tag in match.split(",")}
        return etag in tags or "*" in tags
    since = request.headers.get("If-Modified-Since")
    if since is None or modified is None:
        return False
    when = http_date(since)
    return when is not None and modified.replace(microsecond=0) <= when


def _human(when: datetime) -> str:
    return f"{when.day} {when:%B %Y, %H:%M} UTC"


def _page(site: str, *, title: str, main: str, head: str = "", charset: str | None = "utf-8") -> str:
    """A whole page of the site: banner, navigation, the main content, footer."""
    meta = f'<meta charset="{charset}">\n' if charset else ""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
{meta}<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<link rel="alternate" type="application/rss+xml" title="{html.escape(site)}" href="/feeds/rss.xml">
<link rel="alternate" type="application/atom+xml" title="{html.escape(site)}" href="/feeds/atom.xml">
{head}
<style>body{{font-family:Georgia,serif;max-width:42em;margin:auto}} .cookie-banner{{font-size:small}}</style>
</head>
<body>
<div class="cookie-banner" id="cookie-banner">We use cookies to run this site and to understand how it is
used. <a href="/privacy">Manage cookie preferences</a></div>
<header class="site-header"><a class="logo" href="/">{html.escape(site)}</a>
<nav><a href="/">Home</a> <a href="/section/world">World</a> <a href="/section/business">Business</a>
<a href="/section/culture">Culture</a> <a href="/subscribe">Subscribe for unlimited access</a></nav>
</header>
<main>
{main}
</main>
<footer class="site-footer"><p>&copy; 2024 {html.escape(site)}. All rights reserved.</p>
<p><a href="/privacy">Privacy</a> &middot; <a href="/terms">Terms of use</a> &middot; <a href="/contact">Contact
us</a></p></footer>
</body>
</html>
"""


# --- the demo stories (written for storytrace; no agency copy) ---

CP1252_TITLE = "Café owners’ “last stand” over the Quai Rénové plans"
CP1252_PARAGRAPHS = (
    "Owners of the three cafés on the Quai Rénové said on Thursday they would fight the council’s plans "
    "to close the waterfront to terraces — “our last stand”, as one of them put it.",
    "The council’s proposal, published last month, would turn the quay into a cycle path and move the "
    "weekly market to the old tram depot, at a cost of €2.4 million.",
    "“Nobody asked us,” said Zoë Brontë, who has run Le Petit Phare since 1998. “We read about it in the "
    "paper, like everybody else.”",
    "A council spokesman said a public consultation would open in June and that no decision had been "
    "taken.",
)

DEMO_STORIES: tuple[tuple[str, tuple[Revision, ...]], ...] = (
    (
        "harbour-warehouse-fire",
        (
            Revision(
                "Fire at harbour warehouse halts ferry services",
                (
                    "A fire broke out in a warehouse on the north quay of the harbour on Tuesday evening, and "
                    "ferry services to the islands were suspended while crews fought the blaze.",
                    "Smoke could be seen across the old town, and residents of the streets nearest the quay "
                    "were asked to keep their windows closed.",
                    "The fire service said four engines had been sent to the scene. There were no reports of "
                    "injuries.",
                    "The harbour authority said it hoped to resume ferry services on Wednesday morning.",
                ),
                "Maren Holt",
            ),
            Revision(
                "Fire at harbour warehouse halts ferry services",
                (
                    "A fire broke out in a warehouse on the north quay of the harbour on Tuesday evening, and "
                    "ferry services to the islands were suspended for six hours while crews fought the blaze.",
                    "Smoke could be seen across the old town, and residents of the streets nearest the quay "
                    "were asked to keep their windows closed.",
                    "The fire service said seven engines had been sent to the scene. Two firefighters were "
                    "treated for smoke inhalation.",
                    "The warehouse, which stored fishing nets and rope, was empty at the time, its owner said.",
                    "The harbour authority said ferry services had resumed shortly after midnight.",
                ),
                "Maren Holt",
            ),
            Revision(
                "Harbour warehouse fire: inquiry opened as ferries resume",
                (
                    "A fire broke out in a warehouse on the north quay of the harbour on Tuesday evening, and "
                    "ferry services to the islands were suspended for six hours while crews fought the blaze.",
                    "The fire service said seven engines had been sent to the scene. Two firefighters were "
                    "treated for smoke inhalation and released from hospital on Wednesday.",
                    "The warehouse, which stored fishing nets and rope, was empty at the time, its owner said.",
                    "The harbour authority said ferry services had resumed shortly after midnight, and that an "
                    "inquiry into the cause of the fire would begin on Thursday.",
                ),
                "Maren Holt and Tomas Reyes",
            ),
        ),
    ),
    (
        "council-delays-budget-vote",
        (
            Revision(
                "Council delays vote on next year's budget",
                (
                    "The city council postponed its vote on next year's budget on Monday after two members "
                    "of the governing coalition said they could not support cuts to library opening hours.",
                    "The vote is now expected at the end of the month. The mayor's office said the delay would "
                    "not affect salaries or services.",
                    "Under the draft budget, spending would rise by 2.1 percent, mostly because of higher "
                    "energy prices in schools and swimming pools.",
                ),
                "Ines Calder",
            ),
            Revision(
                "Council delays vote on budget over library cuts",
                (
                    "The city council postponed its vote on next year's budget on Monday after three members "
                    "of the governing coalition said they could not support cuts to library opening hours.",
                    "The vote is now expected on the 28th. The mayor's office said the delay would not affect "
                    "salaries or services.",
                    "Under the draft budget, spending would rise by 2.1 percent, mostly because of higher "
                    "energy prices in schools and swimming pools.",
                    "Library staff had collected more than 4,000 signatures against the cuts, a union "
                    "representative said.",
                ),
                "Ines Calder",
            ),
        ),
    ),
    (
        "rail-strike-dates",
        (
            Revision(
                "Rail workers announce two days of strikes",
                (
                    "Rail workers will strike on two days next month in a dispute over pay and staffing, their "
                    "union said on Friday.",
                    "The rail operator said it would run a reduced timetable on both days and urged passengers "
                    "to check before travelling.",
                    "Talks between the two sides broke down last week after the operator offered a pay rise of "
                    "3 percent.",
                ),
                "Staff reporter",
            ),
            Revision(
                "Rail workers announce two days of strikes",
                (
                    "Rail workers will strike on two days next month in a dispute over pay and staffing, their "
                    "union said on Friday.",
                    "The rail operator said it would run a reduced timetable on both days and urged passengers "
                    "to check before travelling.",
                    "Talks between the two sides broke down last week after the operator offered a pay rise of "
                    "3.5 percent, which the union called “an insult”.",
                ),
                "Staff reporter",
            ),
        ),
    ),
)


def demo_articles(copies: int = 1) -> list[Article]:
    """The demo stories (each `copies` times, with numbered slugs beyond the first, for benchmarks)."""
    articles = []
    for copy in range(copies):
        for slug, revisions in DEMO_STORIES:
            name = slug if copy == 0 else f"{slug}-{copy}"
            articles.append(Article(name, list(revisions)))
    return articles


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=f"Serve {SITE_NAME}, the demo news site, on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (0: any free port)")
    parser.add_argument("--copies", type=int, default=1, help="serve each demo story this many times")
    parser.add_argument("--admin", action="store_true", help="enable POST /_site/advance[/{slug}][?wrap=1]")
    args = parser.parse_args(argv)
    site = NewsSite(demo_articles(args.copies), admin=args.admin)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", args.port))
    site.base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"

    async def serve() -> None:
        await site._serve(sock)
        print(f"{SITE_NAME} at {site.base_url}/ (feeds: /feeds/rss.xml, /feeds/atom.xml)", flush=True)
        try:
            await asyncio.Event().wait()
        finally:
            await site._shutdown()

    try:
        asyncio.run(serve())
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
