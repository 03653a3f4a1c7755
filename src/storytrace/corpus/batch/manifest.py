"""What an output directory holds and which of its partitions are finished.

`_manifest.json` names the run: its input (path, size and modification time of every file), the settings that
change results, and the number of partitions, hashed into a fingerprint. A rerun into the same directory with a
different fingerprint is refused rather than mixing two runs' rows. A partition is finished when its marker
`_done/part-NNNNN.json` carries the run's fingerprint and both its Parquet files are there; files are written
under a temporary name and renamed, so a crash never leaves half a file under a final name.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from storytrace.corpus.batch.errors import BatchError
from storytrace.corpus.hashing import stable_digest

SCHEMA = "storytrace.batch/1"
MANIFEST = "_manifest.json"
OUTPUTS = ("edits", "stories")


def fingerprint(identity: dict[str, Any], settings: dict[str, Any], partitions: int) -> str:
    """A name for (input, settings, partitions, output schema): equal exactly when two runs' rows may be mixed."""
    from storytrace import __version__

    described = {"schema": SCHEMA, "version": __version__, "input": identity, "settings": settings,
                 "partitions": partitions}
    return stable_digest(json.dumps(described, sort_keys=True, default=str))


def part_name(part: int) -> str:
    return f"part-{part:05d}"


def output_path(out: Path, table: str, part: int) -> Path:
    return out / table / f"{part_name(part)}.parquet"


def marker_path(out: Path, part: int) -> Path:
    return out / "_done" / f"{part_name(part)}.json"


def read_manifest(out: Path) -> dict[str, Any] | None:
    """The manifest of an earlier run into `out`; None for a new or empty directory; BatchError for a directory
    that holds something else."""
    path = out / MANIFEST
    if not out.exists():
        return None
    if not out.is_dir():
        raise BatchError(f"--out {out} is a file, not a directory")
    if not path.exists():
        if any(out.iterdir()):
            raise BatchError(f"--out {out} is not empty and holds no storytrace batch run; choose a new directory")
        return None
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BatchError(f"cannot read {path}: {exc}") from None
    if not isinstance(found, dict) or found.get("schema") != SCHEMA:
        raise BatchError(f"{path} is not a {SCHEMA} manifest; choose a new --out directory")
    return found


def check_same_run(found: dict[str, Any] | None, print_: str, out: Path) -> None:
    """BatchError when `out` holds results of a run of another input or other settings.

    A run that finished no partition (its input turned out bad halfway, it was stopped while reading) holds no
    results: its leftovers are cleared and the directory reused, so fixing the input and running again works.
    """
    if found is None or found.get("fingerprint") == print_:
        return
    if not any((out / "_done").glob("*.json")):
        for name in (*OUTPUTS, "_done"):
            shutil.rmtree(out / name, ignore_errors=True)
        return
    raise BatchError(
        f"--out {out} holds the results of another input or other settings (run {found.get('fingerprint')}); "
        "use a new directory, or delete it to start again"
    )


def check_output(out: Path) -> None:
    """BatchError now, before a cluster is started, for an --out that holds something else or cannot be written
    (nothing is created: a run that fails later leaves no empty directory behind)."""
    read_manifest(out)
    existing = out
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise BatchError(f"--out {out}: {existing} is a file, not a directory")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise BatchError(f"--out {out}: cannot write in {existing} (permission denied)")


def write_json(path: Path, content: dict[str, Any]) -> None:
    """Whole or not at all: written beside, then renamed into place; BatchError (one line) when it cannot be."""
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(json.dumps(content, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        os.replace(temporary, path)
    except OSError as exc:
        raise BatchError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        temporary.unlink(missing_ok=True)


def write_parquet(table: pa.Table, path: Path) -> None:
    """A partition's Parquet file, atomically (the temporary name starts with a dot: readers skip it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        pq.write_table(table, str(temporary), compression="zstd")
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def is_done(out: Path, part: int, print_: str) -> bool:
    """Partition `part` was finished by this very run (same fingerprint) and its files are still there."""
    marker = marker_path(out, part)
    try:
        done = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(done, dict) or done.get("fingerprint") != print_:
        return False
    return all(output_path(out, table, part).is_file() for table in OUTPUTS)


def read_marker(out: Path, part: int) -> dict[str, Any]:
    found = json.loads(marker_path(out, part).read_text(encoding="utf-8"))
    assert isinstance(found, dict)
    return found
