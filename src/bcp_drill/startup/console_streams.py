"""The standard streams made safe for every console a city uses.

A Japanese Windows console or a redirected output may use code page 932 (Shift_JIS), which
cannot hold every character the tool prints ('✓', '—', an emoji in a name): such a character
is shown as '?', never a crash. Where the stream is a Windows console in its legacy mode
(not UTF-8), the console is switched to UTF-8 when it allows it, so nothing is replaced at all.
Input that is not valid in the console's encoding is read with a replacement character too.
"""

from __future__ import annotations

import sys
from typing import Any, Callable

UTF8_CODE_PAGE = 65001


def prepare_streams(stdin: Any, stdout: Any, stderr: Any,
                    console_to_utf8: Callable[[], bool] | None = None) -> None:
    """Reconfigure the three streams (those that can be: a test's StringIO cannot)."""
    to_utf8 = console_to_utf8 or _windows_console_to_utf8
    for stream in (stdout, stderr):
        if not hasattr(stream, "reconfigure"):
            continue
        if _is_legacy_console(stream) and to_utf8():
            stream.reconfigure(encoding="utf-8", errors="replace")
        else:
            stream.reconfigure(errors="replace")
    if hasattr(stdin, "reconfigure"):
        stdin.reconfigure(errors="replace")


def _is_legacy_console(stream: Any) -> bool:
    encoding = (getattr(stream, "encoding", "") or "").lower().replace("-", "").replace("_", "")
    try:
        return encoding != "utf8" and stream.isatty()
    except (OSError, ValueError):
        return False


def _windows_console_to_utf8() -> bool:
    """Ask a Windows console for UTF-8 (code page 65001); False elsewhere or if it refuses."""
    if sys.platform != "win32":
        return False
    import ctypes

    kernel32 = ctypes.windll.kernel32  # only on Windows
    return bool(kernel32.SetConsoleOutputCP(UTF8_CODE_PAGE)) and bool(kernel32.SetConsoleCP(UTF8_CODE_PAGE))
