"""The first schema: sources, stories, versions, checks.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# As in models.py: 64-bit ids for the tables that grow without bound, INTEGER (the rowid) on SQLite.
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
When = sa.DateTime(timezone=True)
URL = sa.String(2048)


def upgrade() -> None:
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", URL, nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("added_at", When, nullable=False),
        sa.Column("last_checked_at", When, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sources")),
        sa.UniqueConstraint("url", name=op.f("uq_sources_url")),
        sa.CheckConstraint("kind IN ('feed', 'site')", name=op.f("ck_sources_kind")),
    )
    op.create_table(
        "stories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", URL, nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("added_at", When, nullable=False),
        sa.Column("first_seen_at", When, nullable=False),
        sa.Column("last_change_at", When, nullable=True),
        sa.Column("next_check_at", When, nullable=True),
        sa.Column("check_interval_s", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("version_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stories")),
        sa.UniqueConstraint("url", name=op.f("uq_stories_url")),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_stories_source_id_sources"), ondelete="SET NULL"
        ),
        sa.CheckConstraint("version_count >= 0", name=op.f("ck_stories_version_count")),
        sa.CheckConstraint("check_interval_s > 0", name=op.f("ck_stories_check_interval")),
    )
    op.create_index("ix_stories_due", "stories", ["active", "next_check_at"])
    op.create_index(op.f("ix_stories_source_id"), "stories", ["source_id"])
    op.create_table(
        "versions",
        sa.Column("id", BigId, nullable=False),
        sa.Column("story_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("captured_at", When, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("byline", sa.Text(), nullable=True),
        sa.Column("published_at", When, nullable=True),
        sa.Column("updated_at", When, nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("raw_html", sa.LargeBinary(), nullable=True),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("etag", sa.Text(), nullable=True),
        sa.Column("last_modified", sa.Text(), nullable=True),
        sa.Column("extractor", sa.String(200), nullable=True),
        sa.Column("change_summary", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_versions")),
        sa.ForeignKeyConstraint(
            ["story_id"], ["stories.id"], name=op.f("fk_versions_story_id_stories"), ondelete="CASCADE"
        ),
        # (story_id, number) also serves every per-story read: the log, the latest version, max(number).
        sa.UniqueConstraint("story_id", "number", name=op.f("uq_versions_story_id_number")),
        sa.UniqueConstraint("story_id", "content_hash", name=op.f("uq_versions_story_id_content_hash")),
        sa.CheckConstraint("number >= 1", name=op.f("ck_versions_number")),
    )
    op.create_table(
        "checks",
        sa.Column("id", BigId, nullable=False),
        sa.Column("story_id", sa.Integer(), nullable=True),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("checked_at", When, nullable=False),
        sa.Column("outcome", sa.String(24), nullable=False),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=True),
        sa.Column("version_id", BigId, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checks")),
        sa.ForeignKeyConstraint(
            ["story_id"], ["stories.id"], name=op.f("fk_checks_story_id_stories"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name=op.f("fk_checks_source_id_sources"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["version_id"], ["versions.id"], name=op.f("fk_checks_version_id_versions"), ondelete="SET NULL"
        ),
    )
    op.create_index("ix_checks_story_id_checked_at", "checks", ["story_id", "checked_at"])
    op.create_index("ix_checks_source_id_checked_at", "checks", ["source_id", "checked_at"])
    op.create_index(op.f("ix_checks_version_id"), "checks", ["version_id"])


def downgrade() -> None:
    op.drop_table("checks")
    op.drop_table("versions")
    op.drop_table("stories")
    op.drop_table("sources")
