"""Feeds: RSS and Atom from the loopback news site, sniffing, malformed XML, discovery."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storytrace.demo.site import NewsSite
from storytrace.fetch.feeds import find_feed_links, parse_feed, sniff

from .fetch_support import fetch, roft_articles


@pytest.fixture(scope="module")
def site() -> Iterator[NewsSite]:
    with NewsSite(roft_articles(3)) as news:
        yield news


@pytest.fixture(autouse=True)
def first_revisions(site: NewsSite) -> None:
    for slug in site.slugs:
        site.set_revision(slug, 0)


def test_rss_lists_every_article_with_utc_dates(site: NewsSite) -> None:
    result = fetch(site.url("/feeds/rss.xml"))
    assert result.ok and result.body is not None
    parsed = parse_feed(result.body, url=result.final_url, content_type=result.content_type)
    assert parsed.ok and parsed.detail == "3 entries"
    assert parsed.feed is not None
    assert (parsed.feed.kind, parsed.feed.version) == ("rss", "rss20")
    assert parsed.feed.title == "The Loopback Herald"
    assert [e.link for e in parsed.feed.entries] == [site.url(f"/news/{slug}") for slug in site.slugs]
    first = parsed.feed.entries[0]
    assert first.title == site.article("story-0").revision.title
    assert first.published == datetime(2024, 5, 1, 7, 0, tzinfo=UTC)
    assert first.id == site.url("/news/story-0")


def test_atom_relative_links_are_resolved_and_updates_dated(site: NewsSite) -> None:
    site.advance("story-1")
    result = fetch(site.url("/feeds/atom.xml"))
    assert result.body is not None
    parsed = parse_feed(result.body, url=result.final_url)
    assert parsed.ok and parsed.feed is not None
    assert parsed.feed.kind == "atom" and parsed.feed.version == "atom10"
    assert parsed.feed.link == site.url("/")
    entry = parsed.feed.entries[1]
    assert entry.link == site.url("/news/story-1")
    assert entry.published == datetime(2024, 5, 1, 8, 0, tzinfo=UTC)
    assert entry.updated == datetime(2024, 5, 1, 9, 15, tzinfo=UTC)
    assert entry.id == "tag:loopback-herald.test,2024:story-1"


def test_feeds_answer_conditional_gets(site: NewsSite) -> None:
    first = fetch(site.url("/feeds/rss.xml"))
    assert fetch(site.url("/feeds/rss.xml"), etag=first.etag).outcome == "not_modified"
    site.advance("story-2")
    site.set_revision("story-2", 2)  # the title changes in the third revision
    assert fetch(site.url("/feeds/rss.xml"), etag=first.etag).outcome == "ok"


def test_recoverable_xml_errors_keep_the_good_entries(site: NewsSite) -> None:
    result = fetch(site.url("/faults/malformed.xml"))
    assert result.body is not None
    parsed = parse_feed(result.body, url=result.final_url)
    assert parsed.outcome == "ok" and "recovered from malformed XML" in parsed.detail
    assert parsed.feed is not None
    assert [e.link for e in parsed.feed.entries][:2] == [site.url("/news/story-0"), site.url("/news/story-1")]


def test_unrecoverable_xml_is_malformed_not_an_exception(site: NewsSite) -> None:
    result = fetch(site.url("/faults/garbage.xml"))
    assert result.body is not None
    parsed = parse_feed(result.body, url=result.final_url)
    assert (parsed.outcome, parsed.feed) == ("malformed", None)
    assert parsed.detail.startswith("malformed XML: ") and "\n" not in parsed.detail


def test_an_html_page_is_not_a_feed(site: NewsSite) -> None:
    result = fetch(site.url("/news/story-0"))
    assert result.body is not None
    assert sniff(result.body, result.content_type) == "html"
    assert parse_feed(result.body, url=result.final_url).outcome == "not_a_feed"


def test_feeds_announced_by_a_page_are_found(site: NewsSite) -> None:
    result = fetch(site.url("/"))
    assert result.body is not None
    assert find_feed_links(result.body, result.final_url) == [site.url("/feeds/rss.xml"), site.url("/feeds/atom.xml")]


@pytest.mark.parametrize(
    ("body", "content_type", "kind"),
    [
        (b'<?xml version="1.0"?>\n<!-- generated -->\n<rss version="2.0"><channel/></rss>', None, "rss"),
        (b'\xef\xbb\xbf<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"/>', None, "atom"),
        (b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>', None, "rdf"),
        (b'<!DOCTYPE rss PUBLIC "-//Netscape//DTD RSS 0.91//EN" "x"><rss version="0.91"/>', None, "rss"),
        ("<?xml version='1.0'?><feed/>".encode("utf-16"), None, "atom"),
        (b"  <!DOCTYPE html><html><body>x</body></html>", "application/rss+xml", "html"),
        (b"<html><head></head></html>", None, "html"),
        (b"plain words", "application/atom+xml", "atom"),
        (b"plain words", "text/html; charset=utf-8", "html"),
        (b'{"version": "https://jsonfeed.org/version/1.1"}', "application/feed+json", "unknown"),
        (b"", None, "unknown"),
    ],
)
def test_sniffing(body: bytes, content_type: str | None, kind: str) -> None:
    assert sniff(body, content_type) == kind


def test_entries_without_links_are_skipped_and_duplicates_dropped() -> None:
    body = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
    <item><title>No link</title></item>
    <item><title>A</title><link>https://news.example/a#top</link></item>
    <item><title>A again</title><link>https://news.example/a</link></item>
    <item><title>Mail</title><link>mailto:desk@news.example</link></item>
    <item xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0"><title>B</title>
      <link>https://feeds.example/~r/x/b</link><feedburner:origLink>https://news.example/b</feedburner:origLink></item>
    </channel></rss>"""
    parsed = parse_feed(body)
    assert parsed.feed is not None
    assert [(e.link, e.title) for e in parsed.feed.entries] == [
        ("https://news.example/a", "A"),
        ("https://news.example/b", "B"),
    ]
    assert all(e.published is None and e.updated is None for e in parsed.feed.entries)


def test_a_feed_without_entries_is_empty() -> None:
    parsed = parse_feed(b'<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet</title></channel></rss>')
    assert parsed.outcome == "empty" and parsed.feed is not None and parsed.feed.title == "Quiet"


def test_json_and_text_are_not_feeds() -> None:
    assert parse_feed(b'{"items": []}', content_type="application/json").outcome == "not_a_feed"
    assert parse_feed(b"just some words").outcome in ("not_a_feed", "malformed")


def test_dates_in_other_zones_become_utc() -> None:
    body = b"""<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>
    <entry><title>A</title><link href="https://news.example/a"/><id>a</id>
    <published>2024-05-01T09:30:00+02:00</published><updated>2024-05-01T12:00:00-04:00</updated></entry></feed>"""
    parsed = parse_feed(body)
    assert parsed.feed is not None
    entry = parsed.feed.entries[0]
    assert entry.published == datetime(2024, 5, 1, 7, 30, tzinfo=UTC)
    assert entry.updated == datetime(2024, 5, 1, 16, 0, tzinfo=UTC)


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=600) | st.text(max_size=300).map(lambda t: f"<rss><channel>{t}".encode()))
def test_parse_feed_never_raises(body: bytes) -> None:
    result = parse_feed(body, url="https://news.example/feed")
    assert result.outcome in ("ok", "empty", "not_a_feed", "malformed")
    assert "\n" not in result.detail
