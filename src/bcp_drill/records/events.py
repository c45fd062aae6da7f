"""Event types of drill and review journals: one pydantic model each, one JSON line each.

An event is never rewritten; a correction is a later event. Every event says when
(wall-clock UTC), who recorded it and on which host.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from bcp_drill.records.values import (
    Capability,
    ConsoleRole,
    DrillRole,
    FollowUpStatus,
    HseepRating,
    ObservationKind,
    Priority,
    SystemState,
)


class EventBase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    seq: int = Field(ge=1)
    at: datetime
    by: str
    host: str
    # SHA-256 of the journal's previous line as written (a hash chain; None on the first line
    # and in journals written before the chain existed).
    prev: str | None = None
    # The console of a team drill that wrote it (its own journal in the drill's folder); None
    # for the drill's first journal, which is every single-console drill's only one.
    console: str | None = None
    # Team drills: how far the writer had read each other journal ("" is the drill's first one)
    # when it wrote this: the merge never puts an event before what its writer had seen.
    seen: dict[str, int] | None = None
    # On the first line only: the journal format it is written in (records/journal.py,
    # JOURNAL_FORMAT); absent in journals written before the format was named.
    journal_format: int | None = None


class Participant(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    name: str = Field(min_length=1)
    role: DrillRole
    organisation: str = ""


class DrillStarted(EventBase):
    """First event of a drill: pins the scenario so later YAML edits cannot change its meaning."""

    type: Literal["drill_started"] = "drill_started"
    record_id: str
    scenario_id: str
    scenario_version: str
    scenario_sha256: str
    scenario_file: str
    # The scenario file as it was, so resuming or reporting never depends on today's YAML.
    scenario_yaml: str
    drill_type: str
    place: str = ""
    participants: list[Participant] = []
    # A call-in drill: the people found unreachable (連絡不通) at set-up; their roles' deputies act.
    unreachable: list[str] = []
    t0: datetime  # the scenario moment T+0 stands for (may be earlier than the real start)
    # The value of each of the scenario's conditions in this drill (office hours or not...),
    # fixed ones included; steps and injects that do not apply under them are not counted.
    conditions: dict[str, str] = {}
    # The shared systems register the scenario names, as it was (empty when it names none).
    systems_file: str = ""
    systems_sha256: str = ""
    systems_yaml: str = ""
    tool_version: str
    # Set when the drill was held on paper and imported afterwards.
    imported_from: str | None = None
    import_sha256: str | None = None
    imported_by: str | None = None


class ConsoleJoined(EventBase):
    """First event of a console's own journal in a team drill (see drill/team.py)."""

    type: Literal["console_joined"] = "console_joined"
    record_id: str
    role: ConsoleRole
    team: str = ""  # the player's team (a role of the scenario), "" for all of them
    # This console's clock minus the shared folder's clock, measured when it joined; events are
    # placed on the folder's clock when the journals are merged, so skewed clocks still agree.
    clock_offset_seconds: float = 0.0


class ConflictSettled(EventBase):
    """The lead's choice between outcomes recorded for one step by two consoles at once."""

    type: Literal["conflict_settled"] = "conflict_settled"
    step_id: str
    chosen_console: str | None  # the console whose outcome stands (None: the drill's first journal)
    chosen_seq: int
    reason: str = ""


class ClockPaused(EventBase):
    type: Literal["clock_paused"] = "clock_paused"


class ClockResumed(EventBase):
    type: Literal["clock_resumed"] = "clock_resumed"


class ClockAdvanced(EventBase):
    """The controller moves the drill clock forward (tabletops skip to the next checkpoint)."""

    type: Literal["clock_advanced"] = "clock_advanced"
    to_seconds: int = Field(ge=0)


class StepCompleted(EventBase):
    type: Literal["step_completed"] = "step_completed"
    step_id: str
    rating: HseepRating
    elapsed_seconds: int = Field(ge=0)


class DecisionMade(EventBase):
    """A decision step's outcome: the option chosen (who chose it, when) and its rating.

    It stands as the step's completion; a different choice needs the step reopened first.
    """

    type: Literal["decision_made"] = "decision_made"
    step_id: str
    option_id: str
    rating: HseepRating
    decided_by: str = ""  # who made the decision, when not the person recording it
    elapsed_seconds: int = Field(ge=0)


class StepNotDone(EventBase):
    type: Literal["step_not_done"] = "step_not_done"
    step_id: str
    reason: str
    skipped: bool = False  # skipped on purpose (out of scope) vs attempted and not achieved
    # When it was given up; None when no time was recorded (a paper sheet leaves it blank).
    elapsed_seconds: int | None = Field(ge=0)


class DeputyActed(EventBase):
    """A role's deputy (代行者) acted on a step because the holder could not: who, and why."""

    type: Literal["deputy_acted"] = "deputy_acted"
    step_id: str
    role_id: str
    deputy: int = Field(ge=1)  # the place in the role's deputy order (1: the first deputy)
    person: str = ""
    reason: str = Field(min_length=1)
    elapsed_seconds: int = Field(ge=0)
    acted_for: str = ""  # the name of the holder the deputy acted for, when known


class ValueRecorded(EventBase):
    """A value measured for a check item (UPS minutes left...); a later one replaces it."""

    type: Literal["value_recorded"] = "value_recorded"
    step_id: str
    check_index: int = Field(ge=0)
    text: str = Field(min_length=1)  # as typed
    number: float | None = None  # read from it, for number and percent values
    elapsed_seconds: int = Field(ge=0)


class StepOccurrenceDone(EventBase):
    """One occurrence of a repeated step (定時報告 every 3 hours) done: which, when, how well.
    A later one for the same occurrence replaces it; the step's own outcome still closes the step."""

    type: Literal["step_occurrence_done"] = "step_occurrence_done"
    step_id: str
    occurrence: int = Field(ge=1)  # 1: the first, due at the step's target
    elapsed_seconds: int = Field(ge=0)
    rating: HseepRating | None = None
    note: str = ""


class SystemStateRecorded(EventBase):
    """The state of one information system from now on (a later one replaces it)."""

    type: Literal["system_state_recorded"] = "system_state_recorded"
    system_id: str
    state: SystemState
    note: str = ""
    elapsed_seconds: int = Field(ge=0)


class StepReopened(EventBase):
    """Correction: the step's outcome is withdrawn and it is pending again."""

    type: Literal["step_reopened"] = "step_reopened"
    step_id: str


class CheckToggled(EventBase):
    type: Literal["check_toggled"] = "check_toggled"
    step_id: str
    check_index: int = Field(ge=0)
    checked: bool


class NoteAdded(EventBase):
    type: Literal["note_added"] = "note_added"
    step_id: str | None = None  # None: a note on the drill as a whole
    text: str = Field(min_length=1)
    elapsed_seconds: int = Field(ge=0)


class NoteRetracted(EventBase):
    """Correction: an earlier note is withdrawn (it stays in the journal)."""

    type: Literal["note_retracted"] = "note_retracted"
    note_seq: int
    reason: str = ""
    note_console: str | None = None  # the console whose journal holds the note (team drills)


class ProblemRaised(EventBase):
    """A problem found during a drill or review; it becomes a follow-up item."""

    type: Literal["problem_raised"] = "problem_raised"
    problem_id: str
    source_ref: str | None = None  # the step or checklist item it came from
    title: str = Field(min_length=1)
    description: str = ""
    category: Capability = "planning"
    priority: Priority = "medium"
    owner_organisation: str = ""
    owner_person: str = ""
    start: date | None = None
    due: date | None = None
    elapsed_seconds: int | None = None
    corrective_action: str = ""  # what is to be done about it, asked when it is raised
    # The main issue (今後の主な課題) of the next plan it belongs to; problems that share one are
    # listed together under it in the section-4 list.
    main_issue: str = ""


class InjectDelivered(EventBase):
    type: Literal["inject_delivered"] = "inject_delivered"
    inject_id: str
    elapsed_seconds: int = Field(ge=0)
    manual: bool = False  # delivered by hand by the controller, early or late


class ObjectiveRated(EventBase):
    """An evaluator's rating of an objective that replaces the one derived from its steps.

    `rating` None withdraws an earlier override; the reason is required either way.
    """

    type: Literal["objective_rated"] = "objective_rated"
    objective_id: str
    rating: HseepRating | None
    reason: str = Field(min_length=1)


class HotwashRecorded(EventBase):
    type: Literal["hotwash_recorded"] = "hotwash_recorded"
    strengths: str = ""
    improvements: str = ""


class ObservationRecorded(EventBase):
    """An evaluator's observation, as HSEEP writes them: a strength or an area for improvement,
    tied to an objective and a capability element, with (for an area for improvement) the
    analysis of its root cause and the recommendation."""

    type: Literal["observation_recorded"] = "observation_recorded"
    kind: ObservationKind
    objective_id: str | None = None
    capability: Capability | None = None
    observation: str = Field(min_length=1)
    analysis: str = ""
    recommendation: str = ""
    elapsed_seconds: int | None = None


class DrillEnded(EventBase):
    type: Literal["drill_ended"] = "drill_ended"
    elapsed_seconds: int = Field(ge=0)


class PreviousItem(BaseModel):
    """What the review this one follows said of an item (kept in the record, not looked up)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    ratings: dict[str, str] = {}  # dimension → option code
    assessment: str = ""
    evidence: str = ""
    # Ratings in `ratings` that stood from a still earlier 年度 (a finished measure is not rated
    # again): dimension → the 年度 the rating was given.
    carried: dict[str, int] = {}


class ReviewStarted(EventBase):
    """First event of a review: pins the checklist and its scale as they were."""

    type: Literal["review_started"] = "review_started"
    record_id: str
    checklist_id: str
    checklist_version: str
    checklist_sha256: str
    checklist_file: str
    checklist_yaml: str
    scale_json: str  # the scale used, as JSON, even when it was a built-in or a shared file
    fiscal_year: int = Field(ge=1900, le=2999)  # 年度, named by the April it starts in
    # The review of an earlier 年度 this one starts from: its ratings, assessments and evidence
    # are shown as "previous" (this review's own ratings start empty).
    previous_record: str | None = None
    previous_year: int | None = None
    previous: dict[str, PreviousItem] = {}
    reviewer: str = ""
    organisation: str = ""
    tool_version: str
    imported_from: str | None = None
    import_sha256: str | None = None
    imported_by: str | None = None


class ItemRated(EventBase):
    """One dimension of one item rated (status, carry-over...); a later rating replaces it."""

    type: Literal["item_rated"] = "item_rated"
    item_id: str
    dimension: str
    option: str


class ItemRatingCleared(EventBase):
    type: Literal["item_rating_cleared"] = "item_rating_cleared"
    item_id: str
    dimension: str


class AssessmentRecorded(EventBase):
    """The assessment text of an item (the seed's "⇒ …"); the latest one stands."""

    type: Literal["assessment_recorded"] = "assessment_recorded"
    item_id: str
    text: str


class EvidenceRecorded(EventBase):
    type: Literal["evidence_recorded"] = "evidence_recorded"
    item_id: str
    text: str


class ReviewFinished(EventBase):
    type: Literal["review_finished"] = "review_finished"


class ReviewReopened(EventBase):
    """Correction: a finished review is open for changes again."""

    type: Literal["review_reopened"] = "review_reopened"


class FollowUpUpdated(EventBase):
    """A change to a follow-up item, kept in the follow-ups journal; unset fields stay as they were."""

    type: Literal["followup_updated"] = "followup_updated"
    followup_id: str  # "<record id>/<problem id>"
    status: FollowUpStatus | None = None
    priority: Priority | None = None
    category: Capability | None = None
    owner_organisation: str | None = None
    owner_person: str | None = None
    start: date | None = None
    due: date | None = None
    corrective_action: str | None = None
    closure_evidence: str | None = None
    main_issue: str | None = None
    issue_order: int | None = Field(None, ge=1)  # its main issue's place in the section-4 list
    # Set when an item was closed as done on purpose without any closure evidence.
    closed_without_evidence: bool = False
    comment: str = ""


Event = Annotated[
    Union[
        DrillStarted, ClockPaused, ClockResumed, ClockAdvanced, StepCompleted, DecisionMade, StepNotDone,
        SystemStateRecorded, ValueRecorded, DeputyActed, StepOccurrenceDone,
        StepReopened, CheckToggled, NoteAdded, NoteRetracted, ProblemRaised, InjectDelivered,
        ObjectiveRated, HotwashRecorded, ObservationRecorded, DrillEnded, ConsoleJoined, ConflictSettled,
        ReviewStarted, ItemRated, ItemRatingCleared, AssessmentRecorded,
        EvidenceRecorded, ReviewFinished, ReviewReopened, FollowUpUpdated,
    ],
    Field(discriminator="type"),
]

# Each model and adapter is built when first used (defer_build), not on import: a screen that
# only names an event type (the set-up screens) pays nothing for the others.
EVENT_ADAPTER: TypeAdapter = TypeAdapter(Event, config=ConfigDict(defer_build=True))
# A whole journal in one call.
EVENT_LIST_ADAPTER: TypeAdapter = TypeAdapter(list[Event], config=ConfigDict(defer_build=True))
