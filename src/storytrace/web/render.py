"""Answering a page: HTML from a Jinja2 template (autoescaped), or its JSON twin.

A page's JSON is served at the same path with `.json` appended, and at the page's own path to a client whose
Accept header asks for JSON and not HTML.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from functools import cache
from typing import Any

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from storytrace import __version__

JSON_SUFFIX = ".json"
# Unicode's explicit direction controls: embeddings and overrides (U+202A-U+202E, closed by U+202C) and isolates
# (U+2066-U+2068, closed by U+2069).
DIRECTION_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
_ISOLATE_STARTS = "\u2066\u2067\u2068"
_PDI, _PDF = "\u2069", "\u202c"


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("storytrace.web", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
        finalize=_finalize,
    )
    env.filters["when"] = when
    env.filters["iso"] = iso
    env.filters["isolated"] = isolated
    env.globals["storytrace_version"] = __version__
    return env


def isolated(text: str) -> str:
    """Text from the web inside Unicode's first-strong isolate marks, for where markup cannot isolate it (a page's
    <title>, a label made of an outlet and our words): a direction override it ends in (U+202E) then stops at its
    end instead of reversing what follows."""
    return f"\u2068{balanced(text)}\u2069"


def balanced(text: str) -> str:
    """`text` with every direction control it opens closed at its end, and without the closing marks it did not
    open: a stray U+2069 would end the isolate around it (a <bdi>, even in Chromium) and let an override after it
    reverse the rest of the line. Every value a template shows goes through this (the environment's finalize)."""
    if not DIRECTION_CONTROLS.search(text):
        return text
    kept: list[str] = []
    owed: list[str] = []  # the marks that close what is open, innermost last
    for c in text:
        if c in _ISOLATE_STARTS:
            owed.append(_PDI)
        elif c == _PDI:
            if _PDI not in owed:
                continue
            while owed.pop() != _PDI:  # (an isolate's end also ends the overrides opened inside it)
                pass
        elif c == _PDF:
            if not owed or owed[-1] != _PDF:
                continue
            owed.pop()
        elif DIRECTION_CONTROLS.match(c):
            owed.append(_PDF)
        kept.append(c)
    return "".join(kept) + "".join(reversed(owed))


def _finalize(value: Any) -> Any:
    # (type, not isinstance: Markup, already rendered HTML, is a str too and must stay Markup)
    return balanced(value) if type(value) is str else value


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
