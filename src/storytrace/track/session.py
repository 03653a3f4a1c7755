"""Open what tracking needs (the store, a fetcher, the configuration) and close it again, whatever happens."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from storytrace.fetch import Fetcher
from storytrace.store import ENV_VAR, open_store
from storytrace.track.checks import Tracker
from storytrace.track.config import Config


def store_url(db: str | None, config: Config) -> str | None:
    """--db, else $STORYTRACE_DB, else the config's db (None: open_store's default, ./storytrace.db)."""
    return db or os.environ.get(ENV_VAR) or config.db


@asynccontextmanager
async def tracking(config: Config, db: str | None = None) -> AsyncIterator[Tracker]:
    """A Tracker on the store at `db` (else the config's, else $STORYTRACE_DB, else ./storytrace.db)."""
    store = open_store(store_url(db, config))
    try:
        async with Fetcher(config.fetch) as fetcher:
            yield Tracker(store, fetcher, config)
    finally:
        store.close()
