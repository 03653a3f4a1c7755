"""The API reference: the OpenAPI document as a page (no third-party viewer, nothing from a CDN), and as JSON."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from storytrace.web.render import page

router = APIRouter(tags=["api"])
METHODS = ("get", "post", "put", "patch", "delete")


def operations(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Each path and method of an OpenAPI document with its summary and parameters, in path order."""
    found = []
    for path, item in sorted(spec.get("paths", {}).items()):
        for method in METHODS:
            if method not in item:
                continue
            operation = item[method]
            found.append({
                "method": method.upper(),
                "path": path,
                "summary": operation.get("summary", ""),
                "parameters": [
                    (p.get("name", ""), p.get("in", ""), (p.get("schema") or {}).get("type", ""),
                     p.get("description", ""))
                    for p in operation.get("parameters", [])
                ],
            })
    return found


@router.get("/api.json", summary="The OpenAPI document (also at /openapi.json)")
@router.get("/api", summary="The API reference")
def api_page(request: Request) -> Response:
    spec = request.app.openapi()
    info = spec.get("info", {})
    context = {"operations": operations(spec), "description": info.get("description", ""),
               "api_version": info.get("version", "")}
    return page(request, "api.html.j2", context, spec)
