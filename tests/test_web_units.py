"""The web app's small modules on their own: outlets, times, sampling, the chart, the diff view, CSRF, caching."""

from __future__ import annotations

import asyncio
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from starlette.datastructures import FormData, Headers, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request

import storytrace
from storytrace.report._view import Seg
from storytrace.store import VersionInfo
from storytrace.web.cache import LRU, Versioned
from storytrace.web.collationview import pick, spread
from storytrace.web.compare import CompareError, read_side
from storytrace.web.diffview import diff_view, inline_segs, is_change
from storytrace.web.outlets import outlet_of
from storytrace.web.render import wants_json
from storytrace.web.routes._common import parse_since
from storytrace.web.routes.api import operations
from storytrace.web.security import Csrf, bearer, same_origin, token_matches
from storytrace.web.serve import ServeError, is_loopback, run
from storytrace.web.timeline import change_chart, change_counts, change_size

NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)


def _request(path: str = "/", headers: dict[str, str] | None = None, cookies: dict[str, str] | None = None) -> Request:
    raw = [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    if cookies:
        raw.append((b"cookie", "; ".join(f"{k}={v}" for k, v in cookies.items()).encode()))
    return Request({"type": "http", "method": "GET", "path": path, "headers": raw, "query_string": b"",
                    "scheme": "http", "server": ("127.0.0.1", 8000)})


@pytest.mark.parametrize(
    ("url", "outlet"),
    [
        ("https://www.Gazette.example/news/1", "gazette.example"),
        ("http://courier.example:8080/a?b=c", "courier.example"),
        ("https://news.bbc.co.uk/x", "news.bbc.co.uk"),
        ("not a url", "not a url"),
        ("https://[::1]:80/x", "::1"),
    ],
)
def test_the_outlet_is_the_host_without_www(url: str, outlet: str) -> None:
    assert outlet_of(url) == outlet


def test_since_reads_dates_times_and_spans() -> None:
    assert parse_since("", NOW) is None
    assert parse_since("24h", NOW) == NOW - timedelta(hours=24)
    assert parse_since(" 7D ", NOW) == NOW - timedelta(days=7)
    assert parse_since("2w", NOW) == NOW - timedelta(weeks=2)
    assert parse_since("2025-03-01", NOW) == datetime(2025, 3, 1, tzinfo=UTC)
    assert parse_since("2025-03-01T09:30:00+02:00", NOW) == datetime(2025, 3, 1, 7, 30, tzinfo=UTC)
    for bad in ("yesterday", "7 days", "2025-13-01", "99999999h"):
        with pytest.raises(HTTPException) as caught:
            parse_since(bad, NOW)
        assert caught.value.status_code == 422


def test_versions_are_sampled_evenly_with_the_first_and_last() -> None:
    assert spread(5, 10) == [0, 1, 2, 3, 4]
    assert spread(200, 5) == [0, 50, 100, 149, 199]
    assert spread(7, 1) == [6]
    assert pick([3, 2], 10) == [[1, 2, 3], [1, 2]]
    picked = pick([200, 20], 40)
    assert len(picked[0]) == 36 and len(picked[1]) == 3 and picked[0][0] == 1 and picked[0][-1] == 200
    assert sum(len(p) for p in pick([100] * 8, 40)) <= 40


def _info(number: int, summary: dict[str, Any] | None) -> VersionInfo:
    return VersionInfo(number, number, NOW + timedelta(hours=number), f"h{number}", None, None, None, 200, None,
                       summary)


def test_the_chart_stacks_each_versions_changes_and_links_its_diff() -> None:
    versions = [_info(1, None), _info(2, {"unchanged": 5, "substantive": 2, "minor": 1, "added": 1}),
                _info(3, {"deleted": 4}), _info(4, {"unchanged": 9})]
    chart = change_chart(versions, lambda n: f"/d/{n}")
    assert [b.href for b in chart.bars] == [None, "/d/2", "/d/3", "/d/4"]
    assert [b.total for b in chart.bars] == [0, 4, 4, 0]
    second = chart.bars[1]
    assert [s.kind for s in second.segments] == ["substantive", "minor", "added"]
    assert second.segments[-1].y >= chart.top and sum(s.height for s in second.segments) == pytest.approx(
        chart.baseline - chart.top
    )
    assert "2 substantive, 1 minor, 1 added" in second.title and "first version" in chart.bars[0].title
    assert "no sentence changed" in chart.bars[3].title
    assert chart.ticks[0] == (chart.baseline, 0) and chart.ticks[-1][1] == 4
    many = change_chart([_info(n, {"minor": n % 7}) for n in range(1, 201)], str)
    assert len(many.bars) == 200 and many.width == 1160 and len(many.labels) <= 13
    assert all(b.x + b.width <= many.right + 0.01 for b in many.bars)


def test_change_counts_ignore_what_is_not_a_count() -> None:
    assert change_counts({"minor": "x", "added": -3, "deleted": None, "substantive": 2.0}) == {
        "substantive": 2, "minor": 0, "added": 0, "deleted": 0,
    }
    assert change_size(None) == 0 and change_size({"unchanged": 40, "added": 2}) == 2


def test_the_inline_view_reads_each_link_as_one_text() -> None:
    doc = storytrace.diff(
        "Two people were hurt. The harbour closed. A ferry sank.",
        "Three people were hurt. The harbour closed. Police came. A ferry sank.",
    ).to_dict()
    kinds = {link["kind"]: link for link in doc["links"]}
    assert {s.op for s in inline_segs(doc, kinds["substantive"])} >= {"delete", "insert"}
    assert inline_segs(doc, kinds["added"]) == (Seg("insert", "Police came."),)
    assert inline_segs(doc, kinds["unchanged"])[0].op == "equal"
    edited = dict(kinds["substantive"], diff=[])  # no word diff: the old text struck out, then the new
    assert [s.op for s in inline_segs(doc, edited)] == ["delete", "equal", "insert"]
    view = diff_view(doc, view="inline", only_changes=True)
    assert view["change_count"] == 2 and [i for i in view["items"] if isinstance(i, int)] == [1, 1]
    assert [i.anchor for i in view["items"] if not isinstance(i, int)] == ["link-1", "link-3"]
    side = diff_view(doc, view="side")
    assert [r.anchor for r in side["items"]] == ["link-1", "link-2", "link-3", "link-4"]
    assert is_change({"kind": "unchanged", "moved": True}) and not is_change({"kind": "unchanged"})


def test_csrf_tokens_are_signed_and_tied_to_the_cookie() -> None:
    csrf = Csrf(b"k" * 32)
    first = _request()
    token = csrf.token(first)
    nonce = first.state.csrf_nonce
    with_cookie = _request(cookies={"storytrace_csrf": nonce})
    assert csrf.valid(with_cookie, token)
    assert csrf.token(with_cookie) == token  # the cookie's nonce is kept
    assert not csrf.valid(_request(), token)  # no cookie
    assert not csrf.valid(with_cookie, None) and not csrf.valid(with_cookie, "")
    assert not csrf.valid(with_cookie, token[:-1] + ("0" if token[-1] != "0" else "1"))
    assert not Csrf(b"other-secret-32-bytes-long......").valid(with_cookie, token)
    other_nonce = "A" * 24
    forged = f"{other_nonce}.{token.split('.')[1]}"
    assert not csrf.valid(_request(cookies={"storytrace_csrf": other_nonce}), forged)
    assert not csrf.valid(_request(cookies={"storytrace_csrf": "short"}), "short." + token.split(".")[1])


def test_tokens_bearer_and_origins() -> None:
    assert token_matches("s3cret", "s3cret") and not token_matches("s3cret", "s3cre") and not token_matches(None, "x")
    assert not token_matches("s3cret", None)
    assert bearer(_request(headers={"Authorization": "Bearer abc "})) == "abc"
    assert bearer(_request(headers={"Authorization": "Basic abc"})) is None and bearer(_request()) is None
    host = {"Host": "127.0.0.1:8000"}
    assert same_origin(_request(headers=host))
    assert same_origin(_request(headers={**host, "Origin": "http://127.0.0.1:8000"}))
    assert same_origin(_request(headers={**host, "Referer": "http://127.0.0.1:8000/compare"}))
    assert not same_origin(_request(headers={**host, "Origin": "http://evil.example"}))
    assert not same_origin(_request(headers={**host, "Origin": "null"}))
    assert not same_origin(_request(headers={**host, "Referer": "http://127.0.0.1:8000.evil.example/"}))


def test_json_is_chosen_by_suffix_or_accept() -> None:
    assert wants_json(_request("/stories.json"))
    assert wants_json(_request("/stories", {"Accept": "application/json"}))
    assert not wants_json(_request("/stories", {"Accept": "text/html,application/json;q=0.9"}))
    assert not wants_json(_request("/stories"))


def test_the_lru_cache_computes_once_and_evicts_the_oldest() -> None:
    cache: LRU[int] = LRU(2)
    calls: list[str] = []

    def make(key: str) -> int:
        calls.append(key)
        return len(calls)

    assert cache.get("a", lambda: make("a")) == 1 and cache.get("a", lambda: make("a")) == 1
    cache.get("b", lambda: make("b"))
    cache.get("a", lambda: make("a"))  # "a" is now the most recent
    cache.get("c", lambda: make("c"))  # evicts "b"
    cache.get("b", lambda: make("b"))
    assert calls == ["a", "b", "c", "b"] and len(cache) == 2


def test_the_lru_cache_keeps_values_up_to_their_weight() -> None:
    """A diff of two long versions weighs their length: a few of them would otherwise hold gigabytes of server
    memory (found by a review: each cached 2.4 MB diff took 60-100 MB)."""
    cache: LRU[str] = LRU(16, most_weight=100)
    cache.get("a", lambda: "A", weight=60)
    cache.get("b", lambda: "B", weight=30)
    assert cache.find("a") == "A" and cache.find("b") == "B"
    cache.get("c", lambda: "C", weight=20)  # 110 > 100: the oldest ("a", looked at before "b") goes
    assert cache.find("a") is None and cache.find("b") == "B" and cache.find("c") == "C" and len(cache) == 2
    assert cache.get("d", lambda: "D", weight=101) == "D"  # heavier than everything allowed: computed, not kept
    assert cache.find("d") is None and len(cache) == 2
    cache.put("b", "B2", weight=90)  # the same key again: its old weight is taken back first, then "c" goes
    assert cache.find("b") == "B2" and cache.find("c") is None and len(cache) == 1


def _waiting(thread: threading.Thread) -> bool:
    """Is `thread` blocked in threading's Event.wait (a request waiting for another's computation)?"""
    frame = sys._current_frames().get(thread.ident or -1)
    while frame is not None:
        if frame.f_code.co_name == "wait" and frame.f_globals.get("__name__") == "threading":
            return True
        frame = frame.f_back
    return False


def test_the_lru_cache_computes_a_value_asked_for_together_once_and_forgets_a_failure() -> None:
    """Two requests for the same missing diff computed it twice; now the second waits for the first. Another key
    is computed meanwhile (no lock is held while computing), and a computation that fails is not kept: a request
    waiting for it computes the value itself, as does the next one."""
    cache: LRU[str] = LRU(4)
    started, release = threading.Event(), threading.Event()
    calls: list[str] = []
    got: dict[str, object] = {}

    def first() -> str:
        calls.append("first")
        started.set()
        release.wait(30)
        raise ValueError("the first computation failed")

    def ask(name: str, compute: Any) -> None:
        try:
            got[name] = cache.get("a", compute)
        except ValueError as error:
            got[name] = error

    def second() -> str:
        calls.append("second")
        return "A"

    one = threading.Thread(target=ask, args=("one", first))
    one.start()
    assert started.wait(30)
    two = threading.Thread(target=ask, args=("two", second))
    two.start()
    deadline = time.monotonic() + 10
    while not _waiting(two) and time.monotonic() < deadline:
        time.sleep(0.001)
    assert _waiting(two) and calls == ["first"]  # the second request waits, computing nothing
    assert cache.get("b", lambda: "B") == "B"  # another key, while "a" is being computed
    release.set()
    one.join(30)
    two.join(30)
    assert isinstance(got["one"], ValueError) and got["two"] == "A" and calls == ["first", "second"]
    assert cache.find("a") == "A" and cache.computed == 3
    # A failure alone is not kept either: the next request computes again.
    assert cache.get("c", lambda: "C") == "C"

    def failing() -> str:
        raise ValueError("no")

    with pytest.raises(ValueError):
        cache.get("d", failing)
    assert cache.find("d") is None and cache.get("d", lambda: "D") == "D"


def test_versioned_values_last_while_the_data_version_does(monkeypatch: pytest.MonkeyPatch) -> None:
    from storytrace.web import cache as cache_module

    clock = [100.0]
    monkeypatch.setattr(cache_module.time, "monotonic", lambda: clock[0])
    kept: Versioned[int] = Versioned(ttl=5.0)
    calls: list[int] = []

    def make() -> int:
        calls.append(1)
        return len(calls)

    assert kept.get("k", (1, 1), make) == 1 and kept.get("k", (1, 1), make) == 1
    assert kept.get("k", (1, 2), make) == 2  # a new version was added
    clock[0] += 6
    assert kept.get("k", (1, 2), make) == 3  # too old
    never: Versioned[int] = Versioned(ttl=0)
    assert never.get("k", 1, make) == 4 and never.get("k", 1, make) == 5


def test_the_api_reference_lists_operations() -> None:
    spec = {"paths": {"/b": {"get": {"summary": "B", "parameters": [
        {"name": "q", "in": "query", "schema": {"type": "string"}, "description": "words"}]}},
        "/a": {"post": {"summary": "A"}, "get": {"summary": "A list"}}}}
    assert [(o["method"], o["path"]) for o in operations(spec)] == [("GET", "/a"), ("POST", "/a"), ("GET", "/b")]
    assert operations(spec)[2]["parameters"] == [("q", "query", "string", "words")]


def _form(**fields: Any) -> FormData:
    return FormData(list(fields.items()))


def _upload(name: str, data: bytes) -> UploadFile:
    import io

    return UploadFile(io.BytesIO(data), filename=name, headers=Headers({"content-type": "text/plain"}))


def test_the_compare_form_reads_texts_or_files() -> None:
    def side(form: FormData, which: str = "a", limit: int = 1000) -> Any:
        return asyncio.run(read_side(form, which, limit))

    assert side(_form(a="One.\r\nTwo.")).text == "One.\nTwo."
    assert side(_form(a="x", label_a=" Draft\x1b ")).label == "Draft␛"
    assert side(_form(b="text"), "b").label == "B"
    read = side(_form(a="ignored", file_a=_upload("v1.txt", "Caf\u00e9 news.".encode("cp1252"))))
    assert read.label == "v1.txt" and read.text == "Caf\u00e9 news."
    for form, message in (
        (_form(a="  "), "Give text A"),
        (_form(a="x" * 1001), "larger than"),
        (_form(file_a=_upload("big.txt", b"x" * 1001)), "larger than"),
        (_form(file_a=_upload("blob.bin", bytes(range(256)))), "binary"),
        (_form(a="a\x00b"), "NUL"),
    ):
        with pytest.raises(CompareError, match=message):
            side(form)


def test_serve_checks_its_options() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1") and is_loopback("127.8.0.1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.2") and not is_loopback("example.com")
    with pytest.raises(ServeError):
        run(None, port=70000)


def test_serve_on_a_port_in_use_or_an_unknown_host_is_one_line(tmp_path: Path) -> None:
    """The listening socket is bound before anything is printed: no "serving ..." line, no uvicorn log, status 2."""
    import socket
    import subprocess
    import sys

    command = str(Path(sys.executable).with_name("storytrace"))
    store = f"sqlite:///{tmp_path / 'store.db'}"
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        for args, message in (
            (["--port", str(port)], f"cannot listen on 127.0.0.1:{port}: Address already in use"),
            (["--host", "256.1.1.1"], "cannot listen on 256.1.1.1: "),
        ):
            done = subprocess.run([command, "serve", "--db", store, *args], capture_output=True, text=True, timeout=60)
            assert done.returncode == 2 and done.stdout == ""
            assert done.stderr.startswith(f"storytrace: error: {message}") and done.stderr.count("\n") == 1


def test_serve_says_when_it_makes_a_new_store(tmp_path: Path) -> None:
    """A --db that names no file yet is made (the web form can add stories), and the first lines say so."""
    import subprocess
    import sys

    command = str(Path(sys.executable).with_name("storytrace"))
    store = tmp_path / "fresh.db"
    server = subprocess.Popen([command, "serve", "--db", f"sqlite:///{store}", "--port", "0"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = server.stdout.readline() if server.stdout else ""
        second = server.stdout.readline() if server.stdout else ""
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert first.startswith("storytrace: serving sqlite:///") and "at http://127.0.0.1:" in first
    assert second == f"storytrace: {store} did not exist: a new, empty store was made there\n"
    assert store.exists()
