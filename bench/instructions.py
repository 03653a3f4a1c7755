"""Instructions per diff, counted by valgrind (callgrind): a figure that does not move with the machine's load.

Wall-clock throughput here varies by ~15% from run to run (the machine is shared below the OS), which hides a 5%
change. callgrind counts the instructions executed instead, the same on every run of the same build and inputs.
The script builds N pairs of bench/pairs.py in a child process under callgrind and diffs them, then runs the
same child building the same pairs without diffing them, and reports the difference per pair: interpreter start,
imports and building the pairs cancel out. (Until the sixth session the second child built no pairs, so the figure
also counted building them: ~2.6 M of the 8.79 M reported then.) Run it before and after a change to the core
(`make core` first, or STORYTRACE_PURE=1 for the .py).

    .venv/bin/python bench/instructions.py                 # 150 pairs, ~20 s
    .venv/bin/python bench/instructions.py --pairs 300 --seed 5
    .venv/bin/python bench/instructions.py --typographic   # the same pairs with curly quotes and dashes
    .venv/bin/python bench/instructions.py --warm          # the second of two passes over the pairs
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

CHILD = """
import sys
sys.path.insert(0, {bench!r})
from pairs import build_pairs, typographic
import storytrace
pairs = build_pairs({pairs}, seed={seed})
if {typographic}:
    pairs = [(typographic(a), typographic(b), truth) for a, b, truth in pairs]
for _ in range({passes}):
    for a, b, _ in pairs:
        storytrace.diff(a, b)
print(storytrace.CORE)
"""


def count(pairs: int, seed: int, passes: int, typographic: bool = False) -> tuple[int, str]:
    """Instructions callgrind collected for a child building `pairs` pairs and diffing them `passes` times over,
    and the core it ran."""
    code = CHILD.format(
        bench=str(Path(__file__).resolve().parent), pairs=pairs, seed=seed, passes=passes, typographic=typographic
    )
    # (A fixed hash seed: str hashes, and so set and dict layouts, are then the same in every run; unseeded, the
    # count moves by about 1% from run to run.)
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, "-c", code],
        capture_output=True, text=True, check=True, env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    found = re.search(r"Collected : (\d+)", done.stderr)
    if found is None:
        raise SystemExit(f"no instruction count in valgrind's output:\n{done.stderr[-2000:]}")
    return int(found.group(1)), done.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", type=int, default=150)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--typographic", action="store_true", help="curly quotes and dashes (pairs.typographic)")
    parser.add_argument("--warm", action="store_true",
                        help="count a second pass over the pairs (what bench/throughput.py times: remembered answers, "
                             "such as sentencex's about a word, are known by then)")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (apt-get install valgrind)")
    passes = 2 if args.warm else 1
    with_pairs, core = count(args.pairs, args.seed, passes, typographic=args.typographic)
    without, _ = count(args.pairs, args.seed, passes - 1, typographic=args.typographic)
    per_pair = (with_pairs - without) / args.pairs
    style = (", typographic" if args.typographic else "") + (", second pass" if args.warm else "")
    print(f"core {core}: {per_pair / 1e6:.2f} M instructions per pair ({args.pairs} pairs, seed {args.seed}{style})")


if __name__ == "__main__":
    main()
