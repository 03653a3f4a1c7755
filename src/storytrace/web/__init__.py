"""`storytrace serve`: the web app over the version store (FastAPI, Jinja2 templates, htmx)."""

from storytrace.web.app import WebOptions, create_app

__all__ = ["WebOptions", "create_app"]
