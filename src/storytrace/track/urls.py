"""Canonical article URLs: one story per article, however a feed or a reader spells its address."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import quote, unquote_plus, urlsplit, urlunsplit

from storytrace.errors import InputError

# Query parameters that only say where a reader came from; they never choose the article.
_TRACKING_PREFIXES = ("utm_", "mc_", "pk_")
_TRACKING = frozenset({"fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "ref", "ref_src", "cmpid", "ocid"})
_DEFAULT_PORTS = {"http": 80, "https": 443}
# C0, DEL and C1: never in a web address or a host name as written (a client percent-encodes them).
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
# Printable ASCII but what a browser percent-encodes in a query (WHATWG URL standard), `%` included: escapes stay.
_QUERY_SAFE = "".join(chr(c) for c in range(0x21, 0x7F) if chr(c) not in '"#<>')
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
# The width of the store's URL columns (storytrace.store.models.MAX_URL_LENGTH, not imported: it loads SQLAlchemy;
# a test holds the two equal). A longer address is refused here, before anything is fetched or written.
MAX_URL_LENGTH = 2048
# The keys `storytrace import` gives stories whose archive has no URL for them (ingest: directory, newsedits,
# diffengine); such a story is named by its key as stored.
IMPORTED_KEY_PREFIXES = ("archive:", "newsedits:", "diffengine:")
# A stored version named on the command line: URL@3, URL@first, URL@latest (or an imported key instead of the URL).
VERSION_REF = re.compile(
    rf"^(?P<url>(?:https?://|{'|'.join(map(re.escape, IMPORTED_KEY_PREFIXES))})\S+)@(?P<which>\d+|first|latest)$",
    re.IGNORECASE,
)


def canonical_url(url: str) -> str:
    """The address a story is known by: scheme and host in lower case, default port, fragment and tracking
    parameters dropped. The rest of the query stays as the publisher wrote it (`?5` is not `?5=`, `a/b` not
    `a%2Fb`: a server may tell them apart), bar spellings that mean the same request (see `_kept_query`).
    Anything but an http(s) URL with a host is refused with a one-line error, and so is an address holding a user
    name or password."""
    raw = url.strip()
    try:
        raw.encode("utf-8")
    except UnicodeEncodeError:  # (a byte that is not UTF-8 in a command-line argument)
        raise InputError(f"not a valid URL (not UTF-8 text): {raw[:200].encode('utf-8', 'replace').decode()}") from None
    if CONTROL.search(raw):  # (URL parsing drops some, not a NUL inside, which PostgreSQL cannot store)
        raise InputError(f"not a valid URL (a control character in it): {raw[:200]!r}")
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError:
        raise InputError(f"not a valid URL: {raw[:200]}") from None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if scheme not in _DEFAULT_PORTS or not host:
        raise InputError(f"not an http(s) URL: {raw[:200]}")
    if parts.username is not None or parts.password is not None:
        # (Dropped, the address would be fetched without them and fail; kept, they would be stored and shown on
        # every page and log line that names the story.)
        raise InputError(f"not tracked: an address with a user name or password in it ({scheme}://...@{host})")
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port is None or port == _DEFAULT_PORTS[scheme] else f"{host}:{port}"
    canonical = urlunsplit((scheme, netloc, parts.path or "/", _kept_query(parts.query), ""))
    if len(canonical) > MAX_URL_LENGTH:
        raise InputError(f"URL longer than {MAX_URL_LENGTH:,} characters: {raw[:80]}...")
    return canonical


def is_imported_key(text: str) -> bool:
    """Is this the key of an imported story that has no URL (`archive:news/fire`, `newsedits:nyt/12`)?"""
    raw = text.strip()
    prefix = next((p for p in IMPORTED_KEY_PREFIXES if raw.startswith(p)), None)
    return prefix is not None and len(raw) > len(prefix) and len(raw.split()) == 1


def story_key(text: str) -> str:
    """What a stored story is known by: an imported story's key as it is, else the canonical form of a URL."""
    return text.strip() if is_imported_key(text) else canonical_url(text)


def story_keys(text: str) -> tuple[str, ...]:
    """The keys a stored story named by `text` may have: `story_key` (what `storytrace add` stores), then the URL as
    given when that differs (`storytrace import` keeps an archive's URL as the archive wrote it)."""
    key = story_key(text)
    given = text.strip()
    return (key,) if given == key else (key, given)


def names_a_story(text: str) -> bool:
    """Does this command-line name mean a stored story (an http(s) URL or an imported key) rather than a file?"""
    return text.strip().lower().startswith(("http://", "https://")) or is_imported_key(text)


def is_version_ref(text: str) -> bool:
    """Is this a stored version (URL@N) rather than a file? Cheap: the store is not touched."""
    return bool(VERSION_REF.match(text.strip()))


def _kept_query(query: str) -> str:
    """The query without its tracking parameters and empty `&&` pieces, each kept piece as written, except for
    spellings of the same request: what a browser percent-encodes (spaces, controls, `"<>`, non-ASCII) is encoded
    as a client sends it, and escapes are in upper case with escaped unreserved characters (`%7E`) decoded, which
    RFC 3986 makes the same URL."""
    kept = "&".join(p for p in query.split("&") if p and not _tracking(unquote_plus(p.partition("=")[0])))
    return _ESCAPE.sub(_normal_escape, quote(kept, safe=_QUERY_SAFE))


def _normal_escape(match: re.Match[str]) -> str:
    character = chr(int(match.group(1), 16))
    return character if character in _UNRESERVED else match.group(0).upper()


def _tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in _TRACKING or lowered.startswith(_TRACKING_PREFIXES)


@lru_cache(maxsize=65_536)
def outlet_of(url: str) -> str:
    """`https://www.Gazette.example:8080/a` -> `gazette.example`; the URL itself when it has no host."""
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:
        host = ""
    host = host.lower()
    if host.startswith("www."):
        host = host[4:]
    return host or url.strip()
