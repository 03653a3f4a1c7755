"""The diff between any two versions of a story: inline or side by side; its JSON is `storytrace.diff/1`."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse, Response

from storytrace.diff import diff
from storytrace.store import VersionText, version_texts
from storytrace.web.diffview import diff_view
from storytrace.web.queries import StoryRow, story_row
from storytrace.web.render import page
from storytrace.web.routes._common import MAX_ID, web
from storytrace.web.routes.story import diff_path

router = APIRouter(tags=["diff"])


def version_label(v: VersionText) -> str:
    return f"v{v.number} · {v.captured_at.strftime('%Y-%m-%d %H:%M')}"


def _story(request: Request, story_id: int) -> StoryRow:
    story = story_row(web(request).store, story_id)
    if story is None:
        raise HTTPException(404, f"No story with id {story_id}.")
    return story


@router.get("/stories/{story_id:id}/diff", summary="Pick two versions: redirects to their diff")
def pick_diff(
    request: Request,
    story_id: int,
    a: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    b: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> Response:
    story = _story(request, story_id)
    if story.version_count < 1:
        raise HTTPException(404, "This story has no versions yet.")
    new = b or story.version_count
    old = a or max(new - 1, 1)
    return RedirectResponse(diff_path(story_id, old, new), status_code=303)


@router.get(
    "/stories/{story_id:id}/diff/{a:id}/{b:id}.json",
    summary="The diff of two versions: a storytrace.diff/1 document (docs/json.md)",
)
@router.get("/stories/{story_id:id}/diff/{a:id}/{b:id}", summary="The diff of two versions")
def diff_page(
    request: Request,
    story_id: int,
    a: int,
    b: int,
    view: Annotated[Literal["inline", "side"], Query(description="inline, or side by side")] = "inline",
    changes: Annotated[bool, Query(description="hide unchanged sentences")] = False,
) -> Response:
    state = web(request)
    story = _story(request, story_id)
    asked = [n for n in (a, b) if 0 < n <= MAX_ID]  # (a larger number would fail in the database: none has it)
    found = {v.number: v for v in version_texts(state.store, story_id, asked)} if asked else {}
    missing = [n for n in (a, b) if n not in found]
    if missing:
        raise HTTPException(404, f"Story {story_id} has no version {missing[0]} (it has {story.version_count}).")
    old, new = found[a], found[b]
    label_a, label_b = version_label(old), version_label(new)
    doc = state.diffs.get(
        (old.content_hash, new.content_hash, label_a, label_b),
        lambda: diff(old.text, new.text, label_a=label_a, label_b=label_b).to_dict(),
        weight=len(old.text) + len(new.text),
    )

    def context() -> dict[str, Any]:
        count = story.version_count
        return {
            **diff_view(doc, view=view, only_changes=changes),
            "story": story,
            "a": a,
            "b": b,
            "numbers": list(range(1, count + 1)),
            "previous": diff_path(story_id, a - 1, b - 1) if min(a, b) > 1 else None,
            "next": diff_path(story_id, a + 1, b + 1) if max(a, b) < count else None,
            "base": diff_path(story_id, a, b),
            "title_a": old.title,
            "title_b": new.title,
        }

    return page(request, "diff.html.j2", context, doc)
