"""The installed command with standard output or error that nobody reads: a pipe whose reader has gone (`| head
-1`), a descriptor closed at start (`>&-`, `2>&-`), a full disk. No traceback; output gone only where its reader is
gone; messages on standard error whenever it is open; the exit status the command would have had anyway."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from .cli_support import COMMAND
from .conftest import FOUNDING_A, FOUNDING_B, ROFT_PROMPTS


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two long versions of the founding example (the whole text 30 times: far more output than a pipe holds) and
    a JSONL corpus of the RoFT passages with one corrupt line (a warning on standard error)."""
    where = tmp_path_factory.mktemp("streams")
    for name, source in (("a.txt", FOUNDING_A), ("b.txt", FOUNDING_B)):
        (where / name).write_text((source.read_text(encoding="utf-8") + "\n\n") * 30, encoding="utf-8")
    passages = json.loads(ROFT_PROMPTS.read_text(encoding="utf-8"))["prompts"][:1200]
    lines = [json.dumps({"id": f"p{k:04d}", "text": " ".join(p)}) for k, p in enumerate(passages)]
    lines.insert(3, '{"id": "broken", "text": ')
    (where / "wire.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return where


COMMANDS = {
    "diff": ["diff", "a.txt", "b.txt"],
    "diff --json": ["diff", "a.txt", "b.txt", "--json"],
    "collate": ["collate", "a.txt", "b.txt"],
    "collate --json": ["collate", "a.txt", "b.txt", "--json"],
    "group": ["group", "--corpus", "wire.jsonl"],
}
WARNING = "storytrace: warning: 1 skipped: line 4: not JSON\n"


def _env(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in ("STORYTRACE_DEBUG", "FORCE_COLOR")}
    return {**env, "COLUMNS": "100", "NO_COLOR": "1", **extra}


@pytest.fixture
def gone() -> Iterator[int]:
    """The writing end of a pipe whose reading end is already closed: every write to it fails (EPIPE)."""
    read, write = os.pipe()
    os.close(read)
    yield write
    os.close(write)


def _run(args: list[str], cwd: Path, **streams: object) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([*COMMAND, *args], cwd=cwd, env=_env(), timeout=180, **streams)  # type: ignore[call-overload, no-any-return]


@pytest.mark.parametrize("name", list(COMMANDS))
def test_head_reads_one_line_and_the_command_stops_quietly_with_status_0(inputs: Path, name: str) -> None:
    """`storytrace ... | head -1` as a shell runs it. Whether a write meets the closed pipe depends on when head
    exits; the test below makes sure it does."""
    with subprocess.Popen([*COMMAND, *COMMANDS[name]], cwd=inputs, env=_env(), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE) as writer:
        assert writer.stdout is not None and writer.stderr is not None
        head = subprocess.run(["head", "-1"], stdin=writer.stdout, capture_output=True, timeout=180)
        writer.stdout.close()
        errors = writer.stderr.read().decode()
        status = writer.wait(timeout=180)
    assert head.stdout.count(b"\n") == 1
    assert status == 0, errors
    assert errors == (WARNING if name == "group" else ""), errors


@pytest.mark.parametrize("name", list(COMMANDS))
def test_standard_output_nobody_reads_from_the_start(inputs: Path, gone: int, name: str) -> None:
    """--json and jsonl stopped with status 1 here (the command-line parser's own answer to a closed pipe), the
    terminal views with 0."""
    done = _run(COMMANDS[name], inputs, stdout=gone, stderr=subprocess.PIPE)
    assert done.returncode == 0 and done.stderr.decode() == (WARNING if name == "group" else ""), done.stderr


def test_an_error_still_reaches_standard_error_when_output_is_gone(inputs: Path, gone: int) -> None:
    done = _run(["diff", "missing.txt", "b.txt", "--json"], inputs, stdout=gone, stderr=subprocess.PIPE)
    assert (done.returncode, done.stderr) == (2, b"storytrace: error: no such file: missing.txt\n")


@pytest.mark.parametrize("args", [["group", "--corpus", "wire.jsonl"], ["collate", "a.txt", "b.txt", "--json"]])
def test_standard_error_nobody_reads_loses_the_warning_and_nothing_else(inputs: Path, gone: int,
                                                                       args: list[str]) -> None:
    """The warning for the corrupt line failed to write and stopped group before its output (status 1)."""
    expected = _run(args, inputs, capture_output=True)
    assert expected.returncode == 0
    done = _run(args, inputs, stdout=subprocess.PIPE, stderr=gone)
    assert done.returncode == 0 and done.stdout == expected.stdout


def test_an_error_with_standard_error_gone_keeps_its_status(inputs: Path, gone: int) -> None:
    """Writing the message failed inside the error handler: a traceback to nowhere and status 1, not 2."""
    done = _run(["diff", "missing.txt", "b.txt"], inputs, stdout=subprocess.PIPE, stderr=gone)
    assert (done.returncode, done.stdout) == (2, b"")


def test_closed_standard_error_sends_nothing_to_standard_output(inputs: Path) -> None:
    """`2>&-`: print() sent the error and the warning to standard output instead, into the jsonl."""
    def close_stderr() -> None:
        os.close(2)

    error = _run(["diff", "missing.txt", "b.txt", "--json"], inputs, stdout=subprocess.PIPE, preexec_fn=close_stderr)
    assert (error.returncode, error.stdout) == (2, b"")
    grouped = _run(["group", "--corpus", "wire.jsonl"], inputs, stdout=subprocess.PIPE, preexec_fn=close_stderr)
    assert grouped.returncode == 0
    assert len({json.loads(line)["id"] for line in grouped.stdout.splitlines()}) == 1200  # (every line is JSON)


def test_closed_standard_output_is_no_internal_error(inputs: Path) -> None:
    """`>&-`: --json failed with "internal error: AttributeError: 'NoneType' object has no attribute 'write'"."""
    def close_stdout() -> None:
        os.close(1)

    done = _run(["diff", "a.txt", "b.txt", "--json"], inputs, stderr=subprocess.PIPE, preexec_fn=close_stdout)
    assert (done.returncode, done.stderr) == (0, b"")


def test_a_full_disk_is_one_line_and_status_2(inputs: Path) -> None:
    with open("/dev/full", "wb") as full:
        done = _run(["collate", "a.txt", "b.txt", "--json"], inputs, stdout=full, stderr=subprocess.PIPE)
    assert done.returncode == 2
    assert done.stderr == b"storytrace: error: cannot write standard output: No space left on device\n"


def test_batch_progress_bar_nobody_reads_does_not_stop_the_run(tmp_path: Path, gone: int) -> None:
    """The bar is drawn on standard error (FORCE_COLOR makes it a terminal to rich); when that pipe's reader had
    gone, rich's handler pointed standard output at /dev/null and exited with 0 before the run began: no output
    directory and no report, status 0."""
    text_a, text_b = FOUNDING_A.read_text(encoding="utf-8"), FOUNDING_B.read_text(encoding="utf-8")
    records = [{"url": f"https://example.com/{k}", "text": text, "version": v}
               for k in range(4) for v, text in enumerate((text_a, text_b))]
    (tmp_path / "v.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    done = subprocess.run([*COMMAND, "batch", "v.jsonl", "--out", "out", "--workers", "1", "--partitions", "2"],
                          cwd=tmp_path, env=_env(FORCE_COLOR="1"), stdout=subprocess.PIPE, stderr=gone, timeout=180)
    assert done.returncode == 0
    assert done.stdout.decode().startswith("batch jsonl: 4 stories, 8 versions, 4 pairs")
    assert sorted(p.name for p in (tmp_path / "out" / "_done").iterdir()) == ["part-00000.json", "part-00001.json"]
