"""Append-only JSON Lines journals: every event is flushed and fsynced before it counts.

A journal whose last line was cut by a crash is recovered up to the cut; the cut bytes
are moved aside, never thrown away. Damage anywhere else is reported, never skipped.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import secrets
import socket
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from bcp_drill.errors import UserError

if TYPE_CHECKING:
    from bcp_drill.records.events import EventBase

Clock = Callable[[], datetime]
WRITE_RETRY_PAUSES: tuple[float, ...] = (0.2, 0.5, 1.0)  # seconds before each new try of a failed write
NO_LOCKS_HERE = (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL)  # the filesystem has no locks


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class JournalError(UserError):
    """A journal cannot be used; `code` and `params` name the message in the catalog."""

    area = "journal"
    path: Path

    def __init__(self, path: Path, code: str, line: int | None = None, **params: Any) -> None:
        super().__init__(code, path=path, line=line, **params)


@dataclass
class JournalContents:
    """What reading a journal gave: its events, and a note if a cut tail was found."""

    events: list[Any] = field(default_factory=list)
    cut_tail: bytes = b""  # bytes after the last complete line (a crash mid-write)
    good_length: int = 0  # bytes up to and including the last complete line
    missing_newline: bool = False  # the last event is whole but its newline was cut
    lines: list[bytes] = field(default_factory=list)  # each whole event's line as written

    @property
    def last_hash(self) -> str | None:
        """The hash the next event chains to: that of the last whole line."""
        return line_hash(self.lines[-1]) if self.lines else None


def line_hash(line: bytes) -> str:
    """SHA-256 of one journal line as written, without its newline."""
    return hashlib.sha256(line).hexdigest()


def _parse_line(adapter: Any, path: Path, number: int, raw: bytes) -> Any:
    try:
        return adapter.validate_json(raw)  # parses and checks in one pass (pydantic-core)
    except ValueError as error:  # pydantic's ValidationError is a ValueError too
        detail = str(error).splitlines()[0]
        raise JournalError(path, "journal_corrupt", number, detail=detail) from None


def _all_at_once(adapter: Any, lines: list[bytes]) -> list[Any] | None:
    """Every line's event from one JSON array, or None when any line is not exactly one event."""
    if not lines:
        return []
    try:
        events = adapter.validate_json(b"[" + b",".join(lines) + b"]")
    except ValueError:
        return None
    return events if len(events) == len(lines) else None  # e.g. two events run together on one line


def read_journal(path: Path) -> JournalContents:
    """All events of a journal; raises JournalError for damage other than a cut last line."""
    from bcp_drill.records.events import (  # the models load with the first read
        EVENT_ADAPTER as adapter,
    )
    from bcp_drill.records.events import (
        EVENT_LIST_ADAPTER,
    )

    raw = path.read_bytes()
    contents = JournalContents()
    lines = raw.split(b"\n")
    tail = lines.pop()  # after the last newline: b"" when the file ends cleanly
    # The whole journal is validated in one call (most are whole); only when that fails is
    # it read line by line, to name the line that is damaged.
    events = _all_at_once(EVENT_LIST_ADAPTER, lines)
    if events is not None:
        contents.events, contents.lines = events, lines
        offset = len(raw) - len(tail)
    else:
        offset = 0
        for number, line in enumerate(lines, 1):
            if not line.strip():
                raise JournalError(path, "journal_corrupt", number, detail="empty line")
            contents.events.append(_parse_line(adapter, path, number, line))
            contents.lines.append(line)
            offset += len(line) + 1
    contents.good_length = offset
    if tail:
        try:
            contents.events.append(_parse_line(adapter, path, len(lines) + 1, tail))
            contents.lines.append(tail)
            contents.good_length += len(tail)
            contents.missing_newline = True
        except JournalError:
            contents.cut_tail = tail
    for index, event in enumerate(contents.events, 1):
        if event.seq != index:
            raise JournalError(path, "journal_sequence", index, expected=index, found=event.seq)
    return contents


class Journal:
    """An open journal that events are appended to, durably, by one process at a time."""

    def __init__(self, path: Path, recorder: str, clock: Clock = utc_now, host: str | None = None,
                 console: str | None = None) -> None:
        self.path = path
        self.recorder = recorder
        self.console = console  # stamped on every event of a team drill console's own journal
        self.host = host or socket.gethostname()
        self.clock = clock
        self.events: list[Any] = []
        self.recovered_tail: Path | None = None
        self._fd: int | None = None
        self._holding = False  # this process wrote the note of who holds the journal
        self.last_hash: str | None = None  # what the next event's `prev` is

    # -- opening -------------------------------------------------------------

    @classmethod
    def create(cls, path: Path, recorder: str, clock: Clock = utc_now, console: str | None = None) -> "Journal":
        """A new journal at PATH, locked before anyone else can open it (FileExistsError if there).

        The file is made under a private name, locked, then linked into place: another process
        can never open it empty and unlocked (and take it for a file cut by a power loss).
        """
        path.parent.mkdir(parents=True, exist_ok=True)
        journal = cls(path, recorder, clock, console=console)
        private = path.with_name(f".{path.name}.new-{os.getpid()}-{secrets.token_hex(4)}")
        journal._fd = os.open(private, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            journal._lock()
            os.link(private, path)  # fails if the name is taken: never two journals in one file
        except BaseException:
            journal.close()
            raise
        finally:
            private.unlink(missing_ok=True)
        _fsync_path(path.parent)
        return journal

    @classmethod
    def open(cls, path: Path, recorder: str, clock: Clock = utc_now, wait_seconds: float = 0,
             console: str | None = None) -> "Journal":
        """Open for appending; a cut last line is moved to a side file first.

        WAIT_SECONDS: how long to wait for another process that has it open (the follow-ups
        journal is written by short commands; a drill record is held for a whole session).
        """
        journal = cls(path, recorder, clock, console=console)
        journal._fd = os.open(path, os.O_RDWR | os.O_APPEND)
        journal._lock(wait_seconds)
        contents = read_journal(path)
        if not contents.events and not contents.cut_tail:
            # Zero bytes: the power went between creating the file and its first event.
            # Keep the empty file aside, as a cut line is, and say what probably happened.
            side = journal._side_name("empty")
            journal.close()
            path.rename(side)
            _fsync_path(path.parent)
            raise JournalError(path, "journal_empty_power_cut", side=str(side))
        if not contents.events:
            # Nothing whole to recover to: this is not a journal cut short, so leave it alone.
            journal.close()
            raise JournalError(path, "journal_corrupt", 1, detail="no complete event")
        if contents.cut_tail:
            side = journal._set_aside(contents.cut_tail, "cut")
            os.truncate(path, contents.good_length)
            os.fsync(journal._fd)
            journal.recovered_tail = side
        elif contents.missing_newline:
            os.write(journal._fd, b"\n")
            os.fsync(journal._fd)
        journal.events = contents.events
        journal.last_hash = contents.last_hash
        return journal

    def _side_name(self, what: str) -> Path:
        """`<name>.cut-<time>`, with -2, -3… when two recoveries fall in the same second."""
        base = f"{self.path.name}.{what}-{self.clock().strftime('%Y%m%dT%H%M%S')}"
        side, counter = self.path.with_name(base), 2
        while side.exists():
            side, counter = self.path.with_name(f"{base}-{counter}"), counter + 1
        return side

    def _set_aside(self, data: bytes, what: str) -> Path:
        """A side file beside the journal (`<name>.cut-<time>`) holding DATA, fsynced."""
        side = self._side_name(what)
        side.write_bytes(data)
        _fsync_path(side)
        return side

    def _lock(self, wait_seconds: float = 0) -> None:
        """Take the journal for this process alone, waiting up to WAIT_SECONDS for another."""
        assert self._fd is not None
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as error:
                if not isinstance(error, BlockingIOError) and error.errno in NO_LOCKS_HERE:
                    # A network share that cannot lock at all: go on without it. In a team drill
                    # each console writes only its own journal, so nothing else writes this file.
                    break
                if not isinstance(error, BlockingIOError):
                    raise
                if time.monotonic() >= deadline:
                    os.close(self._fd)
                    self._fd = None
                    holder = _read_holder(self.path)
                    raise JournalError(self.path, "journal_locked_by" if holder else "journal_locked",
                                       holder=holder) from None
                time.sleep(0.05)
        self._holding = _write_holder(self.path, self.recorder, self.host)

    def close(self) -> None:
        if self._fd is not None:
            if self._holding:
                _holder_path(self.path).unlink(missing_ok=True)
                self._holding = False
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> "Journal":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing -------------------------------------------------------------

    def append(self, event_type: type[EventBase], **fields: Any) -> Any:
        """Stamp, validate, write and fsync one event; return it once it is on disk."""
        if self._fd is None:
            raise JournalError(self.path, "journal_closed")
        event = event_type(seq=len(self.events) + 1, at=self.clock(), by=self.recorder,
                           host=self.host, prev=self.last_hash, console=self.console, **fields)
        # A single-console drill's lines stay as they always were: no "console" key.
        quiet = {name for name in ("console", "seen") if getattr(event, name) is None}
        line = event.model_dump_json(exclude=quiet or None).encode("utf-8") + b"\n"
        good_length = os.lseek(self._fd, 0, os.SEEK_END)
        # A network share may fail a write now and take it a moment later: try again, each time
        # from the last whole event, before telling the user it was not saved.
        for attempt, pause in enumerate(WRITE_RETRY_PAUSES + (None,), 1):
            try:
                written = os.write(self._fd, line)
                if written != len(line):  # a full disk writes short; the rest would be glued to the next event
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                os.fsync(self._fd)
                break
            except OSError as error:
                self._cut_back(good_length)
                if pause is None or self._fd is None or error.errno in (errno.ENOSPC, errno.EROFS, errno.EACCES):
                    raise JournalError(self.path, "journal_write_failed", reason=error.strerror or str(error),
                                       attempts=attempt) from None
                time.sleep(pause)
        self.events.append(event)
        self.last_hash = line_hash(line[:-1])
        return event

    def _cut_back(self, good_length: int) -> None:
        """After a failed write, take the file back to its last whole event, so the next event
        starts on a clean line; the event that failed was never acknowledged."""
        assert self._fd is not None
        try:
            os.ftruncate(self._fd, good_length)
            os.fsync(self._fd)
        except OSError:  # the disk refuses even that: stop writing rather than risk a glued line
            self.close()


def _holder_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.holder")


def _write_holder(path: Path, recorder: str, host: str) -> bool:
    """Note who has the journal open, so another window can be told who (best effort)."""
    note = json.dumps({"by": recorder, "host": host, "pid": os.getpid()}, ensure_ascii=False)
    try:
        _holder_path(path).write_text(note, encoding="utf-8")
    except OSError:
        return False
    return True


def _read_holder(path: Path) -> str:
    try:
        data = json.loads(_holder_path(path).read_text(encoding="utf-8"))
        return f"{data['by']}@{data['host']} (pid {data['pid']})"
    except (OSError, ValueError, KeyError, TypeError):
        return ""


def _fsync_path(path: Path) -> None:
    # Works for folders too: a new file's directory entry must reach the disk as well,
    # or a power cut can lose the whole file.
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
