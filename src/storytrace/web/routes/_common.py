"""What the route modules share: the app's state, form and admin checks, web addresses, and reading times from
query strings."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.convertors import Convertor, register_url_convertor
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request

from storytrace.errors import InputError
from storytrace.store.models import MAX_URL_LENGTH
from storytrace.text.read import is_unicode_text
from storytrace.track.urls import canonical_url
from storytrace.web.app import Web
from storytrace.web.queries import MAX_ID as MAX_ID
from storytrace.web.security import CSRF_FIELD, CSRF_HEADER, TOKEN_FIELD, bearer, same_origin, token_matches

T = TypeVar("T")


class StoreId(Convertor[int]):
    """`{name:id}` in a route's path: a row's id. Past 4,300 digits Python refuses to read a number at all, which
    the usual `int` path type turns into a 500: a path with more than 4,000 matches no route here (404). (Ids up to
    that length are read, and answered as ids beyond MAX_ID are: no such story, 404.)"""

    regex = "[0-9]{1,4000}"

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        return str(value)


# (Before the route modules that import this one declare their paths: a path is compiled when its route is made.)
register_url_convertor("id", StoreId())
_RELATIVE = re.compile(r"^\s*(\d{1,5})\s*([hdw])\s*$", re.IGNORECASE)
_UNITS = {"h": "hours", "d": "days", "w": "weeks"}


def web(request: Request) -> Web:
    state: Web = request.app.state.web
    return state


async def quick(state: Web, work: Callable[[], T]) -> T:
    """Run a page's reads and rendering: in the event loop on SQLite, where they take a millisecond or two (local,
    indexed, and WAL readers never wait for writers), sparing a hop to a worker thread and the contention for
    the interpreter lock that comes with it under load; in a worker thread on PostgreSQL (a network round trip)."""
    if state.store.dialect == "sqlite":
        return work()
    return await run_in_threadpool(work)


def parse_since(value: str, now: datetime | None = None) -> datetime | None:
    """`2025-03-01`, `2025-03-01T09:00Z` (no zone: UTC) or a span back from now: `24h`, `7d`, `2w`."""
    value = value.strip()
    if not value:
        return None
    relative = _RELATIVE.match(value)
    if relative:
        span = timedelta(**{_UNITS[relative.group(2).lower()]: int(relative.group(1))})
        return (now or datetime.now(UTC)) - span
    try:
        parsed = datetime.fromisoformat(value)
        # (In UTC, as the store compares it: a time whose UTC falls outside years 1 to 9999 is refused here.)
        return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    except (ValueError, OverflowError):
        raise HTTPException(
            422, "since: expected a date (2025-03-01), a time (2025-03-01T09:00Z) or 24h, 7d, 2w"
        ) from None


def check_csrf(request: Request, form: FormData | None) -> None:
    """403 unless the request carries this site's CSRF token (form field or header) and comes from this site."""
    given = request.headers.get(CSRF_HEADER)
    if form is not None and not given:
        field = form.get(CSRF_FIELD)
        given = field if isinstance(field, str) else None
    if not same_origin(request) or not web(request).csrf.valid(request, given):
        raise HTTPException(403, "The form has expired or did not come from this site (CSRF check failed): "
                                 "reload the page and try again.")


async def admin_form(request: Request) -> FormData:
    """The fields of a write (a form, or a JSON object {"url": ...}; the Stop and Resume buttons send none but the
    tokens), once it has passed `check_admin`."""
    form = await form_or_json(request, 65_536, max_files=0, max_fields=8, max_part_size=16_384)
    check_admin(request, form)
    return form


def check_admin(request: Request, form: FormData) -> None:
    """Refuse a write unless it passes the CSRF check and carries the admin token (Bearer header or `token` field):
    403 when writes are off (no token configured) or the token is wrong, 401 when none was given."""
    check_csrf(request, form)
    expected = web(request).token
    if expected is None:
        raise HTTPException(403, "Adding, stopping and resuming stories and feeds is turned off: start the server "
                                 "with STORYTRACE_TOKEN set.")
    given = bearer(request) or field(form, TOKEN_FIELD)
    if not token_matches(expected, given):
        raise HTTPException(401 if not given else 403, "The admin token is missing or wrong.",
                            headers={"WWW-Authenticate": "Bearer"})


def checked_url(url: str, what: str = "track") -> str:
    """The address given to track in the canonical form `storytrace add` stores (so one article is one story
    however its address is spelt); 422 unless an http(s) URL with a host that the store can hold, so a
    `javascript:` or `file:` address is never stored, and never becomes a link."""
    try:
        url = canonical_url(url)
        # (canonical_url refuses all but an http(s) URL with a host, a control character, an unclosed [IPv6 host,
        # a bad port)
    except InputError:
        url = ""
    if not url or len(url) > MAX_URL_LENGTH:
        raise HTTPException(422, f"Not a web address to {what}: give an http:// or https:// URL of at most "
                                 f"{MAX_URL_LENGTH} characters.")
    return url


async def form_or_json(request: Request, max_bytes: int, **form_limits: int) -> FormData:
    """The request's fields: a JSON object's string members when it is sent as application/json (API clients),
    else the form (with starlette's limits `form_limits`). A JSON body over `max_bytes` is refused with 413."""
    if not request.headers.get("content-type", "").startswith("application/json"):
        return await request.form(**form_limits)
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > max_bytes:
            raise HTTPException(413, f"The body is larger than {max_bytes:,} bytes.")
    try:
        found = json.loads(body)
    except (ValueError, RecursionError):  # (RecursionError: valid JSON nested deeper than Python reads)
        raise HTTPException(400, "The body is not valid JSON.") from None
    fields: dict[str, str] = (
        {k: v for k, v in found.items() if isinstance(v, str)} if isinstance(found, dict) else {})
    if not all(is_unicode_text(k) and is_unicode_text(v) for k, v in fields.items()):
        raise HTTPException(400, "The body's text is not valid Unicode: JSON can spell a lone surrogate (\\ud800), "
                                 "which no text can hold.")
    return FormData(fields)


def field(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def story_links(story_id: int) -> dict[str, Any]:
    return {"html": f"/stories/{story_id}", "json": f"/stories/{story_id}.json"}


def feed_links(feed_id: int) -> dict[str, Any]:
    """Where a feed is shown: the list of the stories it brought."""
    return {"html": f"/stories?feed={feed_id}", "json": f"/stories.json?feed={feed_id}"}
