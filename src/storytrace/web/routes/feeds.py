"""The feeds whose articles are tracked (added with `storytrace add FEED`, or found by the watcher where a story was
added): a page and its JSON."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from storytrace.web.queries import FeedRow, list_feeds
from storytrace.web.render import iso, page
from storytrace.web.routes._common import feed_links, quick, web

router = APIRouter(tags=["feeds"])
SCHEMA = "storytrace.web.feeds/1"


def feed_json(f: FeedRow) -> dict[str, Any]:
    """A feed in the JSON of the Feeds page and of its stories' page."""
    return {"id": f.id, "url": f.url, "title": f.title, "outlet": f.outlet, "added_at": iso(f.added_at),
            "last_checked_at": iso(f.last_checked_at), "stories": f.stories, "links": feed_links(f.id)}


@router.get("/feeds.json", summary="Tracked feeds as JSON (storytrace.web.feeds/1)")
@router.get("/feeds", summary="The feeds whose articles are tracked, the most recently added first")
async def feeds_page(request: Request) -> Response:
    return await quick(web(request), lambda: _feeds_page(request))


def _feeds_page(request: Request) -> Response:
    found = list_feeds(web(request).store)
    return page(request, "feeds.html.j2", {"feeds": found},
                lambda: {"schema": SCHEMA, "feeds": [feed_json(f) for f in found]})
