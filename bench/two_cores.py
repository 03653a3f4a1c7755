"""How much two processes at once slow each other down on this machine, without Dask or storytrace's batch.

    .venv/bin/python bench/two_cores.py                  # 7 rounds, about 1 minute
    .venv/bin/python bench/two_cores.py --rounds 3 --json bench/out/two_cores.json

The batch's target (2 workers at least 1.8x one) needs the two cores to run two processes each nearly as fast as
one alone. This measures that ceiling for two kinds of work, each run alone and then as two processes started
together, in turns for --rounds rounds: `loop`, a pure-Python integer loop (no memory traffic: what is left is the
host's sharing of the cores and their clock), and `diff`, `storytrace.diff` over 1,000 of bench/pairs.py's article
pairs (the batch's main work, its inputs built before the clock starts). For each the report gives the median time
alone, the median time of a process running beside another, and the speedup two processes can give at most,
2 x alone / beside.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

from machine import describe, write_report

HERE = Path(__file__).resolve().parent
CHILD = """
import sys, time
sys.path.insert(0, {here!r})
kind = {kind!r}
if kind == "loop":
    def work():
        x = 0
        for i in range(6_000_000):
            x = (x * 31 + i) & 0xFFFFFFFF
else:
    import storytrace
    from pairs import build_pairs
    pairs = [(a, b) for a, b, _ in build_pairs(1000, seed=5)]
    for a, b in pairs[:30]:
        storytrace.diff(a, b)
    def work():
        for a, b in pairs:
            storytrace.diff(a, b)
sys.stdout.write("ready\\n"); sys.stdout.flush()
sys.stdin.readline()  # every process starts its clock together
started = time.perf_counter()
work()
print(time.perf_counter() - started)
"""


def timed(kind: str, processes: int) -> list[float]:
    """The times of `processes` children doing `kind` at once, started together once all are ready."""
    code = CHILD.format(here=str(HERE), kind=kind)
    children = [
        subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        for _ in range(processes)
    ]
    for child in children:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
    for child in children:
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
    return [float(child.communicate()[0].strip()) for child in children]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    print(describe())
    rows = []
    for kind in ("loop", "diff"):
        alone: list[float] = []
        beside: list[float] = []
        for _ in range(args.rounds):
            alone.extend(timed(kind, 1))
            beside.extend(timed(kind, 2))
        row = {
            "work": kind,
            "alone_s": round(statistics.median(alone), 4),
            "beside_s": round(statistics.median(beside), 4),
            "alone_all": [round(t, 4) for t in alone],
            "beside_all": [round(t, 4) for t in beside],
        }
        row["ceiling_speedup"] = round(2 * row["alone_s"] / row["beside_s"], 3)
        rows.append(row)
        print(f"{kind}: alone {row['alone_s']:.3f} s, beside another {row['beside_s']:.3f} s (median of "
              f"{len(alone)} and {len(beside)}): two processes give at most {row['ceiling_speedup']:.2f}x")
    if args.json:
        write_report(args.json, "two_cores.py", rows)


if __name__ == "__main__":
    main()
