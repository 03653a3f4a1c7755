"""The terminal's rich Console, with storytrace's answer to a reader that stops reading."""

from __future__ import annotations

import os
import sys

from rich.console import Console


class Terminal(Console):
    """A rich Console whose output cut short by its reader (`storytrace diff a b | head`) is no failure: rich's own
    handler exits with status 1, where cli.main answers a closed pipe with 0 (as it does for --json output)."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        # (Standard output pointed at /dev/null, as rich does: Python's flush at exit then has nowhere to fail.)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise SystemExit(0)
