"""A one-line description of the machine, for benchmark reports."""

from __future__ import annotations

import datetime
import json
import os
import platform
import sys
from pathlib import Path


def cpu_model() -> str:
    """The CPU model name from /proc/cpuinfo, or the platform's processor string."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def core() -> str:
    """Whether storytrace's alignment core runs compiled (mypyc) or as Python source (STORYTRACE_PURE=1)."""
    try:
        import storytrace
    except ImportError:
        return "storytrace not importable"
    return f"storytrace core: {storytrace.CORE}"


def describe() -> str:
    """nproc, CPU model, Python version, OS and storytrace's core."""
    return (
        f"nproc={os.cpu_count()}, CPU: {cpu_model()}, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}, {core()}"
    )


def write_report(path: Path, script: str, rows: object) -> None:
    """Write a benchmark's results as JSON with the date, the machine and the command that produced them."""
    path.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "date": datetime.date.today().isoformat(),
        "machine": describe(),
        "command": " ".join([".venv/bin/python", f"bench/{script}", *sys.argv[1:]]),
        "rows": rows,
    }
    path.write_text(json.dumps(report, indent=2) + "\n")
