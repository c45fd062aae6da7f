"""Figures across drills: per drill, per scenario, per phase, and who took part per 年度."""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field, fields
from datetime import datetime
from functools import partial
from typing import Any, Iterable, Iterator

from bcp_drill.drill.counts import DrillSummary, StepCounts
from bcp_drill.drill.figures_cache import FiguresCache, cache_enabled, fingerprint, print_mark
from bcp_drill.errors import UserError
from bcp_drill.fiscal import fiscal_year
from bcp_drill.i18n import Lang
from bcp_drill.records.journal import JournalError
from bcp_drill.records.store import RecordStore
from bcp_drill.wallclock import local_date, zone_key
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
    """Figures of every readable drill (optionally one scenario, one fiscal year), oldest first:
    `iter_drill_figures`, held in a list (for a screen that shows them all at once)."""
    return list(iter_drill_figures(store, lang, scenario_id, year, left_out, workers, phases))


def iter_drill_figures(store: RecordStore, lang: Lang = "ja", scenario_id: str | None = None,
                       year: int | None = None, left_out: list[tuple[str, UserError]] | None = None,
                       workers: int = 1, phases: bool = True) -> Iterator[DrillFigures]:
    """Figures of every readable drill (optionally one scenario, one fiscal year), oldest first,
    one drill at a time: a folder of any size is never held in memory.

    Every record that could not be counted (a damaged journal, a pinned scenario that cannot
    be read) is added to LEFT_OUT with the reason, as it is met. Unchanged journals are taken
    from the derived cache (drill/figures_cache.py) instead of being read again. WORKERS > 1
    reads the journals not in the cache in that many forked processes (a one-shot command
    only: a program with threads, such as the TUI, must not fork). PHASES=False leaves out
    each drill's figures per phase (and phase titles), for a caller that shows none.
    """
    held = _Holding(phases, scenario_id, year)
    cache = FiguresCache(store.root) if cache_enabled() else None
    try:
        entries = store.journal_ids()
        if cache is None or not cache.usable:
            for index, outcome in read_in_workers(partial(_read_chunk, store, lang),
                                                  list(enumerate(entries)), workers, _PARALLEL_FROM):
                yield from _wanted(entries[index], outcome, held, left_out)
            return
        variant = _cache_variant(store, lang)
        prints, to_read = _unchanged(store, entries, cache, variant)
        learnt = _read_and_keep(store, lang, entries, to_read, cache, variant, workers, prints)
        if len(to_read) == len(entries):  # none kept yet (a first tally): each figure handed on as it is kept
            for index, outcome, _kept in learnt:
                yield from _wanted(entries[index], outcome, held, left_out)
            return
        # Some kept, some not: the new ones kept first, then all taken out of the cache in record
        # order (the cache is not read and written at once); what may not be kept is held (few).
        not_kept = {index: outcome for index, outcome, kept in learnt if not kept}
        cache.flush()
        for index, record_id in enumerate(entries):
            outcome = (not_kept.pop(index) if index in not_kept
                       else _kept_or_read(store, lang, cache, variant, index, record_id, prints[index]))
            yield from _wanted(record_id, outcome, held, left_out)
    finally:
        if cache is not None:
            cache.close()


def _unchanged(store: RecordStore, entries: list[str], cache: FiguresCache,
               variant: str) -> tuple[array[int], list[tuple[int, str, str | None]]]:
    """A mark of each journal's fingerprint, by index (8 bytes a journal, to take the figures
    back out of the cache in record order), and the journals whose figures the cache does not
    hold for the journal as it is now (with that fingerprint, taken before they are read)."""
    prints: array[int] = array("q", bytes(8 * len(entries)))
    to_read = []
    for index, record_id in enumerate(entries):
        print_ = fingerprint(store.journal_of(record_id))
        prints[index] = print_mark(print_)
        if print_ is None or not cache.holds(record_id, variant, print_):
            to_read.append((index, record_id, print_))
    cache.end_reads()  # journals read below may take long: another process may write meanwhile
    return prints, to_read


def _read_and_keep(store: RecordStore, lang: Lang, entries: list[str], to_read: list[tuple[int, str, str | None]],
                   cache: FiguresCache, variant: str, workers: int,
                   prints: array[int]) -> Iterator[tuple[int, _Outcome, bool]]:
    """(index, outcome, whether kept) of each journal of TO_READ (read on WORKERS cores), in
    order, its figures put into the cache (and its mark into PRINTS) unless damaged or partly
    used: such a record is read (and named) again each time, never kept."""
    for index, (kind, figures, error, notices, print_) in read_in_workers(
            partial(_read_chunk_printed, store, lang), to_read, workers, _PARALLEL_FROM):
        prints[index] = print_mark(print_)
        kept = print_ is not None and error is None and not notices
        if kept:
            cache.put(entries[index], variant, print_,
                      {"kind": kind, "figures": figures_to_data(figures) if figures else None})
        yield index, (kind, figures, error, notices), kept


def _kept_or_read(store: RecordStore, lang: Lang, cache: FiguresCache, variant: str, index: int,
                  record_id: str, mark: int) -> _Outcome:
    """A journal's figures from the cache, or read here when not kept (damaged, partly used, or
    the cache could not keep them)."""
    cached = cache.get_proven(record_id, variant, mark)
    if cached is None:
        return _read_chunk(store, lang, [(index, record_id)])[0][1]
    return cached["kind"], figures_from_data(cached["figures"]) if cached["kind"] == "drill" else None, None, ()


def _wanted(record_id: str, outcome: _Outcome, held: _Holding,
            left_out: list[tuple[str, UserError]] | None) -> Iterator[DrillFigures]:
    """The drill's figures when of the scenario and year asked for; what could not be counted to LEFT_OUT."""
    _kind, figures, error, notices = outcome
    if left_out is not None:
        left_out.extend((record_id, notice) for notice in notices)
        if error is not None:
            left_out.append((record_id, error))
    kept = held(figures) if error is None else None
    if kept is not None:
        yield kept


def _cache_variant(store: RecordStore, lang: Lang) -> str:
    """The part of a cache key beside the journal: what else changes the figures."""
    # Titles follow the language and the 年度 the wall clock (wallclock.py): both are part of the key.
    # Figures proven with one seal key are not taken as proven with another (or none).
    return f"{lang}|{zone_key()}|{store.seal_key.key_id if store.seal_key else ''}"


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
        # Changed in place: FIGURES is always a fresh object (read, unpickled or taken from the cache).
        text = self._text
        if not self.phases:
            figures.summary.phases, figures.phase_titles = [], {}
        figures.scenario_id, figures.scenario_title = text(figures.scenario_id), text(figures.scenario_title)
        figures.drill_type, figures.conditions = text(figures.drill_type), text(figures.conditions)
        figures.participants = [text(p) for p in figures.participants]
        return figures


# What reading one journal gave: its kind, a drill's figures, or why it cannot be counted.
_Outcome = tuple[str, "DrillFigures | None", "UserError | None", "tuple[UserError, ...]"]

# Below this many journals to read, starting processes costs more than it saves.
_PARALLEL_FROM = 200


def _read_chunk(store: RecordStore, lang: Lang, to_read: list[tuple[int, str]]) -> list[tuple[int, _Outcome]]:
    """(index, outcome) of each journal in TO_READ (in a worker, or here)."""
    outcomes: list[tuple[int, _Outcome]] = []
    for index, record_id in to_read:
        summary, events = store.read_record(record_id, store.journal_of(record_id))
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


def _read_chunk_printed(store: RecordStore, lang: Lang,
                        to_read: list[tuple[int, str, str | None]]) -> list[tuple[int, tuple[Any, ...]]]:
    """As _read_chunk, each outcome with the journal's fingerprint, taken before it was read
    (a journal changed while being read is then not taken as the one whose figures are kept)."""
    outcomes = _read_chunk(store, lang, [(index, record_id) for index, record_id, _ in to_read])
    return [(index, (*outcome, print_)) for (index, outcome), (_, _, print_) in zip(outcomes, to_read, strict=True)]


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
        fiscal_year=fiscal_year(local_date(started.t0)),
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
    under_way: int = 0  # of DRILLS, those not ended: counted with what they have recorded so far


class FiguresTotals:
    """What the tables beside the drills table show, added up one drill at a time (the drills
    themselves are not held): per scenario and conditions, per phase of each conditions
    group (when PHASES), and who took part per 年度."""

    def __init__(self, phases: bool = True) -> None:
        self.drills = 0
        self._phases = phases
        self._scenarios: dict[tuple[str, str], ScenarioFigures] = {}
        # Per conditions (in the order first met): the newest drill (its phase order and
        # titles are the table's) and each phase's counts over every drill that has it.
        self._groups: dict[str, tuple[DrillFigures, dict[str, StepCounts]]] = {}
        self._years: dict[int, tuple[int, set[str]]] = {}

    def add(self, one: DrillFigures) -> None:
        self.drills += 1
        key = (one.scenario_id, one.conditions)
        row = self._scenarios.setdefault(key, ScenarioFigures(one.scenario_id, "", conditions=one.conditions))
        row.title, row.drills = one.scenario_title, row.drills + 1  # the newest drill's title
        row.counts.add_counts(one.summary.overall)
        row.under_way += not one.finished
        if self._phases:
            phases = self._groups.get(one.conditions, (one, {}))[1]
            for phase_id, counts in one.summary.phases:
                phases.setdefault(phase_id, StepCounts()).add_counts(counts)
            self._groups[one.conditions] = (one, phases)
        drills, people = self._years.get(one.fiscal_year, (0, set()))
        people.update(one.participants)
        self._years[one.fiscal_year] = (drills + 1, people)

    def counting(self, figures: Iterable[DrillFigures]) -> Iterator[DrillFigures]:
        """FIGURES handed on unchanged, each added here as it passes."""
        for one in figures:
            self.add(one)
            yield one

    def scenarios(self) -> list[ScenarioFigures]:
        """One row per scenario and conditions: an office-hours drill is never added to an
        out-of-hours one."""
        return [self._scenarios[key] for key in sorted(self._scenarios)]

    def phase_groups(self) -> list[tuple[DrillFigures, list[tuple[str, StepCounts]]]]:
        """Per group of the same conditions: its newest drill, and per phase (the newest drill's
        phase order and titles) the counts across the group's drills."""
        return [(newest, [(newest.phase_titles.get(pid, pid), phases[pid]) for pid, _ in newest.summary.phases])
                for newest, phases in self._groups.values()]

    def participation(self) -> list[tuple[int, int, int]]:
        """(fiscal year, drills held, distinct people who took part), oldest year first."""
        return [(year, drills, len(people)) for year, (drills, people) in sorted(self._years.items())]


def _totals(figures: Iterable[DrillFigures]) -> FiguresTotals:
    totals = FiguresTotals()
    for one in figures:
        totals.add(one)
    return totals


def by_scenario(figures: Iterable[DrillFigures]) -> list[ScenarioFigures]:
    """One row per scenario and conditions (FiguresTotals.scenarios)."""
    return _totals(figures).scenarios()


def by_conditions(figures: list[DrillFigures]) -> list[list[DrillFigures]]:
    """The drills of one scenario in groups of the same conditions, each oldest first."""
    grouped: dict[str, list[DrillFigures]] = {}
    for one in figures:
        grouped.setdefault(one.conditions, []).append(one)
    return list(grouped.values())


def participation(figures: Iterable[DrillFigures]) -> list[tuple[int, int, int]]:
    """(fiscal year, drills held, distinct people who took part), oldest year first."""
    return _totals(figures).participation()
