"""Run a `storytrace` command as a user runs it, and measure it: wall time and the peak resident memory the kernel
reports for the process (wait4's ru_maxrss)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

# The entry point installed beside this interpreter.
COMMAND = str(Path(sys.executable).with_name("storytrace"))


def run_storytrace(args: list[str], *, cwd: Path | None = None, stdout: IO[bytes] | None = None) -> tuple[float, float]:
    """Wall seconds and peak RSS in MB of `storytrace ARGS`; stops the benchmark with a message if it fails."""
    start = time.perf_counter()
    child = subprocess.Popen([COMMAND, *args], cwd=cwd, stdout=stdout)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"storytrace {' '.join(args[:1])} failed (exit {os.waitstatus_to_exitcode(status)})")
    return wall, usage.ru_maxrss / 1024
