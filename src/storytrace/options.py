"""Every threshold of storytrace in one typed, documented place."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

    _Options = TypeVar("_Options", bound=DataclassInstance)
else:
    _Options = TypeVar("_Options")


def changed_options(options: _Options, kind: str, overrides: dict[str, Any]) -> _Options:
    """A copy of an options dataclass with some fields changed; unknown names are an error, not silently ignored
    (`kind` names the options in the message: "unknown diff option(s): …")."""
    known = {f.name for f in fields(options)}
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise TypeError(f"unknown {kind} option(s): {', '.join(unknown)}")
    return replace(options, **overrides)


@dataclass(frozen=True)
class DiffOptions:
    """How two versions are read, aligned and classified. Defaults are tuned on real news revisions."""

    max_bytes: int = 5_000_000
    """Largest input accepted, in bytes (a larger document is refused with a clear error)."""

    link_threshold: float = 0.5
    """Lowest similarity (0-1) at which two sentences between the same unchanged neighbours are linked."""

    move_threshold: float = 0.7
    """Lowest similarity at which two sentences far apart are linked as a moved, edited sentence."""

    link_base: float = 0.35
    """Score credited to a link is (similarity - link_base) per sentence covered: decides 1:1 vs split/merge."""

    split_containment: float = 0.6
    """Share of a part's content words that must occur in the whole for a split or merge to be considered."""

    max_gap_cells: int = 250_000
    """Largest block (A sentences x B sentences) scored exhaustively between two unchanged anchors."""

    max_move_cells: int = 4_000_000
    """Largest set of leftover pairs searched for moved, edited sentences."""

    new_claim_words: int = 3
    """New content words inserted into a sentence that make the change substantive ("a new claim")."""

    removals_are_substantive: bool = True
    """Count a pure removal (a number, name, date or clause dropped with nothing in its place) as substantive,
    as its mirror image, an addition, is. Its reasons say "number removed: …" or "words removed: …", so a
    reader can tell tightening from new information. Turned off, such links are minor, and diff(B, A) no
    longer mirrors diff(A, B)."""

    def __post_init__(self) -> None:
        for name, (low, high) in _LIMITS.items():
            problem = _out_of_range(name, getattr(self, name), low, high)
            if problem is not None:
                raise ValueError(problem)

    def with_overrides(self, **overrides: Any) -> DiffOptions:
        """A copy with some options changed; unknown names are an error, not silently ignored. With none changed,
        the options themselves (they are frozen)."""
        return changed_options(self, "diff", overrides) if overrides else self


# The values each numeric option may take (inclusive); NaN is never one of them.
_LIMITS: dict[str, tuple[float, float]] = {
    "max_bytes": (1, math.inf),
    "link_threshold": (0.0, 1.0),
    "move_threshold": (0.0, 1.0),
    "link_base": (0.0, 0.99),
    "split_containment": (0.0, 1.0),
    "max_gap_cells": (0, math.inf),
    "max_move_cells": (0, math.inf),
    "new_claim_words": (1, math.inf),
}


# The options that count something: a whole number (the compiled core reads them as machine integers).
_WHOLE: frozenset[str] = frozenset({"max_bytes", "max_gap_cells", "max_move_cells", "new_claim_words"})


def _out_of_range(name: str, value: object, low: float, high: float) -> str | None:
    """A one-line message when `value` is not a number within [low, high], else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"option {name} needs a number, not {value!r}"
    if name in _WHOLE and not isinstance(value, int):
        return f"option {name} needs a whole number, not {value!r}"
    if not (low <= value <= high):  # (False for NaN)
        upper = "" if high == math.inf else f" and {high:g}"
        bound = f"between {low:g}{upper}" if upper else f"at least {low:g}"
        return f"option {name} must be {bound}, not {value!r}"
    return None


def parse_overrides(pairs: list[str]) -> dict[str, Any]:
    """`NAME=VALUE` strings (from a command line or a config file) as typed overrides of DiffOptions.

    Raises ValueError with a one-line message naming the bad option or value.
    """
    defaults = DiffOptions()
    types = {f.name: type(getattr(defaults, f.name)) for f in fields(DiffOptions)}
    parsed: dict[str, Any] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip().replace("-", "_")
        if name not in types:
            raise ValueError(f"unknown option {pair!r}; `storytrace options` lists them")
        if not sep:
            raise ValueError(f"option {name} needs a value: -o {name}=VALUE")
        try:
            parsed[name] = _parse_bool(value) if types[name] is bool else types[name](value)
        except ValueError:
            raise ValueError(f"option {name} needs a {types[name].__name__}, not {value!r}") from None
        if name in _LIMITS:
            problem = _out_of_range(name, parsed[name], *_LIMITS[name])
            if problem is not None:
                raise ValueError(problem)
    return parsed


def _parse_bool(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ValueError(value)
