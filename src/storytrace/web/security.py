"""What keeps the web app safe with untrusted article text and a browser in front of it.

- Every response carries a strict Content-Security-Policy (scripts, styles and everything else from this server
  only; no inline script or style, no framing) and the usual hardening headers.
- Request bodies are limited in size, whether announced by Content-Length or streamed.
- Forms that write or compute carry a CSRF token: a random value in a SameSite=Strict, HttpOnly cookie, and the
  same value signed with the app's secret in the form (a signed double-submit cookie). A request from another
  site can neither read the token nor forge its signature.
- Writes (adding a story or a feed) also need the admin token, compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

log = logging.getLogger("storytrace.web")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),  # no referrer to other sites; forms here keep their Origin
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
)
CSRF_COOKIE = "storytrace_csrf"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
TOKEN_FIELD = "token"


class SecurityHeaders:
    """ASGI middleware: the security headers on every HTTP response (and `no-cache` unless a route set one), and a
    `Server-Timing: app;dur=MS` header with the time taken until the response started.

    It also answers for the app when a handler fails: `on_error(scope)` gives the response (an error page, no
    traceback) and the exception is logged, so even that response carries the headers.
    """

    def __init__(self, app: ASGIApp, on_error: Callable[[Scope], Response]) -> None:
        self.app = app
        self.on_error = on_error

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False
        began = time.perf_counter()

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS:
                    headers.raw.append((name, value))
                # How long the server took to answer (until the response starts), for clients and benchmarks.
                headers.raw.append((b"server-timing", f"app;dur={(time.perf_counter() - began) * 1000:.1f}".encode()))
                if "cache-control" not in headers:
                    headers.raw.append((b"cache-control", b"no-cache"))
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            log.exception("error while answering %s %s", scope.get("method"), scope.get("path"))
            if started:
                raise
            await self.on_error(scope)(scope, receive, send_with_headers)


class HeadAsGet:
    """ASGI middleware: answer HEAD as GET without the body (FastAPI routes list GET only)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if not message.get("more_body", False):
                    await send({"type": "http.response.body", "body": b"", "more_body": False})
                return
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)


class BodyTooLarge(Exception):
    """A request body over the limit (raised while the app reads it)."""


class BodyLimit:
    """ASGI middleware: refuse a body larger than `max_bytes` with 413, whether announced or streamed."""

    def __init__(self, app: ASGIApp, max_bytes: int, refuse: Callable[[Scope, int], Response] | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.refuse = refuse or (lambda scope, limit: too_large_response(limit))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None:
            try:
                too_large = int(declared) > self.max_bytes
            except ValueError:
                too_large = True  # a malformed length is refused as well
            if too_large:
                await self.refuse(scope, self.max_bytes)(scope, receive, send)
                return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        await self.app(scope, counted, send)


def too_large_response(limit: int) -> Response:
    return PlainTextResponse(f"request body larger than the {limit:,}-byte limit\n", status_code=413)


class Csrf:
    """Signed double-submit CSRF tokens. `token(request)` gives the token for a form (creating the cookie's
    value when the request has none: `set_cookie` then stores it on the response); `valid(request, given)`
    checks a submitted token against the cookie."""

    def __init__(self, secret: bytes) -> None:
        self.secret = secret

    def _sign(self, nonce: str) -> str:
        return hmac.new(self.secret, nonce.encode(), hashlib.sha256).hexdigest()[:32]

    def token(self, request: Request) -> str:
        nonce = request.cookies.get(CSRF_COOKIE, "")
        if not _well_formed(nonce):
            nonce = getattr(request.state, "csrf_nonce", "") or secrets.token_urlsafe(18)
            request.state.csrf_nonce = nonce  # a new cookie to set
        return f"{nonce}.{self._sign(nonce)}"

    def set_cookie(self, request: Request, response: Response) -> None:
        nonce = getattr(request.state, "csrf_nonce", "")
        if nonce:
            response.set_cookie(
                CSRF_COOKIE, nonce, httponly=True, samesite="strict", secure=request.url.scheme == "https", path="/"
            )

    def valid(self, request: Request, given: str | None) -> bool:
        nonce = request.cookies.get(CSRF_COOKIE, "")
        if not given or not _well_formed(nonce):
            return False
        sent_nonce, _, signature = given.partition(".")
        return hmac.compare_digest(sent_nonce.encode(), nonce.encode()) and hmac.compare_digest(
            signature.encode(), self._sign(nonce).encode()
        )


def _well_formed(nonce: str) -> bool:
    return 16 <= len(nonce) <= 64 and all(c.isalnum() or c in "-_" for c in nonce)


def same_origin(request: Request) -> bool:
    """False when the browser says the request comes from another origin (Origin, else Referer, header)."""
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin or origin == "null":
        return origin is None
    host = request.headers.get("host", "")
    scheme, _, rest = origin.partition("://")
    return rest.split("/", 1)[0] == host and scheme in ("http", "https")


def token_matches(expected: str | None, given: str | None) -> bool:
    """Constant-time comparison of the admin token (digests, so the length does not leak either)."""
    if not expected or not given:
        return False
    return hmac.compare_digest(hashlib.sha256(expected.encode()).digest(), hashlib.sha256(given.encode()).digest())


def bearer(request: Request) -> str | None:
    """The token of an `Authorization: Bearer TOKEN` header."""
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() or None if scheme.lower() == "bearer" else None
