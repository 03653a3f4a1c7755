"""The one failure of an import that stops it: an archive that cannot be read as the format it is taken for."""

from __future__ import annotations

from storytrace.errors import InputError


class ArchiveError(InputError):
    """A missing path, an unknown or unrecognised format, a corrupt database, a line that is not JSON: one line
    for the user. Nothing has been written to the store when it is raised before the first batch."""
