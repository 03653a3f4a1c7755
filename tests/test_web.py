"""The web app over HTTP (FastAPI's TestClient): every route and its JSON twin, on SQLite and PostgreSQL; search
and filters; security (escaping, CSP, CSRF, the admin token, size limits, errors without tracebacks)."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import jsonschema
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from storytrace.store import add_version, find_story, open_store, stop_tracking
from storytrace.web import WebOptions, create_app
from storytrace.web.security import CSP, CSRF_COOKIE

from .conftest import SCHEMA_DIR
from .store_fixtures import BACKENDS, _admin, postgres_base_url, sqlite_url
from .web_support import HOSTILE_TITLE, HOSTILE_URL, assert_a_write_needs_both_tokens, fill, fill_feeds

TOKEN = "test-admin-token"
STRICT_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=\"/static/)", re.IGNORECASE)


@contextmanager
def _store_on(backend: str, tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[str]:
    """A URL to a new store on `backend`: a SQLite file, or a PostgreSQL schema of its own, dropped afterwards."""
    if backend == "sqlite":
        yield sqlite_url(tmp_path_factory.mktemp(name))
        return
    base = postgres_base_url()
    schema = f"{name}_{uuid.uuid4().hex[:12]}"
    with _admin(base).begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    from sqlalchemy.engine import make_url

    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with _admin(base).begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture(scope="module", params=BACKENDS)
def filled(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, dict[str, int]]]:
    """A store with the web test stories (see web_support.fill), on each backend, shared by this module's tests."""
    with _store_on(request.param, tmp_path_factory, "web") as url:
        with open_store(url) as store:
            ids = fill(store)
        yield url, ids


@pytest.fixture(scope="module")
def app_client(filled: tuple[str, dict[str, int]]) -> Iterator[tuple[TestClient, dict[str, int]]]:
    url, ids = filled
    app = create_app(url, token=TOKEN, secret=b"s" * 32)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client, ids


@pytest.fixture
def client(app_client: tuple[TestClient, dict[str, int]]) -> TestClient:
    app_client[0].cookies.clear()
    return app_client[0]


@pytest.fixture
def ids(app_client: tuple[TestClient, dict[str, int]]) -> dict[str, int]:
    return app_client[1]


def _schema(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))
    return loaded


def _csrf(client: TestClient) -> str:
    """The CSRF token of the compare form (its cookie is now in the client)."""
    token: str = client.get("/compare.json").json()["csrf"]
    return token


def _pages(ids: dict[str, int]) -> list[str]:
    s, other = ids["story-0"], ids["copy"]
    return [
        "/stories", "/stories?q=council", f"/stories/{s}", f"/stories/{s}/diff/1/3", f"/stories/{s}/diff/1/3?view=side",
        f"/stories/{s}/collation", f"/stories/{s}/collation?with={other}", "/compare", "/changes",
        f"/changes?story={s}", "/api",
    ]


# --- every page and its JSON twin ---------------------------------------------------------------------------------


def test_every_page_answers_html_and_json_at_path_json_and_on_accept(client: TestClient, ids: dict[str, int]) -> None:
    for path in _pages(ids):
        page = client.get(path)
        assert page.status_code == 200, path
        assert page.headers["content-type"].startswith("text/html"), path
        assert page.text.startswith("<!DOCTYPE html>") and "</html>" in page.text, path
        base, _, query = path.partition("?")
        twin = client.get(f"{base}.json" + (f"?{query}" if query else ""))
        assert twin.status_code == 200 and twin.headers["content-type"] == "application/json", path
        negotiated = client.get(path, headers={"Accept": "application/json"})
        assert negotiated.status_code == 200 and negotiated.json() == twin.json(), path
        assert f'href="{base}.json' in page.text or base == "/api", path  # each page links its twin


def test_the_stories_json(client: TestClient, ids: dict[str, int]) -> None:
    data = client.get("/stories.json").json()
    assert data["schema"] == "storytrace.web.stories/1" and data["page"] == 1 and data["next"] is None
    stories = data["stories"]
    assert len(stories) == len(ids)
    # The most recently changed first, the story without versions last.
    changed = [s["last_change_at"] for s in stories if s["last_change_at"]]
    assert changed == sorted(changed, reverse=True)
    assert stories[-1]["id"] == ids["empty"] and stories[-1]["version_count"] == 0
    first = next(s for s in stories if s["id"] == ids["story-0"])
    assert first["outlet"] == "gazette.example" and first["version_count"] == 3
    assert first["links"] == {"html": f"/stories/{ids['story-0']}", "json": f"/stories/{ids['story-0']}.json"}


def test_the_story_json_lists_versions_with_sizes_and_diff_links(client: TestClient, ids: dict[str, int]) -> None:
    sid = ids["story-0"]
    data = client.get(f"/stories/{sid}.json").json()
    assert data["schema"] == "storytrace.web.story/1" and data["story"]["id"] == sid
    versions = data["versions"]
    assert [v["number"] for v in versions] == [1, 2, 3]
    assert versions[0]["diff"] is None and versions[0]["change_summary"] is None
    assert versions[1]["change_summary"]["substantive"] >= 1 and versions[1]["change_size"] >= 2
    assert versions[2]["diff"] == {"html": f"/stories/{sid}/diff/2/3", "json": f"/stories/{sid}/diff/2/3.json"}
    assert data["links"]["collation"] == f"/stories/{sid}/collation"


def test_the_diff_json_is_a_valid_storytrace_diff_document(client: TestClient, ids: dict[str, int]) -> None:
    sid = ids["story-0"]
    doc = client.get(f"/stories/{sid}/diff/1/2.json").json()
    jsonschema.validate(doc, _schema("diff.schema.json"))
    assert doc["schema"] == "storytrace.diff/1"
    assert [v["label"][:2] for v in doc["versions"]] == ["v1", "v2"]
    assert doc["summary"]["substantive"] >= 1 and doc["summary"]["added"] >= 1
    again = client.get(f"/stories/{sid}/diff/1/2.json").json()  # from the cache: the same document
    assert again == doc
    backwards = client.get(f"/stories/{sid}/diff/2/1.json").json()
    assert backwards["summary"]["added"] == doc["summary"]["deleted"]


def test_the_collation_json_is_a_valid_storytrace_collation_document(client: TestClient, ids: dict[str, int]) -> None:
    sid, copy = ids["story-0"], ids["copy"]
    doc = client.get(f"/stories/{sid}/collation.json").json()
    jsonschema.validate(doc, _schema("collation.schema.json"))
    assert doc["summary"]["versions"] == 3 and {v["outlet"] for v in doc["versions"]} == {"gazette.example"}
    assert doc["summary"]["single_source"] == 0  # one outlet: nothing is "single source"
    both = client.get(f"/stories/{sid}/collation.json?with={copy}").json()
    jsonschema.validate(both, _schema("collation.schema.json"))
    assert both["summary"]["versions"] == 4
    assert {v["outlet"] for v in both["versions"]} == {"gazette.example", "courier.example"}
    assert both["summary"]["single_source"] >= 1  # statements the copy does not carry
    page = client.get(f"/stories/{sid}/collation?with={copy}").text
    assert "single source" in page and 'class="swatch p1"' in page and "courier.example v1" in page


def test_a_long_story_is_collated_on_evenly_spaced_versions(filled: tuple[str, dict[str, int]]) -> None:
    url, ids = filled
    app = create_app(url, token=None, options=WebOptions(collation_max_versions=2))
    with TestClient(app) as client:
        doc = client.get(f"/stories/{ids['story-1']}/collation.json").json()
        assert [v["label"][:2] for v in doc["versions"]] == ["v1", "v3"]
        assert "3 versions in all: 2 of them" in client.get(f"/stories/{ids['story-1']}/collation").text


def test_a_huge_collation_is_shown_a_page_of_statements_at_a_time(filled: tuple[str, dict[str, int]]) -> None:
    """Two versions of 2.4 MB made a 13.8 MB page; the table now holds `collation_page_units` statements a page
    (here 3), with links to the pages around it that keep the stories collated. The counts above it are the whole
    collation's on every page, and the JSON is the whole document whatever the page."""
    url, ids = filled
    sid, copy = ids["story-0"], ids["copy"]
    with TestClient(create_app(url, token=None)) as client:
        whole = client.get(f"/stories/{sid}/collation?with={copy}").text
    with TestClient(create_app(url, token=None, options=WebOptions(collation_page_units=3))) as client:
        doc = client.get(f"/stories/{sid}/collation.json?with={copy}").json()
        units = len(doc["units"])
        pages = -(-units // 3)
        assert units > 6 and 'class="pages"' not in whole and whole.count('<tr id="unit-') == units
        legend = re.search(r"Cell colour:.*?</li>", whole, re.S)
        assert legend
        seen = []
        for n in range(1, pages + 1):
            html = client.get(f"/stories/{sid}/collation?with={copy}&page={n}").text
            rows = re.findall(r'<tr id="unit-(\d+)"', html)
            assert rows == [str(k) for k in range(3 * n - 2, min(3 * n, units) + 1)], n
            seen += rows
            assert f"Statements {3 * n - 2}–{min(3 * n, units)} of {units}, page {n} of {pages}" in html
            assert (f'href="/stories/{sid}/collation?with={copy}&amp;page={n + 1}" rel="next"' in html) == (n < pages)
            assert (f'href="/stories/{sid}/collation?with={copy}&amp;page={n - 1}" rel="prev"' in html) == (n > 1)
            assert legend.group() in html  # who first carried how many statements: counted over all of them
        assert len(seen) == units
        assert client.get(f"/stories/{sid}/collation?with={copy}&page={pages + 1}").status_code == 404
        for bad in ("0", "x"):
            assert client.get(f"/stories/{sid}/collation?page={bad}").status_code == 422
        assert client.get(f"/stories/{sid}/collation.json?with={copy}&page=2").json() == doc


def test_the_compare_json_describes_the_form(client: TestClient) -> None:
    data = client.get("/compare.json").json()
    assert data["schema"] == "storytrace.web.compare/1" and data["max_text_bytes"] > 0
    assert set(data["fields"]) >= {"a", "b", "file_a", "file_b", "csrf"}
    assert client.cookies.get(CSRF_COOKIE)


def test_the_changes_json_and_the_atom_feed(client: TestClient, ids: dict[str, int]) -> None:
    data = client.get("/changes.json").json()
    assert data["schema"] == "storytrace.web.changes/1"
    changes = data["changes"]
    assert changes and all(c["number"] > 1 for c in changes)
    assert [c["captured_at"] for c in changes] == sorted((c["captured_at"] for c in changes), reverse=True)
    assert changes[0]["story"]["id"] == ids["hostile"] and changes[0]["diff"]["html"].endswith("/diff/1/2")
    one = client.get(f"/changes.json?story={ids['story-0']}").json()["changes"]
    assert [c["number"] for c in one] == [3, 2]
    feed = client.get("/changes.atom")
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(feed.content)  # well-formed XML, markup in titles escaped
    atom = "{http://www.w3.org/2005/Atom}"
    titles = [e.findtext(f"{atom}title") for e in root.findall(f"{atom}entry")]
    assert any(t and HOSTILE_TITLE in t for t in titles)
    assert b"<script>" not in feed.content


def test_the_api_page_lists_the_openapi_document(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = set(spec["paths"])
    for path in ("/stories", "/stories.json", "/stories/{story_id}", "/stories/{story_id}.json",
                 "/stories/{story_id}/diff/{a}/{b}", "/stories/{story_id}/diff/{a}/{b}.json",
                 "/stories/{story_id}/collation.json", "/compare", "/compare.json", "/changes.atom", "/api.json"):
        assert path in paths, path
    page = client.get("/api").text
    assert "/stories/{story_id}/diff/{a}/{b}.json" in page and "storytrace.diff/1" in page
    assert client.get("/docs").status_code == 404  # no third-party viewer loaded from a CDN


def test_static_files_and_the_vendored_htmx(client: TestClient) -> None:
    import hashlib

    htmx = client.get("/static/htmx-2.0.11.min.js")
    assert htmx.status_code == 200 and "javascript" in htmx.headers["content-type"]
    assert hashlib.sha256(htmx.content).hexdigest() == (
        "d6fdc75f204e6bdefa99b69bf1e6d4ac69b8a364f77929f45c13476b4000f717"
    )
    assert client.get("/static/storytrace.js").status_code == 200
    assert client.get("/static/storytrace.css").status_code == 200
    page = client.get("/stories").text
    assert '<script src="/static/htmx-2.0.11.min.js" defer></script>' in page
    assert "http://" not in page.split("<body>")[0] and "https://" not in page.split("<body>")[0]


def test_head_is_answered_like_get_without_a_body(client: TestClient, ids: dict[str, int]) -> None:
    for path in ("/stories", f"/stories/{ids['story-0']}.json", "/changes.atom", "/nowhere"):
        head, get = client.head(path), client.get(path)
        assert head.status_code == get.status_code and head.content == b"", path
        assert head.headers["content-type"] == get.headers["content-type"], path


def test_redirects(client: TestClient, ids: dict[str, int]) -> None:
    sid = ids["story-0"]
    assert client.get("/", follow_redirects=False).headers["location"] == "/stories"
    picked = client.get(f"/stories/{sid}/diff?a=1&b=3", follow_redirects=False)
    assert picked.status_code == 303 and picked.headers["location"] == f"/stories/{sid}/diff/1/3"
    latest = client.get(f"/stories/{sid}/diff", follow_redirects=False)
    assert latest.headers["location"] == f"/stories/{sid}/diff/2/3"


# --- pages show what they should ----------------------------------------------------------------------------------


def test_the_story_page_has_a_chart_and_links_to_every_diff(client: TestClient, ids: dict[str, int]) -> None:
    sid = ids["story-0"]
    page = client.get(f"/stories/{sid}").text
    assert '<svg class="chart"' in page
    assert page.count('class="bar"') == 2  # versions 2 and 3 link to their diffs; version 1 has none
    for a, b in ((1, 2), (2, 3)):
        assert f'href="/stories/{sid}/diff/{a}/{b}"' in page
    assert 'class="seg substantive"' in page


def test_the_diff_page_inline_and_side_by_side(client: TestClient, ids: dict[str, int]) -> None:
    sid = ids["story-0"]
    inline = client.get(f"/stories/{sid}/diff/1/3").text
    side = client.get(f"/stories/{sid}/diff/1/3?view=side").text
    assert '<ol class="diff inline">' in inline and '<table class="diff side">' in side
    for page in (inline, side):
        assert "<del>" in page and "<ins>" in page and "data-change" in page
        assert "moved" in page and "number" in page  # a moved marker and a reason
        for kind in ("k-substantive", "k-minor", "k-added", "k-deleted"):
            assert kind in page
    only = client.get(f"/stories/{sid}/diff/1/3?changes=1").text
    assert "unchanged sentence" in only and only.count("data-change") == inline.count("data-change")
    assert client.get(f"/stories/{sid}/diff/1/3?view=sideways").status_code == 422


def test_search_and_filters(client: TestClient, ids: dict[str, int]) -> None:
    def found(query: str) -> list[int]:
        return [s["id"] for s in client.get(f"/stories.json?{query}").json()["stories"]]

    assert found("q=council") == [ids["hostile"]]
    assert found("q=hostile") == [ids["hostile"]]  # the URL's host
    assert found("q=-council") == []
    assert set(found("outlet=courier.example")) == {ids["story-1"], ids["story-3"], ids["story-5"], ids["copy"]}
    assert found("outlet=www.Hostile.example") == [ids["hostile"]]
    assert found("since=2025-03-02") == [ids["hostile"]]
    assert found("since=2025-03-01T20:00:00Z") == [ids["hostile"], ids["copy"]]
    assert ids["empty"] not in found("since=3650d")
    substantive = found("substantive=1")
    assert ids["hostile"] in substantive and ids["story-0"] in substantive and ids["copy"] not in substantive
    assert found("q=council&outlet=gazette.example") == []
    assert client.get("/stories.json?since=yesterday").status_code == 422
    assert client.get("/stories.json?page=0").status_code == 422


def test_paging(filled: tuple[str, dict[str, int]]) -> None:
    url, ids = filled
    with TestClient(create_app(url, token=None, options=WebOptions(page_size=3))) as client:
        first = client.get("/stories.json").json()
        assert len(first["stories"]) == 3 and first["next"] == "/stories.json?page=2"
        pages = [first]
        while pages[-1]["next"]:
            pages.append(client.get(pages[-1]["next"]).json())
        seen = [s["id"] for p in pages for s in p["stories"]]
        assert sorted(seen) == sorted(ids.values()) and len(seen) == len(set(seen))
        html = client.get("/stories?outlet=gazette.example").text
        assert 'href="/stories?outlet=gazette.example&amp;page=2"' in html


def test_htmx_gets_only_the_results(client: TestClient) -> None:
    partial = client.get("/stories?q=council", headers={"HX-Request": "true", "HX-Target": "results"})
    assert partial.status_code == 200 and "<html" not in partial.text and 'class="stories"' in partial.text
    error = client.get("/stories?since=soon", headers={"HX-Request": "true", "HX-Target": "results"})
    assert error.status_code == 422 and "<html" not in error.text and "since" in error.text


def test_unknown_stories_and_versions_are_404(client: TestClient, ids: dict[str, int]) -> None:
    sid = ids["story-0"]
    for path in ("/stories/99999", f"/stories/{sid}/diff/1/9", f"/stories/{sid}/diff/9/1", "/stories/99999/collation",
                 f"/stories/{sid}/collation?with=99999", f"/stories/{ids['empty']}/collation", "/nowhere"):
        page = client.get(path)
        assert page.status_code == 404, path
        assert "<h1>404</h1>" in page.text, path
        twin = client.get(path, headers={"Accept": "application/json"})
        assert twin.status_code == 404 and twin.json()["error"]["status"] == 404, path
    assert client.get("/stories/abc").status_code == 404
    assert client.get(f"/stories/{ids['empty']}/diff", follow_redirects=False).status_code == 404


# --- security ---------------------------------------------------------------------------------------------------


def test_article_text_is_escaped_everywhere(client: TestClient, ids: dict[str, int]) -> None:
    hid = ids["hostile"]
    for path in ("/stories", f"/stories/{hid}", f"/stories/{hid}/diff/1/2", f"/stories/{hid}/diff/1/2?view=side",
                 f"/stories/{hid}/collation", "/changes"):
        page = client.get(path).text
        assert not STRICT_SCRIPT.search(page), path  # no script element but ours
        assert "<img" not in page and "<svg onload" not in page and "<b>bold" not in page, path
        assert "onerror=" not in page.replace("onerror=__pwned=2&gt;", ""), path
    page = client.get(f"/stories/{hid}/diff/1/2").text
    assert "&lt;script&gt;__pwned = 1; alert(1)&lt;/script&gt;" in page and "&lt;/textarea&gt;&lt;b&gt;bold?" in page
    assert "&lt;script&gt;__pwned = &#34;title&#34;&lt;/script&gt;Markup &amp; &#34;quotes&#34;" in page


def test_security_headers_on_every_response(client: TestClient, ids: dict[str, int]) -> None:
    responses = [client.get(p) for p in _pages(ids)]
    responses += [client.get("/nowhere"), client.get("/stories.json"), client.get("/static/storytrace.css"),
                  client.get("/changes.atom"), client.post("/compare", data={"a": "x"})]
    for response in responses:
        assert response.headers["content-security-policy"] == CSP
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "same-origin"
    assert "script-src 'self'" in CSP and "unsafe-inline" not in CSP and "unsafe-eval" not in CSP


def test_adding_a_story_needs_the_csrf_token_and_the_admin_token(client: TestClient) -> None:
    url = f"https://gazette.example/news/added-{uuid.uuid4().hex[:8]}"
    assert_a_write_needs_both_tokens(client, "/stories", {"url": url}, TOKEN)
    csrf = _csrf(client)
    assert client.post("/stories", data={"url": "javascript:alert(1)", "token": TOKEN, "csrf": csrf}).status_code == 422
    assert client.get(f"/stories.json?q={url.rsplit('/', 1)[1]}").json()["stories"] == []  # nothing was added
    added = client.post("/stories", data={"url": url, "token": TOKEN, "csrf": csrf}, follow_redirects=False)
    assert added.status_code == 303 and re.fullmatch(r"/stories/\d+", added.headers["location"])
    assert client.get(added.headers["location"]).status_code == 200
    # JSON clients: Bearer token and the CSRF header.
    other = url + "-json"
    made = client.post("/stories.json", data={"url": other},
                       headers={"Authorization": f"Bearer {TOKEN}", "X-CSRF-Token": csrf})
    assert made.status_code == 201 and made.json()["story"]["url"] == other
    no_csrf = client.post("/stories.json", data={"url": other + "2"}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert no_csrf.status_code == 403 and no_csrf.json()["error"]["status"] == 403
    as_json = client.post("/stories.json", json={"url": other + "-body"},
                          headers={"Authorization": f"Bearer {TOKEN}", "X-CSRF-Token": csrf})
    assert as_json.status_code == 201 and as_json.json()["story"]["url"] == other + "-body"
    broken = client.post("/stories.json", content=b"{", headers={"Content-Type": "application/json",
                                                                 "X-CSRF-Token": csrf})
    assert broken.status_code == 400


def test_a_story_added_on_the_web_is_stored_as_the_cli_stores_it(client: TestClient) -> None:
    """In canonical form, so another spelling of the same address (case, tracking parameters, fragment) is the same
    story, not a second one."""
    csrf = _csrf(client)
    path = f"/news/spelt-{uuid.uuid4().hex[:8]}"
    headers = {"Authorization": f"Bearer {TOKEN}", "X-CSRF-Token": csrf}
    first = client.post("/stories.json", json={"url": f"HTTPS://Gazette.Example{path}?utm_source=rss#top"},
                        headers=headers)
    assert first.status_code == 201 and first.json()["story"]["url"] == f"https://gazette.example{path}"
    again = client.post("/stories.json", json={"url": f"https://gazette.example:443{path}"}, headers=headers)
    assert again.json()["story"]["id"] == first.json()["story"]["id"]
    bad_port = client.post("/stories.json", json={"url": "https://gazette.example:99999/x"}, headers=headers)
    assert bad_port.status_code == 422 and "Traceback" not in bad_port.text


def test_without_a_token_the_server_is_read_only(filled: tuple[str, dict[str, int]]) -> None:
    url, _ = filled
    with TestClient(create_app(url, token=None)) as client:
        assert "Track a story" not in client.get("/stories").text
        csrf = _csrf(client)
        refused = client.post("/stories", data={"url": "https://gazette.example/x", "token": "", "csrf": csrf})
        assert refused.status_code == 403 and "STORYTRACE_TOKEN" in refused.text


def test_the_compare_form(client: TestClient) -> None:
    a = "The fire started at 3 am. Two people were hurt. The harbour was closed."
    b = "The fire started at 3 am. Three people were hurt. The harbour was closed. Police are investigating."
    assert client.post("/compare", data={"a": a, "b": b}).status_code == 403  # CSRF
    csrf = _csrf(client)
    page = client.post("/compare", data={"a": a, "b": b, "csrf": csrf, "label_a": "before", "view": "side"})
    assert page.status_code == 200 and '<table class="diff side">' in page.text and "before" in page.text
    doc = client.post("/compare.json", data={"a": a, "b": b, "csrf": csrf}).json()
    jsonschema.validate(doc, _schema("diff.schema.json"))
    assert doc["summary"]["substantive"] == 1 and doc["summary"]["added"] == 1
    assert [v["label"] for v in doc["versions"]] == ["A", "B"]
    # CRLF from a browser's textarea is read as plain newlines.
    crlf = client.post("/compare.json", data={"a": "One.\r\n\r\nTwo.", "b": "One.\r\n\r\nTwo!", "csrf": csrf}).json()
    assert crlf["versions"][0]["text"] == "One.\n\nTwo."
    # Files instead of texts, named after the files; HTML pages have their article extracted.
    html = "<html><body><article><p>" + b.replace(". ", ".</p><p>") + "</p></article></body></html>"
    files = {"file_a": ("old.txt", a.encode(), "text/plain"), "file_b": ("new.html", html.encode(), "text/html")}
    uploaded = client.post("/compare.json", data={"csrf": csrf}, files=files).json()
    assert [v["label"] for v in uploaded["versions"]] == ["old.txt", "new.html"]
    assert uploaded["summary"]["added"] == 1 and "<p>" not in uploaded["versions"][1]["text"]
    empty = client.post("/compare", data={"a": a, "b": "  ", "csrf": csrf})
    assert empty.status_code == 422 and "Give text B" in empty.text and a in empty.text  # the form keeps its text
    binary = client.post("/compare.json", data={"csrf": csrf, "b": b},
                         files={"file_a": ("x.bin", bytes(range(256)) * 4, "application/octet-stream")})
    assert binary.status_code == 422 and "binary" in binary.json()["error"]["message"]
    hostile = client.post("/compare", data={"a": "<script>alert(1)</script> Hello.", "b": "Hello.", "csrf": csrf})
    assert not STRICT_SCRIPT.search(hostile.text) and "&lt;script&gt;alert(1)&lt;/script&gt;" in hostile.text
    # A JSON body, as API clients send it, reads as the form does ("Give text A" was all it got before).
    posted = client.post("/compare.json", json={"a": a, "b": b, "label_a": "before", "csrf": csrf}).json()
    assert posted["summary"] == doc["summary"] and [v["label"] for v in posted["versions"]] == ["before", "B"]
    assert client.post("/compare.json", content=b"{not json", headers={"content-type": "application/json",
                                                                        "x-csrf-token": csrf}).status_code == 400


def test_request_and_upload_sizes_are_limited(filled: tuple[str, dict[str, int]]) -> None:
    url, _ = filled
    options = WebOptions(max_body_bytes=50_000, max_text_bytes=20_000)
    with TestClient(create_app(url, token=TOKEN, options=options)) as client:
        csrf = _csrf(client)
        big = "word " * 9_000  # 45,000 bytes: over the text limit, under the body limit
        refused = client.post("/compare", data={"a": big, "b": "x", "csrf": csrf})
        assert refused.status_code in (400, 413, 422) and "Traceback" not in refused.text
        upload = client.post("/compare.json", data={"csrf": csrf, "b": "x"},
                             files={"file_a": ("a.txt", b"word " * 9_000, "text/plain")})
        assert upload.status_code == 422 and "limit" in upload.json()["error"]["message"]
        huge = client.post("/compare.json", data={"csrf": csrf, "a": "x" * 60_000, "b": "y"})
        assert huge.status_code == 413 and huge.json()["error"]["status"] == 413

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it streams
            for _ in range(20):
                yield b"a=" + b"x" * 4_000 + b"&"

        streamed = client.post("/compare.json", content=chunks(),
                               headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert streamed.status_code == 413


def test_errors_show_no_traceback(filled: tuple[str, dict[str, int]], monkeypatch: pytest.MonkeyPatch) -> None:
    url, ids = filled
    from storytrace.web import queries

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internals /etc/passwd")

    monkeypatch.setattr(queries, "story_row", broken)
    monkeypatch.setattr("storytrace.web.routes.story.story_row", broken)
    with TestClient(create_app(url, token=None), raise_server_exceptions=False) as client:
        page = client.get(f"/stories/{ids['story-0']}")
        assert page.status_code == 500 and "Something went wrong" in page.text
        assert "secret internals" not in page.text and "Traceback" not in page.text
        assert page.headers["content-security-policy"] == CSP
        twin = client.get(f"/stories/{ids['story-0']}.json")
        assert twin.status_code == 500 and twin.json() == {
            "error": {"status": 500, "message": "Something went wrong on the server. The error was logged."}
        }
        invalid = client.get("/stories.json?page=x")
        assert invalid.status_code == 422 and "x" not in json.dumps(invalid.json()["error"]["details"])


def test_a_host_header_outside_the_allowed_names_is_refused(filled: tuple[str, dict[str, int]]) -> None:
    url, _ = filled
    with TestClient(create_app(url, token=None, allowed_hosts=["127.0.0.1", "localhost"]),
                    base_url="http://127.0.0.1:8000") as client:
        assert client.get("/stories").status_code == 200
        assert client.get("/stories", headers={"Host": "rebound.example"}).status_code == 400


def test_the_store_is_found_from_the_environment_and_new_stories_show_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'env.db'}"
    monkeypatch.setenv("STORYTRACE_DB", url)
    with TestClient(create_app(None, token=TOKEN)) as client:
        assert client.get("/stories.json").json()["stories"] == []
        csrf = _csrf(client)
        client.post("/stories", data={"url": "https://gazette.example/new", "token": TOKEN, "csrf": csrf})
        assert [s["url"] for s in client.get("/stories.json").json()["stories"]] == ["https://gazette.example/new"]
        assert "gazette.example (1)" in client.get("/stories").text
        with open_store(url) as store:  # a version added by another process shows at once
            story = find_story(store, "https://gazette.example/new")
            assert story is not None
            add_version(store, story, "The first text of the story.")
        assert client.get("/stories.json").json()["stories"][0]["version_count"] == 1
    with open_store(url) as store:
        assert find_story(store, "https://gazette.example/new") is not None


def test_a_hostile_store_title_and_url_are_escaped_in_the_story_page(client: TestClient, ids: dict[str, int]) -> None:
    page = client.get(f"/stories/{ids['hostile']}").text
    assert f'href="{HOSTILE_URL}" rel="noopener noreferrer nofollow"' in page
    assert HOSTILE_TITLE not in page


def test_a_story_that_became_a_feed_says_so(tmp_path: Path) -> None:
    """The watcher turns a story whose address serves a feed into a feed source (tests/test_track_watch.py); its
    page and JSON then say why it is no longer watched."""
    from storytrace.store import FEED_STOP_REASON, story_to_feed

    url = f"sqlite:///{tmp_path / 'feed.db'}"
    with TestClient(create_app(url, token=TOKEN)) as client:
        csrf = _csrf(client)
        made = client.post("/stories.json", json={"url": "https://gazette.example/feed.xml"},
                           headers={"Authorization": f"Bearer {TOKEN}", "X-CSRF-Token": csrf})
        story_id = made.json()["story"]["id"]
        with open_store(url) as store:
            story_to_feed(store, story_id)
        found = client.get(f"/stories/{story_id}.json").json()["story"]
        assert (found["active"], found["stop_reason"]) == (False, FEED_STOP_REASON)
        assert f"no longer watched: {FEED_STOP_REASON}" in client.get(f"/stories/{story_id}").text
        again = client.post("/stories.json", json={"url": "https://gazette.example/feed.xml"},
                            headers={"Authorization": f"Bearer {TOKEN}", "X-CSRF-Token": csrf})
        assert again.status_code == 409 and "tracked as a feed" in again.json()["error"]["message"]


def test_the_feeds_page_lists_tracked_feeds_with_their_stories(tmp_path: Path) -> None:
    from storytrace.store import add_source, add_story

    url = f"sqlite:///{tmp_path / 'feeds.db'}"
    with open_store(url) as store:
        feed = add_source(store, "https://gazette.example/rss.xml", title=HOSTILE_TITLE)
        add_source(store, "https://herald.example/atom.xml")
        for n in range(2):
            add_story(store, f"https://gazette.example/news/{n}", source=feed)
    with TestClient(create_app(url, token=None)) as client:
        found = client.get("/feeds.json").json()
        assert found["schema"] == "storytrace.web.feeds/1"
        rows = {f["url"]: f for f in found["feeds"]}
        assert rows["https://gazette.example/rss.xml"]["stories"] == 2
        assert rows["https://herald.example/atom.xml"]["stories"] == 0
        assert rows["https://gazette.example/rss.xml"]["title"] == HOSTILE_TITLE
        page = client.get("/feeds")
        assert page.status_code == 200 and "2 stories" in page.text and "<script>" not in page.text
        assert '<a href="/feeds">Feeds</a>' in client.get("/stories").text


# --- one feed's stories, adding a feed ----------------------------------------------------------------------------


@pytest.fixture(scope="module", params=BACKENDS)
def feed_client(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[TestClient, dict[str, int]]]:
    """The web app on a store with feeds and the stories they brought (web_support.fill_feeds), on each backend;
    pages of 2 stories, so the gazette's 3 stories take two pages."""
    with _store_on(request.param, tmp_path_factory, "feeds") as url:
        with open_store(url) as store:
            ids = fill_feeds(store)
        app = create_app(url, token=TOKEN, secret=b"s" * 32, options=WebOptions(page_size=2))
        with TestClient(app, raise_server_exceptions=False) as client:
            yield client, ids


def _post_json(client: TestClient, path: str, body: dict[str, str], csrf: str) -> Any:
    """A write as an API client sends it: a JSON body, the admin token as Bearer, the CSRF token as a header."""
    return client.post(path, json=body, headers={"Authorization": f"Bearer {TOKEN}", "X-CSRF-Token": csrf})


def test_a_feeds_stories_are_listed_and_no_others(feed_client: tuple[TestClient, dict[str, int]]) -> None:
    client, ids = feed_client
    gazette, courier = ids["feed-gazette"], ids["feed-courier"]
    first = client.get(f"/stories.json?feed={gazette}").json()
    assert first["schema"] == "storytrace.web.stories/1" and first["filters"]["feed"] == gazette
    assert first["feed"]["id"] == gazette and first["feed"]["url"] == "https://gazette.example/rss.xml"
    assert first["feed"]["stories"] == 3 and first["feed"]["links"]["html"] == f"/stories?feed={gazette}"
    # Paging and the order of the list are kept: the most recently changed first, the feed carried to page 2.
    assert [s["id"] for s in first["stories"]] == [ids["gazette-2"], ids["gazette-1"]]
    assert first["next"] == f"/stories.json?feed={gazette}&page=2"
    second = client.get(first["next"]).json()
    assert [s["id"] for s in second["stories"]] == [ids["gazette-0"]] and second["next"] is None
    others = client.get(f"/stories.json?feed={courier}").json()
    assert {s["id"] for s in others["stories"]} == {ids["courier-0"], ids["courier-1"]}
    everything = client.get("/stories.json?page=1").json()
    assert everything["feed"] is None and everything["filters"]["feed"] is None
    # Other filters work within the feed.
    only = client.get(f"/stories.json?feed={gazette}&outlet=courier.example").json()
    assert only["stories"] == []
    # The page: the feed named in the heading, its stories only, a way back, paging and search keep the feed.
    page = client.get(f"/stories?feed={gazette}")
    assert page.status_code == 200
    assert "gazette story 2" in page.text and "gazette story 1" in page.text
    assert "courier story" not in page.text and "No feed brought this" not in page.text
    assert '<a href="/stories">All stories</a>' in page.text
    assert f'href="/stories?feed={gazette}&amp;page=2" rel="next"' in page.text
    assert f'<input type="hidden" name="feed" value="{gazette}">' in page.text
    assert f'href="/stories.json?feed={gazette}"' in page.text  # its JSON twin
    negotiated = client.get(f"/stories?feed={gazette}", headers={"Accept": "application/json"}).json()
    assert negotiated == first
    empty = client.get(f"/stories?feed={ids['feed-odd']}")
    assert empty.status_code == 200 and "No stories from this feed yet" in empty.text


def test_an_unknown_or_malformed_feed_id_is_a_clear_error(feed_client: tuple[TestClient, dict[str, int]]) -> None:
    client, ids = feed_client
    unknown = max(ids.values()) + 1000
    page = client.get(f"/stories?feed={unknown}")
    assert page.status_code == 404 and "<h1>404</h1>" in page.text and f"No feed with id {unknown}." in page.text
    twin = client.get(f"/stories.json?feed={unknown}")
    assert twin.status_code == 404
    assert twin.json() == {"error": {"status": 404, "message": f"No feed with id {unknown}."}}
    for value in ("abc", "0", "-1", "1.5", "", "99999999999999999999", "<script>"):
        bad = client.get("/stories.json", params={"feed": value})
        assert bad.status_code == 422, value
        details = bad.json()["error"]["details"]
        assert details and all(d.startswith("feed:") for d in details), value
        shown = client.get("/stories", params={"feed": value})
        assert shown.status_code == 422 and "feed:" in shown.text and "Traceback" not in shown.text, value
        assert "<script>" not in shown.text.replace('<script src="/static/', ""), value


def test_a_story_id_beyond_any_the_store_holds_is_not_found(feed_client: tuple[TestClient, dict[str, int]]) -> None:
    """An id past the database's integer range finds nothing (it used to fail in the database: a server error)."""
    client, _ = feed_client
    huge = "99999999999999999999"
    for path in (f"/stories/{huge}", f"/stories/{huge}.json", f"/stories/{huge}/diff/1/2",
                 f"/stories/{huge}/collation.json", f"/stories/{huge}/diff?a=1&b=2"):
        found = client.get(path, follow_redirects=False)
        assert found.status_code == 404 and f"No story with id {huge}." in found.text, path
    story = client.get("/stories.json").json()["stories"][0]["id"]
    for path in (f"/stories/{story}/diff/1/{huge}", f"/stories/{story}/diff/{huge}/1.json"):
        found = client.get(path)
        assert found.status_code == 404 and f"has no version {huge}" in found.text, path
    assert client.get(f"/stories/{story}/diff?a=1&b={huge}", follow_redirects=False).status_code == 422
    for path in (f"/changes?story={huge}", f"/changes.json?story={huge}"):
        refused = client.get(path)
        assert refused.status_code == 422 and "story" in refused.text and "Traceback" not in refused.text, path
    # (past 4,300 digits Python reads no number: such a path names nothing, it is no server error)
    endless = "9" * 5000
    for path in (f"/stories/{endless}", f"/stories/{endless}.json", f"/stories/{endless}/diff/1/2",
                 f"/stories/{story}/diff/1/{endless}", f"/stories/{endless}/collation"):
        assert client.get(path, follow_redirects=False).status_code == 404, path


def test_a_stopped_feed_says_so(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    with open_store(url) as store:
        ids = fill_feeds(store)
        stop_tracking(store, "https://gazette.example/rss.xml")
    with TestClient(create_app(url, token=None)) as client:
        feeds = {f["id"]: f for f in client.get("/feeds.json").json()["feeds"]}
        assert feeds[ids["feed-gazette"]]["active"] is False and feeds[ids["feed-courier"]]["active"] is True
        page = client.get("/feeds").text
        assert page.count("stopped (storytrace add resumes it)") == 1
    with TestClient(create_app(url, token=TOKEN, secret=b"s" * 32)) as client:  # its Resume button says the rest
        page = client.get("/feeds").text
        assert page.count(" · stopped</span>") == 1 and "storytrace add resumes it" not in page
        assert f'formaction="/feeds/{ids["feed-gazette"]}/resume"' in page


def test_the_feeds_page_links_each_feed_to_its_stories(feed_client: tuple[TestClient, dict[str, int]]) -> None:
    client, ids = feed_client
    gazette, courier = ids["feed-gazette"], ids["feed-courier"]
    page = client.get("/feeds").text
    assert f'<a href="/stories?feed={gazette}">3 stories</a>' in page
    assert f'<a href="/stories?feed={courier}">2 stories</a>' in page
    feeds = {f["id"]: f for f in client.get("/feeds.json").json()["feeds"]}
    assert feeds[gazette]["links"] == {"html": f"/stories?feed={gazette}", "json": f"/stories.json?feed={gazette}"}
    listed = client.get(feeds[courier]["links"]["json"]).json()
    assert len(listed["stories"]) == feeds[courier]["stories"] == 2


def test_a_hostile_feed_title_and_address_are_escaped(feed_client: tuple[TestClient, dict[str, int]]) -> None:
    client, ids = feed_client
    escaped = "&lt;script&gt;__pwned = &#34;title&#34;&lt;/script&gt;Markup &amp; &#34;quotes&#34;"
    for path in ("/feeds", f"/stories?feed={ids['feed-gazette']}"):
        page = client.get(path).text
        assert not STRICT_SCRIPT.search(page), path
        assert HOSTILE_TITLE not in page and escaped in page, path
    title = re.search(r"<title>(.*)</title>", client.get(f"/stories?feed={ids['feed-gazette']}").text)
    # (the title isolated: see render.isolated)
    assert title is not None and title.group(1).startswith("Stories from \u2068&lt;script&gt;")
    # A stored address that is not http(s) is shown, never made a link.
    for path in ("/feeds", f"/stories?feed={ids['feed-odd']}"):
        page = client.get(path).text
        assert 'href="javascript:' not in page and '<span class="title">Odd feed</span>' in page, path
    assert client.get(f"/stories.json?feed={ids['feed-gazette']}").json()["feed"]["title"] == HOSTILE_TITLE


def test_adding_a_feed_stores_it_as_the_cli_does(store_url: str) -> None:
    """POST /feeds records the address as `storytrace add` records a feed (add_source, canonical URL), without
    fetching it; the form answers with the feed's page, the JSON with storytrace.web.feed-added/1."""
    from storytrace.store import SourceKind, find_source

    with TestClient(create_app(store_url, token=TOKEN)) as client:
        form = client.get("/feeds").text
        assert '<form method="post" action="/feeds" class="add-form">' in form
        csrf = re.search(r'name="csrf" value="([^"]+)"', form)
        assert csrf is not None
        added = client.post("/feeds", data={"url": "https://Gazette.example:443/rss.xml?utm_source=x#top",
                                            "token": TOKEN, "csrf": csrf.group(1)}, follow_redirects=False)
        assert added.status_code == 303 and re.fullmatch(r"/stories\?feed=\d+", added.headers["location"])
        shown = client.get(added.headers["location"])
        assert shown.status_code == 200 and "https://gazette.example/rss.xml" in shown.text
        made = _post_json(client, "/feeds.json", {"url": "https://herald.example/atom.xml"}, csrf.group(1))
        assert made.status_code == 201
        doc = made.json()
        assert doc["schema"] == "storytrace.web.feed-added/1"
        assert doc["feed"]["url"] == "https://herald.example/atom.xml" and doc["feed"]["last_checked_at"] is None
        assert doc["feed"]["links"]["html"] == f"/stories?feed={doc['feed']['id']}"
        listed = [f["url"] for f in client.get("/feeds.json").json()["feeds"]]
        assert listed == ["https://herald.example/atom.xml", "https://gazette.example/rss.xml"]
    with open_store(store_url) as store:
        for url in ("https://gazette.example/rss.xml", "https://herald.example/atom.xml"):
            source = find_source(store, url)
            assert source is not None and source.kind == SourceKind.FEED and source.last_checked_at is None


def test_adding_a_feed_needs_the_csrf_token_and_the_admin_token(store_url: str) -> None:
    url = "https://gazette.example/rss.xml"
    with TestClient(create_app(store_url, token=TOKEN)) as client:
        assert_a_write_needs_both_tokens(client, "/feeds", {"url": url}, TOKEN)
        no_csrf = client.post("/feeds.json", json={"url": url}, headers={"Authorization": f"Bearer {TOKEN}"})
        assert no_csrf.status_code == 403 and no_csrf.json()["error"]["status"] == 403
        assert client.get("/feeds.json").json()["feeds"] == []  # nothing was added
    with TestClient(create_app(store_url, token=None)) as client:
        assert "Track a feed" not in client.get("/feeds").text
        refused = client.post("/feeds", data={"url": url, "token": "", "csrf": _csrf(client)})
        assert refused.status_code == 403 and "STORYTRACE_TOKEN" in refused.text
        assert client.get("/feeds.json").json()["feeds"] == []


def test_adding_a_feed_refuses_other_addresses_and_tracked_ones(store_url: str) -> None:
    from storytrace.store import add_source, add_story, story_to_feed

    with open_store(store_url) as store:
        add_source(store, "https://gazette.example/rss.xml")
        add_story(store, "https://gazette.example/news/fire")
        story_to_feed(store, add_story(store, "https://herald.example/feed"))  # a story the watcher found a feed at
    not_web = ("javascript:alert(1)", "ftp://gazette.example/rss.xml", "file:///etc/passwd", "gazette.example/rss",
               "http://[::1/rss", "http://gazette.example:99999/rss", "https://gazette.example/" + "a" * 2048, "")
    tracked = {
        "https://gazette.example/rss.xml": "already tracked as a feed",
        "https://GAZETTE.example/rss.xml#latest": "already tracked as a feed",  # the same feed, spelt otherwise
        "https://gazette.example/news/fire": "already tracked as a story",
        "https://herald.example/feed": "already tracked as a feed",
    }
    with TestClient(create_app(store_url, token=TOKEN)) as client:
        csrf = _csrf(client)
        for url in not_web:
            page = client.post("/feeds", data={"url": url, "token": TOKEN, "csrf": csrf})
            assert page.status_code == 422, url
            assert '<p class="error" role="alert">Not a web address to track as a feed' in page.text, url
            doc = _post_json(client, "/feeds.json", {"url": url}, csrf)
            assert doc.status_code == 422 and "Not a web address" in doc.json()["error"]["message"], url
        for url, why in tracked.items():
            page = client.post("/feeds", data={"url": url, "token": TOKEN, "csrf": csrf})
            assert page.status_code == 409 and f'<p class="error" role="alert">That address is {why}' in page.text
            assert f'name="url" value="{url}"' in page.text  # the form keeps the address given
            doc = _post_json(client, "/feeds.json", {"url": url}, csrf)
            assert doc.status_code == 409 and why in doc.json()["error"]["message"], url
        hostile = client.post("/feeds", data={"url": '"><script>__pwned=1</script>', "token": TOKEN, "csrf": csrf})
        assert hostile.status_code == 422 and not STRICT_SCRIPT.search(hostile.text)
        assert 'value="&#34;&gt;&lt;script&gt;__pwned=1&lt;/script&gt;"' in hostile.text
        feeds = client.get("/feeds.json").json()["feeds"]
        assert sorted(f["url"] for f in feeds) == ["https://gazette.example/rss.xml", "https://herald.example/feed"]


def test_an_unreadable_address_is_refused_not_a_server_error(store_url: str) -> None:
    """An unclosed [IPv6 host made urlsplit raise in POST /stories (a 500); now it is refused as not a web
    address, as in POST /feeds."""
    with TestClient(create_app(store_url, token=TOKEN), raise_server_exceptions=False) as client:
        csrf = _csrf(client)
        for path in ("/stories.json", "/feeds.json"):
            refused = _post_json(client, path, {"url": "http://[::1/news"}, csrf)
            assert refused.status_code == 422 and "Not a web address" in refused.json()["error"]["message"], path


def test_a_feed_added_on_the_web_is_read_by_the_watcher(store_url: str) -> None:
    """End to end: the feed added over HTTP is read by `watch --once` from the loopback news site, and the page of
    its stories lists the articles it brought."""
    from storytrace.demo.site import NewsSite
    from storytrace.track.watcher import watch

    from .fetch_support import roft_article
    from .test_track import run

    with NewsSite([roft_article(0, "first"), roft_article(1, "second")]) as site:
        with TestClient(create_app(store_url, token=TOKEN)) as client:
            made = _post_json(client, "/feeds.json", {"url": site.url("/feeds/rss.xml")}, _csrf(client))
            assert made.status_code == 201 and site.log.headers_of("/feeds/rss.xml") == {}  # nothing fetched yet
            feed_id = made.json()["feed"]["id"]
            with open_store(store_url) as store:
                totals = run(store, lambda t: watch(t, once=True))
            assert totals.by_outcome.get("feed_parsed") == 1
            listed = client.get(f"/stories.json?feed={feed_id}").json()
            assert {s["url"] for s in listed["stories"]} == {site.url("/news/first"), site.url("/news/second")}
            assert listed["feed"]["last_checked_at"] is not None and listed["feed"]["stories"] == 2


def test_a_feed_read_by_the_cli_is_named_by_its_own_title(store_url: str) -> None:
    """`storytrace add FEED` keeps the title the feed gives itself: the Feeds page and a feed's stories page name
    the feed by it, as documented, rather than showing its address for want of one."""
    import subprocess

    from storytrace.demo.site import SITE_NAME, NewsSite

    from .fetch_support import roft_article
    from .test_cli import COMMAND

    with NewsSite([roft_article(0, "first")]) as site:
        feed = site.url("/feeds/rss.xml")
        done = subprocess.run([*COMMAND, "add", feed, "--db", store_url], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
    with TestClient(create_app(store_url, token=None)) as client:
        listed = client.get("/feeds.json").json()["feeds"]
        assert [(f["url"], f["title"]) for f in listed] == [(feed, SITE_NAME)]
        assert SITE_NAME in client.get("/feeds").text
        stories = client.get(f"/stories?feed={listed[0]['id']}")
        assert stories.status_code == 200 and SITE_NAME in stories.text
