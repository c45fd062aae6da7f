"""`bcp-drill --help` answered from a kept copy of its text.

The text depends only on the language (the environment and the settings files decide it),
the terminal width and the program itself. Working those out means reading the settings
files and building every command's parser, which takes twice as long as Python's own start;
so the text is kept in __pycache__ together with everything it was made from, and used only
while all of that is the same. The copy is never the source of truth: it may be deleted at
any time, and when it cannot be read or written the help is built as before.
"""

from __future__ import annotations

import marshal  # built in: read without importing anything (json alone would cost a millisecond)
import os
import sys

# Everything in the environment that can change the text: the language and where the
# settings files are (HOME, XDG_CONFIG_HOME), and the width argparse wraps at (COLUMNS).
_ENVIRONMENT = ("BCP_DRILL_LANG", "BCP_DRILL_CONFIG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE",
                "HOME", "XDG_CONFIG_HOME", "COLUMNS")
_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_CLI = os.path.join(_PACKAGE, "cli")
# The program's own files the text comes from: every command family's parser, the language
# rules, the words (records/values and render/formats give the choices --help lists).
_PROGRAM = ([os.path.join(_PACKAGE, f"{module}.py") for module in ("__init__",
                                                                    os.path.join("startup", "config_files"),
                                                                    os.path.join("i18n", "__init__"),
                                                                    os.path.join("records", "values"),
                                                                    os.path.join("render", "formats"))]
            + [os.path.join(_PACKAGE, "i18n", f"{lang}.toml") for lang in ("ja", "en")])
_KEPT = os.path.join(_PACKAGE, "__pycache__", "help.marshal")
_MOST = 8  # situations kept (terminal widths, folders); the oldest is dropped


def situation() -> str:
    """What, besides files, the text depends on: Python, the environment, the folder, and the
    terminal's width (argparse wraps at shutil's width: COLUMNS, else the terminal's)."""
    columns: int | None = None
    if sys.__stdout__ is not None:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            pass  # not a terminal: shutil falls back to COLUMNS or 80
    return repr((sys.version, tuple(os.environ.get(name) for name in _ENVIRONMENT), os.getcwd(), columns))


def stamps(settings_files: list[str]) -> list[list[int] | bytes | None]:
    """Size and modification time of the program's files, and the very bytes of each settings
    file (a few lines; an edit within the file system's clock tick is still seen). None: absent."""
    found: list[list[int] | bytes | None] = []
    try:
        parsers = sorted(os.path.join(_CLI, name) for name in os.listdir(_CLI) if name.endswith(".py"))
    except OSError:
        parsers = []
    for path in _PROGRAM + parsers:
        try:
            status = os.stat(path)
        except OSError:
            found.append(None)
        else:
            found.append([status.st_size, status.st_mtime_ns])
    for path in settings_files:
        try:
            with open(path, "rb") as handle:
                found.append(handle.read())
        except OSError:
            found.append(None)
    return found


def _read() -> dict:
    try:
        with open(_KEPT, "rb") as handle:
            kept = marshal.loads(handle.read())  # written by this Python (its version is in the key)
    except (OSError, ValueError, EOFError, TypeError):
        return {}
    return kept if isinstance(kept, dict) else {}


def kept_help() -> str | None:
    """The help text kept for this very situation, when nothing it was made from has changed."""
    try:
        entry = _read().get(situation())
    except OSError:  # the current folder is gone: the command line says so
        return None
    if not isinstance(entry, dict) or not isinstance(entry.get("settings"), list):
        return None
    if entry.get("stamps") != stamps([str(path) for path in entry["settings"]]):
        return None
    text = entry.get("text")
    return text if isinstance(text, str) else None


def keep_help(text: str, settings_files: list[str], taken: list[list[int] | bytes | None]) -> None:
    """Keep TEXT, made from SETTINGS_FILES as they were when TAKEN (stamped before reading)."""
    from bcp_drill.startup.derived import keep_copy

    now = situation()
    kept = _read()
    kept.pop(now, None)
    while len(kept) >= _MOST:
        kept.pop(next(iter(kept)))
    kept[now] = {"settings": settings_files, "stamps": taken, "text": text}
    keep_copy(_KEPT, marshal.dumps(kept))
