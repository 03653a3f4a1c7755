"""The compare form: two texts, each pasted or uploaded (size-limited), read into two labelled versions.

Nothing is stored. Uploaded files go through the same reader as the command line (encoding detection, HTML
article extraction, refusal of binary data); pasted text is taken as it is, with browser line endings (CRLF)
made plain newlines.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.datastructures import FormData, UploadFile

from storytrace.errors import InputError
from storytrace.report._view import clean
from storytrace.text.read import read_bytes

SIDES = ("a", "b")
MAX_LABEL = 80


@dataclass(frozen=True)
class Side:
    label: str
    text: str


class CompareError(ValueError):
    """A form the user must correct; the message says how."""


async def read_side(form: FormData, side: str, max_bytes: int) -> Side:
    """Version `side` ("a" or "b") of the form: its uploaded file if one was chosen, else its text field."""
    upload = form.get(f"file_{side}")
    given_label = form.get(f"label_{side}")
    label = clean(given_label).strip()[:MAX_LABEL] if isinstance(given_label, str) else ""
    if isinstance(upload, UploadFile) and upload.filename:
        data = await upload.read(max_bytes + 1)
        name = clean(upload.filename).strip()[:MAX_LABEL] or side.upper()
        if len(data) > max_bytes:
            raise CompareError(f"{name} is larger than the {max_bytes:,}-byte limit.")
        try:
            source = read_bytes(data, name=name, max_bytes=max_bytes)
        except InputError as exc:
            raise CompareError(str(exc)) from None
        return Side(label or name, source.text)
    pasted = form.get(side)
    text = pasted.replace("\r\n", "\n").replace("\r", "\n") if isinstance(pasted, str) else ""
    if len(text.encode("utf-8")) > max_bytes:
        raise CompareError(f"Text {side.upper()} is larger than the {max_bytes:,}-byte limit.")
    if not text.strip():
        raise CompareError(f"Give text {side.upper()}: paste it or choose a file.")
    if "\x00" in text:
        raise CompareError(f"Text {side.upper()} contains NUL characters: it looks like binary data.")
    return Side(label or side.upper(), text)
