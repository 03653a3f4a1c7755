"""Throughput: pairs per second, end to end from the two raw strings, in one process on one core.

Every method gets the same N article pairs (bench/pairs.py); CollateX, which is very slow, gets the first
few of them. Each method is warmed up, then timed over all its pairs three times; the median is reported. The
passes are interleaved (storytrace, then each baseline, then storytrace again...), so that the host's speed, which
drifts by tens of percent within minutes on this machine, weighs on every method alike and the ratios stay fair.
Two more rows time storytrace and the NewsEdits-style matcher on the same pairs with typographic quotes and dashes
(`pairs.typographic`), as news on the web prints them.

    .venv/bin/python bench/throughput.py --pairs 2000
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
from collections.abc import Callable
from pathlib import Path

from baselines import collatex_links, newsedits, newsedits_all_pairs, plain_difflib
from machine import describe, write_report
from pairs import build_pairs, typographic

TARGET_PPS = 5000
TARGET_VS_NEWSEDITS = 40
TARGET_VS_COLLATEX = 100


def warm_up(fn: Callable[[str, str], object], pairs: list[tuple[str, str]], warmup: int) -> None:
    for a, b in pairs[:warmup]:
        fn(a, b)


def timed_pass(fn: Callable[[str, str], object], pairs: list[tuple[str, str]]) -> float:
    """Seconds for one pass over all the pairs (after a garbage collection, so that none is owed)."""
    gc.collect()
    start = time.perf_counter()
    for a, b in pairs:
        fn(a, b)
    return time.perf_counter() - start


def summary(name: str, pairs: int, times: list[float]) -> dict:
    median = statistics.median(times)
    print(f"  {name}: {pairs / median:,.1f} pairs/s", file=sys.stderr, flush=True)
    return {"pairs": pairs, "reps": len(times), "times_s": times, "median_s": median, "pps": pairs / median}


def time_method(
    name: str, fn: Callable[[str, str], object], pairs: list[tuple[str, str]], reps: int, warmup: int
) -> dict:
    """Warm up on the first `warmup` pairs, then time `reps` passes over all pairs; report the median."""
    warm_up(fn, pairs, warmup)
    return summary(name, len(pairs), [timed_pass(fn, pairs) for _ in range(reps)])


Method = tuple[str, Callable[[str, str], object], list[tuple[str, str]], int]  # (name, function, pairs, warm-up)


def time_interleaved(methods: list[Method], reps: int) -> dict[str, dict]:
    """Each method warmed up, then `reps` rounds of one timed pass of every method in turn."""
    for _, fn, todo, warmup in methods:
        warm_up(fn, todo, warmup)
    times: dict[str, list[float]] = {name: [] for name, _, _, _ in methods}
    for _ in range(reps):
        for name, fn, todo, _ in methods:
            times[name].append(timed_pass(fn, todo))
    return {name: summary(name, len(todo), times[name]) for name, _, todo, _ in methods}


def load_storytrace() -> Callable[[str, str], object] | None:
    """storytrace.diff, or None (with a message) if it cannot be imported yet."""
    try:
        import storytrace

        return storytrace.diff
    except (ImportError, AttributeError) as exc:
        print(f"storytrace.diff is not available ({exc}); its rows are skipped.", file=sys.stderr)
        return None


def pure_python_row(args: argparse.Namespace) -> dict:
    """The same pairs through the uncompiled core: this script in a child process with STORYTRACE_PURE=1."""
    command = [sys.executable, __file__, "--pure-child", "--pairs", str(args.pairs), "--reps", str(args.reps),
               "--warmup", str(args.warmup), "--seed", str(args.seed)]
    done = subprocess.run(command, env={**os.environ, "STORYTRACE_PURE": "1"}, capture_output=True, text=True,
                          check=True)
    print(done.stderr.strip(), file=sys.stderr, flush=True)
    row: dict = json.loads(done.stdout.strip().splitlines()[-1])
    return row


def markdown(rows: dict[str, dict | None], reps: int) -> str:
    """The results as a Markdown table."""
    lines = [
        f"| method | pairs timed | median of {reps} (s) | pairs/s | ms/pair |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, r in rows.items():
        if r is None:
            lines.append(f"| {name} | skipped | | | |")
        else:
            ms = 1000 * r["median_s"] / r["pairs"]
            lines.append(f"| {name} | {r['pairs']} | {r['median_s']:.3f} | {r['pps']:,.1f} | {ms:.3f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", type=int, default=2000, help="number of article pairs (default 2000)")
    parser.add_argument("--collatex-pairs", type=int, default=20, help="CollateX sample size (default 20)")
    parser.add_argument("--reps", type=int, default=3, help="timed repetitions; the median is reported")
    parser.add_argument("--warmup", type=int, default=100, help="pairs run once before timing")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    parser.add_argument("--pure-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    os.sched_setaffinity(0, {0})
    diff = load_storytrace()
    pairs = [(a, b) for a, b, _ in build_pairs(args.pairs, args.seed)]
    if args.pure_child:  # the pure-Python row: this script again, in a process that imports the .py files
        assert diff is not None
        print(json.dumps(time_method("storytrace.diff (pure Python)", diff, pairs, args.reps, args.warmup)))
        return
    sample = pairs[: args.collatex_pairs]
    typeset = [(typographic(a), typographic(b)) for a, b in pairs]
    print(f"{describe()}; pinned to CPU {sorted(os.sched_getaffinity(0))}\n")

    def diff_to_dict(a: str, b: str) -> object:
        return diff(a, b).to_dict()

    collatex = f"CollateX (first {len(sample)} pairs)"
    methods = [
        ("storytrace.diff", diff, pairs, args.warmup),
        ("storytrace.diff + to_dict()", diff_to_dict if diff else None, pairs, args.warmup),
        ("NewsEdits-style", newsedits, pairs, args.warmup),
        ("NewsEdits-style, all pairs", newsedits_all_pairs, pairs, args.warmup),
        ("plain difflib", plain_difflib, pairs, args.warmup),
        (collatex, collatex_links, sample, 1),
        ("storytrace.diff, typographic quotes", diff, typeset, args.warmup),
        ("NewsEdits-style, typographic quotes", newsedits, typeset, args.warmup),
    ]
    rows: dict[str, dict | None] = {name: None for name, _, _, _ in methods}
    rows.update(time_interleaved([(name, fn, todo, warmup) for name, fn, todo, warmup in methods if fn], args.reps))
    if diff is not None:
        import storytrace

        if storytrace.CORE == "compiled":
            rows["storytrace.diff, pure Python (STORYTRACE_PURE=1)"] = pure_python_row(args)

    print(markdown(rows, args.reps))
    print()
    st, ne, cx = rows["storytrace.diff"], rows["NewsEdits-style"], rows[collatex]
    ne_all = rows["NewsEdits-style, all pairs"]
    if st is None:
        print("storytrace.diff: skipped, no ratios.")
    else:
        checks = [
            ("storytrace pairs/s", st["pps"], TARGET_PPS, ""),
            ("storytrace / NewsEdits-style", st["pps"] / ne["pps"], TARGET_VS_NEWSEDITS, "x"),
            ("storytrace / NewsEdits-style, all pairs", st["pps"] / ne_all["pps"], TARGET_VS_NEWSEDITS, "x"),
            ("storytrace / CollateX", st["pps"] / cx["pps"], TARGET_VS_COLLATEX, "x"),
        ]
        for name, value, target, unit in checks:
            verdict = "met" if value >= target else "NOT met"
            print(f"- {name}: {value:,.1f}{unit} (target >= {target:,}{unit}: {verdict})")

    if args.json:
        write_report(args.json, "throughput.py", rows)


if __name__ == "__main__":
    main()
