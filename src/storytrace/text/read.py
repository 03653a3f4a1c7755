"""Turn a user's input (a file path, or "-" for standard input) into decoded text.

Everything that can go wrong with an input ends as one `InputError` whose message is a single line naming the
input, so the command line can print it instead of a traceback.
"""

from __future__ import annotations

import codecs
import re
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import trafilatura
from charset_normalizer import from_bytes

from storytrace.errors import InputError

DEFAULT_MAX_BYTES = 5_000_000
FORMATS = ("text", "markdown", "html")

# Extensions we trust; anything else is sniffed from the content, like standard input. A name without an
# extension is sniffed too: `curl -o page URL` and `wget` save web pages under such names.
_FORMAT_BY_EXTENSION = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
}

# UTF-32 LE must come before UTF-16 LE: its BOM starts with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Control characters that never occur in real prose (tab, newlines, vertical tab and form feed are allowed).
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\v\f\r") + b"\x7f"
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_MAX_CONTROL_SHARE = 0.05

# Where an HTML document declares its encoding: <meta charset>, <meta http-equiv> or <?xml encoding?>.
_DECLARED_CHARSET = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([\w.:-]+)|<\?xml[^>]*?encoding\s*=\s*["']([\w.:-]+)""",
    re.IGNORECASE,
)
_HTML_TAG = re.compile(r"<(?:html|head|body)[\s>/]")

# Fewer characters than this is a menu label or a caption, not an article.
MIN_ARTICLE_CHARS = 40


@dataclass(frozen=True)
class SourceText:
    """One version of a story as decoded text, with what the reports need to say where it came from."""

    label: str  # what to call this version in reports: the path as given, or "stdin"
    text: str  # text/markdown: the decoded content untouched (bar a UTF-8 BOM); html: article paragraphs
    format: str  # "text" | "markdown" | "html"
    encoding: str  # the encoding used to decode, e.g. "utf-8", "cp1252"


def is_unicode_text(value: str) -> bool:
    """Can the string be written out as UTF-8? Not when it holds a lone surrogate, which JSON can spell ("\\ud800")
    and no file, database column or web page can hold."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def read_source(
    source: str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    stdin: BinaryIO | None = None,
    label: str | None = None,
) -> SourceText:
    """Read a path, or standard input for "-"; the format comes from the extension when it is a known one."""
    if source == "-":
        name = label or "stdin"
        data = _read_stream(stdin if stdin is not None else sys.stdin.buffer, name, max_bytes)
        return read_bytes(data, name=name, max_bytes=max_bytes)
    # (A path that is not valid UTF-8 holds surrogates: shown with replacement characters, it can be printed.)
    name = label or source.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    path = Path(source)
    data = read_file_bytes(path, name, max_bytes)
    known = _FORMAT_BY_EXTENSION.get(path.suffix.lower())
    return read_bytes(data, name=name, max_bytes=max_bytes, format=known)


def read_bytes(
    data: bytes,
    *,
    name: str,
    max_bytes: int = DEFAULT_MAX_BYTES,
    format: str | None = None,
    charset: str | None = None,
) -> SourceText:
    """Decode raw bytes from any origin (file, pipe, HTTP body); `format=None` sniffs the content for HTML.

    `charset` is the one a transport declared (an HTTP Content-Type charset), see `decode_bytes`.
    """
    text, format, encoding = decode_bytes(data, name=name, max_bytes=max_bytes, format=format, charset=charset)
    if format == "html":
        text = extract_article(text, _show(name))
    return SourceText(label=name, text=text, format=format, encoding=encoding)


def decode_bytes(
    data: bytes,
    *,
    name: str,
    max_bytes: int = DEFAULT_MAX_BYTES,
    format: str | None = None,
    charset: str | None = None,
) -> tuple[str, str, str]:
    """The checks and decoding of `read_bytes` without the article extraction: (text, format, encoding).

    The encoding is chosen from, in order: a byte-order mark, strict UTF-8, the transport's `charset` (an HTTP
    header), the charset an HTML document declares itself, and a guess. Raises InputError.
    """
    if format is not None and format not in FORMATS:
        raise ValueError(f"unknown format {format!r}; expected one of {', '.join(FORMATS)}")
    shown = _show(name)
    if len(data) > max_bytes:
        raise InputError(f"{shown} is larger than the {max_bytes:,}-byte limit")
    if not data:
        raise InputError(f"{shown} is empty")
    bom = _find_bom(data) or _utf16_without_bom(data)
    # UTF-16/32 text is full of NUL bytes, so only judge the raw bytes when no BOM vouches for them.
    if bom is None and _looks_binary(data):
        raise InputError(f"{shown} looks like a binary file, not text")
    if format is None:
        format = "html" if _looks_like_html(data, bom) else "text"
    text, encoding = _decode(data, shown, bom, html=format == "html", charset=charset)
    if _has_many_controls(text):
        raise InputError(f"{shown} looks like a binary file, not text")
    if not text.strip():
        raise InputError(f"{shown} is empty (only whitespace)")
    return text, format, encoding


def _show(name: str) -> str:
    """A name safe to put in a one-line message: a file name may contain a newline."""
    return name if name.isprintable() else repr(name)


def _read_stream(stream: BinaryIO, name: str, max_bytes: int) -> bytes:
    """Read at most max_bytes + 1 bytes: enough to know the input is too large without holding all of it."""
    chunks: list[bytes] = []
    remaining = max_bytes + 1
    try:
        while remaining > 0:
            chunk = stream.read(remaining)
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
    except OSError as exc:
        raise InputError(f"cannot read {_show(name)}: {_reason(exc)}") from exc
    return b"".join(chunks)


def read_file_bytes(path: Path, name: str, max_bytes: int) -> bytes:
    """Look at what the path is and how big it is first, so a huge file is refused without being read; from a pipe
    or a device at most max_bytes + 1 bytes are read, so the caller can tell it is too large."""
    shown = _show(name)
    try:
        info = path.stat()
    except (FileNotFoundError, NotADirectoryError, ValueError) as exc:  # ValueError: a NUL in the path
        raise InputError(f"no such file: {shown}") from exc
    except OSError as exc:
        raise InputError(f"cannot read {shown}: {_reason(exc)}") from exc
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"{shown} is a directory, not a file")
    # Pipes and devices report no useful size; the bounded read below still caps them.
    if stat.S_ISREG(info.st_mode) and info.st_size > max_bytes:
        raise InputError(f"{shown} is larger than the {max_bytes:,}-byte limit ({info.st_size:,} bytes)")
    try:
        with path.open("rb") as stream:
            return _read_stream(stream, name, max_bytes)
    except OSError as exc:
        raise InputError(f"cannot read {shown}: {_reason(exc)}") from exc


def _reason(exc: OSError) -> str:
    """The operating system's short reason ("permission denied"), without the path it repeats."""
    reason = exc.strerror or type(exc).__name__
    return reason[:1].lower() + reason[1:]


def _find_bom(data: bytes) -> tuple[bytes, str] | None:
    for marker, codec in _BOMS:
        if data.startswith(marker):
            return marker, codec
    return None


def _utf16_without_bom(data: bytes) -> tuple[bytes, str] | None:
    """UTF-16 saved without a byte-order mark, as (b"", codec): text in a Latin script has a NUL in nearly every
    other byte, on one side only, which no binary format keeps up. (Binary data that does is refused after decoding
    for its control characters.)"""
    if len(data) < 4 or len(data) % 2:
        return None
    even, odd = data[0::2], data[1::2]
    for zeros, others, codec in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if zeros.count(0) >= 0.9 * len(zeros) and others.count(0) == 0:
            return b"", codec
    return None


def _looks_binary(data: bytes) -> bool:
    """NUL bytes or a large share of control bytes: an image, an archive, a compiled file, not prose."""
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    return b"\x00" in data or controls > _MAX_CONTROL_SHARE * len(data)


def _has_many_controls(text: str) -> bool:
    """The same test after decoding: catches binary data behind a BOM and C1 controls of 8-bit guesses."""
    return "\x00" in text or len(_CONTROL_CHARS.findall(text)) > _MAX_CONTROL_SHARE * len(text)


def _looks_like_html(data: bytes, bom: tuple[bytes, str] | None) -> bool:
    """An HTML document starts with a doctype or an <html> tag, or with markup that soon opens one."""
    if bom is None:
        head = data[:4096].decode("latin-1")  # every byte maps to a character; the markers are ASCII
    else:
        marker, codec = bom
        head = data[len(marker) : len(marker) + 4096].decode(codec, errors="replace")
    head = head.lstrip().lower()
    if head.startswith(("<!doctype html", "<html")):
        return True
    return head.startswith("<") and _HTML_TAG.search(head) is not None


def _decode(
    data: bytes, shown: str, bom: tuple[bytes, str] | None, *, html: bool, charset: str | None = None
) -> tuple[str, str]:
    """BOM, strict UTF-8, the transport's charset, (HTML) the declared charset, a guess; return (text, encoding)."""
    if bom is not None:
        marker, codec = bom
        try:
            return data[len(marker) :].decode(codec), codec
        except UnicodeError as exc:
            reason = f"it starts with a {codec} byte-order mark but is not valid {codec}"
            raise InputError(f"cannot decode {shown}: {reason}") from exc
    # Strict UTF-8 comes before a declared charset: valid UTF-8 with non-ASCII bytes is almost never anything
    # else, and pages that declare latin-1 while sending UTF-8 are common.
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeError:
        pass
    transport = _codec_for_label(charset.encode("ascii", "replace")) if charset else None
    if transport is not None:
        try:
            return data.decode(transport), transport
        except UnicodeError:
            pass  # a wrong header: fall back to the document's own declaration
    if html:
        declared = _declared_charset(data)
        if declared is not None:
            try:
                return data.decode(declared), declared
            except (UnicodeError, LookupError):
                pass  # a wrong declaration: fall back to guessing
    return _guess(data, shown)


def _declared_charset(data: bytes) -> str | None:
    """The charset an HTML page declares near its top, as a Python codec name, if Python knows it."""
    match = _DECLARED_CHARSET.search(data[:4096])
    if match is None:
        return None
    return _codec_for_label(match.group(1) or match.group(2))


def _codec_for_label(label: bytes) -> str | None:
    """A declared charset label as a Python codec name, if Python knows it and it can describe ASCII markup."""
    try:
        codec = codecs.lookup(label.decode("ascii").strip()).name
    except (LookupError, UnicodeError):
        return None
    if codec.startswith(("utf-16", "utf-32")):
        return None  # the declaration was readable as ASCII, so the page cannot be UTF-16/32
    # As in browsers (WHATWG Encoding): pages labelled latin-1 or ASCII are really windows-1252.
    return "cp1252" if codec in ("iso8859-1", "ascii") else codec


def _guess(data: bytes, shown: str) -> tuple[str, str]:
    """Ask charset-normalizer; among equally plausible answers prefer windows-1252, the commonest legacy one.

    On short English text the detector often ties cp1252 with look-alike code pages (cp1250, cp852) and may
    pick one that turns a curly apostrophe into a letter.
    """
    results = from_bytes(data)
    best = results.best()
    if best is None:
        raise InputError(f"cannot decode {shown}: it is not UTF-8 and no other text encoding fits")
    try:
        as_cp1252: str | None = data.decode("cp1252")
    except UnicodeError:
        as_cp1252 = None
    if as_cp1252 is not None and any(
        match.chaos <= best.chaos and str(match) == as_cp1252 for match in results
    ):
        return as_cp1252, "cp1252"
    try:
        return data.decode(best.encoding), codecs.lookup(best.encoding).name
    except (UnicodeError, LookupError) as exc:
        raise InputError(f"cannot decode {shown}: it is not UTF-8 and no other text encoding fits") from exc


def extract_article(html: str, shown: str, *, min_chars: int = MIN_ARTICLE_CHARS) -> str:
    """The article's paragraphs, without navigation, footers or cookie notices, separated by a blank line.

    Raises InputError when the extractor fails or finds fewer than `min_chars` characters.
    """
    try:
        extracted: str | None = trafilatura.extract(
            html,
            output_format="txt",
            include_comments=False,
            include_tables=False,
            favor_precision=True,
        )
    except Exception as exc:  # trafilatura and lxml raise many kinds of error on hostile markup
        raise InputError(f"cannot extract an article from {shown}: {type(exc).__name__}") from exc
    paragraphs = [line.strip() for line in (extracted or "").splitlines() if line.strip()]
    text = "\n\n".join(paragraphs)
    if not text:
        raise InputError(f"no article text found in {shown}")
    if len(text) < min_chars:
        raise InputError(f"no article text found in {shown} (only {len(text)} characters extracted)")
    return text
