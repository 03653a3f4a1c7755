"""The stories page: search and filters (one feed's stories among them), the most recently changed first; adding
a story to track."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.responses import HTMLResponse, RedirectResponse, Response

from storytrace.store import add_story, find_source
from storytrace.track.urls import CONTROL
from storytrace.web.app import Web
from storytrace.web.queries import FeedRow, StoryFilters, StoryRow, data_version, feed_row, list_stories
from storytrace.web.render import html, is_htmx, iso, json_response, render_template, wants_json
from storytrace.web.routes._common import (
    MAX_ID,
    admin_form,
    checked_url,
    field,
    parse_since,
    quick,
    story_links,
    web,
)
from storytrace.web.routes.feeds import feed_json

router = APIRouter(tags=["stories"])
SCHEMA = "storytrace.web.stories/1"


def story_json(row: StoryRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "url": row.url,
        "title": row.title,
        "outlet": row.outlet,
        "version_count": row.version_count,
        "first_seen_at": iso(row.first_seen_at),
        "last_change_at": iso(row.last_change_at),
        "active": row.active,
        "stop_reason": row.stop_reason,
        "links": story_links(row.id),
    }


@router.get("/stories.json", summary="Stories as JSON (storytrace.web.stories/1)")
@router.get("/stories", summary="Stories: search and filters, the most recently changed first")
async def stories_page(
    request: Request,
    q: Annotated[str, Query(max_length=500, description="words, \"phrases\", -excluded, prefix*")] = "",
    outlet: Annotated[str, Query(max_length=300, description="host of the story's URL, e.g. gazette.example")] = "",
    since: Annotated[str, Query(max_length=40, description="changed since: 2025-03-01, an ISO time, 24h, 7d")] = "",
    substantive: Annotated[bool, Query(description="only stories with a substantive change")] = False,
    page_number: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
    feed: Annotated[int | None, Query(ge=1, le=MAX_ID, description="only the stories this feed brought (its id)")]
    = None,
) -> Response:
    if CONTROL.search(outlet):  # (no host has one; a NUL would reach the database, which refuses it)
        raise HTTPException(422, "outlet: a host name, such as gazette.example, has no control characters.")
    filters = StoryFilters(q.strip(), outlet.strip(), parse_since(since), substantive, page_number, feed)
    return await quick(web(request), lambda: _stories(request, filters, since.strip()))


def _feed_of(state: Web, filters: StoryFilters) -> FeedRow | None:
    """The feed whose stories are listed (None: all stories); an id no feed has is a 404, not an empty list,
    so a mistyped or stale link says so."""
    if filters.feed is None:
        return None
    found = feed_row(state.store, filters.feed)
    if found is None:
        raise HTTPException(404, f"No feed with id {filters.feed}.")
    return found


def _stories(request: Request, filters: StoryFilters, since: str) -> Response:
    state = web(request)
    feed = _feed_of(state, filters)
    substantive = filters.substantive
    # The list is the same for everyone until a story or a version is added: kept per query and data version.
    version = data_version(state.store)
    key = (filters, since, state.options.page_size)
    found = state.lists.get(("rows", key), version, lambda: list_stories(
        state.store, filters, page_size=state.options.page_size))
    query = {k: v for k, v in (("feed", str(filters.feed or "")), ("q", filters.q), ("outlet", filters.outlet),
                                ("since", since)) if v}
    if substantive:
        query["substantive"] = "1"

    def link(number: int, suffix: str = "") -> str:
        shown = {**query, "page": str(number)} if number > 1 else query
        return f"/stories{suffix}" + (f"?{urlencode(shown)}" if shown else "")

    if wants_json(request):
        listed = state.lists.get(("json", key), version, lambda: {
            "schema": SCHEMA,
            "filters": {"q": filters.q, "outlet": filters.outlet, "since": iso(filters.since),
                        "substantive": filters.substantive, "feed": filters.feed},
            "page": filters.page,
            "page_size": state.options.page_size,
            "stories": [story_json(row) for row in found.stories],
            "next": link(filters.page + 1, ".json") if found.more else None,
        })
        # The feed is read on each request (its title and last read change without a new story): not cached.
        return json_response({**listed, "feed": None if feed is None else feed_json(feed)})
    context = {
        "filters": filters,
        "since": since,
        "stories": found.stories,
        "first": (filters.page - 1) * state.options.page_size + 1,
        "next": link(filters.page + 1) if found.more else None,
        "previous": link(filters.page - 1) if filters.page > 1 else None,
        "json_link": link(filters.page, ".json"),
    }
    results = state.lists.get(("html", key), version, lambda: Markup(
        render_template("_stories_results.html.j2", context)))
    if is_htmx(request) and request.headers.get("hx-target") == "results":
        return HTMLResponse(results, headers={"vary": "Accept, HX-Request"})
    context |= {
        "feed": feed,
        "results": results,
        "outlets": state.outlets.get(state.store),
        "can_write": state.token is not None,
        "csrf": state.csrf.token(request),
    }
    return html(request, "stories.html.j2", context)


@router.post("/stories.json", summary="Track a story: a form or {\"url\": ...} (admin token and CSRF token)",
             status_code=201)
@router.post("/stories", summary="Track a story: form fields url, token, csrf", status_code=303)
async def add_story_form(request: Request) -> Response:
    state = web(request)
    form = await admin_form(request)
    url = checked_url(field(form, "url"))
    if await run_in_threadpool(find_source, state.store, url) is not None:
        raise HTTPException(409, "That address is tracked as a feed: the articles it lists are tracked as stories.")
    story = await run_in_threadpool(add_story, state.store, url)
    state.outlets.forget()
    if wants_json(request):
        return json_response({"schema": "storytrace.web.story-added/1", "story": {
            "id": story.id, "url": story.url, "title": story.title, "links": story_links(story.id)}}, status=201)
    if is_htmx(request):
        return html(request, "_story_added.html.j2", {"story": story})
    return RedirectResponse(f"/stories/{story.id}", status_code=303)
