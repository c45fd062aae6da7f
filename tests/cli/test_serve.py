"""`bcp-drill serve`: the TUI for browsers, answering only those who hold the access token."""

import contextlib
import os
import re
import select
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

# Counting a server's app processes reads /proc; 127.0.0.2 answers as loopback on Linux.
linux_only = pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="Linux: /proc and 127.0.0.0/8")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(tmp_path, *args, env=None):
    env = dict(os.environ, XDG_CONFIG_HOME=str(tmp_path / "cfg"), PYTHONUNBUFFERED="1", **(env or {}))
    return subprocess.Popen([sys.executable, "-m", "bcp_drill", "serve", "--records", str(tmp_path / "records"),
                             "--lang", "en", *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, env=env, cwd=tmp_path)


def wait_for(port: int, process, seconds: float = 20.0, address: str = "127.0.0.1") -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stdout.read()
        try:
            with socket.create_connection((address, port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("the server did not start")


def wait_until(check, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def consoles(process) -> list[int]:
    """The app processes the server runs now (one per console): its children, from /proc."""
    found = []
    for task in Path(f"/proc/{process.pid}/task").iterdir():
        with contextlib.suppress(OSError):
            found += [int(pid) for pid in (task / "children").read_text().split()]
    return found


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # see the 303 itself, as a test of where it sends
        return None


def get(url: str, cookie: str | None = None, headers: dict | None = None) -> tuple[int, str, str, dict]:
    request = urllib.request.Request(url, headers={**({"Cookie": cookie} if cookie else {}), **(headers or {})})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=5) as response:
            return (response.status, response.read().decode(), response.headers.get("Set-Cookie", ""),
                    dict(response.headers))
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), error.headers.get("Set-Cookie", ""), dict(error.headers)


def websocket(port: int, origin: str | None, cookie: str | None = None, host: str | None = None,
              path: str = "/ws?width=80&height=24", address: str = "127.0.0.1"):
    """Open the app's websocket by hand (a bounded handshake on loopback): (socket, reply)."""
    import base64

    connection = socket.create_connection((address, port), timeout=10)
    lines = [f"GET {path} HTTP/1.1", f"Host: {host or f'localhost:{port}'}", "Upgrade: websocket",
             "Connection: Upgrade", f"Sec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}",
             "Sec-WebSocket-Version: 13"]
    lines += [f"Origin: {origin}"] if origin else []
    lines += [f"Cookie: {cookie}"] if cookie else []
    connection.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
    reply = connection.recv(4096).decode(errors="replace")
    return connection, reply


def answer_close(connections: list, seconds: float = 5.0):
    """Wait for the server's close frame (code 1000) on one of CONNECTIONS and answer it, as a
    browser does; that connection, or None."""
    seen = {connection: b"" for connection in connections}
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for connection in select.select(connections, [], [], 0.1)[0]:
            seen[connection] += connection.recv(65536)
            if b"\x88\x02\x03\xe8" in seen[connection]:
                connection.sendall(b"\x88\x82\x00\x00\x00\x00\x03\xe8")  # close 1000, masked with zeros
                return connection
    return None


def stop(process) -> str:
    process.send_signal(signal.SIGINT)
    try:
        out, _ = process.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        raise
    assert process.returncode == 0, out
    return out


def test_serve_answers_with_the_token_and_refuses_without_it(tmp_path):
    port = free_port()
    process = start(tmp_path, "--port", str(port), "--token", "s3cret-token")
    cookie = f"bcp_drill_token_{port}=s3cret-token"
    try:
        wait_for(port, process)
        base = f"http://localhost:{port}"
        status, body, _, headers = get(f"{base}/")
        assert status == 403 and "access token" in body and headers["Referrer-Policy"] == "no-referrer"
        assert headers["X-Frame-Options"] == "DENY" and "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert get(f"{base}/?token=wrong")[0] == 403
        # The token sets the cookie, then the browser is sent on to the address without it.
        status, _, set_cookie, headers = get(f"{base}/?token=s3cret-token")
        assert status == 303 and headers["Location"] == "/" and headers["Referrer-Policy"] == "no-referrer"
        assert set_cookie.startswith(cookie) and "HttpOnly" in set_cookie and "SameSite=Strict" in set_cookie
        status, _, _, headers = get(f"{base}//evil.example/?fontsize=20&token=s3cret-token")
        assert status == 303 and headers["Location"] == "/evil.example/?fontsize=20"  # never to another site
        status, body, _, headers = get(f"{base}/", cookie=cookie)
        assert status == 200 and f'"ws://localhost:{port}/ws"' in body and "s3cret-token" not in body
        assert headers["Referrer-Policy"] == "no-referrer"
        # The page's websocket goes to the address the browser used, where its cookie is.
        status, body, _, _ = get(f"http://127.0.0.1:{port}/", cookie=cookie)
        assert status == 200 and f'"ws://127.0.0.1:{port}/ws"' in body
        status, _, _, _ = get(f"{base}/static/css/xterm.css", cookie=cookie)
        assert status == 200  # the page's own files come with the cookie, no token in the URL
        connection, reply = websocket(port, base, path="/ws?token=s3cret-token&width=80&height=24")
        connection.close()
        assert reply.startswith("HTTP/1.1 101"), reply[:80]  # a token in the websocket's URL is logged blanked too
    finally:
        out = stop(process)
    assert f"Open in a browser: http://localhost:{port}/?token=s3cret-token" in out
    assert out.count("s3cret-token") == 1  # printed once to hand out; never in a log line
    assert "/?token=…" in out and "/ws?token=…&width" in out  # the access log shows each request, the token blanked
    assert "Traceback" not in out


def test_localhost_makes_a_token_too(tmp_path):
    port = free_port()
    process = start(tmp_path, "--port", str(port))
    try:
        wait_for(port, process)
        line = process.stdout.readline()
        token = re.search(r"Open in a browser: http://localhost:\d+/\?token=([\w-]{24,})", line).group(1)
        assert get(f"http://localhost:{port}/")[0] == 403
        assert get(f"http://localhost:{port}/?token={token}")[0] == 303
    finally:
        out = stop(process)
    assert token not in out


@linux_only
@pytest.mark.parametrize("mode", ["token", "no-token"])
def test_other_sites_and_names_are_refused_on_every_request_and_websocket(tmp_path, mode):
    """Cross-site websocket hijacking and DNS rebinding: a page of another site, or a name serve
    did not print, gets 403 and starts nothing, with or without a token."""
    port = free_port()
    args = ["--token", "s3cret-token"] if mode == "token" else ["--no-token"]
    # The cap from the environment (a setting like any other): one console here.
    process = start(tmp_path, "--port", str(port), *args, env={"BCP_DRILL_SERVE_MAX_CONSOLES": "1"})
    cookie = f"bcp_drill_token_{port}=s3cret-token" if mode == "token" else None
    try:
        wait_for(port, process)
        own = f"http://localhost:{port}"
        assert get(f"{own}/", cookie=cookie)[0] == 200
        assert get(f"{own}/", cookie=cookie, headers={"Origin": own})[0] == 200
        assert get(f"http://127.0.0.1:{port}/", cookie=cookie, headers={"Host": f"[::1]:{port}"})[0] == 200
        for origin in ("http://evil.example", "null", f"http://localhost:{port + 1}", f"https://localhost:{port}"):
            status, body, _, _ = get(f"{own}/", cookie=cookie, headers={"Origin": origin})
            assert status == 403 and "not the one bcp-drill serve printed" in body, origin
        for host in (f"evil.example:{port}", "localhost", f"localhost:{port + 1}"):  # DNS rebinding: a name not printed
            assert get(f"http://127.0.0.1:{port}/", cookie=cookie, headers={"Host": host})[0] == 403, host
            assert get(f"http://127.0.0.1:{port}/static/css/xterm.css", cookie=cookie, headers={"Host": host})[0] == 403
        for origin, host in (("http://evil.example", None), (None, None), ("null", None),
                             (own, f"rebound.example:{port}"), ("http://rebound.example", f"rebound.example:{port}")):
            connection, reply = websocket(port, origin, cookie, host)
            connection.close()
            assert reply.startswith("HTTP/1.1 403"), (origin, host, reply[:80])
        assert consoles(process) == []  # nothing was started for any of them
        connection, reply = websocket(port, own, cookie)
        assert reply.startswith("HTTP/1.1 101"), reply[:80]  # the console itself opens
        assert wait_until(lambda: len(consoles(process)) == 1)
        status, body, _, _ = get(f"{own}/", cookie=cookie)
        assert status == 503 and "all 1 consoles are in use" in body  # the cap from the environment
        connection.close()
    finally:
        out = stop(process)
    assert "Traceback" not in out


@linux_only
def test_a_console_past_the_cap_gets_a_full_page_and_starts_nothing(tmp_path):
    port = free_port()
    process = start(tmp_path, "--port", str(port), "--token", "s3cret-token", "--max-consoles", "2")
    cookie = f"bcp_drill_token_{port}=s3cret-token"
    own = f"http://localhost:{port}"
    try:
        wait_for(port, process)
        first, reply = websocket(port, own, cookie)
        assert reply.startswith("HTTP/1.1 101"), reply[:80]
        second, reply = websocket(port, own, cookie)
        assert reply.startswith("HTTP/1.1 101"), reply[:80]
        assert wait_until(lambda: len(consoles(process)) == 2)
        third, reply = websocket(port, own, cookie)
        third.close()
        assert reply.startswith("HTTP/1.1 503"), reply[:80]
        assert "all 2 consoles are in use" in reply and "Close a browser tab" in reply
        status, body, _, _ = get(f"{own}/", cookie=cookie)
        assert status == 503 and "all 2 consoles are in use" in body  # a new browser is told before it connects
        time.sleep(0.3)
        assert len(consoles(process)) == 2  # no process for the one past the cap
        # An app that ends by itself (a crash; here killed) closes its browser's websocket: its place is free.
        os.kill(consoles(process)[0], signal.SIGKILL)
        left = {first, second} - {answer_close([first, second])}
        assert len(left) == 1 and wait_until(lambda: get(f"{own}/", cookie=cookie)[0] == 200)
        left.pop().close()  # the browser goes: its console ends
        assert wait_until(lambda: consoles(process) == [])
        for connection in (first, second):
            connection.close()
    finally:
        out = stop(process)
    assert "Traceback" not in out


@linux_only
def test_stopping_the_server_ends_open_consoles_at_once(tmp_path):
    """Ctrl+C with browsers still open: each console is closed and its app ends (aiohttp alone
    would wait about a minute for them)."""
    port = free_port()
    process = start(tmp_path, "--port", str(port), "--no-token")
    try:
        wait_for(port, process)
        connection, reply = websocket(port, f"http://localhost:{port}")
        assert reply.startswith("HTTP/1.1 101"), reply[:80]
        assert wait_until(lambda: len(consoles(process)) == 1)
        apps = consoles(process)
        began = time.monotonic()
    finally:
        out = stop(process)
    connection.close()
    assert time.monotonic() - began < 10, out
    assert all(not os.path.exists(f"/proc/{pid}") for pid in apps)


@linux_only
def test_a_browser_gone_silent_loses_its_console_by_the_heartbeat(tmp_path):
    """A browser that vanishes without closing (a tablet off the network) stops answering the
    websocket's pings: its console is ended and its place is free. The heartbeat shortened here."""
    port = free_port()
    script = (f"import bcp_drill.serve as s; s.HEARTBEAT = 0.5; "
              f"gate = s.make_gate('127.0.0.1', {port}, '127.0.0.1', None, [], None, 1); "
              f"s.make_server(s.app_command(__import__('pathlib').Path({str(tmp_path / 'records')!r}), 'en', []), "
              f"'127.0.0.1', {port}, gate, 'bcp-drill', shown_url='http://127.0.0.1:{port}').serve()")
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, env=dict(os.environ, XDG_CONFIG_HOME=str(tmp_path / "cfg")), cwd=tmp_path)
    own = f"http://127.0.0.1:{port}"
    try:
        wait_for(port, process)
        silent, reply = websocket(port, own, host=f"127.0.0.1:{port}")  # open, but never answers a ping
        assert reply.startswith("HTTP/1.1 101"), reply[:80]
        assert wait_until(lambda: len(consoles(process)) == 1)
        assert wait_until(lambda: consoles(process) == [], seconds=8)
        assert get(f"{own}/")[0] == 200  # its place is free
        silent.close()
    finally:
        stop(process)


@linux_only
def test_a_remote_bind_needs_a_token_and_makes_one(tmp_path):
    refused = subprocess.run([sys.executable, "-m", "bcp_drill", "serve", "--host", "0.0.0.0", "--no-token",
                              "--records", str(tmp_path / "records"), "--lang", "en"],
                             capture_output=True, text=True, env=dict(os.environ, XDG_CONFIG_HOME=str(tmp_path)))
    assert refused.returncode == 1 and "--no-token is allowed on localhost only" in refused.stderr
    assert "Traceback" not in refused.stderr
    # A LAN address, played by 127.0.0.2: not one of the loopback names, so served as to a network.
    port = free_port()
    process = start(tmp_path, "--host", "127.0.0.2", "--port", str(port), "--allow-host", "drill-pc.example")
    seen: list[str] = []
    try:
        wait_for(port, process, address="127.0.0.2")
        while not seen or "not encrypted" not in seen[-1]:  # the warning follows the URL
            seen.append(process.stdout.readline())
        token = re.search(r"Open in a browser: http://127\.0\.0\.2:\d+/\?token=([\w-]+)", "".join(seen)).group(1)
        assert len(token) >= 24
        base, cookie = f"http://127.0.0.2:{port}", f"bcp_drill_token_{port}={token}"
        assert get(f"{base}/")[0] == 403
        assert get(f"{base}/?token={token}")[0] == 303  # into the cookie, then on
        assert get(f"{base}/", cookie=cookie)[0] == 200
        # Reached by a name serve did not print (the machine's name, a DNS name pointing here): refused.
        assert get(f"{base}/", cookie=cookie, headers={"Host": f"attacker.example:{port}"})[0] == 403
        assert get(f"{base}/", cookie=cookie, headers={"Host": f"localhost:{port}"})[0] == 403  # not loopback here
        status, body, _, _ = get(f"{base}/", cookie=cookie, headers={"Host": f"drill-pc.example:{port}"})
        assert status == 200 and f'"ws://drill-pc.example:{port}/ws"' in body  # a name the user allowed
        connection, reply = websocket(port, f"http://drill-pc.example:{port}", cookie, f"drill-pc.example:{port}",
                                      address="127.0.0.2")
        connection.close()
        assert reply.startswith("HTTP/1.1 101"), reply[:80]
    finally:
        out = "".join(seen) + stop(process)
    assert out.count(token) == 1  # the URL to hand out, and no log line


def test_behind_a_tls_proxy_the_page_uses_the_public_url(tmp_path):
    """A proxy at https://drill.example/bcp/ passing requests on without the path."""
    port = free_port()
    process = start(tmp_path, "--port", str(port), "--token", "s3cret-token",
                    "--public-url", "https://drill.example/bcp/")
    cookie = f"bcp_drill_token_{port}=s3cret-token"
    proxied = {"Host": "drill.example", "Origin": "https://drill.example"}
    try:
        wait_for(port, process)
        assert "Open in a browser: https://drill.example/bcp/?token=s3cret-token" in process.stdout.readline()
        status, _, set_cookie, headers = get(f"http://localhost:{port}/?token=s3cret-token", headers=proxied)
        assert status == 303 and headers["Location"] == "/bcp/" and "Secure" in set_cookie
        status, body, _, _ = get(f"http://localhost:{port}/", cookie=cookie, headers=proxied)
        assert status == 200 and '"wss://drill.example/bcp/ws"' in body
        assert get(f"http://localhost:{port}/", cookie=cookie,
                   headers={**proxied, "Origin": "http://drill.example"})[0] == 403  # not https
        connection, reply = websocket(port, "https://drill.example", cookie, "drill.example")
        connection.close()
        assert reply.startswith("HTTP/1.1 101"), reply[:80]
    finally:
        stop(process)


def test_max_consoles_must_be_one_or_more(tmp_path):
    result = subprocess.run([sys.executable, "-m", "bcp_drill", "serve", "--max-consoles", "0", "--records",
                             str(tmp_path), "--lang", "en"], capture_output=True, text=True, timeout=30,
                            env=dict(os.environ, XDG_CONFIG_HOME=str(tmp_path)))
    assert result.returncode == 1 and "--max-consoles must be a whole number of 1 or more" in result.stderr


def test_a_port_already_taken_is_said_in_words(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "bcp_drill", "serve", "--host", "127.0.0.1", "--port", str(port),
                                 "--records", str(tmp_path)], capture_output=True, text=True, timeout=30,
                                env=dict(os.environ, XDG_CONFIG_HOME=str(tmp_path)))
    assert result.returncode == 1 and "give another port with --port" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_browser_console_is_not_refused_for_want_of_a_terminal(monkeypatch):
    """textual-serve runs each browser's app without a terminal, with Textual's web driver."""
    from bcp_drill.commands.tui import _needs_terminal

    class Context:
        def fail(self, message):
            return 1

        def t(self, key, **params):
            return key

    monkeypatch.setattr(sys.stdin, "isatty", lambda: False)
    assert _needs_terminal(Context()) == 1
    monkeypatch.setenv("TEXTUAL_DRIVER", "textual.drivers.web_driver:WebDriver")
    assert _needs_terminal(Context()) is None


def test_the_gate_answers_to_the_printed_names_only():
    from bcp_drill.serve import make_gate

    local = make_gate("localhost", 8000, "localhost", None, [], "s3cret-token", 12)
    assert local.hosts == {"localhost:8000", "127.0.0.1:8000", "[::1]:8000"}
    assert local.origins == {"http://localhost:8000", "http://127.0.0.1:8000", "http://[::1]:8000"}
    lan = make_gate("0.0.0.0", 80, "drill-pc", "https://drill.example:443", ["192.0.2.7"], "s3cret-token", 12)
    assert lan.hosts == {"drill-pc:80", "drill-pc", "192.0.2.7:80", "192.0.2.7", "drill.example:443", "drill.example"}
    assert "https://drill.example" in lan.origins and "http://drill.example" not in lan.origins
    assert "localhost:80" not in lan.hosts  # loopback names only when it listens on loopback
    assert "s3cret-token" not in repr(lan)  # nor in a traceback that shows the gate


def test_no_log_line_shows_the_token_even_in_a_traceback():
    import logging

    from bcp_drill.serve import RedactToken

    try:
        raise ValueError("bad request GET /?token=s3cret-token&x=1 with s3cret-token")
    except ValueError:
        record = logging.LogRecord("aiohttp.server", logging.ERROR, __file__, 1, "Error handling %s",
                                   ("/?token=s3cret-token",), sys.exc_info())
    assert RedactToken("s3cret-token").filter(record)
    text = record.getMessage()
    assert "s3cret-token" not in text and "token=…" in text and "ValueError" in text and record.exc_info is None


@linux_only
async def test_a_console_that_does_not_quit_is_killed_and_one_that_ends_closes_its_websocket():
    """textual-serve waits without end for an app to quit; the console's place and memory would
    stay taken. One that ends by itself closes its browser's websocket, so its place is free."""
    from textual_serve.download_manager import DownloadManager

    from bcp_drill.serve import console_service

    closed = []

    async def write(data) -> None:
        pass

    async def close() -> None:
        closed.append(True)

    def service(code: str):
        made = console_service()(f"exec {sys.executable} -c '{code}'", write_bytes=write, write_str=write, close=close,
                                 download_manager=DownloadManager())
        made.grace = 0.5
        return made

    hung = service("import time; time.sleep(60)")  # reads nothing, never quits
    await hung.start(80, 24)
    began = time.monotonic()
    await hung.stop()
    assert hung._process.returncode is not None and time.monotonic() - began < 3
    assert closed  # its websocket is closed too

    closed.clear()
    ended = service("print(\"__GANGLION__\")")
    await ended.start(80, 24)
    await ended._task
    assert closed  # the app ended by itself: its browser's websocket is closed
    await ended.stop()
    assert ended._process.returncode == 0


def test_each_console_command_is_a_line_its_systems_shell_reads_back(tmp_path):
    import shlex
    import subprocess

    from bcp_drill.serve import app_command

    records = Path("C:/Users/山田 太郎/訓練 記録")  # a space and Japanese, as on a city PC
    content = [Path("D:/共有/シナリオ")]
    posix = app_command(records, "ja", content, system="posix")
    assert posix.startswith("exec ") and shlex.split(posix)[1:] == [
        sys.executable, "-m", "bcp_drill", "--records", str(records), "--lang", "ja", "--content", str(content[0])]
    windows = app_command(records, "ja", content, system="nt")
    assert not windows.startswith("exec") and "'" not in windows  # cmd.exe knows no single quotes
    assert f'"{records}"' in windows and windows == subprocess.list2cmdline(
        [sys.executable, "-m", "bcp_drill", "--records", str(records), "--lang", "ja", "--content", str(content[0])])
