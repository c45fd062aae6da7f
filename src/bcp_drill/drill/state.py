"""Drill state rebuilt from journal events; the TUI, plain mode and reports all read it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable, Iterable

from bcp_drill.content.models import (
    DecisionOption,
    Inject,
    Phase,
    Scenario,
    Step,
    applies_under,
    clock_minutes,
)
from bcp_drill.drill.counts import StepStatus
from bcp_drill.records import events as ev
from bcp_drill.wallclock import local

DUE_SOON_SECONDS = 5 * 60


@dataclass
class Note:
    seq: int
    text: str
    by: str
    at: datetime
    elapsed_seconds: int
    step_id: str | None
    withdrawn: ev.NoteRetracted | None = None  # the correction that withdrew it, kept for the record
    console: str | None = None  # the team console whose journal holds it (seq is that journal's)

    @property
    def key(self) -> str:
        """How a person names it: "12", or "player-1a2b3c4d:12" for a team console's note."""
        return f"{self.console}:{self.seq}" if self.console else str(self.seq)


@dataclass
class StepRecord:
    """What has been recorded for one step (the latest outcome wins; corrections are events)."""

    step: Step
    outcome: str | None = None  # "done", "not_done", "skipped"
    rating: str | None = None
    elapsed_seconds: int | None = None
    reason: str = ""
    checks: set[int] = field(default_factory=set)
    outcome_event: Any = None  # the event whose outcome stands

    @property
    def decision(self) -> ev.DecisionMade | None:
        """For a decision step: the choice that stands."""
        return self.outcome_event if isinstance(self.outcome_event, ev.DecisionMade) else None


@dataclass
class Conflict:
    """Two team consoles recorded an outcome for one step, each before seeing the other's: both
    are kept; the first (in the merged order) stands until the lead settles it."""

    step_id: str
    outcomes: list[Any]  # every outcome recorded, in the merged order
    settled: ev.ConflictSettled | None = None


@dataclass
class DeliveredInject:
    inject: Inject
    elapsed_seconds: int
    manual: bool
    at: datetime


@dataclass
class DrillState:
    """Everything known about one drill after applying its events in order."""

    scenario: Scenario
    started: ev.DrillStarted | None = None
    steps: dict[str, StepRecord] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)
    problems: list[ev.ProblemRaised] = field(default_factory=list)
    delivered: dict[str, DeliveredInject] = field(default_factory=dict)
    objective_overrides: dict[str, ev.ObjectiveRated] = field(default_factory=dict)
    systems: dict[str, list[ev.SystemStateRecorded]] = field(default_factory=dict)  # each system's states, in order
    values: dict[tuple[str, int], ev.ValueRecorded] = field(default_factory=dict)  # (step, check) → the latest
    deputies: dict[str, list[ev.DeputyActed]] = field(default_factory=dict)  # step → deputies who acted
    occurrences: dict[str, dict[int, ev.StepOccurrenceDone]] = field(default_factory=dict)  # step → n → latest
    hotwash: ev.HotwashRecorded | None = None
    observations: list[ev.ObservationRecorded] = field(default_factory=list)
    consoles: dict[str, ev.ConsoleJoined] = field(default_factory=dict)  # team drills: who joined, as what
    conflicts: list[Conflict] = field(default_factory=list)
    ended: ev.DrillEnded | None = None
    # clock: seconds accumulated while running, and since when it runs (None = paused)
    clock_base_seconds: int = 0
    running_since: datetime | None = None
    last_seq: int = 0
    first_journal_seq: int = 0  # the last seq applied from the drill's first journal
    console_heads: dict[str, int] = field(default_factory=dict)  # team drills: per console, the same
    _conditions: dict[str, str] | None = field(default=None, repr=False, compare=False)
    _gating: set[str] = field(default_factory=set, repr=False, compare=False)  # value gates being worked out

    @property
    def conditions(self) -> dict[str, str]:
        """The value of each condition in this drill: as recorded at the start, else as fixed."""
        if self._conditions is None:  # asked for every step on every redraw: worked out once
            values = {c.id: c.fixed for c in self.scenario.conditions if c.fixed is not None}
            if self.started is not None:
                values.update(self.started.conditions)
            self._conditions = values
        return self._conditions

    def applies(self, item: Step | Inject) -> bool:
        """Whether a step or inject applies in this drill: under its conditions and, for a
        step that a decision enables or skips, under the option chosen (a step whose decision
        is still open applies for now: it is shown waiting)."""
        if item.when and not applies_under(item.when, self.conditions):
            return False
        if isinstance(item, Step):
            for decision_step in self.scenario.deciding(item.id):
                settled, chosen = self.chosen_option(decision_step)
                if not settled:
                    continue
                enabling = [o for o in decision_step.options if item.id in o.enables]
                if enabling and (chosen is None or chosen not in enabling):
                    return False
                if chosen is not None and item.id in chosen.skips:
                    return False
            if item.applies_if is not None and self.value_gate(item) is False:
                return False
        return True

    def checks_done(self, step_id: str) -> frozenset[int]:
        """The checks of STEP_ID done: ticked, or measured (a value recorded for the check)."""
        return frozenset(self.steps[step_id].checks) | {index for step, index in self.values if step == step_id}

    def gate_value(self, step: Step) -> ev.ValueRecorded | None:
        """For a step with `applies_if`: the value it hangs on, as recorded (None: not yet)."""
        gate = step.applies_if
        return None if gate is None else self.values.get((gate.step, gate.check - 1))

    def value_flagged(self, step: Step) -> bool | None:
        """Whether the value a step with `applies_if` hangs on is outside its threshold; None
        while it is not recorded (or the check it names takes no value)."""
        gate, recorded = step.applies_if, self.gate_value(step)
        measured = self.scenario.step(gate.step) if gate else None
        if gate is None or recorded is None or recorded.number is None or measured is None \
                or gate.check > len(measured.checks) or measured.checks[gate.check - 1].value is None:
            return None
        spec = measured.checks[gate.check - 1].value
        assert spec is not None
        return ((spec.min is not None and recorded.number < spec.min)
                or (spec.max is not None and recorded.number > spec.max))

    def value_gate(self, step: Step) -> bool | None:
        """A step with `applies_if`: True when the value recorded makes it apply, False when it
        rules it out, None while the value is not recorded (the step applies for now, waiting).
        A value never to be measured (its step does not apply in this drill) rules it out."""
        gate = step.applies_if
        if gate is None:
            return True
        flagged = self.value_flagged(step)
        if flagged is None:
            measured = self.scenario.step(gate.step)
            if measured is not None and measured.id not in self._gating:
                self._gating.add(step.id)  # a loop of gates (refused by validate) cannot recurse for ever
                try:
                    if not self.applies(measured):
                        return False
                finally:
                    self._gating.discard(step.id)
            return None
        return flagged == gate.outside

    def ruled_out_by_value(self, step_id: str, index: int, number: float | None) -> list[StepRecord]:
        """The steps holding an outcome that a value NUMBER for check INDEX of STEP_ID would
        rule out (what `record_value` refuses to set aside without a word)."""
        key = (step_id, index)
        standing = [r for r in self.steps.values() if r.outcome is not None and self.applies(r.step)]
        kept = self.values.get(key)
        self.values[key] = ev.ValueRecorded.model_construct(step_id=step_id, check_index=index, text="-",
                                                             number=number, elapsed_seconds=0)
        try:
            return [r for r in standing if not self.applies(r.step)]
        finally:
            if kept is None:
                del self.values[key]
            else:
                self.values[key] = kept

    def chosen_option(self, decision_step: Step) -> tuple[bool, DecisionOption | None]:
        """(settled, option) for a decision step: the option that stands; no option when the
        step ended without one (not done, skipped, not applicable); not settled while open."""
        record = self.steps.get(decision_step.id)
        if record is None:
            return True, None
        if record.decision is not None:
            return True, decision_step.option(record.decision.option_id)
        if record.outcome is not None or not self.applies(decision_step):
            return True, None
        return False, None

    def possible_since(self, step: Step) -> int | None:
        """Drill time (s) from which STEP could start: when the last step it waits for got an
        outcome, the last inject it waits for was given and the decision that enables it was
        made; 0 when it waits for nothing; None while it is still waiting. What does not apply
        in this drill is not waited for."""
        since = 0
        if step.applies_if is not None:  # waits for the value it hangs on, like a decision enabling it
            recorded = self.gate_value(step)
            if recorded is None or self.value_flagged(step) is None:
                return None
            since = recorded.elapsed_seconds
        for decision_step in self.scenario.enabling(step.id):  # (one a decision can only skip goes ahead)
            if not self.chosen_option(decision_step)[0]:
                return None
            decided = self.steps[decision_step.id].elapsed_seconds
            if decided is not None:
                since = max(since, decided)
        for other_id in step.after:
            other = self.steps.get(other_id)
            if other is None or not self.applies(other.step):
                continue
            if other.outcome is None:
                return None
            if other.elapsed_seconds is None:  # given up with no time recorded: not waited for
                continue
            since = max(since, other.elapsed_seconds)
        for inject_id in step.after_injects:
            inject = self.scenario.inject(inject_id)
            if inject is None or not self.applies(inject):
                continue
            delivered = self.delivered.get(inject_id)
            if delivered is None:
                return None
            since = max(since, delivered.elapsed_seconds)
        phase = self.scenario.phase(step.phase)
        if phase is not None and phase.starts_after is not None:  # the phase's event: an implicit `after`
            waiting, began = self._phase_wait(phase)
            if waiting:
                return None
            since = max(since, began or 0)
        return since

    def deadline_seconds(self, step: Step, first_occurrence: bool = False) -> int | None:
        """The step's target as drill time: absolute, or relative to when it became possible;
        None when it has none (or its relative target cannot be known yet). A repeated step has
        none of its own (each occurrence is due in turn) unless FIRST_OCCURRENCE asks for it."""
        if step.repeat is not None and not first_occurrence:
            return None
        if step.target_minutes is not None:
            phase = self.scenario.phase(step.phase)
            if phase is not None and phase.starts_after is not None:  # counted from the phase's start
                began = self.phase_start_seconds(phase)
                return None if began is None else began + step.target_minutes * 60
            return step.target_minutes * 60
        if step.target_after_minutes is not None:
            since = self.possible_since(step)
            return None if since is None else since + step.target_after_minutes * 60
        return None

    def step_status(self, record: StepRecord, now_seconds: int) -> StepStatus:
        if not self.applies(record.step):
            return StepStatus.NOT_APPLICABLE
        if record.outcome == "done":
            assert record.elapsed_seconds is not None
            if record.rating == "U":
                return StepStatus.UNABLE
            deadline = self.deadline_seconds(record.step)
            if deadline is None:
                return StepStatus.DONE_NO_TARGET
            return StepStatus.DONE_ON_TIME if record.elapsed_seconds <= deadline else StepStatus.DONE_LATE
        if record.outcome == "not_done":
            return StepStatus.NOT_DONE
        if record.outcome == "skipped":
            return StepStatus.SKIPPED
        if self.ended is not None:
            return StepStatus.NO_OUTCOME
        if self.possible_since(record.step) is None:
            return StepStatus.WAITING
        deadline = self.deadline_seconds(record.step)
        if deadline is None:
            return StepStatus.UPCOMING
        if now_seconds > deadline:
            return StepStatus.OVERDUE
        if now_seconds >= deadline - DUE_SOON_SECONDS:
            return StepStatus.DUE
        return StepStatus.UPCOMING

    def occurrence_due_seconds(self, step: Step, occurrence: int) -> int | None:
        """When occurrence N (from 1) of a repeated step is due: its target + (N - 1) x every;
        None when it is not repeated, its target is not known yet, or N falls after `until_minutes`."""
        first = self.deadline_seconds(step, first_occurrence=True) if step.repeat else None
        if step.repeat is None or first is None:
            return None
        due = first + (occurrence - 1) * step.repeat.every_minutes * 60
        until = step.repeat.until_minutes
        return None if until is not None and due > until * 60 else due

    def late_by_seconds(self, record: StepRecord) -> int:
        if record.outcome != "done" or record.rating == "U" or record.elapsed_seconds is None:
            return 0
        deadline = self.deadline_seconds(record.step)
        return 0 if deadline is None else max(0, record.elapsed_seconds - deadline)

    @classmethod
    def from_events(cls, scenario: Scenario, events: Iterable[ev.EventBase]) -> "DrillState":
        state = cls(scenario=scenario, steps={s.id: StepRecord(s) for s in scenario.steps})
        for event in events:
            state.apply(event)
        return state

    # -- the clock -------------------------------------------------------------

    @property
    def paused(self) -> bool:
        return self.running_since is None

    def elapsed_seconds(self, now: datetime) -> int:
        """Drill time (T+) at wall-clock NOW, pauses excluded."""
        if self.ended is not None:
            return self.ended.elapsed_seconds
        running = (now - self.running_since).total_seconds() if self.running_since else 0
        return max(0, int(self.clock_base_seconds + max(0.0, running)))

    def scenario_time(self, now: datetime) -> datetime | None:
        """The moment in the scenario's world that drill time stands for (T0 + elapsed)."""
        if self.started is None:
            return None
        return self.started.t0 + timedelta(seconds=self.elapsed_seconds(now))

    # -- applying events -------------------------------------------------------

    def apply(self, event: ev.EventBase) -> None:
        # Replaying thousands of journals spends its time here: plain attribute reads and one
        # handler look-up per event.
        seq = event.seq
        if seq > self.last_seq:
            self.last_seq = seq
        console = event.console
        if console is None:
            self.first_journal_seq = seq
        elif seq > self.console_heads.get(console, 0):
            self.console_heads[console] = seq
        handler = _HANDLERS.get(type(event))
        if handler is not None:
            handler(self, event)

    def _started(self, event: ev.DrillStarted) -> None:
        self.started = event
        self._conditions = None
        self.running_since = event.at

    def _paused(self, event: ev.ClockPaused) -> None:
        if self.running_since is not None:
            self.clock_base_seconds = self.elapsed_seconds(event.at)
            self.running_since = None

    def _resumed(self, event: ev.ClockResumed) -> None:
        if self.running_since is None:
            self.running_since = event.at

    def _advanced(self, event: ev.ClockAdvanced) -> None:
        current = self.elapsed_seconds(event.at)
        self.clock_base_seconds = max(current, event.to_seconds)  # never backwards
        if self.running_since is not None:
            self.running_since = event.at

    def _conflicting(self, record: StepRecord, event: Any) -> bool:
        """True when EVENT is a second outcome for RECORD from another console (kept as a conflict)."""
        standing = record.outcome_event
        if record.outcome is None or standing is None or standing.console == event.console:
            return False
        open_conflict = self.conflict(record.step.id)
        if open_conflict is None:
            self.conflicts.append(Conflict(record.step.id, [standing, event]))
        else:
            open_conflict.outcomes.append(event)
        return True

    def conflict(self, step_id: str) -> Conflict | None:
        """The step's unsettled conflict, if any."""
        return next((c for c in self.conflicts if c.step_id == step_id and c.settled is None), None)

    def _set_outcome(self, record: StepRecord, event: Any) -> None:
        record.outcome_event = event
        if isinstance(event, ev.StepNotDone):
            record.outcome = "skipped" if event.skipped else "not_done"
            record.rating, record.reason = None, event.reason
        else:
            record.outcome, record.rating, record.reason = "done", event.rating, ""
        record.elapsed_seconds = event.elapsed_seconds

    def _completed(self, event: ev.StepCompleted | ev.DecisionMade) -> None:
        record = self.steps.get(event.step_id)
        if record and not self._conflicting(record, event):
            self._set_outcome(record, event)

    def _not_done(self, event: ev.StepNotDone) -> None:
        record = self.steps.get(event.step_id)
        if record and not self._conflicting(record, event):
            self._set_outcome(record, event)

    def _reopened(self, event: ev.StepReopened) -> None:
        record = self.steps.get(event.step_id)
        if record:
            record.outcome = record.rating = record.elapsed_seconds = None
            record.reason = ""
            record.outcome_event = None
            conflict = self.conflict(event.step_id)
            if conflict is not None:  # reopened: none of the outcomes stands any more
                conflict.settled = ev.ConflictSettled(seq=event.seq, at=event.at, by=event.by, host=event.host,
                                                      console=event.console, step_id=event.step_id,
                                                      chosen_console=None, chosen_seq=0, reason="reopened")

    def _settled(self, event: ev.ConflictSettled) -> None:
        conflict = self.conflict(event.step_id)
        record = self.steps.get(event.step_id)
        if conflict is None or record is None:
            return
        chosen = next((o for o in conflict.outcomes
                       if o.console == event.chosen_console and o.seq == event.chosen_seq), None)
        if chosen is not None:
            conflict.settled = event
            self._set_outcome(record, chosen)

    def _joined(self, event: ev.ConsoleJoined) -> None:
        if event.console:
            self.consoles[event.console] = event

    def _check(self, event: ev.CheckToggled) -> None:
        record = self.steps.get(event.step_id)
        if record:
            (record.checks.add if event.checked else record.checks.discard)(event.check_index)

    def _note(self, event: ev.NoteAdded) -> None:
        self.notes.append(Note(event.seq, event.text, event.by, event.at, event.elapsed_seconds, event.step_id,
                               console=event.console))

    def _note_retracted(self, event: ev.NoteRetracted) -> None:
        for note in self.notes:
            if note.seq == event.note_seq and note.console == event.note_console and note.withdrawn is None:
                note.withdrawn = event

    def _objective(self, event: ev.ObjectiveRated) -> None:
        if event.rating is None:
            self.objective_overrides.pop(event.objective_id, None)
        else:
            self.objective_overrides[event.objective_id] = event

    def _problem(self, event: ev.ProblemRaised) -> None:
        self.problems.append(event)

    def _deputy(self, event: ev.DeputyActed) -> None:
        self.deputies.setdefault(event.step_id, []).append(event)

    def _value(self, event: ev.ValueRecorded) -> None:
        self.values[(event.step_id, event.check_index)] = event

    def _occurrence(self, event: ev.StepOccurrenceDone) -> None:
        self.occurrences.setdefault(event.step_id, {})[event.occurrence] = event

    def _system(self, event: ev.SystemStateRecorded) -> None:
        self.systems.setdefault(event.system_id, []).append(event)

    def _inject(self, event: ev.InjectDelivered) -> None:
        inject = self.scenario.inject(event.inject_id)
        if inject and inject.id not in self.delivered:
            self.delivered[inject.id] = DeliveredInject(inject, event.elapsed_seconds, event.manual, event.at)

    def _hotwash(self, event: ev.HotwashRecorded) -> None:
        self.hotwash = event

    def _observation(self, event: ev.ObservationRecorded) -> None:
        self.observations.append(event)

    def _ended(self, event: ev.DrillEnded) -> None:
        self.ended = event
        self.running_since = None
        self.clock_base_seconds = event.elapsed_seconds

    # -- questions the screens and reports ask ---------------------------------

    @property
    def heads(self) -> dict[str, int]:
        """How far each journal has been applied ("" the drill's first): a team event's `seen`."""
        return {"": self.first_journal_seq, **self.console_heads}

    def system_state(self, system_id: str) -> str:
        history = self.systems.get(system_id)
        return history[-1].state if history else "unknown"

    def status(self, step_id: str, now: datetime) -> StepStatus:
        return self.step_status(self.steps[step_id], self.elapsed_seconds(now))

    def injects_due(self, now: datetime) -> list[Inject]:
        """Injects that apply, whose time has come, and that have not been delivered yet."""
        elapsed = self.elapsed_seconds(now)
        return [i for i in self.pending_injects()
                if not i.contingency and (due := self.inject_due_seconds(i)) is not None and due <= elapsed]

    def inject_due_seconds(self, inject: Inject) -> int | None:
        """Drill time (s) an inject is planned at: its T+ minute, or its time of day counted from
        T0's; None when it has neither (a decision or the controller gives it) or before T0 is known.
        Every front end, the sheet and the report take an inject's time from here."""
        if inject.at_minutes is not None:
            return inject.at_minutes * 60
        if inject.at_time is None or self.started is None:
            return None
        return max(0, clock_due_seconds(inject.at_time, self.started.t0))

    # -- phases that start at an event -------------------------------------------

    def _phase_wait(self, phase: Phase) -> tuple[bool, int | None]:
        """(still waiting, drill seconds it began) for a phase that starts at an event. An event
        that will not happen in this drill (it does not apply, or its step ended with no time
        recorded) is not waited for, and gives the phase no start."""
        start = phase.starts_after
        if start is None:
            return False, None
        if start.inject is not None:
            inject = self.scenario.inject(start.inject)
            if inject is None or not self.applies(inject):
                return False, None
            given = self.delivered.get(inject.id)
            return (False, given.elapsed_seconds) if given else (True, None)
        record = self.steps.get(start.step or "")
        if record is None or not self.applies(record.step):
            return False, None
        return record.outcome is None, record.elapsed_seconds

    def phase_start_seconds(self, phase: Phase) -> int | None:
        """Drill time (s) a phase begins: its minute, or when the inject it starts after was given
        (the step it starts after got its outcome); None while that has not happened."""
        if phase.starts_after is None:
            return None if phase.at_minutes is None else phase.at_minutes * 60
        return self._phase_wait(phase)[1]

    def pending_injects(self) -> list[Inject]:
        """Injects not delivered yet that apply under this drill's conditions and that the
        clock or the controller gives (those a decision option gives come with the decision)."""
        return [i for i in self.scenario.injects
                if i.id not in self.delivered and self.applies(i) and not self.scenario.triggered(i.id)]

    def notes_for(self, step_id: str | None) -> list[Note]:
        """The notes that stand (withdrawn ones are left out) on a step, or on the drill (None)."""
        return [n for n in self.notes if n.step_id == step_id and n.withdrawn is None]

    def note(self, seq: int, console: str | None = None) -> Note | None:
        return next((n for n in self.notes if n.seq == seq and n.console == console), None)

    def problems_for(self, step_id: str) -> list[ev.ProblemRaised]:
        return [p for p in self.problems if p.source_ref == step_id]

    def next_phase_seconds(self, now: datetime) -> int | None:
        """Start of the next phase after the current drill time (for tabletop clock jumps)."""
        elapsed = self.elapsed_seconds(now)
        # (a phase that starts at an event has no time to jump to: the event starts it)
        later = [p.at_minutes * 60 for p in self.scenario.phases
                 if p.at_minutes is not None and p.at_minutes * 60 > elapsed]
        return min(later) if later else None




def clock_due_seconds(at_time: str, t0: datetime) -> int:
    """Drill seconds from T0 (on the wall clock, as set-up takes it) to AT_TIME of T0's day;
    negative when AT_TIME is earlier than T0."""
    wall = local(t0)
    return clock_minutes(at_time) * 60 - (wall.hour * 3600 + wall.minute * 60 + wall.second)


def injects_before_t0(scenario: Scenario, t0: datetime, conditions: dict[str, str]) -> list[Inject]:
    """The injects that apply under CONDITIONS whose time of day comes before T0's minute: a
    drill starting at T0 could never give them (the next day is not guessed)."""
    wall = local(t0)
    return [i for i in scenario.injects
            if i.at_time is not None and applies_under(i.when, conditions)
            and clock_minutes(i.at_time) < wall.hour * 60 + wall.minute]


# Event type → how it changes the state (types not listed, e.g. review events, change nothing).
_HANDLERS: dict[type, Callable[[DrillState, Any], None]] = {
    ev.DrillStarted: DrillState._started,
    ev.ClockPaused: DrillState._paused,
    ev.ClockResumed: DrillState._resumed,
    ev.ClockAdvanced: DrillState._advanced,
    ev.StepCompleted: DrillState._completed,
    ev.DecisionMade: DrillState._completed,
    ev.StepNotDone: DrillState._not_done,
    ev.StepReopened: DrillState._reopened,
    ev.CheckToggled: DrillState._check,
    ev.NoteAdded: DrillState._note,
    ev.NoteRetracted: DrillState._note_retracted,
    ev.ObjectiveRated: DrillState._objective,
    ev.ProblemRaised: DrillState._problem,
    ev.DeputyActed: DrillState._deputy,
    ev.ValueRecorded: DrillState._value,
    ev.StepOccurrenceDone: DrillState._occurrence,
    ev.SystemStateRecorded: DrillState._system,
    ev.InjectDelivered: DrillState._inject,
    ev.HotwashRecorded: DrillState._hotwash,
    ev.ObservationRecorded: DrillState._observation,
    ev.DrillEnded: DrillState._ended,
    ev.ConsoleJoined: DrillState._joined,
    ev.ConflictSettled: DrillState._settled,
}
