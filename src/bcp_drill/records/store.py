"""The records folder: one journal per drill or review, listed and opened by id."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping

from bcp_drill.records.events import DrillStarted, EventBase, ReviewStarted
from bcp_drill.records.journal import (
    Clock,
    Journal,
    JournalError,
    _fsync_path,
    read_journal,
    utc_now,
)

SUFFIX = ".jsonl"
RECORD_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,199}$")  # 200 characters at most: file names have limits
FOLLOWUPS_JOURNAL = "followups"  # updates to follow-up items, shared by all records


@dataclass(frozen=True)
class RecordSummary:
    """One line of the records list; `error` is set when the journal cannot be read."""

    record_id: str
    path: Path
    kind: str = ""
    subject_id: str = ""  # the scenario or checklist
    started: datetime | None = None
    finished: bool = False
    events: int = 0
    cut_tail: bool = False
    error: JournalError | None = None


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-") or "record"


class RecordStore:
    """A folder of journals."""

    def __init__(self, root: Path, recorder: str, clock: Clock = utc_now) -> None:
        self.root = root
        self.recorder = recorder
        self.clock = clock

    def path_of(self, record_id: str) -> Path:
        """The journal of RECORD_ID; an id that could point outside the records folder is refused."""
        if not RECORD_ID.match(record_id):
            raise JournalError(self.root / record_id, "record_not_found", record_id=record_id)
        return self.root / f"{record_id}{SUFFIX}"

    def exists(self, record_id: str) -> bool:
        return bool(RECORD_ID.match(record_id)) and self.path_of(record_id).is_file()

    def _record_ids(self, subject_id: str) -> Iterator[str]:
        """Candidate ids for a new record: time and subject, then -2, -3… after it."""
        stamp = self.clock().astimezone().strftime("%Y%m%d-%H%M%S")
        base = f"{stamp}-{_slug(subject_id)}"[:180]
        yield base
        for counter in range(2, 10_000):
            yield f"{base}-{counter}"

    def new_record_id(self, subject_id: str) -> str:
        return next(r for r in self._record_ids(subject_id) if not self.path_of(r).exists())

    def create(self, subject_id: str, first: type[EventBase], **fields: object) -> Journal:
        """A new journal whose first event is FIRST (with record_id filled in).

        The file is created exclusively: two drills started in the same second (on two
        consoles) take the next free id instead of failing or sharing a file.
        """
        for record_id in self._record_ids(subject_id):
            try:
                journal = Journal.create(self.path_of(record_id), self.recorder, self.clock)
            except FileExistsError:
                continue
            journal.append(first, record_id=record_id, **fields)
            return journal
        raise JournalError(self.root, "record_ids_exhausted", subject=subject_id)

    def create_complete(self, subject_id: str, first: type[EventBase], first_fields: Mapping[str, Any],
                        fill: Callable[[Journal], None]) -> str:
        """A whole record written at once (an import): FILL appends the rest, then it appears.

        The journal is written beside the records as a hidden file and linked into place only
        once complete and fsynced, so a failure leaves no record, not half of one.
        """
        record_id = self.new_record_id(subject_id)
        final = self.path_of(record_id)
        partial = final.with_name(f".{final.name}.partial")
        partial.unlink(missing_ok=True)
        try:
            journal = Journal.create(partial, self.recorder, self.clock)
            with journal:
                journal.append(first, record_id=record_id, **first_fields)
                fill(journal)
            os.link(partial, final)  # fails rather than replace a record of the same id
            _fsync_path(self.root)
        finally:
            partial.unlink(missing_ok=True)
        return record_id

    def open(self, record_id: str) -> Journal:
        path = self.path_of(record_id)
        if not path.is_file():
            raise JournalError(path, "record_not_found", record_id=record_id)
        return Journal.open(path, self.recorder, self.clock)

    def kind_of(self, record_id: str) -> str | None:
        """'drill' or 'review' from the record's first line only (None if it cannot be read)."""
        import json

        try:
            with self.path_of(record_id).open("rb") as handle:
                first = json.loads(handle.readline())
        except (OSError, ValueError, JournalError):
            return None
        return {"drill_started": "drill", "review_started": "review"}.get(first.get("type"))

    def summaries(self) -> list[RecordSummary]:
        """Every record, newest first; damaged ones are listed with their error, not hidden."""
        if not self.root.is_dir():
            return []
        found = []
        for path in sorted(self.root.glob(f"*{SUFFIX}"), reverse=True):
            record_id = path.name[: -len(SUFFIX)]
            if record_id == FOLLOWUPS_JOURNAL:
                continue
            try:
                contents = read_journal(path)
            except JournalError as error:
                found.append(RecordSummary(record_id, path, error=error))
                continue
            except OSError as error:
                found.append(RecordSummary(record_id, path, error=JournalError(path, "unreadable",
                                                                             reason=str(error))))
                continue
            if not contents.events:
                found.append(RecordSummary(record_id, path, error=JournalError(path, "journal_empty")))
                continue
            first = contents.events[0]
            kind, subject = _describe(first)
            found.append(RecordSummary(
                record_id, path, kind=kind, subject_id=subject, started=first.at,
                finished=_finished(contents.events),
                events=len(contents.events), cut_tail=bool(contents.cut_tail)))
        return found

    def readable(self, kind: str | None = None) -> list[tuple[RecordSummary, list]]:
        """Every undamaged record of KIND with its events, oldest first."""
        found = []
        for summary in reversed(self.summaries()):
            if summary.error is None and (kind is None or summary.kind == kind):
                found.append((summary, read_journal(summary.path).events))
        return found

    def unreadable(self) -> list[RecordSummary]:
        """Every record that cannot be read, with why: what a figure over the folder leaves out."""
        return [s for s in self.summaries() if s.error is not None]

    def unfinished(self, kind: str | None = None) -> list[RecordSummary]:
        return [s for s in self.summaries()
                if s.error is None and not s.finished and (kind is None or s.kind == kind)]


def _describe(first: EventBase) -> tuple[str, str]:
    if isinstance(first, DrillStarted):
        return "drill", first.scenario_id
    if isinstance(first, ReviewStarted):
        return "review", first.checklist_id
    return "unknown", ""


def _finished(events: list) -> bool:
    """Ended drills, and reviews whose last finish was not reopened."""
    state = False
    for event in events:
        if event.type in ("drill_ended", "review_finished"):
            state = True
        elif event.type == "review_reopened":
            state = False
    return state
