"""Drill-over-drill trend: each step's actual time and rating across drills of one scenario."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Callable

from bcp_drill.drill.counts import DrillSummary
from bcp_drill.drill.pinned import drills_of_scenario
from bcp_drill.drill.state import DrillState
from bcp_drill.drill.view import summarize
from bcp_drill.errors import UserError
from bcp_drill.followups.items import FollowUp
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


@dataclass(slots=True)
class _Played:
    """One drill of the trend as read: its points, its figures, its follow-ups (when asked for)."""

    order: int
    record_id: str
    started: datetime
    points: dict[str, TrendPoint]
    figures: DrillSummary | None
    conditions_text: str
    followups: list[FollowUp]


@dataclass
class _Conditions:
    """The drills played under one set of condition values: how many, and the newest ones kept."""

    count: int
    kept: deque[_Played]


Conditions = frozenset[tuple[str, str]]


@dataclass
class _TrendReading:
    """The drills of a trend as they are read, grouped by the conditions they played."""

    lang: Lang
    with_figures: bool
    keep_last: int | None
    seen: list[tuple[str, list[FollowUp]]] | None
    seen_problem: Callable[[FollowUp], bool] | None
    groups: dict[Conditions, _Conditions] = field(default_factory=dict)
    # Of every drill read (when SEEN is asked for): its conditions and the follow-ups kept of it.
    followups: dict[str, tuple[Conditions, list[FollowUp]]] = field(default_factory=dict)
    wanted: Conditions = frozenset()

    def add(self, order: int, record_id: str, events: list, state: DrillState) -> None:
        from bcp_drill.drill.wording import conditions_text
        from bcp_drill.followups.collect import record_followups
        from bcp_drill.i18n import Translator

        first = events[0]
        self.wanted = frozenset(state.conditions.items())
        raised = (record_followups(record_id, [first, *(e for e in events if isinstance(e, ev.ProblemRaised))],
                                   self.lang) if self.seen is not None else [])
        played = _Played(order, record_id, first.at, _points(record_id, first.at, state),
                         summarize(state, events[-1].at) if self.with_figures else None,
                         conditions_text(state, Translator(self.lang)) if state.scenario.conditions else "",
                         raised)
        group = self.groups.setdefault(self.wanted, _Conditions(0, deque(maxlen=self.keep_last)))
        group.count += 1
        group.kept.append(played)
        kept = [f for f in raised if self.seen_problem(f)] if self.keep_last and self.seen_problem else raised
        if self.seen is not None and (kept or not self.keep_last):
            self.followups[record_id] = (self.wanted, kept)

    def note_seen(self) -> None:
        """SEEN: the follow-ups of the drills compared (those kept whole, every one)."""
        if self.seen is None:
            return
        for played in self.groups[self.wanted].kept:  # the drill before this one: all its actions
            self.followups[played.record_id] = (self.wanted, played.followups)
        self.seen += [(record_id, items) for record_id, (conditions, items) in self.followups.items()
                      if conditions == self.wanted]

    def others(self) -> tuple[list[_Played], int]:
        """The drills kept under other conditions than those compared, oldest first, and how many there were."""
        others = sorted((p for key, g in self.groups.items() if key != self.wanted for p in g.kept),
                        key=lambda p: p.order)
        count = sum(g.count for key, g in self.groups.items() if key != self.wanted)
        return (others[-self.keep_last:] if self.keep_last is not None else others), count


def scenario_trend(store: RecordStore, scenario_id: str, lang: Lang = "ja", up_to: str | None = None,
                   seen: list[tuple[str, list[FollowUp]]] | None = None, with_figures: bool = True,
                   keep_last: int | None = None,
                   seen_problem: Callable[[FollowUp], bool] | None = None) -> ScenarioTrend | None:
    """The trend over every readable drill of SCENARIO_ID (up to and including record UP_TO).

    Each drill is reduced to its points (one per step) as it is read. WITH_FIGURES=False: no
    drill's figures (the trend's `figures` left empty), for a caller that shows the trend table
    only. KEEP_LAST: only the newest drills of each set of conditions are kept (the others
    counted in `not_shown` and `other_not_shown`), so a report over a scenario drilled
    thousands of times holds a few. SEEN (the report's follow-ups): the follow-up items (as
    raised, no update applied) of each drill compared, made as it is read; with KEEP_LAST, of
    the older ones only those SEEN_PROBLEM accepts."""
    reading = _TrendReading(lang, with_figures, keep_last, seen, seen_problem)
    newest = None
    damaged: list[RecordSummary] = []
    left_out: list[tuple[str, UserError]] = []
    for order, (summary, events, state) in enumerate(drills_of_scenario(store, scenario_id, damaged)):
        if isinstance(state, JournalError):
            left_out.append((summary.record_id, state))
            continue
        reading.add(order, summary.record_id, events, state)
        newest = state.scenario
        if summary.record_id == up_to:
            break
    left_out = [(s.record_id, reason) for s in damaged for reason in s.reasons] + left_out
    if newest is None:
        return ScenarioTrend(scenario_id, scenario_id, [], [], [], left_out) if left_out else None
    # Like with like: the drills under the conditions of the drill reported on (or the newest).
    reading.note_seen()
    compared = reading.groups[reading.wanted]
    others, other_count = reading.others()
    drills = list(compared.kept)
    steps = []
    for step in newest.steps:  # the newest version decides which steps are shown, and their order
        trend = StepTrend(step.id, step.title.get(lang), step.target_minutes)
        for played in drills:
            # A step the drill's version did not have: no outcome recorded for it.
            trend.points.append(played.points.get(step.id) or TrendPoint(played.record_id, played.started, None,
                                                                           "pending"))
        steps.append(trend)
    return ScenarioTrend(scenario_id, newest.title.get(lang), [(p.record_id, p.started) for p in drills], steps,
                         [p.figures for p in drills if p.figures is not None], left_out,
                         drills[-1].conditions_text, [(p.record_id, p.conditions_text) for p in others],
                         not_shown=compared.count - len(drills), other_not_shown=other_count - len(others))


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
