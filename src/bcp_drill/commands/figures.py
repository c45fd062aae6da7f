"""tally, trend and plan-summary: the figures of reviews and drills, in text, md, csv, json or a report."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeGuard

from bcp_drill.commands import CommandContext
from bcp_drill.commands.output import emit, left_out_notes, write_output
from bcp_drill.commands.records import store_of
from bcp_drill.drill.tally import FiguresTotals, iter_drill_figures
from bcp_drill.errors import UserError
from bcp_drill.fiscal import fiscal_year, fiscal_year_label, parse_fiscal_year
from bcp_drill.records.store import RecordStore, RecordSummary
from bcp_drill.render.tallies import (
    drills_table,
    participation_table,
    phases_table,
    review_tally_data,
    review_tally_table,
    scenarios_table,
)
from bcp_drill.wallclock import local_date

if TYPE_CHECKING:
    from bcp_drill.i18n import Translator
    from bcp_drill.records.events import DrillStarted


def _drill_started(first: object) -> TypeGuard[DrillStarted]:
    """FIRST (a journal's first event, or None) starts a drill; the event models load only
    when there is an event to look at, so a tally from the figures cache never loads them."""
    if first is None:
        return False
    from bcp_drill.records import events as ev

    return isinstance(first, ev.DrillStarted)


def _year(ctx: CommandContext, text: str | None) -> tuple[int | None, int | None]:
    if text is None:
        return None, None
    year = parse_fiscal_year(text)
    if year is None:
        return None, ctx.fail(ctx.t("cli.bad_year", value=text))
    return year, None


def _asked(subject: str | None, year: int | None, t: Translator) -> str:
    """What a tally asked for, in words: "'plan-review-3rd' for FY2020", "'x'", "FY2020"."""
    named = t("cli.asked_subject", subject=subject) if subject else ""
    when = fiscal_year_label(year, t.lang) if year is not None else ""
    return t("cli.asked_in_year", what=named, year=when) if named and when else named or when


def _records_there(store: RecordStore, kind: str, t: Translator) -> str:
    """Each scenario or checklist the folder has drills or reviews of, with their 年度, from each
    record's first line: "plan-review-3rd (FY2025, FY2026)" (a hint beside "none found", no figure)."""
    years: dict[str, set[int]] = {}
    for _, first in store.first_lines():
        if not isinstance(first, dict) or first.get("type") != f"{kind}_started":
            continue
        try:
            year = (int(first["fiscal_year"]) if kind == "review"
                    else fiscal_year(local_date(datetime.fromisoformat(str(first["t0"])))))
        except (KeyError, TypeError, ValueError):
            continue
        years.setdefault(str(first.get("checklist_id" if kind == "review" else "scenario_id")), set()).add(year)
    if not years:
        return t("cli.none_there")
    return ", ".join(f"{subject} ({', '.join(fiscal_year_label(y, t.lang) for y in sorted(found))})"
                     for subject, found in sorted(years.items()))


def tally(ctx: CommandContext, record: str | None, checklist: str | None, year_text: str | None,
          drills: bool, scenario: str | None, fmt: str, output: Path | None, blank_zero: bool = False) -> int:
    t = ctx.t
    year, failed = _year(ctx, year_text)
    if failed is not None:
        return failed
    store = store_of(ctx)
    first = None
    events: list = []
    if record is not None:
        if not store.exists(record):
            return ctx.fail(t("cli.record_not_found", record=record, folder=str(store.root)))
        summary, events = store.read_record(record, store.path_of(record))
        if summary.error is not None:  # damaged, or does not prove: never tallied as if all were well
            return ctx.fail(summary.error.render(t))
        first = events[0]
    if drills or scenario or _drill_started(first):
        return _drill_tally(ctx, store, first, scenario, year, fmt, output)
    if first is None:
        damaged: list[RecordSummary] = []
        for _, found in store.readable("review", subject_id=checklist, damaged=damaged):
            if year is None or found[0].fiscal_year == year:
                events, first = found, found[0]  # the newest matching review wins
        if first is None:
            left_out_notes(ctx, None, [(s.record_id, reason) for s in damaged for reason in s.reasons])
            if checklist is None and year is None:
                return ctx.fail(t("cli.no_reviews", folder=str(store.root)))
            return ctx.fail(t("cli.no_reviews_asked", what=_asked(checklist, year, t), folder=str(store.root),
                              there=_records_there(store, "review", t)))
    from bcp_drill.review.session import pinned_checklist
    from bcp_drill.review.state import ReviewState
    from bcp_drill.review.tally import tally_review

    checklist_model, scale = pinned_checklist(first)
    state = ReviewState.from_events(checklist_model, scale, events)
    result = tally_review(state)
    table = review_tally_table(result, state, t, blank_zero)
    if record is None:  # the newest review was picked from the folder: say what could not be read
        table.notes += left_out_notes(ctx, store)
    return emit(ctx, [(table, review_tally_data(result, state, table))], fmt, output)


def _drill_tally(ctx: CommandContext, store: RecordStore, first: object, scenario: str | None,
                 year: int | None, fmt: str, output: Path | None) -> int:
    """The drills table with, beside it, per phase (one scenario or record) or per scenario,
    and who took part: the drills are read one at a time (their rows go to a temporary file)
    and the other tables added up as they pass, so a folder of any size fits in memory."""
    t = ctx.t
    left_out: list[tuple[str, UserError]] = []
    one_scenario = bool(_drill_started(first) or scenario)
    # A whole process (not a test calling in): journals not in the cache are read on every core.
    figures = iter_drill_figures(store, t.lang, scenario_id=scenario, year=year, left_out=left_out,
                                 workers=(os.cpu_count() or 1) if ctx.whole_process else 1,
                                 phases=one_scenario)  # per phase only for one scenario
    if _drill_started(first):
        record_id = first.record_id
        figures = (f for f in figures if f.record_id == record_id)
    totals = FiguresTotals(phases=one_scenario)
    table = drills_table(totals.counting(figures), t)
    if not _drill_started(first):
        table.notes += left_out_notes(ctx, None, left_out)  # iter_drill_figures saw every journal
    if not totals.drills:
        if scenario is None and year is None:
            return ctx.fail(t("cli.no_drills", folder=str(store.root)))
        return ctx.fail(t("cli.no_drills_asked", what=_asked(scenario, year, t), folder=str(store.root),
                          there=_records_there(store, "drill", t)))
    parts = [(table, None)]
    if one_scenario:
        for newest, phases in totals.phase_groups():  # per phase, never across conditions
            title = newest.scenario_title + (f" ({newest.conditions})" if newest.conditions else "")
            parts.append((phases_table(phases, title, t), None))
    else:
        parts.append((scenarios_table(totals.scenarios(), t), None))
    parts.append((participation_table(totals.participation(), t), None))
    return emit(ctx, parts, fmt, output)


def trend(ctx: CommandContext, scenario: str) -> int:
    from bcp_drill.render.reports import trend_table
    from bcp_drill.render.tables import left_out_note, render_text
    from bcp_drill.reports.trend import scenario_trend

    t = ctx.t
    result = scenario_trend(store_of(ctx), scenario, t.lang, with_figures=False)  # the table shows none
    if result is None:
        return ctx.fail(t("cli.no_drills_of", scenario=scenario))
    if not result.drills:
        for record_id, reason in result.left_out:
            ctx.print(left_out_note(t, record_id, reason))
        return ctx.fail(t("cli.no_drills_of", scenario=scenario))
    ctx.print(render_text(trend_table(result, t)))
    for record_id, reason in result.left_out:  # on stderr too, as tally warns
        print(f"bcp-drill: {t('cli.warning_prefix')}: {left_out_note(t, record_id, reason)}", file=ctx.err)
    return 0


def plan_summary(ctx: CommandContext, checklist_id: str, year_texts: list[str], fmt: str,
                 output: Path | None, blank_zero: bool = True) -> int:
    """A checklist's reviews over the plan's fiscal years, with the final year's table."""
    from bcp_drill.fiscal import parse_fiscal_year
    from bcp_drill.render.plan_period import render_plan_period
    from bcp_drill.reports.plan_period import plan_period

    t = ctx.t
    years = [parse_fiscal_year(text) for text in year_texts]
    for text, year in zip(year_texts, years, strict=True):
        if year is None:
            return ctx.fail(t("cli.bad_year", value=text))
    first, last = sorted(y for y in years if y is not None)
    store = store_of(ctx)
    period = plan_period(store, checklist_id, first, last, t.lang)
    if period is None:
        return ctx.fail(t("plan.no_reviews", checklist=checklist_id))
    return write_output(ctx, render_plan_period(period, fmt, t, store.clock(), blank_zero), fmt, output)
