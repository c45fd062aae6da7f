"""`bcp-drill serve`: the same TUI in web browsers, through textual-serve.

Each browser runs its own bcp-drill process (textual-serve starts one per connection), so each
is a console of its own, joining drills from the home screen like any terminal. What stands in
front of textual-serve:

- Host and Origin: every request and every websocket upgrade must name the address `serve`
  printed (or one the user allowed with --allow-host); a page of another site (cross-site
  websocket hijacking) or a rebound DNS name is refused with 403 and starts nothing. A websocket
  upgrade without an Origin is refused too: browsers always send one, and only a browser needs
  a console.
- The access token, made and printed once in the URL (on localhost too, unless --no-token):
  a browser without it gets 403; one that opened the URL keeps it in an HttpOnly, SameSite=Strict
  cookie and is sent on to the same address without the token, which no log line shows.
- A cap on consoles (setting serve_max_consoles): one more browser gets a page saying it is full,
  and no process is started. A console whose browser has gone (closed, or silent past the
  websocket heartbeat) is ended, killed if it does not quit; so is the websocket of an app
  that ended by itself, so its place is free again.
- Referrer-Policy: no-referrer and no framing by other pages on every response.

The connection is plain HTTP: put it behind TLS to cross an untrusted network.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import re
import secrets
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
COOKIE = "bcp_drill_token"
HEARTBEAT = 15.0  # seconds between pings; a browser silent for 1.5 of them is taken as gone
CLOSE_TIMEOUT = 3.0  # how long a closing websocket waits for the browser's reply
STOP_GRACE = 5.0  # how long a console may take to quit before it is killed
_TOKEN_IN_TEXT = re.compile(r"(token=)[^&\s\"']+")


def is_local(host: str) -> bool:
    return host in LOCAL_HOSTS


def new_token() -> str:
    return secrets.token_urlsafe(24)


def cookie_name(port: int) -> str:
    # One per port: cookies are not kept apart by port, and two servers on one PC would
    # otherwise overwrite each other's token in the same browser.
    return f"{COOKIE}_{port}"


def app_command(records: Path, lang: str, content: list[Path], system: str = os.name) -> str:
    """The command each browser's console runs: this Python, this tool, the same folders, as a
    line for the SYSTEM's shell (textual-serve runs it through the shell)."""
    parts = [sys.executable, "-m", "bcp_drill", "--records", str(records), "--lang", lang]
    for folder in content:
        parts += ["--content", str(folder)]
    if system == "nt":  # cmd.exe: double quotes, as Windows programs read their command line
        return subprocess.list2cmdline(parts)
    # exec makes the app the process textual-serve watches and kills, not a shell that would
    # leave the app running.
    return "exec " + shlex.join(parts)


@dataclass
class Gate:
    """Who may reach the server: the Host names (with port) and Origins it answers, its token,
    and how many consoles may run at once."""

    hosts: set[str]
    origins: set[str]
    token: str | None = field(repr=False)  # kept out of any traceback that shows the gate
    max_consoles: int
    cookie: str = COOKIE
    full_text: str = "503"
    refused_text: str = "403"
    token_text: str = "403"
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
            if (parts.port or default) == default:  # a browser leaves a default port out of Host and Origin
                bare = public.rsplit(":", 1)[0]
                hosts.add(bare)
                origins.add(f"{parts.scheme}://{bare}")
    for host_port in list(hosts):  # Host may leave the port out only when it is the scheme's default
        if host_port.endswith(":80"):
            hosts.add(host_port[:-3])
            origins.add(f"http://{host_port[:-3]}")
    return Gate(hosts, origins, token, max_consoles, cookie=cookie_name(port))


class RedactToken(logging.Filter):
    """Keeps the access token out of every log line (aiohttp's access log prints the URL)."""

    def __init__(self, token: str | None) -> None:
        super().__init__()
        self.token = token

    def redact(self, text: str) -> str:
        text = _TOKEN_IN_TEXT.sub(r"\1…", text)
        return text.replace(self.token, "…") if self.token else text

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        redacted = self.redact(text)
        if record.exc_info:  # an exception's message could hold a URL: shown as redacted text
            trace = logging.Formatter().formatException(record.exc_info)
            if self.redact(trace) != trace:
                redacted = f"{redacted}\n{self.redact(trace)}"
                record.exc_info, record.exc_text = None, None
        if redacted != text:
            record.msg, record.args = redacted, ()
        return True


@functools.cache
def console_service() -> type[Any]:
    """textual-serve's AppService, bounded: its stop() ends the app within STOP_GRACE (killing it if
    it does not quit), and an app that ends by itself closes its browser's websocket."""
    from textual_serve.app_service import AppService

    class ConsoleService(AppService):
        grace = STOP_GRACE

        async def run(self) -> None:
            try:
                await super().run()
            finally:  # the app is gone (quit, crashed): so is its console, and its place is free
                with contextlib.suppress(Exception):
                    await self.remote_close()

        async def stop(self) -> None:
            # textual-serve asks the app to quit and waits for it without end; a hung app would
            # hold its place and its memory for good.
            process = self._process
            try:
                await asyncio.wait_for(super().stop(), self.grace)
                if process is not None:
                    await asyncio.wait_for(process.wait(), self.grace)
            except TimeoutError:
                self._task = None
                if process is not None and process.returncode is None:
                    with contextlib.suppress(ProcessLookupError):
                        process.kill()
                    await process.wait()

    return ConsoleService


def make_server(command: str, host: str, port: int, gate: Gate, title: str, shown_url: str,
                public_url: str | None = None) -> Any:
    """A textual-serve server with the gate in front (see the module's docstring). SHOWN_URL is
    what it prints; PUBLIC_URL (--public-url) what the page uses to reach it, else the address
    the browser used."""
    import aiohttp_jinja2
    from aiohttp import WSCloseCode, web
    from rich.logging import RichHandler
    from textual_serve.server import LogHighlighter, Server, to_int

    log = logging.getLogger("textual-serve")
    sockets: set[web.WebSocketResponse] = set()
    public = urlsplit(public_url or "")
    prefix = public.path.rstrip("/")  # a proxy serving it under a path: the browser's addresses start there
    secure = public.scheme == "https"  # behind TLS the cookie never goes over plain HTTP

    class GatedServer(Server):
        def initialize_logging(self) -> None:
            # textual-serve's own, without locals in tracebacks (a request's locals hold its URL).
            handler = RichHandler(show_path=False, show_time=False, rich_tracebacks=True,
                                  tracebacks_show_locals=False, highlighter=LogHighlighter(), console=self.console)
            logging.basicConfig(level="DEBUG" if self.debug else "INFO", format="%(message)s", datefmt="[%X]",
                                handlers=[handler])
            redact = RedactToken(gate.token)
            for each in logging.getLogger().handlers:
                each.addFilter(redact)
            logging.getLogger("aiohttp.access").addFilter(redact)

        async def _make_app(self) -> web.Application:
            app = await super()._make_app()
            app.middlewares.insert(0, guard)
            app.on_response_prepare.append(headers)
            app.on_shutdown.append(close_consoles)
            return app

        @aiohttp_jinja2.template("app_index.html")
        async def handle_index(self, request: web.Request) -> dict[str, Any]:
            # The page reaches its websocket at the address the browser used (one the gate let
            # in), so the cookie that host name holds goes with it; --public-url when behind a proxy.
            base = (public_url or f"http://{request.host}").rstrip("/")
            router = request.app.router
            ws_url = f"{base}{router['websocket'].url_for()}"
            ws_url = ("wss:" if base.startswith("https:") else "ws:") + ws_url.split(":", 1)[1]
            static = f"{base}{router['static'].url_for(filename='/')}".rstrip("/") + "/"
            return {"font_size": to_int(request.query.get("fontsize", "16"), 16), "app_websocket_url": ws_url,
                    "config": {"static": {"url": static}}, "application": {"name": self.title}}

        async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
            # Checked and counted with no await between, so two at once cannot both pass the cap.
            if gate.consoles >= gate.max_consoles:
                raise web.HTTPServiceUnavailable(text=gate.full_text)  # before any process starts
            gate.consoles += 1
            websocket = web.WebSocketResponse(heartbeat=HEARTBEAT, timeout=CLOSE_TIMEOUT)
            sockets.add(websocket)
            try:
                await self._console(request, websocket)
            finally:
                sockets.discard(websocket)
                gate.consoles -= 1
            return websocket

        async def _console(self, request: web.Request, websocket: web.WebSocketResponse) -> None:
            # textual-serve's handle_websocket, with the bounded service.
            service = None
            try:
                await websocket.prepare(request)
                service = console_service()(self.command, write_bytes=websocket.send_bytes,
                                            write_str=websocket.send_str, close=websocket.close,
                                            download_manager=self.download_manager, debug=self.debug)
                await service.start(to_int(request.query.get("width", "80"), 80),
                                    to_int(request.query.get("height", "24"), 24))
                await self._process_messages(websocket, service)
            except asyncio.CancelledError:
                await websocket.close()
            except Exception as error:
                log.exception(error)
            finally:
                if service is not None:
                    await service.stop()

    async def close_consoles(app: web.Application) -> None:
        # On Ctrl+C: aiohttp would otherwise wait for each open browser (a minute) before it stops.
        await asyncio.gather(*(ws.close(code=WSCloseCode.GOING_AWAY) for ws in list(sockets)),
                             return_exceptions=True)

    @web.middleware
    async def guard(request: web.Request, handler: Any) -> web.StreamResponse:
        if request.host.lower() not in gate.hosts:
            raise web.HTTPForbidden(text=gate.refused_text)  # a rebound DNS name, or an address serve did not print
        origin = request.headers.get("Origin")
        is_websocket = request.headers.get("Upgrade", "").lower() == "websocket"
        if (origin is not None and origin.lower() not in gate.origins) or (is_websocket and origin is None):
            raise web.HTTPForbidden(text=gate.refused_text)  # a page of another site
        given = request.query.get("token") or request.cookies.get(gate.cookie) or ""
        if gate.token is not None and not secrets.compare_digest(given.encode(), gate.token.encode()):
            raise web.HTTPForbidden(text=gate.token_text)
        if request.method in ("GET", "HEAD") and not is_websocket and request.path == "/" \
                and gate.consoles >= gate.max_consoles:
            raise web.HTTPServiceUnavailable(text=gate.full_text)  # said before the page opens a websocket
        if gate.token is not None and request.query.get("token") and not is_websocket:
            # Into the cookie, then to the same address without the token: it stays out of the
            # address bar, the history and every later request line.
            query = {k: v for k, v in request.query.items() if k != "token"}
            target = request.rel_url.with_query(query)
            location = f"{prefix}/{str(target).lstrip('/')}"  # never "//host", another site
            response = web.Response(status=303, headers={"Location": location})
            response.set_cookie(gate.cookie, given, httponly=True, samesite="Strict", secure=secure)
            return response
        answered: web.StreamResponse = await handler(request)
        return answered

    async def headers(request: web.Request, response: web.StreamResponse) -> None:
        response.headers["Referrer-Policy"] = "no-referrer"
        # No other page may frame the console and steer clicks and keys into it.
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Content-Security-Policy"] = "frame-ancestors 'none'"

    return GatedServer(command, host=host, port=port, title=title, public_url=shown_url)
