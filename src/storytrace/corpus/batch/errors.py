"""The one failure of a batch run the user can fix: a bad input, output directory or cluster address."""

from __future__ import annotations

from storytrace.errors import InputError


class BatchError(InputError):
    """A missing or unreadable input, wrong Parquet columns, an output directory holding another run's results,
    an unreachable scheduler: one line for the user, exit status 2."""
