"""`storytrace collate` at realistic scale: hundreds of versions built from real RoFT NYT passages at run time."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from .cli_support import COMMAND
from .conftest import ROFT_PROMPTS


def passages() -> list[list[str]]:
    if not ROFT_PROMPTS.exists():
        pytest.skip("the shared RoFT data is not here")
    found: list[list[str]] = json.loads(ROFT_PROMPTS.read_text(encoding="utf-8"))["prompts"]
    return found


def run_measured(tmp_path: Path, *args: str) -> tuple[int, str, str, int]:
    """Run the installed command: exit status, stdout, stderr and the peak resident memory of that one process in
    bytes (Linux reports it in kB)."""
    out, err = tmp_path / "stdout", tmp_path / "stderr"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        env = {**os.environ, "NO_COLOR": "1"}
        child = subprocess.Popen(COMMAND + list(args), stdout=stdout, stderr=stderr, env=env)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
    return child.returncode, out.read_text(encoding="utf-8"), err.read_text(encoding="utf-8"), usage.ru_maxrss * 1024


def test_many_unrelated_versions_stay_in_linear_memory(tmp_path: Path) -> None:
    """200 unrelated articles: matching restored statements once kept a count for every pair of units sharing a
    word, about 130 MB more than two versions take (growing with the square of the versions); now about 50 MB."""
    found = passages()
    files = []
    for n in range(200):
        text = "\n\n".join(" ".join(p) for p in found[3 * n : 3 * n + 3])
        path = tmp_path / f"v{n:03d}.txt"
        path.write_text(text, encoding="utf-8")
        files.append(str(path))
    status, _, _, baseline = run_measured(tmp_path, "collate", *files[:2], "--json")
    assert status == 0
    status, stdout, stderr, peak = run_measured(tmp_path, "collate", *files, "--json")
    assert status == 0, stderr
    document = json.loads(stdout)
    summary = document["summary"]
    assert summary["versions"] == 200 and summary["in_every_version"] == 0
    sentences = sum(len(v["sentences"]) for v in document["versions"])
    assert summary["units"] > 0.99 * sentences  # unrelated texts share (almost) no statement
    assert summary["in_one_version"] > 0.99 * summary["units"]
    assert peak - baseline < 80 * 2**20, f"{(peak - baseline) / 2**20:.0f} MB more than for two versions"
