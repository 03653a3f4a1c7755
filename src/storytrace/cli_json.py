"""`json.dumps(document, indent=1)` byte for byte, several times faster on a large collation.

With an indent, the standard library encodes in Python, a generator step per token: half the time of `storytrace
collate --json` at 200 versions. Here Python walks only the containers that hold other containers; a container
of plain values (most of a collation: sentence spans, changes, timeline rows) is written by json's C encoder in one
call, its item separator carrying the newline and the indent of its depth.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from json import encoder as json_encoder
from typing import Any

_PLAIN = frozenset({str, int, float, bool, type(None)})
_LITERALS = {None: "null", True: "true", False: "false"}


def dumps_indented(document: Any, *, ensure_ascii: bool = True) -> str:
    """What `json.dumps(document, indent=1, ensure_ascii=ensure_ascii)` returns, for a tree of dicts, lists and
    plain values (a value json cannot encode raises TypeError, as there)."""
    writer = _Writer(ensure_ascii)
    writer.write(document, 0)
    return "".join(writer.pieces)


class _Writer:
    def __init__(self, ensure_ascii: bool) -> None:
        self.ensure_ascii = ensure_ascii
        self.string = json_encoder.encode_basestring_ascii if ensure_ascii else json_encoder.encode_basestring
        self.encoders: dict[int, Callable[[Any], str]] = {}  # depth -> encoder of a container of plain values
        self.pieces: list[str] = []

    def write(self, value: Any, depth: int) -> None:
        """Append `value`, whose first line is already indented to `depth`."""
        if type(value) in _PLAIN or not isinstance(value, dict | list | tuple):
            self.pieces.append(self.plain(value))  # (also json's TypeError)
        elif not value:
            self.pieces.append("{}" if isinstance(value, dict) else "[]")
        elif _flat(value):
            self.pieces.append(self.flat(value, depth))
        else:
            self.nested(value, depth)

    def nested(self, value: dict[Any, Any] | list[Any] | tuple[Any, ...], depth: int) -> None:
        """A container holding containers: one line per item, the flat ones written whole."""
        pieces, write = self.pieces, self.write
        inner = "\n" + " " * (depth + 1)
        if isinstance(value, dict):
            string = self.string
            separator, close = "{", "}"
            for key, item in value.items():
                pieces.append(f"{separator}{inner}{string(key if type(key) is str else _key(key))}: ")
                write(item, depth + 1)
                separator = ","
        else:
            separator, close = "[", "]"
            for item in value:
                pieces.append(separator + inner)
                write(item, depth + 1)
                separator = ","
        pieces.append(f"\n{' ' * depth}{close}")

    def flat(self, value: Any, depth: int) -> str:
        """A non-empty container of plain values at `depth`: '[1,\\n  2]' from the C encoder, with the brackets'
        lines added."""
        encoder = self.encoders.get(depth)
        if encoder is None:
            encoder = self.encoders[depth] = _c_encoder(",\n" + " " * (depth + 1), self.ensure_ascii)
        text = encoder(value)
        return f"{text[0]}\n{' ' * (depth + 1)}{text[1:-1]}\n{' ' * depth}{text[-1]}"

    def plain(self, value: Any) -> str:
        if type(value) is str:
            return self.string(value)
        if type(value) is int:
            return int.__repr__(value)
        if value is None or value is True or value is False:
            return _LITERALS[value]
        encoder = self.encoders.get(0)
        if encoder is None:
            encoder = self.encoders[0] = _c_encoder(",\n ", self.ensure_ascii)
        return encoder(value)  # (floats, NaN and Infinity as json writes them; subclasses; json's TypeError)


def _flat(value: Any) -> bool:
    """Is `value` a list, tuple or dict whose items are all plain values or empty containers (written "[]" and
    "{}" at any depth)?"""
    if isinstance(value, dict):
        items: Any = value.values()
    elif isinstance(value, list | tuple):
        items = value
    else:
        return False
    return _PLAIN.issuperset(map(type, items)) or all(
        type(item) in _PLAIN or (not item and isinstance(item, dict | list | tuple)) for item in items
    )


def _c_encoder(item_separator: str, ensure_ascii: bool) -> Callable[[Any], str]:
    """json's own C encoder, made once (JSONEncoder.encode makes a new one at every call: most of the time taken
    here); JSONEncoder.encode where the C encoder is missing."""
    standard = json.JSONEncoder(ensure_ascii=ensure_ascii, check_circular=False, separators=(item_separator, ": "))
    make = getattr(json_encoder, "c_make_encoder", None)
    if make is None:
        return standard.encode
    string = json_encoder.encode_basestring_ascii if ensure_ascii else json_encoder.encode_basestring
    chunks = make(None, standard.default, string, None, ": ", item_separator, False, False, True)
    return lambda value: "".join(chunks(value, 0))


def _key(key: Any) -> str:
    """A dict key as json writes it: numbers, true, false and null become text; any other key is a TypeError."""
    if isinstance(key, str):
        return str.__str__(key)
    if isinstance(key, float | int | type(None)):  # (bool is an int)
        return json.dumps(key)
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")
