"""Alembic environment of the store.

`open_store` runs the migrations programmatically on its own connection (passed in `config.attributes`), inside the
transaction that holds the migration lock. To write a new revision, change `storytrace/store/models.py` and run:

    .venv/bin/python -m storytrace.store.revision "what changed"

which compares the models with a scratch database at head and writes a draft to migrations/versions/ (review it).
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine
from sqlalchemy.engine import Connection

from storytrace.store.models import Base
from storytrace.store.search import include_name


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
        compare_type=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    engine = create_engine(context.config.get_main_option("sqlalchemy.url") or "sqlite://")
    with engine.connect() as own_connection:
        _run(own_connection)
    engine.dispose()
