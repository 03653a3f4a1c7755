"""Run a `storytrace` command as a user runs it, and measure it: wall time, the CPU time and the peak resident
memory the kernel reports for the process (wait4's rusage). On a shared machine the CPU time is the steadier
figure: it does not count the time the process waited for a core."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import IO, NamedTuple

# The entry point installed beside this interpreter.
COMMAND = str(Path(sys.executable).with_name("storytrace"))


class Measured(NamedTuple):
    wall: float  # seconds
    peak_mb: float
    cpu: float  # seconds, user and system


def run_storytrace(args: list[str], *, cwd: Path | None = None, stdout: IO[bytes] | None = None) -> Measured:
    """Wall seconds, peak RSS and CPU seconds of `storytrace ARGS`; stops the benchmark with a message if it
    fails."""
    start = time.perf_counter()
    child = subprocess.Popen([COMMAND, *args], cwd=cwd, stdout=stdout)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"storytrace {' '.join(args[:1])} failed (exit {os.waitstatus_to_exitcode(status)})")
    return Measured(wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime)


def wait_until_serving(base: str, process: subprocess.Popen[str], timeout: float) -> bool:
    """Wait until `storytrace serve` (started as `process`) answers at `base` with its stylesheet; False when it
    exited or `timeout` seconds passed first."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(base + "/static/storytrace.css", timeout=2):
                return True
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                return False
            time.sleep(0.1)
