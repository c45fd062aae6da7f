"""The after-action report / improvement plan (AAR/IP) of one drill, as plain data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bcp_drill.drill.session import pinned_scenario
from bcp_drill.drill.state import DrillState, StepStatus
from bcp_drill.drill.summary import DrillSummary, format_elapsed, format_minutes, objective_ratings, summarize
from bcp_drill.fiscal import fiscal_year, fiscal_year_label
from bcp_drill.i18n import Translator
from bcp_drill.records import events as ev
from bcp_drill.records.session import read_record
from bcp_drill.records.store import RecordStore
from bcp_drill.reports.trend import ScenarioTrend, scenario_trend
from bcp_drill.review.followups import FollowUp, collect_followups



@dataclass
class ObjectiveResult:
    id: str
    title: str
    rating: str  # the worst rating of its steps; "-" when none was rated
    steps: list[str]


@dataclass
class StepResult:
    phase: str
    step_id: str
    title: str
    role: str
    target: str  # T+h:mm
    actual: str  # T+hh:mm:ss or ""
    late_minutes: int | None
    status: StepStatus
    rating: str
    reason: str
    checks_done: int
    checks_total: int
    notes: list[str]


@dataclass
class TimelineEntry:
    elapsed_seconds: int
    at: datetime
    kind: str  # inject, step, not_done, note, problem, pause, resume, advance, end
    text: str
    by: str


@dataclass
class DrillReport:
    record_id: str
    organisation: str
    scenario_id: str
    scenario_title: str
    scenario_version: str
    scenario_sha256: str
    hazard: str
    summary_text: str
    drill_type: str
    place: str
    t0: datetime
    started_at: datetime
    ended_at: datetime | None
    fiscal_year_label: str
    duration: str
    participants: list[ev.Participant]
    recorders: list[str]
    objectives: list[ObjectiveResult]
    steps: list[StepResult]
    timeline: list[TimelineEntry]
    summary: DrillSummary
    strengths: str
    improvements: str
    improvement_plan: list[FollowUp]
    trend: ScenarioTrend | None
    generated_at: datetime
    phase_titles: dict[str, str] = field(default_factory=dict)
    imported_from: str | None = None
    imported_by: str | None = None
    notes: list[str] = field(default_factory=list)  # notes on the drill as a whole


def build_drill_report(store: RecordStore, record_id: str, t: Translator, organisation: str = "",
                       now: datetime | None = None) -> DrillReport:
    lang = t.lang
    events = read_record(store, record_id, ev.DrillStarted, "not_a_drill")
    started = events[0]
    scenario = pinned_scenario(started)
    state = DrillState.from_events(scenario, events)
    last_at = events[-1].at
    figures = summarize(state, last_at)

    steps = []
    for step in scenario.steps:
        record = state.steps[step.id]
        status = record.status(figures.elapsed_seconds)
        phase = scenario.phase(step.phase)
        role = scenario.role(step.role)
        late = record.late_by_seconds()
        steps.append(StepResult(
            phase=phase.title.get(lang) if phase else step.phase, step_id=step.id, title=step.title.get(lang),
            role=role.title.get(lang) if role else step.role, target=f"T+{format_minutes(step.target_minutes)}",
            actual=f"T+{format_elapsed(record.elapsed_seconds)}" if record.elapsed_seconds is not None else "",
            late_minutes=(late + 59) // 60 if record.outcome == "done" else None, status=status,
            rating=record.rating or "", reason=record.reason, checks_done=len(record.checks),
            checks_total=len(step.checks), notes=[n.text for n in state.notes_for(step.id)]))

    objectives = [ObjectiveResult(objective_id, scenario.objective(objective_id).title.get(lang), rating,
                                  [scenario.step(s).title.get(lang) for s in step_ids])
                  for objective_id, rating, step_ids in objective_ratings(state)]

    timeline = _timeline(events, state, t)
    plan = [f for f in collect_followups(store, lang) if f.record_id == record_id]
    trend = scenario_trend(store, scenario.id, lang, up_to=record_id)
    return DrillReport(
        record_id=record_id, organisation=organisation, scenario_id=scenario.id,
        scenario_title=scenario.title.get(lang), scenario_version=scenario.version,
        scenario_sha256=started.scenario_sha256, hazard=scenario.hazard.get(lang),
        summary_text=scenario.summary.get(lang), drill_type=t(f"drill_type.{started.drill_type}"),
        place=started.place, t0=started.t0, started_at=started.at,
        ended_at=state.ended.at if state.ended else None,
        fiscal_year_label=fiscal_year_label(fiscal_year(started.t0.astimezone().date()), lang),
        duration=f"T+{format_elapsed(figures.elapsed_seconds)}", participants=list(started.participants),
        recorders=sorted({e.by for e in events}), objectives=objectives, steps=steps, timeline=timeline,
        summary=figures, strengths=state.hotwash.strengths if state.hotwash else "",
        improvements=state.hotwash.improvements if state.hotwash else "", improvement_plan=plan,
        trend=trend if trend and len(trend.drills) > 1 else None, generated_at=now or store.clock(),
        notes=[n.text for n in state.notes_for(None)],
        phase_titles={p.id: p.title.get(lang) for p in scenario.phases},
        imported_from=started.imported_from, imported_by=started.imported_by)


def _timeline(events: list, state: DrillState, t: Translator) -> list[TimelineEntry]:
    lang = t.lang
    scenario = state.scenario
    replay = DrillState.from_events(scenario, [])  # replayed alongside, for the clock at each event
    entries = []
    for event in events:
        replay.apply(event)
        elapsed = replay.elapsed_seconds(event.at)
        step_id = getattr(event, "step_id", None)
        step = scenario.step(step_id) if step_id else None
        step_title = step.title.get(lang) if step else ""
        match event:
            case ev.InjectDelivered():
                inject = next(i for i in scenario.injects if i.id == event.inject_id)
                line = t("report.tl_inject", id=inject.id, sender=inject.sender.get(lang),
                         content=inject.content.get(lang))
                entries.append(TimelineEntry(event.elapsed_seconds, event.at, "inject", line, event.by))
            case ev.StepCompleted():
                target = step.target_minutes if step else 0
                entries.append(TimelineEntry(event.elapsed_seconds, event.at, "step", t(
                    "report.tl_step", step=step_title, rating=event.rating, target=format_minutes(target)),
                    event.by))
            case ev.StepNotDone():
                key = "report.tl_skipped" if event.skipped else "report.tl_not_done"
                entries.append(TimelineEntry(event.elapsed_seconds, event.at, "not_done",
                                             t(key, step=step_title, reason=event.reason), event.by))
            case ev.NoteAdded():
                entries.append(TimelineEntry(event.elapsed_seconds, event.at, "note",
                                             t("report.tl_note", step=step_title or "-", text=event.text),
                                             event.by))
            case ev.ProblemRaised():
                entries.append(TimelineEntry(event.elapsed_seconds or elapsed, event.at, "problem",
                                             t("report.tl_problem", id=event.problem_id, title=event.title),
                                             event.by))
            case ev.ClockPaused():
                entries.append(TimelineEntry(elapsed, event.at, "pause", t("report.tl_pause"), event.by))
            case ev.ClockResumed():
                entries.append(TimelineEntry(elapsed, event.at, "resume", t("report.tl_resume"), event.by))
            case ev.ClockAdvanced():
                entries.append(TimelineEntry(elapsed, event.at, "advance",
                                             t("report.tl_advance", to=format_elapsed(event.to_seconds)), event.by))
            case ev.DrillEnded():
                entries.append(TimelineEntry(event.elapsed_seconds, event.at, "end", t("report.tl_end"), event.by))
    return entries

