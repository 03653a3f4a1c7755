"""Read the versions of a story from a manifest: a JSON list (or {"versions": [...]}) or JSON Lines, one object
per version: {"label", "outlet", "time", "path" | "text"}. Paths are relative to the manifest's folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from storytrace.collation.versions import Version, parse_time
from storytrace.errors import InputError
from storytrace.text.read import is_unicode_text, read_file_bytes, read_source

_FIELDS = {"label", "outlet", "time", "path", "text"}
# Room for many versions written inline; the bound keeps a device such as /dev/zero from filling the memory.
MAX_MANIFEST_BYTES = 200_000_000


def read_manifest(path: str, max_bytes: int) -> list[Version]:
    """The versions a manifest lists, each read (files through the same reader as the command line)."""
    manifest = Path(path)
    if not manifest.exists():
        raise InputError(f"{path}: no such manifest")
    data = read_file_bytes(manifest, path, MAX_MANIFEST_BYTES)
    if len(data) > MAX_MANIFEST_BYTES:
        raise InputError(f"{path} is larger than the {MAX_MANIFEST_BYTES:,}-byte limit for a manifest")
    try:
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: cannot read manifest ({exc})") from None
    entries = _entries(raw, path)
    if not entries:
        raise InputError(f"{path}: the manifest lists no versions")
    return [_version(entry, n, manifest.parent, path, max_bytes) for n, entry in enumerate(entries, 1)]


def _entries(raw: str, path: str) -> list[Any]:
    """A whole JSON document if the file is one, else JSON Lines."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as whole_error:
        lines = [(n, line) for n, line in enumerate(raw.splitlines(), 1) if line.strip()]
        if len(lines) < 2:
            raise InputError(f"{path}: not valid JSON (line {whole_error.lineno}: {whole_error.msg})") from None
        data = []
        for number, line in lines:
            try:
                data.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}: line {number} is not valid JSON ({exc.msg})") from None
            except (ValueError, RecursionError) as exc:
                why = _python_refusal(exc)
                raise InputError(f"{path}: line {number} is not JSON storytrace can read ({why})") from None
        return data
    except (ValueError, RecursionError) as error:  # (valid JSON Python refuses: nested too deeply, a huge number)
        raise InputError(f"{path}: not a manifest storytrace can read ({_python_refusal(error)})") from None
    if isinstance(data, dict):
        data = data["versions"] if "versions" in data else [data]
    if not isinstance(data, list):
        raise InputError(f'{path}: expected a list of versions, {{"versions": [...]}} or JSON Lines')
    return data


def _python_refusal(error: Exception) -> str:
    """Why Python's JSON reader refused valid JSON, in a few words."""
    return "nested too deeply" if isinstance(error, RecursionError) else "a number too long"


def _version(entry: Any, number: int, folder: Path, path: str, max_bytes: int) -> Version:
    where = f"{path}: version {number}"
    if not isinstance(entry, dict):
        raise InputError(f"{where} is not an object")
    unknown = set(entry) - _FIELDS
    if unknown:
        raise InputError(f"{where} has unknown field(s): {', '.join(sorted(unknown))}")
    for name in _FIELDS:
        if entry.get(name) is not None and not isinstance(entry[name], str):
            raise InputError(f'{where}: "{name}" must be a string')
        if isinstance(entry.get(name), str) and not is_unicode_text(entry[name]):
            raise InputError(f'{where}: "{name}" holds a lone surrogate (JSON "\\ud800"), which is not text')
    if (entry.get("path") is None) == (entry.get("text") is None):  # null counts as absent
        raise InputError(f'{where} needs exactly one of "path" and "text"')
    if entry.get("time"):
        parse_time(entry["time"], where)
    if entry.get("text") is not None:
        text = entry["text"]
        if not text.strip():
            raise InputError(f"{where}: the text is empty")
        if len(text.encode("utf-8", "surrogatepass")) > max_bytes:
            raise InputError(f"{where}: the text is larger than {max_bytes:,} bytes")
        label = entry.get("label") or f"V{number}"
    else:
        source = read_source(str(folder / entry["path"]), max_bytes=max_bytes)
        text, label = source.text, entry.get("label") or source.label
    return Version(text, label, entry.get("outlet") or None, entry.get("time") or None)
