"""Standard output and error as the CLI uses them, with storytrace's answer to a reader that stops reading.

Output cut short by its reader (`storytrace diff a b | head -1`) is no failure: the command stops quietly with
status 0. Standard error that is closed or whose reader has gone loses its messages and nothing else: the
command's output and exit status are the same as with it open.
"""

from __future__ import annotations

import os
import sys
from typing import NoReturn

from rich.console import Console

from storytrace.errors import StorytraceError


class OutputError(StorytraceError):
    """Standard output cannot be written (a full disk): the command's result is lost."""


class Terminal(Console):
    """A rich Console whose reader may go away: rich's own handler exits with status 1 and points standard output
    at /dev/null whichever stream the console writes to, so a progress bar on a closed standard error stopped a
    whole `storytrace batch` run before it began."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        if self.stderr:
            _discard(2)  # (a progress bar nobody reads: the command goes on)
        else:
            reader_gone()


def write_out(text: str) -> None:
    """Write `text` to standard output now (flushed, so that a closed pipe is met here, not at exit)."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        reader_gone()
    except OSError as exc:
        _discard(1)
        raise OutputError(f"cannot write standard output: {exc.strerror or exc}") from None


def reader_gone() -> NoReturn:
    """Stop with status 0, standard output pointed at /dev/null: what is still buffered, flushed at exit, then has
    nowhere to fail."""
    _discard(1)
    raise SystemExit(0)


def tell(line: str) -> None:
    """Print one line for the user on standard error; if it cannot be written there, it is dropped."""
    try:
        print(line, file=sys.stderr, flush=True)
    except OSError:  # (a reader gone, a terminal hung up)
        _discard(2)


def guard_standard_streams() -> None:
    """A command started with standard input, output or error closed (`2>&-`) gets /dev/null in its place: print()
    sends a message meant for a closed standard error to standard output, into the JSON a reader parses, and a
    file the command opens would take the free descriptor and receive what is written there."""
    for fd, name, mode in ((0, "stdin", "r"), (1, "stdout", "w"), (2, "stderr", "w")):
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_RDWR)  # (the lowest free descriptor: `fd`, those below it being open)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
            setattr(sys, name, open(fd, mode, closefd=False))  # noqa: SIM115 (lives as long as the process)


def _discard(fd: int) -> None:
    """Point descriptor `fd` at /dev/null."""
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, fd)
    os.close(null)
