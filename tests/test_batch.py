"""The batch pipeline on a real local Dask cluster of two worker processes, on small corpora built here from real
NYT sentences (read at test time) with edits whose effect is known."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from storytrace.corpus.batch import EDIT_SCHEMA, STORY_SCHEMA, BatchError, BatchOptions, dask_client, inputs, run_batch
from storytrace.corpus.batch.manifest import marker_path, output_path
from storytrace.corpus.batch.worker import process_archive_partition
from storytrace.corpus.hashing import partition_of, stable_digest, stable_hash

from .conftest import news_sentences
from .ingest_archives import add_newsedits_rows, diffengine_db, jsonl_file, newsedits_db, stories

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    with dask_client(workers=2) as found:
        yield found


def test_local_cluster_keeps_dask_housekeeping_out_of_the_tasks_way(client: Any) -> None:
    """With a worker per core, Dask's periodic work is taken from the tasks: the workers sample no stacks (no
    dashboard would show them) and the scheduler and workers check their event loops every second, not every 20 ms."""

    def housekeeping(dask_worker: Any) -> tuple[bool, float]:
        return "profile" in dask_worker.periodic_callbacks, dask_worker._tick_interval

    found = client.run(housekeeping)
    assert len(found) == 2
    assert set(found.values()) == {(False, 1.0)}
    assert client.run_on_scheduler(lambda dask_scheduler: dask_scheduler._tick_interval) == 1.0


def test_local_workers_freeze_what_is_alive_and_space_out_garbage_collections(client: Any) -> None:
    """The aligner is imported on every worker before the run, and what is alive then (Dask, the aligner) is frozen
    out of the collector's way; a young collection starts after 10,000 new objects, not 700."""
    import gc

    def collector() -> tuple[int, int, bool]:
        import sys

        return gc.get_freeze_count(), gc.get_threshold()[0], "storytrace.corpus.batch.records" in sys.modules

    found = list(client.run(collector).values())
    assert len(found) == 2
    for frozen, threshold, imported in found:
        assert frozen > 10_000
        assert threshold == 10_000
        assert imported
    assert gc.get_freeze_count() == 0  # the client's own process is left alone


def test_workers_of_an_existing_cluster_keep_their_own_settings() -> None:
    """--scheduler reaches someone else's workers: their garbage collector and Dask settings are not touched."""
    import gc

    from distributed import LocalCluster

    def settings(dask_worker: Any) -> tuple[int, int, bool]:
        return gc.get_threshold()[0], gc.get_freeze_count(), "profile" in dask_worker.periodic_callbacks

    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None,  # type: ignore[no-untyped-call]
                      scheduler_kwargs={"dashboard_address": ":0"}) as cluster:
        with dask_client(scheduler=cluster.scheduler_address, timeout=5) as other:
            found = list(other.run(settings).values())
    assert found == [(700, 0, True)]


def edited_story(key: str, start: int) -> list[str]:
    """Four versions of eight real sentences: v1 changes a number in sentence 3 (substantive), v2 is v1 again,
    v3 drops sentence 5 and adds a new last sentence."""
    pool = [s for s in news_sentences() if not any(ch.isdigit() for ch in s)]
    base = pool[start : start + 8]
    extra = pool[start + 40]
    v0 = list(base)
    v1 = list(base)
    v1[3] = v1[3].rstrip(".") + " in 1,250 cases."
    v0[3] = v0[3].rstrip(".") + " in 1,200 cases."
    v3 = [s for i, s in enumerate(v1) if i != 5] + [extra]
    return [" ".join(v) for v in (v0, v1, v1, v3)]


def story_records(count: int) -> list[dict[str, Any]]:
    records = []
    for n in range(count):
        for k, text in enumerate(edited_story(f"story-{n}", 10 * n)):
            records.append({"story": f"story-{n}", "text": text, "captured_at": f"2021-05-0{k + 1}T10:00:00Z"})
    return records


def rows_of(out: Path, table: str) -> list[dict[str, Any]]:
    found = pq.read_table(out / table).to_pylist()
    return sorted(found, key=lambda r: (r["story"], r.get("version_a", 0), r.get("link", 0)))


def test_known_edits_become_edit_records_and_summaries(client: Any, tmp_path: Path) -> None:
    records = story_records(6)
    records.reverse()  # order comes from the capture times, not the file
    corpus = jsonl_file(tmp_path / "corpus.jsonl", records)
    report = run_batch(corpus, tmp_path / "out", BatchOptions(partitions=3), client)
    assert (report.stories, report.versions, report.pairs, report.computed) == (6, 24, 18, 3)
    phases = [report.timings[name] for name in ("check_wall", "read_wall", "align_wall")]
    assert all(seconds > 0 for seconds in phases) and sum(phases) <= report.seconds
    edits = [r for r in rows_of(tmp_path / "out", "edits") if r["story"] == "story-2"]
    by_pair = {pair: [r for r in edits if r["version_a"] == pair] for pair in range(3)}
    # v0 -> v1: one substantive change, in place, its texts and reasons kept; the rest unchanged without texts
    changed = [r for r in by_pair[0] if r["kind"] != "unchanged"]
    assert len(by_pair[0]) == 8 and len(changed) == 1
    (number,) = changed
    assert (number["kind"], number["a_index"], number["b_index"], number["a_count"], number["b_count"]) == (
        "substantive", 3, 3, 1, 1)
    assert number["text_a"].endswith("1,200 cases.") and number["text_b"].endswith("1,250 cases.")
    assert any("1,200" in reason for reason in number["reasons"])
    assert all(r["text_a"] is None and r["reasons"] is None for r in by_pair[0] if r["kind"] == "unchanged")
    assert str(number["time_a"]) == "2021-05-01 10:00:00+00:00" and number["version_b"] == 1
    # v1 -> v2: the same text: every sentence unchanged and in place
    assert [(r["kind"], r["a_index"], r["b_index"]) for r in by_pair[1]] == [("unchanged", i, i) for i in range(8)]
    # v2 -> v3: sentence 5 deleted, a new last sentence added
    kinds = sorted((r["kind"], r["a_index"], r["b_index"]) for r in by_pair[2] if r["kind"] != "unchanged")
    assert kinds == [("added", None, 7), ("deleted", 5, None)]
    assert [r["link"] for r in by_pair[2]] == list(range(len(by_pair[2])))
    (summary,) = [r for r in rows_of(tmp_path / "out", "stories") if r["story"] == "story-2"]
    assert summary == {
        "story": "story-2", "versions": 4, "pairs": 3, "identical_pairs": 1, "changed_pairs": 2,
        "substantive_pairs": 1, "failed_pairs": 0, "first_time": summary["first_time"],
        "last_time": summary["last_time"], "sentences_first": 8, "sentences_last": 8, "unchanged": 7 + 8 + 7,
        "minor": 0, "substantive": 1, "added": 1, "deleted": 1, "moved": 0, "split": 0, "merged": 0,
    }
    assert (summary["last_time"] - summary["first_time"]).days == 3


def test_each_story_is_in_its_stable_partition_with_fixed_schemas(client: Any, tmp_path: Path) -> None:
    corpus = jsonl_file(tmp_path / "corpus.jsonl", story_records(8))
    run_batch(corpus, tmp_path / "out", BatchOptions(partitions=4), client)
    for part in range(4):
        edits = pq.read_table(output_path(tmp_path / "out", "edits", part))
        summaries = pq.read_table(output_path(tmp_path / "out", "stories", part))
        assert edits.schema.equals(EDIT_SCHEMA) and summaries.schema.equals(STORY_SCHEMA)
        for key in summaries.column("story").to_pylist() + edits.column("story").to_pylist():
            assert partition_of(key, 4) == part
    manifest = json.loads((tmp_path / "out" / "_manifest.json").read_text())
    assert manifest["complete"] and manifest["partitions"] == 4 and manifest["totals"]["stories"] == 8
    assert not (tmp_path / "out" / "_staging").exists()


def test_a_rerun_recomputes_only_the_missing_partition(client: Any, tmp_path: Path) -> None:
    corpus = newsedits_db(tmp_path / "nyt.db", stories(12, 4))
    out = tmp_path / "out"
    first = run_batch(corpus, out, BatchOptions(partitions=4), client)
    assert first.computed == 4
    before = {path: (path.stat().st_mtime_ns, pq.read_table(path)) for path in sorted(out.glob("*/part-*.parquet"))}
    lost = output_path(out, "edits", 2)
    lost.unlink()
    again = run_batch(corpus, out, BatchOptions(), client)  # the partition count is the earlier run's
    assert (again.computed, again.skipped, again.partitions) == (1, 3, 4)
    assert (again.stories, again.pairs, again.edit_rows) == (first.stories, first.pairs, first.edit_rows)
    assert (again.rows_read, again.refused) == (first.rows_read, 0) == (12 * 4, 0)  # the markers keep the tallies
    for path, (mtime, table) in before.items():
        assert pq.read_table(path).equals(table)
        rewritten = path.name == "part-00002.parquet"
        assert (path.stat().st_mtime_ns != mtime) == rewritten, path
    assert run_batch(corpus, out, BatchOptions(), client).computed == 0


def test_a_different_input_or_setting_is_not_mixed_into_a_run(client: Any, tmp_path: Path) -> None:
    corpus = jsonl_file(tmp_path / "corpus.jsonl", story_records(3))
    out = tmp_path / "out"
    run_batch(corpus, out, BatchOptions(partitions=2), client)
    with pytest.raises(BatchError, match="another input or other settings"):
        run_batch(corpus, out, BatchOptions(partitions=3), client)
    with pytest.raises(BatchError, match="another input or other settings"):
        run_batch(corpus, out, BatchOptions(partitions=2, diff=BatchOptions().diff.with_overrides(
            link_threshold=0.6)), client)
    jsonl_file(corpus, story_records(4))
    with pytest.raises(BatchError, match="another input or other settings"):
        run_batch(corpus, out, BatchOptions(partitions=2), client)
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("mine")
    with pytest.raises(BatchError, match="not empty"):
        run_batch(corpus, tmp_path / "other", BatchOptions(), client)


@pytest.mark.parametrize("kind", ["newsedits", "diffengine"])
def test_sqlite_archives_are_read_with_the_import_readers(client: Any, tmp_path: Path, kind: str) -> None:
    archive = stories(5, 4)
    build = newsedits_db if kind == "newsedits" else diffengine_db
    corpus = build(tmp_path / f"{kind}.db", archive)
    report = run_batch(corpus, tmp_path / "out", BatchOptions(partitions=2), client)
    assert report.format == kind
    summaries = rows_of(tmp_path / "out", "stories")
    assert sorted(r["story"] for r in summaries) == sorted(story.url for story in archive)
    # each version adds a sentence; the third gives the second sentence an attribution
    for row in summaries:
        assert (row["versions"], row["pairs"], row["sentences_first"], row["deleted"]) == (4, 3, 3, 0)
        assert row["added"] == row["sentences_last"] - 3 >= 3  # (a long sentence may read as two)
        assert row["substantive"] + row["minor"] == 1 and row["first_time"] is not None


def test_an_archive_is_partitioned_by_story_and_read_by_the_partitions(client: Any, tmp_path: Path) -> None:
    """Each story is in the partition its key hashes to, as for JSONL, read there (nothing staged); two articles
    under one URL (one page tracked twice) are one story, as `storytrace import` makes them, with every version in
    time order; rows that cannot be versions are refused and counted once, also when the run is resumed."""
    archive = stories(9, 3)
    twin = replace(archive[0], versions=archive[0].versions[:2])  # the first article tracked a second time
    corpus = newsedits_db(tmp_path / "nyt.db", [*archive, twin])
    add_newsedits_rows(corpus, [(None, 0, "t", "2021-03-01 06:00:00", "https://x.example/o", "nyt", "<p>x</p>"),
                                (77, 0, "t", "2021-03-01 06:00:00", "https://x.example/e", "nyt", "<p> </p>")])
    out = tmp_path / "out"
    report = run_batch(corpus, out, BatchOptions(partitions=4), client)
    assert (report.stories, report.versions, report.pairs) == (9, 9 * 3 + 2, 9 * 2 + 2)
    assert (report.rows_read, report.refused, len(report.refusals)) == (9 * 3 + 2 + 2, 2, 2)
    assert "stage" not in report.timings and not (out / "_staging").exists()  # nothing was staged
    for part in range(4):
        summaries = pq.read_table(output_path(out, "stories", part)).to_pylist()
        assert all(partition_of(row["story"], 4) == part for row in summaries)
        keys = [row["story"] for row in summaries]  # in the order of their keys' hash
        assert keys == sorted(keys, key=stable_hash)
    keys = [row["story"] for row in rows_of(out, "stories")]
    assert sorted(keys) == sorted(story.url for story in archive)
    (first,) = [row for row in rows_of(out, "stories") if row["story"] == archive[0].url]
    assert (first["versions"], first["identical_pairs"]) == (5, 2)  # each text captured twice, in time order
    manifest = json.loads((out / "_manifest.json").read_text())
    assert manifest["settings"]["partition_by"] == "story"
    kept = [part for part in range(4) if not json.loads(marker_path(out, part).read_text())["tally"]["refused"]]
    for part in kept:  # a resumed run counts the rows of the partitions it skips too
        marker_path(out, part).unlink()
    again = run_batch(corpus, out, BatchOptions(), client)
    assert again.computed == len(kept) >= 1 and (again.rows_read, again.refused, again.refusals) == (
        report.rows_read, report.refused, report.refusals)


def test_an_archive_whose_versions_are_a_view_is_read_by_scanning(client: Any, tmp_path: Path) -> None:
    """A view has no rowids to deal: each partition's task scans the archive for its articles instead, with the
    same results as the table."""
    archive = stories(6, 3)
    table = newsedits_db(tmp_path / "table.db", archive)
    viewed = newsedits_db(tmp_path / "view.db", archive)
    with sqlite3.connect(viewed) as connection:
        connection.executescript("ALTER TABLE entryversion RENAME TO real_versions; "
                                 "CREATE VIEW entryversion AS SELECT * FROM real_versions;")
    connection.close()
    first = run_batch(table, tmp_path / "a", BatchOptions(partitions=3), client)
    second = run_batch(viewed, tmp_path / "b", BatchOptions(partitions=3), client)
    assert (second.stories, second.pairs, second.edit_rows) == (first.stories, first.pairs, first.edit_rows) == (
        6, 12, first.edit_rows)
    assert rows_of(tmp_path / "a", "edits") == rows_of(tmp_path / "b", "edits")


def test_a_partition_that_cannot_be_read_is_one_line_and_the_others_finish(client: Any, tmp_path: Path) -> None:
    corpus = newsedits_db(tmp_path / "nyt.db", stories(40, 4))
    source = inputs.open_source(corpus, BatchOptions())
    plan = inputs.plan_archive(source, 8)
    assert plan is not None
    size = corpus.stat().st_size
    with corpus.open("r+b") as stream:  # a page in the middle overwritten after the run's check
        stream.seek(4096 * (size // 4096 // 2))
        stream.write(b"\xff" * 4096)
    out = tmp_path / "out"
    (out / "_done").mkdir(parents=True)
    results = {part: process_archive_partition(source, plan[part], 8, str(out), part, "x", {}) for part in range(8)}
    failed = [part for part, result in results.items() if "error" in result]
    assert 1 <= len(failed) < 8
    for part, result in results.items():
        if part in failed:
            assert "reading failed (" in result["error"] and "\n" not in result["error"]
        assert marker_path(out, part).exists() == (part not in failed)


def test_parquet_input_with_a_named_story_column(client: Any, tmp_path: Path) -> None:
    records = story_records(3)
    table = pa.table({
        "article": [r["story"] for r in records],
        "body": [r["text"] for r in records],
        "version": [int(r["captured_at"][9]) for r in records],
    })
    pq.write_table(table.take(list(reversed(range(table.num_rows)))), tmp_path / "corpus.parquet")
    options = BatchOptions(partitions=2, story_key="article", text_field="body")
    report = run_batch(tmp_path / "corpus.parquet", tmp_path / "out", options, client)
    assert (report.format, report.stories, report.pairs) == ("parquet", 3, 9)
    edits = rows_of(tmp_path / "out", "edits")
    assert sorted({r["kind"] for r in edits}) == ["added", "deleted", "substantive", "unchanged"]
    assert all(r["time_a"] is None for r in edits)
    with pytest.raises(BatchError, match="wrong Parquet columns: no story key column"):
        run_batch(tmp_path / "corpus.parquet", tmp_path / "out2", BatchOptions(text_field="body"), client)
    with pytest.raises(BatchError, match="no text column 'text'"):
        run_batch(tmp_path / "corpus.parquet", tmp_path / "out2", BatchOptions(story_key="article"), client)


def test_bad_rows_are_refused_and_counted(client: Any, tmp_path: Path) -> None:
    records: list[dict[str, Any] | str] = [*story_records(2), {"story": "x", "text": ""}, {"text": "no key here."}]
    report = run_batch(jsonl_file(tmp_path / "c.jsonl", records), tmp_path / "out", BatchOptions(partitions=2), client)
    assert (report.stories, report.rows_read, report.refused) == (2, 10, 2)


def test_unreadable_inputs_fail_with_one_line(client: Any, tmp_path: Path) -> None:
    with pytest.raises(BatchError, match="no such file"):
        run_batch(tmp_path / "missing.jsonl", tmp_path / "out", BatchOptions(), client)
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"SQLite format 3\x00" + os.urandom(2000))
    with pytest.raises(BatchError, match="SQLite"):
        run_batch(broken, tmp_path / "out", BatchOptions(), client)
    bad = jsonl_file(tmp_path / "bad.jsonl", [*story_records(1), "{not json"])
    with pytest.raises(BatchError, match="line 5: not valid JSON"):
        run_batch(bad, tmp_path / "out3", BatchOptions(), client)
    (tmp_path / "notes.txt").write_text("plain text")
    with pytest.raises(BatchError, match="cannot tell the format"):
        run_batch(tmp_path / "notes.txt", tmp_path / "out4", BatchOptions(), client)
    archive = newsedits_db(tmp_path / "nyt.db", stories(2, 2))
    with pytest.raises(BatchError, match="--story-key names a JSONL field"):  # not silently ignored
        run_batch(archive, tmp_path / "out6", BatchOptions(story_key="id"), client)
    good = jsonl_file(tmp_path / "good.jsonl", story_records(1))
    with pytest.raises(BatchError, match="line 1: no field 'nope' for --story-key"):  # as Parquet refuses it
        run_batch(good, tmp_path / "out5", BatchOptions(story_key="nope"), client)
    assert not (tmp_path / "out5").exists()


def test_slices_are_read_on_the_workers_and_the_first_bad_line_is_named(client: Any, tmp_path: Path) -> None:
    records: list[dict[str, Any] | str] = [*story_records(12)]
    records[3] = {"story": "story-0", "text": ""}  # refused in the first slice
    records[40] = {"text": "no key"}  # refused in a later one
    corpus = jsonl_file(tmp_path / "c.jsonl", records)
    report = run_batch(corpus, tmp_path / "out", BatchOptions(partitions=3), client)
    assert (report.rows_read, report.refused, report.stories) == (48, 2, 12)
    assert [r.split(":")[0] for r in report.refusals] == ["line 4", "line 41"]  # in input order
    records[2], records[45] = "{broken", "[1]"  # a bad line in the first slice and in the last
    with pytest.raises(BatchError, match="line 3: not valid JSON"):
        run_batch(jsonl_file(tmp_path / "bad.jsonl", records), tmp_path / "out2", BatchOptions(), client)


def test_a_relative_input_path_is_read_by_workers_running_elsewhere(
    client: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    records: list[dict[str, Any] | str] = [*story_records(3)]
    records.append({"story": "story-9", "text": "A version with a huge number.", "version": 10**400})
    jsonl_file(tmp_path / "c.jsonl", records)
    monkeypatch.chdir(tmp_path)  # the workers stay in the directory the cluster started in
    report = run_batch("c.jsonl", "out", BatchOptions(partitions=2), client)
    assert (report.stories, report.rows_read, report.refused) == (4, 13, 0)  # the huge version is no number


def test_an_unreachable_scheduler_fails_quickly() -> None:
    with pytest.raises(BatchError, match="cannot reach the Dask scheduler"):
        with dask_client(scheduler="tcp://127.0.0.1:9", timeout=1):
            pass


def test_partitions_agree_on_every_worker_and_across_hash_seeds(client: Any) -> None:
    keys = [f"https://news.example/{n}" for n in range(200)] + ["ümlaut story", ""]
    expected = [partition_of(key, 16) for key in keys]
    on_workers = client.run(lambda: [partition_of(key, 16) for key in keys])
    assert len(on_workers) == 2 and all(found == expected for found in on_workers.values())
    script = ("import json, sys; from storytrace.corpus.hashing import partition_of; "
              "print(json.dumps([partition_of(k, 16) for k in json.load(sys.stdin)]))")
    for seed in ("1", "2"):
        done = subprocess.run([sys.executable, "-c", script], input=json.dumps(keys), capture_output=True, text=True,
                              env={**os.environ, "PYTHONHASHSEED": seed}, check=True)
        assert json.loads(done.stdout) == expected


def test_stable_hashes() -> None:
    assert stable_hash("https://news.example/a") == 13121714966224808978
    assert stable_digest("x") == "4adf4367f96e584f"
    assert partition_of("https://news.example/a", 7) == 6
    assert {partition_of(str(n), 5) for n in range(100)} == set(range(5))
    with pytest.raises(ValueError):
        partition_of("a", 0)


def test_a_run_stopped_by_a_bad_line_leaves_a_directory_the_fixed_input_can_use(client: Any, tmp_path: Path) -> None:
    out = tmp_path / "out"
    bad = jsonl_file(tmp_path / "c.jsonl", [*story_records(2), "[1, 2]"])
    with pytest.raises(BatchError, match="line 9: expected a JSON object"):
        run_batch(bad, out, BatchOptions(partitions=3), client)
    assert not (out / "_staging").exists()  # the staged copy of the input is not left behind
    fixed = jsonl_file(tmp_path / "c.jsonl", story_records(2))
    report = run_batch(fixed, out, BatchOptions(partitions=2), client)  # no partition was finished: nothing to keep
    assert (report.stories, report.computed) == (2, 2)
    assert sorted(p.name for p in (out / "edits").iterdir()) == ["part-00000.parquet", "part-00001.parquet"]
    with pytest.raises(BatchError, match="holds the results of another input"):  # finished results are kept
        run_batch(fixed, out, BatchOptions(partitions=3), client)


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs a Linux /proc")
def test_an_output_directory_that_cannot_be_written_is_one_line(client: Any, tmp_path: Path) -> None:
    from storytrace.corpus.batch.manifest import check_output

    corpus = jsonl_file(tmp_path / "c.jsonl", story_records(1))
    with pytest.raises(BatchError, match="cannot write /proc/storytrace-out/_manifest.json"):
        run_batch(corpus, Path("/proc/storytrace-out"), BatchOptions(), client)
    with pytest.raises(BatchError, match="c.jsonl is a file, not a directory"):
        check_output(corpus / "out")


def _peer(reply: bytes | None) -> tuple[str, Any]:
    """A local TCP port that accepts and then says nothing (reply None) or answers `reply` and hangs up."""
    import socket
    import threading

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    if reply is not None:
        def answer() -> None:
            connection, _ = server.accept()
            with connection:
                connection.recv(1024)
                connection.sendall(reply)

        threading.Thread(target=answer, daemon=True).start()
    return f"tcp://127.0.0.1:{server.getsockname()[1]}", server


def test_a_port_that_is_not_a_scheduler_is_refused_within_the_timeout(client: Any) -> None:
    import time

    for reply, message in ((None, "no answer within 1 s"), (b"HTTP/1.0 400 Bad Request\r\n\r\n" * 4, "not as a Dask")):
        address, server = _peer(reply)
        with server:
            started = time.perf_counter()
            with pytest.raises(BatchError, match=message):
                with dask_client(scheduler=address, timeout=1):
                    pass
            assert time.perf_counter() - started < 5
    with dask_client(scheduler=client.scheduler.address, timeout=5) as other:  # a real scheduler still answers
        assert other.scheduler_info()["type"] == "Scheduler"


INTERRUPTED_START = """
import os, signal, threading
signal.signal(signal.SIGINT, signal.default_int_handler)
import distributed
from storytrace.corpus.batch import dask_client
if __name__ == "__main__":
    threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGINT)).start()
    try:
        with dask_client(workers=1):
            threading.Event().wait(10)
    except KeyboardInterrupt:
        print("interrupted")
"""


def test_ctrl_c_while_the_local_cluster_starts_exits_without_a_traceback(tmp_path: Path) -> None:
    script = tmp_path / "start.py"
    script.write_text(INTERRUPTED_START, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "interrupted"
    assert "Traceback" not in done.stderr, done.stderr


@pytest.mark.parametrize(
    ("raw", "limit"),
    [("4GB", 4 * 10**9), ("512MiB", 512 * 2**20), ("1.5 gb", 15 * 10**8), ("2e9", 2 * 10**9), ("3g", 3 * 10**9),
     ("0.5", 0.5), ("1.0", 1.0), ("auto", "auto"), ("AUTO", "auto"), ("none", None), ("0", None)],
)
def test_memory_limits_are_read_as_dask_takes_them(raw: str, limit: object) -> None:
    from storytrace.corpus.batch.options import parse_memory_limit

    assert parse_memory_limit(raw) == limit


@pytest.mark.parametrize("raw", ["", "lots", "5 foos", "-1GB", "1", "100", "999kB", "nan", "1e999", "0.0", "1.5"])
def test_memory_limits_dask_would_misread_or_no_worker_fits_are_refused(raw: str) -> None:
    """"1" is the whole machine to Dask (a number up to 1 is a fraction), "1.5" neither a fraction nor a size."""
    from storytrace.corpus.batch.options import parse_memory_limit

    with pytest.raises(ValueError, match="expected a size such as 4GB or 512MiB"):
        parse_memory_limit(raw)
