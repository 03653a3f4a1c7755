"""Everything that can go wrong opening or writing a store ends as one StoreError line, never a traceback."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import make_url

from storytrace.errors import StorytraceError
from storytrace.store import (
    DEFAULT_URL,
    ENV_VAR,
    StoreError,
    add_story,
    add_version,
    find_story,
    open_store,
    problems,
    resolve_url,
    version,
)

from .store_fixtures import postgres_base_url, sqlite_url


def _message(exc: pytest.ExceptionInfo[StoreError]) -> str:
    message = str(exc.value)
    assert "\n" not in message and message, message
    assert isinstance(exc.value, StorytraceError)
    return message


# --- which database -----------------------------------------------------------------------------------------------


def test_the_default_store_is_storytrace_db_in_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(ENV_VAR, raising=False)
    assert DEFAULT_URL == "sqlite:///storytrace.db"
    with open_store() as store:
        add_story(store, "https://news.example/a")
    assert (tmp_path / "storytrace.db").is_file()


def test_the_environment_and_an_explicit_url_override_the_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(ENV_VAR, sqlite_url(tmp_path, "from-env.db"))
    with open_store() as store:
        add_story(store, "https://news.example/a")
    with open_store(sqlite_url(tmp_path, "explicit.db")) as store:
        assert find_story(store, "https://news.example/a") is None
    assert sorted(p.name for p in tmp_path.glob("*.db")) == ["explicit.db", "from-env.db"]


def test_plain_postgresql_urls_use_psycopg() -> None:
    for given in ("postgresql://u:p@h/db", "postgres://u:p@h/db"):
        assert resolve_url(given).drivername == "postgresql+psycopg"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("nonsense", "not a database URL: 'nonsense'"),
        ("postgresql+psycopg://user:secret@[::1/db", "not a database URL"),
        ("mysql://user:secret@host/db", "unsupported database 'mysql'"),
        ("postgresql+psycopg2://user:secret@host/db", "unsupported PostgreSQL driver 'psycopg2'"),
        ("sqlite+pysqlcipher:///x.db", "unsupported SQLite driver 'pysqlcipher'"),
    ],
)
def test_bad_urls_are_one_line_without_the_password(url: str, expected: str) -> None:
    with pytest.raises(StoreError) as exc:
        open_store(url)
    message = _message(exc)
    assert expected in message and "secret" not in message


# --- SQLite files -------------------------------------------------------------------------------------------------


def test_a_missing_directory_or_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as exc:
        open_store(sqlite_url(tmp_path / "no" / "such"))
    missing = tmp_path / "no" / "such"
    assert _message(exc) == f"cannot open the database {missing}/store.db: no such directory {missing}"
    with pytest.raises(StoreError) as exc:
        open_store(f"sqlite:///{tmp_path}")
    assert _message(exc).endswith("it is a directory")


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    junk = tmp_path / "notes.db"
    junk.write_text("Shopping list: eggs, milk, bread.\n" * 200)
    with pytest.raises(StoreError) as exc:
        open_store(sqlite_url(tmp_path, "notes.db"))
    assert _message(exc) == f"{junk} is not a usable database (file is not a database)"
    assert junk.read_text().startswith("Shopping list")


def test_a_database_of_another_application_is_not_taken_over(tmp_path: Path) -> None:
    other = sqlite3.connect(tmp_path / "other.db")
    other.execute("CREATE TABLE stories (id INTEGER PRIMARY KEY, headline TEXT)")
    other.commit()
    other.close()
    with pytest.raises(StoreError) as exc:
        open_store(sqlite_url(tmp_path, "other.db"))
    assert "is not a storytrace store (it holds other tables: stories)" in _message(exc)


def test_a_database_with_tables_of_other_names_is_not_written_to(tmp_path: Path) -> None:
    """A NewsEdits archive or a corpus index given as --db by mistake: refused, and its tables left as they were."""
    path = tmp_path / "archive.db"
    other = sqlite3.connect(path)
    other.execute("CREATE TABLE entryversion (id INTEGER PRIMARY KEY, summary TEXT)")
    other.execute("CREATE TABLE foo (x)")
    other.commit()
    other.close()
    with pytest.raises(StoreError) as exc:
        open_store(sqlite_url(tmp_path, "archive.db"))
    assert "(it holds other tables: entryversion, foo)" in _message(exc)
    with sqlite3.connect(path) as check:
        names = sorted(row[0] for row in check.execute("SELECT name FROM sqlite_master WHERE type = 'table'"))
    assert names == ["entryversion", "foo"]


def test_reading_commands_do_not_make_a_store(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as exc:
        open_store(sqlite_url(tmp_path, "missing.db"), create=False)
    assert _message(exc).startswith(f"no store at {tmp_path / 'missing.db'}")
    assert not (tmp_path / "missing.db").exists()
    open_store(sqlite_url(tmp_path, "made.db")).close()  # made by a command that writes, then read
    open_store(sqlite_url(tmp_path, "made.db"), create=False).close()


def test_reading_commands_leave_an_empty_file_empty(tmp_path: Path) -> None:
    """An empty file is an empty SQLite database to SQLite, which writes its header there on the first connection:
    a command that only reads must not change a file it was merely pointed at."""
    (tmp_path / "empty.db").touch()
    with pytest.raises(StoreError) as exc:
        open_store(sqlite_url(tmp_path, "empty.db"), create=False)
    assert _message(exc) == (f"no store at {tmp_path / 'empty.db'}: an empty file (storytrace add URL or storytrace "
                             "import makes one)")
    assert (tmp_path / "empty.db").read_bytes() == b""
    open_store(sqlite_url(tmp_path, "empty.db")).close()  # a command that writes makes its store there
    open_store(sqlite_url(tmp_path, "empty.db"), create=False).close()


def test_a_store_from_a_newer_storytrace_is_refused(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    open_store(url).close()
    raw = sqlite3.connect(tmp_path / "store.db")
    raw.execute("UPDATE alembic_version SET version_num = '9999'")
    raw.commit()
    raw.close()
    with pytest.raises(StoreError) as exc:
        open_store(url)
    assert "written by a newer storytrace (schema 9999)" in _message(exc)


def test_a_read_only_store_can_be_read_but_not_written(tmp_path: Path) -> None:
    with open_store(sqlite_url(tmp_path)) as store:
        add_story(store, "https://news.example/a")
    read_only = f"sqlite:///file:{tmp_path / 'store.db'}?mode=ro&uri=true"
    with open_store(read_only) as store:
        assert find_story(store, "https://news.example/a") is not None
        with pytest.raises(StoreError) as exc:
            add_story(store, "https://news.example/b")
    assert _message(exc) == f"cannot write to {tmp_path / 'store.db'}: the database is read-only"


def test_a_full_disk_is_reported_and_the_store_stays_consistent(tmp_path: Path) -> None:
    with open_store(sqlite_url(tmp_path)) as store:
        story = add_story(store, "https://news.example/a")
        add_version(store, story, "A first short text.", summarise=False)

        # SQLite's own quota: the file may not grow past its current size plus a few pages.
        @event.listens_for(store.engine, "connect")
        def _quota(dbapi_connection: sqlite3.Connection, record: object) -> None:
            pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
            dbapi_connection.execute(f"PRAGMA max_page_count = {pages + 2}")

        store.engine.dispose()
        big = " ".join(f"word{i}" for i in range(200_000))
        with pytest.raises(StoreError) as exc:
            add_version(store, story, big, raw_html=os.urandom(300_000), summarise=False)
        assert _message(exc) == f"cannot write to {tmp_path / 'store.db'}: the disk is full"
    with open_store(sqlite_url(tmp_path)) as store:
        assert problems(store) == []
        latest = version(store, story, "latest")
        assert latest is not None and latest.number == 1


def test_a_lock_held_too_long_by_another_process_is_reported(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    with open_store(url) as store:
        add_story(store, "https://news.example/a")
    other = sqlite3.connect(tmp_path / "store.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with open_store(url, lock_timeout=0.3) as store:
            assert find_story(store, "https://news.example/a") is not None  # WAL: readers are not blocked
            started = time.monotonic()
            with pytest.raises(StoreError) as exc:
                add_story(store, "https://news.example/b")
            waited = time.monotonic() - started
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert _message(exc) == f"the database {tmp_path / 'store.db'} is locked by another process (gave up after 0.3 s)"
    assert 0.25 < waited < 5


def test_a_lock_released_in_time_is_waited_for(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    open_store(url).close()
    other = sqlite3.connect(tmp_path / "store.db", isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    import threading

    release = threading.Timer(0.3, lambda: other.execute("COMMIT"))
    release.start()
    try:
        with open_store(url, lock_timeout=10) as store:
            assert add_story(store, "https://news.example/a").id == 1
    finally:
        release.join()
        other.close()


# --- PostgreSQL servers -------------------------------------------------------------------------------------------


def test_an_unreachable_server_is_one_line_and_quick() -> None:
    started = time.monotonic()
    with pytest.raises(StoreError) as exc:
        open_store("postgresql+psycopg://user:secret@127.0.0.1:1/news")
    message = _message(exc)
    assert message.startswith("cannot connect to the database at 127.0.0.1:1/news: ")
    assert "refused" in message.lower() and "secret" not in message
    assert time.monotonic() - started < 10


def test_a_wrong_password_and_a_missing_database_are_one_line() -> None:
    base = make_url(postgres_base_url())
    with pytest.raises(StoreError) as exc:
        open_store(base.set(password="wrong-password").render_as_string(hide_password=False))
    message = _message(exc)
    assert "password authentication failed" in message and "wrong-password" not in message
    with pytest.raises(StoreError) as exc:
        open_store(base.set(database="no_such_database").render_as_string(hide_password=False))
    assert 'database "no_such_database" does not exist' in _message(exc)


def test_a_postgresql_store_is_usable_after_the_connection_pool_went_stale() -> None:
    """A server that dropped our connections (a restart, an idle timeout): the next call reconnects."""
    from .store_fixtures import _admin

    base = postgres_base_url()
    schema = "stale_pool_test"
    admin = _admin(base)
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}", "application_name": schema})
    try:
        with open_store(url.render_as_string(hide_password=False)) as store:
            add_story(store, "https://news.example/a")
            with admin.begin() as connection:
                killed = connection.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        f"WHERE application_name = '{schema}'"
                    )
                ).all()
            assert killed and all(row[0] for row in killed)
            assert find_story(store, "https://news.example/a") is not None
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
