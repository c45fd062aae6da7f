"""`bcp-drill serve`: the same TUI in web browsers, through textual-serve.

Each browser runs its own bcp-drill process (textual-serve starts one per connection), so each
is a console of its own, joining drills from the home screen like any terminal. Bound to
localhost unless an address is given; on any other address a secret token is required, in the
URL (`?token=…`) the first time and then in a cookie. A request without it gets 403 and no app
is started. The connection is plain HTTP: put it behind TLS to cross an untrusted network.
"""

from __future__ import annotations

import secrets
import shlex
import sys
from pathlib import Path
from typing import Any

LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
COOKIE = "bcp_drill_token"


def is_local(host: str) -> bool:
    return host in LOCAL_HOSTS


def new_token() -> str:
    return secrets.token_urlsafe(24)


def app_command(records: Path, lang: str, content: list[Path]) -> str:
    """The command each browser's console runs: this Python, this tool, the same folders."""
    parts = [sys.executable, "-m", "bcp_drill", "--records", str(records), "--lang", lang]
    for folder in content:
        parts += ["--content", str(folder)]
    return shlex.join(parts)


def make_server(command: str, host: str, port: int, token: str | None, title: str,
                public_url: str | None = None) -> Any:
    """A textual-serve server that answers only requests carrying TOKEN (when one is set)."""
    from aiohttp import web
    from textual_serve.server import Server

    class TokenServer(Server):
        async def _make_app(self) -> web.Application:
            app = await super()._make_app()
            if token is not None:
                app.middlewares.append(require_token)
            return app

    @web.middleware
    async def require_token(request: web.Request, handler: Any) -> web.StreamResponse:
        given = request.query.get("token") or request.cookies.get(COOKIE) or ""
        if not secrets.compare_digest(given.encode(), (token or "").encode()):
            raise web.HTTPForbidden(text="403: a valid access token is required (ask whoever started bcp-drill serve)")
        response = await handler(request)
        if request.query.get("token") and not isinstance(response, web.WebSocketResponse) and not response.prepared:
            response.set_cookie(COOKIE, given, httponly=True, samesite="Strict")
        return response

    return TokenServer(command, host=host, port=port, title=title, public_url=public_url)
