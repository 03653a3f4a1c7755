"""Malformed and hostile input against the web app served by uvicorn on 127.0.0.1, on SQLite and PostgreSQL:
requests are sent over a real socket (http.client, so any byte and any method can be sent as a client would) and
the pages that matter are read as Chromium renders them. Every bad request must be a short 4xx, never a 500 or a
503; stored text from the web must be shown as text and never act on the page around it."""

from __future__ import annotations

import http.client
import json
import os
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit
from xml.etree import ElementTree as ET

import pytest

from storytrace.store import add_source, add_story, add_version, open_store
from storytrace.web import create_app
from storytrace.web.security import CSRF_COOKIE
from storytrace.web.serve import LOOPBACK_NAMES

from .cli_support import COMMAND
from .test_web_browser import ARTIFACTS, Watched, browser, tab  # noqa: F401 (Chromium and a watched tab, as fixtures)
from .web_support import T0, fill, passages, serving

TOKEN = "hostile-test-token"


@dataclass
class Site:
    base: str
    ids: dict[str, int]


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        assert self.headers["content-type"] == "application/json", self.headers
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


@pytest.fixture
def site(store_url: str) -> Iterator[Site]:
    """The web test stories (web_support.fill) served on 127.0.0.1, with the admin token set."""
    with open_store(store_url) as store:
        ids = fill(store)
    with serving(create_app(store_url, token=TOKEN, allowed_hosts=LOOPBACK_NAMES)) as base:
        yield Site(base, ids)


def send(site: Site, path: str, *, method: str = "GET", body: bytes = b"", headers: dict[str, str] | None = None
         ) -> Answer:
    """One request over a socket, as sent: `path` must already be percent-encoded."""
    connection = http.client.HTTPConnection(urlsplit(site.base).netloc, timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    finally:
        connection.close()


def api_headers(site: Site, *, admin: bool = False) -> dict[str, str]:
    """What an API client sends with a write: the CSRF cookie and token (from GET /compare.json), the admin token."""
    answer = send(site, "/compare.json")
    cookie = answer.headers["set-cookie"].split(";")[0]
    assert cookie.startswith(f"{CSRF_COOKIE}=")
    headers = {"Cookie": cookie, "X-CSRF-Token": answer.json()["csrf"]}
    if admin:
        headers["Authorization"] = f"Bearer {TOKEN}"
    return headers


def assert_refused(answer: Answer, status: int, says: str = "") -> None:
    """A short refusal: the status, JSON `{"error": ...}` (or the error page), no traceback."""
    assert answer.status == status, (answer.status, answer.body[:300])
    if answer.headers["content-type"] == "application/json":
        error = answer.json()["error"]
        assert error["status"] == status and says in error["message"] + " ".join(error.get("details", []))
    else:
        assert f"<h1>{status}</h1>" in answer.text and says in answer.text
    assert b"Traceback" not in answer.body and len(answer.body) < 20_000


# --- query strings ---------------------------------------------------------------------------------------------------


def test_a_since_whose_utc_time_is_beyond_the_calendar_is_refused(site: Site) -> None:
    """`since` with an offset is compared in UTC: one that falls before year 1 or after 9999 there is a 422."""
    for since in ("0001-01-01T00:00+01:00", "9999-12-31T23:59-01:00"):
        for path in ("/stories.json", "/stories"):
            assert_refused(send(site, f"{path}?since={quote(since)}"), 422, "since")
    # The last moment UTC can hold with an offset that stays inside it is still a time.
    assert send(site, f"/stories.json?since={quote('0001-01-01T00:00-01:00')}").json()["filters"]["since"] == (
        "0001-01-01T01:00:00+00:00")



def test_an_outlet_with_a_control_character_is_a_422(site: Site) -> None:
    """On PostgreSQL a NUL in the outlet filter reached the database, which refused it: a 503 "The store is not
    available", as if the server were down. No host holds one: the filter is refused as a bad parameter."""
    for outlet in ("%00", "gazette.example%00", "gazette%01.example"):
        for path in ("/stories.json", "/stories"):
            assert_refused(send(site, f"{path}?outlet={outlet}"), 422, "outlet")
        htmx = send(site, f"/stories?outlet={outlet}", headers={"HX-Request": "true", "HX-Target": "results"})
        assert htmx.status == 422 and "<html" not in htmx.text and "outlet" in htmx.text
    # A NUL in the search words is only a separator, as any other punctuation.
    assert send(site, "/stories.json?q=council%00").json()["stories"][0]["id"] == site.ids["hostile"]
    listed = send(site, "/stories.json?outlet=gazette.example").json()["stories"]
    assert listed and all(s["outlet"] == "gazette.example" for s in listed)



def test_the_changes_of_a_story_that_does_not_exist_are_a_404(site: Site) -> None:
    """`/changes?story=N` for an id no story has answered 200, "Changes to story N ... No changes yet", linking to
    that story's page (a 404): a mistyped or stale link must say so, as a feed's stories do (`feed=`)."""
    missing = max(site.ids.values()) + 1
    for path in (f"/changes?story={missing}", f"/changes.json?story={missing}"):
        assert_refused(send(site, path), 404, f"No story with id {missing}.")
    # A story without any change has its (empty) list.
    empty = send(site, f"/changes.json?story={site.ids['empty']}").json()
    assert empty["story"] == site.ids["empty"] and empty["changes"] == []


# --- JSON bodies -----------------------------------------------------------------------------------------------------

# Valid JSON by the grammar that Python's parser gives up on (RecursionError), and a string that is no Unicode text.
DEEP = b"[" * 60_000  # (under the 65,536-byte limit of the writes' bodies)
LONE_SURROGATE = '"The fire \\ud800 spread."'


def test_a_json_body_nested_too_deep_is_a_400(site: Site) -> None:
    for path, admin in (("/compare.json", False), ("/compare", False), ("/stories.json", True),
                        ("/feeds.json", True), (f"/stories/{site.ids['story-0']}/stop.json", True)):
        headers = {**api_headers(site, admin=admin), "Content-Type": "application/json"}
        assert_refused(send(site, path, method="POST", body=DEEP, headers=headers), 400, "not valid JSON")
        nested = b'{"url": ' + DEEP + b"}"
        assert_refused(send(site, path, method="POST", body=nested, headers=headers), 400, "not valid JSON")


def test_a_json_body_with_a_lone_surrogate_is_a_400(site: Site) -> None:
    """JSON can spell a lone surrogate ("\\ud800"); no page, JSON answer or database column can hold one."""
    text = '"The fire spread."'
    bodies = {
        "/compare.json": f'{{"a": {LONE_SURROGATE}, "b": {text}}}',
        "/compare": f'{{"a": {text}, "b": {text}, "label_b": {LONE_SURROGATE}}}',
        "/stories.json": '{"url": "https://gazette.example/news/\\udc80"}',
        "/feeds.json": '{"url": "https://gazette.example/\\ud83d.xml"}',
    }
    for path, body in bodies.items():
        headers = {**api_headers(site, admin=True), "Content-Type": "application/json"}
        assert_refused(send(site, path, method="POST", body=body.encode(), headers=headers), 400, "lone surrogate")
    # Nothing was stored, and the same requests in valid Unicode are answered.
    stories = send(site, "/stories.json").json()["stories"]
    assert not any("gazette.example/news/" in s["url"] and "%" in s["url"] for s in stories)
    headers = {**api_headers(site), "Content-Type": "application/json"}
    good = send(site, "/compare.json", method="POST", body=f'{{"a": "\\ud83d\\udd25 fire.", "b": {text}}}'.encode(),
                headers=headers)
    assert good.status == 200 and good.json()["versions"][0]["text"] == "\U0001f525 fire."


# --- addresses to track ----------------------------------------------------------------------------------------------

CONTROLLED = (  # a control character inside, at the start (which URL parsing drops), in the host
    "https://gazette.example/news/\x00fire", "https://gazette.example/news/\x01fire", "\x00https://gazette.example/x",
    "https://gaz\x00ette.example/news/fire", "https://gazette.example/news/fire\x7f", "https://gazette.example/\x85x",
)


def test_an_address_with_a_control_character_is_refused_and_not_stored(site: Site) -> None:
    """No web address holds a control character (RFC 3986: they are percent-encoded); stored, a NUL failed on
    PostgreSQL (503) and the others made a link, an Atom feed and a fetch out of a broken address."""
    before = send(site, "/stories.json").json()["stories"]
    for url in CONTROLLED:
        for path in ("/stories.json", "/feeds.json"):
            headers = {**api_headers(site, admin=True), "Content-Type": "application/json"}
            answer = send(site, path, method="POST", body=json.dumps({"url": url}).encode(), headers=headers)
            assert_refused(answer, 422, "Not a web address")
        form = {**api_headers(site, admin=True), "Content-Type": "application/x-www-form-urlencoded"}
        page = send(site, "/feeds", method="POST", body=f"url={quote(url)}".encode(), headers=form)
        assert page.status == 422 and "Not a web address" in page.text and "<h1>Feeds</h1>" in page.text
    assert send(site, "/stories.json").json()["stories"] == before
    assert send(site, "/feeds.json").json()["feeds"] == []
    # The same addresses without the control character are tracked.
    headers = {**api_headers(site, admin=True), "Content-Type": "application/json"}
    added = send(site, "/stories.json", method="POST", body=b'{"url": "https://gazette.example/news/fire"}',
                 headers=headers)
    assert added.status == 201 and added.json()["story"]["url"] == "https://gazette.example/news/fire"



# --- stored stories from elsewhere: `storytrace import` takes any address -------------------------------------------

SCRIPT_URL = "javascript:document.title='pwned'//fire"


def imported(store_url: str, tmp_path: Path, url: str) -> None:
    """Two versions of a story at `url`, imported by `storytrace import` from a JSON Lines archive."""
    records = [{"url": url, "title": "An imported story", "captured_at": f"2025-03-0{n}T10:00:00Z", "text": text}
               for n, text in ((2, "The council met on Tuesday. The vote was 5 to 4."),
                               (3, "The council met on Tuesday night. The vote was 6 to 3."))]
    archive = tmp_path / "archive.jsonl"
    archive.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    environment = {k: v for k, v in os.environ.items() if k != "STORYTRACE_DB"}
    done = subprocess.run([*COMMAND, "import", str(archive), "--db", store_url], capture_output=True, text=True,
                          timeout=120, env=environment, cwd=tmp_path)
    assert done.returncode == 0 and "2 versions of 1 story" in done.stdout, done.stderr


def test_an_imported_address_that_is_not_http_is_shown_but_never_a_link(
    store_url: str, tmp_path: Path, tab: Watched  # noqa: F811 (the fixture imported above)
) -> None:
    """The feeds' addresses were links only when http(s); a story's address was always one, and an archive can
    give a story any address: the story page linked `javascript:` (CSP blocks it, but the link is there)."""
    imported(store_url, tmp_path, SCRIPT_URL)
    with serving(create_app(store_url, token=None, allowed_hosts=LOOPBACK_NAMES)) as base:
        site = Site(base, {})
        story = send(site, "/stories.json").json()["stories"][0]
        assert story["url"] == SCRIPT_URL
        page = tab.page
        for path in ("/stories", f"/stories/{story['id']}", f"/stories/{story['id']}/diff/1/2", "/changes",
                     f"/stories/{story['id']}/collation"):
            page.goto(base + path)
            links = page.evaluate("Array.from(document.links).map(a => a.getAttribute('href'))")
            assert not any(href.strip().lower().startswith("javascript:") for href in links), (path, links)
        page.goto(f"{base}/stories/{story['id']}")
        assert page.locator("p.meta").first.inner_text() == SCRIPT_URL  # shown, as text
        assert page.title().startswith("\u2068An imported story\u2069")
    assert tab.dialogs == []


def test_the_atom_feed_stays_well_formed_with_a_control_character_in_an_address(store_url: str, tmp_path: Path) -> None:
    """Control characters cannot appear in XML, even escaped: the feed dropped them from titles and summaries but
    wrote a story's address into its link as it was, and one imported address made the feed unreadable to all."""
    imported(store_url, tmp_path, "https://gazette.example/news/\x01fire\x1b")
    with serving(create_app(store_url, token=None, allowed_hosts=LOOPBACK_NAMES)) as base:
        answer = send(Site(base, {}), "/changes.atom")
    assert answer.status == 200 and answer.headers["content-type"].startswith("application/atom+xml")
    feed = ET.fromstring(answer.body)  # (raised ParseError: not well-formed)
    atom = "{http://www.w3.org/2005/Atom}"
    links = [e.attrib["href"] for e in feed.iter(f"{atom}link")]
    assert links == ["https://gazette.example/news/%01fire%1B"]
    assert [e.text for e in feed.iter(f"{atom}title")][1] == "An imported story: version 2"



def test_the_atom_feed_links_no_address_that_is_not_http(store_url: str, tmp_path: Path) -> None:
    """An archive can give a story any address: the feed made `javascript:...` an entry's link, which a feed
    reader may follow. The story's URN stands in (an entry without content needs an alternate link)."""
    imported(store_url, tmp_path, SCRIPT_URL)
    with serving(create_app(store_url, token=None, allowed_hosts=LOOPBACK_NAMES)) as base:
        answer = send(Site(base, {}), "/changes.atom")
    assert answer.status == 200
    feed = ET.fromstring(answer.body)
    atom = "{http://www.w3.org/2005/Atom}"
    (link,) = [e.attrib["href"] for e in feed.iter(f"{atom}link")]
    assert re.fullmatch(r"urn:storytrace:story:\d+", link), link


# --- direction overrides ---------------------------------------------------------------------------------------------

RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: the text after it is laid out right to left, up to the paragraph's end
# For each element: are the letters of its first text with two letters or more (or of the first such text after
# the element, in its parent) laid out left to right?
READS_LTR = """([selector, after]) => Array.from(document.querySelectorAll(selector)).map(el => {
  const walker = document.createTreeWalker(after ? el.parentElement : el, NodeFilter.SHOW_TEXT);
  const wanted = node => (!after || (!el.contains(node) && el.compareDocumentPosition(node) & 4))
                         && [...node.data.matchAll(/\\p{L}/gu)].length > 1;
  let node = walker.nextNode();
  while (node && !wanted(node)) node = walker.nextNode();
  if (!node) return [null, false];
  const letters = [...node.data.matchAll(/\\p{L}/gu)].map(m => m.index);
  const x = i => { const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 1);
                   return r.getBoundingClientRect().left; };
  return [node.data, x(letters[0]) < x(letters[letters.length - 1])];
})"""


def test_a_direction_override_in_a_title_or_an_address_stays_inside_it(store_url: str, tab: Watched) -> None:  # noqa: F811
    """A page's title can end in U+202E; shown inline, it reversed the page's own words after it (the new title
    after the old one in a diff, the version count after an outlet): a page could make its change read otherwise.
    Text from the web is isolated (unicode-bidi: isolate), as <bdi> would."""
    texts = passages()
    with open_store(store_url) as store:
        story = add_story(store, f"https://gazette{RLO}.example/news/mayor", now=T0)
        for k, title in enumerate((f"Mayor resigns {RLO}", "Mayor stays", f"Mayor stays, council says {RLO}")):
            add_version(store, story, "\n\n".join(texts[k][:4]), title=title, captured_at=T0 + timedelta(hours=k))
        copy = add_story(store, "https://courier.example/news/mayor", now=T0)
        add_version(store, copy, "\n\n".join(texts[0][:4]), title=f"The copy {RLO}", captured_at=T0)
    with serving(create_app(store_url, token=None, allowed_hosts=LOOPBACK_NAMES)) as base:
        page = tab.page
        checks = {
            "/stories": [("ol.stories .outlet", True)],
            f"/stories/{story.id}/diff/1/2": [("p.meta ins", False), ("nav.crumbs a[href^='/stories/']", True)],
            f"/stories/{story.id}/collation?with={copy.id}": [("p.meta a[href^='/stories/']", True),
                                                               ("ol.cversions .dropped", True)],
            "/changes": [("ol.changes .outlet", True)],
        }
        reversed_text = []
        for path, selectors in checks.items():
            page.goto(base + path)
            for selector, after in selectors:
                found = page.evaluate(READS_LTR, [selector, after])
                assert found, (path, selector)
                reversed_text += [(path, selector, text) for text, ltr in found if not ltr]
        assert not reversed_text, reversed_text
        page.goto(f"{base}/stories/{story.id}/diff/1/2")
        # a <title> holds no markup: the title is inside first-strong isolate marks, its override closed (U+202C)
        assert re.fullmatch(f"v1 → v2 · \u2068[^\u2069]*{RLO}\u202c\u2069 · storytrace", page.title()), page.title()
        page.screenshot(path=str(ARTIFACTS / "direction-override.png"))
    assert tab.problems == []


# --- content negotiation ---------------------------------------------------------------------------------------------


def test_a_page_fetched_as_json_by_accept_is_not_shown_for_the_page(site: Site, tab: Watched) -> None:  # noqa: F811
    """A page's JSON at its own path (Accept: application/json, as docs/web.md offers API clients) came without
    `Vary: Accept`: the browser's cache then kept one answer for both, and Back to the page showed the raw JSON."""
    page = tab.page
    story = f"/stories/{site.ids['story-0']}"
    for path in (story, "/stories", "/changes", f"{story}/diff/1/3"):
        page.goto(site.base + path)
        page.goto(site.base + "/feeds")
        page.evaluate(f"fetch('{path}', {{headers: {{Accept: 'application/json'}}}}).then(r => r.json())")
        page.go_back()
        page.wait_for_load_state("load")
        assert page.locator("h1").count() == 1 and page.locator("body > pre").count() == 0, path
        answer = send(site, path, headers={"Accept": "application/json"})
        assert answer.status == 200 and "accept" in answer.headers.get("vary", "").lower(), path
    assert tab.problems == []


# A stray POP DIRECTIONAL ISOLATE (U+2069) ends the isolate around the text it is in (<bdi>, unicode-bidi: isolate,
# or the marks of a <title>) early in Chromium: an override after it then reverses the rest of the line.
ESCAPE = "\u2069" + RLO
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Every laid out text of the page that holds no direction control itself: does it read left to right? (The first
# two letters next to each other on one line are compared; texts with none are passed over.)
ALL_READ_LTR = """() => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const found = [];
  const range = document.createRange();
  const box = (node, i) => { range.setStart(node, i); range.setEnd(node, i + 1);
                             return range.getBoundingClientRect(); };
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (/[\\u202a-\\u202e\\u2066-\\u2069]/.test(node.data)) continue;
    for (let i = 0; i + 1 < node.data.length; i++) {
      if (!/\\p{L}\\p{L}/u.test(node.data.slice(i, i + 2))) continue;
      const a = box(node, i), b = box(node, i + 1);
      if (!a.width || !b.width || a.top !== b.top) continue;
      found.push([node.data.trim().slice(0, 60), a.left < b.left]);
      break;
    }
  }
  return found;
}"""


def balanced(text: str) -> bool:
    """Does every direction control in `text` close what it opened, and nothing it did not open?"""
    stack: list[str] = []
    for c in BIDI_CONTROLS.findall(text):
        if c in "\u2066\u2067\u2068":
            stack.append("isolate")
        elif c == "\u2069":
            if "isolate" not in stack:
                return False
            while stack.pop() != "isolate":
                pass
        elif c == "\u202c":
            if not stack or stack[-1] != "embedding":
                return False
            stack.pop()
        else:
            stack.append("embedding")
    return not stack


def test_a_direction_override_in_any_text_from_the_web_stays_inside_it(store_url: str, tab: Watched) -> None:  # noqa: F811
    """Text from the web with a stray U+2069 then U+202E: in an outlet, titles, sentences, the reasons of a
    changed sentence (which quote its words: "attribution changed: Police → Witnesses…"), a feed's title and the
    compare form's labels. On every page that shows them, the page's own words after such a text read left to
    right, in tables full (3 versions) and compact (over 8), and every title (the page's, a tooltip) closes what
    it opened."""
    texts = passages()
    first = "Police said the man allegedly stole a car. The fire began at noon on Tuesday."
    changed = f"Witnesses{ESCAPE} said the man stole a car. The fire began at noon on Tuesday{ESCAPE}."
    with open_store(store_url) as store:
        story = add_story(store, f"https://gazette{ESCAPE}.example/news/fire", now=T0)
        for k, lead in enumerate((first, changed, changed.replace("noon", "dawn"))):
            add_version(store, story, lead + "\n\n" + " ".join(texts[k][:3]), title=f"Fire {k}{ESCAPE}",
                        captured_at=T0 + timedelta(hours=k))
        many = add_story(store, f"https://courier{ESCAPE}.example/news/fire", now=T0)
        for k in range(10):
            add_version(store, many, (first, changed)[k % 2] + f" It was update {k}.", title=f"Update {k}{ESCAPE}",
                        captured_at=T0 + timedelta(hours=k))
        add_source(store, "https://gazette.example/rss.xml", title=f"Gazette{ESCAPE} news", now=T0)
    with serving(create_app(store_url, token=None, allowed_hosts=LOOPBACK_NAMES)) as base:
        page = tab.page
        paths = ["/stories", f"/stories?outlet={quote(f'gazette{ESCAPE}.example')}", f"/stories/{story.id}",
                 f"/stories/{story.id}/diff/1/2", f"/stories/{story.id}/diff/1/3?view=side",
                 f"/stories/{story.id}/collation", f"/stories/{story.id}/collation?with={many.id}",
                 f"/stories/{many.id}/collation", "/changes", "/feeds", "/compare"]
        reversed_text, unbalanced = [], []
        for path in paths:
            page.goto(base + path)
            if path == "/compare":
                page.locator("input[name=label_a]").fill(f"Old{ESCAPE}")
                page.locator("input[name=label_b]").fill(f"New{ESCAPE}")
                page.locator("textarea[name=a]").fill(first)
                page.locator("textarea[name=b]").fill(changed)
                page.get_by_role("button", name="Compare").click()
                page.wait_for_selector("section.result")
            shown = page.evaluate(ALL_READ_LTR)
            assert len(shown) > 10, (path, shown)
            reversed_text += [(path, text) for text, ltr in shown if not ltr]
            titles = page.evaluate("[document.title, ...Array.from(document.querySelectorAll('[title]'), "
                                   "e => e.getAttribute('title'))]")
            unbalanced += [(path, title) for title in titles if not balanced(title)]
        assert not reversed_text, reversed_text
        assert not unbalanced, unbalanced
        # The reasons that quote the override are in both tables, followed by another, and the outlets, kept with
        # their override, are in the labels.
        for path in (f"/stories/{story.id}/collation", f"/stories/{story.id}/collation?with={many.id}"):
            page.goto(base + path)
            reasons = page.locator("table.variants").inner_text()
            assert f"attribution changed: Police → Witnesses{RLO}\u202c · hedge removed: allegedly" in reasons, path
        assert f"gazette{RLO}.example\u202c\u2069 v1 · 2025-03-01 09:00 → … →" in page.locator("h1").inner_text()
        page.screenshot(path=str(ARTIFACTS / "direction-escape.png"), full_page=True)
    assert tab.problems == []
