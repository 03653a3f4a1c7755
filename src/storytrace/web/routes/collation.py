"""The collation of a story's versions (and of copies at other outlets): a variant table with provenance colours
and single-source flags; its JSON is `storytrace.collation/1`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.exceptions import HTTPException
from starlette.responses import Response

from storytrace.report import collation_html
from storytrace.store import version_texts
from storytrace.web.collationview import collation_document, pick
from storytrace.web.queries import StoryRow, story_row
from storytrace.web.render import page
from storytrace.web.routes._common import web

router = APIRouter(tags=["collation"])
MAX_STORIES = 8


@router.get(
    "/stories/{story_id:id}/collation.json",
    summary="The collation of a story's versions: a storytrace.collation/1 document (docs/json.md)",
)
@router.get("/stories/{story_id:id}/collation", summary="The collation of a story's versions")
def collation_page(
    request: Request,
    story_id: int,
    with_: Annotated[
        list[int], Query(alias="with", max_length=MAX_STORIES, description="ids of stories to collate with it")
    ] = [],  # noqa: B006 (FastAPI copies defaults)
) -> Response:
    state = web(request)
    stories: list[StoryRow] = []
    for sid in dict.fromkeys([story_id, *with_]):
        story = story_row(state.store, sid)
        if story is None:
            raise HTTPException(404, f"No story with id {sid}.")
        stories.append(story)
    numbers = pick([s.version_count for s in stories], state.options.collation_max_versions)
    items = [
        (story, text) for story, wanted in zip(stories, numbers, strict=True)
        for text in version_texts(state.store, story.id, wanted)
    ]
    if len(items) < 2:
        raise HTTPException(404, "A collation needs at least two versions; this story has fewer.")
    key = tuple((s.id, v.number, v.content_hash) for s, v in items)
    doc = state.collations.get(key, lambda: collation_document(items), weight=sum(len(v.text) for _, v in items))

    def context() -> dict[str, Any]:
        return {
            **collation_html.context(doc),
            "story": stories[0],
            "others": stories[1:],
            "picked": len(items),
            "total": sum(s.version_count for s in stories),
        }

    return page(request, "collation.html.j2", context, doc)
