"""A drill in progress: turns user actions into journal events and keeps the state current."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from bcp_drill import __version__
from bcp_drill.content.loader import FileLoader, LoadedFile
from bcp_drill.content.models import Scenario
from bcp_drill.drill.state import DrillState
from bcp_drill.records import events as ev
from bcp_drill.records.journal import Journal, JournalError
from bcp_drill.records.session import JournalSession, open_journal
from bcp_drill.records.store import RecordStore


def pinned_scenario(started: ev.DrillStarted) -> Scenario:
    """The scenario exactly as it was when the drill started."""
    loaded = FileLoader().load_bytes(started.scenario_yaml.encode("utf-8"), started.scenario_file)
    if not isinstance(loaded.document, Scenario):
        raise JournalError(Path(started.scenario_file), "pinned_scenario_invalid",
                           problems="; ".join(p.code for p in loaded.problems))
    return loaded.document


class DrillSession(JournalSession):
    """One open drill: every method writes one event (fsynced) and then updates the state."""

    def __init__(self, journal: Journal, scenario: Scenario) -> None:
        self.journal = journal
        self.scenario = scenario
        self.state = DrillState.from_events(scenario, journal.events)

    # -- opening ---------------------------------------------------------------

    @classmethod
    def start(cls, store: RecordStore, source: LoadedFile, drill_type: str, place: str = "",
              participants: list[ev.Participant] | None = None, t0: datetime | None = None) -> "DrillSession":
        scenario = source.document
        assert isinstance(scenario, Scenario)
        now = store.clock()
        journal = store.create(
            scenario.id, ev.DrillStarted, scenario_id=scenario.id, scenario_version=scenario.version,
            scenario_sha256=source.sha256, scenario_file=source.display,
            scenario_yaml=source.raw.decode("utf-8-sig"), drill_type=drill_type,
            place=place, participants=participants or [], t0=t0 or now, tool_version=__version__)
        return cls(journal, scenario)

    @classmethod
    def resume(cls, store: RecordStore, record_id: str) -> "DrillSession":
        """Reopen a drill with the scenario pinned in its journal, the clock included."""
        return open_journal(store, record_id, ev.DrillStarted, "not_a_drill",
                            lambda journal, first: cls(journal, pinned_scenario(first)))

    def now(self) -> datetime:
        return self.journal.clock()

    def elapsed(self) -> int:
        return self.state.elapsed_seconds(self.now())

    # -- the clock -------------------------------------------------------------

    def pause(self) -> None:
        if not self.state.paused:
            self._record(ev.ClockPaused)

    def resume_clock(self) -> None:
        if self.state.paused and self.state.ended is None:
            self._record(ev.ClockResumed)

    def toggle_clock(self) -> None:
        self.resume_clock() if self.state.paused else self.pause()

    def advance_to(self, seconds: int) -> None:
        if seconds > self.elapsed():
            self._record(ev.ClockAdvanced, to_seconds=seconds)

    def advance_to_next_phase(self) -> bool:
        target = self.state.next_phase_seconds(self.now())
        if target is None:
            return False
        self.advance_to(target)
        return True

    # -- steps -----------------------------------------------------------------

    def complete_step(self, step_id: str, rating: str) -> ev.StepCompleted:
        return self._record(ev.StepCompleted, step_id=step_id, rating=rating, elapsed_seconds=self.elapsed())

    def step_not_done(self, step_id: str, reason: str, skipped: bool = False) -> ev.StepNotDone:
        return self._record(ev.StepNotDone, step_id=step_id, reason=reason, skipped=skipped,
                            elapsed_seconds=self.elapsed())

    def reopen_step(self, step_id: str) -> None:
        if self.state.steps[step_id].outcome is not None:
            self._record(ev.StepReopened, step_id=step_id)

    def toggle_check(self, step_id: str, index: int) -> None:
        if not 0 <= index < len(self.state.steps[step_id].step.checks):
            raise ValueError(f"step {step_id} has no sub-check {index + 1}")
        checked = index not in self.state.steps[step_id].checks
        self._record(ev.CheckToggled, step_id=step_id, check_index=index, checked=checked)

    def add_note(self, text: str, step_id: str | None = None) -> ev.NoteAdded:
        return self._record(ev.NoteAdded, step_id=step_id, text=text, elapsed_seconds=self.elapsed())

    def retract_note(self, note_seq: int, reason: str = "") -> None:
        self._record(ev.NoteRetracted, note_seq=note_seq, reason=reason)

    def _problem_extras(self) -> dict[str, Any]:
        return {"elapsed_seconds": self.elapsed()}

    # -- injects ---------------------------------------------------------------

    def deliver_inject(self, inject_id: str, manual: bool = False) -> ev.InjectDelivered | None:
        if inject_id in self.state.delivered:
            return None
        return self._record(ev.InjectDelivered, inject_id=inject_id, elapsed_seconds=self.elapsed(),
                            manual=manual)

    def deliver_due_injects(self) -> list[ev.InjectDelivered]:
        """Deliver every inject whose time has come; returns what was delivered now."""
        if self.state.ended is not None:
            return []
        return [e for i in self.state.injects_due(self.now()) if (e := self.deliver_inject(i.id))]

    # -- the end ---------------------------------------------------------------

    def record_hotwash(self, strengths: str, improvements: str) -> None:
        self._record(ev.HotwashRecorded, strengths=strengths, improvements=improvements)

    def end(self) -> None:
        if self.state.ended is None:
            self._record(ev.DrillEnded, elapsed_seconds=self.elapsed())
