"""From a fetched HTML page to article text, and the checks that decide whether it is a real new version.

Watchers of news pages have recorded error pages, paywalls, cookie walls, half-loaded articles and
whitespace churn as "new versions". `extract_page` turns a page into text and metadata with the same decoding
and extraction as `storytrace diff page.html`; `judge` compares the text with the previous version's and
gives one verdict:

    ok                 a real version, different from the previous one
    unchanged          the very same text as the previous version
    whitespace_only    the same text apart from whitespace, quote, dash or space styles
    extraction_failed  no article text could be decoded or extracted
    too_short          fewer than `min_chars` characters: a stub, not an article
    truncated          much shorter than the previous version, or its opening cut off mid-sentence
    error_page         a "page not found" page served as 200, or a redirect of the article to the home page
    paywall            a subscribe-to-continue or cookie-consent wall instead of the article

Every verdict but ok comes with a reason a person can read; only ok (and unchanged, for the record of a
check) should be stored as a version.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

import trafilatura
from trafilatura import extract_metadata

from storytrace.errors import InputError
from storytrace.options import changed_options
from storytrace.text.normalise import comparison_key
from storytrace.text.read import DEFAULT_MAX_BYTES, decode_bytes, extract_article

if TYPE_CHECKING:
    from storytrace.fetch.http import FetchResult

VerdictName = Literal[
    "ok",
    "unchanged",
    "whitespace_only",
    "extraction_failed",
    "too_short",
    "truncated",
    "error_page",
    "paywall",
]
EXTRACTOR = f"trafilatura {trafilatura.__version__}"
_PAGE_TEXT_CHARS = 20_000


@dataclass(frozen=True)
class PageOptions:
    """Thresholds of the page checks. Defaults are meant for news articles."""

    max_bytes: int = DEFAULT_MAX_BYTES
    """Largest page decoded, in bytes."""

    min_chars: int = 200
    """Fewest characters of article text a version may have (about two sentences)."""

    truncated_ratio: float = 0.5
    """A new text shorter than this share of the previous version's length is taken as truncated."""

    error_max_chars: int = 1500
    """"Page not found" wording counts only in texts shorter than this (a title counts whatever the length)."""

    wall_max_chars: int = 2500
    """Paywall or consent wording counts only in texts shorter than this, or shorter than `wall_ratio` of
    the previous version: a full article with a "subscribe" line under it is still the article."""

    wall_ratio: float = 0.8
    """See `wall_max_chars`."""

    def __post_init__(self) -> None:
        if not 0 < self.truncated_ratio < 1 or not 0 < self.wall_ratio <= 1:
            raise ValueError("page option truncated_ratio and wall_ratio must be between 0 and 1")
        if min(self.max_bytes, self.min_chars, self.error_max_chars, self.wall_max_chars) < 1:
            raise ValueError("page options max_bytes, min_chars, error_max_chars, wall_max_chars must be positive")

    def with_overrides(self, **overrides: Any) -> PageOptions:
        """A copy with some options changed; unknown names are an error, not silently ignored."""
        return changed_options(self, "page", overrides)


@dataclass(frozen=True)
class Extracted:
    """An article page as text and metadata. `error` is set (and `text` empty) when extraction failed."""

    text: str  # the article's paragraphs separated by blank lines, as `storytrace diff page.html` reads them
    title: str | None
    byline: str | None
    published: datetime | None  # aware, UTC; a date without a time is midnight UTC
    updated: datetime | None
    extractor: str  # "trafilatura 2.3.1"
    encoding: str = ""  # the codec the page was decoded with
    error: str | None = None  # why there is no text
    page_text: str = field(default="", repr=False)  # all visible text of the page (capped), for wall checks


@dataclass(frozen=True)
class Verdict:
    verdict: VerdictName
    reason: str  # one line

    @property
    def ok(self) -> bool:
        return self.verdict == "ok"


def extract_page(
    body: bytes,
    *,
    url: str | None = None,
    charset: str | None = None,
    content_type: str | None = None,
    options: PageOptions | None = None,
) -> Extracted:
    """Decode and extract an article page; never raises for a bad page (see `Extracted.error`).

    `charset` and `content_type` are the HTTP header's, when the page came over HTTP.
    """
    options = options if options is not None else PageOptions()
    name = url or "the page"
    try:
        markup, format, encoding = decode_bytes(
            body, name=name, max_bytes=options.max_bytes, format=None, charset=charset
        )
    except InputError as exc:
        return _failed(str(exc))
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if format != "html" and media not in ("text/html", "application/xhtml+xml"):
        return _failed(f"{name} is not an HTML page", encoding=encoding)
    title, byline, published, updated = _metadata(markup, url)
    page_text = _visible_text(markup)
    try:
        text = extract_article(markup, name, min_chars=1)
    except InputError as exc:
        return _failed(str(exc), title=title, encoding=encoding, page_text=page_text)
    return Extracted(
        text=text,
        title=title,
        byline=byline,
        published=published,
        updated=updated,
        extractor=EXTRACTOR,
        encoding=encoding,
        page_text=page_text,
    )


def judge(
    new: Extracted,
    previous_text: str | None = None,
    *,
    url: str | None = None,
    final_url: str | None = None,
    options: PageOptions | None = None,
) -> Verdict:
    """Is `new` a real version of the article whose last stored text is `previous_text` (None: the first)?

    `url` and `final_url` (where a fetch was redirected to) let a redirect to the home page count as an
    error page.
    """
    options = options if options is not None else PageOptions()
    text = new.text
    size = len(text)
    previous = previous_text if previous_text else None

    if url and final_url and _path(final_url) in ("", "/") and _path(url) not in ("", "/"):
        return Verdict("error_page", f"the article redirects to the home page ({final_url})")
    error = _error_wording(new, options)
    if error is not None:
        return Verdict("error_page", error)
    wall = _wall_wording(new, previous, options)
    if wall is not None:
        return Verdict("paywall", wall)
    if new.error is not None or not text.strip():
        return Verdict("extraction_failed", new.error or "no article text")
    if size < options.min_chars:
        return Verdict("too_short", f"only {size:,} characters of text (at least {options.min_chars:,} expected)")
    if previous is None:
        return Verdict("ok", f"first version, {size:,} characters")
    if text == previous:
        return Verdict("unchanged", "identical to the previous version")
    if _same_but_styles(text, previous):
        return Verdict("whitespace_only", "same text apart from whitespace, quote or dash styles")
    before = len(previous)
    if size < options.truncated_ratio * before:
        share = size / before
        return Verdict("truncated", f"{size:,} characters against {before:,} before ({share:.0%} of the previous)")
    cut = _cut_mid_sentence(text, previous)
    if cut is not None:
        return Verdict("truncated", cut)
    change = (size - before) / before
    return Verdict("ok", f"{size:,} characters ({change:+.0%} on the previous version)")


def assess(
    result: FetchResult, previous_text: str | None = None, options: PageOptions | None = None
) -> tuple[Extracted, Verdict]:
    """Extract and judge the body of a successful fetch (outcome "ok")."""
    if result.body is None:
        raise ValueError(f"no body to assess: the fetch of {result.url} ended {result.outcome!r}")
    extracted = extract_page(
        result.body,
        url=result.final_url,
        charset=result.charset,
        content_type=result.content_type,
        options=options,
    )
    verdict = judge(extracted, previous_text, url=result.url, final_url=result.final_url, options=options)
    return extracted, verdict


# --- extraction ---


def _failed(
    error: str, *, title: str | None = None, encoding: str = "", page_text: str = ""
) -> Extracted:
    return Extracted(
        text="",
        title=title,
        byline=None,
        published=None,
        updated=None,
        extractor=EXTRACTOR,
        encoding=encoding,
        error=" ".join(error.split()),
        page_text=page_text,
    )


def _metadata(markup: str, url: str | None) -> tuple[str | None, str | None, datetime | None, datetime | None]:
    """Title, byline, published and updated dates from trafilatura's metadata (htmldate for the dates)."""
    date_format = "%Y-%m-%dT%H:%M:%S%z"
    try:
        first = extract_metadata(
            markup, default_url=url, date_config={"original_date": True, "outputformat": date_format}
        )
        latest = extract_metadata(
            markup,
            default_url=url,
            date_config={"original_date": False, "extensive_search": False, "outputformat": date_format},
        )
    except Exception:  # metadata is a bonus: hostile markup must not lose the text
        return None, None, None, None
    published = _parse_date(first.date)
    updated = _parse_date(latest.date)
    if updated is not None and (published is None or updated <= published):
        updated = None  # no later date than the publication one
    return _clean(first.title), _clean(first.author), published, updated


def _parse_date(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        when = datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z")
    except ValueError:
        try:
            when = datetime.strptime(value[:19], "%Y-%m-%dT%H:%M:%S")
        except ValueError:
            return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC)


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    return " ".join(value.split()) or None


def _visible_text(markup: str) -> str:
    """All the text a reader would see (no title, scripts or styles), whitespace collapsed, capped."""
    collector = _TextCollector()
    try:
        collector.feed(markup)
        collector.close()
    except Exception:  # html.parser is tolerant; this only guards against a bug on hostile markup
        pass
    return " ".join(" ".join(collector.parts).split())[:_PAGE_TEXT_CHARS]


class _TextCollector(HTMLParser):
    _HIDDEN = frozenset({"title", "script", "style", "noscript", "template", "svg"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.size = 0
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._HIDDEN:
            self.hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self._HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden and self.size < 2 * _PAGE_TEXT_CHARS:
            self.parts.append(data)
            self.size += len(data)


# --- the checks ---

# A whole title segment ("Page not found" in "Page not found | The Herald") that names an error page.
_ERROR_TITLE = re.compile(
    r"(?:error\s*)?404(?:\s*(?:error|[-–:(]?\s*(?:page\s+)?not\s+found\)?))?[.!1]*"
    r"|(?:(?:page|article|story|content|file|document)\s+)?not\s+found[.!]*"
    r"|(?:page|article|story|content)\s+(?:unavailable|no\s+longer\s+available|(?:does\s+not|doesn't)\s+exist)[.!]*"
    r"|(?:oops|sorry)\b.*\b(?:not\s+found|can(?:no|')t\s+find|couldn't\s+find|could\s+not\s+find)\b.*",
    re.IGNORECASE,
)
_TITLE_SEPARATORS = re.compile(r"\s+[|\-–—:·•»]\s+|\s*[|–—·•»]\s*")
# Phrases of an error page's text: the subject is the page itself, not something in the news.
_ERROR_TEXT = re.compile(
    r"\bpage\s+not\s+found\b|\berror\s*404\b|\b404\s*(?:error|[-–—:|]?\s*(?:page\s+)?not\s+found)\b"
    r"|\b(?:can(?:no|')t|couldn't|could\s+not|were\s+unable\s+to|are\s+unable\s+to)\s+(?:find|locate)\s+"
    r"(?:the|this|that)\s+(?:page|article|story)"
    r"|\bthe\s+page\s+you(?:'re|\s+are|\s+were)?\s+(?:looking\s+for|requested|tried\s+to)"
    r"|\b(?:this|the)\s+(?:page|article|story|content)\s+(?:(?:does\s+not|doesn't|no\s+longer)\s+exists?"
    r"|(?:is|has)\s+(?:no\s+longer\s+available|been\s+removed|been\s+deleted|expired)|(?:could|can)\s*not\s+be\s+found)",
    re.IGNORECASE,
)
_PAYWALL = re.compile(
    r"\bsubscribe\s+(?:now\s+)?to\s+(?:continue|keep)\s+reading\b|\bto\s+continue\s+reading,?\s+(?:please\s+)?"
    r"(?:subscribe|sign\s+in|log\s+in|register|become)|\b(?:this|the\s+full)\s+(?:article|story|content)\s+is\s+"
    r"(?:for|available\s+to|available\s+only\s+to|reserved\s+for|exclusive\s+to)\s+(?:paying\s+)?subscribers"
    r"|\bsubscribers\s+only\b|\b(?:you've|you\s+have)\s+(?:reached|used)\s+(?:your|the)\s+(?:limit|monthly\s+limit"
    r"|free\s+article|\d+\s+free)|\bfree\s+articles?\s+(?:limit|remaining|left)\b"
    r"|\b(?:sign\s+in|log\s+in|register|create\s+a\s+free\s+account)\s+to\s+(?:continue|keep)\s+reading\b"
    r"|\bunlock\s+(?:this|the\s+full)\s+(?:article|story)\b",
    re.IGNORECASE,
)
_CONSENT = re.compile(
    r"\bwe\s+value\s+your\s+privacy\b|\baccept\s+all\s+cookies\b|\b(?:accept|agree\s+to)\s+(?:the\s+use\s+of\s+)?"
    r"cookies\s+to\s+continue\b"
    r"|\bbefore\s+you\s+continue\s+to\b|\bwe\s+and\s+our\s+(?:\d+\s+)?(?:partners|vendors)\s+(?:use|store)"
    r"|\bconsent\s+to\s+(?:the\s+use\s+of\s+)?(?:cookies|your\s+data)\b|\breject\s+all\b.{0,80}\baccept\s+all\b",
    re.IGNORECASE | re.DOTALL,
)
_ERROR_HEAD_CHARS = 2000  # of the whole page's text, where an error page says what it is


def _error_wording(new: Extracted, options: PageOptions) -> str | None:
    """Why the page is an error page served as a success (a "soft 404"), or None."""
    for segment in _TITLE_SEPARATORS.split(new.title or ""):
        if _ERROR_TITLE.fullmatch(segment.strip()):
            return f"the title says so: {new.title!r}"
    size = len(new.text)
    if size >= options.error_max_chars:
        return None
    sources = [new.text]
    if size < options.min_chars:  # the extractor may have dropped the message as boilerplate
        sources.append(new.page_text[:_ERROR_HEAD_CHARS])
    for source in sources:
        match = _ERROR_TEXT.search(source)
        if match is not None:
            return f"the page says {' '.join(match.group(0).split())!r}"
    return None


def _wall_wording(new: Extracted, previous: str | None, options: PageOptions) -> str | None:
    """Why the page is a paywall or a consent wall instead of the article, or None."""
    size = len(new.text)
    shrunk = previous is not None and size < options.wall_ratio * len(previous)
    sources: list[str] = []
    if size < options.wall_max_chars or shrunk:
        sources.append(new.text)
    if size < options.min_chars or shrunk:  # the extractor may have dropped the wall as boilerplate
        sources.append(new.page_text)
    for source in sources:
        for pattern, what in ((_PAYWALL, "a paywall"), (_CONSENT, "a consent wall")):
            match = pattern.search(source)
            if match is not None:
                return f"{what}: {' '.join(match.group(0).split())!r}"
    return None


def _same_but_styles(a: str, b: str) -> bool:
    """Equal once whitespace, quote, dash, space and invisible-character styles are folded (case still counts)."""
    if comparison_key(a) != comparison_key(b):
        return False
    return [c for c in a if c.isalnum()] == [c for c in b if c.isalnum()]


_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*$")
_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…|\[\s*(?:\.\.\.|…)\s*\])\s*$")


def _cut_mid_sentence(text: str, previous: str) -> str | None:
    """The new text is the previous one's opening, stopped in the middle of a sentence (or with an ellipsis)."""
    trimmed = _ELLIPSIS.sub("", text)
    new_key, old_key = comparison_key(trimmed), comparison_key(previous)
    if not new_key or len(new_key) >= len(old_key) or not old_key.startswith(new_key):
        return None
    ellipsis = trimmed != text
    if not ellipsis and _SENTENCE_END.search(new_key) and old_key[len(new_key)] == " ":
        return None  # the ending was cut at a sentence boundary: an edit, not a failure
    share = len(new_key) / len(old_key)
    how = "with an ellipsis" if ellipsis else "mid-sentence"
    return f"the previous version's opening, stopped {how} at {share:.0%} of its length"


def _path(url: str) -> str:
    try:
        return urlsplit(url).path
    except ValueError:
        return ""
