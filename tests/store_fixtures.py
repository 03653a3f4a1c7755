"""Fixtures of the store tests: every test runs against SQLite (a file in tmp_path) and a real PostgreSQL server.

PostgreSQL comes from $STORYTRACE_TEST_PG (`export STORYTRACE_TEST_PG="$(.ci/start-postgres)"`); each test gets a
schema of its own, dropped afterwards. Without the variable the PostgreSQL variants are skipped, except under CI
(`CI` set), where they fail: CI must never pass without having run them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from storytrace.store import Store, open_store

PG_ENV = "STORYTRACE_TEST_PG"
BACKENDS = ["sqlite", "postgresql"]


def postgres_base_url() -> str:
    """The test server's URL; skips (locally) or fails (CI) the test when there is none."""
    url = os.environ.get(PG_ENV)
    if not url:
        reason = f"{PG_ENV} is not set; start a server with: export {PG_ENV}=\"$(.ci/start-postgres)\""
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the PostgreSQL store tests: {reason}")
        pytest.skip(reason)
    return url


@lru_cache(maxsize=1)
def _admin(url: str) -> Engine:
    """One engine per test session for creating and dropping the per-test schemas."""
    return create_engine(url, poolclass=NullPool)


def sqlite_url(directory: Path, name: str = "store.db") -> str:
    return f"sqlite:///{directory / name}"


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL to a store that does not exist yet: a new SQLite file, or an empty PostgreSQL schema."""
    if request.param == "sqlite":
        yield sqlite_url(tmp_path)
        return
    admin = _admin(postgres_base_url())
    schema = f"test_{uuid.uuid4().hex[:16]}"
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(postgres_base_url()).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    with open_store(store_url) as opened:
        yield opened
