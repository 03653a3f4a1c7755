"""The web app: `create_app(store_url, token=...)` gives the FastAPI application that `storytrace serve` runs.

Pages (each with a JSON twin at the same path plus `.json`): the stories with search and filters, a story's
timeline, the diff of any two versions, the collation of all versions, an ad-hoc compare form, the latest
changes (also as Atom), and the API reference. Handlers are thin: they parse the request, call `queries` and the
view modules, and answer through `render`.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.responses import RedirectResponse, Response
from starlette.staticfiles import StaticFiles

from storytrace import __version__
from storytrace.store import Store, StoreError, open_store
from storytrace.web.cache import LRU, Versioned
from storytrace.web.queries import OutletCache
from storytrace.web.render import html, is_htmx, json_response, wants_json
from storytrace.web.security import BodyLimit, BodyTooLarge, Csrf, HeadAsGet, SecurityHeaders

log = logging.getLogger("storytrace.web")
STATIC = Path(__file__).with_name("static")
TOKEN_ENV = "STORYTRACE_TOKEN"


@dataclass(frozen=True)
class WebOptions:
    """Limits of the web app."""

    max_body_bytes: int = 4_000_000  # any request body
    max_text_bytes: int = 2_000_000  # each text or file of the compare form
    page_size: int = 50
    collation_max_versions: int = 40  # a longer story is collated on evenly spaced versions (first and last kept)
    collation_page_units: int = 500  # statements on a page of a collation (its JSON is whole)
    feed_entries: int = 50
    list_cache_seconds: float = 5.0  # the stories list is kept this long at most (0: not kept), see cache.Versioned


# Characters of text whose diffs (and, apart, collations) are kept at most: a kept document takes ~20 bytes a character.
CACHED_TEXT = 8_000_000


@dataclass
class Web:
    """What the handlers share: the open store, the admin token, CSRF and the caches."""

    store: Store
    token: str | None
    csrf: Csrf
    options: WebOptions
    outlets: OutletCache = field(default_factory=OutletCache)
    # (weighed by the characters of the texts they were computed from)
    diffs: LRU[dict[str, Any]] = field(default_factory=lambda: LRU(16, most_weight=CACHED_TEXT))
    collations: LRU[dict[str, Any]] = field(default_factory=lambda: LRU(8, most_weight=CACHED_TEXT))
    feeds: LRU[str] = field(default_factory=lambda: LRU(4))
    lists: Versioned[Any] = field(init=False)

    def __post_init__(self) -> None:
        self.lists = Versioned(ttl=self.options.list_cache_seconds)


def create_app(
    store_url: str | None,
    *,
    token: str | None,
    secret: bytes | None = None,
    options: WebOptions | None = None,
    allowed_hosts: list[str] | None = None,
) -> FastAPI:
    """The application on the store at `store_url` (None: $STORYTRACE_DB or storytrace.db, as `open_store`).

    `token`: the admin token that writes (adding, stopping, resuming) need (None: writes are refused). `secret`
    signs CSRF tokens (random by default: forms then last as long as the process). `allowed_hosts`: Host headers
    accepted (None: any); bound to a loopback address, only loopback names should be, which defeats DNS rebinding.
    """
    from storytrace.web.routes import api, changes, collation, compare, diff, feeds, stories, story, watching

    store = open_store(store_url)
    web = Web(store, token or None, Csrf(secret or secrets.token_bytes(32)), options or WebOptions())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        store.close()

    app = FastAPI(
        title="storytrace",
        version=__version__,
        summary="How news stories change across versions and copies.",
        description=(
            "Every page is also JSON: append `.json` to its path, or send `Accept: application/json`. "
            "Diffs are `storytrace.diff/1` documents and collations `storytrace.collation/1` documents "
            "(docs/json.md). Adding, stopping and resuming stories and feeds need the admin token (`Authorization: "
            "Bearer ...`) and a CSRF token; the compare form needs the CSRF token only. `GET /compare.json` returns "
            "one (`csrf`) and sets its cookie: send both back, the token as the `csrf` form field or the "
            "`X-CSRF-Token` header."
        ),
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        lifespan=lifespan,
    )
    app.state.web = web
    for module in (stories, story, diff, collation, compare, changes, feeds, watching, api):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    def home() -> Response:
        return RedirectResponse("/stories", status_code=307)

    _error_handlers(app)
    app.add_middleware(HeadAsGet)
    app.add_middleware(BodyLimit, max_bytes=web.options.max_body_bytes, refuse=lambda scope, limit: error_response(
        Request(scope), 413, _too_large(limit)))
    if allowed_hosts:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts)
    app.add_middleware(SecurityHeaders, on_error=lambda scope: error_response(Request(scope), 500, MESSAGES[500]))
    return app


def token_from_environment() -> str | None:
    return os.environ.get(TOKEN_ENV) or None


MESSAGES = {
    400: "Bad request.",
    403: "Forbidden.",
    404: "Not found.",
    405: "Method not allowed.",
    413: "Too large.",
    422: "Some parameters are not valid.",
    500: "Something went wrong on the server. The error was logged.",
    503: "The store is not available.",
}


def error_response(request: Request, status: int, message: str, details: list[str] | None = None) -> Response:
    """An error as a page or as JSON; never a traceback, never the request's own input echoed as HTML."""
    if wants_json(request) or request.url.path.startswith("/static/"):
        body: dict[str, Any] = {"error": {"status": status, "message": message}}
        if details:
            body["error"]["details"] = details
        return json_response(body, status=status)
    template = "_error.html.j2" if is_htmx(request) else "error.html.j2"
    return html(request, template, {"status": status, "message": message, "details": details or []}, status=status)


def _too_large(limit: int) -> str:
    return f"The request is larger than the {limit:,}-byte limit."


def _error_handlers(app: FastAPI) -> None:
    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) and exc.detail else MESSAGES.get(exc.status_code, "Error.")
        response = error_response(request, exc.status_code, message)
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        details = []
        for error in exc.errors():
            where = ".".join(str(part) for part in error.get("loc", ()) if part not in ("query", "path", "body"))
            details.append(f"{where}: {error.get('msg', 'invalid')}")
        return error_response(request, 422, MESSAGES[422], details)

    @app.exception_handler(BodyTooLarge)
    async def too_large(request: Request, exc: BodyTooLarge) -> Response:
        return error_response(request, 413, _too_large(exc.args[0]))

    @app.exception_handler(StoreError)
    async def store_error(request: Request, exc: StoreError) -> Response:
        log.error("store error: %s", exc)
        return error_response(request, 503, MESSAGES[503])
