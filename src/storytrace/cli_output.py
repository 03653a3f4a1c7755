"""Output shared by the CLI's command modules: every `--json` document is written the same way."""

from __future__ import annotations

import json
import sys
from typing import Any


def print_json(document: Any) -> None:
    """Write `document` to standard output as indented JSON, non-ASCII text kept as it is, with a final newline."""
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=1) + "\n")
