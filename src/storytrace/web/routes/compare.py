"""The ad-hoc compare page: paste or upload two texts and see their diff. Nothing is stored; the form needs a
CSRF token but not the admin token."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.responses import Response

from storytrace.diff import diff
from storytrace.web.compare import SIDES, CompareError, Side, read_side
from storytrace.web.diffview import VIEWS, diff_view
from storytrace.web.render import html, is_htmx, json_response, page, wants_json
from storytrace.web.routes._common import check_csrf, field, form_or_json, web

router = APIRouter(tags=["compare"])
SCHEMA = "storytrace.web.compare/1"


@router.get("/compare.json", summary="What the compare form takes, and a CSRF token for it")
@router.get("/compare", summary="The compare form: two texts, pasted or uploaded")
def compare_form(request: Request) -> Response:
    state = web(request)
    token = state.csrf.token(request)
    limit = state.options.max_text_bytes

    def data() -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "post": {"html": "/compare", "json": "/compare.json"},
            "fields": {"a": "text A", "b": "text B", "file_a": "file A (instead of text A)",
                       "file_b": "file B (instead of text B)", "label_a": "label of A", "label_b": "label of B",
                       "csrf": "this token, with the cookie set by this response"},
            "csrf": token,
            "max_text_bytes": limit,
        }

    context = {"csrf": token, "max_bytes": limit, "a": "", "b": "", "label_a": "", "label_b": "", "error": None,
               "view": "inline", "changes": False}
    return page(request, "compare.html.j2", context, data)


@router.post(
    "/compare.json",
    summary="Diff two texts: a storytrace.diff/1 document (form: a/b or file_a/file_b; JSON: a, b, label_a, label_b)",
)
@router.post("/compare", summary="Diff two texts (nothing is stored)")
async def compare(request: Request) -> Response:
    state = web(request)
    limit = state.options.max_text_bytes
    # a form (multipart with files, or urlencoded), or a JSON object {"a": ..., "b": ..., "label_a": ...}
    form = await form_or_json(request, 2 * limit + 65_536, max_files=2, max_fields=16, max_part_size=limit + 1024)
    check_csrf(request, form)
    view = field(form, "view") if field(form, "view") in VIEWS else "inline"
    changes = field(form, "changes") in ("1", "on", "true")
    try:
        sides: list[Side] = [await read_side(form, side, limit) for side in SIDES]
    except CompareError as exc:
        if wants_json(request):
            raise HTTPException(422, str(exc)) from None
        context = _form_context(request, form, view, changes, error=str(exc))
        return html(request, "_compare_result.html.j2" if is_htmx(request) else "compare.html.j2", context,
                    status=422)
    a, b = sides
    doc = await run_in_threadpool(lambda: diff(a.text, b.text, label_a=a.label, label_b=b.label).to_dict())
    if wants_json(request):
        return json_response(doc)
    context = {**_form_context(request, form, view, changes), **diff_view(doc, view=view, only_changes=changes)}
    return page(request, "_compare_result.html.j2" if is_htmx(request) else "compare.html.j2", context, doc)


def _form_context(request: Request, form: Any, view: str, changes: bool, error: str | None = None) -> dict[str, Any]:
    state = web(request)
    return {
        "csrf": state.csrf.token(request),
        "max_bytes": state.options.max_text_bytes,
        "a": field(form, "a"),
        "b": field(form, "b"),
        "label_a": field(form, "label_a"),
        "label_b": field(form, "label_b"),
        "error": error,
        "view": view,
        "changes": changes,
    }
