"""A drill in progress: turns user actions into journal events and keeps the state current."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bcp_drill import __version__
from bcp_drill.content.loader import LoadedFile
from bcp_drill.content.models import Scenario, as_played
from bcp_drill.drill.pinned import pinned_register_fields, pinned_scenario
from bcp_drill.drill.ratings import RATINGS
from bcp_drill.drill.rights import ROLE_RIGHTS
from bcp_drill.drill.state import Conflict, DrillState, StepRecord, injects_before_t0
from bcp_drill.drill.values import UnreadableValue, read_measured
from bcp_drill.errors import RecordClosed, SessionRefused
from bcp_drill.records import events as ev
from bcp_drill.records.journal_writer import Event, Journal
from bcp_drill.records.store import RecordStore
from bcp_drill.records.team import MergeFollower, on_folder_clock, team_folder
from bcp_drill.records.values import CAPABILITIES, OBSERVATION_KINDS, SYSTEM_STATES
from bcp_drill.sessions import JournalSession, open_journal
from bcp_drill.wallclock import local


def condition_values(scenario: Scenario, chosen: dict[str, str]) -> dict[str, str]:
    """The value of every condition of SCENARIO for a new drill: the fixed ones as fixed, the
    others as CHOSEN. Refuses (SessionRefused) a missing, unknown or contradicting value."""
    values: dict[str, str] = {}
    for condition_id in chosen:
        if scenario.condition(condition_id) is None:
            raise SessionRefused("unknown_condition", condition_id=condition_id,
                                 known=", ".join(c.id for c in scenario.conditions) or "-")
    for condition in scenario.conditions:
        value = chosen.get(condition.id, condition.fixed)
        if value is None:
            raise SessionRefused("condition_required", condition_id=condition.id,
                                 values=", ".join(v.id for v in condition.values))
        if condition.value(value) is None:
            raise SessionRefused("unknown_condition_value", condition_id=condition.id, value=value,
                                 values=", ".join(v.id for v in condition.values))
        if condition.fixed is not None and value != condition.fixed:
            raise SessionRefused("condition_fixed", condition_id=condition.id, value=condition.fixed)
        values[condition.id] = value
    return values



@dataclass(frozen=True)
class Decided:
    """A decision as recorded, and the injects its option gave with it (in order)."""

    event: ev.DecisionMade
    triggered: tuple[str, ...]

class DrillSession(JournalSession):
    """One open drill: every method writes one event (fsynced) and then updates the state.

    In a team drill (drill/team.py) the journal is this console's own and the state is that of
    every console's journal merged; `refresh` takes in what the others have written since.
    """

    state: DrillState

    def __init__(self, journal: Journal, scenario: Scenario, store: RecordStore | None = None,
                 role: str = "lead", clock_offset: float = 0.0, events: list | None = None) -> None:
        self.journal = journal
        self.scenario = scenario
        self.store = store
        self.role = role
        self.clock_offset = clock_offset  # this machine's clock minus the shared folder's
        self._prints: tuple = ()
        self._follower: MergeFollower | None = None  # the merged journals as last read (`refresh`)
        self._own: list = []  # this console's events applied since the last `refresh`, as applied
        events = journal.events if events is None else events
        self.state = DrillState.from_events(scenario, events)
        self._known = {(e.console, e.seq) for e in events}
        self.incoming: list = []  # what other consoles wrote that this one sees, taken in by the last `refresh`
        self.new_conflicts: list[Conflict] = []  # conflicts unsettled and not yet reported, likewise
        self._reported: set[tuple[str, int]] = set()

    @property
    def console(self) -> str | None:
        return self.journal.console

    def _record(self, event_type: type[Event], **fields: Any) -> Event:
        if len(self.state.heads) > 1 or self.console is not None:  # a team drill: say what was seen
            own = self.console or ""
            fields["seen"] = {journal: seq for journal, seq in sorted(self.state.heads.items()) if journal != own}
        event = self.journal.append(event_type, **fields)
        self._known.add((event.console, event.seq))
        placed = on_folder_clock(event, self.clock_offset)  # as every console's events are
        self.state.apply(placed)
        if self._follower is not None:  # a team console: `refresh` takes it as already applied
            self._own.append(placed)
        return event

    def sees_inject(self, inject: Any) -> bool:
        """Whether this console is shown INJECT: a player console that joined for a team sees
        only the injects given to that team; every other console sees them all."""
        joined = self.state.consoles.get(self.console or "")
        if self.role != "player" or joined is None or not joined.team or inject.recipient == joined.team:
            return True
        recipient = self.scenario.role(inject.recipient)  # a console joined for a team (班) sees its roles' injects
        return recipient is not None and recipient.team == joined.team

    def may(self, right: str) -> bool:
        """Whether this console's role has RIGHT (drill/rights.py): the one check every
        front end and every write asks."""
        return right in ROLE_RIGHTS.get(self.role, frozenset())

    def _require(self, right: str) -> None:
        if not self.may(right):
            raise SessionRefused(f"role_{right}", role=self.role)

    def check(self, right: str, open_only: bool = True) -> None:
        """Refuse (SessionRefused) what this console may not do now: its role has not RIGHT, or
        (OPEN_ONLY) the drill has ended. A screen asks before it lists anything or opens a form,
        so no one types into a form that cannot be saved, or sees what the role may not."""
        self._require(right)
        if open_only:
            self.ensure_open()

    def refresh(self) -> bool:
        """Take in what other consoles of a team drill have written since the last look;
        True when the state changed. Cheap when nothing did: one listing and a stat per journal."""
        if self.store is None:
            return False
        # Only the others' journals: what this console wrote is in its state already.
        prints = self.store.journal_prints(self.record_id, exclude=self.journal.path)
        self.incoming, self.new_conflicts = [], []
        if prints == self._prints:
            return False
        self._prints = prints
        follower = self._follower or MergeFollower(self.store.root, self.record_id,
                                                    self.store.path_of(self.record_id), self.store.seal_key)
        self._follower, before, own = follower, len(follower.events), self._own
        self._own = []
        kept = follower.refresh()  # the merged events: only what was appended is read
        events = follower.events
        fresh = events[kept:]
        appended = bool(kept) and kept == before and fresh[:len(own)] == own  # the state so far holds
        if appended:
            events = fresh[len(own):]
            for event in events:
                self.state.apply(event)
        else:
            self.state = DrillState.from_events(self.scenario, events)
        self.incoming = [e for e in events if (e.console, e.seq) not in self._known and e.console != self.console
                         and self._sees(e)]
        if appended:
            self._known.update((e.console, e.seq) for e in events)
        else:
            self._known = {(e.console, e.seq) for e in events}
        for conflict in self.state.conflicts:
            key = (conflict.step_id, len(conflict.outcomes))  # a third outcome is reported again
            if conflict.settled is None and key not in self._reported:
                self._reported.add(key)
                self.new_conflicts.append(conflict)
        return True

    def _sees(self, event: ev.EventBase) -> bool:
        """An inject delivered by another console is news here only if this console sees it."""
        if not isinstance(event, ev.InjectDelivered):
            return True
        delivered = self.state.delivered.get(event.inject_id)
        return delivered is not None and self.sees_inject(delivered.inject)

    # -- opening ---------------------------------------------------------------

    @classmethod
    def start(cls, store: RecordStore, source: LoadedFile, drill_type: str, place: str = "",
              participants: list[ev.Participant] | None = None, t0: datetime | None = None,
              conditions: dict[str, str] | None = None, unreachable: list[str] | None = None) -> "DrillSession":
        scenario = source.document
        assert isinstance(scenario, Scenario)
        values = condition_values(scenario, conditions or {})
        now = store.clock()
        early = injects_before_t0(scenario, t0 or now, values)
        if early:  # a time of day before T0 is refused, not guessed to be the next day
            raise SessionRefused("inject_before_t0", inject=early[0].id, time=early[0].at_time,
                                 t0=local(t0 or now).strftime("%H:%M"))
        journal = store.create(
            scenario.id, ev.DrillStarted, scenario_id=scenario.id, scenario_version=scenario.version,
            scenario_sha256=source.sha256, scenario_file=source.display,
            scenario_yaml=source.raw.decode("utf-8-sig"), drill_type=drill_type,
            place=place, participants=participants or [], t0=t0 or now, conditions=values,
            unreachable=unreachable or [], **pinned_register_fields(source),
            tool_version=__version__)
        return cls(journal, as_played(scenario, values), store)  # as pinned_scenario reads it back

    @classmethod
    def resume(cls, store: RecordStore, record_id: str) -> "DrillSession":
        """Reopen a drill with the scenario pinned in its journal, the clock included (and, for a
        team drill, what every console has written)."""
        def build(journal: Journal, first: ev.DrillStarted) -> "DrillSession":
            team = team_folder(store.root, record_id).is_dir()
            return cls(journal, pinned_scenario(first), store,
                       events=store.merged_events(record_id) if team else None)

        return open_journal(store, record_id, ev.DrillStarted, "not_a_drill", build)

    def now(self) -> datetime:
        """Now on the clock every console's events are placed on (the shared folder's)."""
        now = self.journal.clock()
        return now - timedelta(seconds=self.clock_offset) if self.clock_offset else now

    def elapsed(self) -> int:
        return self.state.elapsed_seconds(self.now())

    # -- what may be written ---------------------------------------------------

    def ensure_open(self) -> None:
        """Refuse (RecordClosed) once the drill has ended: its record is then closed for recording."""
        if self.state.ended is not None:
            raise RecordClosed("drill_ended", record_id=self.record_id)

    def _step(self, step_id: str) -> StepRecord:
        record = self.state.steps.get(step_id)
        if record is None:
            raise SessionRefused("unknown_step", step_id=step_id)
        return record

    def _applicable_step(self, step_id: str) -> StepRecord:
        """A step an outcome or a check may be recorded on: it applies under the drill's conditions."""
        record = self._step(step_id)
        if not self.state.applies(record.step):
            if self.state.value_gate(record.step) is False:  # ruled out by a value, not by the conditions
                gate = record.step.applies_if
                assert gate is not None
                raise SessionRefused("step_ruled_out_by_value", step_id=step_id, measured=gate.step,
                                     number=gate.check)
            raise SessionRefused("step_not_applicable", step_id=step_id)
        return record

    def _outcome_step(self, step_id: str) -> StepRecord:
        """A step an outcome may be recorded on: it applies, and it does not wait for an open
        decision that enables it (the decision may rule it out, and its outcome would then leave
        every count). A step a decision can only skip goes ahead; `decide` then refuses to skip it."""
        record = self._applicable_step(step_id)
        open_decisions = [d.id for d in self.scenario.enabling(step_id) if not self.state.chosen_option(d)[0]]
        if open_decisions:
            raise SessionRefused("step_waits_for_decision", step_id=step_id, decision=", ".join(open_decisions))
        gate = record.step.applies_if
        if gate is not None and self.state.value_gate(record.step) is None:  # the value may rule it out
            raise SessionRefused("step_waits_for_value", step_id=step_id, measured=gate.step, number=gate.check)
        return record

    # -- the clock -------------------------------------------------------------

    def pause(self) -> None:
        self._require("clock")
        self.ensure_open()
        if not self.state.paused:
            self._record(ev.ClockPaused)

    def resume_clock(self) -> None:
        self._require("clock")
        self.ensure_open()
        if self.state.paused:
            self._record(ev.ClockResumed)

    def toggle_clock(self) -> None:
        self.resume_clock() if self.state.paused else self.pause()

    def advance_to(self, seconds: int) -> None:
        self._require("clock")
        self.ensure_open()
        if seconds > self.elapsed():
            self._record(ev.ClockAdvanced, to_seconds=seconds)

    def advance_to_next_phase(self) -> bool:
        self._require("clock")
        self.ensure_open()
        target = self.state.next_phase_seconds(self.now())
        if target is None:
            return False
        self.advance_to(target)
        return True

    # -- steps -----------------------------------------------------------------

    def complete_step(self, step_id: str, rating: str) -> ev.StepCompleted:
        self._require("outcome")
        self.ensure_open()
        if self._outcome_step(step_id).step.is_decision:
            raise SessionRefused("decision_required", step_id=step_id)
        if rating not in RATINGS:
            raise SessionRefused("unknown_rating", rating=rating, ratings="/".join(RATINGS))
        return self._record(ev.StepCompleted, step_id=step_id, rating=rating, elapsed_seconds=self.elapsed())

    def decide(self, step_id: str, option_id: str, rating: str, decided_by: str = "") -> "Decided":
        """Record a decision step's choice (and its rating); then give the injects it triggers,
        and say which (every front end announces them).

        A decision stands until the step is reopened; choosing again without that is refused.
        """
        self._require("outcome")
        self.ensure_open()
        record = self._outcome_step(step_id)
        step = record.step
        if not step.is_decision:
            raise SessionRefused("not_a_decision", step_id=step_id)
        option = step.option(option_id)
        if option is None:
            raise SessionRefused("unknown_option_of_decision", step_id=step_id, option_id=option_id,
                                 options=", ".join(o.id for o in step.options))
        if rating not in RATINGS:
            raise SessionRefused("unknown_rating", rating=rating, ratings="/".join(RATINGS))
        if record.outcome is not None:
            raise SessionRefused("decision_already_recorded", step_id=step_id)
        # The steps this choice rules out (enabled only by other options, or skipped by it) must
        # hold no outcome: a choice never sets aside what was recorded without a word.
        ruled_out = {s for o in step.options if o is not option for s in o.enables} - set(option.enables)
        ruled_out |= set(option.skips)
        recorded = [self.state.steps[s] for s in sorted(ruled_out)
                    if s in self.state.steps and self.state.steps[s].outcome is not None]
        if recorded:
            raise SessionRefused("decision_sets_aside", step_id=step_id, option_id=option_id, steps=", ".join(
                f"{r.step.id} ({r.rating or r.outcome})" for r in recorded))
        made = self._record(ev.DecisionMade, step_id=step_id, option_id=option_id, rating=rating,
                            decided_by=decided_by.strip(), elapsed_seconds=self.elapsed())
        triggered = []
        for inject_id in option.triggers:
            inject = self.scenario.inject(inject_id)
            if inject is not None and self.state.applies(inject) and inject_id not in self.state.delivered:
                self._record(ev.InjectDelivered, inject_id=inject_id, elapsed_seconds=made.elapsed_seconds)
                triggered.append(inject_id)
        return Decided(made, tuple(triggered))

    def record_system_state(self, system_id: str, state: str, note: str = "") -> ev.SystemStateRecorded:
        """The state of a system from now on (down, running on the alternate, restored...)."""
        self._require("systems")
        self.ensure_open()
        if self.scenario.system(system_id) is None:
            raise SessionRefused("unknown_system", system_id=system_id,
                                 systems=", ".join(s.id for s in self.scenario.systems) or "-")
        if state not in SYSTEM_STATES:
            raise SessionRefused("unknown_system_state", state=state, states=", ".join(SYSTEM_STATES))
        return self._record(ev.SystemStateRecorded, system_id=system_id, state=state, note=note.strip(),
                            elapsed_seconds=self.elapsed())

    def step_not_done(self, step_id: str, reason: str, skipped: bool = False) -> ev.StepNotDone:
        self._require("outcome")
        self.ensure_open()
        self._outcome_step(step_id)
        if not reason.strip():
            raise SessionRefused("reason_required")
        return self._record(ev.StepNotDone, step_id=step_id, reason=reason.strip(), skipped=skipped,
                            elapsed_seconds=self.elapsed())

    def reopen_step(self, step_id: str) -> ev.StepReopened:
        """Withdraw the step's outcome (a correction event); refused when there is none."""
        self._require("outcome")
        self.ensure_open()
        record = self._step(step_id)
        if record.outcome is None:
            raise SessionRefused("no_outcome_to_withdraw", step_id=step_id)
        if record.step.is_decision:
            # What the chosen option enabled was recorded under it: withdraw that first. (Steps
            # other options would rule out are guarded when the next choice is made: `decide`.)
            chosen = record.step.option(record.decision.option_id) if record.decision else None
            gated = set(chosen.enables) | set(chosen.skips) if chosen else set()
            recorded = [s for s in gated if self.state.steps[s].outcome is not None]
            if recorded:
                raise SessionRefused("decision_has_consequences", step_id=step_id, steps=", ".join(sorted(recorded)))
        return self._record(ev.StepReopened, step_id=step_id)

    def toggle_check(self, step_id: str, index: int) -> ev.CheckToggled:
        self._require("outcome")
        self.ensure_open()
        record = self._applicable_step(step_id)
        if not 0 <= index < len(record.step.checks):
            raise SessionRefused("unknown_check", step_id=step_id, number=index + 1, count=len(record.step.checks))
        checked = index not in record.checks
        return self._record(ev.CheckToggled, step_id=step_id, check_index=index, checked=checked)

    def record_value(self, step_id: str, index: int, text: str) -> ev.ValueRecorded:
        """A value measured for check INDEX of a step: a number (full-width digits and a
        trailing unit are fine), a percentage from 0 to 100, or short text, by its spec."""
        self._require("outcome")
        self.ensure_open()
        record = self._applicable_step(step_id)
        if not 0 <= index < len(record.step.checks):
            raise SessionRefused("unknown_check", step_id=step_id, number=index + 1, count=len(record.step.checks))
        spec = record.step.checks[index].value
        if spec is None:
            raise SessionRefused("check_takes_no_value", step_id=step_id, number=index + 1)
        typed = text.strip()
        if not typed:
            raise SessionRefused("text_required")
        number = None
        if spec.kind != "text":
            try:
                number = read_measured(typed, spec).number
            except UnreadableValue as unreadable:
                raise SessionRefused(unreadable.code, value=typed, unit=unreadable.unit) from None
        # Steps that apply only by this value (`applies_if`) and hold an outcome: a value that rules
        # them out is refused, naming them, as a decision is (nothing recorded leaves a count unsaid).
        ruled_out = self.state.ruled_out_by_value(step_id, index, number)
        if ruled_out:
            raise SessionRefused("value_sets_aside", step_id=step_id, number=index + 1, value=typed,
                                 steps=", ".join(f"{r.step.id} ({r.rating or r.outcome})" for r in ruled_out))
        return self._record(ev.ValueRecorded, step_id=step_id, check_index=index, text=typed, number=number,
                            elapsed_seconds=self.elapsed())

    def record_occurrence(self, step_id: str, occurrence: int | None = None, rating: str | None = None,
                          note: str = "") -> ev.StepOccurrenceDone:
        """One occurrence of a repeated step done (定時報告 at T+6:00): OCCURRENCE from 1, or the
        first not yet recorded. Refused on a step that is not repeated, still waits, or has its
        own outcome (which closes it), and for an occurrence not yet due beyond the next one."""
        self._require("outcome")
        self.ensure_open()
        record = self._outcome_step(step_id)
        step = record.step
        if step.repeat is None:
            raise SessionRefused("step_not_repeated", step_id=step_id)
        if record.outcome is not None:
            raise SessionRefused("repeat_closed", step_id=step_id)
        if rating is not None and rating not in RATINGS:
            raise SessionRefused("unknown_rating", rating=rating, ratings="/".join(RATINGS))
        elapsed = self.elapsed()
        recorded = self.state.occurrences.get(step_id, {})
        due = 0  # occurrences whose time has come (the next one may be recorded early)
        while (at := self.state.occurrence_due_seconds(step, due + 1)) is not None and at <= elapsed:
            due += 1
        number = occurrence if occurrence is not None else next(n for n in range(1, due + 3) if n not in recorded)
        if number < 1 or self.state.occurrence_due_seconds(step, number) is None or number > due + 1:
            raise SessionRefused("occurrence_not_due", step_id=step_id, number=number, due=due)
        return self._record(ev.StepOccurrenceDone, step_id=step_id, occurrence=number, elapsed_seconds=elapsed,
                            rating=rating, note=note.strip())

    def record_deputy(self, step_id: str, role_id: str, deputy: int, reason: str, person: str = "",
                      acted_for: str = "") -> ev.DeputyActed:
        """Record that a role's DEPUTY (1: first in the deputy order) acted on a step, and why
        (PERSON: who the deputy is; ACTED_FOR: the holder they acted for, when known)."""
        self._require("outcome")
        self.ensure_open()
        step = self._applicable_step(step_id).step
        if role_id not in step.all_roles:
            raise SessionRefused("role_not_on_step", step_id=step_id, role_id=role_id,
                                 roles=", ".join(step.all_roles))
        role = self.scenario.role(role_id)
        if role is None or not 1 <= deputy <= role.deputy_count:
            raise SessionRefused("unknown_deputy", role_id=role_id, number=deputy,
                                 count=role.deputy_count if role else 0)
        if not reason.strip():
            raise SessionRefused("reason_required")
        return self._record(ev.DeputyActed, step_id=step_id, role_id=role_id, deputy=deputy, person=person.strip(),
                            reason=reason.strip(), elapsed_seconds=self.elapsed(), acted_for=acted_for.strip())

    def add_note(self, text: str, step_id: str | None = None) -> ev.NoteAdded:
        self._require("note")
        self.ensure_open()
        if step_id is not None:
            self._step(step_id)
        if not text.strip():
            raise SessionRefused("text_required")
        return self._record(ev.NoteAdded, step_id=step_id, text=text.strip(), elapsed_seconds=self.elapsed())

    def retract_note(self, note_seq: int, reason: str = "", note_console: str | None = None) -> ev.NoteRetracted:
        """Withdraw a note that stands; it stays in the journal, marked withdrawn."""
        self._require("note")
        self.ensure_open()
        note = self.state.note(note_seq, note_console)
        if note is None:
            raise SessionRefused("unknown_note", seq=note_seq)
        if note.withdrawn is not None:
            raise SessionRefused("note_already_withdrawn", seq=note_seq)
        return self._record(ev.NoteRetracted, note_seq=note_seq, reason=reason, note_console=note_console)

    def _before_problem(self, source_ref: str | None) -> dict[str, Any]:
        self._require("problem")
        self.ensure_open()
        if source_ref is not None:
            self._step(source_ref)
        return {"elapsed_seconds": self.elapsed()}

    # -- evaluation ------------------------------------------------------------

    def rate_objective(self, objective_id: str, rating: str | None, reason: str) -> ev.ObjectiveRated:
        """An evaluator's rating of an objective, replacing the derived one (None withdraws it).

        Allowed after the drill has ended too: evaluation often follows the drill.
        """
        self._require("evaluate")
        if self.scenario.objective(objective_id) is None:
            raise SessionRefused("unknown_objective", objective_id=objective_id)
        if rating is not None and rating not in RATINGS:
            raise SessionRefused("unknown_rating", rating=rating, ratings="/".join(RATINGS))
        if not reason.strip():
            raise SessionRefused("reason_required")
        if rating is None and objective_id not in self.state.objective_overrides:
            raise SessionRefused("no_override_to_withdraw", objective_id=objective_id)
        return self._record(ev.ObjectiveRated, objective_id=objective_id, rating=rating, reason=reason.strip())

    def record_observation(self, kind: str, observation: str, objective_id: str | None = None,
                           capability: str | None = None, analysis: str = "",
                           recommendation: str = "") -> ev.ObservationRecorded:
        """A strength or an area for improvement (HSEEP). Allowed after the drill has ended too:
        evaluators finish their observations after the hotwash."""
        self._require("evaluate")
        if kind not in OBSERVATION_KINDS:
            raise SessionRefused("unknown_choice", value=kind)
        if not observation.strip():
            raise SessionRefused("observation_required")
        if objective_id and self.scenario.objective(objective_id) is None:
            raise SessionRefused("unknown_objective", objective_id=objective_id)
        if capability and capability not in CAPABILITIES:
            raise SessionRefused("unknown_choice", value=capability)
        return self._record(ev.ObservationRecorded, kind=kind, observation=observation.strip(),
                            objective_id=objective_id or None, capability=capability or None,
                            analysis=analysis.strip(), recommendation=recommendation.strip(),
                            elapsed_seconds=self.elapsed())

    def settle_conflict(self, step_id: str, chosen_console: str | None, chosen_seq: int,
                        reason: str = "") -> ev.ConflictSettled:
        """The lead's choice of the outcome that stands when two consoles recorded one each."""
        self._require("settle")
        self.ensure_open()
        conflict = self.state.conflict(step_id)
        if conflict is None:
            raise SessionRefused("no_conflict", step_id=step_id)
        if not any(o.console == chosen_console and o.seq == chosen_seq for o in conflict.outcomes):
            raise SessionRefused("not_in_conflict", step_id=step_id)
        return self._record(ev.ConflictSettled, step_id=step_id, chosen_console=chosen_console,
                            chosen_seq=chosen_seq, reason=reason.strip())

    # -- injects ---------------------------------------------------------------

    def deliver_inject(self, inject_id: str, manual: bool = False) -> ev.InjectDelivered | None:
        """Deliver an inject once; None when it was already delivered."""
        self._require("inject")
        self.ensure_open()
        inject = self.scenario.inject(inject_id)
        if inject is None:
            raise SessionRefused("unknown_inject", inject_id=inject_id)
        if not self.state.applies(inject):
            raise SessionRefused("inject_not_applicable", inject_id=inject_id)
        if inject_id in self.state.delivered:
            return None
        return self._record(ev.InjectDelivered, inject_id=inject_id, elapsed_seconds=self.elapsed(),
                            manual=manual)

    def deliver_due_injects(self) -> list[ev.InjectDelivered]:
        """Deliver every inject whose time has come; returns what was delivered now (none once
        ended). Only a console that may deliver injects does it: a player's clock never does."""
        if self.state.ended is not None or not self.may("inject"):
            return []
        return [e for i in self.state.injects_due(self.now()) if (e := self.deliver_inject(i.id))]

    # -- the end ---------------------------------------------------------------

    def record_hotwash(self, strengths: str, improvements: str) -> ev.HotwashRecorded:
        self._require("end")
        self.ensure_open()
        return self._record(ev.HotwashRecorded, strengths=strengths, improvements=improvements)

    def end(self) -> ev.DrillEnded | None:
        self._require("end")
        if self.state.ended is not None:
            return None
        return self._record(ev.DrillEnded, elapsed_seconds=self.elapsed())
