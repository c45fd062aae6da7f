"""The records folder: one journal per drill or review, listed and opened by id."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Mapping

from bcp_drill.records.journal import JournalError, read_journal
from bcp_drill.records.journal_writer import Clock, Journal, place_journal, utc_now
from bcp_drill.records.seal import SealKey, SealWriter, seal_path
from bcp_drill.wallclock import local

if TYPE_CHECKING:
    from bcp_drill.records.events import EventBase

SUFFIX = ".jsonl"
RECORD_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,199}$")  # 200 characters at most: file names have limits
FOLLOWUPS_JOURNAL = "followups"  # updates to follow-up items, shared by all records
CACHE_FOLDER = ".cache"  # derived files (indexes, figures): never the source of truth, safe to delete
SUBJECTS_INDEX = "subjects.json"


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
    notices: tuple[JournalError, ...] = ()  # what was left out of a record still used (named by readers)

    @property
    def reasons(self) -> list[JournalError]:
        """Why a reader names this record: it was left out (the error), or parts of it were."""
        return ([self.error] if self.error is not None else []) + list(self.notices)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-") or "record"


class RecordStore:
    """A folder of journals."""

    def __init__(self, root: Path, recorder: str, clock: Clock = utc_now, seal_key: SealKey | None = None) -> None:
        self.root = root
        self.recorder = recorder
        self.clock = clock
        self.seal_key = seal_key  # records/seal.py: with it, every seal written and checked carries its MAC

    def as_recorder(self, recorder: str, clock: Clock | None = None) -> "RecordStore":
        """The same folder and key, written by RECORDER (on CLOCK)."""
        return RecordStore(self.root, recorder, clock or self.clock, self.seal_key)

    def path_of(self, record_id: str) -> Path:
        """The journal of RECORD_ID; an id that could point outside the records folder is refused."""
        if not RECORD_ID.match(record_id):
            raise JournalError(self.root / record_id, "record_not_found", record_id=record_id)
        return self.root / f"{record_id}{SUFFIX}"

    def exists(self, record_id: str) -> bool:
        return bool(RECORD_ID.match(record_id)) and self.path_of(record_id).is_file()

    def _record_ids(self, subject_id: str) -> Iterator[str]:
        """Candidate ids for a new record: time and subject, then -2, -3… after it."""
        stamp = local(self.clock()).strftime("%Y%m%d-%H%M%S")
        base = f"{stamp}-{_slug(subject_id)}"[:180]
        yield base
        for counter in range(2, 10_000):
            yield f"{base}-{counter}"

    def new_record_id(self, subject_id: str) -> str:
        return next(r for r in self._record_ids(subject_id)
                    if not self.path_of(r).exists() and not seal_path(self.path_of(r)).exists())

    def create(self, subject_id: str, first: type[EventBase], **fields: object) -> Journal:
        """A new journal whose first event is FIRST (with record_id filled in).

        The file is created exclusively: two drills started in the same second (on two
        consoles) take the next free id instead of failing or sharing a file.
        """
        for record_id in self._record_ids(subject_id):
            try:
                return Journal.create(self.path_of(record_id), self.recorder, self.clock,
                                      first=(first, {"record_id": record_id, **fields}), seal_key=self.seal_key)
            except FileExistsError:
                continue
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
        partial_seal = final.with_name(f".{seal_path(final).name}.partial")
        partial.unlink(missing_ok=True)
        try:
            journal = Journal.create(partial, self.recorder, self.clock, first=(first, {"record_id": record_id,
                                     **first_fields}), sealing=False)
            with journal:
                fill(journal)
                assert journal.last_hash is not None
                seal = SealWriter(partial_seal, final.name, record_id, self.seal_key)
                try:
                    seal.write(len(journal.events), journal.last_hash, both=True)
                finally:
                    seal.close()
            place_journal(partial, final, partial_seal)  # fails rather than replace a record of the same id
        finally:
            partial.unlink(missing_ok=True)
            partial_seal.unlink(missing_ok=True)
        return record_id

    def open(self, record_id: str) -> Journal:
        path = self.path_of(record_id)
        if not path.is_file():
            raise JournalError(path, "record_not_found", record_id=record_id)
        return Journal.open(path, self.recorder, self.clock, seal_key=self.seal_key)

    def kind_of(self, record_id: str) -> str | None:
        """'drill' or 'review' from the record's first line only (None if it cannot be read)."""
        if not self.exists(record_id):
            return None
        first_type = str(_first_line(self.path_of(record_id)).get("type"))
        return {"drill_started": "drill", "review_started": "review"}.get(first_type)

    def _journal_ids(self, newest_first: bool) -> list[str]:
        """The id of every record, in order; as text only (a Path each is made as it is read)."""
        if not self.root.is_dir():
            return []
        # Names sorted as text (Path objects compare part by part, slowly, in a large folder).
        # Sorted by file name, as listed ("a-2.jsonl" before "a.jsonl"), not by id.
        names = sorted((entry.name for entry in os.scandir(self.root)
                        if entry.name.endswith(SUFFIX) and not entry.name.startswith(".")), reverse=newest_first)
        return [name[: -len(SUFFIX)] for name in names if name != FOLLOWUPS_JOURNAL + SUFFIX]

    def _journal_paths(self, newest_first: bool) -> list[tuple[str, Path]]:
        return [(record_id, self.root / f"{record_id}{SUFFIX}") for record_id in self._journal_ids(newest_first)]

    def journal_paths(self) -> list[tuple[str, Path]]:
        """(record id, journal) of every record, oldest first (the follow-ups journal is not one)."""
        return self._journal_paths(newest_first=False)

    def journal_ids(self) -> list[str]:
        """The id of every record, oldest first, as journal_paths() gives them: for a caller that
        makes each journal's path only as it reads it (a large folder's paths are not held)."""
        return self._journal_ids(newest_first=False)

    def journal_of(self, record_id: str) -> Path:
        """The journal of a record id journal_ids() gave (not checked again: see path_of)."""
        return self.root / f"{record_id}{SUFFIX}"

    def merged_events(self, record_id: str) -> list:
        """A drill's events, every console's journal merged (records/team.py), proven."""
        from bcp_drill.records.team import read_merged

        return read_merged(self.root, record_id, self.path_of(record_id), seal_key=self.seal_key).events

    def journal_prints(self, record_id: str, exclude: Path | None = None) -> tuple:
        """(name, size, modification time) of each journal of the drill but EXCLUDE (the asking
        console's own): changes when any of them grows."""
        from bcp_drill.records.seal import seal_path
        from bcp_drill.records.team import console_paths

        prints = []
        for journal in [self.path_of(record_id), *console_paths(self.root, record_id)]:
            if journal == exclude:
                continue
            # The seal too: an event read before its seal was written is left out until it is sealed.
            for path in (journal, seal_path(journal)):
                try:
                    status = os.stat(path)
                except OSError:
                    continue
                prints.append((path.name, status.st_size, status.st_mtime_ns))
        return tuple(prints)

    def read_record(self, record_id: str, path: Path) -> tuple[RecordSummary, list]:
        """Read one record once, proven (records/proof.py): its summary (with the error when it
        cannot be read or does not prove, and the notices of what was left out) and events;
        a team drill's events are those of all its consoles' journals, merged (records/team.py)."""
        from bcp_drill.records.team import read_merged

        try:
            contents = read_journal(path)
            merged = read_merged(self.root, record_id, path, contents, self.seal_key)
        except JournalError as error:
            return RecordSummary(record_id, path, error=error), []
        except OSError as error:
            return RecordSummary(record_id, path, error=JournalError(path, "unreadable",
                                                                     reason=error.strerror or str(error))), []
        events = merged.events
        if not events:
            return RecordSummary(record_id, path, error=JournalError(path, "journal_empty"),
                                 notices=tuple(merged.notices)), []
        first = events[0]
        kind, subject = _describe(first)
        return RecordSummary(record_id, path, kind=kind, subject_id=subject, started=first.at,
                             finished=_finished(events), events=len(events),
                             cut_tail=bool(contents.cut_tail), notices=tuple(merged.notices)), events

    def summaries(self) -> list[RecordSummary]:
        """Every record, newest first; damaged ones are listed with their error, not hidden."""
        return [self.read_record(record_id, path)[0] for record_id, path in self._journal_paths(newest_first=True)]

    def readable(self, kind: str | None = None, subject_id: str | None = None,
                 damaged: list[RecordSummary] | None = None) -> Iterator[tuple[RecordSummary, list]]:
        """Every undamaged record of KIND (and SUBJECT), oldest first, each read once and
        handed over one at a time, so a folder of any size is never held in memory at once.
        A record of another subject is skipped after reading its first line only. Each record
        read that could not be used, or only in part, is added to DAMAGED (with its error or
        notices), so a caller can name it without reading the folder again."""
        subjects = self.subjects() if subject_id is not None else {}
        for record_id in self._journal_ids(newest_first=False):
            # A journal whose subject cannot be told (damaged, or misplaced) may be one of SUBJECT:
            # it is read, so that it is named.
            if subject_id is not None and subjects.get(record_id) not in (subject_id, None):
                continue
            summary, events = self.read_record(record_id, self.root / f"{record_id}{SUFFIX}")
            if damaged is not None and summary.reasons:
                damaged.append(summary)
            if summary.error is None and (kind is None or summary.kind == kind):
                yield summary, events

    def subject_of(self, path: Path) -> str | None:
        """The scenario or checklist of a journal, from its first line only (None if unreadable,
        or when the line names another record than the file: a journal put in another's place)."""
        first = _first_line(path)
        if first.get("record_id") != path.name[: -len(SUFFIX)]:
            return None
        return first.get("scenario_id") or first.get("checklist_id")

    def subjects(self) -> dict[str, str | None]:
        """The scenario or checklist of every record, by record id (None if unreadable).

        A journal's first line is written once, before the journal is linked into place, and
        never changes while the file does not (appends keep its inode). So the subjects are
        kept in a derived index in `.cache/`, keyed by each journal's inode: a look-up for
        one scenario reads the first line of new or replaced journals only, not of every
        unrelated record in the folder. The index is never the source of truth; it may be
        deleted at any time, and any trouble with it only means reading first lines again.
        """
        import json

        if not self.root.is_dir():
            return {}
        index = self.root / CACHE_FOLDER / SUBJECTS_INDEX
        try:
            kept = json.loads(index.read_bytes())
            if not isinstance(kept, dict):
                kept = {}
        except (OSError, ValueError):
            kept = {}
        found: dict[str, str | None] = {}
        fresh: dict[str, list] = {}
        for entry in os.scandir(self.root):
            name = entry.name
            if not name.endswith(SUFFIX) or name.startswith(".") or name == FOLLOWUPS_JOURNAL + SUFFIX:
                continue
            record_id, inode = name[: -len(SUFFIX)], entry.inode()  # the inode comes with the listing: no stat
            known = kept.get(record_id)
            if isinstance(known, list) and len(known) == 2 and known[0] == inode:
                subject = known[1]
            else:
                subject = self.subject_of(Path(entry.path))
            found[record_id] = subject
            if subject is not None:  # an unreadable first line is read again next time
                fresh[record_id] = [inode, subject]
        if fresh != kept:
            from bcp_drill.startup.derived import keep_copy

            keep_copy(index, json.dumps(fresh).encode("utf-8"))
        return found

    def first_lines(self) -> Iterator[tuple[str, dict]]:
        """(record id, first event as plain data) of every record: for look-ups that need no more."""
        for record_id in self._journal_ids(newest_first=False):
            yield record_id, _first_line(self.root / f"{record_id}{SUFFIX}")

    def unreadable(self) -> list[RecordSummary]:
        """Every record that cannot be read, or only in part, with why: what a figure over the
        folder leaves out."""
        return [s for s in self.summaries() if s.reasons]

    def unfinished(self, kind: str | None = None) -> list[RecordSummary]:
        return [s for s in self.summaries()
                if s.error is None and not s.finished and (kind is None or s.kind == kind)]


def _first_line(path: Path) -> dict:
    import json

    try:
        with path.open("rb") as handle:
            first = json.loads(handle.readline())
    except (OSError, ValueError):
        return {}
    return first if isinstance(first, dict) else {}


def _describe(first: Any) -> tuple[str, str]:
    if first.type == "drill_started":
        return "drill", first.scenario_id
    if first.type == "review_started":
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
