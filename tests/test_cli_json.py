"""The CLI's indented JSON writer (storytrace.cli_json) against the standard library's: the same bytes, on real
collations and diffs and on any tree of JSON values."""

from __future__ import annotations

import json
import math
import random
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import storytrace
from storytrace.cli_json import dumps_indented

from .cli_support import COMMAND
from .conftest import FOUNDING_A, FOUNDING_B, ROFT_PROMPTS


def _same_as_json(document: Any) -> None:
    for ensure_ascii in (True, False):
        assert dumps_indented(document, ensure_ascii=ensure_ascii) == json.dumps(
            document, indent=1, ensure_ascii=ensure_ascii
        )


def _revisions(count: int, seed: int) -> list[str]:
    """`count` revisions of one RoFT story, each from the one before by a sentence inserted, deleted or moved, or a
    word replaced (as bench/collate_scale.py makes its chains)."""
    rng = random.Random(seed)
    passages = json.loads(ROFT_PROMPTS.read_text(encoding="utf-8"))["prompts"]
    story = [s.strip() for p in passages[200:206] for s in p if s.strip()]
    pool = [s for p in passages[700:760] for s in p]
    texts = []
    for _ in range(count):
        texts.append("\n\n".join(" ".join(story[k : k + 3]) for k in range(0, len(story), 3)))
        move = rng.choice(("insert", "delete", "move", "word"))
        if move == "insert":
            story.insert(rng.randrange(len(story) + 1), rng.choice(pool))
        elif move == "delete":
            del story[rng.randrange(len(story))]
        elif move == "move":
            story.insert(rng.randrange(len(story)), story.pop(rng.randrange(len(story))))
        else:
            k = rng.randrange(len(story))
            words = story[k].split()
            words[rng.randrange(len(words))] = rng.choice(("not", "twelve", "Tuesday", "reportedly"))
            story[k] = " ".join(words)
    return texts


def test_real_collations_and_diffs_are_written_byte_for_byte_as_json_writes_them() -> None:
    founding = [FOUNDING_A.read_text(encoding="utf-8"), FOUNDING_B.read_text(encoding="utf-8")]  # (a "–" in each)
    chain = _revisions(40, seed=5)
    for texts, outlets in ((founding, ["BBC", "Copie à Calais"]), (chain, [None] * len(chain))):
        versions = [storytrace.Version(t, f"v{k}", outlets[k]) for k, t in enumerate(texts)]
        document = storytrace.collate(versions).to_dict()
        assert any(u["changes"] for u in document["units"]) and document["timeline"]
        _same_as_json(document)
    _same_as_json(storytrace.diff(*founding).to_dict())
    _same_as_json(storytrace.diff(chain[0], chain[-1]).to_dict())


def test_collate_json_prints_what_json_dumps_prints(tmp_path: Path) -> None:
    """End to end: the command's output parsed and written again by the standard library is the same text."""
    paths = []
    for k, text in enumerate(_revisions(12, seed=9)):
        paths.append(tmp_path / f"révision-{k:02d}.txt")
        paths[-1].write_text(text, encoding="utf-8")
    done = subprocess.run([*COMMAND, "collate", *map(str, paths), "--json"], capture_output=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "PYTHONIOENCODING": "utf-8"})
    assert done.returncode == 0, done.stderr
    text = done.stdout.decode("utf-8")
    assert "révision-00.txt" in text
    assert text == json.dumps(json.loads(text), indent=1, ensure_ascii=False) + "\n"


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: st.lists(children, max_size=4)
    | st.tuples(children, children)
    | st.dictionaries(st.text(max_size=6) | st.integers() | st.booleans() | st.none() | st.floats(), children,
                      max_size=4),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(JSON_VALUES)
def test_any_tree_of_json_values_is_written_as_json_writes_it(document: Any) -> None:
    """Empty containers, tuples, keys that are numbers, true, false or null, NaN and infinities, any text."""
    _same_as_json(document)


def test_what_json_cannot_write_fails_as_there() -> None:
    for document in ({"a": [1, {2, 3}]}, {"a": {(1, 2): 3, "b": []}}, [object()]):
        with pytest.raises(TypeError):
            json.dumps(document, indent=1)
        with pytest.raises(TypeError):
            dumps_indented(document)
    assert dumps_indented([math.inf, -math.inf, math.nan]) == json.dumps([math.inf, -math.inf, math.nan], indent=1)
