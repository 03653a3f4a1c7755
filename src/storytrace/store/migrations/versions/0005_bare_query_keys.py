"""Story and feed URLs keep a query's bare keys: `?5`, which canonical_url wrote as `?5=` until now.

canonical_url used to decode the query and encode it again, so a bare key gained an `=` (a server that reads the
query as a whole, `?5`, then served another page, or none) and reserved characters were escaped (`a/b` became
`a%2Fb`). It now keeps the query as written, so the keys it gave are recomputed here, for `stories.url` and
`sources.url`. Only URLs exactly as the old canonical_url wrote them are touched (an imported story keeps the URL
its archive gave it, an imported key such as `archive:news/fire` is no URL); in them every piece `k=` with an
empty value becomes the bare key `k`, which is what a publisher who writes an empty value rarely means and what
makes the page fetched again the one the feed lists. Nothing else is rewritten, as the store cannot tell how the
publisher spelt it:

- One stored key that now splits (`a%2Fb` came from `a/b` or from `a%2Fb`; `k=` from `k` or `k=`): the story keeps
  one key, the most likely spelling above, with all its versions and checks; no row records which spelling each
  fetch came from, so its history cannot be divided. If a feed later lists the other spelling, that becomes a
  story of its own from then on; the first is kept, with everything it stored, and still watched.
- Two stories that would collapse onto one key (`?5=` as tracked, and `?5` stored as given, by an import or the
  library): both are kept as they are, the story already at the key keeping it and the other its old URL, and a
  warning names them. They are not merged: merging would renumber versions and make their change summaries,
  each against the version before, wrong. `storytrace log` finds each by its own URL.

Only rows are updated (no table is rebuilt, so migration 0002's SQLite triggers stay and update the search index
with the URLs). The downgrade turns bare keys back into `k=` in URLs that are otherwise as the old canonical_url
wrote them, with the same rule for collisions.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

log = logging.getLogger("storytrace.store")

# canonical_url's tracking parameters and default ports as they stand at this revision (frozen: a later change to
# track/urls.py must not change this migration).
_TRACKING_PREFIXES = ("utm_", "mc_", "pk_")
_TRACKING = frozenset({"fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "ref", "ref_src", "cmpid", "ocid"})
_PORTS = {"http": 80, "https": 443}


def upgrade() -> None:
    for table in ("stories", "sources"):
        _rewrite(table, _bare_keys)


def downgrade() -> None:
    for table in ("stories", "sources"):
        _rewrite(table, _blank_values)


def _rewrite(table: str, change: Callable[[str], str]) -> None:
    """Give each URL of `table` with a query `change(url)`, when that differs and is nobody's URL yet."""
    bind = op.get_bind()
    urls = sa.table(table, sa.column("id", sa.Integer), sa.column("url", sa.String))
    rows = bind.execute(sa.select(urls.c.id, urls.c.url).where(urls.c.url.contains("?")).order_by(urls.c.id)).all()
    taken = {url for _, url in rows}
    moves: list[dict[str, object]] = []
    kept: list[tuple[str, str]] = []
    for row_id, url in rows:
        target = change(url)
        if target == url:
            continue
        if target in taken:
            kept.append((url, target))
            continue
        taken.add(target)
        moves.append({"row": row_id, "target": target})
    if moves:
        bind.execute(urls.update().where(urls.c.id == sa.bindparam("row")).values(url=sa.bindparam("target")), moves)
    if kept:
        log.warning("%d row(s) of %s kept their URL, as another row holds the one they would get (first: %s; held: %s)",
                    len(kept), table, kept[0][0], kept[0][1])


def _bare_keys(url: str) -> str:
    """`url` with each empty-valued `k=` written `k`, if the old canonical_url wrote `url`; else `url`."""
    if _old_canonical(url) != url or not urlsplit(url).query:
        return url
    pieces = [piece[:-1] if piece.endswith("=") and piece.count("=") == 1 and len(piece) > 1 else piece
              for piece in urlsplit(url).query.split("&")]
    return _with_query(url, "&".join(pieces))


def _blank_values(url: str) -> str:
    """The inverse: `url` with each bare key written `k=`, if the old canonical_url wrote that; else `url`."""
    try:
        query = urlsplit(url).query
    except ValueError:  # (not a URL the old canonical_url could have written)
        return url
    if not query:
        return url
    pieces = [piece if "=" in piece or not piece else f"{piece}=" for piece in query.split("&")]
    before = _with_query(url, "&".join(pieces))
    return before if _old_canonical(before) == before else url


def _with_query(url: str, query: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def _old_canonical(url: str) -> str | None:
    """What canonical_url gave for `url` until this revision (None: it refused the URL)."""
    try:
        parts = urlsplit(url)
        port = parts.port
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        query = urlencode([(k, v) for k, v in pairs if not _is_tracking(k)])
    except (ValueError, UnicodeError):
        return None
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if scheme not in _PORTS or not host:
        return None
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port is None or port == _PORTS[scheme] else f"{host}:{port}"
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in _TRACKING or lowered.startswith(_TRACKING_PREFIXES)
