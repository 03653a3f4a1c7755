"""Reading inputs: real files in tmp_path, real decoding, real article extraction."""

from __future__ import annotations

import codecs
import dataclasses
import gzip
import io
import os
import struct
import zlib
from pathlib import Path

import pytest

from storytrace.errors import InputError
from storytrace.text.read import SourceText, read_bytes, read_source

FOUNDING_EXAMPLE = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "examples"
    / "channel-crossings"
    / "000_746a0b6b5f57bd09.txt"
)

# An invented story, used for every fixture.
STORY = (
    "The swing bridge over Kettleby harbour reopened to traffic on Tuesday morning.\n"
    "It had been shut for three weeks after a winter storm jammed its turning mechanism.\n"
    "\n"
    "  Engineers replaced a cracked bearing over the weekend, the town council said.  \n"
    "\n\n\n"
)

PARAGRAPHS = [
    "The swing bridge over Kettleby harbour reopened to traffic on Tuesday morning, three weeks after a "
    "winter storm jammed its turning mechanism and left the town split in two.",
    "Engineers worked through the weekend to replace a cracked bearing, the town council said. The first "
    "vehicle across was a bakery van, shortly after six in the morning.",
    "The temporary ferry service, which carried more than 4,000 passengers during the closure, will stop "
    "running on Friday.",
    "\u201cWe are grateful to residents for their patience,\u201d said council leader Mara Lindqvist. "
    "\u201cThe bridge is safe and has been fully inspected.\u201d",
]

FURNITURE = [
    "We use cookies to improve your experience",
    "Accept all cookies",
    "Subscribe to our newsletter",
    "Copyright 2024 Daily Gull Media",
    "Privacy policy",
    "Weather",
]


def news_page(charset_tag: str = '<meta charset="utf-8">', paragraphs: list[str] | None = None) -> str:
    """A news page wrapped in the usual furniture: cookie banner, navigation, sidebar, footer."""
    body = "\n".join(f"<p>{p}</p>" for p in (PARAGRAPHS if paragraphs is None else paragraphs))
    return f"""<!DOCTYPE html>
<html lang="en">
<head>{charset_tag}<title>Harbour bridge reopens | Daily Gull</title></head>
<body>
<div id="cookie-banner" class="cookie-consent">
  <p>We use cookies to improve your experience on our site.</p>
  <button>Accept all cookies</button> <button>Manage preferences</button>
</div>
<header><nav><ul>
  <li><a href="/">Home</a></li><li><a href="/news">News</a></li>
  <li><a href="/sport">Sport</a></li><li><a href="/weather">Weather</a></li>
</ul></nav></header>
<main><article>
<h1>Harbour bridge reopens after three-week closure</h1>
{body}
</article>
<aside class="newsletter"><p>Subscribe to our newsletter for the morning headlines.</p></aside>
</main>
<footer>
  <p>Copyright 2024 Daily Gull Media. All rights reserved.</p>
  <p><a href="/privacy">Privacy policy</a> | <a href="/terms">Terms of use</a></p>
</footer>
</body>
</html>
"""


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def read_error(source: str, **kwargs: object) -> str:
    """The InputError message for reading source; it must be a single line."""
    with pytest.raises(InputError) as info:
        read_source(source, **kwargs)  # type: ignore[arg-type]
    message = str(info.value)
    assert message and "\n" not in message and "\r" not in message
    return message


def png_bytes() -> bytes:
    """A real, valid 1x1 PNG image."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return (
            struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


# --- plain text and markdown ---


def test_utf8_text_is_returned_exactly(tmp_path: Path) -> None:
    story = (
        STORY.replace("\n", "\r\n", 2) + "Caf\u00e9 owners \u2014 and the ferry crew \u2014 welcomed it.\t\n"
    )
    path = write(tmp_path, "bridge.txt", story.encode("utf-8"))
    result = read_source(str(path))
    assert result == SourceText(label=str(path), text=story, format="text", encoding="utf-8")


def test_utf8_bom_is_dropped_and_nothing_else_changes(tmp_path: Path) -> None:
    path = write(tmp_path, "bridge.txt", codecs.BOM_UTF8 + STORY.encode("utf-8"))
    result = read_source(str(path))
    assert result.text == STORY
    assert result.encoding == "utf-8"


def test_cp1252_curly_quotes_and_accents_decode_correctly(tmp_path: Path) -> None:
    story = (
        "The mayor\u2019s office confirmed the closure on Friday.\n"
        "\u201cWe\u2019re relieved,\u201d said Ren\u00e9e Dubois, who runs the caf\u00e9 on Quay Street.\n"
    )
    path = write(tmp_path, "bridge.txt", story.encode("cp1252"))
    result = read_source(str(path))
    assert result.text == story
    assert result.encoding == "cp1252"
    assert result.text.index("\u00e9") == story.index("\u00e9")  # offsets untouched


@pytest.mark.parametrize(
    ("bom", "codec"),
    [
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
    ],
)
def test_utf16_and_utf32_with_bom(tmp_path: Path, bom: bytes, codec: str) -> None:
    story = STORY + "Caf\u00e9 \u201cQuay\u201d\n"
    path = write(tmp_path, "bridge.txt", bom + story.encode(codec))
    result = read_source(str(path))
    assert result.text == story
    assert result.encoding == codec


@pytest.mark.parametrize("name", ["bridge.md", "bridge.markdown"])
def test_markdown_is_kept_as_is(tmp_path: Path, name: str) -> None:
    story = "# Harbour bridge reopens\n\n*Kettleby*, Tuesday \u2014 the bridge is **open**.\n\n- ferry ends\n"
    path = write(tmp_path, name, story.encode("utf-8"))
    result = read_source(str(path))
    assert (result.text, result.format) == (story, "markdown")


@pytest.mark.parametrize("name", ["bridge.text", "BRIDGE.TXT"])
def test_text_extensions_are_text_even_with_markup(tmp_path: Path, name: str) -> None:
    # A text extension is trusted: markup in such a file is text (the way to diff a page's source).
    content = "<html><body><p>Not parsed.</p></body></html>\n"
    path = write(tmp_path, name, content.encode("utf-8"))
    result = read_source(str(path))
    assert (result.text, result.format) == (content, "text")


def test_no_extension_is_sniffed(tmp_path: Path) -> None:
    # Pages saved by `curl -o page URL` or `wget` have no extension: read as standard input is.
    page = write(tmp_path, "bridge", news_page().encode("utf-8"))
    text = write(tmp_path, "notes", STORY.encode("utf-8"))
    assert read_source(str(page)).format == "html"
    assert PARAGRAPHS[0] in read_source(str(page)).text
    assert read_source(str(text)) == SourceText(str(text), STORY, "text", "utf-8")


def test_founding_example_is_read_exactly() -> None:
    if not FOUNDING_EXAMPLE.is_file():
        pytest.skip(f"founding example not available at {FOUNDING_EXAMPLE}")
    raw = FOUNDING_EXAMPLE.read_bytes()
    expected = raw.decode("utf-8-sig")
    result = read_source(str(FOUNDING_EXAMPLE))
    assert result.text == expected
    assert result.text.endswith("\n\n\n\n\n\n\n\n\n\n")  # the trailing run of blank lines survives
    assert (result.format, result.encoding) == ("text", "utf-8")


# --- HTML ---


def test_html_news_page_keeps_the_article_and_drops_the_furniture(tmp_path: Path) -> None:
    path = write(tmp_path, "bridge.html", news_page().encode("utf-8"))
    result = read_source(str(path))
    assert (result.format, result.encoding) == ("html", "utf-8")
    for paragraph in PARAGRAPHS:
        assert paragraph in result.text
    for furniture in FURNITURE:
        assert furniture not in result.text
    # Paragraphs are separated by exactly one blank line, in order.
    blocks = result.text.split("\n\n")
    assert all(block.strip() == block and block for block in blocks)
    assert [blocks.index(p) for p in PARAGRAPHS] == sorted(blocks.index(p) for p in PARAGRAPHS)
    assert "\n\n\n" not in result.text


@pytest.mark.parametrize(
    "charset_tag",
    [
        '<meta charset="iso-8859-1">',
        '<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">',
    ],
)
def test_latin1_html_honours_its_meta_charset(tmp_path: Path, charset_tag: str) -> None:
    paragraphs = [
        p + " Ren\u00e9e Dubois, who runs the caf\u00e9 on Quay Street, was the first to cross on foot."
        for p in PARAGRAPHS[:3]
    ]
    path = write(tmp_path, "bridge.htm", news_page(charset_tag, paragraphs).encode("latin-1"))
    result = read_source(str(path))
    assert "caf\u00e9 on Quay Street" in result.text
    assert "Ren\u00e9e Dubois" in result.text
    # Browsers read pages labelled latin-1 as windows-1252, a superset; so do we.
    assert result.encoding == "cp1252"


def test_html_with_a_wrong_meta_charset_still_decodes(tmp_path: Path) -> None:
    page = news_page('<meta charset="utf-16">', [p + " Caf\u00e9." for p in PARAGRAPHS])
    path = write(tmp_path, "bridge.html", page.encode("utf-8"))
    result = read_source(str(path))
    assert result.encoding == "utf-8"
    assert "Caf\u00e9." in result.text


def test_unknown_extension_is_sniffed(tmp_path: Path) -> None:
    html = write(tmp_path, "bridge.php", news_page().encode("utf-8"))
    text = write(tmp_path, "bridge.log", STORY.encode("utf-8"))
    assert read_source(str(html)).format == "html"
    assert read_source(str(text)) == SourceText(str(text), STORY, "text", "utf-8")


# --- standard input and read_bytes ---


def test_stdin_text() -> None:
    result = read_source("-", stdin=io.BytesIO(STORY.encode("utf-8")))
    assert result == SourceText(label="stdin", text=STORY, format="text", encoding="utf-8")


def test_stdin_html_is_sniffed_and_label_can_be_given() -> None:
    result = read_source("-", stdin=io.BytesIO(news_page().encode("utf-8")), label="morning edition")
    assert (result.label, result.format) == ("morning edition", "html")
    assert PARAGRAPHS[0] in result.text


def test_read_bytes_for_an_http_body() -> None:
    url = "https://example.org/news/bridge-reopens"
    result = read_bytes(news_page().encode("utf-8"), name=url, format="html")
    assert result.label == url
    assert PARAGRAPHS[-1] in result.text


def test_read_bytes_rejects_an_unknown_format() -> None:
    with pytest.raises(ValueError):
        read_bytes(b"text", name="x", format="pdf")


def test_source_text_is_frozen() -> None:
    result = read_bytes(b"Bridge open.\n", name="x")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.text = "changed"  # type: ignore[misc]


# --- size limit ---


def test_size_limit_is_inclusive(tmp_path: Path) -> None:
    path = write(tmp_path, "bridge.txt", b"a" * 1000)
    assert len(read_source(str(path), max_bytes=1000).text) == 1000
    message = read_error(str(path), max_bytes=999)
    assert str(path) in message and "999" in message


def test_oversized_file_is_refused_from_its_size(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as stream:
        stream.truncate(6_000_000)  # sparse: nothing is written
    message = read_error(str(path))
    assert str(path) in message
    assert "6,000,000 bytes" in message  # known from the file's size, not from reading it


def test_stdin_reads_at_most_one_byte_past_the_limit() -> None:
    stream = io.BytesIO(b"a" * 10_000)
    message = read_error("-", stdin=stream, max_bytes=100)
    assert "stdin" in message and "100" in message
    assert stream.tell() == 101


# --- errors ---


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.txt"
    assert read_error(str(path)) == f"no such file: {path}"


def test_missing_file_with_a_newline_in_its_name_still_gives_one_line(tmp_path: Path) -> None:
    message = read_error(str(tmp_path / "two\nlines.txt"))
    assert message.startswith("no such file:") and "lines.txt" in message


def test_directory(tmp_path: Path) -> None:
    message = read_error(str(tmp_path))
    assert str(tmp_path) in message and "directory" in message


def test_unreadable_file(tmp_path: Path) -> None:
    path = write(tmp_path, "secret.txt", STORY.encode("utf-8"))
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running with privileges that ignore file permissions")
        message = read_error(str(path))
        assert str(path) in message and "permission denied" in message
    finally:
        path.chmod(0o600)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("photo.png", png_bytes()),
        ("bridge.txt.gz", gzip.compress(STORY.encode("utf-8"))),
        ("disguised.txt", png_bytes()),
        ("controls.txt", bytes(range(1, 32)) * 20),
        ("nul.txt", STORY.encode("utf-8") + b"\x00" + STORY.encode("utf-8")),
        ("utf16-binary.txt", codecs.BOM_UTF16_LE + "".join(map(chr, range(1, 32))).encode("utf-16-le")),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_binary_files(tmp_path: Path, name: str, data: bytes) -> None:
    path = write(tmp_path, name, data)
    message = read_error(str(path))
    assert str(path) in message and "binary" in message


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("empty.txt", b""),
        ("blank.txt", b" \n\t\r\n\n"),
        ("bom-only.txt", codecs.BOM_UTF8),
        ("empty.html", b""),
        ("blank.html", b"\n\n   \n"),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_empty_documents(tmp_path: Path, name: str, data: bytes) -> None:
    path = write(tmp_path, name, data)
    message = read_error(str(path))
    assert str(path) in message and "empty" in message


def test_empty_stdin() -> None:
    assert read_error("-", stdin=io.BytesIO(b"")) == "stdin is empty"
    assert "stdin" in read_error("-", stdin=io.BytesIO(b"\n \n"))


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("highbytes.txt", bytes(range(0x80, 0x100)) * 4),
        ("broken-utf16.txt", codecs.BOM_UTF16_LE + "Bridge ".encode("utf-16-le") + b"\x00\xd8" + b"a\x00"),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_undecodable_bytes(tmp_path: Path, name: str, data: bytes) -> None:
    path = write(tmp_path, name, data)
    message = read_error(str(path))
    assert str(path) in message and "cannot decode" in message


def test_html_without_an_article(tmp_path: Path) -> None:
    page = news_page(paragraphs=[]).replace("<h1>Harbour bridge reopens after three-week closure</h1>", "")
    path = write(tmp_path, "front.html", page.encode("utf-8"))
    message = read_error(str(path))
    assert message.startswith("no article text found") and str(path) in message


def test_html_with_only_a_fragment(tmp_path: Path) -> None:
    path = write(tmp_path, "stub.html", b"<!DOCTYPE html><html><body><p>Bridge open.</p></body></html>")
    message = read_error(str(path))
    assert message.startswith("no article text found") and str(path) in message


def test_malformed_html_gives_an_input_error_not_a_traceback(tmp_path: Path) -> None:
    path = write(tmp_path, "broken.html", b"<html><body><p>Bridge <<<>>> <![CDATA[ \xef\xbb\xbf </div></td>")
    message = read_error(str(path))
    assert str(path) in message
