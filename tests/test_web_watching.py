"""Stopping and resuming feeds and stories from the web app (routes/watching.py) over HTTP, on SQLite and
PostgreSQL: the buttons show with the admin token only, the form and the JSON twin change the stored row as
`storytrace stop` and `storytrace add` do, keep every story and version, and are refused as the other writes are."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient

from storytrace.store import (
    FEED_STOP_REASON,
    STOPPED_ON_THE_WEB,
    Store,
    add_story,
    due_sources,
    due_stories,
    find_source,
    get_story,
    open_store,
    reschedule,
    stories,
    story_to_feed,
    versions_of,
)
from storytrace.store.types import utcnow
from storytrace.web import create_app

from .web_support import HOSTILE_TITLE, assert_a_write_needs_both_tokens, fill_feeds

TOKEN = "test-admin-token"
GAZETTE = "https://gazette.example/rss.xml"
HUGE = "99999999999999999999"  # beyond any id the store can hold (MAX_ID)


@contextmanager
def _app(store_url: str, token: str | None = TOKEN) -> Iterator[TestClient]:
    with TestClient(create_app(store_url, token=token, secret=b"s" * 32), raise_server_exceptions=False) as client:
        yield client


def _filled(store_url: str) -> dict[str, int]:
    with open_store(store_url) as store:
        return fill_feeds(store)


def _csrf(client: TestClient, page: str | None = None) -> str:
    """The CSRF token of a page's forms, or the one an API client asks for (its cookie is now in the client)."""
    if page is None:
        token: str = client.get("/compare.json").json()["csrf"]
        return token
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(page).text)
    assert found is not None, page
    return found.group(1)


def _post_json(client: TestClient, path: str, csrf: str, token: str = TOKEN) -> Any:
    """A write as an API client sends it: the admin token as Bearer, the CSRF token as a header, no body."""
    return client.post(path, headers={"Authorization": f"Bearer {token}", "X-CSRF-Token": csrf})


def _press(client: TestClient, path: str, csrf: str) -> Any:
    """A button of a page: its form's fields, the admin token typed in."""
    return client.post(path, data={"token": TOKEN, "csrf": csrf}, follow_redirects=False)


def _later() -> Any:
    return utcnow() + timedelta(days=1)


def _kept(store: Store, ids: dict[str, int]) -> tuple[list[int], list[int]]:
    """The gazette feed's stories and the version numbers of its first: what stopping must never remove."""
    return ([s.id for s in stories(store, source=ids["feed-gazette"])],
            [v.number for v in versions_of(store, ids["gazette-0"])])


# --- the buttons ----------------------------------------------------------------------------------------------------


def test_the_buttons_show_with_the_admin_token_and_not_without(store_url: str) -> None:
    ids = _filled(store_url)
    gazette, story = ids["feed-gazette"], ids["gazette-0"]
    with _app(store_url) as client:
        feeds = client.get("/feeds").text
        assert '<form method="post" action="/feeds" id="feed-switch" class="switch-form">' in feeds
        for feed in ("feed-gazette", "feed-courier", "feed-odd"):
            assert f'form="feed-switch" formaction="/feeds/{ids[feed]}/stop"' in feeds, feed
        assert "<button type=\"submit\" disabled hidden>" in feeds  # Enter in the token field stops nothing
        assert HOSTILE_TITLE not in feeds and '<span class="sr"> reading &lt;script&gt;' in feeds
        page = client.get(f"/stories/{story}").text
        assert f'<form method="post" action="/stories/{story}/stop" class="switch-form">' in page
        assert "Stop watching" in page and "Resume watching" not in page
    with _app(store_url, token=None) as client:
        feeds = client.get("/feeds").text
        assert "feed-switch" not in feeds and "formaction" not in feeds and 'name="token"' not in feeds
        page = client.get(f"/stories/{story}").text
        assert "switch-form" not in page and "Stop watching" not in page and 'name="token"' not in page
        assert client.get("/feeds.json").json()["feeds"][0]["active"] is True  # the JSON is the same for all
    assert gazette in ids.values()


def test_a_story_whose_address_is_a_feed_has_no_resume_button_and_is_not_resumed(store_url: str) -> None:
    """The watcher made it a feed (story_to_feed): resuming it is refused (409), as adding its address is; the feed
    is what to resume. Stopping it again changes nothing."""
    with open_store(store_url) as store:
        story = add_story(store, "https://herald.example/feed")
        story_to_feed(store, story)
    with _app(store_url) as client:
        page = client.get(f"/stories/{story.id}").text
        assert "no longer watched" in page and "Resume watching" not in page and "switch-form" not in page
        csrf = _csrf(client)
        refused = _post_json(client, f"/stories/{story.id}/resume.json", csrf)
        assert refused.status_code == 409 and "tracked as a feed" in refused.json()["error"]["message"]
        again = _post_json(client, f"/stories/{story.id}/stop.json", csrf)
        assert again.status_code == 200 and again.json()["changed"] is False
        assert again.json()["story"]["stop_reason"] == FEED_STOP_REASON  # its own reason kept
        assert _press(client, f"/stories/{story.id}/resume", csrf).status_code == 409
    with open_store(store_url) as store:
        assert get_story(store, story).active is False


# --- what the buttons do --------------------------------------------------------------------------------------------


def test_stopping_and_resuming_a_feed_keeps_its_stories_and_leaves_it_out_of_the_rounds(store_url: str) -> None:
    ids = _filled(store_url)
    gazette = ids["feed-gazette"]
    with open_store(store_url) as store:
        before = _kept(store, ids)
        assert gazette in [s.id for s in due_sources(store, older_than=_later())]
    with _app(store_url) as client:
        csrf = _csrf(client, "/feeds")
        stopped = _press(client, f"/feeds/{gazette}/stop", csrf)
        assert stopped.status_code == 303 and stopped.headers["location"] == "/feeds"
        with open_store(store_url) as store:
            source = find_source(store, GAZETTE)
            assert source is not None and source.active is False
            assert gazette not in [s.id for s in due_sources(store, older_than=_later())]
            assert _kept(store, ids) == before
            assert all(s.active for s in stories(store, source=gazette))  # its stories are watched as before
        page = client.get("/feeds").text
        assert f'formaction="/feeds/{gazette}/resume"' in page and f'formaction="/feeds/{gazette}/stop"' not in page
        listed = {f["id"]: f for f in client.get("/feeds.json").json()["feeds"]}
        assert listed[gazette]["active"] is False and listed[ids["feed-courier"]]["active"] is True
        assert client.get(f"/stories.json?feed={gazette}").json()["feed"]["active"] is False
        # Stopping it again is no error: the answer gives its state.
        again = _post_json(client, f"/feeds/{gazette}/stop.json", csrf)
        assert again.status_code == 200
        assert again.json() == {"schema": "storytrace.web.feed-stopped/1", "changed": False, "feed": listed[gazette]}
        resumed = _post_json(client, f"/feeds/{gazette}/resume.json", csrf)
        assert resumed.status_code == 200
        doc = resumed.json()
        assert (doc["schema"], doc["changed"], doc["feed"]["active"]) == ("storytrace.web.feed-resumed/1", True, True)
        assert doc["feed"]["title"] == HOSTILE_TITLE and doc["feed"]["stories"] == 3  # as in storytrace.web.feeds/1
        assert doc["feed"] == {**listed[gazette], "active": True}
        with open_store(store_url) as store:
            assert gazette in [s.id for s in due_sources(store, older_than=_later())]
            assert _kept(store, ids) == before
        twice = _press(client, f"/feeds/{gazette}/resume", csrf)
        assert twice.status_code == 303
        assert {f["id"]: f["active"] for f in client.get("/feeds.json").json()["feeds"]}[gazette] is True
        assert _post_json(client, f"/feeds/{gazette}/resume.json", csrf).json()["changed"] is False


def test_stopping_and_resuming_a_story_keeps_its_versions_and_its_schedule_follows(store_url: str) -> None:
    ids = _filled(store_url)
    story, other = ids["gazette-0"], ids["gazette-1"]
    with open_store(store_url) as store:
        before = _kept(store, ids)
        quiet = reschedule(store, other, next_check_at=None, active=False, stop_reason="quiet for 30 days")
        assert story in [s.id for s in due_stories(store, now=_later())]
    with _app(store_url) as client:
        csrf = _csrf(client, f"/stories/{story}")
        assert client.get("/stories.json").json()["stories"]  # the list is kept (cache.Versioned) from here on
        made = _post_json(client, f"/stories/{story}/stop.json", csrf)
        assert made.status_code == 200
        doc = made.json()
        assert (doc["schema"], doc["changed"]) == ("storytrace.web.story-stopped/1", True)
        assert (doc["story"]["id"], doc["story"]["active"], doc["story"]["stop_reason"]) == (story, False,
                                                                                             STOPPED_ON_THE_WEB)
        assert doc["story"] == client.get(f"/stories/{story}.json").json()["story"]  # as storytrace.web.story/1
        listed = {s["id"]: s for s in client.get("/stories.json").json()["stories"]}
        assert listed[story]["active"] is False  # at once, not after the list's cache expires
        with open_store(store_url) as store:
            kept = get_story(store, story)
            assert (kept.active, kept.stop_reason, kept.next_check_at) == (False, STOPPED_ON_THE_WEB, None)
            assert story not in [s.id for s in due_stories(store, now=_later())]
            assert _kept(store, ids) == before
        page = client.get(f"/stories/{story}").text
        assert f"no longer watched: {STOPPED_ON_THE_WEB}" in page and "Resume watching" in page
        assert len(re.findall(r'<tr id="v\d+">', page)) == 1  # its version is still listed
        again = _post_json(client, f"/stories/{story}/stop.json", csrf).json()
        assert again["changed"] is False and again["story"] == doc["story"]
        # A story stopped for another reason keeps it when stopped again.
        quietly = _post_json(client, f"/stories/{quiet.id}/stop.json", csrf).json()
        assert (quietly["changed"], quietly["story"]["stop_reason"]) == (False, "quiet for 30 days")
        # Resuming watches it as `storytrace add URL` does: due at once, no reason.
        resumed = _press(client, f"/stories/{story}/resume", csrf)
        assert resumed.status_code == 303 and resumed.headers["location"] == f"/stories/{story}"
        with open_store(store_url) as store:
            back = get_story(store, story)
            assert (back.active, back.stop_reason, back.failures) == (True, None, 0)
            assert story in [s.id for s in due_stories(store, now=_later())]
            assert _kept(store, ids) == before
        assert "Stop watching" in client.get(f"/stories/{story}").text
        twice = _post_json(client, f"/stories/{story}/resume.json", csrf).json()
        assert (twice["schema"], twice["changed"], twice["story"]["active"]) == ("storytrace.web.story-resumed/1",
                                                                                 False, True)
        assert _post_json(client, f"/stories/{quiet.id}/resume.json", csrf).json()["changed"] is True


# --- refusals -------------------------------------------------------------------------------------------------------


def _routes(ids: dict[str, int]) -> list[str]:
    feed, story = ids["feed-gazette"], ids["gazette-0"]
    return [f"/feeds/{feed}/stop", f"/feeds/{feed}/resume", f"/stories/{story}/stop", f"/stories/{story}/resume"]


def test_stopping_needs_the_csrf_token_and_the_admin_token(store_url: str) -> None:
    ids = _filled(store_url)
    with _app(store_url) as client:
        for path in _routes(ids):
            assert_a_write_needs_both_tokens(client, path, {}, TOKEN)
            csrf = _csrf(client)
            no_csrf = client.post(path + ".json", headers={"Authorization": f"Bearer {TOKEN}"})
            assert no_csrf.status_code == 403 and no_csrf.json()["error"]["status"] == 403, path
            wrong = _post_json(client, path + ".json", csrf, token="wrong")
            assert wrong.status_code == 403 and "admin token is missing or wrong" in wrong.json()["error"]["message"]
            assert client.get(path).status_code == 405, path  # a write is never a GET
    with _app(store_url, token=None) as client:
        csrf = _csrf(client)
        for path in _routes(ids):
            refused = client.post(path, data={"token": "", "csrf": csrf})
            assert refused.status_code == 403 and "STORYTRACE_TOKEN" in refused.text, path
    with open_store(store_url) as store:  # nothing was changed
        assert find_source(store, GAZETTE).active is True  # type: ignore[union-attr]
        assert get_story(store, ids["gazette-0"]).active is True


def test_unknown_huge_and_malformed_ids(store_url: str) -> None:
    """An id no row has is a 404 that names it. One that is no id at all was a 422 here and a 404 on the pages
    (`GET /stories/abc`): it is a 404 here too, as an address that names nothing (and asks for no token)."""
    ids = _filled(store_url)
    unknown = max(ids.values()) + 1000
    with _app(store_url) as client:
        csrf = _csrf(client)
        for kind, noun in (("feeds", "feed"), ("stories", "story")):
            for action in ("stop", "resume"):
                for wanted in (str(unknown), HUGE, "0"):
                    path = f"/{kind}/{wanted}/{action}"
                    page = _press(client, path, csrf)
                    assert page.status_code == 404 and "<h1>404</h1>" in page.text, path
                    doc = _post_json(client, path + ".json", csrf)
                    assert doc.json() == {"error": {"status": 404, "message": f"No {noun} with id {wanted}."}}, path
                    # An id is looked up for an admin only: without the token the answer says nothing of it.
                    assert client.post(path, data={"csrf": csrf}).status_code == 401, path
                for wanted in ("-1", "abc", "1.5", "1e3", "9" * 5000, "<script>"):
                    path = f"/{kind}/{wanted}/{action}"
                    page = _press(client, path, csrf)
                    assert page.status_code == 404 and "<h1>404</h1>" in page.text, path
                    assert "<script>" not in page.text.replace('<script src="/static/', ""), path
                    doc = _post_json(client, path + ".json", csrf)
                    assert doc.status_code == 404, path
                    assert doc.json() == client.get(f"/stories/{wanted}.json").json() == {
                        "error": {"status": 404, "message": "Not Found"}}, path
                    assert client.post(path, data={"csrf": csrf}).status_code == 404, path
        # A story's id on the feed routes is not a feed (nor a feed's on the story routes a story), unless one
        # happens to have that number: checked with a story id no feed has.
        feeds = {f["id"] for f in client.get("/feeds.json").json()["feeds"]}
        story = next(i for name, i in ids.items() if not name.startswith("feed") and i not in feeds)
        assert _post_json(client, f"/feeds/{story}/stop.json", csrf).status_code == 404
    with open_store(store_url) as store:
        assert all(s.active for s in stories(store))
