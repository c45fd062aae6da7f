"""Figures across drills: per drill, per scenario, per phase, and who took part per 年度."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bcp_drill.drill.session import pinned_scenario
from bcp_drill.drill.state import DrillState
from bcp_drill.drill.view import DrillSummary, StepCounts, summarize
from bcp_drill.errors import UserError
from bcp_drill.fiscal import fiscal_year
from bcp_drill.i18n import Lang
from bcp_drill.records import events as ev
from bcp_drill.records.journal import JournalError
from bcp_drill.records.store import RecordStore


@dataclass
class DrillFigures:
    record_id: str
    scenario_id: str
    scenario_title: str
    drill_type: str
    started_at: datetime
    fiscal_year: int
    participants: list[str]
    finished: bool
    summary: DrillSummary
    phase_titles: dict[str, str]


def drill_figures(store: RecordStore, lang: Lang = "ja", scenario_id: str | None = None,
                  year: int | None = None, left_out: list[tuple[str, UserError]] | None = None
                  ) -> list[DrillFigures]:
    """Figures of every readable drill (optionally one scenario, one fiscal year), oldest first.

    A drill whose pinned scenario cannot be read is added to LEFT_OUT with the reason; records
    that cannot be read at all are `store.unreadable()`.
    """
    found = []
    for summary, events in store.readable("drill", subject_id=scenario_id):
        started = events[0]
        assert isinstance(started, ev.DrillStarted)
        if scenario_id and started.scenario_id != scenario_id:
            continue
        fy = fiscal_year(started.t0.astimezone().date())
        if year is not None and fy != year:
            continue
        try:
            scenario = pinned_scenario(started)
        except JournalError as error:
            if left_out is not None:
                left_out.append((summary.record_id, error))
            continue
        state = DrillState.from_events(scenario, events)
        found.append(DrillFigures(
            record_id=summary.record_id, scenario_id=started.scenario_id,
            scenario_title=scenario.title.get(lang), drill_type=started.drill_type,
            started_at=started.at, fiscal_year=fy,
            participants=[p.name for p in started.participants], finished=state.ended is not None,
            summary=summarize(state, events[-1].at),
            phase_titles={p.id: p.title.get(lang) for p in scenario.phases}))
    return found


@dataclass
class ScenarioFigures:
    scenario_id: str
    title: str
    drills: int = 0
    counts: StepCounts = field(default_factory=StepCounts)


def by_scenario(figures: list[DrillFigures]) -> list[ScenarioFigures]:
    grouped: dict[str, list[DrillFigures]] = {}
    for one in figures:
        grouped.setdefault(one.scenario_id, []).append(one)
    return [ScenarioFigures(sid, items[-1].scenario_title, len(items),
                            StepCounts.merged([f.summary.overall for f in items]))
            for sid, items in sorted(grouped.items())]


def by_phase(figures: list[DrillFigures]) -> list[tuple[str, StepCounts]]:
    """Per phase of one scenario, across its drills (phase order of the newest drill)."""
    if not figures:
        return []
    order = [pid for pid, _ in figures[-1].summary.phases]
    merged = []
    for phase_id in order:
        counts = [dict(f.summary.phases).get(phase_id) for f in figures]
        merged.append((figures[-1].phase_titles.get(phase_id, phase_id),
                       StepCounts.merged([c for c in counts if c is not None])))
    return merged


def participation(figures: list[DrillFigures]) -> list[tuple[int, int, int]]:
    """(fiscal year, drills held, distinct people who took part), oldest year first."""
    years: dict[int, tuple[int, set[str]]] = {}
    for one in figures:
        drills, people = years.get(one.fiscal_year, (0, set()))
        years[one.fiscal_year] = (drills + 1, people | set(one.participants))
    return [(year, drills, len(people)) for year, (drills, people) in sorted(years.items())]
