"""Drill-over-drill trend: each step's actual time and rating across drills of one scenario."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from bcp_drill.drill.counts import DrillSummary
from bcp_drill.drill.pinned import drills_of_scenario
from bcp_drill.drill.state import DrillState
from bcp_drill.drill.view import summarize
from bcp_drill.errors import UserError
from bcp_drill.i18n import Lang
from bcp_drill.records import events as ev
from bcp_drill.records.journal import JournalError
from bcp_drill.records.store import RecordStore, RecordSummary


@dataclass(slots=True)  # one per step and drill: many of them over a large folder
class TrendPoint:
    record_id: str
    started_at: datetime
    elapsed_seconds: int | None  # None: no time (not done, skipped, no outcome, not applicable)
    outcome: str  # "P"/"S"/"M"/"U", or "not_done", "skipped", "pending", "not_applicable"
    late: bool = False  # done after its target (absolute, or relative to when it could start)


@dataclass
class StepTrend:
    step_id: str
    title: str
    target_minutes: int | None  # the absolute target (T+) if it has one; relative or none: None
    points: list[TrendPoint] = field(default_factory=list)

    def minutes(self) -> list[float | None]:
        return [None if p.elapsed_seconds is None else p.elapsed_seconds / 60 for p in self.points]

    def change_minutes(self) -> float | None:
        """Newest minus oldest actual time (negative: faster), when both exist."""
        times = [m for m in self.minutes() if m is not None]
        return times[-1] - times[0] if len(times) >= 2 else None


@dataclass
class ScenarioTrend:
    scenario_id: str
    title: str
    drills: list[tuple[str, datetime]]  # (record id, started), oldest first
    steps: list[StepTrend]
    figures: list[DrillSummary] = field(default_factory=list)  # each drill's figures, in the order of drills
    # Drills of the scenario left out (or used only in part), each with why: named under the table.
    left_out: list[tuple[str, UserError]] = field(default_factory=list)
    conditions: str = ""  # the condition values every drill compared here played ("" when none)
    # Drills of the scenario under other conditions: not compared (an office-hours drill beside an
    # out-of-hours one says nothing), named under the table with their conditions.
    other_conditions: list[tuple[str, str]] = field(default_factory=list)
    # A report's trend shows the newest drills only (recent_drills): how many older ones it
    # leaves out, and how many more drills under other conditions it does not name.
    not_shown: int = 0
    other_not_shown: int = 0


def recent_drills(trend: ScenarioTrend, count: int) -> ScenarioTrend:
    """TREND cut to its newest COUNT drills (and the last COUNT drills under other conditions),
    saying how many it leaves out; the change of each step is then over the drills shown. A
    trend no longer than COUNT is returned as it is."""
    if len(trend.drills) <= count and len(trend.other_conditions) <= count:
        return trend
    steps = [StepTrend(s.step_id, s.title, s.target_minutes, s.points[-count:]) for s in trend.steps]
    return replace(trend, drills=trend.drills[-count:], steps=steps, figures=trend.figures[-count:],
                   other_conditions=trend.other_conditions[-count:],
                   not_shown=trend.not_shown + max(0, len(trend.drills) - count),
                   other_not_shown=trend.other_not_shown + max(0, len(trend.other_conditions) - count))


def scenario_trend(store: RecordStore, scenario_id: str, lang: Lang = "ja", up_to: str | None = None,
                   seen: list[tuple[str, list]] | None = None, with_figures: bool = True) -> ScenarioTrend | None:
    """The trend over every readable drill of SCENARIO_ID (up to and including record UP_TO).

    Each drill is reduced to its points (one per step) as it is read, so memory grows with
    steps x drills, not with every drill's whole state. WITH_FIGURES=False: no drill's figures
    (the trend's `figures` left empty), for a caller that shows the trend table only."""
    from bcp_drill.drill.wording import conditions_text
    from bcp_drill.i18n import Translator

    drills: list[tuple[str, datetime, dict[str, TrendPoint]]] = []
    figures: list[DrillSummary] = []
    played: list[tuple[dict[str, str], str]] = []  # each drill's conditions, and in words
    newest = None
    damaged: list[RecordSummary] = []
    left_out: list[tuple[str, UserError]] = []
    for summary, events, state in drills_of_scenario(store, scenario_id, damaged):
        if isinstance(state, JournalError):
            left_out.append((summary.record_id, state))
            continue
        first = events[0]
        drills.append((summary.record_id, first.at, _points(summary.record_id, first.at, state)))
        played.append((dict(state.conditions),
                       conditions_text(state, Translator(lang)) if state.scenario.conditions else ""))
        newest = state.scenario
        if seen is not None:  # the report's follow-ups: its first event and problems, kept from this one read
            seen.append((summary.record_id, [first, *(e for e in events if isinstance(e, ev.ProblemRaised))]))
        if with_figures:
            figures.append(summarize(state, events[-1].at))
        if summary.record_id == up_to:
            break
    left_out = [(s.record_id, reason) for s in damaged for reason in s.reasons] + left_out
    if newest is None:
        return ScenarioTrend(scenario_id, scenario_id, [], [], [], left_out) if left_out else None
    # Like with like: the drills under the conditions of the drill reported on (or the newest).
    wanted, wanted_text = played[-1]
    other = [(drills[i][0], played[i][1]) for i in range(len(drills)) if played[i][0] != wanted]
    keep = [i for i in range(len(drills)) if played[i][0] == wanted]
    drills, figures = [drills[i] for i in keep], _kept(figures, keep)
    steps = []
    for step in newest.steps:  # the newest version decides which steps are shown, and their order
        trend = StepTrend(step.id, step.title.get(lang), step.target_minutes)
        for record_id, started, points in drills:
            # A step the drill's version did not have: no outcome recorded for it.
            trend.points.append(points.get(step.id) or TrendPoint(record_id, started, None, "pending"))
        steps.append(trend)
    return ScenarioTrend(scenario_id, newest.title.get(lang), [(r, s) for r, s, _ in drills], steps, figures,
                         left_out, wanted_text, other)


def _kept(figures: list[DrillSummary], keep: list[int]) -> list[DrillSummary]:
    """The figures of the drills kept (none when the trend was made without figures)."""
    return [figures[i] for i in keep] if figures else []


def _points(record_id: str, started: datetime, state: DrillState) -> dict[str, TrendPoint]:
    """Each step of one drill as a point of the trend."""
    points = {}
    for step_id, record in state.steps.items():
        if not state.applies(record.step):
            points[step_id] = TrendPoint(record_id, started, None, "not_applicable")
        elif record.outcome is None:
            points[step_id] = TrendPoint(record_id, started, None, "pending")
        elif record.outcome == "done":
            # A U rating is no completion: it has no actual time to chart (drill/view.py's rules).
            seconds = record.elapsed_seconds if record.rating != "U" else None
            points[step_id] = TrendPoint(record_id, started, seconds, record.rating or "",
                                         late=state.late_by_seconds(record) > 0)
        else:
            points[step_id] = TrendPoint(record_id, started, None, record.outcome)
    return points
