"""Opening a store: which database, how to connect to it, its schema brought to the current revision.

`open_store()` uses `sqlite:///storytrace.db` in the working directory unless `STORYTRACE_DB` or an explicit URL
names another database (`sqlite:///PATH` or `postgresql+psycopg://USER:PASSWORD@HOST:PORT/DB`). Every way this can
fail ends as one `StoreError` line.

`Store.read(fn)` and `Store.write(fn)` run `fn(session)` in one transaction. Writes on SQLite start with
`BEGIN IMMEDIATE`, so writers queue for the lock up front (for `lock_timeout` seconds) instead of failing
half-way; conflicts between concurrent writers (a lock wait that ran out early, a PostgreSQL deadlock or
serialization failure, and, when asked, a unique-constraint race) are retried with a fresh transaction.
"""

from __future__ import annotations

import os
import random
import re
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, OperationalError, StatementError
from sqlalchemy.orm import Session

from storytrace.store.errors import StoreError, describe, shown, sqlite_path

if TYPE_CHECKING:
    from alembic.config import Config

T = TypeVar("T")

DEFAULT_URL = "sqlite:///storytrace.db"
ENV_VAR = "STORYTRACE_DB"
DEFAULT_LOCK_TIMEOUT = 30.0
MIGRATIONS = Path(__file__).with_name("migrations")
# The newest revision in migrations/versions/ (a test keeps the two equal): a store already there opens without
# loading Alembic at all.
SCHEMA_HEAD = "0005"
_EXPECTED = "expected sqlite:///PATH or postgresql+psycopg://USER:PASSWORD@HOST:PORT/DATABASE"
# Any 64-bit number: the PostgreSQL advisory lock held while one process migrates the schema.
_MIGRATION_LOCK = 0x5354_5259_5452_4143
_MAX_ATTEMPTS = 8


class Store:
    """An open version store. Use `storytrace.store` functions on it; close it (or use `with`) when done."""

    def __init__(self, engine: Engine, url: URL, lock_timeout: float) -> None:
        self.engine = engine
        self.url = url
        self.lock_timeout = lock_timeout

    @property
    def dialect(self) -> str:
        """"sqlite" or "postgresql"."""
        return self.engine.dialect.name

    def __repr__(self) -> str:
        return f"Store({shown(self.url)!r})"

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def read(self, fn: Callable[[Session], T]) -> T:
        """`fn(session)` in a read transaction (one consistent snapshot on both backends)."""
        return self._run(fn, write=False, retry_integrity=False)

    def write(self, fn: Callable[[Session], T], *, retry_integrity: bool = False) -> T:
        """`fn(session)` in one write transaction: all of it is committed, or none of it.

        `fn` may be called again (in a new transaction) after a conflict with another writer; with
        `retry_integrity`, a unique-constraint violation counts as such a conflict, and `fn` is expected to see
        the other writer's row the next time.
        """
        return self._run(fn, write=True, retry_integrity=retry_integrity)

    def _run(self, fn: Callable[[Session], T], *, write: bool, retry_integrity: bool) -> T:
        started = time.monotonic()
        attempt = 0
        while True:
            attempt += 1
            try:
                with self.engine.connect() as connection:
                    if write:
                        connection.execution_options(storytrace_write=True)
                    with connection.begin(), Session(bind=connection, expire_on_commit=False) as session:
                        result = fn(session)
                        session.flush()
                    return result
            except DBAPIError as exc:
                if attempt < _MAX_ATTEMPTS and self._retryable(exc, retry_integrity, started):
                    time.sleep(random.uniform(0.005, 0.05) * attempt)
                    continue
                raise StoreError(describe(exc, self.url, self.lock_timeout)) from exc
            except StatementError as exc:
                # A value the column types refuse (a naive datetime): the caller's mistake, raised as it is.
                if isinstance(exc.orig, ValueError | TypeError):
                    raise exc.orig from None
                raise

    def _retryable(self, exc: DBAPIError, retry_integrity: bool, started: float) -> bool:
        if isinstance(exc, IntegrityError):
            return retry_integrity
        if not isinstance(exc, OperationalError):
            return False
        within_budget = time.monotonic() - started < self.lock_timeout
        if self.dialect == "sqlite":
            # A busy lock is waited for by SQLite itself (busy_timeout); it only fails early when a snapshot went
            # stale, which a fresh transaction cures.
            message = str(exc.orig).lower()
            return ("locked" in message or "busy" in message) and within_budget
        sqlstate = getattr(exc.orig, "sqlstate", None)
        if sqlstate == "55P03":  # lock_timeout ran out: retry only while the overall budget lasts
            return within_budget
        return sqlstate in ("40001", "40P01")  # serialization failure, deadlock: the server chose us to retry


def resolve_url(url: str | None = None) -> URL:
    """The database to use: `url`, else $STORYTRACE_DB, else storytrace.db in the working directory."""
    raw = url or os.environ.get(ENV_VAR) or DEFAULT_URL
    try:
        parsed = make_url(raw)
    except (ArgumentError, ValueError):
        raise StoreError(f"not a database URL: {_masked(raw)!r} ({_EXPECTED})") from None
    backend, _, driver = parsed.drivername.partition("+")
    if backend in ("postgresql", "postgres") and driver in ("", "psycopg"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    elif backend == "postgresql":
        raise StoreError(f"unsupported PostgreSQL driver {driver!r} in {shown(parsed)}; use postgresql+psycopg://")
    elif backend == "sqlite" and driver not in ("", "pysqlite"):
        raise StoreError(f"unsupported SQLite driver {driver!r} in {shown(parsed)}; use sqlite:///PATH")
    elif backend != "sqlite":
        raise StoreError(f"unsupported database {parsed.drivername!r} in {shown(parsed)} ({_EXPECTED})")
    return parsed


def open_store(url: str | None = None, *, lock_timeout: float = DEFAULT_LOCK_TIMEOUT, create: bool = True) -> Store:
    """Open (creating if needed) the store at `url` and bring its schema to the current revision.

    `lock_timeout`: how long a write waits for another process's lock before giving up with a StoreError.
    `create` False: a store that does not exist yet is a StoreError, not a new empty one (for commands that only
    read: a mistyped --db must not leave a new file behind and report nothing tracked).
    """
    resolved = resolve_url(url)
    if not create and resolved.get_backend_name() == "sqlite":  # (a PostgreSQL database is no file)
        path = sqlite_path(resolved)
        if path is not None and not path.exists():
            raise StoreError(f"no store at {path} (storytrace add URL or storytrace import makes one)")
        if path is not None and path.is_file() and path.stat().st_size == 0:  # (connecting would write a header)
            raise StoreError(f"no store at {path}: an empty file (storytrace add URL or storytrace import makes one)")
    engine = _engine(resolved, lock_timeout)
    store = Store(engine, resolved, lock_timeout)
    try:
        _migrate(store, create)
    except DBAPIError as exc:
        engine.dispose()
        raise StoreError(describe(exc, resolved, lock_timeout)) from exc
    except StoreError:
        engine.dispose()
        raise
    return store


def _masked(raw: str) -> str:
    """A URL-like string without its password, for a message."""
    return re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", raw)


def _engine(url: URL, lock_timeout: float) -> Engine:
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url, lock_timeout)
    connect_args: dict[str, Any] = {}
    for name, default in (("application_name", "storytrace"), ("connect_timeout", 10)):
        if name not in url.query:
            connect_args[name] = default
    engine = create_engine(url, pool_pre_ping=True, connect_args=connect_args)

    @event.listens_for(engine, "connect")
    def _session_settings(dbapi_connection: Any, record: Any) -> None:
        with dbapi_connection.cursor() as cursor:
            # A lock is waited for as long as on SQLite; the driver error then names it.
            cursor.execute(f"SET lock_timeout = {int(lock_timeout * 1000)}")
            cursor.execute("SET TIME ZONE 'UTC'")
        dbapi_connection.commit()

    return engine


def _sqlite_engine(url: URL, lock_timeout: float) -> Engine:
    path = sqlite_path(url)
    if path is not None:
        where = str(path)
        if path.is_dir():
            raise StoreError(f"cannot open the database {where}: it is a directory")
        if not path.parent.is_dir():
            raise StoreError(f"cannot open the database {where}: no such directory {path.parent}")
    engine = create_engine(url, connect_args={"timeout": lock_timeout, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, record: Any) -> None:
        # The driver leaves transactions to us (see _begin): no implicit BEGIN before writes, none missing before
        # reads. COMMIT and ROLLBACK still go through the driver.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(lock_timeout * 1000)}")
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute("PRAGMA synchronous = NORMAL")  # safe with WAL: a crash loses no committed transaction
            if path is not None:
                cursor.execute("PRAGMA journal_mode = WAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        write = connection.get_execution_options().get("storytrace_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def alembic_config() -> Config:
    """Alembic's configuration for the migrations shipped in this package."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def schema_revision(store: Store) -> str | None:
    """The revision the store's schema is at (None before the first migration)."""
    return store.read(lambda session: _revision(session.connection()))


def _revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _migrate(store: Store, create: bool = True) -> None:
    """Upgrade the schema to head, once, even when several processes open a new store at the same moment.

    A database without storytrace's schema is given it only if `create` and if it holds no tables at all: another
    application's database (a NewsEdits archive, a corpus index, anything) is refused, never written to."""
    if schema_revision(store) == SCHEMA_HEAD:
        return
    from alembic import command
    from alembic.script import ScriptDirectory

    config = alembic_config()
    script = ScriptDirectory.from_config(config)
    head = script.get_current_head()
    with store.engine.connect() as connection:
        connection.execution_options(storytrace_write=True)  # BEGIN IMMEDIATE on SQLite: one migrator at a time
        with connection.begin():
            if store.dialect == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
            current = _revision(connection)
            if current == head:
                return
            if current is not None and current not in {rev.revision for rev in script.walk_revisions()}:
                raise StoreError(
                    f"the database {shown(store.url)} was written by a newer storytrace (schema {current}); "
                    "upgrade storytrace to use it"
                )
            if current is None:
                names = inspect(connection).get_table_names()
                tables = sorted(name for name in names if not name.startswith("sqlite_"))
                if tables:
                    listed = ", ".join(tables[:5]) + (", ..." if len(tables) > 5 else "")
                    raise StoreError(
                        f"the database {shown(store.url)} is not a storytrace store (it holds other tables: {listed}); "
                        "give a new file or an empty database"
                    )
                if not create:
                    raise StoreError(f"no storytrace store in {shown(store.url)} (storytrace add URL or "
                                     "storytrace import makes one)")
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
