"""storytrace: see how a news story changes across its versions and its copies."""

__version__ = "0.1.0"
