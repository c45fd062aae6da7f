"""`bcp-drill serve`: the TUI for browsers, answering only those who hold the access token."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(tmp_path, *args, env=None):
    env = dict(os.environ, XDG_CONFIG_HOME=str(tmp_path / "cfg"), PYTHONUNBUFFERED="1", **(env or {}))
    return subprocess.Popen([sys.executable, "-m", "bcp_drill", "serve", "--records", str(tmp_path / "records"),
                             "--lang", "en", *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, env=env, cwd=tmp_path)


def wait_for(port: int, process, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stdout.read()
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("the server did not start")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # see the 303 itself, as a test of where it sends
        return None


def get(url: str, cookie: str | None = None, headers: dict | None = None) -> tuple[int, str, str, dict]:
    request = urllib.request.Request(url, headers={**({"Cookie": cookie} if cookie else {}), **(headers or {})})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=5) as response:
            return response.status, response.read().decode(), response.headers.get("Set-Cookie", ""), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), error.headers.get("Set-Cookie", ""), dict(error.headers)


def websocket(port: int, origin: str | None, cookie: str | None = None, host: str | None = None):
    """Open the app's websocket by hand (a bounded handshake on loopback): (socket, status line)."""
    import base64

    connection = socket.create_connection(("127.0.0.1", port), timeout=10)
    lines = ["GET /ws?width=80&height=24 HTTP/1.1", f"Host: {host or f'localhost:{port}'}", "Upgrade: websocket",
             "Connection: Upgrade", f"Sec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}",
             "Sec-WebSocket-Version: 13"]
    lines += [f"Origin: {origin}"] if origin else []
    lines += [f"Cookie: {cookie}"] if cookie else []
    connection.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
    reply = connection.recv(4096).decode(errors="replace")
    return connection, reply


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
    try:
        wait_for(port, process)
        base = f"http://localhost:{port}"
        status, body, _, headers = get(f"{base}/")
        assert status == 403 and "access token" in body and headers["Referrer-Policy"] == "no-referrer"
        assert get(f"{base}/?token=wrong")[0] == 403
        # The token sets the cookie, then the browser is sent on to the address without it.
        status, _, cookie, headers = get(f"{base}/?token=s3cret-token")
        assert status == 303 and headers["Location"] == "/" and "token" not in headers["Location"]
        assert cookie.startswith("bcp_drill_token=s3cret-token") and "HttpOnly" in cookie and "SameSite=Strict" in cookie
        status, body, _, headers = get(f"{base}/", cookie="bcp_drill_token=s3cret-token")
        assert status == 200 and "ws://" in body and "s3cret-token" not in body
        assert headers["Referrer-Policy"] == "no-referrer"
        status, _, _, _ = get(f"{base}/static/css/xterm.css", cookie="bcp_drill_token=s3cret-token")
        assert status == 200  # the page's own files come with the cookie, no token in the URL
    finally:
        out = stop(process)
    assert f"Open in a browser: http://localhost:{port}/?token=s3cret-token" in out
    assert out.count("s3cret-token") == 1  # printed once to hand out; never in a log line
    assert "token=…" in out  # the access log shows the request, the token blanked


def test_localhost_makes_a_token_too(tmp_path):
    port = free_port()
    process = start(tmp_path, "--port", str(port))
    try:
        wait_for(port, process)
        line = process.stdout.readline()
        assert re.search(r"Open in a browser: http://localhost:\d+/\?token=[\w-]{24,}", line), line
        assert get(f"http://localhost:{port}/")[0] == 403
    finally:
        stop(process)


@pytest.mark.parametrize("mode", ["token", "no-token"])
def test_other_sites_and_names_are_refused_on_every_request_and_websocket(tmp_path, mode):
    """Cross-site websocket hijacking and DNS rebinding: a page of another site, or a name serve
    did not print, gets 403 and starts nothing, with or without a token."""
    port = free_port()
    args = ["--token", "s3cret-token"] if mode == "token" else ["--no-token"]
    process = start(tmp_path, "--port", str(port), *args)
    cookie = "bcp_drill_token=s3cret-token" if mode == "token" else None
    try:
        wait_for(port, process)
        own = f"http://localhost:{port}"
        assert get(f"{own}/", cookie=cookie)[0] == 200
        assert get(f"{own}/", cookie=cookie, headers={"Origin": own})[0] == 200
        assert get(f"{own}/", cookie=cookie, headers={"Origin": "http://evil.example"})[0] == 403
        assert get(f"http://127.0.0.1:{port}/", cookie=cookie, headers={"Host": f"evil.example:{port}"})[0] == 403
        for origin, host in (("http://evil.example", None), (None, None), (own, f"rebound.example:{port}")):
            connection, reply = websocket(port, origin, cookie, host)
            connection.close()
            assert reply.startswith("HTTP/1.1 403"), (origin, host, reply[:80])
        connection, reply = websocket(port, own, cookie)
        connection.close()
        assert reply.startswith("HTTP/1.1 101"), reply[:80]  # the console itself opens
    finally:
        out = stop(process)
    assert "Traceback" not in out


def test_a_console_past_the_cap_gets_a_full_page_and_starts_nothing(tmp_path):
    port = free_port()
    env_cap = {"BCP_DRILL_SERVE_MAX_CONSOLES": "1"}
    process = start(tmp_path, "--port", str(port), "--token", "s3cret-token", env=env_cap)
    cookie = "bcp_drill_token=s3cret-token"
    own = f"http://localhost:{port}"
    try:
        wait_for(port, process)
        first, reply = websocket(port, own, cookie)
        assert reply.startswith("HTTP/1.1 101"), reply[:80]
        second, reply = websocket(port, own, cookie)
        second.close()
        assert reply.startswith("HTTP/1.1 503") and "all 1 consoles are in use" in reply
        status, body, _, _ = get(f"{own}/", cookie=cookie)
        assert status == 503 and "consoles are in use" in body
        first.close()  # the browser goes: its console ends, and the next one may come in
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and get(f"{own}/", cookie=cookie)[0] != 200:
            time.sleep(0.2)
        assert get(f"{own}/", cookie=cookie)[0] == 200
    finally:
        stop(process)


def test_a_remote_bind_needs_a_token_and_makes_one(tmp_path):
    refused = subprocess.run([sys.executable, "-m", "bcp_drill", "serve", "--host", "0.0.0.0", "--no-token",
                              "--records", str(tmp_path / "records"), "--lang", "en"],
                             capture_output=True, text=True, env=dict(os.environ, XDG_CONFIG_HOME=str(tmp_path)))
    assert refused.returncode == 1 and "--no-token is allowed on localhost only" in refused.stderr
    assert "Traceback" not in refused.stderr
    port = free_port()
    process = start(tmp_path, "--host", "0.0.0.0", "--port", str(port), "--public-url", f"http://127.0.0.1:{port}",
                    "--allow-host", "drill-pc.example")
    try:
        wait_for(port, process)
        seen = []
        while not seen or "not encrypted" not in seen[-1]:  # the warning follows the URL
            seen.append(process.stdout.readline())
        token = re.search(r"Open in a browser: \S+\?token=([\w-]+)", "".join(seen)).group(1)
        assert len(token) >= 24
        assert get(f"http://127.0.0.1:{port}/")[0] == 403
        assert get(f"http://127.0.0.1:{port}/?token={token}")[0] == 303  # into the cookie, then on
        assert get(f"http://127.0.0.1:{port}/", cookie=f"bcp_drill_token={token}")[0] == 200
        # Reached by a name serve did not print (the machine's name, a DNS name pointing here): refused.
        assert get(f"http://127.0.0.1:{port}/", cookie=f"bcp_drill_token={token}",
                   headers={"Host": f"attacker.example:{port}"})[0] == 403
        assert get(f"http://127.0.0.1:{port}/", cookie=f"bcp_drill_token={token}",
                   headers={"Host": f"drill-pc.example:{port}"})[0] == 200  # a name the user allowed
    finally:
        stop(process)


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
