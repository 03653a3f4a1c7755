"""`storytrace batch` end to end: the installed command, with a local cluster of two worker processes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from .cli_support import COMMAND, one_error_line
from .conftest import ROFT_PROMPTS
from .ingest_archives import jsonl_file, jsonl_records, newsedits_db, stories


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    environment.pop("STORYTRACE_DEBUG", None)
    return subprocess.run(COMMAND + list(args), capture_output=True, text=True, timeout=180, env=environment, cwd=cwd)


def test_batch_on_two_workers_then_resumed(tmp_path: Path) -> None:
    archive = stories(6, 3)
    corpus = newsedits_db(tmp_path / "nyt.db", archive)
    done = run("batch", str(corpus), "--out", "out", "--workers", "2", "--partitions", "3", "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["schema"] == "storytrace.batch/1" and report["format"] == "newsedits"
    assert (report["stories"], report["versions"], report["pairs"], report["computed"]) == (6, 18, 12, 3)
    stories_table = pq.read_table(tmp_path / "out" / "stories")
    assert sorted(stories_table.column("story").to_pylist()) == sorted(s.url for s in archive)
    assert pq.read_table(tmp_path / "out" / "edits").num_rows == report["edit_rows"]
    again = run("batch", str(corpus), "--out", "out", "--workers", "1", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "(0 computed, 3 already done)" in again.stdout and "6 stories, 18 versions, 12 pairs" in again.stdout


def test_batch_refuses_bad_input_with_one_line(tmp_path: Path) -> None:
    assert "no such file" in one_error_line(run("batch", "missing.db", "--out", "out", cwd=tmp_path))
    table = pa.table({"headline": ["a"], "body": ["A text."]})
    pq.write_table(table, tmp_path / "wrong.parquet")
    line = one_error_line(run("batch", "wrong.parquet", "--out", "out", cwd=tmp_path))
    assert "wrong Parquet columns" in line and "headline, body" in line
    corpus = jsonl_file(tmp_path / "c.jsonl", jsonl_records(stories(2, 2)))
    line = one_error_line(run("batch", str(corpus), "--out", "out", "--scheduler", "tcp://127.0.0.1:9",
                              "--connect-timeout", "1", cwd=tmp_path))
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in line
    assert "--workers" in one_error_line(run("batch", str(corpus), "--out", "out", "--workers", "0", cwd=tmp_path))
    assert "--format" in one_error_line(run("batch", str(corpus), "--out", "out", "--format", "csv", cwd=tmp_path))
    assert not (tmp_path / "out").exists()


def test_a_bad_line_found_by_a_slice_task_on_a_worker_is_one_line(tmp_path: Path) -> None:
    lines = [json.dumps(record) for record in jsonl_records(stories(8, 3))]
    lines[len(lines) // 2] = "{broken"  # in a later slice than the first
    (tmp_path / "bad.jsonl").write_text("\n".join(lines) + "\n")
    line = one_error_line(run("batch", "bad.jsonl", "--out", "out", "--workers", "2", "-q", cwd=tmp_path))
    assert f"bad.jsonl, line {len(lines) // 2 + 1}: not valid JSON" in line
    assert not (tmp_path / "out" / "_staging").exists()


def test_an_output_path_that_cannot_be_a_directory_is_refused_before_any_work(tmp_path: Path) -> None:
    corpus = jsonl_file(tmp_path / "c.jsonl", jsonl_records(stories(2, 2)))
    line = one_error_line(run("batch", str(corpus), "--out", "c.jsonl/out", "--workers", "1", cwd=tmp_path))
    assert "c.jsonl is a file, not a directory" in line
    line = one_error_line(run("batch", str(corpus), "--out", "out", "--scheduler", "nonsense", cwd=tmp_path))
    assert "cannot reach the Dask scheduler at nonsense" in line  # and no garbage-collector traceback after it


def test_a_busy_dask_dashboard_port_costs_no_warning(tmp_path: Path) -> None:
    # Another Dask on the machine holds port 8787: the run must not print the scheduler's port warning.
    import socket

    corpus = jsonl_file(tmp_path / "c.jsonl", jsonl_records(stories(2, 2)))
    holder = socket.socket()
    try:
        holder.bind(("", 8787))
        holder.listen()
    except OSError:
        pass  # someone holds it already, which is the case under test
    try:
        done = run("batch", str(corpus), "--out", "out", "--workers", "1", "-q", cwd=tmp_path)
    finally:
        holder.close()
    assert done.returncode == 0 and "8787" not in done.stderr and done.stderr.strip() == "", done.stderr


def roft_versions(path: Path, stories: int, versions: int) -> None:
    """A JSONL corpus of real NYT passages: each story three passages, each version two sentences replaced."""
    passages = json.loads(ROFT_PROMPTS.read_text(encoding="utf-8"))["prompts"]
    sentences = [s for p in passages for s in p]
    lines = []
    for k in range(stories):
        story = [s for n in range(3) for s in passages[(7 * k + 13 * n) % len(passages)]]
        for v in range(versions):
            lines.append(json.dumps({"url": f"https://example.org/{k}", "version": v, "text": " ".join(story)}))
            story[(k + v) % len(story)] = sentences[(31 * k + v) % len(sentences)]
            story[(3 * k + 5 * v) % len(story)] = sentences[(17 * k + 3 * v) % len(sentences)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _as_at_a_terminal() -> None:
    """Ctrl-C as a command started at a terminal has it: a suite run in the background (`.ci/run &`, nohup) hands
    its commands SIGINT ignored, and then the command rightly ignores it too (the run ended with exit 0)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def test_ctrl_c_at_a_terminal_mid_run_is_quiet_and_the_rerun_completes_it(tmp_path: Path) -> None:
    """Ctrl-C at a terminal signals the whole process group, the cluster's workers too: each died printing a
    KeyboardInterrupt traceback (or the heartbeat it had in flight), although the command closes them itself."""
    if not ROFT_PROMPTS.exists():
        pytest.skip("the shared RoFT data is not here")
    roft_versions(tmp_path / "wire.jsonl", 2000, 4)
    args = ["batch", "wire.jsonl", "--workers", "2", "--partitions", "16", "-q"]
    environment = {**os.environ, "NO_COLOR": "1"}
    environment.pop("STORYTRACE_DEBUG", None)
    child = subprocess.Popen(COMMAND + args + ["--out", "out"], cwd=tmp_path, env=environment, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                             preexec_fn=_as_at_a_terminal)
    deadline = time.monotonic() + 120
    while not any((tmp_path / "out" / "_done").glob("*.json")) and child.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    os.killpg(child.pid, signal.SIGINT)
    _, stderr = child.communicate(timeout=60)
    assert child.returncode == 130, stderr
    assert stderr == ""
    done = len(list((tmp_path / "out" / "_done").glob("*.json")))
    assert 1 <= done < 16
    again = run(*args, "--out", "out", "--json", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    report = json.loads(again.stdout)
    assert (report["computed"], report["skipped"]) == (16 - done, done)
    whole = run(*args, "--out", "whole", cwd=tmp_path)
    assert whole.returncode == 0, whole.stderr
    order = {"edits": ["story", "version_a", "link"], "stories": ["story"]}
    for table, columns in order.items():
        keys = [(column, "ascending") for column in columns]
        resumed = pq.read_table(tmp_path / "out" / table).sort_by(keys)
        assert resumed.num_rows > 0 and resumed.equals(pq.read_table(tmp_path / "whole" / table).sort_by(keys))


def test_memory_limit_per_local_worker_from_the_flag_or_storytrace_toml(tmp_path: Path) -> None:
    """The limit reaches the workers (the scheduler's own record of each, in the report); the flag wins."""
    corpus = jsonl_file(tmp_path / "c.jsonl", jsonl_records(stories(2, 2)))
    done = run("batch", str(corpus), "--out", "a", "--workers", "2", "--memory-limit", "700MB", "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["worker_memory_limits"] == [700_000_000, 700_000_000]
    (tmp_path / "storytrace.toml").write_text('[batch]\nmemory_limit = "512MiB"\n', encoding="utf-8")
    done = run("batch", str(corpus), "--out", "b", "--workers", "1", "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["worker_memory_limits"] == [512 * 2**20]
    done = run("batch", str(corpus), "--out", "c", "--workers", "1", "--memory-limit", "none", "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["worker_memory_limits"] == [None]


def test_a_bad_memory_limit_is_one_line_before_any_work(tmp_path: Path) -> None:
    corpus = jsonl_file(tmp_path / "c.jsonl", jsonl_records(stories(2, 2)))
    line = one_error_line(run("batch", str(corpus), "--out", "out", "--memory-limit", "5 foos", cwd=tmp_path))
    assert line.startswith("storytrace: error: --memory-limit: expected a size such as 4GB or 512MiB")
    assert line.endswith("not '5 foos'")
    line = one_error_line(run("batch", str(corpus), "--out", "out", "--memory-limit", "2GB", "--scheduler",
                              "tcp://127.0.0.1:9", cwd=tmp_path))
    assert "--memory-limit is for a local cluster; with --scheduler the cluster has its own" in line
    for value, message in (('"lots"', "storytrace.toml [batch]: expected a size such as 4GB"),
                           ("0.5", "storytrace.toml [batch]: memory_limit = 0.5: expected text in quotes")):
        (tmp_path / "storytrace.toml").write_text(f"[batch]\nmemory_limit = {value}\n", encoding="utf-8")
        assert message in one_error_line(run("batch", str(corpus), "--out", "out", cwd=tmp_path))
    assert not (tmp_path / "out").exists()


def test_workers_over_their_memory_limit_end_the_run_with_one_line(tmp_path: Path) -> None:
    """Too little to start a worker, or to align a story of twenty 1 MB versions (the worker is restarted by its
    nanny, and the task given up after four): "internal error: CommClosedError" and "KilledWorker", status 1. (With
    Dask's pause at 80% of the limit, a limit a little above what a worker starts with hung the run for good.)"""
    corpus = jsonl_file(tmp_path / "c.jsonl", jsonl_records(stories(2, 2)))
    line = one_error_line(run("batch", str(corpus), "--out", "a", "--workers", "1", "--memory-limit", "60MB",
                              cwd=tmp_path))
    assert line == "storytrace: error: a local worker stopped as it started; each worker may use 60 MB (--memory-limit)"
    passages = json.loads(ROFT_PROMPTS.read_text(encoding="utf-8"))["prompts"]
    big = [{"url": "https://example.org/roundup", "version": v,
            "text": "\n\n".join(" ".join(p) for p in passages[20 * v : 20 * v + 700])} for v in range(20)]
    jsonl_file(tmp_path / "big.jsonl", big)
    line = one_error_line(run("batch", "big.jsonl", "--out", "b", "--workers", "1", "--memory-limit", "220MB",
                              "-q", cwd=tmp_path))
    # (the workers die aligning the story, or on a machine with less to spare already reading it)
    assert line.endswith((": every worker that ran it died; each worker may use 220 MB (--memory-limit)",
                          ": every worker that read it died; each worker may use 220 MB (--memory-limit)")), line
