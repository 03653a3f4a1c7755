"""Thresholds set by name: typed, validated, never silently ignored."""

from __future__ import annotations

import pytest

from storytrace.options import DiffOptions, parse_overrides


def test_values_take_the_option_type() -> None:
    parsed = parse_overrides(["link_threshold=0.6", "max-gap-cells=1000", "removals_are_substantive=no"])
    assert parsed == {"link_threshold": 0.6, "max_gap_cells": 1000, "removals_are_substantive": False}
    options = DiffOptions().with_overrides(**parsed)
    assert options.link_threshold == 0.6 and options.removals_are_substantive is False


@pytest.mark.parametrize(
    ("pair", "message"),
    [
        ("nonsense=1", "unknown option"),
        ("link_threshold", "needs a value: -o link_threshold=VALUE"),
        ("link_threshold=nan", "must be between 0 and 1"),
        ("move_threshold=1.5", "must be between 0 and 1"),
        ("new_claim_words=0", "must be at least 1"),
        ("link_threshold=high", "needs a float"),
        ("removals_are_substantive=maybe", "needs a bool"),
    ],
)
def test_bad_values_are_one_line_errors(pair: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_overrides([pair])


def test_unknown_keyword_override_is_an_error() -> None:
    with pytest.raises(TypeError, match="unknown diff option"):
        DiffOptions().with_overrides(nonsense=1)


def test_options_out_of_range_are_refused_from_python_too() -> None:
    """`storytrace.diff(a, b, link_threshold=...)` and DiffOptions(...) check the same ranges as the command line."""
    with pytest.raises(ValueError, match="option link_threshold must be between 0 and 1, not nan"):
        DiffOptions(link_threshold=float("nan"))
    with pytest.raises(ValueError, match="option max_move_cells must be at least 0"):
        DiffOptions().with_overrides(max_move_cells=-1)
    assert DiffOptions(link_threshold=1.0, move_threshold=0.0).link_threshold == 1.0


@pytest.mark.parametrize("name", ["max_bytes", "max_gap_cells", "max_move_cells", "new_claim_words"])
@pytest.mark.parametrize("value", [1.5, 10.0, float("inf")])
def test_a_count_given_as_a_float_is_refused(name: str, value: float) -> None:
    """Counts are whole numbers: 1.5 passed the range check and then stopped the compiled core with TypeError
    (found by a fuzzing review). A float's threshold still takes any number."""
    with pytest.raises(ValueError, match=f"option {name} needs a whole number, not {value!r}"):
        DiffOptions().with_overrides(**{name: value})
    assert DiffOptions().with_overrides(link_threshold=1).link_threshold == 1
