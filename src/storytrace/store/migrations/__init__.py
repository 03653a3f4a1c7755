"""Alembic migrations of the store; `storytrace.store.open_store` runs them (see env.py)."""
