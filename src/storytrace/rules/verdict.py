"""What a classification is: its kind, its reasons and its word diff (`Classification`, `Run`)."""

from __future__ import annotations

from typing import Any, Final, NamedTuple

from storytrace.text.normalise import WORDS_IN_C
from storytrace.values import Value

_TYPED_TUPLE_IN_C: Final[Any] = None if WORDS_IN_C is None else WORDS_IN_C.typed_tuple


class Classification(Value):
    """What kind of change a link is, why, and its word diff (a `Value`: see storytrace.values)."""

    __slots__ = ("kind", "reasons", "diff")

    def __init__(self, kind: str, reasons: tuple[str, ...], diff: tuple[Run, ...]) -> None:
        self.kind: Final = kind
        self.reasons: Final = reasons
        self.diff: Final = diff

    def _fields(self) -> tuple[Any, ...]:
        return (self.kind, self.reasons, self.diff)


class Run(NamedTuple):
    """A run of the word diff: its text, and where it lies in A and in B (offsets into the classified texts;
    an insertion has an empty span in A at the place it goes, a deletion likewise in B)."""

    op: str  # "equal" | "delete" | "insert"
    text: str
    a_start: int
    a_end: int
    b_start: int
    b_end: int


def make_run(op: str, text: str, a_start: int, a_end: int, b_start: int, b_end: int) -> Run:
    """A `Run`, made as tuple.__new__ makes it: the named tuple's own __new__ runs as Python even in the compiled
    core, and a diff makes two runs or more per edited link (the C helper skips even tuple.__new__'s call)."""
    if _TYPED_TUPLE_IN_C is not None:
        run: Run = _TYPED_TUPLE_IN_C(Run, op, text, a_start, a_end, b_start, b_end)
        return run
    return tuple.__new__(Run, (op, text, a_start, a_end, b_start, b_end))
