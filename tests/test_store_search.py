"""Full-text search over stories (migration 0002), on SQLite (FTS5) and PostgreSQL (tsvector)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import inspect

from storytrace.store import NewVersion, Store, add_story, add_version, add_versions_bulk, open_store, problems
from storytrace.store.search import Term, parse_query, postgresql_tsquery, search_stories, sqlite_match

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def _urls(store: Store, query: str) -> list[str]:
    return [s.url for s in search_stories(store, query)]


def _fill(store: Store) -> None:
    fire = add_story(store, "https://gazette.example/news/harbour-fire", now=T0)
    add_version(store, fire, "Fire crews fought a blaze at the harbour. Two people were hurt.", title="Harbour blaze",
                captured_at=T0)
    add_version(store, fire, "Fire crews put out a blaze at the harbour. Three people were hurt.",
                title="Harbour blaze contained", captured_at=T0 + timedelta(hours=1))
    vote = add_story(store, "https://courier.example/politics/council-vote", now=T0)
    add_version(store, vote, "The council voted on the budget. The mayor abstained from the vote.",
                title="Council passes budget", captured_at=T0 + timedelta(hours=2))
    add_story(store, "https://courier.example/sport/regatta-2025", now=T0)  # no version yet


def test_search_finds_words_of_the_title_the_url_and_the_latest_text(store: Store) -> None:
    _fill(store)
    assert _urls(store, "contained") == ["https://gazette.example/news/harbour-fire"]  # title
    assert _urls(store, "regatta") == ["https://courier.example/sport/regatta-2025"]  # URL words
    assert _urls(store, "gazette") == ["https://gazette.example/news/harbour-fire"]  # host
    assert _urls(store, "abstained") == ["https://courier.example/politics/council-vote"]  # text
    assert _urls(store, "Three") == ["https://gazette.example/news/harbour-fire"]
    # Only the latest text is indexed: "fought" was in the first version only.
    assert _urls(store, "fought") == []
    # Most recently changed first; stories without versions last.
    assert _urls(store, "courier") == [
        "https://courier.example/politics/council-vote",
        "https://courier.example/sport/regatta-2025",
    ]


def test_all_words_must_occur_in_any_field_with_stemming_phrases_exclusions_and_prefixes(store: Store) -> None:
    _fill(store)
    harbour = "https://gazette.example/news/harbour-fire"
    assert _urls(store, "gazette hurt") == [harbour]  # one word in the URL, one in the text
    assert _urls(store, "gazette abstained") == []
    assert _urls(store, "crew") == [harbour]  # "crews", stemmed
    assert _urls(store, '"crews put out"') == [harbour]
    assert _urls(store, '"put crews"') == []
    assert _urls(store, "council -mayor") == []
    assert _urls(store, "hurt -mayor") == [harbour]
    assert _urls(store, "abstain*") == ["https://courier.example/politics/council-vote"]
    assert _urls(store, "-mayor") == [] and _urls(store, "") == [] and _urls(store, "  ...  ") == []


@pytest.mark.parametrize(
    "query",
    ['"', "'", "fire\" OR 1=1 --", "NOT fire", "fire AND", "NEAR(fire harbour)", "title:fire", "fire^", "(fire",
     "'; DROP TABLE stories; --", "fire & | ! <-> :*", "\\", "%_", "\x00fire"],
)
def test_any_text_is_a_safe_query(store: Store, query: str) -> None:
    _fill(store)
    found = _urls(store, query)
    assert set(found) <= {
        "https://gazette.example/news/harbour-fire",
        "https://courier.example/politics/council-vote",
    }
    assert problems(store) == []


def test_the_index_follows_new_versions_titles_and_bulk_imports(store: Store) -> None:
    story = add_story(store, "https://gazette.example/a", now=T0)
    assert _urls(store, "lighthouse") == []
    add_version(store, story, "The lighthouse keeper retired today after forty years.", captured_at=T0)
    assert _urls(store, "lighthouse keeper") == ["https://gazette.example/a"]
    add_version(store, story, "The ferry timetable changes on Monday.", title="Ferry news", captured_at=T0)
    assert _urls(store, "lighthouse") == [] and _urls(store, "ferry timetable") == ["https://gazette.example/a"]
    other = add_story(store, "https://gazette.example/b", now=T0)
    add_versions_bulk(
        store,
        [(other, NewVersion(f"Bulletin {n}: the tide tables for week {n}.", title=f"Tides {n}")) for n in range(1, 6)]
        + [(story, NewVersion("The ferry timetable changes on Tuesday, not Monday."))],
    )
    assert _urls(store, "bulletin 5") == ["https://gazette.example/b"]
    assert _urls(store, "bulletin 4") == [] and _urls(store, "tides 4") == []
    assert _urls(store, "tuesday") == ["https://gazette.example/a"]


def test_a_huge_text_is_stored_and_its_beginning_indexed(store: Store) -> None:
    story = add_story(store, "https://gazette.example/huge", now=T0)
    words = " ".join(f"w{n}x" for n in range(600_000))  # ~5 MB of distinct words: over a tsvector's limit
    assert add_version(store, story, "Opening words. " + words, summarise=False) is not None
    assert _urls(store, "opening") == ["https://gazette.example/huge"]


def test_upgrading_a_store_indexes_the_stories_it_already_has(store_url: str) -> None:
    from alembic import command

    from storytrace.store.db import alembic_config

    with open_store(store_url) as store:
        _fill(store)
        with store.engine.connect() as connection, connection.begin():  # back to the first schema
            config = alembic_config()
            config.attributes["connection"] = connection
            command.downgrade(config, "0001")
            assert not inspect(connection).has_table("story_search")
    with open_store(store_url) as store:
        assert _urls(store, "abstained") == ["https://courier.example/politics/council-vote"]
        assert _urls(store, "contained hurt") == ["https://gazette.example/news/harbour-fire"]
        assert problems(store) == []


def test_queries_are_parsed_into_words_of_letters_and_digits() -> None:
    assert parse_query('Fire "crews put-out" -mayor harb* x*y 3.5%') == [
        Term(("fire",)),
        Term(("crews", "put", "out")),
        Term(("mayor",), exclude=True),
        Term(("harb",), prefix=True),
        Term(("x", "y")),
        Term(("3", "5")),
    ]
    terms = parse_query('fire "crews put" -mayor harb*')
    assert sqlite_match(terms) == '("fire" AND "crews put" AND "harb"*) NOT "mayor"'
    assert postgresql_tsquery(terms) == "fire & (crews <-> put) & !mayor & harb:*"
    assert sqlite_match(parse_query("-only")) is None and postgresql_tsquery([]) is None
    assert len(parse_query(" ".join(f"w{n}" for n in range(40)))) == 16
