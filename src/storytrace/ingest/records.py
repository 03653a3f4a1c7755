"""What every archive reader produces: stories with their candidate versions in time order, and a tally of the rows
it refused (with why) instead of failing the import."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime

from storytrace.store.models import MAX_URL_LENGTH
from storytrace.text.read import is_unicode_text

# A text larger than this is not an article (the same limit as `storytrace diff` inputs).
MAX_TEXT_CHARS = 5_000_000
MAX_EXAMPLES = 10


@dataclass(frozen=True, slots=True)
class Candidate:
    """One version read from an archive, checked: a non-empty text without NUL, a UTC capture time."""

    where: str  # where it came from, for messages: "line 12", "fire/2.txt", "entryversion id 55"
    text: str
    captured_at: datetime
    title: str | None = None
    byline: str | None = None
    raw_html: bytes | None = None
    extractor: str | None = None


@dataclass
class ArchiveStory:
    """A story of the archive and its versions, oldest first."""

    url: str
    versions: list[Candidate]
    title: str | None = None
    outlet: str | None = None


def merged(first: ArchiveStory, second: ArchiveStory) -> ArchiveStory:
    """Two articles of one story (one URL) as one: their versions in time order, the later title."""
    versions = sorted([*first.versions, *second.versions], key=lambda version: version.captured_at)
    return replace(first, versions=versions, title=second.title or first.title)


@dataclass
class Tally:
    """Rows read and rows refused, by reason, with the first few refusals spelt out."""

    rows: int = 0
    refused: Counter[str] = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)

    def refuse(self, reason: str, where: str, detail: str | None = None) -> None:
        self.refused[reason] += 1
        if len(self.examples) < MAX_EXAMPLES:
            self.examples.append(f"{where}: {detail or reason}")


def text_problem(text: object) -> tuple[str, str] | None:
    """(reason, detail) when `text` cannot be a version's text, else None."""
    if not isinstance(text, str):
        return "bad field", f"the text is a {type(text).__name__}, not a string"
    if not text.strip():
        return "empty text", "empty text"
    if len(text) > MAX_TEXT_CHARS:
        return "text too large", f"the text has more than {MAX_TEXT_CHARS:,} characters"
    return string_problem(text, "the text")


def string_problem(value: str, name: str) -> tuple[str, str] | None:
    """NUL characters and lone surrogates: no database stores them as text."""
    if "\x00" in value:
        return "NUL character", f"{name} contains a NUL character"
    if not is_unicode_text(value):
        return "invalid Unicode", f"{name} contains a lone surrogate (invalid Unicode)"
    return None


def url_problem(url: str) -> tuple[str, str] | None:
    """Why a story URL cannot be stored, or None."""
    if not url.strip():
        return "missing url", "no story URL"
    if len(url.strip()) > MAX_URL_LENGTH:
        return "bad url", f"the story URL is longer than {MAX_URL_LENGTH} characters"
    return string_problem(url, "the story URL")


def optional_string(value: object, name: str) -> tuple[str | None, tuple[str, str] | None]:
    """A title, byline or outlet: a string or nothing; (value, problem)."""
    if value is None:
        return None, None
    if not isinstance(value, str):
        return None, ("bad field", f"{name} is a {type(value).__name__}, not a string")
    problem = string_problem(value, name)
    if problem is not None:
        return None, problem
    value = " ".join(value.split())
    return value or None, None
