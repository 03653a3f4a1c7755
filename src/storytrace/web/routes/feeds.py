"""The feeds whose articles are tracked (added with `storytrace add FEED`, from this page, or found by the watcher
where a story was added): a page and its JSON, and adding a feed (stopping and resuming one: routes/watching.py)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse, Response

from storytrace.store import SourceKind, Store, add_source
from storytrace.web.queries import FeedRow, feed_row, list_feeds, tracked_as
from storytrace.web.render import iso, json_response, page, wants_json
from storytrace.web.routes._common import admin_form, checked_url, feed_links, field, quick, web

router = APIRouter(tags=["feeds"])
SCHEMA = "storytrace.web.feeds/1"
ADDED_SCHEMA = "storytrace.web.feed-added/1"
# Why an address cannot be added as a feed, by what it is tracked as already.
TAKEN = {
    "feed": "That address is already tracked as a feed.",
    "site": "That address is already tracked as a site.",
    "story": "That address is already tracked as a story (if it serves a feed, the watcher tracks it as one at its "
             "next check).",
}


def feed_json(f: FeedRow) -> dict[str, Any]:
    """A feed in the JSON of the Feeds page and of its stories' page."""
    return {"id": f.id, "url": f.url, "title": f.title, "outlet": f.outlet, "added_at": iso(f.added_at),
            "last_checked_at": iso(f.last_checked_at), "stories": f.stories, "active": f.active,
            "links": feed_links(f.id)}


@router.get("/feeds.json", summary="Tracked feeds as JSON (storytrace.web.feeds/1)")
@router.get("/feeds", summary="The feeds whose articles are tracked, the most recently added first")
async def feeds_page(request: Request) -> Response:
    return await quick(web(request), lambda: _feeds_page(request))


def _feeds_page(request: Request, *, status: int = 200, refused: str = "", url: str = "") -> Response:
    """The page; after a refused form, with the refusal (`refused`, one line) and the address given kept."""
    state = web(request)
    found = list_feeds(state.store)

    def context() -> dict[str, Any]:
        return {"feeds": found, "can_write": state.token is not None, "csrf": state.csrf.token(request),
                "refused": refused, "url": url}

    return page(request, "feeds.html.j2", context, lambda: {"schema": SCHEMA, "feeds": [feed_json(f) for f in found]},
                status=status)


def _register(store: Store, given: str) -> int:
    """Add the feed at `given` (as given and in canonical form, neither may be tracked already: 409; not an http(s)
    URL the store can hold: 422) and return its id. Nothing is fetched: the watcher reads a new feed at its next
    round, as it checks a story added here."""
    url = checked_url(given, "track as a feed")
    taken = tracked_as(store, {given.strip(), url})
    if taken is not None:
        raise HTTPException(409, TAKEN.get(taken, "That address is already tracked."))
    return add_source(store, url, SourceKind.FEED).id


@router.post("/feeds.json", summary="Track a feed: a form or {\"url\": ...} (admin token and CSRF token)",
             status_code=201)
@router.post("/feeds", summary="Track a feed: form fields url, token, csrf", status_code=303)
async def add_feed_form(request: Request) -> Response:
    state = web(request)
    form = await admin_form(request)
    given = field(form, "url")
    try:
        feed_id = await run_in_threadpool(_register, state.store, given)
    except HTTPException as refused:  # (on the page: the one-line refusal above the form, the address kept)
        if wants_json(request):
            raise
        status, message = refused.status_code, str(refused.detail)
        return await quick(state, lambda: _feeds_page(request, status=status, refused=message, url=given))
    if wants_json(request):
        added = await run_in_threadpool(feed_row, state.store, feed_id)
        return json_response({"schema": ADDED_SCHEMA, "feed": None if added is None else feed_json(added)},
                             status=201)
    return RedirectResponse(feed_links(feed_id)["html"], status_code=303)
