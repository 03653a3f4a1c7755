"""Full-text search over stories (title, URL words, latest version's text); indexes for "latest changes" lists.

On SQLite an FTS5 table `story_search` (rowid = story id); on PostgreSQL a table `story_search` of tsvectors with
a GIN index. Both are kept in sync by triggers, so every writer (add_version, bulk import, plain SQL) keeps them
current. They are not in models.py: `storytrace.store.search.is_search_object` names them for the schema
comparison. A later migration that rebuilds `stories` or `versions` on SQLite (batch mode copies the table) must
create the SQLite triggers below again.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Only the first BODY_CHARS characters of a text are indexed: a PostgreSQL tsvector must stay under 1 MB.
BODY_CHARS = 200_000

# A story's latest version is the one numbered `version_count`. Writers through the store insert the version, then
# raise the story's count: the story trigger indexes the text then, once per story per transaction even for a bulk
# import. A version inserted while the count already names it (plain SQL) is indexed by the version trigger.
SQLITE_UP = [
    "CREATE VIRTUAL TABLE story_search USING fts5(title, url, body, "
    "tokenize = 'porter unicode61 remove_diacritics 2')",
    f"""INSERT INTO story_search (rowid, title, url, body)
        SELECT s.id, coalesce(s.title, ''), s.url,
               coalesce((SELECT substr(v.text, 1, {BODY_CHARS}) FROM versions v
                         WHERE v.story_id = s.id AND v.number = s.version_count), '')
        FROM stories s""",
    """CREATE TRIGGER story_search_story_insert AFTER INSERT ON stories BEGIN
        INSERT INTO story_search (rowid, title, url, body) VALUES (new.id, coalesce(new.title, ''), new.url, '');
    END""",
    f"""CREATE TRIGGER story_search_story_update AFTER UPDATE OF title, url, version_count ON stories
    WHEN old.title IS NOT new.title OR old.url IS NOT new.url OR old.version_count IS NOT new.version_count BEGIN
        UPDATE story_search SET title = coalesce(new.title, ''), url = new.url,
            body = CASE WHEN old.version_count IS new.version_count THEN body
                        ELSE coalesce((SELECT substr(v.text, 1, {BODY_CHARS}) FROM versions v
                                       WHERE v.story_id = new.id AND v.number = new.version_count), '') END
        WHERE rowid = new.id;
    END""",
    """CREATE TRIGGER story_search_story_delete AFTER DELETE ON stories BEGIN
        DELETE FROM story_search WHERE rowid = old.id;
    END""",
    f"""CREATE TRIGGER story_search_version_insert AFTER INSERT ON versions
    WHEN new.number = (SELECT version_count FROM stories WHERE id = new.story_id) BEGIN
        UPDATE story_search SET body = substr(new.text, 1, {BODY_CHARS}) WHERE rowid = new.story_id;
    END""",
]

SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS story_search_version_insert",
    "DROP TRIGGER IF EXISTS story_search_story_delete",
    "DROP TRIGGER IF EXISTS story_search_story_update",
    "DROP TRIGGER IF EXISTS story_search_story_insert",
    "DROP TABLE IF EXISTS story_search",
]

# The words of a story's title and URL (punctuation of the URL read as spaces), and of a text.
_HEAD = "to_tsvector('english', coalesce({0}.title, '') || ' ' || regexp_replace({0}.url, '[^[:alnum:]]+', ' ', 'g'))"
_BODY = f"to_tsvector('english', left({{0}}.text, {BODY_CHARS}))"

# As on SQLite; story inserts and version inserts use statement-level triggers with transition tables. The
# functions keep the search_path they were created with (a store may live in a schema of its own).
POSTGRESQL_UP = [
    """CREATE TABLE story_search (
        story_id integer PRIMARY KEY REFERENCES stories (id) ON DELETE CASCADE,
        head tsvector NOT NULL,
        body tsvector NOT NULL
    )""",
    "CREATE INDEX ix_story_search_document ON story_search USING gin ((head || body))",
    f"""INSERT INTO story_search (story_id, head, body)
        SELECT s.id, {_HEAD.format("s")},
               coalesce((SELECT {_BODY.format("v")} FROM versions v
                         WHERE v.story_id = s.id AND v.number = s.version_count), ''::tsvector)
        FROM stories s""",
    f"""CREATE FUNCTION story_search_stories_added() RETURNS trigger LANGUAGE plpgsql
    SET search_path FROM CURRENT AS $$
    BEGIN
        INSERT INTO story_search (story_id, head, body) SELECT n.id, {_HEAD.format("n")}, ''::tsvector FROM added n;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER story_search_story_insert AFTER INSERT ON stories REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION story_search_stories_added()""",
    f"""CREATE FUNCTION story_search_story_changed() RETURNS trigger LANGUAGE plpgsql
    SET search_path FROM CURRENT AS $$
    BEGIN
        IF OLD.title IS DISTINCT FROM NEW.title OR OLD.url IS DISTINCT FROM NEW.url THEN
            UPDATE story_search SET head = {_HEAD.format("NEW")} WHERE story_id = NEW.id;
        END IF;
        IF OLD.version_count IS DISTINCT FROM NEW.version_count THEN
            UPDATE story_search SET body = coalesce((SELECT {_BODY.format("v")} FROM versions v
                WHERE v.story_id = NEW.id AND v.number = NEW.version_count), ''::tsvector)
            WHERE story_id = NEW.id;
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER story_search_story_update AFTER UPDATE OF title, url, version_count ON stories FOR EACH ROW
    WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.url IS DISTINCT FROM NEW.url
          OR OLD.version_count IS DISTINCT FROM NEW.version_count)
    EXECUTE FUNCTION story_search_story_changed()""",
    f"""CREATE FUNCTION story_search_versions_added() RETURNS trigger LANGUAGE plpgsql
    SET search_path FROM CURRENT AS $$
    BEGIN
        UPDATE story_search s SET body = {_BODY.format("a")}
        FROM added a JOIN stories st ON st.id = a.story_id AND a.number = st.version_count
        WHERE s.story_id = a.story_id;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER story_search_version_insert AFTER INSERT ON versions REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION story_search_versions_added()""",
]

POSTGRESQL_DOWN = [
    "DROP TRIGGER IF EXISTS story_search_version_insert ON versions",
    "DROP TRIGGER IF EXISTS story_search_story_update ON stories",
    "DROP TRIGGER IF EXISTS story_search_story_insert ON stories",
    "DROP FUNCTION IF EXISTS story_search_versions_added()",
    "DROP FUNCTION IF EXISTS story_search_story_changed()",
    "DROP FUNCTION IF EXISTS story_search_stories_added()",
    "DROP TABLE IF EXISTS story_search",
]


def upgrade() -> None:
    # "Latest changes first" lists: stories by their last change, versions by capture time.
    op.create_index(op.f("ix_stories_last_change_at"), "stories", ["last_change_at"])
    op.create_index(op.f("ix_versions_captured_at"), "versions", ["captured_at"])
    _run(SQLITE_UP, POSTGRESQL_UP)


def downgrade() -> None:
    _run(SQLITE_DOWN, POSTGRESQL_DOWN)
    op.drop_index(op.f("ix_versions_captured_at"), table_name="versions")
    op.drop_index(op.f("ix_stories_last_change_at"), table_name="stories")


def _run(sqlite: list[str], postgresql: list[str]) -> None:
    """The statements as they are (no bind-parameter parsing: ":alnum:" is a regular expression class)."""
    bind = op.get_bind()
    for statement in sqlite if bind.dialect.name == "sqlite" else postgresql:
        bind.exec_driver_sql(statement)
