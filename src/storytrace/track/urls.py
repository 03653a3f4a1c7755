"""Canonical article URLs: one story per article, however a feed or a reader spells its address."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from storytrace.errors import InputError

# Query parameters that only say where a reader came from; they never choose the article.
_TRACKING_PREFIXES = ("utm_", "mc_", "pk_")
_TRACKING = frozenset({"fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "ref", "ref_src", "cmpid", "ocid"})
_DEFAULT_PORTS = {"http": 80, "https": 443}
# A stored version named on the command line: URL@3, URL@first, URL@latest.
VERSION_REF = re.compile(r"^(?P<url>https?://\S+)@(?P<which>\d+|first|latest)$", re.IGNORECASE)


def canonical_url(url: str) -> str:
    """The address a story is known by: scheme and host in lower case, default port, fragment and tracking
    parameters dropped. Anything but an http(s) URL with a host is refused with a one-line error."""
    raw = url.strip()
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError:
        raise InputError(f"not a valid URL: {raw[:200]}") from None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if scheme not in _DEFAULT_PORTS or not host:
        raise InputError(f"not an http(s) URL: {raw[:200]}")
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port is None or port == _DEFAULT_PORTS[scheme] else f"{host}:{port}"
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _tracking(k)])
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def is_version_ref(text: str) -> bool:
    """Is this a stored version (URL@N) rather than a file? Cheap: the store is not touched."""
    return bool(VERSION_REF.match(text.strip()))


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
