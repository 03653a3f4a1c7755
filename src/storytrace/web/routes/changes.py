"""The latest changes to tracked stories: a page, its JSON, and an Atom feed."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.exceptions import HTTPException
from starlette.responses import Response

from storytrace.web.queries import latest_version_id, recent_changes, story_row
from storytrace.web.render import iso, page
from storytrace.web.routes._common import MAX_ID, quick, story_links, web
from storytrace.web.routes.story import diff_path
from storytrace.web.timeline import change_counts

router = APIRouter(tags=["changes"])
SCHEMA = "storytrace.web.changes/1"
ATOM_TYPE = "application/atom+xml; charset=utf-8"


@router.get("/changes.json", summary="The latest changes as JSON (storytrace.web.changes/1)")
@router.get("/changes", summary="The latest changes to tracked stories, newest first")
async def changes_page(
    request: Request,
    story: Annotated[int | None, Query(ge=1, le=MAX_ID, description="only this story's changes")] = None,
) -> Response:
    return await quick(web(request), lambda: _changes_page(request, story))


def _changes_page(request: Request, story: int | None) -> Response:
    state = web(request)
    if story is not None and story_row(state.store, story) is None:  # (a mistyped or stale link says so)
        raise HTTPException(404, f"No story with id {story}.")
    found = recent_changes(state.store, limit=state.options.feed_entries, story_id=story)

    def data() -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "story": story,
            "changes": [
                {
                    "story": {"id": c.story_id, "url": c.story_url, "title": c.story_title, "outlet": c.outlet,
                              "links": story_links(c.story_id)},
                    "number": c.number,
                    "captured_at": iso(c.captured_at),
                    "title": c.title,
                    "change_summary": c.summary,
                    "diff": {"html": diff_path(c.story_id, c.number - 1, c.number),
                             "json": diff_path(c.story_id, c.number - 1, c.number, ".json")},
                }
                for c in found
            ],
            "atom": "/changes.atom",
        }

    context = {"changes": [(c, change_counts(c.summary)) for c in found], "story": story, "diff_path": diff_path}
    return page(request, "changes.html.j2", context, data)


@router.get(
    "/changes.atom",
    summary="Atom feed of the latest changes",
    response_class=Response,
    responses={200: {"content": {"application/atom+xml": {}}, "description": "An Atom 1.0 feed"}},
)
def changes_feed(request: Request) -> Response:
    from storytrace.track.atom import changes_feed as build_feed

    state = web(request)
    limit = state.options.feed_entries
    key = (latest_version_id(state.store), limit)
    feed = state.feeds.get(key, lambda: build_feed(state.store, limit=limit))
    return Response(feed, media_type=ATOM_TYPE)
