"""End-to-end tests of bad input that once ended in a traceback, a wrong exit status or a misleading message: the
installed command, real files, a real store and a real HTTP server on loopback."""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from storytrace.store import open_store
from storytrace.store.models import MAX_URL_LENGTH as STORE_MAX_URL_LENGTH
from storytrace.track.urls import MAX_URL_LENGTH

from .cli_support import COMMAND, one_error_line
from .test_cli import run

ARTICLE = "The mayor said on Monday that the bridge would close. Ten people were hurt. Police are investigating.\n"


PAGE = ("<html><head><title>Bridge closes</title></head><body><article>" + "".join(
    f"<p>The mayor said on Monday that bridge number {n} would close for repairs after an inspection found cracks.</p>"
    for n in range(8)) + "</article></body></html>").encode()
FAST = "[fetch]\npoliteness_delay = 0\ntotal_timeout = 3\nconnect_timeout = 1\nretries = 0\n"


class Pages:
    """A real HTTP server on loopback answering each path with a fixed (status, content type, body)."""

    def __init__(self) -> None:
        self.answers: dict[str, tuple[int, str, bytes]] = {}
        pages = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                status, kind, body = pages.answers.get(self.path, (404, "text/plain", b"not found"))
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"


@pytest.fixture
def pages() -> Iterator[Pages]:
    served = Pages()
    yield served
    served.server.shutdown()
    served.server.server_close()


def _workdir(tmp_path: Path) -> Path:
    (tmp_path / "storytrace.toml").write_text(FAST, encoding="utf-8")
    return tmp_path


def _article(tmp_path: Path, name: str = "a.txt", text: str = ARTICLE) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("entry", [{"path": None}, {"text": None}, {"path": None, "text": None}])
def test_collate_manifest_null_path_or_text_is_refused(tmp_path: Path, entry: dict[str, None]) -> None:
    manifest = tmp_path / "story.json"
    manifest.write_text(json.dumps([{"path": str(_article(tmp_path))}, entry]), encoding="utf-8")
    line = one_error_line(run("collate", "-m", str(manifest), "--summary"))
    assert 'version 2 needs exactly one of "path" and "text"' in line


def test_collate_manifest_from_an_endless_device_is_refused(tmp_path: Path) -> None:
    line = one_error_line(run("collate", "-m", "/dev/zero", "--summary"))
    assert "/dev/zero" in line and "limit" in line


@pytest.mark.parametrize(
    ("setting", "said"),
    [
        ('[schedule]\nfirst_interval = 1e20', "first_interval"),
        ('[schedule]\nmax_interval = "99999999999999d"', "max_interval"),
        ('[schedule]\nmax_interval = "900000000d"', "max_interval"),
        ("[schedule]\nfactor = nan", "factor"),
        ("[fetch]\npoliteness_delay = inf", "politeness_delay"),
        ("[fetch]\nbackoff = nan", "backoff"),
        ("[fetch]\nuser_agent = 5", "user_agent"),
    ],
)
def test_config_values_that_cannot_work_are_refused(tmp_path: Path, setting: str, said: str) -> None:
    config = tmp_path / "storytrace.toml"
    config.write_text(setting + "\n", encoding="utf-8")
    open_store(f"sqlite:///{tmp_path / 'store.db'}").close()
    line = one_error_line(run("log", "https://example.org/a", "--config", str(config), "--db",
                              f"sqlite:///{tmp_path / 'store.db'}"))
    assert said in line


def test_read_commands_open_an_existing_postgresql_store(store_url: str, tmp_path: Path) -> None:
    open_store(store_url).close()
    done = run("feed", "--db", store_url, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    line = one_error_line(run("log", "https://example.org/a", "--db", store_url, cwd=tmp_path))
    assert "no story is tracked" in line


def test_the_url_limit_is_the_stores() -> None:
    assert MAX_URL_LENGTH == STORE_MAX_URL_LENGTH


def test_add_refuses_an_overlong_url_before_fetching(tmp_path: Path, pages: Pages) -> None:
    pages.answers["/ok"] = (200, "text/html", PAGE)
    started = time.monotonic()
    line = one_error_line(run("add", pages.url("/ok?" + "a" * MAX_URL_LENGTH), cwd=_workdir(tmp_path)))
    assert "longer than" in line and len(line) < 300
    assert time.monotonic() - started < 10
    assert not (tmp_path / "storytrace.db").exists()


def test_a_feed_entry_with_an_overlong_link_is_skipped(tmp_path: Path, pages: Pages) -> None:
    pages.answers["/ok"] = (200, "text/html", PAGE)
    links = [pages.url("/ok"), pages.url("/ok?" + "a" * MAX_URL_LENGTH)]
    items = "".join(f"<item><title>t{n}</title><link>{link}</link></item>" for n, link in enumerate(links))
    feed = f"<?xml version='1.0'?><rss version='2.0'><channel><title>News</title>{items}</channel></rss>"
    pages.answers["/feed"] = (200, "application/rss+xml", feed.encode())
    started = time.monotonic()
    done = run("add", pages.url("/feed"), "--json", cwd=_workdir(tmp_path))
    assert done.returncode == 0, done.stderr
    assert time.monotonic() - started < 10
    assert json.loads(done.stdout)["new_stories"] == [pages.url("/ok")]


@pytest.mark.parametrize("target", [".", "", ".."])
def test_a_report_written_to_a_directory_is_refused(tmp_path: Path, target: str) -> None:
    a, b = _article(tmp_path), _article(tmp_path, "b.txt", ARTICLE.replace("Ten", "Twelve"))
    line = one_error_line(run("diff", str(a), str(b), "--html", target, cwd=tmp_path))
    assert "is a directory" in line


HUGE = str(10**25)


@pytest.mark.parametrize("limit", ["-1", HUGE])
@pytest.mark.parametrize("command", [["group"], ["index", "-i", "x.index"], ["trace", "a.txt"]])
def test_corpus_commands_refuse_a_max_bytes_out_of_range(tmp_path: Path, command: list[str], limit: str) -> None:
    _article(tmp_path)
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(json.dumps({"id": "a", "text": ARTICLE}) + "\n", encoding="utf-8")
    where = ["--corpus", str(corpus)] if command[0] != "index" else [str(corpus)]
    line = one_error_line(run(*command, *where, "--max-bytes", limit, cwd=tmp_path))
    assert "--max-bytes" in line


@pytest.mark.parametrize("command", ["diff", "collate"])
def test_a_max_bytes_too_large_to_read_is_refused(tmp_path: Path, command: str) -> None:
    a, b = _article(tmp_path), _article(tmp_path, "b.txt", ARTICLE.replace("Ten", "Twelve"))
    line = one_error_line(run(command, str(a), str(b), "--max-bytes", HUGE))
    assert "--max-bytes must be a positive number of bytes" in line


@pytest.fixture
def one_story(tmp_path: Path, pages: Pages) -> tuple[Path, str]:
    """A working directory whose store holds one story with one version."""
    pages.answers["/news"] = (200, "text/html", PAGE)
    workdir = _workdir(tmp_path)
    added = run("add", pages.url("/news"), cwd=workdir)
    assert added.returncode == 0, added.stderr
    return workdir, pages.url("/news")


@pytest.mark.parametrize("command", [["log", "{url}", "--limit", HUGE], ["feed", "--limit", HUGE],
                                     ["log", "{url}", "--limit", "0"], ["diff", "{url}@" + HUGE, "{url}@1"]])
def test_numbers_beyond_a_database_integer_are_refused(one_story: tuple[Path, str], command: list[str]) -> None:
    workdir, url = one_story
    line = one_error_line(run(*[part.format(url=url) for part in command], cwd=workdir))
    assert "--limit must be between 1 and" in line or f"has no version {HUGE}" in line


def _batch_corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "c.jsonl"
    lines = [{"url": "https://example.org/a", "text": ARTICLE}, {"url": "https://example.org/a", "text": ARTICLE + "x"}]
    corpus.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return corpus


@pytest.mark.parametrize(
    ("options", "said"),
    [
        (["--workers", "99999999999"], "--workers must be between 1 and"),
        (["--workers", "1", "--partitions", HUGE], "--partitions must be between 1 and"),
        (["--scheduler", "tcp://127.0.0.1:1", "--connect-timeout", "nan"], "--connect-timeout must be"),
        (["--scheduler", "tcp://127.0.0.1:1", "--connect-timeout", "inf"], "--connect-timeout must be"),
    ],
)
def test_batch_refuses_numbers_that_would_exhaust_the_machine(tmp_path: Path, options: list[str], said: str) -> None:
    started = time.monotonic()
    line = one_error_line(run("batch", str(_batch_corpus(tmp_path)), "--out", str(tmp_path / "out"), "-q", *options))
    assert said in line
    assert time.monotonic() - started < 30
    assert not (tmp_path / "out").exists()


def test_batch_refuses_a_device_as_its_corpus(tmp_path: Path) -> None:
    line = one_error_line(run("batch", "/dev/zero", "--format", "jsonl", "--out", str(tmp_path / "out"), "-q"))
    assert "/dev/zero is not a regular file" in line


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_read_as_text(tmp_path: Path, codec: str) -> None:
    a = _article(tmp_path)
    b = tmp_path / "b.txt"
    b.write_bytes(ARTICLE.replace("Ten", "Tén").encode(codec))
    done = run("diff", str(a), str(b), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["versions"][1]["text"] == ARTICLE.replace("Ten", "Tén")


def test_add_asks_a_stalling_host_once(tmp_path: Path) -> None:
    """The page was fetched to see whether it is a feed, then again to store it: twice the timeout."""
    stalled = threading.Event()

    class Stalling(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            if self.path == "/robots.txt":
                self.send_error(404)
                return
            stalled.wait(30)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Stalling)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        started = time.monotonic()
        done = run("add", f"http://127.0.0.1:{server.server_address[1]}/news", cwd=_workdir(tmp_path))
        elapsed = time.monotonic() - started
    finally:
        stalled.set()
        server.shutdown()
        server.server_close()
    assert done.returncode == 1 and "no complete answer within 3 s" in done.stdout, (done.stdout, done.stderr)
    assert elapsed < 6


# Found by a fuzzing review of the CLI (each was "internal error", exit 1).


def test_a_page_declaring_a_charset_python_cannot_decode_with_is_read_otherwise(tmp_path: Path) -> None:
    """Python's "undefined" codec exists but refuses every byte with UnicodeError (not UnicodeDecodeError)."""
    page = tmp_path / "u.html"
    page.write_bytes(b"<meta charset=undefined><p>" + ARTICLE.encode() + b" Caf\xe9 owners were told.</p>")
    done = run("diff", str(page), str(_article(tmp_path)), "--json")
    assert done.returncode == 0, done.stderr
    assert "Café owners were told." in json.loads(done.stdout)["versions"][0]["text"]


@pytest.mark.parametrize(
    ("content", "name", "says"),
    [
        ("[" * 100_000 + "]" * 100_000, "deep.json",
         "deep.json: not a manifest storytrace can read (nested too deeply)"),
        ("[" + "1" * 5000 + "]", "long.json", "long.json: not a manifest storytrace can read (a number too long)"),
        ('{"text": "One."}\n[' + "1" * 5000 + "]\n", "long.jsonl",
         "long.jsonl: line 2 is not JSON storytrace can read (a number too long)"),
    ],
)
def test_a_manifest_of_valid_json_python_refuses_is_a_one_line_error(
    tmp_path: Path, content: str, name: str, says: str
) -> None:
    (tmp_path / name).write_text(content, encoding="utf-8")
    assert one_error_line(run("collate", "--manifest", str(tmp_path / name))) == f"storytrace: error: {tmp_path / says}"


def test_a_file_name_that_is_not_utf8_is_shown_and_the_report_written(tmp_path: Path) -> None:
    odd = os.fsdecode(b"\xff.txt")  # (a byte that no UTF-8 name holds: the str carries it as a surrogate)
    (tmp_path / "b.txt").write_text(ARTICLE.replace("Ten", "Twelve"), encoding="utf-8")
    (tmp_path / odd).write_text(ARTICLE, encoding="utf-8")
    done = run("diff", odd, "b.txt", "--html", "out.html", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "\ufffd.txt" in (tmp_path / "out.html").read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_output_that_cannot_carry_every_character_still_works(tmp_path: Path, encoding: str) -> None:
    """A terminal set to ASCII or Latin-1 stopped every diff at its arrow ("→"): the views now show "?" for what it
    cannot print, and --json escapes it, the same document as on a UTF-8 terminal."""
    a = _article(tmp_path, "a.txt", "The fire \u201cwas\u201d out. \U0001f4f0 Ten people were hurt.\n")
    b = _article(tmp_path, "b.txt", "The fire \u201cwas\u201d out. \U0001f4f0 Twelve people were hurt.\n")

    def diff(*options: str, output: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "PYTHONIOENCODING": output, "NO_COLOR": "1", "COLUMNS": "100"}
        return subprocess.run(COMMAND + ["diff", str(a), str(b), *options], capture_output=True, env=env,
                              text=True, encoding=output, errors="strict", timeout=120)

    shown = diff(output=encoding)
    assert shown.returncode == 0 and shown.stderr == "", shown.stderr
    assert "1 substantive" in shown.stdout and "A1 B1 The fire" in shown.stdout
    narrow, wide = diff("--json", output=encoding), diff("--json", output="utf-8")
    assert narrow.returncode == 0 and "\\u201c" in narrow.stdout
    assert json.loads(narrow.stdout) == json.loads(wide.stdout)


def test_a_report_that_fails_to_encode_leaves_no_temporary_file(tmp_path: Path) -> None:
    from storytrace.cli import _write

    with pytest.raises(UnicodeEncodeError):
        _write(tmp_path / "out.html", "text with a lone surrogate \udcff")
    assert list(tmp_path.iterdir()) == []
