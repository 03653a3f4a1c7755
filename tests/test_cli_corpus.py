"""End-to-end tests of `storytrace index`, `trace` and `group`: the installed command, as a user runs it."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from bench.copies import CopyCorpus, build, load_passages

from .conftest import FOUNDING_A, FOUNDING_B, ROFT_PROMPTS, SCHEMA_DIR

COMMAND = [str(Path(sys.executable).with_name("storytrace"))]


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    env.pop("STORYTRACE_DEBUG", None)
    return subprocess.run(COMMAND + list(args), capture_output=True, text=True, timeout=120, env=env, cwd=cwd)


@pytest.fixture(scope="module")
def built() -> CopyCorpus:
    return build(sources=60, copies_per_kind=2, seed=3, passages=load_passages(ROFT_PROMPTS))


@pytest.fixture
def files(tmp_path: Path, built: CopyCorpus) -> Path:
    lines = [json.dumps({"id": d, "text": t, "outlet": "NYT", "url": f"https://example.com/{d}"})
             for d, t in built.documents]
    lines.insert(5, '{"id": "broken", "text": ')  # a corrupt line: counted, not fatal
    (tmp_path / "corpus.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for copy in built.copies:
        (tmp_path / f"{copy.id}.txt").write_text(copy.text, encoding="utf-8")
    return tmp_path


def test_index_then_trace_json_validates(files: Path, built: CopyCorpus) -> None:
    done = run("index", "corpus.jsonl", "--index", "c.index", cwd=files)
    assert done.returncode == 0, done.stderr
    assert "60 documents; 60 added" in done.stdout
    assert "1 skipped: line 6: not JSON" in done.stderr
    again = run("index", "corpus.jsonl", "--index", "c.index", "--json", cwd=files)
    assert json.loads(again.stdout)["unchanged"] == 60
    spliced = next(c for c in built.copies if c.kind == "spliced")
    done = run("trace", f"{spliced.id}.txt", "--index", "c.index", "--json", cwd=files)
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    jsonschema.validate(document, json.loads((SCHEMA_DIR / "trace.schema.json").read_text(encoding="utf-8")))
    assert document["sources"][0]["id"] == spliced.source
    assert document["sources"][0]["url"] == f"https://example.com/{spliced.source}"
    assert {s["id"] for s in document["sources"]} == {g.origin for g in spliced.sentences}
    assert document["summary"]["copied"] == document["summary"]["sentences"]


def test_trace_terminal_output_ranks_sources_and_marks_invented_sentences(files: Path, built: CopyCorpus) -> None:
    invented = next(c for c in built.copies if c.kind == "invented")
    done = run("trace", f"{invented.id}.txt", "--corpus", "corpus.jsonl", cwd=files)
    assert done.returncode == 0, done.stderr
    assert "(memory) (60 documents)" in done.stdout
    assert f"1   {invented.source}" in done.stdout
    made_up = [invented.text[g.start : g.end] for g in invented.sentences if g.label == "unsupported"]
    lines = done.stdout.splitlines()
    for sentence in made_up:
        assert any(line.strip().startswith("unsupported") and sentence[:40] in line for line in lines)
    summary = run("trace", f"{invented.id}.txt", "--corpus", "corpus.jsonl", "--summary", cwd=files)
    assert f"{len(made_up)} unsupported" in summary.stdout
    narrow = subprocess.run(COMMAND + ["trace", f"{invented.id}.txt", "--corpus", "corpus.jsonl", "--summary"],
                            capture_output=True, text=True, timeout=120, cwd=files,
                            env={**os.environ, "COLUMNS": "40", "NO_COLOR": "1"})
    assert narrow.stdout == summary.stdout and narrow.stdout.count("\n") == 1  # one line, however narrow


def test_group_writes_a_story_per_document_as_jsonl_and_csv(files: Path, built: CopyCorpus) -> None:
    copies = files / "copies"
    copies.mkdir()
    for copy in built.copies:
        if copy.kind != "spliced":
            (copies / f"{copy.id}.txt").write_text(copy.text, encoding="utf-8")
    done = run("group", "--corpus", "corpus.jsonl", "--corpus", "copies", cwd=files)
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    story = {row["id"]: row["story"] for row in rows}
    assert len(story) == 60 + 8
    for copy in built.copies:
        if copy.kind != "spliced":
            assert story[f"{copy.id}.txt"] == story[copy.source]
    done = run("group", "--corpus", "copies", "--corpus", "corpus.jsonl", "-f", "csv", "--output", "g.csv",
               cwd=files)
    assert done.returncode == 0, done.stderr
    table = list(csv.DictReader(io.StringIO((files / "g.csv").read_text(encoding="utf-8"))))
    assert {row["id"]: row["story"] for row in table} == story  # the same stories, whatever the input order


def test_group_jsonl_writes_non_ascii_ids_as_utf8_like_the_other_json_outputs(tmp_path: Path) -> None:
    """The founding example's two copies (real text with a non-ASCII dash) under accented file names: the ids come
    out as UTF-8 text, on standard output and in --output, not as \\u escapes; escaped only where standard output
    cannot carry them (as print_json does)."""
    corpus = tmp_path / "traversées"
    corpus.mkdir()
    names = {"traversée-à-l'aube.txt": FOUNDING_A, "traversée-du-soir.txt": FOUNDING_B}
    for name, source in names.items():
        (corpus / name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")

    def group(encoding: str, *args: str) -> subprocess.CompletedProcess[bytes]:
        env = {**os.environ, "PYTHONIOENCODING": encoding}
        env.pop("STORYTRACE_DEBUG", None)
        return subprocess.run([*COMMAND, "group", "--corpus", "traversées", *args], capture_output=True, timeout=120,
                              env=env, cwd=tmp_path)

    done = group("utf-8")
    assert done.returncode == 0, done.stderr
    assert "traversée-à-l'aube.txt".encode() in done.stdout and b"\\u00e9" not in done.stdout
    assert {json.loads(line)["id"] for line in done.stdout.splitlines()} == set(names)
    written = group("ascii", "--output", "g.jsonl")  # a file is UTF-8 whatever standard output can carry
    assert written.returncode == 0, written.stderr
    assert (tmp_path / "g.jsonl").read_bytes() == done.stdout
    narrow = group("ascii")
    assert narrow.returncode == 0 and narrow.stdout.isascii() and b"\\u00e9" in narrow.stdout
    assert [json.loads(line) for line in narrow.stdout.splitlines()] == [
        json.loads(line) for line in done.stdout.splitlines()
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("trace", "missing.txt", "--corpus", "corpus.jsonl"), "no such file: missing.txt"),
        (("trace", "copy-edited-000.txt", "--corpus", "nowhere"), "no such corpus: nowhere"),
        (("trace", "copy-edited-000.txt"), "name a corpus"),
        (("trace", "copy-edited-000.txt", "--index", "none.index"), "no index at none.index"),
        (("trace", "copy-edited-000.txt", "--index", "corpus.jsonl"), "cannot read index corpus.jsonl"),
        (("trace", "copy-edited-000.txt", "--corpus", "empty"), "no document in empty"),
        (("trace", "copy-edited-000.txt", "--corpus", "corpus.jsonl", "-o", "bands=7"), "multiple of bands"),
        (("group", "--corpus", "corpus.jsonl", "-f", "xml"), "unknown format 'xml'"),
        (("index", "--index", "x.index"), "name what to index"),
        (("index", "--db", "sqlite:///missing.db", "--index", "x.index"), "no store at missing.db"),
        (("index", "copy-edited-000.txt", "--index", "x.index"), "copy-edited-000.txt is one article, not a corpus"),
    ],
)
def test_bad_input_is_one_line_and_status_2(files: Path, args: tuple[str, ...], message: str) -> None:
    (files / "empty").mkdir()
    done = run(*args, cwd=files)
    assert done.returncode == 2, (done.stdout, done.stderr)
    errors = [line for line in done.stderr.splitlines() if line.startswith("storytrace: error:")]
    assert len(errors) == 1 and message in errors[0], done.stderr
    assert "Traceback" not in done.stderr
    assert not (files / "missing.db").exists()


def test_trace_and_index_read_the_version_store(tmp_path: Path, built: CopyCorpus) -> None:
    from storytrace.store import add_story, add_version, open_store

    url = f"sqlite:///{tmp_path / 'store.db'}"
    with open_store(url) as store:
        for doc_id, text in built.documents[:10]:
            add_version(store, add_story(store, f"https://example.com/{doc_id}"), text)
    edited = next(c for c in built.copies if c.kind == "edited" and c.source in dict(built.documents[:10]))
    (tmp_path / "q.txt").write_text(edited.text, encoding="utf-8")
    done = run("index", "--db", url, "--index", "s.index", "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["added"] == 10
    done = run("trace", "q.txt", "--index", "s.index", "--json", cwd=tmp_path)
    top = json.loads(done.stdout)["sources"][0]
    assert (top["id"], top["outlet"]) == (f"https://example.com/{edited.source}@1", "example.com")


def test_an_index_damaged_inside_is_one_line_and_status_2(files: Path) -> None:
    assert run("index", "corpus.jsonl", "--index", "c.index", cwd=files).returncode == 0
    data = bytearray((files / "c.index").read_bytes())
    third = len(data) // 3
    data[third : 2 * third] = b"\xff" * third  # the header is intact: the file opens, its pages do not read
    (files / "c.index").write_bytes(bytes(data))
    for args in (("group", "--index", "c.index"), ("index", "corpus.jsonl", "--index", "c.index")):
        done = run(*args, cwd=files)
        assert done.returncode == 2, (args, done.stderr)
        assert done.stderr.startswith("storytrace: error: cannot read index c.index") and "Traceback" not in done.stderr


def test_a_failed_first_build_leaves_no_empty_index_behind(files: Path) -> None:
    (files / "empty").mkdir()
    done = run("trace", "copy-edited-000.txt", "--index", "new.index", "--corpus", "empty", cwd=files)
    assert done.returncode == 2 and "no document in empty" in done.stderr
    assert not (files / "new.index").exists()
    again = run("trace", "copy-edited-000.txt", "--index", "new.index", cwd=files)
    assert "no index at new.index" in again.stderr


def test_prune_drops_what_the_corpus_no_longer_holds_but_never_what_it_could_not_read(
    tmp_path: Path, built: CopyCorpus
) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    for doc_id, text in built.documents[:6]:
        (folder / f"{doc_id}.txt").write_text(text, encoding="utf-8")
    assert run("index", "articles", "--index", "c.index", cwd=tmp_path).returncode == 0
    gone = built.documents[0][0]
    (folder / f"{gone}.txt").unlink()  # deleted
    unreadable = built.documents[1][0]
    (folder / f"{unreadable}.txt").write_bytes(b"\x00\x01\x02binary" * 50)  # unreadable this time
    kept = run("index", "articles", "--index", "c.index", "--json", cwd=tmp_path)
    assert json.loads(kept.stdout)["documents"] == 6 and json.loads(kept.stdout)["pruned"] == 0  # without --prune
    done = run("index", "articles", "--index", "c.index", "--prune", "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["pruned"], report["documents"], report["skipped"]) == (1, 5, 1)
    grouped = run("group", "--index", "c.index", cwd=tmp_path).stdout.splitlines()
    ids = {row["id"] for row in map(json.loads, grouped)}
    assert f"{gone}.txt" not in ids and f"{unreadable}.txt" in ids  # the unreadable file's document stays
    traced = run("trace", str(folder / f"{built.documents[2][0]}.txt"), "--index", "c.index", "--json", cwd=tmp_path)
    assert json.loads(traced.stdout)["sources"][0]["id"] == f"{built.documents[2][0]}.txt"  # the index still works
    (tmp_path / "gone.txt").write_text(built.documents[0][1], encoding="utf-8")
    traced = run("trace", "gone.txt", "--index", "c.index", "--json", cwd=tmp_path)
    assert f"{gone}.txt" not in {s["id"] for s in json.loads(traced.stdout)["sources"]}  # nor in the LSH state
    # A JSONL line that cannot be read may be any document: nothing is pruned then, with a warning.
    lines = [json.dumps({"id": d, "text": t}) for d, t in built.documents[:3]] + ['{"id": "x", "te']
    (tmp_path / "c.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = run("index", "c.jsonl", "--index", "j.index", cwd=tmp_path)
    (tmp_path / "c.jsonl").write_text("\n".join(lines[1:]) + "\n", encoding="utf-8")
    done = run("index", "c.jsonl", "--index", "j.index", "--prune", "--json", cwd=tmp_path)
    assert json.loads(done.stdout)["pruned"] == 0 and "not pruned: 1 unreadable item(s)" in done.stderr
    (tmp_path / "c.jsonl").write_text("\n".join(lines[1:3]) + "\n", encoding="utf-8")
    done = run("index", "c.jsonl", "--index", "j.index", "--prune", "--json", cwd=tmp_path)
    assert (json.loads(done.stdout)["pruned"], json.loads(done.stdout)["documents"]) == (1, 2)


def test_the_same_id_in_two_corpora_is_read_once_and_reported(tmp_path: Path, built: CopyCorpus) -> None:
    """Two directories that both hold `a.txt`: the first one's document is indexed, the second is skipped with a
    reason (it replaced the first, silently, on every run), and a rerun changes nothing."""
    for name, (_, text) in zip(("d1", "d2"), built.documents[:2], strict=True):
        (tmp_path / name).mkdir()
        (tmp_path / name / "a.txt").write_text(text, encoding="utf-8")
        (tmp_path / name / f"only-{name}.txt").write_text(built.documents[5][1] if name == "d1" else
                                                          built.documents[6][1], encoding="utf-8")
    done = run("index", "d1", "d2", "--index", "dd.index", "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["documents"], report["added"], report["replaced"], report["skipped"]) == (3, 3, 0, 1)
    assert "d2: a.txt: an earlier corpus has a document with this id" in done.stderr
    again = json.loads(run("index", "d1", "d2", "--index", "dd.index", "--json", cwd=tmp_path).stdout)
    assert (again["unchanged"], again["replaced"]) == (3, 0)
    (tmp_path / "probe.txt").write_text(built.documents[0][1], encoding="utf-8")
    traced = json.loads(run("trace", "probe.txt", "--index", "dd.index", "--json", cwd=tmp_path).stdout)
    assert traced["sources"][0]["id"] == "a.txt" and traced["summary"]["copied"] == traced["summary"]["sentences"]
