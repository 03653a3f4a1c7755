"""What an import did: stories and versions added, duplicates skipped, rows refused and why."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from storytrace.ingest.records import Tally


@dataclass
class ImportReport:
    path: str
    format: str
    stories_added: int = 0  # new in the store
    stories_updated: int = 0  # already in the store, given new versions
    versions_added: int = 0
    duplicates_skipped: int = 0  # texts the story already had (in the store or earlier in the archive)
    rows_read: int = 0
    refused: dict[str, int] = field(default_factory=dict)  # reason -> rows
    examples: list[str] = field(default_factory=list)  # the first refusals, "where: why"
    summaries: bool = True  # change summaries computed
    seconds: float = 0.0

    @property
    def rows_refused(self) -> int:
        return sum(self.refused.values())

    def take_tally(self, tally: Tally) -> None:
        self.rows_read = tally.rows
        self.refused = dict(tally.refused.most_common())
        self.examples = list(tally.examples)

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "format": self.format,
            "stories_added": self.stories_added,
            "stories_updated": self.stories_updated,
            "versions_added": self.versions_added,
            "duplicates_skipped": self.duplicates_skipped,
            "rows_read": self.rows_read,
            "rows_refused": self.rows_refused,
            "refused": self.refused,
            "refused_examples": self.examples,
            "change_summaries": self.summaries,
            "seconds": round(self.seconds, 3),
        }

    def summary_line(self) -> str:
        """One line: what was added, skipped and refused."""
        stories = self.stories_added + self.stories_updated
        line = (
            f"imported {self.versions_added:,} version{_s(self.versions_added)} of {stories:,} "
            f"stor{'y' if stories == 1 else 'ies'} ({self.stories_added:,} new) from {self.path} ({self.format}) "
            f"in {self.seconds:.1f} s; {self.duplicates_skipped:,} duplicate{_s(self.duplicates_skipped)} skipped"
        )
        if self.refused:
            reasons = ", ".join(f"{count:,} {reason}" for reason, count in self.refused.items())
            line += f"; {self.rows_refused:,} row{_s(self.rows_refused)} refused ({reasons})"
        return line


def _s(count: int) -> str:
    return "" if count == 1 else "s"
