"""The document model shared by every part of storytrace: a text exactly as read, and its sentences."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple


class Sentence(NamedTuple):
    """A sentence as a span of the document's text; `paragraph` counts from 0 (a tuple: cheap to make)."""

    start: int
    end: int
    paragraph: int


@dataclass(frozen=True, slots=True)
class Document:
    """A version of a story: its label, its text exactly as read, and its sentences in reading order."""

    label: str
    text: str
    sentences: tuple[Sentence, ...]

    def __reduce__(self) -> tuple[Any, ...]:  # compiled classes do not pickle as dataclasses do: rebuild
        return (Document, (self.label, self.text, self.sentences))

    def sentence_text(self, index: int) -> str:
        s = self.sentences[index]
        return self.text[s.start : s.end]
