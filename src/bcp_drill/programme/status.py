"""The programme against the records: which planned drills were held (matched to drill records
by scenario, kind and date), which are overdue, which comes next; briefings count as held on
the day the programme says."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Iterable, Literal

from bcp_drill.content.loader import FileLoader, LoadedFile
from bcp_drill.errors import UserError
from bcp_drill.programme.models import Programme, ProgrammeEntry
from bcp_drill.records import events as ev
from bcp_drill.records.store import RecordStore, RecordSummary
from bcp_drill.wallclock import local_date

EntryState = Literal["done", "under_way", "overdue", "next", "planned"]


@dataclass(frozen=True)
class HeldDrill:
    record_id: str
    scenario_id: str
    drill_type: str
    held_on: date  # the day it started, local time
    ended: bool


@dataclass
class EntryStatus:
    entry: ProgrammeEntry
    first: date
    last: date
    state: EntryState
    drills: list[HeldDrill] = field(default_factory=list)


@dataclass
class ProgrammeStatus:
    programme: Programme
    today: date
    entries: list[EntryStatus]
    unplanned: list[HeldDrill]  # drills of the 年度 that no entry planned
    left_out: list[RecordSummary]  # records that could not be read, named beside the figures

    def count(self, state: EntryState) -> int:
        return sum(1 for status in self.entries if status.state == state)


def load_programme(path: Path, display: str) -> tuple[Programme | None, LoadedFile]:
    loaded = FileLoader(kinds={"programme": Programme}).load(path, display)
    document = loaded.document
    return (document if isinstance(document, Programme) and loaded.ok else None), loaded


def held_drills(store: RecordStore, left_out: list[RecordSummary]) -> list[HeldDrill]:
    """Every drill record that proves, with the day it was held; the others go to LEFT_OUT."""
    found = []
    for summary, events in store.readable("drill", damaged=left_out):
        if isinstance(events[0], ev.DrillStarted):
            found.append(held_drill(summary.record_id, events[0], events))
    return found


def held_drill(record_id: str, started: ev.DrillStarted, events: list) -> HeldDrill:
    """The drill a record's events stand for: its scenario, type, day (local time) and whether it ended."""
    return HeldDrill(record_id, started.scenario_id, started.drill_type, local_date(started.at),
                     any(isinstance(e, ev.DrillEnded) for e in events))


def _matches(entry: ProgrammeEntry, drill: HeldDrill, first: date, last: date) -> bool:
    if entry.kind == "briefing" or drill.scenario_id != entry.scenario or not first <= drill.held_on <= last:
        return False
    return entry.kind == "call_in" or drill.drill_type == entry.kind  # a call-in drill's scenario says it


def programme_status(programme: Programme, drills: Iterable[HeldDrill], today: date,
                     left_out: list[RecordSummary] | None = None) -> ProgrammeStatus:
    """Each entry's state on TODAY; a drill counts for one entry at most (the first it matches)."""
    year_first, year_last = date(programme.fiscal_year, 4, 1), date(programme.fiscal_year + 1, 3, 31)
    unmatched = sorted((d for d in drills if year_first <= d.held_on <= year_last), key=lambda d: d.held_on)
    statuses = []
    for entry in programme.entries:
        first, last = programme.span(entry)
        mine = [d for d in unmatched if _matches(entry, d, first, last)]
        unmatched = [d for d in unmatched if d not in mine]
        statuses.append(EntryStatus(entry, first, last, _state(entry, mine, last, today), mine))
    upcoming = sorted((s for s in statuses if s.state == "planned"), key=lambda s: s.first)
    if upcoming:
        upcoming[0].state = "next"
    return ProgrammeStatus(programme, today, statuses, unmatched, list(left_out or []))


def _state(entry: ProgrammeEntry, drills: list[HeldDrill], last: date, today: date) -> EntryState:
    if entry.kind == "briefing":
        return "done" if entry.held is not None else ("overdue" if last < today else "planned")
    if any(d.ended for d in drills):
        return "done"
    if drills:
        return "under_way"
    return "overdue" if last < today else "planned"


class ProgrammeNotFound(UserError):
    area = "programme"
