"""Canonical story URLs: what is dropped (tracking parameters, fragments, default ports, case of scheme and host)
and what is kept as the publisher wrote it (the rest of the query); end to end, a page whose query is a bare key."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storytrace.errors import InputError
from storytrace.store import find_story, open_store, versions_of
from storytrace.track.urls import canonical_url

from .cli_support import COMMAND, one_error_line
from .test_cli import run
from .test_cli_bad_input import FAST, PAGE, Pages, pages  # noqa: F401 (pages: the fixture)


@pytest.mark.parametrize(
    ("given_url", "canonical"),
    [
        ("https://gazette.example/story?5", "https://gazette.example/story?5"),  # a bare key stays bare
        ("https://gazette.example/story?5=", "https://gazette.example/story?5="),
        ("https://gazette.example/?print&id=7", "https://gazette.example/?print&id=7"),
        ("https://gazette.example/a?q=a/b&r=x%2Fy&s=a+b&t=a%20b", "https://gazette.example/a?q=a/b&r=x%2Fy&s=a+b&t=a%20b"),
        ("https://gazette.example/a?b=2&a=1", "https://gazette.example/a?b=2&a=1"),  # order kept
        ("https://gazette.example/a?ids=1,2;3&f[tag]=x", "https://gazette.example/a?ids=1,2;3&f[tag]=x"),
        # what canonicalisation is for: tracking parameters (any case, even escaped), fragment, host case, port
        ("HTTPS://Gazette.Example:443/a?utm_source=rss&id=3&UTM_Medium=x&fbclid=1#top", "https://gazette.example/a?id=3"),
        ("https://gazette.example/a?utm%5Fsource=rss&id=3", "https://gazette.example/a?id=3"),
        ("https://gazette.example/a?utm_campaign", "https://gazette.example/a"),  # a bare tracking key too
        ("http://gazette.example:8080", "http://gazette.example:8080/"),
        # spellings of one request: empty pieces, escape case, escaped unreserved characters, what browsers encode
        ("https://gazette.example/a?a=1&&b=2&", "https://gazette.example/a?a=1&b=2"),
        ("https://gazette.example/a?q=caf%c3%a9&r=%7e%41", "https://gazette.example/a?q=caf%C3%A9&r=~A"),
        ("https://gazette.example/a?q=café au lait&r=<\"x\">", "https://gazette.example/a?q=caf%C3%A9%20au%20lait&r=%3C%22x%22%3E"),
        ("https://gazette.example/a?q=100%", "https://gazette.example/a?q=100%"),
    ],
)
def test_canonical_url_keeps_the_query_as_written_but_for_tracking_and_equivalent_spellings(
    given_url: str, canonical: str
) -> None:
    assert canonical_url(given_url) == canonical
    assert canonical_url(canonical) == canonical


# (any text but a fragment's mark, and the control characters an address is refused for)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cc",), exclude_characters="#"), max_size=40))
def test_canonical_url_is_idempotent(query: str) -> None:
    once = canonical_url(f"https://gazette.example/a?{query}")
    assert canonical_url(once) == once


@pytest.mark.parametrize("bad", ["ftp://gazette.example/a", "https://", "https://gazette.example:99999/a",
                                 "https://gazette.example/a?q=\udcff", "https://gazette.example/a\x00b",
                                 "https://gazette.example/a?q=\x01", "https://gazette.example/\x7f",
                                 "https://gazette.example/a\x85b", "https://gazette\x00.example/a",
                                 "https://ann:secret@gazette.example/a", "https://ann@gazette.example/a"])
def test_what_is_not_an_http_url_is_refused(bad: str) -> None:
    with pytest.raises(InputError):
        canonical_url(bad)


def test_a_page_whose_query_is_a_bare_key_is_tracked_at_that_address(
    tmp_path: Path, pages: Pages  # noqa: F811 (the fixture imported above)
) -> None:
    """The server tells `?5` from `?5=` (only the first is the article): the story must be fetched at `?5`."""
    pages.answers["/story?5"] = (200, "text/html; charset=utf-8", PAGE)
    (tmp_path / "storytrace.toml").write_text(FAST, encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'store.db'}"
    added = run("add", pages.url("/story?5&utm_source=rss"), "--db", db, "--json", cwd=tmp_path)
    assert added.returncode == 0, added.stderr
    report = json.loads(added.stdout)
    assert (report["url"], report["outcome"], report["version"]) == (pages.url("/story?5"), "new_version", 1)
    with open_store(db) as store:
        story = find_story(store, pages.url("/story?5"))
        assert story is not None and [v.number for v in versions_of(store, story)] == [1]
        assert find_story(store, pages.url("/story?5=")) is None
    logged = run("log", pages.url("/story?5#comments"), "--db", db, "--json", cwd=tmp_path)
    assert json.loads(logged.stdout)["url"] == pages.url("/story?5")


def test_a_url_that_is_not_utf8_is_a_one_line_error(tmp_path: Path) -> None:
    done = subprocess.run([*COMMAND, "add", b"https://gazette.example/a?q=\xff"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=60)
    assert "not a valid URL (not UTF-8 text)" in one_error_line(done)
    assert not (tmp_path / "storytrace.db").exists()


def test_a_url_with_a_control_character_is_a_one_line_error_and_stores_nothing(tmp_path: Path) -> None:
    """`storytrace add` stored such an address (on PostgreSQL a NUL stopped the write); the web app refused it."""
    done = subprocess.run([*COMMAND, "add", "https://gazette.example/a\x01b"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=60)
    assert "not a valid URL (a control character in it)" in one_error_line(done)
    assert not (tmp_path / "storytrace.db").exists()


def test_an_address_with_a_password_is_refused_and_the_password_shown_nowhere(tmp_path: Path) -> None:
    """Such an address was tracked without its user name and password (so fetched without them, and refused by the
    site) where it should have been refused: keeping them would store and show them."""
    done = subprocess.run([*COMMAND, "add", "https://ann:hunter2@gazette.example/a"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    line = one_error_line(done)
    assert "user name or password" in line and "gazette.example" in line
    assert "hunter2" not in done.stderr + done.stdout
    assert not (tmp_path / "storytrace.db").exists()
