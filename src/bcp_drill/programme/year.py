"""A 年度 at a glance for a screen: the programme found in ./programmes against the drill records,
and, when programmes/roster.yaml is there, whom the drills and briefings reached. Every record is
read once; files and records that could not be read are kept, to be named, never dropped."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from bcp_drill.content.files import display_path
from bcp_drill.content.loader import FileLoader, LoadedFile
from bcp_drill.fiscal import fiscal_year
from bcp_drill.programme import ROSTER_FILE
from bcp_drill.programme.coverage import Coverage, coverage
from bcp_drill.programme.models import Programme
from bcp_drill.programme.roster import Roster
from bcp_drill.programme.status import HeldDrill, ProgrammeStatus, held_drill, load_programme, programme_status
from bcp_drill.records import events as ev
from bcp_drill.records.store import RecordStore, RecordSummary
from bcp_drill.wallclock import local_date


@dataclass
class ProgrammeYear:
    fiscal_year: int
    today: date
    folder: Path  # where the programme and the roster are looked for
    status: ProgrammeStatus | None = None  # None: no readable programme of the year in the folder
    broken: list[LoadedFile] = field(default_factory=list)  # programme files that could not be read
    roster: LoadedFile | None = None  # None: no roster file; else read, with its problems if any
    coverage: Coverage | None = None
    left_out: list[RecordSummary] = field(default_factory=list)  # records that could not be read


def find_programme(folder: Path, year: int, cwd: Path) -> tuple[Programme | None, list[LoadedFile]]:
    """The programme of YEAR among FOLDER's YAML files (the roster aside), and the files that could not be read."""
    broken: list[LoadedFile] = []
    if not folder.is_dir():
        return None, broken
    for path in sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml")):
        if path.name == ROSTER_FILE:
            continue
        programme, loaded = load_programme(path, display_path(path, cwd))
        if programme is None:
            broken.append(loaded)
        elif programme.fiscal_year == year:
            return programme, broken
    return None, broken


def read_year(store: RecordStore, folder: Path, cwd: Path, year: int | None = None) -> ProgrammeYear:
    """The programme of YEAR (the current 年度 by default) in FOLDER against the drill records, as of today."""
    today = local_date(store.clock())
    found = ProgrammeYear(year if year is not None else fiscal_year(today), today, folder)
    programme, found.broken = find_programme(folder, found.fiscal_year, cwd)
    held: list[HeldDrill] = []
    started: list[ev.DrillStarted] = []
    deputies: list[tuple[str, str]] = []  # (record id, who acted as deputy): they drilled too
    for summary, events in store.readable("drill", damaged=found.left_out):
        if isinstance(events[0], ev.DrillStarted):
            started.append(events[0])
            held.append(held_drill(summary.record_id, events[0], events))
            deputies += [(summary.record_id, e.person) for e in events if isinstance(e, ev.DeputyActed)]
    if programme is not None:
        found.status = programme_status(programme, held, today, found.left_out)
    roster_path = folder / ROSTER_FILE
    if roster_path.is_file():
        found.roster = FileLoader(kinds={"roster": Roster}).load(roster_path, display_path(roster_path, cwd))
        if isinstance(found.roster.document, Roster) and found.roster.ok:
            found.coverage = coverage(found.roster.document, found.fiscal_year, started, programme, deputies)
    return found
