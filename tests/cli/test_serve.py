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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(tmp_path, *args):
    env = dict(os.environ, XDG_CONFIG_HOME=str(tmp_path / "cfg"), PYTHONUNBUFFERED="1")
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


def get(url: str, cookie: str | None = None) -> tuple[int, str, str]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read().decode(), response.headers.get("Set-Cookie", "")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), ""


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
        base = f"http://127.0.0.1:{port}"
        status, body, _ = get(f"{base}/")
        assert status == 403 and "access token" in body
        status, body, _ = get(f"{base}/?token=wrong")
        assert status == 403
        status, body, cookie = get(f"{base}/?token=s3cret-token")
        assert status == 200 and "ws://" in body  # the page that opens the app's websocket
        assert cookie.startswith("bcp_drill_token=s3cret-token") and "HttpOnly" in cookie
        status, _, _ = get(f"{base}/static/css/xterm.css", cookie="bcp_drill_token=s3cret-token")
        assert status == 200  # the page's own files come with the cookie, no token in the URL
    finally:
        out = stop(process)
    assert f"Open in a browser: http://localhost:{port}/?token=s3cret-token" in out


def test_a_remote_bind_needs_a_token_and_makes_one(tmp_path):
    refused = subprocess.run([sys.executable, "-m", "bcp_drill", "serve", "--host", "0.0.0.0", "--no-token",
                              "--records", str(tmp_path / "records"), "--lang", "en"],
                             capture_output=True, text=True, env=dict(os.environ, XDG_CONFIG_HOME=str(tmp_path)))
    assert refused.returncode == 1 and "--no-token is allowed on localhost only" in refused.stderr
    assert "Traceback" not in refused.stderr
    port = free_port()
    process = start(tmp_path, "--host", "0.0.0.0", "--port", str(port), "--public-url", f"http://127.0.0.1:{port}")
    try:
        wait_for(port, process)
        seen = []
        while not seen or "not encrypted" not in seen[-1]:  # the warning follows the URL
            seen.append(process.stdout.readline())
        token = re.search(r"Open in a browser: \S+\?token=([\w-]+)", "".join(seen)).group(1)
        assert len(token) >= 24
        assert get(f"http://127.0.0.1:{port}/")[0] == 403
        assert get(f"http://127.0.0.1:{port}/?token={token}")[0] == 200
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
