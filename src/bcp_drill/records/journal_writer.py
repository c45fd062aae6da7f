"""Append-only JSON Lines journals: every event is flushed and fsynced before it counts.

A journal whose last line was cut by a crash is recovered up to the cut; the cut bytes
are moved aside, never thrown away. Damage anywhere else is reported, never skipped.
A journal is opened for appending only when it proves (records/proof.py).
"""

from __future__ import annotations

import errno
import json
import os
import secrets
import socket
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, TypeVar

from bcp_drill.records.filesystem import LockHeld, NoLocksHere, fsync_folder, lock, open_file, unlock
from bcp_drill.records.journal import JOURNAL_FORMAT, JournalError, line_hash, read_journal
from bcp_drill.records.proof import prove
from bcp_drill.records.seal import SealKey, SealWriter, seal_path, sealed_name

if TYPE_CHECKING:
    from bcp_drill.records.events import EventBase

Clock = Callable[[], datetime]
Event = TypeVar("Event", bound="EventBase")
WRITE_RETRY_PAUSES: tuple[float, ...] = (0.2, 0.5, 1.0)  # seconds before each new try of a failed write
_QUIET_WHEN_EMPTY = ("unreachable", "acted_for")  # DrillStarted, DeputyActed (issue 31)
CREATE_WAIT_SECONDS = 10.0  # a new journal another process opened first (it writes one event, then lets go)


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class Journal:
    """An open journal that events are appended to, durably, by one process at a time."""

    def __init__(self, path: Path, recorder: str, clock: Clock = utc_now, host: str | None = None,
                 console: str | None = None, seal_key: SealKey | None = None, sealing: bool = True) -> None:
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
        self.seal_key = seal_key
        self._sealing = sealing  # False while an import is written under a private name
        self._seal: SealWriter | None = None

    # -- opening -------------------------------------------------------------

    @classmethod
    def create(cls, path: Path, recorder: str, clock: Clock = utc_now, console: str | None = None, *,
               first: tuple[type[EventBase], dict[str, Any]], seal_key: SealKey | None = None,
               sealing: bool = True) -> "Journal":
        """A new journal at PATH holding its FIRST event (FileExistsError if the name is taken).

        The file is made under a private name, locked, given its first event and its seal,
        then linked into place: another process never sees it empty or unsealed, and a disk
        that fills as a record starts leaves nothing behind. SEALING False: no seal (an import
        written under a private name is sealed as it is linked into place, by the store).
        """
        path.parent.mkdir(parents=True, exist_ok=True)
        journal = cls(path, recorder, clock, console=console, seal_key=seal_key, sealing=sealing)
        token = f"new-{os.getpid()}-{secrets.token_hex(4)}"
        private = path.with_name(f".{path.name}.{token}")
        private_seal = path.with_name(f".{seal_path(path).name}.{token}") if sealing else None
        journal._fd = open_file(private, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_EXCL)
        try:
            journal._write(*first, seal=False)
            if private_seal is not None:
                journal._seal = journal._seal_writer(private_seal)
                journal._write_seal()
            written = os.fstat(journal._fd).st_size
            # Closed before it is linked and renamed: Windows renames and deletes no open file.
            journal.close()
            place_journal(private, path, private_seal)
        finally:
            private.unlink(missing_ok=True)
            if private_seal is not None:
                private_seal.unlink(missing_ok=True)
        # Taken again under its own name. Another process may have opened it in between (the
        # shared follow-ups journal) and added to it: then it is opened as any journal is.
        journal._fd = open_file(path, os.O_RDWR | os.O_APPEND)
        try:
            journal._lock(wait_seconds=CREATE_WAIT_SECONDS)
            unchanged = os.fstat(journal._fd).st_size == written
        except BaseException:
            journal.close()
            raise
        if unchanged:
            return journal
        journal.close()
        return cls.open(path, recorder, clock, CREATE_WAIT_SECONDS, console, seal_key)

    @classmethod
    def open(cls, path: Path, recorder: str, clock: Clock = utc_now, wait_seconds: float = 0,
             console: str | None = None, seal_key: SealKey | None = None) -> "Journal":
        """Open for appending; a cut last line is moved to a side file first, and so is a last
        event the seal does not cover (written as the power went, never shown as saved).
        A journal that does not verify (records/proof.py) is refused and left as it is.

        WAIT_SECONDS: how long to wait for another process that has it open (the follow-ups
        journal is written by short commands; a drill record is held for a whole session).
        """
        journal = cls(path, recorder, clock, console=console, seal_key=seal_key)
        journal._fd = open_file(path, os.O_RDWR | os.O_APPEND)
        try:
            journal._lock(wait_seconds)
            contents = read_journal(path)
        except BaseException:
            journal.close()
            raise
        if not contents.events and not contents.cut_tail:
            # Zero bytes: the power went between creating the file and its first event (a
            # journal of an earlier version; this one never links a journal without its first
            # event). Keep the empty file aside, as a cut line is, and say what probably happened.
            side = journal._side_name("empty")
            journal.close()
            path.rename(side)
            fsync_folder(path.parent)
            raise JournalError(path, "journal_empty_power_cut", side=str(side))
        if not contents.events:
            # Nothing whole to recover to: this is not a journal cut short, so leave it alone.
            journal.close()
            raise JournalError(path, "journal_corrupt", 1, detail="no complete event")
        proof = prove(path, contents, seal_key)
        if proof.failure is not None:
            journal.close()
            raise proof.failure
        if proof.unsealed_last:
            # Written as the power went, before its seal: never shown as saved. Set aside with
            # anything after it, as a cut line is, and the seal made whole for what stays.
            last = contents.lines.pop()
            contents.events.pop()
            start = contents.good_length - len(last) - (0 if contents.missing_newline else 1)
            with path.open("rb") as handle:
                handle.seek(start)
                journal.recovered_tail = journal._set_aside(handle.read(), "unsealed")
            os.ftruncate(journal._fd, start)
            os.fsync(journal._fd)
            contents.good_length, contents.cut_tail, contents.missing_newline = start, b"", False
            if not contents.events:
                side = journal._side_name("empty")
                journal.close()
                path.rename(side)
                fsync_folder(path.parent)
                raise JournalError(path, "journal_empty_power_cut", side=str(side))
            journal.events, journal.last_hash = contents.events, contents.last_hash
            journal._write_seal(both=True)
        if contents.cut_tail:
            side = journal._set_aside(contents.cut_tail, "cut")
            os.ftruncate(journal._fd, contents.good_length)
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
        fd = open_file(side, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
        try:
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        fsync_folder(side.parent)
        return side

    def _lock(self, wait_seconds: float = 0) -> None:
        """Take the journal for this process alone, waiting up to WAIT_SECONDS for another."""
        assert self._fd is not None
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                lock(self._fd)
                break
            except NoLocksHere:
                # A network share that cannot lock at all: go on without it. In a team drill
                # each console writes only its own journal, so nothing else writes this file.
                break
            except LockHeld:
                if time.monotonic() >= deadline:
                    os.close(self._fd)
                    self._fd = None
                    holder = _read_holder(self.path)
                    raise JournalError(self.path, "journal_locked_by" if holder else "journal_locked",
                                       holder=holder) from None
                time.sleep(0.05)
        self._holding = _write_holder(self.path, self.recorder, self.host)

    def close(self) -> None:
        if self._seal is not None:
            self._seal.close()
            self._seal = None
        if self._fd is not None:
            if self._holding:
                self._holding = False
                try:
                    _holder_path(self.path).unlink(missing_ok=True)
                except OSError:  # a disk gone read-only: the note stays; it only names who had it open
                    pass
            unlock(self._fd)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> "Journal":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing -------------------------------------------------------------

    def append(self, event_type: type[Event], **fields: Any) -> Event:
        """Stamp, validate, write and fsync one event, then its seal; return it once both are on disk."""
        return self._write(event_type, fields, seal=True)

    def _write(self, event_type: type[Event], fields: dict[str, Any], seal: bool) -> Event:
        if self._fd is None:
            raise JournalError(self.path, "journal_closed")
        seq = len(self.events) + 1
        event = event_type(seq=seq, at=self.clock(), by=self.recorder, host=self.host, prev=self.last_hash,
                           console=self.console, journal_format=JOURNAL_FORMAT if seq == 1 else None, **fields)
        # A single-console drill's lines stay as they always were: no "console" key.
        quiet = {name for name in ("console", "seen", "journal_format") if getattr(event, name) is None}
        # Fields added later stay off the line while empty, so lines are as they always were.
        quiet |= {name for name in _QUIET_WHEN_EMPTY if not getattr(event, name, True)}
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
        previous_hash = self.last_hash
        self.events.append(event)
        self.last_hash = line_hash(line[:-1])
        if seal:
            try:
                self._write_seal()
            except OSError as error:
                # Not sealed, so not saved: take the line back, and the journal stays as sealed.
                self.events.pop()
                self.last_hash = previous_hash
                self._cut_back(good_length)
                raise JournalError(self.path, "journal_write_failed", reason=error.strerror or str(error),
                                   attempts=1) from None
        return event

    def _write_seal(self, both: bool = False) -> None:
        """State this journal's event count and last hash in its seal (records/seal.py), fsynced;
        BOTH: in both of its slots (a seal made whole again after a power cut)."""
        if not self._sealing or self.last_hash is None:
            return
        if self._seal is None:
            self._seal = self._seal_writer(seal_path(self.path))
        self._seal.write(len(self.events), self.last_hash, both)

    def _seal_writer(self, at: Path) -> SealWriter:
        record_id = self.path.parent.name if self.console else self.path.stem
        return SealWriter(at, sealed_name(self.path, self.console), record_id, self.seal_key)

    def _cut_back(self, good_length: int) -> None:
        """After a failed write, take the file back to its last whole event, so the next event
        starts on a clean line; the event that failed was never acknowledged."""
        assert self._fd is not None
        try:
            os.ftruncate(self._fd, good_length)
            os.fsync(self._fd)
        except OSError:  # the disk refuses even that: stop writing rather than risk a glued line
            self.close()


def reseal(path: Path, key: SealKey) -> int:
    """Sign the seal of the journal at PATH with KEY, when it proves without a key (its chain,
    its place and its unsigned seal hold): whoever holds the key vouches for it as it is now.
    Returns its event count; a journal that does not prove, or is open elsewhere, is refused."""
    fd = open_file(path, os.O_RDWR)
    try:
        try:
            lock(fd)
        except LockHeld:
            raise JournalError(path, "journal_locked") from None
        except NoLocksHere:
            pass
        contents = read_journal(path)
        proof = prove(path, contents, None)
        if proof.failure is None and proof.seal == "unchecked_key":
            proof.failure = JournalError(path, "seal_other_key", seal=str(seal_path(path)), key_id="?", own=key.key_id)
        for problem in [proof.failure, *proof.notices()]:
            if problem is not None:
                raise problem
        console = getattr(contents.events[0], "console", None)
        record_id = path.parent.name if console else path.stem
        writer = SealWriter(seal_path(path), sealed_name(path, console), record_id, key)
        try:
            writer.write(len(contents.events), contents.last_hash or "", both=True)
        finally:
            writer.close()
        return len(contents.events)
    finally:
        unlock(fd)
        os.close(fd)


def place_journal(private: Path, path: Path, private_seal: Path | None) -> None:
    """Link a journal written under a private name into place at PATH (FileExistsError when PATH
    is taken), then its seal. The journal is linked first: once the name is ours, the seal's name
    is ours too, and a seal left there by a creation cut short is replaced. (A crash between the
    two leaves one event without its seal: never shown as saved, it is set aside when the record
    is next opened; a reader meanwhile leaves it out.)"""
    os.link(private, path)  # fails if the name is taken: never two journals in one file
    try:
        if private_seal is not None:
            os.replace(private_seal, seal_path(path))
        fsync_folder(path.parent)
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def _holder_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.holder")


def _write_holder(path: Path, recorder: str, host: str) -> bool:
    """Note who has the journal open, so another window can be told who (best effort)."""
    note = json.dumps({"by": recorder, "host": host, "pid": os.getpid()}, ensure_ascii=False)
    try:
        _holder_path(path).write_text(note, encoding="utf-8")
    except OSError:
        try:  # a full disk makes the file and writes nothing: leave no empty note behind
            _holder_path(path).unlink(missing_ok=True)
        except OSError:
            pass
        return False
    return True


def _read_holder(path: Path) -> str:
    try:
        data = json.loads(_holder_path(path).read_text(encoding="utf-8"))
        return f"{data['by']}@{data['host']} (pid {data['pid']})"
    except (OSError, ValueError, KeyError, TypeError):
        return ""
