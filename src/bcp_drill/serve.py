"""`bcp-drill serve`: the same TUI in web browsers, through textual-serve.

Each browser runs its own bcp-drill process (textual-serve starts one per connection), so each
is a console of its own, joining drills from the home screen like any terminal. What stands in
front of textual-serve:

- Host and Origin: every request and every websocket upgrade must name the address `serve`
  printed (or one the user allowed with --allow-host); a page of another site (cross-site
  websocket hijacking) or a rebound DNS name is refused with 403 and starts nothing.
- The access token, made and printed once in the URL (on localhost too, unless --no-token):
  a browser without it gets 403; one that opened the URL keeps it in an HttpOnly, SameSite=Strict
  cookie and is sent on to the same address without the token, which no log line shows.
- A cap on consoles (setting serve_max_consoles): one more browser gets a page saying it is full.
- Referrer-Policy: no-referrer on every response.

The connection is plain HTTP: put it behind TLS to cross an untrusted network.
"""

from __future__ import annotations

import logging
import re
import secrets
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
COOKIE = "bcp_drill_token"
_TOKEN_IN_TEXT = re.compile(r"(token=)[^&\s\"']+")


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


@dataclass
class Gate:
    """Who may reach the server: the Host names (with port) and Origins it answers, its token,
    and how many consoles may run at once."""

    hosts: set[str]
    origins: set[str]
    token: str | None
    max_consoles: int
    full_text: str = "503"
    refused_text: str = "403"
    consoles: int = 0  # websockets open now


def _with_port(host: str, port: int | None, default: int) -> str:
    host = host.lower().strip("[]")
    shown = f"[{host}]" if ":" in host else host
    return f"{shown}:{port or default}"


def make_gate(host: str, port: int, shown_host: str, public_url: str | None, allowed: list[str], token: str | None,
              max_consoles: int) -> Gate:
    """The names this server answers to: the one it printed, the public URL's, the loopback names
    when it listens on loopback, and those the user allowed (each with the port browsers use)."""
    names = {shown_host, *allowed}
    if is_local(host):
        names |= set(LOCAL_HOSTS)
    hosts = {_with_port(name, port, port) for name in names}
    origins = {f"http://{h}" for h in hosts}
    if public_url:
        parts = urlsplit(public_url)
        if parts.hostname:
            default = 443 if parts.scheme == "https" else 80
            public = _with_port(parts.hostname, parts.port, default)
            hosts.add(public)
            origins.add(f"{parts.scheme}://{public}")
            if parts.port is None:  # a browser leaves a default port out of Host and Origin
                bare = parts.hostname.lower()
                hosts.add(bare)
                origins.add(f"{parts.scheme}://{bare}")
    for host_port in list(hosts):  # Host may leave the port out only when it is the scheme's default
        if host_port.endswith(":80"):
            hosts.add(host_port[:-3])
            origins.add(f"http://{host_port[:-3]}")
    return Gate(hosts, origins, token, max_consoles)


class RedactToken(logging.Filter):
    """Keeps the access token out of every log line (aiohttp's access log prints the URL)."""

    def __init__(self, token: str | None) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        redacted = _TOKEN_IN_TEXT.sub(r"\1…", text)
        if self.token:
            redacted = redacted.replace(self.token, "…")
        if redacted != text:
            record.msg, record.args = redacted, ()
        return True


def make_server(command: str, host: str, port: int, gate: Gate, title: str, public_url: str | None = None) -> Any:
    """A textual-serve server with the gate in front (see the module's docstring)."""
    from aiohttp import web
    from textual_serve.server import Server

    class GatedServer(Server):
        def initialize_logging(self) -> None:
            super().initialize_logging()
            redact = RedactToken(gate.token)
            for handler in logging.getLogger().handlers:
                handler.addFilter(redact)
            logging.getLogger("aiohttp.access").addFilter(redact)

        async def _make_app(self) -> web.Application:
            app = await super()._make_app()
            app.middlewares.insert(0, guard)
            app.on_response_prepare.append(no_referrer)
            return app

        async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
            gate.consoles += 1  # counted before the app starts, so two at once cannot both pass the cap
            try:
                return await super().handle_websocket(request)
            finally:
                gate.consoles -= 1

    def refused() -> web.HTTPForbidden:
        return web.HTTPForbidden(text=gate.refused_text)

    @web.middleware
    async def guard(request: web.Request, handler: Any) -> web.StreamResponse:
        if request.host.lower() not in gate.hosts:
            raise refused()  # a rebound DNS name, or an address serve did not print
        origin = request.headers.get("Origin")
        is_websocket = request.headers.get("Upgrade", "").lower() == "websocket"
        if (origin is not None and origin.lower() not in gate.origins) or (is_websocket and origin is None):
            raise refused()  # a page of another site (browsers always send Origin on a websocket)
        given = request.query.get("token") or request.cookies.get(COOKIE) or ""
        if gate.token is not None and not secrets.compare_digest(given.encode(), gate.token.encode()):
            raise web.HTTPForbidden(text="403: a valid access token is required (ask whoever started bcp-drill serve)")
        if is_websocket and gate.consoles >= gate.max_consoles:
            raise web.HTTPServiceUnavailable(text=gate.full_text)
        if request.method == "GET" and not is_websocket and request.path == "/" and gate.consoles >= gate.max_consoles:
            raise web.HTTPServiceUnavailable(text=gate.full_text, content_type="text/plain")
        if gate.token is not None and request.query.get("token") and not is_websocket:
            # Into the cookie, then to the same address without the token: it stays out of the
            # address bar, the history and every later request line.
            query = {k: v for k, v in request.query.items() if k != "token"}
            target = request.rel_url.with_query(query)
            response = web.Response(status=303, headers={"Location": str(target)})
            response.set_cookie(COOKIE, given, httponly=True, samesite="Strict")
            return response
        return await handler(request)

    async def no_referrer(request: web.Request, response: web.StreamResponse) -> None:
        response.headers["Referrer-Policy"] = "no-referrer"

    return GatedServer(command, host=host, port=port, title=title, public_url=public_url)
