"""Speed of `storytrace batch`: a NewsEdits-style SQLite corpus aligned on a local Dask cluster, 1 and 2 workers.

    .venv/bin/python bench/batch_speed.py                         # 2,000 stories x 6 versions, 1 then 2 workers
    .venv/bin/python bench/batch_speed.py --workers 2 --stories 500   # one quick run
    .venv/bin/python bench/batch_speed.py --json bench/out/batch_speed.json
    .venv/bin/python bench/batch_speed.py --rounds 3   # 1, 2, 1, 2, 1, 2 workers; medians and their speedup
    .venv/bin/python bench/batch_speed.py --rounds 5 --dask-defaults   # each run also with Dask's housekeeping

The corpus has --stories articles of --versions versions. A first version is 4 consecutive RoFT passages (40 real
NYT sentences, read at run time from ../shared/data/roft-nyt/prompts-nyt-dev.json and never copied into the
repository); each later version revises the one before with bench/pairs.py's edits at --rate (0.15: one
substitution, a split, a merge, a move, an insertion and a deletion per 40 sentences). It is written as a NewsEdits
`entryversion` table with `<p>` HTML summaries. Each run goes into a fresh output directory; its time is `run_batch`
end to end (input checked, its rowids dealt to the partitions, every partition read through the NewsEdits reader,
aligned and written, manifest); the cluster's start-up (worker processes, imports) is timed apart. The breakdown
gives the wall time of the run's phases (check_wall, read_wall, align_wall) and sums the workers' task times (read,
segment, diff, records, write; task = their wall time, cpu = their process CPU time). On a shared machine the
workers' CPU share (cpu over task) shows how much of a core each actually had. With --rounds N the worker counts
take turns N times, so that the host's drift (tens of percent within minutes on this machine) weighs on each alike;
the speedup is then that of the median times. With --dask-defaults each run is followed by the same run on a cluster
with Dask's default housekeeping instead of storytrace's (`QUIET_LOCAL_CLUSTER`), and both sets get their medians
and speedup.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from machine import describe, write_report
from newsedits_table import write_newsedits
from pairs import PASSAGES_PER_ARTICLE, layout, load_passages, paragraph_ends, revise

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
START = datetime(2021, 3, 1, 6, 0, tzinfo=UTC)


def html(sentences: list[str], ends: set[int]) -> str:
    """NewsEdits' summary markup: the paragraphs as <p>...</p>."""
    text, _ = layout(sentences, ends)
    return "".join(f"<p>{paragraph}</p>" for paragraph in text.split("\n\n"))


def build(path: Path, stories: int, versions: int, rate: float, seed: int) -> int:
    """Write the corpus; returns the number of version pairs."""
    passages = load_passages()
    rows = []
    ident = 0
    for entry in range(stories):
        rng = random.Random(seed * 1_000_003 + entry)
        start = rng.randrange(len(passages) - PASSAGES_PER_ARTICLE + 1)
        sentences = [s for p in passages[start : start + PASSAGES_PER_ARTICLE] for s in p]
        ends = paragraph_ends(len(sentences), rng)
        url = f"https://www.nytimes.example/2021/03/story-{entry}.html"
        for number in range(versions):
            if number:
                inserts = passages[rng.randrange(len(passages))]
                items = revise(sentences, ends, rng, inserts, rate)
                sentences = [item.text for item in items]
                ends = {j for j, item in enumerate(items) if item.pend}
            ident += 1
            created = (START + timedelta(hours=entry, minutes=41 * number)).replace(tzinfo=None)
            rows.append((ident, entry, number, f"Story {entry}", created.isoformat(sep=" "), url, "nyt",
                         html(sentences, ends), versions))
    write_newsedits(path, rows)
    return stories * (versions - 1)


def _warm() -> str:
    import storytrace.corpus.batch.records  # noqa: F401  (the aligner's imports, once per worker)

    return "ok"


def run(
    corpus: Path, workers: int, partitions: int, scratch: Path, round_number: int = 0, dask_defaults: bool = False
) -> dict[str, object]:
    from storytrace.corpus.batch import BatchOptions, dask_client, run_batch
    from storytrace.corpus.batch.cluster import QUIET_LOCAL_CLUSTER

    started = time.perf_counter()
    with dask_client(workers, housekeeping={} if dask_defaults else QUIET_LOCAL_CLUSTER) as client:
        client.run(_warm)
        ready = time.perf_counter() - started
        load = os.getloadavg()[0]
        # (a fresh directory each time: a finished one would be skipped)
        out = scratch / f"out-{workers}-{round_number}-{dask_defaults}"
        report = run_batch(corpus, out, BatchOptions(partitions=partitions), client)
    rate = report.pairs_computed / report.seconds
    cpu = report.timings.get("cpu", 0.0)
    return {
        "workers": workers,
        "housekeeping": "dask defaults" if dask_defaults else "storytrace",
        "partitions": partitions,
        "pairs": report.pairs_computed,
        "edit_rows": report.edit_rows,
        "seconds": round(report.seconds, 2),
        "pairs_per_s": round(rate),
        "pairs_per_s_per_core": round(rate / workers),
        "cluster_start_s": round(ready, 2),
        "load_before": round(load, 2),
        # the workers' CPU time over their wall time: 1.0 when each had a core to itself
        "worker_cpu_share": round(cpu / report.timings["task"], 2) if report.timings.get("task") else None,
        "pairs_per_worker_cpu_s": round(report.pairs_computed / cpu) if cpu else None,
        "breakdown_s": {name: round(value, 2) for name, value in report.timings.items()},
    }


def summarise(rows: list[dict[str, object]], counts: list[int], pairs: int, rounds: int, housekeeping: str) -> None:
    """Print the median time of each worker count and the speedups of the medians; store the speedups in the rows."""
    mine = [row for row in rows if row["housekeeping"] == housekeeping]
    medians = {n: statistics.median(float(str(r["seconds"])) for r in mine if r["workers"] == n) for n in counts}
    if rounds > 1:
        for n in counts:
            print(f"{housekeeping}: {n} worker(s), median of {rounds}: {medians[n]:.2f} s, "
                  f"{pairs / medians[n]:,.0f} pairs/s")
    for n in counts[1:]:
        speedup = medians[counts[0]] / medians[n]
        for row in mine:
            if row["workers"] == n:
                row["speedup"] = round(speedup, 2)
        print(f"{housekeeping}: speedup {n} vs {counts[0]} worker(s): {speedup:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stories", type=int, default=2_000)
    parser.add_argument("--versions", type=int, default=6)
    parser.add_argument("--rate", type=float, default=0.15, help="share of sentences edited per revision")
    parser.add_argument("--workers", default="1,2", help="worker counts to run, comma-separated")
    parser.add_argument("--partitions", type=int, default=16)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--rounds", type=int, default=1, help="times the worker counts take turns")
    parser.add_argument("--dask-defaults", action="store_true",
                        help="each run also with Dask's default housekeeping (the garbage collector settings stay)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    print(describe())
    with tempfile.TemporaryDirectory(prefix="storytrace-batch-bench-") as folder:
        scratch = Path(folder)
        corpus = scratch / "newsedits.db"
        began = time.perf_counter()
        pairs = build(corpus, args.stories, args.versions, args.rate, args.seed)
        print(f"corpus: {args.stories:,} stories x {args.versions} versions = {pairs:,} pairs, "
              f"{corpus.stat().st_size / 1e6:.0f} MB, built in {time.perf_counter() - began:.1f} s")
        rows = []
        counts = [int(n) for n in args.workers.split(",")]
        settings = [False, True] if args.dask_defaults else [False]
        for round_number in range(args.rounds):
            for workers in counts:
                for dask_defaults in settings if round_number % 2 == 0 else settings[::-1]:  # (turns in order, too)
                    row = run(corpus, workers, args.partitions, scratch, round_number, dask_defaults)
                    rows.append(row)
                    print(f"{workers} worker(s), {row['housekeeping']}: {row['seconds']} s, "
                          f"{row['pairs_per_s']:,} pairs/s, {row['pairs_per_s_per_core']:,} per core "
                          f"(cluster start {row['cluster_start_s']} s, load {row['load_before']}, worker CPU share "
                          f"{row['worker_cpu_share']}, {row['pairs_per_worker_cpu_s']:,} pairs per worker "
                          f"CPU-second); breakdown {row['breakdown_s']}")
        for dask_defaults in settings:
            summarise(rows, counts, pairs, args.rounds, "dask defaults" if dask_defaults else "storytrace")
    if args.json:
        write_report(args.json, "batch_speed.py", rows)


if __name__ == "__main__":
    main()
