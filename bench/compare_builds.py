"""Wall-clock time per diff of two builds of storytrace, run in turns: the fair comparison of a change on this host.

Instruction counts (bench/instructions.py) do not see branch mispredictions or cache misses: a change that adds
instructions can still be faster (a comparison key made without a branch on the common characters: 1.79 -> 1.80 M
instructions, 198 -> 178 us per pair). The host's speed drifts by 15% and more from one minute to the next, so the
two builds run one after the other, round after round, each in a fresh process, and each round's two figures are
compared with each other.

A build is a copy of the `src` directory made after `make core` (the compiled modules sit beside the sources):

    make core && cp -r src /tmp/before          # ... change, then:
    make core && cp -r src /tmp/after
    .venv/bin/python bench/compare_builds.py /tmp/before /tmp/after --rounds 5
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

CHILD = """
import sys, time
sys.path.insert(0, {bench!r})
from pairs import build_pairs, typographic
import storytrace
assert storytrace.CORE == "compiled", storytrace.CORE
pairs = [(a, b) for a, b, _ in build_pairs({pairs}, seed={seed})]
if {typographic}:
    pairs = [(typographic(a), typographic(b)) for a, b in pairs]
for a, b in pairs[:200]:
    storytrace.diff(a, b)
best = float("inf")
for _ in range(3):
    started = time.perf_counter()
    for a, b in pairs:
        storytrace.diff(a, b)
    best = min(best, (time.perf_counter() - started) / len(pairs))
print(best * 1e6)
"""


def time_build(src: Path, pairs: int, seed: int, typographic: bool) -> float:
    """Microseconds per diff (the best of three passes over the pairs) with the build in `src`."""
    code = CHILD.format(bench=str(Path(__file__).resolve().parent), pairs=pairs, seed=seed, typographic=typographic)
    environment = {**os.environ, "PYTHONPATH": str(src)}
    done = subprocess.run([sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{src}: {done.stderr.strip().splitlines()[-1] if done.stderr.strip() else 'failed'}")
    return float(done.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before", type=Path, help="a copy of src built before the change")
    parser.add_argument("after", type=Path, help="a copy of src built after it")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--pairs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--typographic", action="store_true", help="the pairs with curly quotes and dashes")
    args = parser.parse_args()
    ratios = []
    for round_number in range(1, args.rounds + 1):
        before = time_build(args.before, args.pairs, args.seed, args.typographic)
        after = time_build(args.after, args.pairs, args.seed, args.typographic)
        ratios.append(after / before)
        print(f"round {round_number}: before {before:.1f} us, after {after:.1f} us per pair ({after / before:.3f})")
    print(f"after / before, median of {args.rounds} rounds: {statistics.median(ratios):.3f}")


if __name__ == "__main__":
    main()
