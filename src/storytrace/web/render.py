"""Answering a page: HTML from a Jinja2 template (autoescaped), or its JSON twin.

A page's JSON is served at the same path with `.json` appended, and at the page's own path to a client whose
Accept header asks for JSON and not HTML.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import cache
from typing import Any

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from storytrace import __version__

JSON_SUFFIX = ".json"


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("storytrace.web", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters["when"] = when
    env.filters["iso"] = iso
    env.filters["isolated"] = isolated
    env.globals["storytrace_version"] = __version__
    return env


def isolated(text: str) -> str:
    """Text from the web inside Unicode's first-strong isolate marks, for where markup cannot isolate it (a page's
    <title>): a direction override it ends in (U+202E) then stops at its end instead of reversing what follows."""
    return f"\u2068{text}\u2069"


def when(value: datetime | None) -> str:
    """A time for people: `2025-03-01 09:00 UTC` (all stored times are UTC)."""
    return "—" if value is None else value.strftime("%Y-%m-%d %H:%M UTC")


def iso(value: datetime | None) -> str | None:
    """A time for machines: ISO 8601 with its offset."""
    return None if value is None else value.isoformat()


def wants_json(request: Request) -> bool:
    if request.url.path.endswith(JSON_SUFFIX):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def render_template(template: str, context: dict[str, Any]) -> str:
    return environment().get_template(template).render(**context)


def html(request: Request, template: str, context: dict[str, Any], *, status: int = 200) -> HTMLResponse:
    response = HTMLResponse(render_template(template, context), status_code=status)
    response.headers["vary"] = "Accept, HX-Request"
    _csrf_cookie(request, response)
    return response


def json_response(data: Any, *, status: int = 200) -> JSONResponse:
    # (A page's path answers JSON or HTML by the Accept header: a cache must keep the two apart, or the browser
    # shows the JSON for the page on Back.)
    return JSONResponse(data, status_code=status, headers={"vary": "Accept, HX-Request"})


def page(
    request: Request,
    template: str,
    context: dict[str, Any] | Callable[[], dict[str, Any]],
    data: Any,
    *,
    status: int = 200,
) -> Response:
    """The page as HTML, or `data` (built when needed, if a function) as its JSON twin."""
    if wants_json(request):
        response = json_response(data() if callable(data) else data, status=status)
        _csrf_cookie(request, response)
        return response
    return html(request, template, context() if callable(context) else context, status=status)


def _csrf_cookie(request: Request, response: Response) -> None:
    """The CSRF cookie, when a form token was handed out for a request that had none."""
    state = getattr(request.app.state, "web", None)
    if state is not None:
        state.csrf.set_cookie(request, response)
