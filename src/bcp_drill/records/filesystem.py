"""What the records need of the operating system, the same on POSIX and on Windows.

- Files are opened in binary: in text mode Windows' C runtime turns "\\n" into "\\r\\n", which
  would spoil every line's hash and the seal's fixed-size slots.
- One writer at a time per journal: `flock` on POSIX; on Windows `msvcrt.locking` on one byte
  far past the end of the file, because a Windows lock is mandatory and a lock on the data
  would stop every reader (verify, reports, the other consoles of a team drill).
- A folder is fsynced where the system can open one (POSIX); Windows cannot, and NTFS keeps
  its own directory entries in its log.
Nothing here is imported only on one system, so every module imports on both.
"""

from __future__ import annotations

import errno
import os
import re
from pathlib import Path
from types import ModuleType

fcntl: ModuleType | None
msvcrt: ModuleType | None
try:
    import fcntl
except ImportError:  # Windows
    fcntl = None
try:
    import msvcrt
except ImportError:  # POSIX
    msvcrt = None

BINARY = getattr(os, "O_BINARY", 0)  # 0 where there is no text mode (POSIX)
# Windows: the byte that stands for the whole journal. Below 2 GiB so that any C runtime's
# offsets reach it, and far past any journal (a drill writes a few hundred KB).
LOCK_OFFSET = 0x7FFF_FFF0
NO_LOCKS_HERE = (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL)  # the filesystem has no locks
HELD_ELSEWHERE = (errno.EACCES, errno.EDEADLK, errno.EAGAIN)  # msvcrt: "locking violation"


# Names Windows keeps for devices, whatever the extension ("NUL.jsonl" is the null device there).
WINDOWS_DEVICE = re.compile(r"^(CON|PRN|AUX|NUL|CONIN\$|CONOUT\$|COM[0-9¹²³]|LPT[0-9¹²³])$", re.IGNORECASE)
WINDOWS_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f]')


def windows_name_problem(name: str) -> str | None:
    """Why NAME cannot name a file on Windows ('device', 'character', 'ending'), or None.
    Records and outputs often sit on a folder that Windows PCs share, so every system asks."""
    if WINDOWS_DEVICE.match(name.split(".", 1)[0].rstrip(" ")):
        return "device"
    if WINDOWS_FORBIDDEN.search(name):
        return "character"
    if name.endswith((".", " ")):
        return "ending"
    return None


def inside(path: Path, folder: Path) -> bool:
    """Whether PATH is FOLDER or lies within it, links resolved (a key or a report kept out of
    the records folder must not be let in through a link)."""
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


class LockHeld(Exception):
    """Another process (or another open file in this one) holds the journal."""


class NoLocksHere(Exception):
    """The filesystem cannot lock at all (some network shares)."""


def open_file(path: Path, flags: int, mode: int = 0o644) -> int:
    """`os.open`, always in binary."""
    return os.open(path, flags | BINARY, mode)


def lock(fd: int) -> None:
    """Take the file open as FD for this open file alone, without waiting.
    Raises LockHeld, or NoLocksHere where the filesystem has no locks."""
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        elif msvcrt is not None:
            _at_lock_byte(fd, msvcrt.LK_NBLCK)
        else:
            raise NoLocksHere()
    except BlockingIOError:
        raise LockHeld() from None
    except OSError as error:
        if error.errno in NO_LOCKS_HERE:
            raise NoLocksHere() from None
        if fcntl is None and error.errno in HELD_ELSEWHERE:
            raise LockHeld() from None
        raise


def unlock(fd: int) -> None:
    """Let go of FD's lock before it is closed: Windows frees a lock left on a closed file only
    'when the system gets round to it', so a journal reopened at once could look held."""
    if fcntl is not None or msvcrt is None:
        return  # closing the file releases a POSIX lock
    try:
        _at_lock_byte(fd, msvcrt.LK_UNLCK)
    except OSError:
        pass  # not locked (a share without locks): nothing to let go of


def _at_lock_byte(fd: int, mode: int) -> None:
    assert msvcrt is not None
    position = os.lseek(fd, 0, os.SEEK_CUR)
    os.lseek(fd, LOCK_OFFSET, os.SEEK_SET)
    try:
        msvcrt.locking(fd, mode, 1)
    finally:
        os.lseek(fd, position, os.SEEK_SET)


def fsync_folder(path: Path) -> None:
    """Make a new file's directory entry durable: without it a power cut can lose the whole file."""
    if os.name == "nt":
        return  # a folder cannot be opened as a file; NTFS logs its directory entries itself
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
