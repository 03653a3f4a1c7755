"""End-to-end tests of `storytrace diff`: the installed command, run as a user would run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from .conftest import FOUNDING_A, FOUNDING_B, REPO

DEMO = REPO / "examples" / "demo"
COMMAND = [str(Path(sys.executable).with_name("storytrace"))]


def run(*args: str, stdin: bytes | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "120", "NO_COLOR": "1"}
    env.pop("STORYTRACE_DEBUG", None)
    return subprocess.run(
        COMMAND + list(args),
        input=stdin.decode() if stdin else None,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=cwd,
    )


def test_founding_example_json_validates_and_matches(diff_schema: dict[str, object]) -> None:
    done = run("diff", str(FOUNDING_A), str(FOUNDING_B), "--json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    jsonschema.validate(document, diff_schema)
    assert document["schema"] == "storytrace.diff/1"
    assert document["versions"][0]["text"] == FOUNDING_A.read_text(encoding="utf-8")
    summary = document["summary"]
    assert (summary["unchanged"], summary["minor"], summary["added"], summary["deleted"]) == (6, 2, 7, 9)


def test_word_diff_runs_are_as_docs_json_says(tmp_path: Path) -> None:
    """docs/json.md: a run's `text` is the run as read (B's for `equal`) with the white space after it, and `a`/`b`
    span it without that white space; checked on real revisions (IteraTeR news, read from ../shared)."""
    from .conftest import SHARED

    rows = (SHARED / "data" / "iterater-human" / "doc_level_dev.jsonl").read_text(encoding="utf-8").splitlines()
    checked = 0
    for number, row in enumerate(json.loads(line) for line in rows[:12]):
        (tmp_path / f"{number}a.txt").write_text(row["before_revision"], encoding="utf-8")
        (tmp_path / f"{number}b.txt").write_text(row["after_revision"], encoding="utf-8")
        done = run("diff", str(tmp_path / f"{number}a.txt"), str(tmp_path / f"{number}b.txt"), "--json")
        assert done.returncode == 0, done.stderr
        document = json.loads(done.stdout)
        texts = {"a": document["versions"][0]["text"], "b": document["versions"][1]["text"]}
        for link in document["links"]:
            for piece in link["diff"]:
                side = "a" if piece["op"] == "delete" else "b"
                start, end = piece[side]
                exact = texts[side][start:end]
                assert piece["text"].startswith(exact) and not piece["text"][len(exact):].strip(), piece
                checked += 1
    assert checked > 100


def test_terminal_views_show_sentences_and_summary() -> None:
    inline = run("diff", str(DEMO / "harbour-fire-v1.txt"), str(DEMO / "harbour-fire-v2.txt"))
    assert inline.returncode == 0, inline.stderr
    assert "unchanged" in inline.stdout and "substantive" in inline.stdout
    assert "number 40, eight → 60, ten" in inline.stdout
    assert "moved" in inline.stdout
    side = run("diff", str(DEMO / "harbour-fire-v1.txt"), str(DEMO / "harbour-fire-v2.txt"), "-s", "-c")
    assert side.returncode == 0, side.stderr
    assert "Police said they were not treating it as suspicious." in side.stdout
    summary = run("diff", str(DEMO / "harbour-fire-v1.txt"), str(DEMO / "harbour-fire-v2.txt"), "--summary")
    assert summary.stdout.strip().count("\n") == 0 and "unchanged" in summary.stdout


def test_html_report_is_written_and_escaped(tmp_path: Path) -> None:
    a = tmp_path / "a.txt"
    b = tmp_path / "b.txt"
    a.write_text("The mayor spoke on Monday. <script>alert(1)</script> was posted online.", encoding="utf-8")
    b.write_text("The mayor spoke on Tuesday. <script>alert(1)</script> was posted online.", encoding="utf-8")
    out = tmp_path / "report.html"
    done = run("diff", str(a), str(b), "--html", str(out))
    assert done.returncode == 0, done.stderr
    page = out.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script" not in page.lower()


def test_text_that_makes_sentencex_panic_is_diffed(tmp_path: Path) -> None:
    """sentencex panics on a capital, a no-break space and a full stop; the diff still runs, silently."""
    a = tmp_path / "a.txt"
    b = tmp_path / "b.txt"
    a.write_text("The plan was called Plan A\u00a0. It failed in the U.S. Then it ended.", encoding="utf-8")
    b.write_text("The plan was called Plan A\u00a0. It failed in the U.S. Then it was over.", encoding="utf-8")
    done = run("diff", str(a), str(b), "--json")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    version = json.loads(done.stdout)["versions"][0]
    assert [version["text"][s["start"] : s["end"]] for s in version["sentences"]] == [
        "The plan was called Plan A\u00a0.",
        "It failed in the U.S. Then it ended.",
    ]
    assert json.loads(done.stdout)["links"][0]["kind"] == "unchanged"


def test_stdin_is_one_version() -> None:
    done = run("diff", "-", str(FOUNDING_B), "--summary", stdin=FOUNDING_A.read_bytes())
    assert done.returncode == 0, done.stderr
    assert "6 unchanged" in done.stdout and "9 deleted" in done.stdout


def test_html_input_is_extracted(tmp_path: Path) -> None:
    page = (
        "<html><head><title>x</title></head><body><nav>Home | World | Sport</nav><article>"
        "<p>The council approved the new bridge on Monday after a two-year debate over its cost.</p>"
        "<p>Work will start in March and is expected to take eighteen months, officials said.</p>"
        "</article><footer>Copyright Example News. All rights reserved.</footer></body></html>"
    )
    (tmp_path / "v1.html").write_text(page, encoding="utf-8")
    (tmp_path / "v2.html").write_text(page.replace("eighteen", "twenty"), encoding="utf-8")
    done = run("diff", str(tmp_path / "v1.html"), str(tmp_path / "v2.html"), "--json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert "Copyright" not in document["versions"][0]["text"]
    kinds = [link["kind"] for link in document["links"]]
    assert kinds == ["unchanged", "substantive"]


def _saved_page(text: str) -> str:
    """A news page as a browser or `curl -o` saves it: furniture around the article's paragraphs."""
    paragraphs = "".join(f"<p>{line}</p>" for line in text.splitlines() if line.strip())
    return (
        "<!doctype html><html><head><title>Channel crossings</title></head><body><nav>Home | World | UK</nav>"
        f"<article>{paragraphs}</article><footer>Copyright. All rights reserved.</footer></body></html>"
    )


def test_saved_page_without_an_extension_is_read_as_html(tmp_path: Path) -> None:
    """`curl -o page URL` and `wget` save pages under names with no extension: such a file is sniffed, as
    standard input is, and its article extracted, instead of having its markup diffed as text."""
    bare = tmp_path / "crossings"
    bare.write_text(_saved_page(FOUNDING_A.read_text(encoding="utf-8")), encoding="utf-8")
    named = tmp_path / "crossings.html"
    named.write_bytes(bare.read_bytes())
    done = run("diff", str(bare), str(named), "--json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    texts = [version["text"] for version in document["versions"]]
    assert texts[0] == texts[1] and "<p>" not in texts[0] and "Copyright" not in texts[0]
    assert {link["kind"] for link in document["links"]} == {"unchanged"}
    # A plain text file without an extension is still text.
    plain = tmp_path / "notes"
    plain.write_bytes(FOUNDING_A.read_bytes())
    done = run("diff", str(plain), str(FOUNDING_A), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["versions"][0]["text"] == FOUNDING_A.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: d / "missing.txt", "no such file"),
        (lambda d: d, "directory"),
        (lambda d: _write(d / "pic.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))), "binary"),
        (lambda d: _write(d / "empty.txt", b""), "empty"),
        (lambda d: _write(d / "blank.txt", b"  \n\n  "), "empty"),
        (lambda d: _write(d / "big.txt", b"Word. " * 200), "limit"),
        (lambda d: _write(d / "menu.html", b"<html><body><nav>Home</nav></body></html>"), "no article"),
    ],
)
def test_bad_input_is_one_line_and_status_2(tmp_path: Path, make, message: str) -> None:  # type: ignore[no-untyped-def]
    bad = make(tmp_path)
    done = run("diff", str(bad), str(FOUNDING_B), "--max-bytes", "1000")
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in done.stderr


def test_bad_option_is_one_line_and_status_2() -> None:
    done = run("diff", str(FOUNDING_A), str(FOUNDING_B), "-o", "link_threshold=high")
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1
    unknown = run("diff", str(FOUNDING_A), str(FOUNDING_B), "-o", "nonsense=1")
    assert unknown.returncode == 2 and "unknown option" in unknown.stderr
    for value, message in (
        ("link_threshold=nan", "option link_threshold must be between 0 and 1, not nan"),
        ("split_containment=7", "option split_containment must be between 0 and 1, not 7.0"),
        ("max_gap_cells=-5", "option max_gap_cells must be at least 0, not -5"),
        ("max_bytes=-1", "option max_bytes must be at least 1, not -1"),
        ("link_threshold", "option link_threshold needs a value: -o link_threshold=VALUE"),
    ):
        done = run("diff", str(FOUNDING_A), str(FOUNDING_B), "-o", value)
        assert done.returncode == 2 and done.stdout == "", value
        assert done.stderr == f"storytrace: error: {message}\n"


def test_option_changes_the_result() -> None:
    strict = run(
        "diff",
        str(DEMO / "harbour-fire-v1.txt"),
        str(DEMO / "harbour-fire-v2.txt"),
        "--json",
        "-o",
        "link_threshold=0.99",
        "-o",
        "move_threshold=0.99",
    )
    document = json.loads(strict.stdout)
    assert document["summary"]["minor"] == 0 and document["summary"]["substantive"] == 0


def test_options_lists_every_option_an_unknown_one_is_sent_to(tmp_path: Path) -> None:
    """An unknown -o of trace or group says `storytrace options` lists them: so the corpus options are there too,
    each with the default the command really uses."""
    from dataclasses import fields

    from storytrace.corpus.options import CorpusOptions
    from storytrace.options import DiffOptions

    listed = run("options")
    assert listed.returncode == 0, listed.stderr
    pairs = dict(line.split(" = ") for line in listed.stdout.splitlines() if " = " in line)
    for kind in (DiffOptions, CorpusOptions):
        assert {f.name: pairs.get(f.name) for f in fields(kind)} == {f.name: repr(f.default) for f in fields(kind)}
    corpus = tmp_path / "wire.jsonl"
    corpus.write_text(json.dumps({"id": "a", "text": FOUNDING_A.read_text(encoding="utf-8")}) + "\n", encoding="utf-8")
    refused = run("trace", str(FOUNDING_B), "--corpus", str(corpus), "-o", "min_containmen=0.3")
    assert refused.returncode == 2 and "`storytrace options` lists them" in refused.stderr
    taken = run("trace", str(FOUNDING_B), "--corpus", str(corpus), "-o", "min_containment=0.3", "--summary")
    assert taken.returncode == 0, taken.stderr


def test_unwritable_html_path_is_an_error(tmp_path: Path) -> None:
    done = run("diff", str(FOUNDING_A), str(FOUNDING_B), "--html", str(tmp_path / "no" / "such" / "dir.html"))
    assert done.returncode == 2 and "cannot write" in done.stderr


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_usage_mistakes_are_one_line_with_where_to_look() -> None:
    """An unknown option or command, a missing argument, a value of the wrong type: one line naming the command's
    help, status 2 (the parser drew a five-line box before)."""
    for args, message in (
        (("diff", "--bogus"), "No such option: --bogus (storytrace diff --help)"),
        (("diff",), "Missing argument 'a'. (storytrace diff --help)"),
        (("serve", "--port", "abc"), "Invalid value for '--port'"),
        (("no-such-command",), "No such command 'no-such-command'. (storytrace --help)"),
    ):
        done = run(*args)
        assert done.returncode == 2 and done.stdout == "", args
        assert done.stderr.startswith("storytrace: error: ") and done.stderr.count("\n") == 1, done.stderr
        assert message in done.stderr
    assert run("diff", "--help").returncode == 0


@pytest.mark.parametrize("view", [[], ["--side-by-side"], ["--json"]])
def test_a_reader_that_stops_reading_is_no_failure(tmp_path: Path, view: list[str]) -> None:
    """`storytrace diff a b | head`: the reader closes the pipe after a few bytes; storytrace stops quietly with
    status 0 in every view (rich's own handler exited with 1 for the terminal views)."""
    a = _write(tmp_path / "a.txt", (FOUNDING_A.read_text(encoding="utf-8") + "\n\n").encode() * 60)
    b = _write(tmp_path / "b.txt", (FOUNDING_B.read_text(encoding="utf-8") + "\n\n").encode() * 60)
    env = {**os.environ, "COLUMNS": "100"}
    with subprocess.Popen([*COMMAND, "diff", str(a), str(b), *view], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, env=env) as process:
        assert process.stdout is not None and process.stderr is not None
        assert len(process.stdout.read(200)) == 200
        process.stdout.close()  # (the reader stops: storytrace's next writes meet a closed pipe)
        errors = process.stderr.read().decode()
        status = process.wait(timeout=120)
    assert status == 0 and errors == "", errors
