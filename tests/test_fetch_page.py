"""Article pages: extraction and the checks that decide whether a fetched page is a real new version.

Pages come from the loopback news site (articles of real NYT sentences, faults on demand); the last tests
give `judge` hand-made texts to pin each rule down.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import trafilatura

from storytrace.demo.site import CP1252_PARAGRAPHS, CP1252_TITLE, NewsSite
from storytrace.fetch.http import FetchResult
from storytrace.fetch.page import EXTRACTOR, Extracted, PageOptions, assess, extract_page, judge
from storytrace.text.read import read_bytes

from .fetch_support import fetch, roft_articles

SLUG = "story-0"


@pytest.fixture(scope="module")
def site() -> Iterator[NewsSite]:
    with NewsSite(roft_articles(2)) as news:
        yield news


@pytest.fixture(autouse=True)
def first_revisions(site: NewsSite) -> None:
    for slug in site.slugs:
        site.set_revision(slug, 0)


def _get(site: NewsSite, path: str) -> FetchResult:
    result = fetch(site.url(path))
    assert result.ok, result.detail
    return result


def _article(site: NewsSite, revision: int, slug: str = SLUG) -> tuple[Extracted, FetchResult]:
    site.set_revision(slug, revision)
    result = _get(site, f"/news/{slug}")
    extracted, verdict = assess(result)
    assert verdict.ok, verdict
    return extracted, result


def _text(extracted: Extracted, **changes: object) -> Extracted:
    return dataclasses.replace(extracted, **changes)  # type: ignore[arg-type]


# --- extraction ---


def test_an_article_page_gives_text_and_metadata(site: NewsSite) -> None:
    extracted, _ = _article(site, 0)
    revision = site.article(SLUG).revisions[0]
    assert extracted.text == revision.title + "\n\n" + revision.text  # headline, then one paragraph each
    assert extracted.title == revision.title
    assert extracted.byline == "Staff reporter"
    assert extracted.published == datetime(2024, 5, 1, 7, 0, tzinfo=UTC)
    assert extracted.updated is None  # not updated since publication
    assert extracted.extractor == EXTRACTOR == f"trafilatura {trafilatura.__version__}"
    assert extracted.encoding == "utf-8" and extracted.error is None
    assert "cookie" not in extracted.text and "Most read" not in extracted.text


def test_the_text_is_the_one_storytrace_diff_reads(site: NewsSite) -> None:
    extracted, result = _article(site, 1)
    assert result.body is not None
    assert extracted.text == read_bytes(result.body, name="page.html").text


def test_an_updated_revision_carries_its_update_time(site: NewsSite) -> None:
    extracted, _ = _article(site, 2)
    assert extracted.published == datetime(2024, 5, 1, 7, 0, tzinfo=UTC)
    assert extracted.updated == datetime(2024, 5, 1, 9, 30, tzinfo=UTC)
    assert extracted.byline == "Staff reporter; Agencies"  # as trafilatura lists authors
    assert extracted.title is not None and extracted.title.endswith("(updated)")


def test_each_new_revision_is_a_real_version(site: NewsSite) -> None:
    texts = [_article(site, n)[0] for n in range(3)]
    assert judge(texts[0]).verdict == "ok"
    for before, after in zip(texts, texts[1:], strict=False):
        verdict = judge(after, before.text)
        assert verdict.verdict == "ok", verdict
        assert "on the previous version" in verdict.reason


def test_a_page_fetched_twice_is_unchanged(site: NewsSite) -> None:
    first, _ = _article(site, 1)
    again, _ = _article(site, 1)
    assert judge(again, first.text).verdict == "unchanged"


def test_malformed_html_still_gives_the_article(site: NewsSite) -> None:
    extracted, verdict = assess(_get(site, "/faults/malformed-html"))
    assert verdict.verdict == "ok"
    for paragraph in site.article(SLUG).revisions[0].paragraphs:
        assert paragraph in extracted.text


@pytest.mark.parametrize("declare", ["header", "latin1-header", "meta", "none"])
def test_cp1252_pages_decode_with_or_without_a_declaration(site: NewsSite, declare: str) -> None:
    result = _get(site, f"/faults/cp1252?declare={declare}")
    extracted, verdict = assess(result)
    assert verdict.ok and extracted.encoding == "cp1252"
    assert extracted.text == "\n\n".join((CP1252_TITLE, *CP1252_PARAGRAPHS))
    assert "’" in extracted.text and "€2.4 million" in extracted.text and "Zoë Brontë" in extracted.text


@pytest.mark.parametrize(
    ("path", "reason"),
    [("/faults/empty", "is empty"), ("/faults/binary", "binary"), ("/robots.txt", "not an HTML page")],
)
def test_bodies_without_an_article_fail_extraction(site: NewsSite, path: str, reason: str) -> None:
    extracted, verdict = assess(_get(site, path))
    assert verdict.verdict == "extraction_failed" and reason in verdict.reason
    assert extracted.text == "" and extracted.error is not None


def test_a_page_with_only_a_menu_is_too_short() -> None:
    menu = extract_page(b"<html><head><title>Home</title></head><body><nav><a href='/'>Home</a></nav></body></html>")
    verdict = judge(menu)
    assert verdict.verdict == "too_short" and verdict.reason.startswith("only 4 characters")


def test_assess_needs_a_body(site: NewsSite) -> None:
    result = fetch(site.url("/faults/status/404"))
    with pytest.raises(ValueError, match="no body"):
        assess(result)


# --- pages that are not versions ---


@pytest.mark.parametrize("path", ["/faults/soft-404", "/faults/soft-404-plain"])
def test_soft_404_pages_are_error_pages(site: NewsSite, path: str) -> None:
    previous, _ = _article(site, 0)
    _, verdict = assess(_get(site, path), previous.text)
    assert verdict.verdict == "error_page", verdict
    _, first = assess(_get(site, path))
    assert first.verdict == "error_page"


def test_an_article_redirected_to_the_home_page_is_an_error_page(site: NewsSite) -> None:
    result = _get(site, "/faults/redirect-home")
    assert result.final_url == site.url("/")
    _, verdict = assess(result, "whatever was there before " * 20)
    assert verdict.verdict == "error_page" and "home page" in verdict.reason


def test_a_paywall_is_recognised(site: NewsSite) -> None:
    previous, _ = _article(site, 0)
    _, verdict = assess(_get(site, f"/faults/paywall/{SLUG}"), previous.text)
    assert verdict.verdict == "paywall" and "Subscribe to continue reading" in verdict.reason
    _, first = assess(_get(site, f"/faults/paywall/{SLUG}"))
    assert first.verdict == "paywall"


def test_a_consent_wall_is_recognised(site: NewsSite) -> None:
    previous, _ = _article(site, 0)
    _, verdict = assess(_get(site, "/faults/consent"), previous.text)
    assert verdict.verdict == "paywall" and verdict.reason.startswith("a consent wall")


def test_a_page_cut_to_less_than_half_is_truncated(site: NewsSite) -> None:
    previous, _ = _article(site, 0)
    _, verdict = assess(_get(site, f"/faults/truncated/{SLUG}?share=0.4"), previous.text)
    assert verdict.verdict == "truncated" and "of the previous" in verdict.reason


def test_a_page_stopping_mid_sentence_is_truncated(site: NewsSite) -> None:
    previous, _ = _article(site, 0)
    _, verdict = assess(_get(site, f"/faults/truncated/{SLUG}?share=0.85"), previous.text)
    assert verdict.verdict == "truncated" and "mid-sentence" in verdict.reason


def test_the_banner_and_navigation_of_ordinary_pages_do_not_trigger_walls(site: NewsSite) -> None:
    # Every page of the site has a cookie banner and a "Subscribe for unlimited access" link.
    for revision in range(3):
        extracted, _ = _article(site, revision, slug="story-1")
        assert "Manage cookie preferences" in extracted.page_text
        assert "Subscribe for unlimited access" in extracted.page_text
        assert judge(extracted).ok


# --- the rules, on hand-made texts ---

BASE = (
    "The city council postponed its vote on the budget on Monday. Two members said they could not support "
    "the cuts.\n\nThe vote is now expected at the end of the month, the mayor's office said on Tuesday.\n\n"
    "Spending would rise by 2.1 percent under the draft, mostly because of energy prices in schools.\n\n"
    "Library staff collected more than 4,000 signatures against the cuts, a union representative said."
)


def _page(text: str, title: str | None = "Council delays budget vote", page_text: str = "") -> Extracted:
    return Extracted(text, title, None, None, None, EXTRACTOR, "utf-8", None, page_text or text)


def test_whitespace_and_quote_styles_only() -> None:
    restyled = BASE.replace("mayor's", "mayor\u2019s").replace("  ", " ").replace(". Two", ".  Two")
    restyled = restyled.replace("\n\n", "\n\n\n") + "\n"
    assert judge(_page(restyled), BASE).verdict == "whitespace_only"
    assert judge(_page(BASE.replace("percent", "per\u00a0cent")), BASE).verdict == "ok"  # a new space is a word
    assert judge(_page(BASE.replace("2.1 percent", "2.1\u00a0percent")), BASE).verdict == "whitespace_only"


def test_a_change_of_case_is_a_real_edit() -> None:
    assert judge(_page(BASE.replace("mayor's", "Mayor's")), BASE).verdict == "ok"


def test_identical_text_is_unchanged() -> None:
    assert judge(_page(BASE), BASE).verdict == "unchanged"


def test_too_short() -> None:
    verdict = judge(_page("Council delays budget vote. More soon."))
    assert verdict.verdict == "too_short" and "at least 200" in verdict.reason
    assert judge(_page("Council delays budget vote. More soon."), options=PageOptions(min_chars=20)).ok


def test_cutting_the_last_paragraph_cleanly_is_an_edit() -> None:
    shorter = BASE.rsplit("\n\n", 1)[0]
    assert judge(_page(shorter), BASE).verdict == "ok"


def test_an_opening_with_an_ellipsis_is_truncated() -> None:
    cut = BASE[: int(len(BASE) * 0.75)].rsplit(" ", 1)[0] + " …"
    verdict = judge(_page(cut), BASE)
    assert verdict.verdict == "truncated" and "ellipsis" in verdict.reason


def test_shrinking_to_under_half_is_truncated_whatever_the_text() -> None:
    verdict = judge(_page(BASE[:210] + " A new ending."), BASE + "\n\n" + BASE.replace("council", "board"))
    assert verdict.verdict == "truncated"
    relaxed = PageOptions(truncated_ratio=0.1)
    assert judge(_page(BASE[:210] + " A new ending."), BASE + "\n\n" + BASE, options=relaxed).ok


def test_error_wording_counts_only_in_short_pages_or_titles() -> None:
    long_story = BASE + "\n\n" + (
        "Residents who tried to file objections online said they were met with a page not found error, "
        "which the council blamed on an outdated link. "
    ) * 12
    assert judge(_page(long_story)).ok
    assert judge(_page(long_story, title="Page Not Found – The Herald")).verdict == "error_page"
    assert judge(_page(long_story, title="404 | The Herald")).verdict == "error_page"
    assert judge(_page(long_story, title="Missing hiker not found after three days")).ok
    assert judge(_page(long_story, title="Not found: the search for a missing hiker")).ok
    assert judge(_page(long_story, title="410 passengers stranded | The Herald")).ok
    assert judge(_page(long_story, title="Error 404 (Not Found)!!1")).verdict == "error_page"
    assert judge(_page(long_story, title="Oops! We couldn't find that page")).verdict == "error_page"
    assert judge(_page("Error 404. " + BASE)).verdict == "error_page"
    assert judge(_page(BASE + "\n\nRoute 404 - the night bus - will run as usual.")).ok


def test_a_full_article_with_a_subscription_footer_is_no_paywall() -> None:
    long_story = (BASE + "\n\n") * 12 + "Subscribe to continue reading our award-winning journalism."
    assert judge(_page(long_story), long_story.replace("Monday", "Sunday")).ok
    teaser = BASE + "\n\nSubscribe to continue reading."
    assert judge(_page(teaser)).verdict == "paywall"


def test_a_wall_seen_only_outside_the_text_counts_when_the_text_shrank() -> None:
    wall = "Menu Home You have reached your limit of free articles. Log in"
    teaser = _page(BASE.split("\n\n")[0] + "\n\nThe vote is now expected at the end of the month.", page_text=wall)
    assert judge(teaser, BASE + "\n\n" + BASE).verdict == "paywall"
    assert judge(teaser, BASE).verdict == "paywall"
    assert judge(_page(BASE, page_text=wall), BASE.replace("Monday", "Sunday")).ok


def test_page_options_are_validated() -> None:
    with pytest.raises(ValueError):
        PageOptions(truncated_ratio=1.5)
    with pytest.raises(ValueError):
        PageOptions(min_chars=0)
    with pytest.raises(TypeError, match="unknown page option"):
        PageOptions().with_overrides(min_length=3)
    assert PageOptions().with_overrides(min_chars=50).min_chars == 50
