"""A base for the small read-only classes the compiled core makes by the thousand (links, features, verdicts).

A frozen dataclass would do, but its generated `__init__` runs as Python even when the core is compiled (about
seven times slower to make than a plain class). Subclasses declare `__slots__`, set their fields once in
`__init__` (typed `Final`: read-only), and list them in `_fields`; equality, hashing, printing and pickling
follow from that list.
"""

from __future__ import annotations

from typing import Any


class Value:
    """Equal when of the same class with equal fields; hashable; printed and pickled from its fields."""

    __slots__ = ()

    def _fields(self) -> tuple[Any, ...]:
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and isinstance(other, Value) and self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        return f"{type(self).__name__}{self._fields()!r}"

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), self._fields())
