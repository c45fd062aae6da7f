"""The Windows switch: with BCP_DRILL_AS_WINDOWS=1 the whole suite runs as the tool runs on Windows,
as far as Linux allows. `fcntl` cannot be imported (so the records take their Windows branch),
`msvcrt` is a stand-in that behaves as Windows' does (a lock per open file, refused with EACCES,
and mandatory: it fails the test if the locked byte is one a reader needs), and `fork` is not a
start method (so many-file commands read in one process, as on Windows).

What it cannot show: Windows' own file semantics (no rename or delete of an open file, text-mode
opens), its console, its paths. The README says what has not been run on real Windows.
"""

from __future__ import annotations

import errno
import importlib
import multiprocessing
import os
import sys
import types

REAL_FCNTL = importlib.import_module("fcntl")  # for the stand-in, and for tests that drive a pty
ENVIRONMENT_VARIABLE = "BCP_DRILL_AS_WINDOWS"
LOCKED_AT: list[int] = []  # offsets the stand-in was asked to lock, for tests to read
_REAL_GET_CONTEXT = multiprocessing.get_context


def other_processes() -> multiprocessing.context.BaseContext:
    """Processes a test starts to act as other users: forked even under the switch (a child keeps
    the switch, so two "Windows" processes contend for a journal)."""
    return _REAL_GET_CONTEXT("fork")


def fork_as_on_linux(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """For a test of the forked readers themselves: fork as Linux does, even under the switch
    (each of those has a twin that checks the one-process reading Windows gets)."""
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["fork", "spawn"])
    monkeypatch.setattr(multiprocessing, "get_context", lambda method=None: other_processes())


def msvcrt_standin() -> types.ModuleType:
    module = types.ModuleType("msvcrt")
    module.LK_UNLCK, module.LK_LOCK, module.LK_NBLCK, module.LK_RLCK, module.LK_NBRLCK = 0, 1, 2, 3, 4

    def locking(fd: int, mode: int, nbytes: int) -> None:
        position = os.lseek(fd, 0, os.SEEK_CUR)
        if position < os.fstat(fd).st_size:
            raise AssertionError(f"a lock on byte {position} of a {os.fstat(fd).st_size}-byte file: on Windows "
                                 "a lock is mandatory and would stop every reader of that byte")
        if mode == module.LK_NBLCK:
            try:
                REAL_FCNTL.flock(fd, REAL_FCNTL.LOCK_EX | REAL_FCNTL.LOCK_NB)
            except BlockingIOError:
                raise OSError(errno.EACCES, "Permission denied") from None
            LOCKED_AT.append(position)
        elif mode == module.LK_UNLCK:
            REAL_FCNTL.flock(fd, REAL_FCNTL.LOCK_UN)
        else:
            raise NotImplementedError(f"the stand-in knows LK_NBLCK and LK_UNLCK, not mode {mode}")

    module.locking = locking  # type: ignore[attr-defined]
    return module


def install() -> None:
    """Make this process look like Windows to the tool, before anything imports it."""
    if any(name == "bcp_drill" or name.startswith("bcp_drill.") for name in sys.modules):
        raise RuntimeError("the Windows switch must be installed before bcp_drill is imported")
    sys.modules["fcntl"] = None  # type: ignore[assignment]  # `import fcntl` raises ImportError
    sys.modules["msvcrt"] = msvcrt_standin()
    multiprocessing.get_all_start_methods = lambda: ["spawn"]  # type: ignore[assignment]
    real_get_context = multiprocessing.get_context

    def get_context(method: str | None = None):  # type: ignore[no-untyped-def]
        if method == "fork":
            raise ValueError("cannot find context for 'fork'")
        return real_get_context(method)

    multiprocessing.get_context = get_context  # type: ignore[assignment]


def active() -> bool:
    return os.environ.get(ENVIRONMENT_VARIABLE) == "1"
