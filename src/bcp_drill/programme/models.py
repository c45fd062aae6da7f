"""A programme file (`kind: programme`, one per 年度): the drills and briefings the city plans,
month by month, as the annex of its plan lists them."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field, model_validator

from bcp_drill.content.fields import ContentModel, Id, LocalizedText, Version
from bcp_drill.content.models import FiscalYear

# The kinds of entry a programme plans: the drill types, a call-in (参集) drill, and a briefing
# of the plan to staff (説明会), which no drill record stands for.
EntryKind = Literal["walkthrough", "tabletop", "functional", "full_scale", "call_in", "briefing"]
DRILL_KINDS: tuple[str, ...] = ("walkthrough", "tabletop", "functional", "full_scale", "call_in")


class ProgrammeEntry(ContentModel):
    """One planned drill or briefing: in a month of the 年度 (or on a date), of a kind, with whom."""

    id: Id
    kind: EntryKind
    scenario: Id | None = Field(None, description="The scenario a drill plays (every kind but briefing).")
    month: Annotated[int, Field(ge=1, le=12)] | None = Field(None, description="Month of the 年度 (4 = April).")
    on: date | None = Field(None, description="The planned date, when one is set; else the month.")
    title: LocalizedText | None = None
    participants: LocalizedText | None = Field(None, description="Departments or people taking part.")
    held: date | None = Field(None, description="For a briefing: the day it was held (no record stands for it).")
    attendees: list[str] = Field(default_factory=list, description="For a briefing held: who attended (names "
                                                                    "as in the roster).")
    notes: LocalizedText | None = None

    @model_validator(mode="after")
    def _when_and_what(self) -> "ProgrammeEntry":
        if (self.month is None) == (self.on is None):
            raise ValueError("give either month (1-12) or on (a date), not both and not neither")
        if self.kind != "briefing" and self.scenario is None:
            raise ValueError("a drill names the scenario it plays (scenario: ID)")
        if self.kind != "briefing" and self.held is not None:
            raise ValueError("held is for briefings; a drill is done when its record exists")
        return self


class Programme(ContentModel):
    """The drill programme of one 年度."""

    kind: Literal["programme"]
    id: Id
    version: Version = "1"
    fiscal_year: FiscalYear
    title: LocalizedText
    entries: Annotated[list[ProgrammeEntry], Field(min_length=1)]

    @model_validator(mode="after")
    def _dates_in_the_year(self) -> "Programme":
        first, last = date(self.fiscal_year, 4, 1), date(self.fiscal_year + 1, 3, 31)
        seen: set[str] = set()
        for entry in self.entries:
            if entry.id in seen:
                raise ValueError(f"entry id {entry.id} is used twice")
            seen.add(entry.id)
            if entry.on is not None and not first <= entry.on <= last:
                raise ValueError(f"entry {entry.id}: {entry.on} is outside the fiscal year {first} to {last}")
        return self

    def span(self, entry: ProgrammeEntry) -> tuple[date, date]:
        """The first and last day an entry is planned for: its date, or its month of this 年度."""
        if entry.on is not None:
            return entry.on, entry.on
        assert entry.month is not None
        year = self.fiscal_year if entry.month >= 4 else self.fiscal_year + 1
        start = date(year, entry.month, 1)
        end = date(year + (entry.month == 12), entry.month % 12 + 1, 1)
        return start, date.fromordinal(end.toordinal() - 1)
