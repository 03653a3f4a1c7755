"""What a watcher must remember between checks: the last answer's validators (stories and feeds), failed checks
in a row and why watching stopped.

Columns are only added (no table is rebuilt, so migration 0002's SQLite triggers stay as they are), and filled in
from what the store already holds: a story's validators are its latest version's (what the watcher sent before),
its failures in a row are counted from its checks since the last one that read the page.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import groupby, takewhile

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Outcome.failed as it stands at this revision (a later change to the enum must not change this migration).
FAILED = (
    "http_error", "network_error", "too_large", "robots_disallowed", "feed_error",
    "extraction_failed", "error_page", "paywall", "too_short", "truncated",
)

VALIDATORS_FROM_LATEST_VERSION = """
UPDATE stories SET
    etag = (SELECT v.etag FROM versions v WHERE v.story_id = stories.id AND v.number = stories.version_count),
    last_modified = (SELECT v.last_modified FROM versions v
                     WHERE v.story_id = stories.id AND v.number = stories.version_count)
WHERE version_count > 0
"""


def upgrade() -> None:
    for table in ("stories", "sources"):
        op.add_column(table, sa.Column("etag", sa.Text(), nullable=True))
        op.add_column(table, sa.Column("last_modified", sa.Text(), nullable=True))
    op.add_column("stories", sa.Column("failures", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("stories", sa.Column("stop_reason", sa.Text(), nullable=True))
    bind = op.get_bind()
    bind.exec_driver_sql(VALIDATORS_FROM_LATEST_VERSION)
    counts = list(_failures_in_a_row(bind))
    if counts:
        bind.execute(sa.text("UPDATE stories SET failures = :n WHERE id = :story"), counts)


def downgrade() -> None:
    for table, column in (("stories", "stop_reason"), ("stories", "failures"), ("sources", "last_modified"),
                          ("sources", "etag"), ("stories", "last_modified"), ("stories", "etag")):
        op.drop_column(table, column)


def _failures_in_a_row(bind: sa.Connection) -> Iterable[dict[str, int]]:
    """Per story with any, the failed checks after its latest check that read the page (newest first, streamed)."""
    query = sa.text(
        "SELECT story_id, outcome FROM checks WHERE story_id IS NOT NULL ORDER BY story_id, checked_at DESC, id DESC"
    ).execution_options(stream_results=True, yield_per=10_000)  # this statement's options, not the connection's
    rows = bind.execute(query)
    for story, checks in groupby(rows, key=lambda row: int(row[0])):
        count = sum(1 for _ in takewhile(lambda row: row[1] in FAILED, checks))
        if count:
            yield {"story": story, "n": count}
