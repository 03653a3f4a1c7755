"""A feed can be stopped (`storytrace stop`): sources.active, true for every feed already tracked.

Only a column is added (no table is rebuilt, so migration 0002's SQLite triggers stay as they are).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("sources", sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()))


def downgrade() -> None:
    with op.batch_alter_table("sources") as batch:
        batch.drop_column("active")
