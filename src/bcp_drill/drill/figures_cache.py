"""A derived cache of each drill's figures, so a second tally over an unchanged folder is quick.

Never the source of truth: a row is used only while its journal has the same size, change
time and last bytes as when the row was written; anything else (a changed, added, damaged
or deleted journal) is read again. The cache lives in `<records>/.cache/`, may be deleted at
any time, and any trouble with it (a read-only folder, a damaged file, another process
writing) only means the journals are read as if there were no cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from pathlib import Path
from typing import Any, Iterator

from bcp_drill.records.filesystem import open_file
from bcp_drill.records.seal import seal_path
from bcp_drill.records.store import CACHE_FOLDER

CACHE_FILE = "drill-figures.sqlite3"
_WRITE_EVERY = 500  # rows learnt before they are written (not yet committed)
SCHEMA = 3  # bump when the stored data changes shape: old rows are then simply not found


def fingerprint(path: Path) -> str | None:
    """Size, change time and a hash of the last bytes of a journal (None if it cannot be read);
    for a team drill, of every console's journal too."""
    own = _file_print(path)
    team = path.with_suffix("")
    if own is None or not os.path.isdir(team):
        return own
    from bcp_drill.records.team import console_paths

    prints = [own] + [_file_print(p) or "-" for p in console_paths(path.parent, team.name)]
    return hashlib.sha256("|".join(prints).encode()).hexdigest()


def _file_print(path: Path) -> str | None:
    try:
        fd = open_file(path, os.O_RDONLY)  # one open, one fstat, one read: it runs once per journal
        try:
            status = os.fstat(fd)
            os.lseek(fd, max(0, status.st_size - 4096), os.SEEK_SET)
            tail = os.read(fd, 4096)
        finally:
            os.close(fd)
    except OSError:
        return None
    # The seal too (2 KiB): a seal changed or removed since the figures were taken means proving again.
    try:
        seal = hashlib.sha256(seal_path(path).read_bytes()).hexdigest()[:32]
    except OSError:
        seal = "-"
    return f"{status.st_size}:{status.st_mtime_ns}:{hashlib.sha256(tail).hexdigest()[:32]}:{seal}"


class FiguresCache:
    def __init__(self, root: Path) -> None:
        self.path = root / CACHE_FOLDER / CACHE_FILE
        self._db: sqlite3.Connection | None = None
        self._pending: list[tuple[str, str, str, str]] = []
        # Per language: the rows in record order, read one at a time as the records are asked
        # for in that order (one look-up per record is slower, all rows at once hold them all).
        self._scans: dict[str, tuple[Iterator[tuple[str, str, str]], list]] = {}
        try:
            if root.is_dir():
                self.path.parent.mkdir(exist_ok=True)
                self._db = sqlite3.connect(self.path, timeout=5)
                self._db.execute("CREATE TABLE IF NOT EXISTS figures (record TEXT, lang TEXT, fingerprint TEXT, "
                                 "data TEXT, PRIMARY KEY (record, lang))")
        except (OSError, sqlite3.Error):
            self._db = None

    @property
    def usable(self) -> bool:
        return self._db is not None

    def _row(self, record_id: str, lang: str, with_data: bool = True) -> tuple[str, str] | None:
        """(fingerprint, data) of RECORD_ID (data "" unless WITH_DATA): from one scan in record
        order while the records are asked for in that order (as a tally does), else looked up
        on its own."""
        if self._db is None:
            return None
        data = "data" if with_data else "''"
        try:
            key = f"{lang}|{with_data}"
            if key not in self._scans:
                self._scans[key] = (iter(self._db.execute(
                    f"SELECT record, fingerprint, {data} FROM figures WHERE lang = ? ORDER BY record", (lang,))),
                    [None, ""])  # the next row not yet asked for, the last record asked for
            rows, state = self._scans[key]
            if record_id <= state[1]:  # asked out of order: the scan has gone past it
                found = self._db.execute(f"SELECT fingerprint, {data} FROM figures WHERE record = ? AND lang = ?",
                                         (record_id, lang)).fetchone()
                return (found[0], found[1]) if found else None
            state[1] = record_id
            while state[0] is None or state[0][0] < record_id:
                state[0] = next(rows, None) or ("\U0010ffff" * 201, "", "")  # past the end: past every id
            if state[0][0] == record_id:
                return state[0][1], state[0][2]
        except sqlite3.Error:
            return None
        return None

    def holds(self, record_id: str, lang: str, print_: str) -> bool:
        """Whether the figures of RECORD_ID are kept for the journal as PRINT_ describes it."""
        row = self._row(record_id, lang, with_data=False)
        return row is not None and row[0] == f"{SCHEMA}:{print_}"

    def get(self, record_id: str, lang: str, print_: str) -> dict[str, Any] | None:
        """The figures kept for RECORD_ID when they were taken from the journal PRINT_ describes."""
        return self.get_proven(record_id, lang, print_mark(print_))

    def get_proven(self, record_id: str, lang: str, mark: int) -> dict[str, Any] | None:
        """The figures kept for RECORD_ID when their fingerprint has MARK (`print_mark`), else None."""
        row = self._row(record_id, lang)
        if row is None or not row[0].startswith(f"{SCHEMA}:") or print_mark(row[0][len(f"{SCHEMA}:"):]) != mark:
            return None
        try:
            figures = json.loads(row[1])
            return figures if isinstance(figures, dict) else None
        except ValueError:
            return None

    def end_reads(self) -> None:
        """Let go of the rows being scanned (and the file's read lock) once no more are asked for."""
        self._scans.clear()

    def put(self, record_id: str, lang: str, print_: str, data: dict[str, Any]) -> None:
        self._pending.append((record_id, lang, f"{SCHEMA}:{print_}", json.dumps(data, ensure_ascii=False)))
        if len(self._pending) >= _WRITE_EVERY and not self._scans:
            self.flush()  # written as they come (not held until the end), in the one transaction close() commits

    def flush(self) -> None:
        """Write the rows learnt so far (in the transaction close() commits), so this connection
        finds them too."""
        if self._db is None or not self._pending:
            return
        self.end_reads()
        try:
            self._db.executemany("INSERT OR REPLACE INTO figures VALUES (?, ?, ?, ?)", self._pending)
        except sqlite3.Error:
            self._db.rollback()
            self._db.close()
            self._db = None
        self._pending.clear()

    def close(self) -> None:
        """Write what was learnt (all or nothing) and let go of the file."""
        if self._db is None:
            return
        self.end_reads()  # ends the reading statements before writing
        try:
            with self._db:
                self._db.executemany("INSERT OR REPLACE INTO figures VALUES (?, ?, ?, ?)", self._pending)
        except sqlite3.Error:
            pass
        finally:
            self._db.close()
            self._db = None


def print_mark(print_: str | None) -> int:
    """A journal's fingerprint in 8 bytes (0 when it has none), to hold one per journal of a large folder."""
    if print_ is None:
        return 0
    return int.from_bytes(hashlib.blake2b(print_.encode(), digest_size=8).digest(), "big", signed=True) or 1


def cache_enabled() -> bool:
    """BCP_DRILL_NO_CACHE=1 reads every journal (for a check, or a benchmark's first run)."""
    return os.environ.get("BCP_DRILL_NO_CACHE", "") in ("", "0")
