"""Collate speed: 20 and 100 versions of one 60-sentence story, end to end from the strings, on one core.

The inputs are bench/collations.py's speed sets (seeded, real NYT sentences): one outlet's revisions (four
fifths of the versions) and rewritten copies by other outlets (one fifth), each with an outlet and an ISO time.
`storytrace.collate` gets the `Version`s; each size is run once to warm up, then timed `--reps` times and the
median is reported (wall time; the median CPU time of the process is shown too, as other work on a shared
machine inflates wall time). Segmentation alone (`storytrace.document` on every text, as collate does first) is
timed the same way, so "rest" = collate - segmentation. Peak memory is tracemalloc's peak over one collate call.

CollateX 2.3 gets the same texts, the first K versions in time order, as pre-tokenised witnesses whose tokens
carry their sentence (the regex splitter of bench/baselines.py), with `collate(output="table",
segmentation=False)`; units are then read off the table (two sentences of different witnesses join when the
tokens aligned between them cover half of the shorter one), and that is timed too. It is far slower, so it runs
once, in a child process with a time budget: each K of `--collatex-versions` is tried in turn until one
finishes within `--collatex-budget` seconds. storytrace is timed on the same K versions for the comparison.

    .venv/bin/python bench/collate_speed.py
"""

from __future__ import annotations

import os

os.environ["OMP_NUM_THREADS"] = "1"
os.environ["RAYON_NUM_THREADS"] = "1"

import argparse
import gc
import json
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from baselines import _WORDS, _import_collatex, split_sentences
from collations import StorySet, speed_set
from machine import describe, write_report

TARGETS = {20: 0.1, 100: 1.0}  # seconds per collate call


def versions_of(s: StorySet, count: int | None = None) -> list:
    """The set's versions as storytrace.Version, all in input order, or the first `count` in time order."""
    import storytrace

    picked = s.order[:count] if count else range(len(s.versions))
    return [storytrace.Version(s.versions[v].text, s.versions[v].label, s.versions[v].outlet, s.versions[v].time)
            for v in picked]


def median_time(fn: Callable[[], object], reps: int) -> tuple[float, list[float], float]:
    """Warm up once, then run `reps` times: the median wall time, all wall times, the median CPU time."""
    fn()
    times, cpu = [], []
    for _ in range(reps):
        gc.collect()
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(times), times, statistics.median(cpu)


def time_storytrace(versions: list, reps: int) -> dict:
    import storytrace

    total, times, cpu = median_time(lambda: storytrace.collate(versions), reps)
    segmentation, _, _ = median_time(lambda: [storytrace.document(v.text, v.label) for v in versions], reps)
    collation = storytrace.collate(versions)
    to_dict, _, _ = median_time(collation.to_dict, reps)
    gc.collect()
    tracemalloc.start()
    storytrace.collate(versions)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {
        "versions": len(versions),
        "sentences": sum(len(d.sentences) for d in collation.documents),
        "units": len(collation.units),
        "reps": reps,
        "times_s": times,
        "median_s": total,
        "cpu_s": cpu,
        "segmentation_s": segmentation,
        "rest_s": total - segmentation,
        "to_dict_s": to_dict,
        "peak_mb": peak / 2**20,
    }


def collatex_units(texts: list[str], min_share: float = 0.5) -> int:
    """Collate the texts with CollateX at token level and return the number of sentence units."""
    Collation, collate = _import_collatex()
    collation = Collation()
    lengths = []
    for n, text in enumerate(texts):
        sentences = split_sentences(text)
        lengths.append([len(_WORDS.findall(s)) for s in sentences])
        tokens = [{"t": w, "s": i} for i, s in enumerate(sentences) for w in _WORDS.findall(s)]
        collation.add_witness({"id": f"W{n}", "tokens": tokens})
    table = collate(collation, output="table", segmentation=False)
    votes: Counter[tuple[tuple[int, int], tuple[int, int]]] = Counter()
    rows = [row.cells for row in table.rows]
    for column in zip(*rows, strict=True):
        present = [(w, cell[0].token_data["s"]) for w, cell in enumerate(column) if cell]
        for i, x in enumerate(present):
            for y in present[i + 1 :]:
                votes[x, y] += 1
    parent = {(w, s): (w, s) for w, ls in enumerate(lengths) for s in range(len(ls))}

    def find(x: tuple[int, int]) -> tuple[int, int]:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for (x, y), n in votes.items():
        if n >= min_share * min(lengths[x[0]][x[1]], lengths[y[0]][y[1]]):
            parent[find(x)] = find(y)
    return len({find(x) for x in parent})


def collatex_child(count: int, seed: int) -> None:
    """In the child process: run CollateX on the first `count` versions of the 20-version set; print JSON."""
    s = speed_set(20, seed)
    texts = [s.versions[v].text for v in s.order[:count]]
    start, start_cpu = time.perf_counter(), time.process_time()
    units = collatex_units(texts)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    print(json.dumps({"versions": count, "seconds": elapsed, "cpu_s": cpu, "units": units,
                      "sentences": sum(len(split_sentences(t)) for t in texts)}))


def run_collatex(counts: list[int], budget: float, seed: int) -> list[dict]:
    """Try each version count in turn, in a child process pinned to the same core, until one finishes."""
    results = []
    for count in counts:
        command = [sys.executable, __file__, "--collatex-child", str(count), "--seed", str(seed)]
        print(f"  CollateX on {count} versions (budget {budget:.0f} s)...", file=sys.stderr, flush=True)
        start = time.perf_counter()
        try:
            out = subprocess.run(command, capture_output=True, text=True, timeout=budget, check=True)
        except subprocess.TimeoutExpired:
            results.append({"versions": count, "finished": False, "budget_s": budget,
                            "wall_s": time.perf_counter() - start})
            continue
        results.append({**json.loads(out.stdout.strip().splitlines()[-1]), "finished": True, "budget_s": budget})
        break
    return results


def markdown(rows: dict[str, dict], reps: int) -> str:
    lines = [
        f"| input | method | sentences | units | median of {reps} (ms) | CPU (ms) | segmentation (ms) | rest (ms) | "
        "to_dict (ms) | peak (MB) |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, r in rows.items():
        if r.get("method") == "CollateX":
            time_s = f"{1000 * r['seconds']:,.0f} (1 run)" if r["finished"] else f"not done in {r['budget_s']:.0f} s"
            cpu_s = f"{1000 * r['cpu_s']:,.0f}" if r["finished"] else ""
            lines.append(f"| {name} | CollateX | {r.get('sentences', '')} | {r.get('units', '')} | {time_s} | "
                         f"{cpu_s} | | | | |")
        else:
            lines.append(
                f"| {name} | storytrace.collate | {r['sentences']} | {r['units']} | {1000 * r['median_s']:.1f} | "
                f"{1000 * r['cpu_s']:.1f} | {1000 * r['segmentation_s']:.1f} | {1000 * r['rest_s']:.1f} | "
                f"{1000 * r['to_dict_s']:.1f} | {r['peak_mb']:.1f} |"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reps", type=int, default=7, help="timed repetitions; the median is reported")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--collatex-versions", default="20,5",
                        help="version counts to try with CollateX, in order, until one finishes (default 20,5)")
    parser.add_argument("--collatex-budget", type=float, default=180, help="seconds per CollateX try (default 180)")
    parser.add_argument("--no-collatex", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    parser.add_argument("--collatex-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()

    os.sched_setaffinity(0, {0})
    if args.collatex_child:
        collatex_child(args.collatex_child, args.seed)
        return
    print(f"{describe()}; pinned to CPU {sorted(os.sched_getaffinity(0))}\n")
    sets = {n: speed_set(n, args.seed) for n in (20, 100)}
    rows: dict[str, dict] = {}
    for n, s in sets.items():
        rows[f"{n} versions"] = time_storytrace(versions_of(s), args.reps)
        print(f"  storytrace.collate, {n} versions: {1000 * rows[f'{n} versions']['median_s']:.1f} ms",
              file=sys.stderr, flush=True)
    if not args.no_collatex:
        counts = [int(c) for c in args.collatex_versions.split(",")]
        for r in run_collatex(counts, args.collatex_budget, args.seed):
            k = r["versions"]
            rows[f"first {k} of the 20 (CollateX)"] = {**r, "method": "CollateX"}
            if r["finished"] and k != 20:
                rows[f"first {k} of the 20"] = time_storytrace(versions_of(sets[20], k), args.reps)

    print(markdown(rows, args.reps))
    print()
    for n, target in TARGETS.items():
        value = rows[f"{n} versions"]["median_s"]
        print(f"- {n} versions x 60 sentences: {1000 * value:.1f} ms (target < {1000 * target:.0f} ms: "
              f"{'met' if value < target else 'NOT met'})")
    done = [r for r in rows.values() if r.get("method") == "CollateX" and r["finished"]]
    if done:
        k = done[0]["versions"]
        ours = rows["20 versions" if k == 20 else f"first {k} of the 20"]["median_s"]
        cpu = rows["20 versions" if k == 20 else f"first {k} of the 20"]["cpu_s"]
        print(f"- CollateX / storytrace on the same {k} versions: {done[0]['seconds'] / ours:,.0f}x wall time, "
              f"{done[0]['cpu_s'] / cpu:,.0f}x CPU time")
    if args.json:
        write_report(args.json, "collate_speed.py", rows)


if __name__ == "__main__":
    main()
