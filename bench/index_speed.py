"""Corpus index and trace speed: documents/s indexed on one core, and trace query latency as the index grows.

The corpus is RoFT NYT passages (the sources of bench/copies.py) grown to each size with filler documents (ten
real sentences drawn at random, most with a word or number changed); queries are derived copies of the sources
(all five kinds), traced end to end: shingling, LSH lookup, ranking, alignment of the top candidates, verdicts.
Indexing writes a real index file in a temporary directory. CPU time (time.process_time) is reported beside wall
time: the machine is shared, and CPU time is what one core spends.

    .venv/bin/python bench/index_speed.py                       # 10k, 30k, 100k documents (~2 min)
    .venv/bin/python bench/index_speed.py --sizes 10000 --queries 100
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from copies import build, filler_documents, load_passages
from machine import describe, write_report

from storytrace.corpus.index import open_index
from storytrace.corpus.options import CorpusOptions
from storytrace.corpus.sources import CorpusDocument
from storytrace.corpus.trace import trace


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,30000,100000")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--speed-docs", type=int, default=20000, help="documents for the indexing-rate runs")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    passages = load_passages()
    built = build(sources=1000, copies_per_kind=max(1, args.queries // 5), seed=args.seed, passages=passages)
    base = [CorpusDocument(i, t) for i, t in built.documents]
    filler = [CorpusDocument(i, t) for i, t in filler_documents(max(sizes) - len(base), args.seed, built.sentences)]
    queries = [c.text for c in built.copies][: args.queries]
    print(describe())
    options = CorpusOptions()
    rows: list[dict[str, object]] = []

    speed_docs = (base + filler)[: args.speed_docs]
    chars = statistics.mean(len(d.text) for d in speed_docs)
    rates_cpu, rates_wall = [], []
    for _ in range(args.reps):
        with tempfile.TemporaryDirectory() as tmp:
            index = open_index(Path(tmp) / "speed.index", options)
            wall, cpu = time.perf_counter(), time.process_time()
            index.add(speed_docs)
            index.close()  # includes saving the LSH state
            rates_cpu.append(len(speed_docs) / (time.process_time() - cpu))
            rates_wall.append(len(speed_docs) / (time.perf_counter() - wall))
    runs = [round(r) for r in rates_cpu]
    print(f"index {len(speed_docs):,} docs (mean {chars:.0f} chars): {statistics.median(rates_cpu):,.0f} docs/s CPU, "
          f"{statistics.median(rates_wall):,.0f} docs/s wall (median of {args.reps}; runs {runs})")
    rows.append({"what": "index", "documents": len(speed_docs), "mean_chars": round(chars),
                 "docs_per_s_cpu": round(statistics.median(rates_cpu)),
                 "docs_per_s_wall": round(statistics.median(rates_wall)), "runs_cpu": [round(r) for r in rates_cpu]})

    for size in sizes:
        docs = base + filler[: size - len(base)]
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "corpus.index"
            cpu = time.process_time()
            with open_index(path, options) as index:
                index.add(docs)
            build_rate = size / (time.process_time() - cpu)
            file_mb = path.stat().st_size / 1e6
            wall = time.perf_counter()
            index = open_index(path)
            load_s = time.perf_counter() - wall
            for text in queries[:5]:  # warm caches
                trace(text, index)
            times, found, aligned = [], [], []
            for text in queries:
                start = time.perf_counter()
                result = trace(text, index)
                times.append((time.perf_counter() - start) * 1000)
                found.append(result.found)
                aligned.append(result.aligned)
            index.close()
        times.sort()
        p50, p95 = statistics.median(times), times[int(0.95 * (len(times) - 1))]
        print(f"{size:>8,} docs: build {build_rate:,.0f} docs/s CPU, file {file_mb:.0f} MB, "
              f"load {load_s * 1000:.0f} ms; "
              f"trace p50 {p50:.2f} ms, p95 {p95:.2f} ms; candidates {statistics.mean(found):.1f}, "
              f"aligned {statistics.mean(aligned):.1f}")
        rows.append({"what": "trace", "documents": size, "build_docs_per_s_cpu": round(build_rate),
                     "file_mb": round(file_mb, 1), "load_ms": round(load_s * 1000), "p50_ms": round(p50, 2),
                     "p95_ms": round(p95, 2), "mean_candidates": round(statistics.mean(found), 1),
                     "mean_aligned": round(statistics.mean(aligned), 2), "queries": len(queries)})
    traces = [r for r in rows if r["what"] == "trace"]
    if len(traces) >= 2:
        first, last = traces[0], traces[-1]
        n0, n1 = float(first["documents"]), float(last["documents"])  # type: ignore[arg-type]
        p0, p1 = float(first["p50_ms"]), float(last["p50_ms"])  # type: ignore[arg-type]
        slope = (p1 - p0) / (n1 - n0)
        projected = p1 + slope * (1_000_000 - n1)
        load = float(last["load_ms"]) * 1_000_000 / n1  # type: ignore[arg-type]
        print(f"growth {n0:,.0f} -> {n1:,.0f}: p50 {p0:.2f} -> {p1:.2f} ms ({slope * 1e4:.3f} ms per 10k docs); "
              f"linear projection at 1,000,000: p50 ~{projected:.1f} ms, load ~{load / 1000:.1f} s")
        rows.append({"what": "projection", "documents": 1_000_000, "p50_ms": round(projected, 1),
                     "load_s": round(load / 1000, 1)})
    if args.json:
        write_report(args.json, "index_speed.py", rows)


if __name__ == "__main__":
    sys.exit(main())
