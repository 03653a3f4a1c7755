"""Shared fixtures: paths to ../shared (read at test time, never copied) and real news sentences."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
FOUNDING = SHARED / "examples" / "channel-crossings"
FOUNDING_A = FOUNDING / "000_746a0b6b5f57bd09.txt"
FOUNDING_B = FOUNDING / "001_65a8ca1c07652b7d.txt"
ROFT_PROMPTS = SHARED / "data" / "roft-nyt" / "prompts-nyt-dev.json"
SCHEMA_DIR = REPO / "docs" / "schema"


@lru_cache(maxsize=1)
def news_sentences() -> tuple[str, ...]:
    """Real NYT sentences that storytrace reads as exactly one sentence each (for generated edit scripts)."""
    from storytrace.text.segment import sentences

    passages = json.loads(ROFT_PROMPTS.read_text(encoding="utf-8"))["prompts"]
    keep: list[str] = []
    for passage in passages[:400]:
        for s in passage:
            s = s.strip()
            found = sentences(s)
            balanced = s.count('"') % 2 == 0 and "''" not in s
            if (
                balanced
                and 8 <= len(s.split()) <= 45
                and len(found) == 1
                and (found[0].start, found[0].end) == (0, len(s))
            ):
                keep.append(s)
    return tuple(dict.fromkeys(keep))


@pytest.fixture(scope="session")
def diff_schema() -> dict[str, object]:
    return json.loads((SCHEMA_DIR / "diff.schema.json").read_text(encoding="utf-8"))


# `HYPOTHESIS_PROFILE=thorough make unit` explores many more cases than the default run in CI.
settings_profiles = __import__("hypothesis").settings
settings_profiles.register_profile("thorough", max_examples=600, deadline=None)
settings_profiles.load_profile(__import__("os").environ.get("HYPOTHESIS_PROFILE", "default"))

# The version store's fixtures (SQLite and PostgreSQL variants of every store test).
from .store_fixtures import store, store_url  # noqa: E402, F401
