"""A "sentence" of hundreds of thousands of words (a page with no full stop) diffs in bounded time and memory.

Two such texts, each one long sentence with scattered edits, once took 7.5 GB and 40 s: the word diff asked rapidfuzz
for a table of every pair of words, and the aligner compared the two word sequences in time of their product."""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import Indel

from storytrace.rules.reference import anchored_opcodes

from .cli_support import COMMAND
from .conftest import news_sentences

WORDS = st.lists(st.sampled_from("fire crews harbour road closed smoke Monday police said twelve".split()), max_size=40)


def check_opcodes(a: list[str], b: list[str], ops: list[tuple[str, int, int, int, int]]) -> None:
    """The opcodes cover both lists in order, and what they call equal is."""
    at_a = at_b = 0
    for tag, s0, s1, d0, d1 in ops:
        assert (s0, d0) == (at_a, at_b), ops
        if tag == "equal":
            assert a[s0:s1] == b[d0:d1] and s1 - s0 == d1 - d0 > 0
        elif tag == "delete":
            assert s1 > s0 and d0 == d1
        else:
            assert tag == "insert" and d1 > d0 and s0 == s1
        at_a, at_b = s1, d1
    assert (at_a, at_b) == (len(a), len(b))


@settings(max_examples=400, deadline=None)
@given(WORDS, WORDS, st.integers(min_value=0, max_value=30))
def test_anchored_opcodes_cover_both_lists_whatever_table_is_allowed(a: list[str], b: list[str], cells: int) -> None:
    check_opcodes(a, b, anchored_opcodes(a, b, most_cells=cells))


@settings(max_examples=200, deadline=None)
@given(WORDS, WORDS)
def test_anchored_opcodes_with_room_for_the_table_are_rapidfuzzs(a: list[str], b: list[str]) -> None:
    ops = anchored_opcodes(a, b, most_cells=10**6)
    check_opcodes(a, b, ops)
    assert sum(s1 - s0 for tag, s0, s1, _, _ in ops if tag == "equal") == Indel.similarity(a, b) // 2


def test_words_found_once_anchor_the_diff_of_long_lists() -> None:
    """With no room for a table, the words each list holds once keep their places: only what changed is
    deleted and inserted. Likewise words found as often in each, each place paired with its like."""
    a = [f"w{i}" for i in range(200)]
    b = list(a)
    b[50], b[120] = "new", "other"
    ops = anchored_opcodes(a, b, most_cells=100)
    check_opcodes(a, b, ops)
    assert [op for op in ops if op[0] != "equal"] == [
        ("delete", 50, 51, 50, 50), ("insert", 51, 51, 50, 51),
        ("delete", 120, 121, 120, 120), ("insert", 121, 121, 120, 121),
    ]
    repeated, edited = a * 3, b * 3
    ops = anchored_opcodes(repeated, edited, most_cells=100)
    check_opcodes(repeated, edited, ops)
    assert [op[1] for op in ops if op[0] == "delete"] == [50, 120, 250, 320, 450, 520]


def _limit_memory() -> None:
    limit = 3 * 1024**3
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def test_two_pages_of_one_long_sentence_diff_within_three_gigabytes(tmp_path: Path) -> None:
    words = [w for s in news_sentences() for w in re.findall(r"[A-Za-z]+", s)]
    original = (words * (300_000 // len(words) + 1))[:300_000]
    edited = list(original)
    for at in range(1_000, len(edited), 25_000):
        edited[at] = "kayak"
    (tmp_path / "a.txt").write_text(" ".join(original), encoding="utf-8")
    (tmp_path / "b.txt").write_text(" ".join(edited), encoding="utf-8")
    done = subprocess.run(
        [*COMMAND, "diff", "a.txt", "b.txt", "--json"], capture_output=True, text=True, timeout=300, cwd=tmp_path,
        env={**os.environ, "NO_COLOR": "1"}, preexec_fn=_limit_memory,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    found = json.loads(done.stdout)
    (link,) = found["links"]
    assert (link["a"], link["b"], link["kind"]) == ([0], [0], "substantive")
    assert link["reasons"] == ["new claim: kayak kayak kayak kayak kayak kayak kayak kayak …"]
    # the word diff holds each word replaced, and nothing else (the text repeats itself: its words are anchored
    # by their places, each found as often on both sides)
    put = [run["text"].strip() for run in link["diff"] if run["op"] == "insert"]
    gone = [run["text"].strip() for run in link["diff"] if run["op"] == "delete"]
    assert put == ["kayak"] * 12
    assert gone == [original[at] for at in range(1_000, len(original), 25_000)]
