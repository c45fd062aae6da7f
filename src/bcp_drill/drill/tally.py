"""Figures across drills: per drill, per scenario, per phase, and who took part per 年度."""

from __future__ import annotations

import time
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from bcp_drill.drill.counts import DrillSummary, StepCounts
from bcp_drill.drill.figures_cache import FiguresCache, cache_enabled, fingerprint
from bcp_drill.errors import UserError
from bcp_drill.fiscal import fiscal_year
from bcp_drill.i18n import Lang
from bcp_drill.records.journal import JournalError
from bcp_drill.records.store import RecordStore
from bcp_drill.workers import read_in_workers


@dataclass(slots=True)  # one per drill, held until the tables are made
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
    # The scenario's condition values this drill played ("発生時間帯: 就業時間内; 震度: 6強"; "" when
    # it has none): drills are compared only with drills of the same conditions.
    conditions: str = ""


def drill_figures(store: RecordStore, lang: Lang = "ja", scenario_id: str | None = None,
                  year: int | None = None, left_out: list[tuple[str, UserError]] | None = None,
                  workers: int = 1, phases: bool = True) -> list[DrillFigures]:
    """Figures of every readable drill (optionally one scenario, one fiscal year), oldest first.

    Every record that could not be counted (a damaged journal, a pinned scenario that cannot
    be read) is added to LEFT_OUT with the reason. Unchanged journals are taken from the
    derived cache (drill/figures_cache.py) instead of being read again. WORKERS > 1 reads the
    journals not in the cache in that many forked processes (a one-shot command only: a
    program with threads, such as the TUI, must not fork). PHASES=False leaves out each drill's
    figures per phase (and phase titles), for a caller that shows none: a large folder's
    figures are then held in far less memory.
    """
    cache = FiguresCache(store.root) if cache_enabled() else None
    try:
        entries = store.journal_ids()
        outcomes = _outcomes(store, lang, entries, cache, workers, _Holding(phases, scenario_id, year))
    finally:
        if cache is not None:
            cache.close()
    return _figures_wanted(entries, outcomes, scenario_id, year, left_out)


def _cache_variant(store: RecordStore, lang: Lang) -> str:
    """The part of a cache key beside the journal: what else changes the figures."""
    # Titles follow the language and the 年度 the local time zone: both are part of the key.
    # Figures proven with one seal key are not taken as proven with another (or none).
    return f"{lang}|{time.strftime('%z')}|{time.tzname[0]}|{store.seal_key.key_id if store.seal_key else ''}"


class _Holding:
    """How a drill's figures are held until the tables are made: the text repeated from drill to
    drill (titles, names, conditions) shared, not one copy per drill; without the per-phase
    figures when they are not wanted; those of another scenario or year not at all."""

    def __init__(self, phases: bool, scenario_id: str | None, year: int | None) -> None:
        self.phases = phases
        self.scenario_id = scenario_id
        self.year = year
        self._texts: dict[str, str] = {}

    def _text(self, text: str) -> str:
        return self._texts.setdefault(text, text)

    def __call__(self, figures: DrillFigures | None) -> DrillFigures | None:
        if figures is None or (self.scenario_id and figures.scenario_id != self.scenario_id):
            return None
        if self.year is not None and figures.fiscal_year != self.year:
            return None
        text = self._text
        summary = figures.summary
        if not self.phases:
            summary = replace(summary, phases=[])
        return replace(figures, scenario_id=text(figures.scenario_id), scenario_title=text(figures.scenario_title),
                       drill_type=text(figures.drill_type), participants=[text(p) for p in figures.participants],
                       summary=summary, phase_titles=figures.phase_titles if self.phases else {},
                       conditions=text(figures.conditions))


def _outcomes(store: RecordStore, lang: Lang, entries: list[str], cache: FiguresCache | None,
              workers: int, held: _Holding) -> list[_Outcome]:
    """What each journal of ENTRIES gave, from the cache when unchanged, else read (and cached)."""
    variant = _cache_variant(store, lang)
    outcomes: list[_Outcome | None] = [None] * len(entries)
    to_read: list[tuple[int, str, Path]] = []
    prints: dict[int, str] = {}
    for index, record_id in enumerate(entries):
        path = store.journal_of(record_id)
        print_ = fingerprint(path) if cache is not None else None
        cached = cache.get(record_id, variant, print_) if cache is not None and print_ else None
        if cached is not None:
            figures = figures_from_data(cached["figures"]) if cached["kind"] == "drill" else None
            outcomes[index] = (cached["kind"], held(figures), None, ())
        else:
            to_read.append((index, record_id, path))
            if print_:
                prints[index] = print_
    if cache is not None:
        cache.end_reads()  # journals read below may take long: another process may write meanwhile
    for index, outcome in read_in_workers(partial(_read_chunk, store, lang), to_read, workers, _PARALLEL_FROM):
        kind, figures, error, notices = outcome
        outcomes[index] = (kind, held(figures), error, notices)
        # A record with a part left out is read (and named) again each time, never kept.
        if cache is not None and index in prints and error is None and not notices:
            cache.put(entries[index], variant, prints[index],
                      {"kind": kind, "figures": figures_to_data(figures) if figures else None})
    assert all(outcome is not None for outcome in outcomes)  # every entry was found in the cache or read
    return [outcome for outcome in outcomes if outcome is not None]


def _figures_wanted(entries: list[str], outcomes: list[_Outcome], scenario_id: str | None,
                    year: int | None, left_out: list[tuple[str, UserError]] | None) -> list[DrillFigures]:
    """The drills' figures of SCENARIO_ID and YEAR (when given); what could not be counted goes to LEFT_OUT."""
    found: list[DrillFigures] = []
    for record_id, (_kind, figures, error, notices) in zip(entries, outcomes, strict=True):
        if left_out is not None:
            left_out.extend((record_id, notice) for notice in notices)
        if error is not None:
            if left_out is not None:
                left_out.append((record_id, error))
            continue
        if figures is None or (scenario_id and figures.scenario_id != scenario_id):
            continue
        if year is not None and figures.fiscal_year != year:
            continue
        found.append(figures)
    return found


# What reading one journal gave: its kind, a drill's figures, or why it cannot be counted.
_Outcome = tuple[str, "DrillFigures | None", "UserError | None", "tuple[UserError, ...]"]

# Below this many journals to read, starting processes costs more than it saves.
_PARALLEL_FROM = 200


def _read_chunk(store: RecordStore, lang: Lang, to_read: list[tuple[int, str, Path]]) -> list[tuple[int, _Outcome]]:
    """(index, outcome) of each journal in TO_READ (in a worker, or here)."""
    outcomes: list[tuple[int, _Outcome]] = []
    for index, record_id, path in to_read:
        summary, events = store.read_record(record_id, path)
        if summary.error is not None:
            outcomes.append((index, (summary.kind, None, summary.error, summary.notices)))
        elif summary.kind != "drill":
            outcomes.append((index, (summary.kind, None, None, summary.notices)))
        else:
            try:
                outcomes.append((index, ("drill", _figures_of(record_id, events, lang), None, summary.notices)))
            except JournalError as error:
                outcomes.append((index, ("drill", None, error, summary.notices)))
    return outcomes


def _figures_of(record_id: str, events: list, lang: Lang) -> DrillFigures:
    # The content and event models load only when a journal is read, not for cached figures.
    from bcp_drill.drill.pinned import pinned_scenario
    from bcp_drill.drill.state import DrillState
    from bcp_drill.drill.view import summarize
    from bcp_drill.records import events as ev

    started = events[0]
    assert isinstance(started, ev.DrillStarted)

    from bcp_drill.drill.wording import conditions_text
    from bcp_drill.i18n import Translator

    scenario = pinned_scenario(started)
    state = DrillState.from_events(scenario, events)
    return DrillFigures(
        record_id=record_id, scenario_id=started.scenario_id, scenario_title=scenario.title.get(lang),
        drill_type=started.drill_type, started_at=started.at,
        fiscal_year=fiscal_year(started.t0.astimezone().date()),
        participants=[p.name for p in started.participants], finished=state.ended is not None,
        summary=summarize(state, events[-1].at), phase_titles={p.id: p.title.get(lang) for p in scenario.phases},
        conditions=conditions_text(state, Translator(lang)) if scenario.conditions else "")


def _counts_data(counts: StepCounts) -> dict[str, Any]:
    # Field by field: dataclasses.asdict deep-copies every value and cost more than reading the journal.
    data = {name: getattr(counts, name) for name in _COUNT_FIELDS}
    data["ratings"] = dict(counts.ratings)
    return data


def figures_to_data(figures: DrillFigures) -> dict[str, Any]:
    summary = figures.summary
    return {
        "record_id": figures.record_id, "scenario_id": figures.scenario_id,
        "scenario_title": figures.scenario_title, "drill_type": figures.drill_type,
        "started_at": figures.started_at.isoformat(), "fiscal_year": figures.fiscal_year,
        "participants": list(figures.participants), "finished": figures.finished,
        "summary": {"overall": _counts_data(summary.overall),
                    "phases": [[pid, _counts_data(counts)] for pid, counts in summary.phases],
                    "elapsed_seconds": summary.elapsed_seconds, "injects_delivered": summary.injects_delivered,
                    "injects_total": summary.injects_total, "problems": summary.problems},
        "phase_titles": dict(figures.phase_titles), "conditions": figures.conditions,
    }


def figures_from_data(data: dict[str, Any]) -> DrillFigures:
    summary = dict(data["summary"])
    summary["overall"] = StepCounts(**summary["overall"])
    summary["phases"] = [(pid, StepCounts(**counts)) for pid, counts in summary["phases"]]
    return DrillFigures(**{**data, "started_at": datetime.fromisoformat(data["started_at"]),
                           "summary": DrillSummary(**summary)})


_COUNT_FIELDS = tuple(f.name for f in fields(StepCounts) if f.name != "ratings")


@dataclass
class ScenarioFigures:
    scenario_id: str
    title: str
    drills: int = 0
    counts: StepCounts = field(default_factory=StepCounts)
    conditions: str = ""  # drills of one scenario under other conditions are another row


def by_scenario(figures: list[DrillFigures]) -> list[ScenarioFigures]:
    """One row per scenario and conditions: an office-hours drill is never added to an
    out-of-hours one."""
    grouped: dict[tuple[str, str], list[DrillFigures]] = {}
    for one in figures:
        grouped.setdefault((one.scenario_id, one.conditions), []).append(one)
    return [ScenarioFigures(sid, items[-1].scenario_title, len(items),
                            StepCounts.merged([f.summary.overall for f in items]), conditions)
            for (sid, conditions), items in sorted(grouped.items())]


def by_conditions(figures: list[DrillFigures]) -> list[list[DrillFigures]]:
    """The drills of one scenario in groups of the same conditions, each oldest first."""
    grouped: dict[str, list[DrillFigures]] = {}
    for one in figures:
        grouped.setdefault(one.conditions, []).append(one)
    return list(grouped.values())


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
