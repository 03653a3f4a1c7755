"""Full-text search over stories: the title, the words of the URL and the latest version's text.

Migration 0002 keeps the index current with triggers: an FTS5 table on SQLite (Porter stemming), a GIN-indexed
tsvector per story on PostgreSQL (English stemming). A query is plain words, "quoted phrases", -excluded words and
prefix* words; all given words must occur (in any of the three fields). Queries are parsed here into tokens of
letters and digits only, so no user text ever reaches the database's query syntax.

    from storytrace.store import search_stories
    search_stories(store, 'harbour "fire crews" -drill')
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Integer, Select, bindparam, literal_column, select, text
from sqlalchemy.orm import Session

from storytrace.store.db import Store
from storytrace.store.models import Story

SEARCH_TABLE = "story_search"
MAX_TERMS = 16
_TERM = re.compile(r'(-?)"([^"]*)"?|(-?)(\S+)')
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Term:
    """Words that must occur together, in this order (one word, or a phrase); `exclude`: must not occur."""

    words: tuple[str, ...]
    exclude: bool = False
    prefix: bool = False  # the last word may be the start of a longer one


def is_search_object(name: str | None) -> bool:
    """Whether a table or index is part of the search index that migration 0002 made outside models.py (the
    FTS5 table and its shadow tables on SQLite, the tsvector table on PostgreSQL)."""
    return bool(name) and str(name).startswith(SEARCH_TABLE)


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """For Alembic's `include_name`: leave the search index (not in models.py) out of schema comparisons."""
    return not (type_ in ("table", "index") and is_search_object(name))


def parse_query(query: str) -> list[Term]:
    """The terms of a search query; words are letters and digits (punctuation separates words, as in the
    index). At most MAX_TERMS terms are kept."""
    terms: list[Term] = []
    for match in _TERM.finditer(query):
        phrase, raw = match.group(2), match.group(4)
        source = phrase if phrase is not None else raw
        words = tuple(w.lower() for w in _WORD.findall(source))
        if not words:
            continue
        prefix = phrase is None and raw.endswith("*") and len(words) == 1
        terms.append(Term(words, bool(match.group(1) or match.group(3)), prefix))
    return terms[:MAX_TERMS]


def sqlite_match(terms: list[Term]) -> str | None:
    """An FTS5 MATCH expression: every term a quoted phrase (words are letters and digits only), excluded ones
    after NOT. None when no term is to be found (only exclusions, or nothing)."""
    wanted = [_fts5_phrase(t) for t in terms if not t.exclude]
    if not wanted:
        return None
    expression = " AND ".join(wanted)
    for term in terms:
        if term.exclude:
            expression = f"({expression}) NOT {_fts5_phrase(term)}"
    return expression


def _fts5_phrase(term: Term) -> str:
    return '"' + " ".join(term.words) + '"' + ("*" if term.prefix else "")


def postgresql_tsquery(terms: list[Term]) -> str | None:
    """A to_tsquery('english', ...) expression: phrases with <->, all terms with &, exclusions with !, prefixes
    with :*. None when no term is to be found."""
    if not any(not t.exclude for t in terms):
        return None
    parts = []
    for term in terms:
        phrase = " <-> ".join(term.words) + (":*" if term.prefix else "")
        phrase = f"({phrase})" if len(term.words) > 1 else phrase
        parts.append(f"!{phrase}" if term.exclude else phrase)
    return " & ".join(parts)


def matching(dialect: str, query: str) -> ColumnElement[bool] | None:
    """A condition on `Story` true for the stories the query finds, to combine with other filters and an order;
    None for a query with nothing to find (no words, or only excluded ones)."""
    terms = parse_query(query)
    if dialect == "sqlite":
        expression = sqlite_match(terms)
        if expression is None:
            return None
        key, condition = "rowid", text(f"{SEARCH_TABLE} MATCH :search_match").bindparams(
            bindparam("search_match", expression)
        )
    else:
        tsquery = postgresql_tsquery(terms)
        if tsquery is None:
            return None
        key, condition = "story_id", text("(head || body) @@ to_tsquery('english', :search_query)").bindparams(
            bindparam("search_query", tsquery)
        )
    found: Select[int] = select(literal_column(key, Integer)).select_from(text(SEARCH_TABLE)).where(condition)
    return Story.id.in_(found)


def search_stories(store: Store, query: str, *, limit: int | None = 50, offset: int = 0) -> list[Story]:
    """Stories the query finds, the most recently changed first (stories without versions last)."""
    condition = matching(store.dialect, query)
    if condition is None:
        return []
    statement = (
        select(Story)
        .where(condition)
        .order_by(Story.last_change_at.desc().nulls_last(), Story.id.desc())
        .offset(offset)
        .limit(limit)
    )

    def run(session: Session) -> list[Story]:
        return list(session.execute(statement).scalars())

    return store.read(run)
