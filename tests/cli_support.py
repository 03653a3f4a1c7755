"""What the end-to-end CLI tests share: the installed command and the check for a one-line error."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

COMMAND = [str(Path(sys.executable).with_name("storytrace"))]


def one_error_line(done: subprocess.CompletedProcess[str]) -> str:
    """The single stderr line of a run that failed cleanly (exit 2, no traceback)."""
    assert done.returncode == 2, (done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr and lines[0].startswith("storytrace: error: ")
    return lines[0]
