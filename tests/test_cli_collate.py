"""End-to-end tests of `storytrace collate`: the installed command, run as a user would run it."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from .conftest import FOUNDING_A, FOUNDING_B, REPO, SCHEMA_DIR
from .test_cli import run

DEMO_MANIFEST = REPO / "examples" / "demo" / "harbour-fire.json"


def schema() -> dict[str, object]:
    return json.loads((SCHEMA_DIR / "collation.schema.json").read_text(encoding="utf-8"))


def test_founding_example_with_outlets() -> None:
    done = run("collate", str(FOUNDING_A), str(FOUNDING_B), "--outlet", "BBC", "--outlet", "Copy", "--json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    jsonschema.validate(document, schema())
    carriers = [sorted(u["sentences"]) for u in document["units"]]
    assert carriers.count(["0", "1"]) == 8
    assert (carriers.count(["0"]), carriers.count(["1"])) == (9, 7)
    single = [u for u in document["units"] if len(u["sentences"]) == 1]
    assert len(single) == 16 and all(u["flags"] == ["single_source"] for u in single)
    assert [v["outlet"] for v in document["versions"]] == ["BBC", "Copy"]
    assert document["versions"][1]["text"] == FOUNDING_B.read_text(encoding="utf-8")


def test_manifest_json_and_jsonl_give_the_same_collation(tmp_path: Path) -> None:
    entries = [
        {"label": "late", "outlet": "X", "time": "2024-01-02T10:00:00Z", "path": str(FOUNDING_B)},
        {"label": "early", "outlet": "Y", "time": "2024-01-02T09:00:00+00:00", "path": str(FOUNDING_A)},
    ]
    (tmp_path / "m.json").write_text(json.dumps({"versions": entries}), encoding="utf-8")
    (tmp_path / "m.jsonl").write_text("\n".join(json.dumps(e) for e in entries) + "\n", encoding="utf-8")
    first = run("collate", "--manifest", str(tmp_path / "m.json"), "--json")
    second = run("collate", "-m", str(tmp_path / "m.jsonl"), "--json")
    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    document = json.loads(first.stdout)
    assert document == json.loads(second.stdout)
    assert document["order"] == [1, 0]  # by time, not as listed
    shared = [u for u in document["units"] if len(u["sentences"]) == 2]
    assert len(shared) == 8 and all(u["first"] == 1 for u in shared)


def test_manifest_text_entries_and_relative_paths(tmp_path: Path) -> None:
    (tmp_path / "one.txt").write_text("The mayor opened the bridge on Monday. Traffic was light.", encoding="utf-8")
    manifest = tmp_path / "story.jsonl"
    manifest.write_text(
        json.dumps({"path": "one.txt", "outlet": "Post"})
        + "\n"
        + json.dumps({"label": "wire", "outlet": "Wire", "text": "The mayor opened the bridge on Tuesday."})
        + "\n",
        encoding="utf-8",
    )
    done = run("collate", "-m", str(manifest), "--json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert [v["label"] for v in document["versions"]] == [str(tmp_path / "one.txt"), "wire"]
    changed = [u for u in document["units"] if "changed_fact" in u["flags"]]
    assert len(changed) == 1 and changed[0]["changes"][0]["reasons"] == ["date Monday → Tuesday"]


def test_terminal_summary_and_html(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    done = run("collate", "--manifest", str(DEMO_MANIFEST), "--html", str(out))
    assert done.returncode == 0, done.stderr
    assert "Marlow & Sons" in done.stdout and "single_source" in done.stdout.replace("single source", "single_source")
    page = out.read_text(encoding="utf-8")
    assert "Marlow &amp; Sons" in page and "<svg" in page and "<script" not in page.lower()
    summary = run("collate", "--manifest", str(DEMO_MANIFEST), "--summary")
    assert summary.returncode == 0 and len(summary.stdout.strip().splitlines()) == 1
    assert "16" in summary.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ONE"], "at least two versions"),
        (["ONE", "ONE", "--label", "x"], "--label was given 1 time(s) for 2 file(s)"),
        (["ONE", "ONE", "--time", "2024-01-01", "--time", "soon"], "not ISO 8601"),
        (["ONE", "missing.txt"], "missing.txt"),
        (["--manifest", "nothing.json"], "no such manifest"),
        (["--manifest", "BROKEN"], "not valid JSON"),
        (["--manifest", "BOTH"], 'exactly one of "path" and "text"'),
        (["--manifest", "SURROGATE"], '"text" holds a lone surrogate'),
        (["ONE", "-", "-"], "only one version can be read from standard input"),
    ],
)
def test_bad_input_is_one_line_and_status_2(tmp_path: Path, args: list[str], message: str) -> None:
    (tmp_path / "broken.json").write_text('{"versions": [', encoding="utf-8")
    (tmp_path / "both.json").write_text(json.dumps([{"path": "a.txt", "text": "x"}]), encoding="utf-8")
    # JSON can spell a lone surrogate, which no output can be written with.
    (tmp_path / "surrogate.json").write_text('[{"text": "A b. \\ud800"}, {"text": "A c."}]', encoding="utf-8")
    replace = {"ONE": str(FOUNDING_A), "BROKEN": str(tmp_path / "broken.json"), "BOTH": str(tmp_path / "both.json"),
               "SURROGATE": str(tmp_path / "surrogate.json")}
    done = run("collate", *[replace.get(a, a) for a in args], cwd=tmp_path)
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.count("\n") == 1 and message in done.stderr
    assert "Traceback" not in done.stderr
