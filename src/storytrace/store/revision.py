"""Draft a new schema revision after changing models.py (a developer tool, not part of the command line).

    .venv/bin/python -m storytrace.store.revision "add stories.language"

Brings a scratch SQLite store to the current head, compares it with the models and writes the differences as a
new file in migrations/versions/. Review the draft: autogenerate misses some changes (check constraints, renames).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from alembic import command

from storytrace.store.db import alembic_config, open_store


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not argv[0].strip():
        print('usage: python -m storytrace.store.revision "what changed"', file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as scratch:
        store = open_store(f"sqlite:///{Path(scratch) / 'scratch.db'}")
        try:
            with store.engine.connect() as connection, connection.begin():
                config = alembic_config()
                config.attributes["connection"] = connection
                command.revision(config, message=argv[0], autogenerate=True)
        finally:
            store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
