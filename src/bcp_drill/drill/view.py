"""The one read model of a drill: every derived fact a screen, plain mode or a report shows.

The TUI, plain mode and the report builders call this module; none of them counts steps,
rates objectives or decides what a correction hides on its own. It holds facts only: their
words (with a Translator) are drill/wording.py's.

The counting rules it applies are stated once, for people, in docs/drills.md ("How a drill is
counted"); the on-time rule printed under every figures table is the catalog's
`figures.on_time_rule`. The tests in tests/drill hold this module to them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from bcp_drill.content.models import (
    CheckItem,
    DecisionOption,
    Inject,
    Phase,
    Step,
    System,
    ValueSpec,
)
from bcp_drill.drill.counts import DrillSummary, StepCounts, StepStatus, format_elapsed, format_minutes
from bcp_drill.drill.ratings import RATING_ORDER
from bcp_drill.drill.state import DrillState, Note, StepRecord
from bcp_drill.records import events as ev
from bcp_drill.records.values import RECOVERED_STATES


def summarize(state: DrillState, now: datetime) -> DrillSummary:
    overall = StepCounts()
    per_phase = {p.id: StepCounts() for p in state.scenario.phases}
    elapsed = state.elapsed_seconds(now)
    for record in state.steps.values():
        status = state.step_status(record, elapsed)
        timed = state.deadline_seconds(record.step) is not None
        overall.add(status, record.rating, timed)
        per_phase[record.step.phase].add(status, record.rating, timed)
    return DrillSummary(
        overall=overall, phases=list(per_phase.items()), elapsed_seconds=elapsed,
        injects_delivered=len(state.delivered), injects_total=len(state.scenario.injects),
        problems=len(state.problems))


# ---------------------------------------------------------------- one step


@dataclass(frozen=True)
class StepView:
    """One step as every screen and report shows it."""

    step: Step
    record: StepRecord
    status: StepStatus
    deadline_seconds: int | None = None  # the target as drill time, when it has one
    late_seconds: int = 0
    phase: Phase | None = None  # the step's phase (its target counts from its start when an event starts it)
    done_checks: frozenset[int] = frozenset()  # ticked or measured (DrillState.checks_done)

    @property
    def counts_from_phase(self) -> bool:
        """Whether target_minutes counts from the start of a phase that starts at an event."""
        return self.phase is not None and self.phase.starts_after is not None

    @property
    def rating(self) -> str:
        return self.record.rating or ""

    @property
    def target_short(self) -> str:
        """The target in a narrow column: "0:45" (T+), "+0:30" (after what it waits for), "-" (none)."""
        if self.step.target_minutes is not None:
            return ("+" if self.counts_from_phase else "") + format_minutes(self.step.target_minutes)
        if self.step.target_after_minutes is not None:
            return "+" + format_minutes(self.step.target_after_minutes)
        return "-"

    @property
    def actual_text(self) -> str:
        """When the outcome was recorded (done, U, not done or skipped), as T+."""
        seconds = self.record.elapsed_seconds
        return "" if seconds is None else f"T+{format_elapsed(seconds)}"

    @property
    def late_minutes(self) -> int | None:
        """Whole minutes past the target (rounded up) for a step done; None otherwise."""
        if not self.status.done:
            return None
        return (self.late_seconds + 59) // 60

    @property
    def checks_done(self) -> int:
        return len(self.done_checks)

    @property
    def reason(self) -> str:
        return self.record.reason


@dataclass(frozen=True)
class DecisionResult:
    """A decision step as a report shows it: what was chosen, by whom, when, how long it took."""

    step: Step
    option: DecisionOption | None  # None when no option was chosen
    decided_by: str
    recorded_by: str
    decided_at_seconds: int | None
    possible_since_seconds: int | None  # from when it could be decided
    status: StepStatus
    rating: str

    @property
    def took_seconds(self) -> int | None:
        """Time taken to decide, from when the decision became possible."""
        if self.decided_at_seconds is None or self.possible_since_seconds is None:
            return None
        return max(0, self.decided_at_seconds - self.possible_since_seconds)


def decision_results(view: "DrillView") -> list[DecisionResult]:
    results = []
    for step in view.state.scenario.steps:
        if not step.is_decision:
            continue
        shown = view.step(step.id)
        made = shown.record.decision
        option = step.option(made.option_id) if made else None
        results.append(DecisionResult(
            step, option, made.decided_by if made else "",
            made.by if made else "", made.elapsed_seconds if made else None,
            view.state.possible_since(step), shown.status, shown.rating))
    return results


# ---------------------------------------------------------------- measured values


@dataclass(frozen=True)
class ValueView:
    """A check item that takes a value, with the value recorded for it (if any)."""

    step: Step
    index: int  # of the check in the step, from 0
    check: CheckItem
    recorded: ev.ValueRecorded | None

    @property
    def spec(self) -> ValueSpec:
        assert self.check.value is not None
        return self.check.value

    @property
    def flag(self) -> str:
        """"below" or "above" its threshold, else ""."""
        number = self.recorded.number if self.recorded else None
        if number is None:
            return ""
        if self.spec.min is not None and number < self.spec.min:
            return "below"
        if self.spec.max is not None and number > self.spec.max:
            return "above"
        return ""


def value_views(state: DrillState, step: Step) -> list[ValueView]:
    return [ValueView(step, index, check, state.values.get((step.id, index)))
            for index, check in enumerate(step.checks) if check.value is not None]


# ---------------------------------------------------------------- repeated steps

# Where an occurrence of a repeated step stands (the marks are plain ASCII, as the steps' are).
OCCURRENCE_MARKS = {"done": "[v]", "late": "[L]", "unable": "[U]", "due": "[*]", "missed": "[!]", "upcoming": "[ ]"}
_MAX_OCCURRENCES = 2000  # every minute for 14 days is 20,160: a list that long helps nobody


@dataclass(frozen=True)
class OccurrenceView:
    """One occurrence of a repeated step: when it was due, and what was recorded for it.

    Rules (docs/drills.md, "How a drill is counted"): done by its due time is on time ("done"),
    after it "late", rated U "unable"; not recorded it is "upcoming" before its time, "due" from
    its time until the next one falls due, then "missed" (and "missed" once the drill has ended)."""

    step: Step
    number: int  # from 1
    due_seconds: int
    recorded: ev.StepOccurrenceDone | None
    status: str  # done, late, unable, due, missed, upcoming

    @property
    def mark(self) -> str:
        return OCCURRENCE_MARKS[self.status]


def _occurrence_status(state: DrillState, step: Step, due: int, recorded: ev.StepOccurrenceDone | None,
                       elapsed: int) -> str:
    if recorded is not None:
        if recorded.rating == "U":
            return "unable"
        return "done" if recorded.elapsed_seconds <= due else "late"
    if state.ended is None and elapsed < due:
        return "upcoming"
    assert step.repeat is not None
    if state.ended is not None or elapsed >= due + step.repeat.every_minutes * 60:
        return "missed"
    return "due"


def occurrence_views(state: DrillState, step: Step, elapsed: int) -> list[OccurrenceView]:
    """The occurrences of a repeated step that are due by now (by the end, once it has ended),
    while it runs the next one too, and any recorded beyond them; [] for a step not repeated,
    not applicable, or whose first due time is not known yet."""
    if step.repeat is None or not state.applies(step):
        return []
    recorded = state.occurrences.get(step.id, {})
    record = state.steps.get(step.id)
    closed_at = record.elapsed_seconds if record and record.outcome is not None else None
    shown: list[OccurrenceView] = []
    number = 1
    while number <= _MAX_OCCURRENCES and (due := state.occurrence_due_seconds(step, number)) is not None:
        later = state.ended is not None or bool(shown and shown[-1].status == "upcoming")
        closed = closed_at is not None and due > closed_at  # its outcome closes the step: none falls due after
        if number not in recorded and ((due > elapsed and later) or closed):
            break
        shown.append(OccurrenceView(step, number, due, recorded.get(number),
                                    _occurrence_status(state, step, due, recorded.get(number), elapsed)))
        number += 1
    return shown


@dataclass(frozen=True)
class RepeatCount:
    """How a repeated step's occurrences went: due so far, and of them on time, late, not done."""

    step: Step
    occurrences: list[OccurrenceView]

    @property
    def due(self) -> int:
        """Occurrences whose time has come (the upcoming one is not counted)."""
        return sum(1 for o in self.occurrences if o.status != "upcoming")

    def count(self, status: str) -> int:
        return sum(1 for o in self.occurrences if o.status == status)


def repeat_counts(state: DrillState, elapsed: int) -> list[RepeatCount]:
    """Every repeated step that applies, with its occurrences (scenario order)."""
    return [RepeatCount(step, occurrence_views(state, step, elapsed))
            for step in state.scenario.steps if step.repeat is not None and state.applies(step)]


# ---------------------------------------------------------------- injects and responses


@dataclass(frozen=True)
class InjectResponse:
    """An inject of the scenario: when planned and given, what was expected, what followed."""

    inject: Inject
    given_at: int | None  # drill seconds; None: not given
    manual: bool
    # each step it sets off, and seconds from the inject to its outcome
    responses: tuple[tuple[StepView, int | None], ...]


def inject_responses(view: "DrillView") -> list[InjectResponse]:
    state = view.state
    found = []
    for inject in state.scenario.injects:
        if not state.applies(inject):
            continue
        delivered = state.delivered.get(inject.id)
        given = delivered.elapsed_seconds if delivered else None
        responses = []
        for step_id in inject.steps:
            if step_id not in state.steps:
                continue
            shown = view.step(step_id)
            at = shown.record.elapsed_seconds
            responses.append((shown, at - given if at is not None and given is not None else None))
        found.append(InjectResponse(inject, given, bool(delivered and delivered.manual), tuple(responses)))
    return found


# ---------------------------------------------------------------- systems

# ASCII marks, so a state never rests on colour (or on an ambiguous-width character).
SYSTEM_MARKS = {"unknown": "[?]", "down": "[X]", "degraded": "[~]", "alternate": "[A]", "restored": "[R]"}


@dataclass(frozen=True)
class SystemView:
    """One system at one moment: its state, its states over time and its recovery target.

    Rules: the service counts as recovered from the start of its last unbroken run of
    "alternate" or "restored"; the RTO (from T+0) is met when that start is within it,
    missed when it is later or when the RTO has passed unrecovered, open before that, and
    "not recorded" when no state was ever recorded for the system.
    """

    system: System
    state: str
    history: tuple[ev.SystemStateRecorded, ...]
    recovered_at: int | None
    rto_status: str  # met, missed, open, not_recorded
    remaining_seconds: int | None  # until the RTO, while open

    @property
    def mark(self) -> str:
        return SYSTEM_MARKS[self.state]


def system_view(state: DrillState, system: System, elapsed: int) -> SystemView:
    history = tuple(state.systems.get(system.id, ()))
    current = history[-1].state if history else "unknown"
    recovered_at = None
    for event in reversed(history):
        if event.state not in RECOVERED_STATES:
            break
        recovered_at = event.elapsed_seconds
    rto = system.rto_minutes * 60
    remaining = None
    if recovered_at is not None:
        status = "met" if recovered_at <= rto else "missed"
    elif elapsed > rto:
        status = "missed" if history else "not_recorded"
    elif not history and state.ended is not None:
        status = "not_recorded"
    else:
        status, remaining = "open", rto - elapsed
    return SystemView(system, current, history, recovered_at, status, remaining)


def in_recovery_order(systems: Sequence[System]) -> list[System]:
    """Systems as the plan restores them: those with a recovery order (復旧順位) by it, first;
    the others by recovery priority (A first), as listed within one."""
    return sorted(systems, key=lambda s: (s.recovery_order is None, s.recovery_order or 0, s.priority))


def system_views(state: DrillState, elapsed: int) -> list[SystemView]:
    """Every system of the scenario, in recovery order (see `in_recovery_order`)."""
    return [system_view(state, system, elapsed) for system in in_recovery_order(state.scenario.systems)]


# ---------------------------------------------------------------- objectives


@dataclass(frozen=True)
class Contribution:
    """What one step adds to its objective's rating, and why."""

    step_id: str
    rating: str | None  # None: the step does not count (skipped, or still open)
    basis: str  # rated, not_done, not_performed, skipped, open


@dataclass(frozen=True)
class ObjectiveResult:
    objective_id: str
    rating: str  # what stands: the override if any, else the derived rating; "-" if none
    derived: str  # the lowest rating among its counting steps, "-" if none
    decided_by: Contribution | None  # the first step that gave the derived rating
    contributions: list[Contribution]
    override: ev.ObjectiveRated | None
    provisional: bool  # some of its steps are still open in a drill that has not ended


def _contribution(state: DrillState, record: StepRecord, ended: bool) -> Contribution:
    step_id = record.step.id
    if not state.applies(record.step):
        return Contribution(step_id, None, "not_applicable")
    if record.outcome == "done":
        return Contribution(step_id, record.rating, "rated")
    if record.outcome == "not_done":
        return Contribution(step_id, "U", "not_done")
    if record.outcome == "skipped":
        return Contribution(step_id, None, "skipped")
    return Contribution(step_id, "U", "not_performed") if ended else Contribution(step_id, None, "open")


def objective_results(state: DrillState) -> list[ObjectiveResult]:
    """Every objective of the scenario with its rating and the step that decided it."""
    ended = state.ended is not None
    results = []
    for objective in state.scenario.objectives:
        contributions = [_contribution(state, state.steps[s.id], ended) for s in state.scenario.steps
                         if objective.id in s.objectives]
        counting = [c for c in contributions if c.rating is not None]
        decided = max(counting, key=lambda c: RATING_ORDER[c.rating or "P"]) if counting else None
        derived = decided.rating if decided and decided.rating else "-"
        override = state.objective_overrides.get(objective.id)
        results.append(ObjectiveResult(
            objective.id, override.rating if override and override.rating else derived, derived, decided,
            contributions, override, provisional=any(c.basis == "open" for c in contributions)))
    return results


# ---------------------------------------------------------------- the drill


class DrillView:
    """The drill at one moment: steps with their status, figures, objectives, notes."""

    def __init__(self, state: DrillState, now: datetime) -> None:
        self.state = state
        self.now = now
        self.elapsed = state.elapsed_seconds(now)

    def step(self, step_id: str) -> StepView:
        state = self.state
        record = state.steps[step_id]
        return StepView(record.step, record, state.step_status(record, self.elapsed),
                        state.deadline_seconds(record.step), state.late_by_seconds(record),
                        state.scenario.phase(record.step.phase), state.checks_done(step_id))

    @cached_property
    def steps(self) -> list[StepView]:
        return [self.step(s.id) for s in self.state.scenario.steps]

    @cached_property
    def figures(self) -> DrillSummary:
        return summarize(self.state, self.now)

    @cached_property
    def systems(self) -> list[SystemView]:
        return system_views(self.state, self.elapsed)

    @cached_property
    def objectives(self) -> list[ObjectiveResult]:
        return objective_results(self.state)

    @property
    def open_steps(self) -> list[str]:
        """Steps with no outcome yet (what ending the drill now would leave undone)."""
        return [v.step.id for v in self.steps if not v.status.finished]

    @property
    def system_counts(self) -> dict[str, int]:
        """Systems down (or degraded), on an alternate, restored, and those that missed their RTO."""
        states = [s.state for s in self.systems]
        return {"down": states.count("down") + states.count("degraded"), "alternate": states.count("alternate"),
                "restored": states.count("restored"),
                "missed": sum(1 for s in self.systems if s.rto_status == "missed")}

    def count(self, status: StepStatus) -> int:
        return sum(1 for v in self.steps if v.status == status)

    def notes(self, step_id: str | None) -> list[Note]:
        return self.state.notes_for(step_id)


# ---------------------------------------------------------------- the timeline

# The kind of timeline entry each type of event makes; an event of any other type makes none.
TIMELINE_KINDS: dict[type[ev.EventBase], str] = {
    ev.InjectDelivered: "inject", ev.DecisionMade: "decision", ev.StepCompleted: "step",
    ev.StepNotDone: "not_done", ev.StepReopened: "reopen", ev.NoteAdded: "note", ev.NoteRetracted: "note_withdrawn",
    ev.DeputyActed: "deputy", ev.ValueRecorded: "value", ev.SystemStateRecorded: "system",
    ev.StepOccurrenceDone: "occurrence",
    ev.ProblemRaised: "problem", ev.ObjectiveRated: "objective", ev.ConsoleJoined: "console",
    ev.ConflictSettled: "settled", ev.ObservationRecorded: "observation", ev.ClockPaused: "pause",
    ev.ClockResumed: "resume", ev.ClockAdvanced: "advance", ev.DrillEnded: "end",
}

_OUTCOMES = (ev.StepCompleted, ev.DecisionMade, ev.StepNotDone)

EventKey = tuple[str | None, int]  # (console, seq): an event of any journal of the drill


@dataclass(frozen=True)
class TimelineEntry:
    """One event on the drill's timeline: what happened, when on the drill clock, and whether it stands."""

    kind: str  # its event's TIMELINE_KINDS
    event: ev.EventBase  # what happened, with the values that describe it
    elapsed_seconds: int
    # The later event that withdrew it (a note) or replaced it (an outcome): shown struck through, never as valid.
    corrected_by: ev.EventBase | None = None
    in_conflict: bool = False  # an outcome another console contradicts, not yet settled by the lead

    @property
    def struck(self) -> bool:
        return self.corrected_by is not None

    @property
    def at(self) -> datetime:
        return self.event.at

    @property
    def by(self) -> str:
        return self.event.by

    @property
    def seq(self) -> int:
        return self.event.seq

    @property
    def console(self) -> str | None:
        """The team console that recorded it (None: the drill's first journal)."""
        return self.event.console

    @property
    def ref(self) -> str:
        """The event's number as printed: its seq, or console:seq for a team console's event."""
        return f"{self.console}:{self.seq}" if self.console else str(self.seq)


def _replaced_outcomes(state: DrillState, events: list) -> tuple[dict[EventKey, ev.EventBase], set[EventKey]]:
    """Outcome events → the event that replaced them, and the outcomes consoles still disagree on.

    An outcome is replaced by a reopening, a later outcome from the same console, or the lead's
    settlement of a conflict between consoles."""
    later_outcome: dict[EventKey, ev.EventBase] = {}
    current: dict[str, list[EventKey]] = {}
    for event in events:
        if isinstance(event, (*_OUTCOMES, ev.StepReopened)):
            standing = current.setdefault(event.step_id, [])
            replaced = (standing if isinstance(event, ev.StepReopened)
                        else [k for k in standing if k[0] == event.console])
            for replaced_key in replaced:
                later_outcome[replaced_key] = event
            current[event.step_id] = [k for k in standing if k not in replaced]
            if not isinstance(event, ev.StepReopened):
                current[event.step_id].append((event.console, event.seq))
    unsettled: set[EventKey] = set()
    for conflict in state.conflicts:
        keys = [(o.console, o.seq) for o in conflict.outcomes]
        if conflict.settled is None:
            unsettled.update(keys)
        elif conflict.settled.chosen_seq:  # settled by choosing one: the others are replaced by it
            chosen = (conflict.settled.chosen_console, conflict.settled.chosen_seq)
            for outcome in keys:
                if outcome != chosen:
                    later_outcome.setdefault(outcome, conflict.settled)
    return later_outcome, unsettled


def timeline(state: DrillState, events: list) -> list[TimelineEntry]:
    """Every event of the drill in order, with corrected outcomes and withdrawn notes marked."""
    later_outcome, unsettled = _replaced_outcomes(state, events)
    replay = DrillState.from_events(state.scenario, [])  # replayed alongside, for the clock at each event
    entries: list[TimelineEntry] = []
    for event in events:
        replay.apply(event)
        kind = TIMELINE_KINDS.get(type(event))
        if kind is None or (isinstance(event, ev.InjectDelivered) and state.scenario.inject(event.inject_id) is None):
            continue
        key = (event.console, event.seq)
        corrected_by: ev.EventBase | None = None
        if isinstance(event, ev.NoteAdded):
            note = state.note(event.seq, event.console)
            corrected_by = note.withdrawn if note is not None else None
        elif isinstance(event, _OUTCOMES):
            corrected_by = later_outcome.get(key)
        elapsed = getattr(event, "elapsed_seconds", None)  # None: not recorded, or the event has no clock
        entries.append(TimelineEntry(kind, event, replay.elapsed_seconds(event.at) if elapsed is None else elapsed,
                                     corrected_by, in_conflict=corrected_by is None and key in unsettled))
    return entries
