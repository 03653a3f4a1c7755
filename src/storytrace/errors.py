"""Errors that reach the user as one line of text, never as a traceback."""


class StorytraceError(Exception):
    """Base class: the message is a complete one-line explanation for the user."""


class InputError(StorytraceError):
    """An input could not be read as a document (missing, binary, empty, too large, no article...)."""
