"""The records' use of the operating system, on both branches whatever this machine is: POSIX
`flock`, and the Windows branch through a stand-in `msvcrt` (tests/support/windows.py)."""

import ast
import errno
import os
from pathlib import Path

import pytest

from bcp_drill.records import filesystem
from bcp_drill.records.filesystem import LOCK_OFFSET, LockHeld, NoLocksHere, lock, unlock, windows_name_problem
from support.windows import REAL_FCNTL, msvcrt_standin

SOURCE = Path(__file__).resolve().parents[2] / "src" / "bcp_drill"


@pytest.fixture(params=["posix", "windows"])
def branch(request, monkeypatch):
    if request.param == "posix":
        monkeypatch.setattr(filesystem, "fcntl", REAL_FCNTL)
        monkeypatch.setattr(filesystem, "msvcrt", None)
    else:
        monkeypatch.setattr(filesystem, "fcntl", None)
        monkeypatch.setattr(filesystem, "msvcrt", msvcrt_standin())
    return request.param


def test_one_open_file_holds_the_lock_and_lets_go(tmp_path, branch):
    path = tmp_path / "r.jsonl"
    path.write_bytes(b'{"seq": 1}\n' * 100)
    first, second = os.open(path, os.O_RDWR | os.O_APPEND), os.open(path, os.O_RDWR | os.O_APPEND)
    try:
        lock(first)
        with pytest.raises(LockHeld):
            lock(second)
        unlock(first)
        os.close(first)
        lock(second)  # taken at once: nothing left behind by the first
    finally:
        for fd in (first, second):
            try:
                os.close(fd)
            except OSError:
                pass


def test_a_locked_journal_can_still_be_read_whole(tmp_path, branch):
    # On Windows a lock is mandatory: the stand-in fails if the locked byte is one a reader needs.
    path = tmp_path / "r.jsonl"
    path.write_bytes(b"x" * 5000)
    fd = os.open(path, os.O_RDWR | os.O_APPEND)
    try:
        os.lseek(fd, 123, os.SEEK_SET)
        lock(fd)
        assert os.lseek(fd, 0, os.SEEK_CUR) == 123  # where the writer was
        assert path.read_bytes() == b"x" * 5000
    finally:
        unlock(fd)
        os.close(fd)


def test_the_windows_branch_locks_one_byte_past_any_journal(tmp_path, monkeypatch):
    asked = []
    standin = msvcrt_standin()
    monkeypatch.setattr(filesystem, "fcntl", None)
    monkeypatch.setattr(filesystem, "msvcrt", standin)
    real_locking = standin.locking
    monkeypatch.setattr(standin, "locking", lambda fd, mode, n: (asked.append(
        (os.lseek(fd, 0, os.SEEK_CUR), mode, n)), real_locking(fd, mode, n)))
    fd = os.open(tmp_path / "r.jsonl", os.O_RDWR | os.O_CREAT)
    try:
        lock(fd)
        unlock(fd)
    finally:
        os.close(fd)
    assert asked == [(LOCK_OFFSET, standin.LK_NBLCK, 1), (LOCK_OFFSET, standin.LK_UNLCK, 1)]
    assert LOCK_OFFSET < 2**31  # a 32-bit offset reaches it


@pytest.mark.parametrize("code", [errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL])
def test_a_filesystem_without_locks_is_named(tmp_path, branch, monkeypatch, code):
    def refuse(*args):
        raise OSError(code, os.strerror(code))

    if branch == "posix":
        monkeypatch.setattr(filesystem, "fcntl", type("Fcntl", (), {"flock": staticmethod(refuse),
                                                                    "LOCK_EX": 2, "LOCK_NB": 4}))
    else:
        monkeypatch.setattr(filesystem.msvcrt, "locking", refuse)
    fd = os.open(tmp_path / "r", os.O_RDWR | os.O_CREAT)
    try:
        with pytest.raises(NoLocksHere):
            lock(fd)
    finally:
        os.close(fd)


def test_without_either_module_nothing_locks_and_it_says_so(tmp_path, monkeypatch):
    monkeypatch.setattr(filesystem, "fcntl", None)
    monkeypatch.setattr(filesystem, "msvcrt", None)
    fd = os.open(tmp_path / "r", os.O_RDWR | os.O_CREAT)
    try:
        with pytest.raises(NoLocksHere):
            lock(fd)
        unlock(fd)  # and letting go of nothing is fine
    finally:
        os.close(fd)


def test_record_files_are_opened_only_through_the_binary_opener():
    # Windows' text mode would turn "\n" into "\r\n" and spoil every hash: one opener adds O_BINARY.
    callers = []
    for path in SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "open"
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "os"):
                callers.append(f"{path.relative_to(SOURCE)}:{ast.unparse(node.args[0])}")
    assert sorted(callers) == ["cli/__init__.py:os.devnull", "records/filesystem.py:path", "records/filesystem.py:path"]


@pytest.mark.parametrize("name, problem", [
    ("CON", "device"), ("con.jsonl", "device"), ("NUL .txt", "device"), ("COM1.md", "device"),
    ("lpt9", "device"), ("LPT¹.csv", "device"), ("CONIN$", "device"), ("a:b.md", "character"),
    ('say"hi".md', "character"), ("tab\there", "character"), ("report.", "ending"), ("report ", "ending"),
    ("report.md", None), ("CONSOLE.md", None), ("COM10", None), ("本部-1", None), ("con-1.jsonl", None),
])
def test_windows_file_names(name, problem):
    assert windows_name_problem(name) == problem


def test_every_module_imports_where_posix_only_modules_do_not_exist():
    """Windows has no fcntl, termios, pwd, grp or resource: no module of the tool may need them
    to import (one did, and every command failed there)."""
    import subprocess
    import sys

    script = (
        "import sys, pkgutil, importlib\n"
        "for name in ('fcntl', 'termios', 'pwd', 'grp', 'resource'): sys.modules[name] = None\n"
        "import bcp_drill\n"
        "names = [m.name for m in pkgutil.walk_packages(bcp_drill.__path__, 'bcp_drill.')"
        " if not m.name.endswith('__main__')]\n"
        "for name in names: importlib.import_module(name)\n"
        "print(len(names))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert int(done.stdout) > 100  # every module, not an empty walk
