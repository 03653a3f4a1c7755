"""A story's page: its versions on a timeline (a chart of how much each changed) and as a list, with diffs; with
the admin token, a button to stop or resume watching it (routes/watching.py)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.exceptions import HTTPException
from starlette.responses import Response

from storytrace.store import find_source, versions_of
from storytrace.web.queries import story_row
from storytrace.web.render import iso, page
from storytrace.web.routes._common import quick, story_links, web
from storytrace.web.routes.stories import story_json
from storytrace.web.timeline import change_chart, change_counts, change_size

router = APIRouter(tags=["story"])
SCHEMA = "storytrace.web.story/1"


def diff_path(story_id: int, a: int, b: int, suffix: str = "") -> str:
    return f"/stories/{story_id}/diff/{a}/{b}{suffix}"


@router.get("/stories/{story_id:id}.json", summary="A story and its versions as JSON (storytrace.web.story/1)")
@router.get("/stories/{story_id:id}", summary="A story: timeline of versions, change sizes, links to diffs")
async def story_page(request: Request, story_id: int) -> Response:
    return await quick(web(request), lambda: _story_page(request, story_id))


def _story_page(request: Request, story_id: int) -> Response:
    state = web(request)
    story = story_row(state.store, story_id)
    if story is None:
        raise HTTPException(404, f"No story with id {story_id}.")
    versions = versions_of(state.store, story_id)

    def data() -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "story": story_json(story),
            "versions": [
                {
                    "number": v.number,
                    "captured_at": iso(v.captured_at),
                    "title": v.title,
                    "content_hash": v.content_hash,
                    "http_status": v.http_status,
                    "change_summary": v.change_summary,
                    "change_size": change_size(v.change_summary),
                    "diff": None if v.number == 1 else {
                        "html": diff_path(story_id, v.number - 1, v.number),
                        "json": diff_path(story_id, v.number - 1, v.number, ".json"),
                    },
                }
                for v in versions
            ],
            "links": {**story_links(story_id), "collation": f"/stories/{story_id}/collation",
                      "changes": f"/changes?story={story_id}"},
        }

    def context() -> dict[str, Any]:
        rows = [(v, change_counts(v.change_summary)) for v in reversed(versions)]  # newest first
        return {
            "story": story,
            # With the admin token: Stop watching, or Resume watching unless the address is tracked as a feed
            # (resuming is refused then).
            "switch": None if state.token is None else "stop" if story.active else (
                "resume" if find_source(state.store, story.url) is None else None),
            "csrf": state.csrf.token(request),
            "versions": versions,
            "rows": rows,
            "chart": change_chart(versions, lambda n: diff_path(story_id, n - 1, n)) if versions else None,
            "diff_path": diff_path,
        }

    return page(request, "story.html.j2", context, data)
