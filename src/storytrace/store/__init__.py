"""The version store: tracked sources and stories, every version of their text, every check.

    from storytrace.store import open_store, add_story, add_version, log

    with open_store() as store:                      # sqlite:///storytrace.db, or $STORYTRACE_DB, or a URL
        story = add_story(store, "https://example.com/news/1")
        add_version(store, story, text, title="...")  # a Version, or None for a text the story already had
        for entry in log(store, story.url).entries:
            ...

SQLite (the default) and PostgreSQL (`postgresql+psycopg://...`) behave the same; opening a store creates it or
upgrades its schema. Failures the user can act on raise `StoreError` with a one-line message.
"""

from storytrace.store.bulk import BulkResult, add_versions_bulk
from storytrace.store.content import change_summary, content_hash, normalised
from storytrace.store.db import DEFAULT_URL, ENV_VAR, Store, open_store, resolve_url, schema_revision
from storytrace.store.discovery import add_stories
from storytrace.store.errors import StoreError, UnknownSource, UnknownStory
from storytrace.store.history import (
    LogEntry,
    StoryLog,
    VersionInfo,
    VersionText,
    latest_text,
    log,
    version,
    version_texts,
    versions_of,
)
from storytrace.store.integrity import problems
from storytrace.store.models import Check, Outcome, Source, SourceKind, Story, Version
from storytrace.store.repository import (
    DEFAULT_CHECK_INTERVAL_S,
    FEED_STOP_REASON,
    STOPPED_BY_HAND,
    STOPPED_ON_THE_WEB,
    Validators,
    add_source,
    add_story,
    checks_of,
    count_source_stories,
    due_sources,
    due_stories,
    find_source,
    find_story,
    get_story,
    next_due,
    record_check,
    reschedule,
    resume_source,
    revive,
    stop_source,
    stop_story,
    stop_tracking,
    stories,
    story_to_feed,
)
from storytrace.store.search import search_stories
from storytrace.store.versions import NewVersion, add_new_version, add_version

__all__ = [
    "DEFAULT_CHECK_INTERVAL_S",
    "FEED_STOP_REASON",
    "STOPPED_BY_HAND",
    "STOPPED_ON_THE_WEB",
    "DEFAULT_URL",
    "ENV_VAR",
    "BulkResult",
    "Check",
    "LogEntry",
    "NewVersion",
    "Outcome",
    "Source",
    "SourceKind",
    "Store",
    "StoreError",
    "Story",
    "StoryLog",
    "UnknownSource",
    "UnknownStory",
    "Validators",
    "Version",
    "VersionInfo",
    "VersionText",
    "add_new_version",
    "add_source",
    "add_stories",
    "add_story",
    "add_version",
    "add_versions_bulk",
    "change_summary",
    "checks_of",
    "count_source_stories",
    "content_hash",
    "due_sources",
    "due_stories",
    "find_source",
    "find_story",
    "get_story",
    "latest_text",
    "log",
    "next_due",
    "normalised",
    "open_store",
    "problems",
    "record_check",
    "reschedule",
    "resolve_url",
    "resume_source",
    "revive",
    "stop_source",
    "stop_story",
    "stop_tracking",
    "story_to_feed",
    "schema_revision",
    "search_stories",
    "stories",
    "version",
    "version_texts",
    "versions_of",
]
