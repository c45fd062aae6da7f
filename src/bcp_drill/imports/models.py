"""The drill-result file format: what a recorder fills in after a drill held on paper."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field
from pydantic_core import PydanticCustomError

from bcp_drill.content.fields import ContentModel, Id, Version
from bcp_drill.content.models import DrillType
from bcp_drill.drill.setup import ROLE_WORDS
from bcp_drill.records.values import Capability, DrillRole, ObservationKind, Priority

ELAPSED = re.compile(r"^(\d{1,3}):([0-5]\d)(?::([0-5]\d))?$")
CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
ROLE_LOOKUP = {word.lower(): role for role, words in ROLE_WORDS.items() for word in words}


def _elapsed_seconds(value: Any) -> Any:
    """T+ time as seconds: "1:30" (h:mm), "1:30:15" (h:mm:ss) or a whole number of minutes."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return value * 60
    if isinstance(value, str):
        match = ELAPSED.match(value.strip())
        if match:
            hours, minutes, seconds = match.groups()
            return int(hours) * 3600 + int(minutes) * 60 + int(seconds or 0)
    raise PydanticCustomError("bad_elapsed", "not a T+ time: {value}", {"value": value})


def _optional_elapsed(value: Any) -> Any:
    return None if value is None or (isinstance(value, str) and not value.strip()) else _elapsed_seconds(value)


def _clock_time(value: Any) -> Any:
    if isinstance(value, str) and CLOCK.match(value.strip()):
        return value.strip().zfill(5)
    raise PydanticCustomError("bad_clock", "not a clock time: {value}", {"value": value})


def _role(value: Any) -> Any:
    if isinstance(value, str) and value.strip().lower() in ROLE_LOOKUP:
        return ROLE_LOOKUP[value.strip().lower()]
    raise PydanticCustomError("bad_role", "not a drill role: {value}", {"value": value})


Elapsed = Annotated[int, BeforeValidator(_elapsed_seconds), Field(ge=0, le=14 * 24 * 3600)]
# Blank ("") in a template means "not filled in".
Seconds = Annotated[int, Field(ge=0, le=14 * 24 * 3600)]
OptionalElapsed = Annotated[Seconds | None, BeforeValidator(_optional_elapsed)]
ClockTime = Annotated[str, BeforeValidator(_clock_time)]
RoleWord = Annotated[DrillRole, BeforeValidator(_role)]
Result = Literal["P", "S", "M", "U", "not_done", "skipped"]


class ParticipantEntry(ContentModel):
    name: Annotated[str, Field(min_length=1)]
    role: RoleWord
    organisation: str = ""


class StepEntry(ContentModel):
    id: Id
    result: Result | None = None  # blank: no outcome was recorded
    actual: OptionalElapsed = None
    reason: str = ""
    checks: list[Annotated[int, Field(ge=1, le=99)]] = []  # ticked sub-checks, counted from 1
    notes: str = ""
    # Values measured for check items, by check number: {3: "25分"}.
    values: dict[Annotated[int, Field(ge=1, le=99)], str | float] = {}
    # A deputy acted (代行): their place in the deputy order, of the lead role unless named.
    deputy: Annotated[int, Field(ge=1, le=20)] | None = None
    deputy_role: Id | None = None
    deputy_reason: str = ""
    # A decision step: the option chosen (id, number or title) and who chose it.
    decision: str | int | None = None
    decided_by: str = ""


class SystemEntry(ContentModel):
    """When each state of a system was noted on paper (T+); blank: that state was not seen."""

    id: Id
    down: OptionalElapsed = None
    degraded: OptionalElapsed = None
    alternate: OptionalElapsed = None
    restored: OptionalElapsed = None
    note: str = ""


class InjectEntry(ContentModel):
    id: Id
    delivered: Elapsed


class ProblemFields(ContentModel):
    """What a problem written on paper carries, in drills and reviews alike."""

    title: Annotated[str, Field(min_length=1)]
    description: str = ""
    category: Capability = "planning"
    priority: Priority = "medium"
    owner_organisation: str = ""
    owner_person: str = ""
    due: date | None = None
    corrective_action: str = ""
    main_issue: str = ""


class ProblemEntry(ProblemFields):
    step: Id | None = None


class HotwashEntry(ContentModel):
    strengths: str = ""
    improvements: str = ""


class ObservationEntry(ContentModel):
    """An HSEEP observation written on paper: a strength or an area for improvement."""

    kind: ObservationKind
    objective: Id | None = None
    capability: Capability | None = None
    observation: Annotated[str, Field(min_length=1)]
    analysis: str = ""
    recommendation: str = ""


class DrillResultFile(ContentModel):
    """A drill recorded on paper (see `bcp-drill import --template SCENARIO`)."""

    kind: Literal["drill-result"]
    scenario: Id
    scenario_version: Version | None = None
    drill_type: DrillType
    date: date
    start: ClockTime  # the real clock time at T+0:00
    t0: str = ""  # the scenario moment T+0 stands for: blank, "05:30" or "2026-01-17 05:30"
    # The value of each of the scenario's conditions that the drill played (id, number or title).
    conditions: dict[str, str | int] = Field(default_factory=dict)
    place: str = ""
    recorder: str = ""
    participants: list[ParticipantEntry] = Field(default_factory=list)
    steps: list[StepEntry] = Field(default_factory=list)
    injects: list[InjectEntry] = Field(default_factory=list)
    systems: list[SystemEntry] = Field(default_factory=list)
    problems: list[ProblemEntry] = Field(default_factory=list)
    hotwash: HotwashEntry | None = None
    observations: list[ObservationEntry] = Field(default_factory=list)
    end: OptionalElapsed = None


def _year(value: Any) -> Any:
    from bcp_drill.fiscal import parse_fiscal_year

    year = parse_fiscal_year(str(value)) if value is not None else None
    if year is None:
        raise PydanticCustomError("bad_year", "not a fiscal year: {value}", {"value": value})
    return year


FiscalYear = Annotated[int, BeforeValidator(_year)]
# `status: 2` is read by YAML as a number; it is the key "2".
RatingValue = Annotated[str, BeforeValidator(lambda v: str(v) if isinstance(v, int) and not isinstance(v, bool) else v)]


class ItemEntry(ContentModel):
    id: Id
    # dimension id -> the option's key ("2", "s") or code ("continuing-on-target"); "" when not rated
    ratings: dict[str, RatingValue] = Field(default_factory=dict)
    assessment: str = ""
    evidence: str = ""


class ReviewProblemEntry(ProblemFields):
    item: Id | None = None


class ReviewResultFile(ContentModel):
    """A review done on paper (see `bcp-drill import --template CHECKLIST`)."""

    kind: Literal["review-result"]
    checklist: Id
    checklist_version: Version | None = None
    fiscal_year: FiscalYear
    date: date
    time: ClockTime = "09:00"
    reviewer: str = ""
    organisation: str = ""
    items: list[ItemEntry] = Field(default_factory=list)
    problems: list[ReviewProblemEntry] = Field(default_factory=list)
    finished: bool = True


IMPORT_KINDS = {"drill-result": DrillResultFile, "review-result": ReviewResultFile}
