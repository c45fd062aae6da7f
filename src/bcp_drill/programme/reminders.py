"""What the home screen reminds staff of, without a server: follow-ups overdue and due within a
set number of days, and the programme's next drill or briefing and any overdue ones."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from bcp_drill.errors import UserError
from bcp_drill.fiscal import fiscal_year
from bcp_drill.followups.collect import collect_followups
from bcp_drill.followups.items import FollowUp
from bcp_drill.i18n import Lang
from bcp_drill.programme import PROGRAMME_FOLDER as PROGRAMME_FOLDER  # (also named here, as before)
from bcp_drill.programme.models import Programme
from bcp_drill.programme.status import EntryStatus, held_drills, load_programme, programme_status
from bcp_drill.records.store import RecordStore, RecordSummary
from bcp_drill.records.values import OPEN_FOLLOWUP_STATUSES
from bcp_drill.wallclock import local_date


@dataclass
class Reminders:
    today: date
    days: int
    overdue: list[FollowUp] = field(default_factory=list)
    due_soon: list[FollowUp] = field(default_factory=list)  # open, due today to today + days
    next_entry: EntryStatus | None = None
    overdue_entries: list[EntryStatus] = field(default_factory=list)
    left_out: list[RecordSummary] = field(default_factory=list)
    failure: UserError | None = None  # the follow-ups journal could not be proven: said, nothing listed

    @property
    def anything(self) -> bool:
        return bool(self.overdue or self.due_soon or self.next_entry or self.overdue_entries or self.left_out
                    or self.failure)


def year_programme(folder: Path, year: int) -> Programme | None:
    """The programme of YEAR in FOLDER (./programmes), if a readable one is there."""
    if not folder.is_dir():
        return None
    for path in sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml")):
        programme, _ = load_programme(path, path.name)
        if programme is not None and programme.fiscal_year == year:
            return programme
    return None


def reminders(store: RecordStore, cwd: Path, days: int, lang: Lang = "ja") -> Reminders:
    today = local_date(store.clock())
    found = Reminders(today, days)
    try:
        items = collect_followups(store, lang, found.left_out)
    except UserError as error:
        found.failure = error
        items = []
    soon = today + timedelta(days=days)
    for item in items:
        if item.status not in OPEN_FOLLOWUP_STATUSES or item.due is None:
            continue
        if item.due < today:
            found.overdue.append(item)
        elif item.due <= soon:
            found.due_soon.append(item)
    programme = year_programme(cwd / PROGRAMME_FOLDER, fiscal_year(today))
    if programme is not None:
        status = programme_status(programme, held_drills(store, []), today)
        found.next_entry = next((s for s in status.entries if s.state == "next"), None)
        found.overdue_entries = [s for s in status.entries if s.state == "overdue"]
    return found
