"""Reading one input as several slices (one task each): together the slices hold every row exactly once, with
the same positions and refusals as one front-to-back read."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storytrace.corpus.batch import BatchOptions, inputs
from storytrace.corpus.batch.inputs import ReadSlice, open_source, read_rows, read_slices
from storytrace.corpus.hashing import partition_of, stable_hash
from storytrace.ingest.diffengine import read_diffengine
from storytrace.ingest.newsedits import read_newsedits
from storytrace.ingest.records import MAX_EXAMPLES, Tally
from storytrace.ingest.sqlite_file import open_database

from .conftest import news_sentences
from .ingest_archives import add_newsedits_rows, diffengine_db, newsedits_db, stories


def rows(path: Path, part: ReadSlice | None = None, options: BatchOptions | None = None) -> tuple[list[Any], Tally]:
    options = options or BatchOptions()
    tally = Tally()
    found = []
    for batch in read_rows(open_source(path, options), options, tally, part):
        found.extend(zip(batch.keys, batch.ranks, batch.times, batch.seqs, batch.texts, strict=True))
    return found, tally


def sliced(path: Path, wanted: int, options: BatchOptions | None = None) -> tuple[list[ReadSlice], list[Any], Tally]:
    options = options or BatchOptions()
    slices = read_slices(open_source(path, options), wanted)
    found: list[Any] = []
    merged = Tally()
    for part in slices:
        part_rows, tally = rows(path, part, options)
        found.extend(part_rows)
        merged.rows += tally.rows
        merged.refused.update(tally.refused)
        merged.examples.extend(tally.examples[: MAX_EXAMPLES - len(merged.examples)])  # as run_batch merges them
    return slices, found, merged


LINES = st.lists(
    st.one_of(
        st.builds(lambda n, s: json.dumps({"story": f"s{n}", "text": s}), st.integers(0, 5),
                  st.sampled_from(news_sentences()[:50])),
        st.just(""),  # blank lines are skipped
        st.just(json.dumps({"story": "s1", "text": ""})),  # refused: empty text
    ),
    min_size=1,
    max_size=40,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=LINES, wanted=st.integers(1, 7), final_newline=st.booleans())
def test_jsonl_slices_cut_at_line_starts_and_keep_line_numbers(
    tmp_path: Path, lines: list[str], wanted: int, final_newline: bool
) -> None:
    path = tmp_path / "c.jsonl"
    if not any(line.startswith("{") for line in lines):
        lines = [json.dumps({"story": "s0", "text": "A first line."}), *lines]
    data = ("\n".join(lines) + ("\n" if final_newline else "")).encode()
    path.write_bytes(data)
    whole, whole_tally = rows(path)
    slices, found, tally = sliced(path, wanted)
    assert 1 <= len(slices) <= wanted
    assert [s.start for s in slices][0] == 0 and slices[-1].end == len(data)
    for before, after in zip(slices, slices[1:], strict=False):
        assert before.end == after.start > before.start
        assert data[after.start - 1 : after.start] == b"\n"  # a line start
        assert after.first_line == data[: after.start].count(b"\n") + 1
    assert found == whole  # the same rows, with their line numbers as positions
    assert (tally.rows, tally.refused, tally.examples) == (whole_tally.rows, whole_tally.refused,
                                                           whole_tally.examples)


def test_parquet_files_are_sliced_in_order_with_row_numbers(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    sentences = news_sentences()
    for n in range(5):
        texts = sentences[n * 7 : n * 7 + 3 + n]
        pq.write_table(pa.table({"story": [f"s{n}-{k % 2}" for k in range(len(texts))], "text": texts}),
                       folder / f"part-{n}.parquet")
    whole, _ = rows(folder)
    slices, found, _ = sliced(folder, 3)
    assert [(s.start, s.end) for s in slices] == [(0, 3), (3, 4), (4, 5)]
    assert [s.first_line for s in slices] == [0, 3 + 4 + 5, 3 + 4 + 5 + 6]
    assert found == whole and [row[3] for row in found] == list(range(len(whole)))
    assert len(read_slices(open_source(folder / "part-0.parquet", BatchOptions()), 4)) == 1  # one file


@pytest.mark.parametrize("build", [newsedits_db, diffengine_db])
def test_an_archive_is_dealt_into_partitions_each_story_once(tmp_path: Path, build: Any) -> None:
    """The plan puts every story in the partition its key hashes to; read by rowid, the partitions hold the
    archive's stories once each, as the import reader reads them; scanned by entry id (a view's way), too."""
    corpus = build(tmp_path / "archive.db", stories(12, 3))
    if build is newsedits_db:  # an orphan row (no entry id) and an empty text: each refused once
        add_newsedits_rows(corpus, [(None, 0, "t", "2021-03-01 06:00:00", "https://x.example/o", "nyt", "<p>x</p>"),
                                    (77, 0, "t", "2021-03-01 06:00:00", "https://x.example/e", "nyt", "<p> </p>")])
    source = open_source(corpus, BatchOptions())
    with pytest.raises(ValueError, match="by partition"):
        read_slices(source, 4)
    whole_tally = Tally()
    connection, kind = open_database(corpus, None)
    reader = read_newsedits if kind == "newsedits" else read_diffengine
    whole = {story.url: story for story in reader(connection, corpus, whole_tally)}
    connection.close()
    plan = inputs.plan_archive(source, 4)
    assert plan is not None and len(plan) == 4
    for dealt in (True, False):
        seen: list[str] = []
        tallies = Tally()
        for part in range(4):
            tally = Tally()
            found = list(inputs.archive_stories(source, tally, part, 4, plan[part] if dealt else None))
            assert all(story == whole[story.url] for story in found)
            if dealt:
                assert all(partition_of(story.url, 4) == part for story in found)
                urls = [story.url for story in found]
                assert urls == sorted(urls, key=stable_hash)  # (the articles of one story together)
            seen.extend(story.url for story in found)
            tallies.rows += tally.rows
            tallies.refused.update(tally.refused)
        assert sorted(seen) == sorted(whole)  # every story in exactly one partition
        assert (tallies.rows, tallies.refused) == (whole_tally.rows, whole_tally.refused)
    assert sum(1 for part in plan if part) >= 2  # the stories are spread over the partitions
    assert sum(whole_tally.refused.values()) == (2 if build is newsedits_db else 0)


def test_edit_rows_gathered_in_several_arrow_batches_give_the_same_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    from storytrace.corpus.batch import records

    archive = stories(12, 4)

    def tables(batch_rows: int) -> tuple[pa.Table, pa.Table]:
        monkeypatch.setattr(records, "EDIT_BATCH_ROWS", batch_rows)
        built = records.PartitionRecords()
        for story in archive:  # the last version repeated: an identical pair too
            texts = [v.text for v in story.versions] + [story.versions[-1].text]
            built.add_story(story.url, [None] * len(texts), texts)
        return built.tables()

    whole, one, seven = tables(10**9), tables(1), tables(7)
    assert whole[0].num_rows > 100 and len(one[0].to_batches()) == len(archive)  # one after every story
    assert whole[0].equals(one[0]) and whole[0].equals(seven[0]) and whole[1].equals(seven[1])
    empty = records.PartitionRecords().tables()
    assert (empty[0].num_rows, empty[1].num_rows) == (0, 0) and empty[0].schema.equals(records.EDIT_SCHEMA)
