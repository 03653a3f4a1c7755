"""Feeds: tell an RSS/Atom feed from an HTML page, list a feed's articles, find the feeds a page announces.

Parsing is feedparser's; nothing here raises on a bad body. `parse_feed` answers with an outcome: "ok"
(possibly recovered from malformed XML, which the detail then says), "empty" (a feed without usable
entries), "not_a_feed" (an HTML page or anything else) or "malformed" (XML too broken to give any entry).
"""

from __future__ import annotations

import calendar
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit

import feedparser

Kind = Literal["rss", "atom", "rdf", "html", "unknown"]
FeedOutcome = Literal["ok", "empty", "not_a_feed", "malformed"]

_FEED_TYPES: dict[str, Kind] = {
    "application/rss+xml": "rss",
    "application/atom+xml": "atom",
    "application/rdf+xml": "rdf",
}
_PROLOGUE = re.compile(r"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE\s+(?!html\b)[^>]*>)", re.DOTALL | re.IGNORECASE)
_FIRST_TAG = re.compile(r"\s*<(!doctype\s+html|[A-Za-z_][\w.:-]*)", re.IGNORECASE)
_SNIFF_BYTES = 8192


@dataclass(frozen=True)
class FeedEntry:
    """One article a feed lists. Dates are aware and in UTC; a feed may give neither."""

    link: str  # absolute http(s) URL (the original one when a feed proxy such as FeedBurner wraps it)
    title: str | None
    published: datetime | None
    updated: datetime | None
    id: str | None  # the entry's guid / id, when it has one


@dataclass(frozen=True)
class Feed:
    kind: Kind  # "rss", "atom" or "rdf"
    version: str  # feedparser's name for the format, e.g. "rss20", "atom10"
    title: str | None
    link: str | None  # the site the feed belongs to
    entries: tuple[FeedEntry, ...]


@dataclass(frozen=True)
class FeedResult:
    outcome: FeedOutcome
    detail: str  # one line
    feed: Feed | None  # None unless outcome is "ok" or "empty"

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"


def sniff(body: bytes, content_type: str | None = None) -> Kind:
    """What a body is, from its first element (the content type only breaks a tie: servers often lie)."""
    head = _head_text(body)
    while True:
        match = _PROLOGUE.match(head)
        if match is None or not match.group(0).strip():
            break
        head = head[match.end() :]
    tag = _FIRST_TAG.match(head)
    if tag is not None:
        name = tag.group(1).lower()
        local = name.rsplit(":", 1)[-1]
        if name.startswith("!doctype") or local in ("html", "head", "body"):
            return "html"
        if local == "rss":
            return "rss"
        if local == "feed":
            return "atom"
        if local == "rdf":
            return "rdf"
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if media in ("text/html", "application/xhtml+xml"):
        return "html"
    return _FEED_TYPES.get(media, "unknown")


def parse_feed(body: bytes, *, url: str | None = None, content_type: str | None = None) -> FeedResult:
    """Parse an RSS or Atom body; relative links are resolved against `url` (where the feed came from)."""
    kind = sniff(body, content_type)
    if kind == "html":
        return FeedResult("not_a_feed", "an HTML page, not a feed", None)
    if kind == "unknown" and not _head_text(body).lstrip().startswith("<"):
        return FeedResult("not_a_feed", "neither RSS nor Atom (not even XML)", None)
    headers = {"content-location": url or "", "content-type": content_type or "application/xml"}
    try:
        parsed: Any = feedparser.parse(body, response_headers=headers, sanitize_html=False)
    except Exception as exc:  # feedparser is lenient, but a parser bug must not stop a watcher
        return FeedResult("malformed", f"the feed could not be parsed: {type(exc).__name__}", None)
    version = str(parsed.get("version") or "")
    problem = _xml_problem(parsed)
    entries = _entries(parsed.get("entries") or [], url)
    if kind == "unknown":
        kind = _kind_of_version(version)
    if not version and not entries:
        if problem is not None:
            return FeedResult("malformed", f"malformed XML: {problem}", None)
        return FeedResult("not_a_feed", "neither RSS nor Atom", None)
    channel = parsed.get("feed") or {}
    feed = Feed(
        kind=kind,
        version=version,
        title=_clean(channel.get("title")),
        link=_absolute(channel.get("link"), url),
        entries=entries,
    )
    if not entries:
        if problem is not None:
            return FeedResult("malformed", f"malformed XML: {problem}", None)
        return FeedResult("empty", "the feed lists no article with a link", feed)
    count = f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'}"
    if problem is not None:
        return FeedResult("ok", f"{count}, recovered from malformed XML ({problem})", feed)
    return FeedResult("ok", count, feed)


def newest_entries(entries: Sequence[FeedEntry], limit: int) -> tuple[FeedEntry, ...]:
    """The `limit` most recent entries (by the later of their published and updated dates; undated ones after the
    dated, in feed order), kept in feed order. Feeds need not list the newest first, so their order is not trusted."""
    if len(entries) <= limit:
        return tuple(entries)

    def rank(index: int) -> tuple[bool, float, int]:
        dates = [d for d in (entries[index].published, entries[index].updated) if d is not None]
        return (not dates, -max(dates).timestamp() if dates else 0.0, index)

    kept = sorted(range(len(entries)), key=rank)[:limit]
    return tuple(entries[i] for i in sorted(kept))


def find_feed_links(html: bytes | str, base_url: str | None = None) -> list[str]:
    """The RSS/Atom feeds an HTML page announces (<link rel="alternate" type="application/rss+xml">)."""
    text = html.decode("utf-8", errors="replace") if isinstance(html, bytes) else html
    finder = _FeedLinkFinder()
    try:
        finder.feed(text[:500_000])
        finder.close()
    except Exception:  # html.parser is tolerant; this only guards against a bug on hostile markup
        pass
    found: list[str] = []
    for href in finder.hrefs:
        link = _absolute(href, base_url)
        if link is not None and link not in found:
            found.append(link)
    return found


class _FeedLinkFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "link":
            return
        values = {name.lower(): (value or "") for name, value in attrs}
        rels = values.get("rel", "").lower().split()
        media = values.get("type", "").split(";", 1)[0].strip().lower()
        if "alternate" in rels and media in ("application/rss+xml", "application/atom+xml") and values.get("href"):
            self.hrefs.append(values["href"].strip())


def _head_text(body: bytes) -> str:
    """The first bytes as text, enough to see the first element (markers are ASCII in every encoding used)."""
    head = body[:_SNIFF_BYTES]
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            return head[len(bom) :].decode(codec, errors="replace")
    return head.decode("latin-1")


def _kind_of_version(version: str) -> Kind:
    if version.startswith("atom"):
        return "atom"
    if version in ("rss090", "rss10"):
        return "rdf"
    if version.startswith("rss"):
        return "rss"
    return "unknown"


def _xml_problem(parsed: Any) -> str | None:
    """feedparser's reason when the XML was malformed (its "bozo" flag), ignoring mere encoding notes."""
    if not parsed.get("bozo"):
        return None
    exc = parsed.get("bozo_exception")
    if exc is None or type(exc).__name__ in ("CharacterEncodingOverride", "NonXMLContentType"):
        return None
    message = " ".join(str(exc).split()) or type(exc).__name__
    return message.removeprefix("<unknown>:")[:200]


def _entries(raw: list[Any], base_url: str | None) -> tuple[FeedEntry, ...]:
    entries: list[FeedEntry] = []
    seen: set[str] = set()
    for item in raw:
        link = _absolute(item.get("feedburner_origlink"), base_url) or _absolute(item.get("link"), base_url)
        if link is None:
            for alternate in item.get("links") or []:
                if alternate.get("rel", "alternate") == "alternate":
                    link = _absolute(alternate.get("href"), base_url)
                    if link is not None:
                        break
        if link is None or link in seen:
            continue
        seen.add(link)
        entries.append(
            FeedEntry(
                link=link,
                title=_clean(item.get("title")),
                published=_when(dict.get(item, "published_parsed")),  # dict.get: no fallback between the two
                updated=_when(dict.get(item, "updated_parsed")),
                id=_clean(item.get("id")),
            )
        )
    return tuple(entries)


def _absolute(href: object, base_url: str | None) -> str | None:
    """An absolute http(s) URL without its fragment, or None."""
    if not isinstance(href, str) or not href.strip():
        return None
    link = urljoin(base_url or "", href.strip())
    parts = urlsplit(link)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return parts._replace(fragment="").geturl()


def _when(value: object) -> datetime | None:
    """feedparser's dates are struct_time in UTC."""
    if not isinstance(value, time.struct_time):
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    except (OverflowError, ValueError, OSError):
        return None


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    return text or None
