"""`storytrace serve`: the web app under uvicorn, on 127.0.0.1 unless told otherwise."""

from __future__ import annotations

import ipaddress
import socket
import sys

from storytrace.errors import StorytraceError
from storytrace.store import resolve_url
from storytrace.store.errors import shown, sqlite_path
from storytrace.web.app import create_app, token_from_environment

LOOPBACK_NAMES = ["127.0.0.1", "localhost", "::1", "[::1]"]


class ServeError(StorytraceError):
    """A `serve` option the user must correct."""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def run(db: str | None, *, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Open the store, build the app and serve it until interrupted."""
    import uvicorn

    if not 0 <= port <= 65535:
        raise ServeError(f"--port must be between 0 and 65535, not {port}")
    token = token_from_environment()
    local = is_loopback(host)
    path = sqlite_path(resolve_url(db))
    new_store = path is not None and not path.exists()  # (a mistyped --db: said, not served empty silently)
    app = create_app(db, token=token, allowed_hosts=LOOPBACK_NAMES if local else None)
    where = f"[{host.strip('[]')}]" if ":" in host else host
    listening = _listening_socket(host, port, where)
    port = listening.getsockname()[1]  # (the port the system chose, for --port 0)
    print(f"storytrace: serving {shown(resolve_url(db))} at http://{where}:{port}/ (Ctrl-C stops)", flush=True)
    if new_store:
        print(f"storytrace: {path} did not exist: a new, empty store was made there", flush=True)
    if not token:
        print("storytrace: read-only: set STORYTRACE_TOKEN to allow adding stories and feeds", flush=True)
    if not local:
        print(f"storytrace: warning: listening on {host}: anyone who can reach this machine can read the store",
              file=sys.stderr, flush=True)
    config = uvicorn.Config(app, log_level="info", server_header=False, proxy_headers=False, access_log=False)
    uvicorn.Server(config).run(sockets=[listening])


def _listening_socket(host: str, port: int, where: str) -> socket.socket:
    """The socket the app will listen on, bound here so that a port in use or an address that is not this
    machine's is one line (uvicorn logged it over several lines, after "serving", and exited with status 3)."""
    try:
        found = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as exc:
        raise ServeError(f"cannot listen on {host}: {getattr(exc, 'strerror', None) or exc}") from None
    family, kind, protocol, _, address = found[0]
    listening = socket.socket(family, kind, protocol)
    try:
        listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listening.bind(address)
    except OSError as exc:
        listening.close()
        raise ServeError(f"cannot listen on {where}:{port}: {exc.strerror or exc}") from None
    return listening
