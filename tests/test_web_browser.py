"""End to end in a real browser: Playwright drives Debian's Chromium against `storytrace serve`'s app running
under uvicorn on 127.0.0.1. Every page opens without script errors or CSP violations (screenshots, laptop and
phone, go to tests/artifacts/web/), a diff is stepped through with the keyboard, the live search and the compare
form work, and a `<script>` inside an article is shown as text and never runs.

Chromium comes from Debian (`apt-get install chromium`, done by .ci/run); Playwright's own browsers are never
downloaded. Without /usr/bin/chromium these tests are skipped, except under CI, where they fail.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from storytrace.store import add_source, open_store
from storytrace.web import create_app
from storytrace.web.serve import LOOPBACK_NAMES

from .conftest import REPO
from .web_support import HOSTILE_TEXTS, HOSTILE_TITLE, fill, serving

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = REPO / "tests" / "artifacts" / "web"
TOKEN = "browser-test-token"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
VIEWPORTS = {"laptop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def _need_browser() -> Any:
    reason = ""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        reason = "the playwright package is not installed"
    if not reason and not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing (apt-get install chromium)"
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the browser tests: {reason}")
        pytest.skip(reason)
    return sync_playwright


@dataclass
class Server:
    base: str
    ids: dict[str, int]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'store.db'}"
    with open_store(url) as store:
        ids = fill(store)
        # A feed with a hostile title and a long address (its page must fit a phone's screen too).
        ids["feed"] = add_source(store, "https://gazette.example/feeds/" + "very-long-section-name/" * 4 + "rss.xml",
                                 title=HOSTILE_TITLE).id
    with serving(create_app(url, token=TOKEN, allowed_hosts=LOOPBACK_NAMES)) as base:
        yield Server(base, ids)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_playwright = _need_browser()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            yield launched
        finally:
            launched.close()


@dataclass
class Watched:
    """A page and everything it complained about: console errors (CSP violations among them), uncaught
    exceptions, dialogs (alert() would be one)."""

    page: Any
    problems: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


@pytest.fixture
def tab(browser: Any) -> Iterator[Watched]:
    context = browser.new_context(viewport=VIEWPORTS["laptop"])
    page = context.new_page()
    page.set_default_timeout(10_000)
    watched = Watched(page)
    page.on("console", lambda m: watched.problems.append(f"console {m.type}: {m.text}") if m.type in (
        "error", "warning") else None)
    page.on("pageerror", lambda e: watched.problems.append(f"page error: {e}"))

    def dialog(d: Any) -> None:
        watched.dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", dialog)
    try:
        yield watched
    finally:
        context.close()


def _pages(ids: dict[str, int]) -> dict[str, str]:
    s = ids["story-0"]
    return {
        "stories": "/stories",
        "story": f"/stories/{s}",
        "diff-inline": f"/stories/{s}/diff/1/3",
        "diff-side": f"/stories/{s}/diff/1/3?view=side",
        "collation": f"/stories/{s}/collation?with={ids['copy']}",
        "compare": "/compare",
        "changes": "/changes",
        "feeds": "/feeds",
        "feed-stories": f"/stories?feed={ids['feed']}",
        "api": "/api",
        "hostile-diff": f"/stories/{ids['hostile']}/diff/1/2",
    }


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_every_page_opens_cleanly(browser: Any, server: Server, device: str) -> None:
    context = browser.new_context(viewport=VIEWPORTS[device])
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    for label, path in _pages(server.ids).items():
        response = page.goto(server.base + path)
        assert response is not None and response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert page.locator("h1").first.is_visible(), path
        page.wait_for_function("typeof window.htmx === 'object'")  # the vendored htmx loaded
        # Nothing runs off the side of a phone's screen but what scrolls inside its own box.
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, (path, overflow)
        page.screenshot(path=str(ARTIFACTS / f"{device}-{label}.png"), full_page=label != "collation")
    assert problems == []
    context.close()


def test_stepping_through_a_diff_with_the_keyboard(tab: Watched, server: Server) -> None:
    page = tab.page
    page.goto(server.base + f"/stories/{server.ids['story-0']}/diff/1/3")
    stops = page.locator("[data-change]")
    count = stops.count()
    assert count >= 4
    ids = [stops.nth(i).get_attribute("id") for i in range(count)]

    def current() -> str | None:
        value: str | None = page.evaluate("document.querySelector('[data-change].current')?.id ?? null")
        return value

    page.keyboard.press("j")
    assert current() == ids[0] and page.evaluate("document.activeElement.id") == ids[0]
    assert page.url.endswith(f"#{ids[0]}")
    assert page.locator("[data-change-position]").inner_text() == f"Change 1 of {count}"
    page.keyboard.press("j")
    page.keyboard.press("n")
    assert current() == ids[2]
    page.keyboard.press("k")
    assert current() == ids[1] and page.locator(f"#{ids[1]}").is_visible()
    page.keyboard.press("p")
    page.keyboard.press("p")  # stays on the first
    assert current() == ids[0]
    for _ in range(count + 2):
        page.keyboard.press("j")
    assert current() == ids[-1]
    page.screenshot(path=str(ARTIFACTS / "keyboard-last-change.png"))
    # Typing in a form field is not navigation.
    page.locator("select[name=a]").focus()
    page.keyboard.press("k")
    assert current() == ids[-1]
    # The buttons do the same as the keys.
    page.get_by_role("button", name="↑ previous").click()
    assert current() == ids[-2]
    # Side by side, swapped in by htmx: the keys go on working on the new rows.
    page.locator("nav.views").get_by_text("side by side").click()
    page.wait_for_selector("table.diff.side")
    assert "view=side" in page.url
    page.keyboard.press("j")
    assert page.evaluate("document.querySelector('[data-change].current').tagName") == "TR"
    assert tab.problems == []


def test_the_live_search_updates_the_results_in_place(tab: Watched, server: Server) -> None:
    page = tab.page
    page.goto(server.base + "/stories")
    page.evaluate("window.__sameDocument = true")
    total = page.locator("ol.stories > li").count()
    with page.expect_response(lambda r: "q=council" in r.url):
        page.locator("#q").fill("council")
    page.wait_for_function("document.querySelectorAll('ol.stories > li').length === 1")
    assert page.locator("ol.stories a.title").inner_text() == HOSTILE_TITLE
    assert "q=council" in page.url and page.evaluate("window.__sameDocument") is True  # no reload
    page.locator("select[name=outlet]").select_option("gazette.example")
    page.wait_for_selector("#results p.empty")
    page.locator("#q").fill("")
    page.wait_for_function(f"document.querySelectorAll('ol.stories > li').length < {total}")
    assert all(o == "gazette.example" for o in page.locator("ol.stories .outlet").all_inner_texts())
    page.screenshot(path=str(ARTIFACTS / "search-outlet.png"))
    assert tab.problems == []


def test_the_compare_form_with_pasted_texts_and_uploaded_files(tab: Watched, server: Server, tmp_path: Path) -> None:
    page = tab.page
    page.goto(server.base + "/compare")
    a = "The fire started at 3 am. Two people were hurt. The harbour was closed."
    b = "The fire started at 3 am. Three people were hurt. The harbour was closed. Police are investigating."
    page.locator("textarea[name=a]").fill(a)
    page.locator("textarea[name=b]").fill(b)
    page.get_by_role("button", name="Compare").click()
    page.wait_for_selector("section.result")
    # The result can be shown before the page's deferred script (the keys) has run: each page load asks the server
    # again for it (`no-cache`), and a busy server answers late. "j" pressed then did nothing (failed under load).
    page.wait_for_load_state("domcontentloaded")  # (deferred scripts run before it)
    summary = page.locator("ul.summary").inner_text()
    assert "1\nsubstantive" in summary.replace(" substantive", "\nsubstantive") and "added" in summary
    assert page.locator("ol.diff.inline li.k-substantive del").inner_text().strip() == "Two"
    assert page.locator("ol.diff.inline li.k-added").count() == 1
    page.keyboard.press("j")
    assert page.evaluate("document.querySelector('[data-change].current') !== null")
    page.screenshot(path=str(ARTIFACTS / "compare-pasted.png"), full_page=True)
    # Two files, side by side.
    old, new = tmp_path / "old.txt", tmp_path / "new.md"
    old.write_text(a, encoding="utf-8")
    new.write_text(b, encoding="utf-8")
    page.goto(server.base + "/compare")
    page.locator("input[name=file_a]").set_input_files(str(old))
    page.locator("input[name=file_b]").set_input_files(str(new))
    page.locator("select[name=view]").select_option("side")
    page.get_by_role("button", name="Compare").click()
    page.wait_for_selector("table.diff.side")
    assert "old.txt" in page.locator("#result-heading").inner_text()
    # Nothing given: the form says what is missing.
    page.goto(server.base + "/compare")
    page.get_by_role("button", name="Compare").click()
    assert "Give text A" in page.locator(".error").inner_text()
    assert tab.problems == [e for e in tab.problems if "422" in e]  # only the refused form's status


def test_a_script_inside_an_article_is_shown_as_text_and_never_runs(tab: Watched, server: Server) -> None:
    page = tab.page
    hostile = server.ids["hostile"]
    for path in ("/stories", f"/stories/{hostile}", f"/stories/{hostile}/diff/1/2",
                 f"/stories/{hostile}/diff/1/2?view=side", f"/stories/{hostile}/collation", "/changes", "/feeds",
                 f"/stories?feed={server.ids['feed']}"):
        page.goto(server.base + path)
        page.wait_for_load_state("load")
        assert page.evaluate("typeof window.__pwned") == "undefined", path
        scripts = page.evaluate("Array.from(document.scripts).map(s => s.getAttribute('src'))")
        assert sorted(scripts) == ["/static/htmx-2.0.11.min.js", "/static/storytrace.js?v=0.1.0"], path
        assert page.locator("img, [onload], [onerror]").count() == 0, path
        assert not page.evaluate("Array.from(document.querySelectorAll('b')).some(b => b.textContent === 'bold?')")
    page.goto(server.base + f"/stories/{hostile}/diff/1/2")
    shown = page.locator("main").inner_text()
    assert "<script>__pwned = 1; alert(1)</script>" in shown
    assert "<img src=x onerror=__pwned=2>" in shown and "</textarea><b>bold?" in shown
    assert HOSTILE_TITLE in page.locator("nav.crumbs").inner_text()
    page.screenshot(path=str(ARTIFACTS / "hostile-diff.png"), full_page=True)
    # Pasted into the compare form, the same markup is shown and does not run either.
    page.goto(server.base + "/compare")
    page.locator("textarea[name=a]").fill(HOSTILE_TEXTS[0])
    page.locator("textarea[name=b]").fill(HOSTILE_TEXTS[1])
    page.get_by_role("button", name="Compare").click()
    page.wait_for_selector("section.result")
    page.wait_for_load_state("load")  # (whatever the page would run has run by then)
    assert "<svg onload=__pwned=3></svg>" in page.locator("section.result").inner_text()
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert tab.dialogs == [] and tab.problems == []


def test_adding_a_story_through_the_form(tab: Watched, server: Server) -> None:
    page = tab.page
    page.goto(server.base + "/stories")
    page.get_by_text("Track a story").click()
    page.locator("input[name=url]").fill("https://gazette.example/news/added-in-a-browser")
    page.locator("input[name=token]").fill(TOKEN)
    page.get_by_role("button", name="Track").click()
    page.wait_for_url("**/stories/*")
    assert "https://gazette.example/news/added-in-a-browser" in page.locator("h1").inner_text()
    page.goto(server.base + "/stories")
    page.get_by_text("Track a story").click()
    page.locator("input[name=url]").fill("https://gazette.example/news/wrong-token")
    page.locator("input[name=token]").fill("not the token")
    page.get_by_role("button", name="Track").click()
    assert page.locator("h1").inner_text() == "403"
    assert [p for p in tab.problems if "403" not in p] == []


def test_adding_a_feed_through_the_form_and_opening_its_stories(tab: Watched, server: Server) -> None:
    page = tab.page
    page.goto(server.base + "/feeds")
    page.get_by_text("Track a feed").click()
    page.locator("input[name=url]").fill("https://gazette.example/added-in-a-browser.xml")
    page.locator("details.add input[name=token]").fill(TOKEN)  # (the Stop buttons' form has a token field too)
    page.get_by_role("button", name="Track feed").click()
    page.wait_for_url("**/stories?feed=*")
    assert page.locator("h1").inner_text() == "Stories from https://gazette.example/added-in-a-browser.xml"
    assert "No stories from this feed yet" in page.locator("#results").inner_text()
    page.screenshot(path=str(ARTIFACTS / "feed-added.png"))
    # The same address again: refused on the Feeds page, the form open with the address kept.
    page.goto(server.base + "/feeds")
    page.get_by_text("Track a feed").click()
    page.locator("input[name=url]").fill("https://gazette.example/added-in-a-browser.xml")
    page.locator("details.add input[name=token]").fill(TOKEN)  # (the Stop buttons' form has a token field too)
    page.get_by_role("button", name="Track feed").click()
    assert page.locator("p.error").inner_text() == "That address is already tracked as a feed."
    assert page.locator("input[name=url]").input_value() == "https://gazette.example/added-in-a-browser.xml"
    # The story count of a feed leads to its stories, and back to all of them.
    page.get_by_role("link", name="0 stories").first.click()
    page.wait_for_url("**/stories?feed=*")
    page.get_by_role("link", name="All stories").click()
    page.wait_for_url("**/stories")
    assert page.locator("h1").inner_text() == "Stories"
    assert [p for p in tab.problems if "409" not in p] == []


def test_stopping_and_resuming_a_feed_with_its_buttons(tab: Watched, server: Server) -> None:
    """The Feeds page's buttons share one token field: Enter in it stops nothing, an empty one stops nothing, the
    Stop button with the token stops the feed (the page comes back with a Resume button), Resume reads it again."""
    page = tab.page
    feed = server.ids["feed"]
    # Each button is named for its feed (the hostile title, as text) and leads to that feed's route.
    stop = page.get_by_role("button", name=f"Stop reading {HOSTILE_TITLE}", exact=True)
    resume = page.get_by_role("button", name=f"Resume reading {HOSTILE_TITLE}", exact=True)
    page.goto(server.base + "/feeds")
    assert stop.get_attribute("formaction") == f"/feeds/{feed}/stop" and resume.count() == 0
    stop.click()  # no token: the browser asks for it and sends nothing
    page.locator("#feed-switch input[name=token]").fill(TOKEN)
    page.locator("#feed-switch input[name=token]").press("Enter")
    page.wait_for_timeout(500)
    every_read = "fetch('/feeds.json').then(r => r.json()).then(d => d.feeds.every(f => f.active))"
    assert page.evaluate(every_read) is True and stop.count() == 1  # Enter pressed no feed's button
    stop.click()
    page.wait_for_url(server.base + "/feeds")
    assert resume.get_attribute("formaction") == f"/feeds/{feed}/resume" and stop.count() == 0
    row = page.locator("ol.changes li").filter(has=resume)
    assert " · stopped" in row.locator(".meta").inner_text()
    page.screenshot(path=str(ARTIFACTS / "feed-stopped.png"))
    assert page.evaluate(f"fetch('/feeds.json').then(r => r.json())"
                         f".then(d => d.feeds.find(f => f.id === {feed}).active)") is False
    page.locator("#feed-switch input[name=token]").fill(TOKEN)
    resume.click()
    page.wait_for_url(server.base + "/feeds")
    assert stop.count() == 1 and resume.count() == 0
    assert tab.dialogs == [] and tab.problems == []
