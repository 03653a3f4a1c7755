"""Open what tracking needs (the store, a fetcher, the configuration) and close it again, whatever happens."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from storytrace.fetch import Fetcher
from storytrace.store import open_store
from storytrace.track.checks import Tracker
from storytrace.track.config import Config


@asynccontextmanager
async def tracking(config: Config, db: str | None = None) -> AsyncIterator[Tracker]:
    """A Tracker on the store at `db` (else the config's, else $STORYTRACE_DB, else ./storytrace.db)."""
    store = open_store(db or config.db)
    try:
        async with Fetcher(config.fetch) as fetcher:
            yield Tracker(store, fetcher, config)
    finally:
        store.close()
