"""Filling an index from corpora (storytrace.corpus.filling), on real NYT passages written as a directory of files
and as a JSONL file at test time."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storytrace.corpus.filling import fill_index, prune_index
from storytrace.corpus.index import CorpusIndex, open_index
from storytrace.corpus.sources import CorpusError, Skipped

from .conftest import ROFT_PROMPTS

MAX_BYTES = 5_000_000


def passages(count: int, start: int = 0) -> list[str]:
    found = json.loads(ROFT_PROMPTS.read_text(encoding="utf-8"))["prompts"]
    return [" ".join(p) for p in found[start : start + count]]


def write_directory(root: Path, texts: list[str]) -> Path:
    root.mkdir()
    for n, text in enumerate(texts):
        (root / f"story-{n:02d}.txt").write_text(text, encoding="utf-8")
    return root


def write_jsonl(path: Path, texts: list[str], prefix: str) -> Path:
    path.write_text("".join(json.dumps({"id": f"{prefix}{n}", "text": t}) + "\n" for n, t in enumerate(texts)))
    return path


@pytest.fixture
def index() -> CorpusIndex:
    return open_index(None)


def test_documents_of_every_corpus_are_added_and_counted_once(tmp_path: Path, index: CorpusIndex) -> None:
    folder = write_directory(tmp_path / "files", passages(6))
    lines = write_jsonl(tmp_path / "more.jsonl", passages(4, start=6), "wire-")
    seen: set[str] = set()
    report = fill_index(index, [str(folder), str(lines)], None, Skipped(), max_bytes=MAX_BYTES, seen=seen)
    assert (report.added, report.replaced, report.unchanged, report.empty) == (10, 0, 0, 0)
    assert seen == {f"story-{n:02d}.txt" for n in range(6)} | {f"wire-{n}" for n in range(4)}
    assert index.ids() == seen
    # The same corpora again: nothing new; one file edited: replaced, not added.
    (folder / "story-03.txt").write_text(passages(1, start=20)[0], encoding="utf-8")
    again = fill_index(index, [str(folder), str(lines)], None, Skipped(), max_bytes=MAX_BYTES)
    assert (again.added, again.replaced, again.unchanged) == (0, 1, 9)
    assert len(index) == 10


def test_a_corpus_without_documents_is_an_error_naming_why(tmp_path: Path, index: CorpusIndex) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(CorpusError, match=r"no document in .*empty$"):
        fill_index(index, [str(empty)], None, Skipped(), max_bytes=MAX_BYTES)
    broken = tmp_path / "broken.jsonl"
    broken.write_text("not json\n{\"id\": \"x\"}\n")
    with pytest.raises(CorpusError, match=r"no document in .*broken\.jsonl: 2 skipped: line 1: not JSON; line 2: x"):
        fill_index(index, [str(broken)], None, Skipped(), max_bytes=MAX_BYTES)
    assert len(index) == 0


def test_pruning_drops_only_what_the_corpus_no_longer_holds(tmp_path: Path, index: CorpusIndex) -> None:
    folder = write_directory(tmp_path / "files", passages(5))
    fill_index(index, [str(folder)], None, Skipped(), max_bytes=MAX_BYTES)
    (folder / "story-01.txt").unlink()
    (folder / "story-02.txt").write_bytes(b"\x00\x01 binary, unreadable")
    skipped = Skipped()
    seen: set[str] = set()
    fill_index(index, [str(folder)], None, skipped, max_bytes=MAX_BYTES, seen=seen)
    assert skipped.ids == {"story-02.txt"}
    # The deleted file goes; the unreadable one stays (it may be readable next time).
    assert prune_index(index, seen, skipped) == 1
    assert index.ids() == {"story-00.txt", "story-02.txt", "story-03.txt", "story-04.txt"}


def test_nothing_is_pruned_when_an_unreadable_item_has_no_id(tmp_path: Path, index: CorpusIndex) -> None:
    lines = write_jsonl(tmp_path / "wire.jsonl", passages(3), "wire-")
    fill_index(index, [str(lines)], None, Skipped(), max_bytes=MAX_BYTES)
    with lines.open("a") as f:
        f.write("{broken\n")
    shorter = tmp_path / "wire.jsonl"
    kept = shorter.read_text().splitlines()
    shorter.write_text("\n".join(kept[1:]) + "\n")  # the first record removed, a broken line left in
    skipped = Skipped()
    seen: set[str] = set()
    fill_index(index, [str(shorter)], None, skipped, max_bytes=MAX_BYTES, seen=seen)
    assert skipped.unidentified == 1
    assert prune_index(index, seen, skipped) is None
    assert len(index) == 3
