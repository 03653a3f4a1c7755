"""`storytrace group` and `trace` on corpora built at run time from the real RoFT NYT passages: thousands of
documents, many copies of one text, and awkward documents (empty, huge, other scripts)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import ROFT_PROMPTS
from .test_cli_corpus import run


def passages() -> list[list[str]]:
    if not ROFT_PROMPTS.exists():
        pytest.skip("the shared RoFT data is not here")
    found: list[list[str]] = json.loads(ROFT_PROMPTS.read_text(encoding="utf-8"))["prompts"]
    return found


def write_jsonl(path: Path, documents: list[tuple[str, str]]) -> None:
    path.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in documents), encoding="utf-8")


def test_group_with_thousands_of_copies_of_one_page(tmp_path: Path) -> None:
    """A crawl holds one page thousands of times (wire copy, a notice re-served at every address): every pair in a
    shared LSH band was looked at, so 8,000 copies took minutes (2,000: 10 s); now each copy is looked at once."""
    found = passages()
    documents = [(f"p{k:04d}", " ".join(p)) for k, p in enumerate(found)]
    documents += [(f"copy{k:05d}", " ".join(found[7])) for k in range(8000)]
    near = " ".join(found[8]).split()
    for k in range(2000):  # one word of it replaced, differently each time
        words = list(near)
        words[k % len(words)] = str(k)
        documents.append((f"near{k:05d}", " ".join(words)))
    write_jsonl(tmp_path / "crawl.jsonl", documents)
    done = run("group", "--corpus", "crawl.jsonl", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    story = {row["id"]: row["story"] for row in rows}
    assert len(rows) == len(story) == len(documents)
    copies = {story[f"copy{k:05d}"] for k in range(8000)}
    assert copies == {story["p0007"]}
    assert {story[f"near{k:05d}"] for k in range(2000)} == {story["p0008"]}
    size = {row["id"]: row["size"] for row in rows}
    assert size["p0007"] >= 8001 and size["p0008"] >= 2001 and story["p0007"] != story["p0008"]


def test_trace_a_long_roundup_finds_its_many_sources(tmp_path: Path) -> None:
    """A digest of 60 wire stories: with a fixed budget of window queries the sources of the first few were found
    and the other 50-odd stories' sentences were all reported "unsupported" (invented), though every one is in
    the corpus."""
    found = passages()
    write_jsonl(tmp_path / "wire.jsonl", [(f"p{k:04d}", " ".join(p)) for k, p in enumerate(found)])
    picked = range(200, 260)
    (tmp_path / "roundup.txt").write_text("\n\n".join(" ".join(found[k]) for k in picked), encoding="utf-8")
    done = run("trace", "roundup.txt", "--corpus", "wire.jsonl", "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    summary = result["summary"]
    assert summary["sentences"] >= 550
    assert summary["supported_share"] > 0.95 and summary["unsupported"] < 0.05 * summary["sentences"]
    sources = {s["id"] for s in result["sources"]}
    assert len(sources) >= 55 and sources <= {f"p{k:04d}" for k in picked} | duplicates_of(found, picked)


def duplicates_of(found: list[list[str]], picked: range) -> set[str]:
    """Ids of passages elsewhere in the corpus with the same text as a picked one (RoFT holds a few twice)."""
    texts = {" ".join(found[k]) for k in picked}
    return {f"p{k:04d}" for k, p in enumerate(found) if " ".join(p) in texts}
