"""Run the speed, memory and collate benchmarks (`make bench`); JSON results go to bench/out/."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
OUT = BENCH / "out"


def main() -> None:
    """Run each benchmark script in its own process, with its default settings."""
    for script in ("throughput.py", "memory.py", "collate_speed.py", "eval_collate.py"):
        print(f"## {script}\n", flush=True)
        out = OUT / script.replace(".py", ".json")
        subprocess.run([sys.executable, str(BENCH / script), "--json", str(out)], check=True)
        print(flush=True)


if __name__ == "__main__":
    main()
