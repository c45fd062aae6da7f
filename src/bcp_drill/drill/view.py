"""The one read model of a drill: every derived fact a screen, plain mode or a report shows.

The TUI, plain mode and the report builders call this module; none of them counts steps,
rates objectives, formats a percentage or decides what a correction hides on its own.

Rules (the README repeats them):
- a step is *done* when it was completed with P, S or M; on time when by its target;
- a step rated U ("unable to be performed") was attempted and not performed: it counts
  with the steps not done, never as done or on time;
- on-time rate = steps done by their target / steps attempted (done, late, not done, U);
  skipped steps (out of scope, with a reason) and steps with no outcome yet are left out;
- an objective takes the lowest rating among its steps, where a step not done, or never
  performed by the end of the drill, counts as U; skipped steps do not count; an
  evaluator's override (with a reason) replaces the derived rating and both are shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Iterable

from bcp_drill.content.models import Step
from bcp_drill.drill.state import DrillState, Note, StepRecord, StepStatus
from bcp_drill.i18n import Translator
from bcp_drill.records import events as ev

RATINGS = ev.HSEEP_RATINGS  # best first
RATING_ORDER = {rating: rank for rank, rating in enumerate(RATINGS)}


# ---------------------------------------------------------------- formatting


def format_elapsed(seconds: int) -> str:
    """T+ clock text: HH:MM:SS, hours growing past 99 for 72-hour scenarios."""
    hours, rest = divmod(max(0, int(seconds)), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}"


def format_minutes(minutes: int) -> str:
    """Target time as T+ text: 45 → 0:45, 1440 → 24:00."""
    hours, mins = divmod(minutes, 60)
    return f"{hours}:{mins:02d}"


def format_percent(value: float | None) -> str:
    """A share as a whole percentage; "-" when there is nothing to divide by."""
    return "-" if value is None else f"{value * 100:.0f}%"


def status_word(status: StepStatus, t: Translator) -> str:
    return t(f"status.{status.value}")


def status_label(status: StepStatus, t: Translator) -> str:
    """The mark and the word together, so no meaning rests on colour or on the mark alone."""
    return f"{status.mark} {status_word(status, t)}"


def rating_label(rating: str, t: Translator) -> str:
    return t(f"rating.{rating}") if rating in RATINGS else rating or "-"


# ---------------------------------------------------------------- counts


@dataclass
class StepCounts:
    """Counts for a set of steps (a phase, a drill, many drills)."""

    total: int = 0
    ratings: dict[str, int] = field(default_factory=lambda: {r: 0 for r in RATINGS})
    on_time: int = 0
    late: int = 0
    not_done: int = 0  # not done, and rated U
    skipped: int = 0
    pending: int = 0

    @property
    def done(self) -> int:
        return self.on_time + self.late

    @property
    def attempted(self) -> int:
        return self.on_time + self.late + self.not_done

    @property
    def on_time_rate(self) -> float | None:
        """Steps done by their target / steps attempted (see the module's rules)."""
        return self.on_time / self.attempted if self.attempted else None

    def add(self, status: StepStatus, rating: str | None) -> None:
        self.total += 1
        if rating in self.ratings:
            self.ratings[rating] += 1
        if status == StepStatus.DONE_ON_TIME:
            self.on_time += 1
        elif status == StepStatus.DONE_LATE:
            self.late += 1
        elif status in (StepStatus.NOT_DONE, StepStatus.UNABLE):
            self.not_done += 1
        elif status == StepStatus.SKIPPED:
            self.skipped += 1
        else:
            self.pending += 1

    @classmethod
    def merged(cls, parts: Iterable["StepCounts"]) -> "StepCounts":
        total = cls()
        for one in parts:
            total.total += one.total
            for rating in RATINGS:
                total.ratings[rating] += one.ratings[rating]
            total.on_time += one.on_time
            total.late += one.late
            total.not_done += one.not_done
            total.skipped += one.skipped
            total.pending += one.pending
        return total


@dataclass
class DrillSummary:
    overall: StepCounts
    phases: list[tuple[str, StepCounts]]  # (phase id, counts) in scenario order
    elapsed_seconds: int
    injects_delivered: int
    injects_total: int
    problems: int


def summarize(state: DrillState, now: datetime) -> DrillSummary:
    overall = StepCounts()
    per_phase = {p.id: StepCounts() for p in state.scenario.phases}
    elapsed = state.elapsed_seconds(now)
    for record in state.steps.values():
        status = record.status(elapsed)
        overall.add(status, record.rating)
        per_phase[record.step.phase].add(status, record.rating)
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

    @property
    def rating(self) -> str:
        return self.record.rating or ""

    @property
    def target_text(self) -> str:
        return f"T+{format_minutes(self.step.target_minutes)}"

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
        return (self.record.late_by_seconds() + 59) // 60

    @property
    def checks_done(self) -> int:
        return len(self.record.checks)

    @property
    def reason(self) -> str:
        return self.record.reason


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


def _contribution(record: StepRecord, ended: bool) -> Contribution:
    step_id = record.step.id
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
        contributions = [_contribution(state.steps[s.id], ended) for s in state.scenario.steps
                         if objective.id in s.objectives]
        counting = [c for c in contributions if c.rating is not None]
        decided = max(counting, key=lambda c: RATING_ORDER[c.rating or "P"]) if counting else None
        derived = decided.rating if decided and decided.rating else "-"
        override = state.objective_overrides.get(objective.id)
        results.append(ObjectiveResult(
            objective.id, override.rating if override and override.rating else derived, derived, decided,
            contributions, override, provisional=any(c.basis == "open" for c in contributions)))
    return results


def contribution_text(contribution: Contribution, state: DrillState, t: Translator) -> str:
    """"s3 サーバー室の確認: U（未実施）" — a step and how it counts."""
    step = state.scenario.step(contribution.step_id)
    title = step.title.get(t.lang) if step else contribution.step_id
    basis = t(f"objective.basis_{contribution.basis}")
    rating = contribution.rating or "-"
    return f"{title}: {rating} ({basis})"


# ---------------------------------------------------------------- the drill


class DrillView:
    """The drill at one moment: steps with their status, figures, objectives, notes."""

    def __init__(self, state: DrillState, now: datetime) -> None:
        self.state = state
        self.now = now
        self.elapsed = state.elapsed_seconds(now)

    def step(self, step_id: str) -> StepView:
        record = self.state.steps[step_id]
        return StepView(record.step, record, record.status(self.elapsed))

    @cached_property
    def steps(self) -> list[StepView]:
        return [self.step(s.id) for s in self.state.scenario.steps]

    @cached_property
    def figures(self) -> DrillSummary:
        return summarize(self.state, self.now)

    @cached_property
    def objectives(self) -> list[ObjectiveResult]:
        return objective_results(self.state)

    @property
    def open_steps(self) -> list[str]:
        """Steps with no outcome yet (what ending the drill now would leave undone)."""
        return [v.step.id for v in self.steps if not v.status.finished]

    def count(self, status: StepStatus) -> int:
        return sum(1 for v in self.steps if v.status == status)

    def progress_text(self, t: Translator) -> str:
        """"実施 3/16（未実施 1・省略 0・未着手 12）": done counts only steps done."""
        counts = self.figures.overall
        return t("progress.steps", done=counts.done, total=counts.total, not_done=counts.not_done,
                 skipped=counts.skipped, open=counts.pending)

    def notes(self, step_id: str | None) -> list[Note]:
        return self.state.notes_for(step_id)


# ---------------------------------------------------------------- the timeline


@dataclass
class TimelineEntry:
    elapsed_seconds: int
    at: datetime
    kind: str  # inject, step, not_done, reopen, note, note_withdrawn, problem, objective, pause, resume, advance, end
    text: str
    by: str
    seq: int
    struck: bool = False  # withdrawn or corrected later: shown struck through, never as valid
    correction: str = ""  # who withdrew or corrected it, when, and why


def _correction_text(later: ev.EventBase, t: Translator, reason: str = "") -> str:
    key = "report.tl_withdrawn" if isinstance(later, ev.NoteRetracted) else "report.tl_corrected"
    text = t(key, seq=later.seq, by=later.by, at=later.at.astimezone().strftime("%Y-%m-%d %H:%M"))
    return f"{text}: {reason}" if reason else text


def timeline(state: DrillState, events: list, t: Translator) -> list[TimelineEntry]:
    """Every event of the drill in order, with corrected outcomes and withdrawn notes marked."""
    lang = t.lang
    scenario = state.scenario
    later_outcome: dict[int, ev.EventBase] = {}  # outcome event seq → the event that replaced it
    current: dict[str, int] = {}
    for event in events:
        if isinstance(event, (ev.StepCompleted, ev.StepNotDone, ev.StepReopened)):
            if event.step_id in current:
                later_outcome[current.pop(event.step_id)] = event
            if not isinstance(event, ev.StepReopened):
                current[event.step_id] = event.seq
    replay = DrillState.from_events(scenario, [])  # replayed alongside, for the clock at each event
    entries: list[TimelineEntry] = []

    def add(event, kind: str, text: str, elapsed: int | None = None) -> TimelineEntry:
        entry = TimelineEntry(replay.elapsed_seconds(event.at) if elapsed is None else elapsed, event.at, kind,
                              text, event.by, event.seq)
        entries.append(entry)
        return entry

    for event in events:
        replay.apply(event)
        step_id = getattr(event, "step_id", None)
        step = scenario.step(step_id) if step_id else None
        step_title = step.title.get(lang) if step else "-"
        match event:
            case ev.InjectDelivered():
                inject = next((i for i in scenario.injects if i.id == event.inject_id), None)
                if inject is not None:
                    add(event, "inject", t("report.tl_inject", id=inject.id, sender=inject.sender.get(lang),
                                           content=inject.content.get(lang)), event.elapsed_seconds)
            case ev.StepCompleted() | ev.StepNotDone():
                if isinstance(event, ev.StepCompleted):
                    target = format_minutes(step.target_minutes) if step else "-"
                    entry = add(event, "step", t("report.tl_step", step=step_title, rating=event.rating,
                                                 target=target), event.elapsed_seconds)
                else:
                    key = "report.tl_skipped" if event.skipped else "report.tl_not_done"
                    entry = add(event, "not_done", t(key, step=step_title, reason=event.reason),
                                event.elapsed_seconds)
                if event.seq in later_outcome:
                    entry.struck = True
                    entry.correction = _correction_text(later_outcome[event.seq], t)
            case ev.StepReopened():
                add(event, "reopen", t("report.tl_reopened", step=step_title))
            case ev.NoteAdded():
                where = step_title if event.step_id else t("tui.drill_note_short")
                entry = add(event, "note", t("report.tl_note", step=where, text=event.text),
                            event.elapsed_seconds)
                note = state.note(event.seq)
                if note is not None and note.withdrawn is not None:
                    entry.struck = True
                    entry.correction = _correction_text(note.withdrawn, t, note.withdrawn.reason)
            case ev.NoteRetracted():
                add(event, "note_withdrawn", t("report.tl_note_withdrawn", seq=event.note_seq))
            case ev.ProblemRaised():
                add(event, "problem", t("report.tl_problem", id=event.problem_id, title=event.title),
                    event.elapsed_seconds)
            case ev.ObjectiveRated():
                objective = scenario.objective(event.objective_id)
                title = objective.title.get(lang) if objective else event.objective_id
                key = "report.tl_objective" if event.rating else "report.tl_objective_cleared"
                add(event, "objective", t(key, objective=title, rating=event.rating or "-", reason=event.reason))
            case ev.ClockPaused():
                add(event, "pause", t("report.tl_pause"))
            case ev.ClockResumed():
                add(event, "resume", t("report.tl_resume"))
            case ev.ClockAdvanced():
                add(event, "advance", t("report.tl_advance", to=format_elapsed(event.to_seconds)))
            case ev.DrillEnded():
                add(event, "end", t("report.tl_end"), event.elapsed_seconds)
    return entries
