"""The collation of a story's versions (and of copies at other outlets): a variant table with provenance colours
and single-source flags; its JSON is `storytrace.collation/1`. A huge collation's table is shown a page of
statements at a time (two versions of 2.4 MB made 13.8 MB of HTML that a browser took 14 s to show); its JSON
is always the whole document."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from starlette.exceptions import HTTPException
from starlette.responses import Response

from storytrace.report import collation_html
from storytrace.store import version_texts
from storytrace.web.collationview import collation_document, pick
from storytrace.web.queries import StoryRow, story_row
from storytrace.web.render import page as answer
from storytrace.web.render import wants_json
from storytrace.web.routes._common import MAX_ID, web

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
    page: Annotated[int, Query(ge=1, le=MAX_ID, description="page of statements (HTML only: the JSON is whole)")] = 1,
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

    size, units = state.options.collation_page_units, len(doc["units"])
    pages = max(1, -(-units // size))
    if page > pages and not wants_json(request):
        raise HTTPException(404, f"No page {page}: this collation has {pages} page{'s' if pages > 1 else ''}.")

    def context() -> dict[str, Any]:
        start, stop = (page - 1) * size, min(page * size, units)
        paging = None
        if pages > 1:
            paging = {"page": page, "pages": pages, "first": start + 1, "last": stop, "units": units,
                      "previous": page_path(request, page - 1) if page > 1 else None,
                      "next": page_path(request, page + 1) if page < pages else None}
        return {
            **collation_html.context(doc, start, stop),
            "story": stories[0],
            "others": stories[1:],
            "picked": len(items),
            "total": sum(s.version_count for s in stories),
            "paging": paging,
        }

    return answer(request, "collation.html.j2", context, doc)


def page_path(request: Request, page: int) -> str:
    """This page's address with its query (the stories collated with it) but another page number."""
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "page"]
    return f"{request.url.path}?{urlencode([*query, ('page', str(page))])}"
