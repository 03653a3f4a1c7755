"""Output shared by the CLI's command modules: every `--json` document is written the same way (through
storytrace.terminal.write_out, which answers a closed pipe)."""

from __future__ import annotations

import json
import sys
from typing import Any

from storytrace.cli_json import dumps_indented
from storytrace.terminal import write_out


def print_json(document: Any) -> None:
    """Write `document` to standard output as indented JSON, non-ASCII text kept as it is (escaped where standard
    output cannot carry it), with a final newline."""
    write_out(dumps_indented(document, ensure_ascii=not stdout_takes_unicode()) + "\n")


def print_json_line(document: Any) -> None:
    """Write `document` to standard output as one line of JSON (JSON Lines), escaped as `print_json` escapes."""
    write_out(json_line(document, to_stdout=True))


def json_line(document: Any, *, to_stdout: bool) -> str:
    """`document` as one line of JSON with its newline: UTF-8 text as it is, for a file (written as UTF-8) and for
    standard output that can carry it; \\u escapes only where standard output cannot."""
    return json.dumps(document, ensure_ascii=to_stdout and not stdout_takes_unicode()) + "\n"


def stdout_takes_unicode() -> bool:
    """Can standard output carry any character? Not when it is set to ASCII or Latin-1 (PYTHONIOENCODING, an old
    terminal): JSON is then written with \\u escapes, the same document to any JSON reader."""
    try:
        "\u201c\U0001f4f0".encode(getattr(sys.stdout, "encoding", None) or "utf-8")
    except (UnicodeError, LookupError):
        return False
    return True


def tolerate_narrow_output() -> None:
    """Characters that standard output or error cannot carry are shown as "?" instead of stopping the command (the
    terminal views' arrows and dots, a file name that is not UTF-8)."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")
