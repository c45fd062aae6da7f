"""Reports in Markdown, HTML, CSV and XLSX, from the report data in bcp_drill.reports."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any, Sequence

from bcp_drill import __version__
from bcp_drill.drill.counts import (
    MINUTE_FORMAT,
    NumberText,
    change_text,
    format_elapsed,
    format_minutes,
    format_percent,
    target_text,
)
from bcp_drill.drill.ratings import RATINGS
from bcp_drill.drill.wording import TimelineLine, rating_label
from bcp_drill.i18n import Translator
from bcp_drill.render import tables
from bcp_drill.render.markdown import md_cell, md_line, md_text
from bcp_drill.render.tables import Column, DrillTime, Table
from bcp_drill.render.tallies import (
    drill_figures_table,
    main_issues_table,
    review_tally_table,
)
from bcp_drill.render.text_table import cell_width
from bcp_drill.reports.drill_report import DrillReport
from bcp_drill.reports.review_report import ReviewReport
from bcp_drill.reports.trend import ScenarioTrend, StepTrend, TrendPoint
from bcp_drill.wallclock import local, local_date

if TYPE_CHECKING:
    from jinja2 import Environment

    from bcp_drill.followups.items import FollowUp


@cache
def _environment(html: bool) -> Environment:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("bcp_drill.render", "templates"),
        autoescape=html,  # every value typed by a user is escaped in HTML
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["md"] = md_text
    env.filters["md_line"] = md_line
    env.filters["cell"] = md_cell
    return env


def outcome_label(code: str, t: Translator) -> str:
    """A trend point's outcome: the rating letter, or not done / skipped / no outcome in words."""
    if code in RATINGS:
        return code
    return t({"not_done": "status.not_done", "skipped": "status.skipped",
              "not_applicable": "status.not_applicable"}.get(code, "tui.col_pending"))


def _local(moment: datetime | None, pattern: str = MINUTE_FORMAT) -> str:
    return local(moment).strftime(pattern) if moment else "-"


def _moment(moment: datetime | None) -> str:
    """A moment as words ("2026-02-10 10:00"), and in a spreadsheet a date and time on the wall
    clock, so that it sorts and filters as one."""
    if moment is None:
        return "-"
    return NumberText(_local(moment), local(moment).replace(tzinfo=None), "yyyy-mm-dd hh:mm")


def _helpers(t: Translator, generated_at: datetime) -> dict[str, Any]:
    def cell(value: Any) -> str:
        return format_percent(value) if isinstance(value, float) else str(value)

    return {
        "t": t, "lang": t.lang, "version": __version__, "generated_at": _local(generated_at),
        "local": _local, "elapsed": format_elapsed, "minutes": format_minutes,
        "rating_label": lambda code: rating_label(code, t), "outcome_label": lambda code: outcome_label(code, t),
        "cell": cell,
        "trend_target": lambda step: trend_target(step, t), "spans": spans_of,
    }


def spans_of(table: Table, level: str) -> list[tuple[str, int]]:
    """(heading, how many columns it spans) along one heading row, for HTML colspans."""
    return [(heading, last - first + 1) for heading, first, last in tables._spans(table.columns, level)]


# ---------------------------------------------------------------- drill report


def scenario_moment(report: DrillReport, entry: TimelineLine) -> datetime:
    """When an event happens inside the scenario: T0 (the moment it plays) plus the drill clock."""
    return report.t0 + timedelta(seconds=entry.elapsed_seconds)


def figures_table(report: DrillReport, t: Translator) -> Table:
    table = drill_figures_table(report.summary, report.phase_titles, t, t("report.figures"))
    if report.occurrences:  # how a repeated step counts, under the figures it is left out of
        table.notes.append(t("repeat.rule"))
    return table


def duration_words(minutes: float, t: Translator) -> str:
    """Minutes in the UI language's words: 6 → "6分" / "6 min", 4325 → "72時間5分" / "72 h 5 min"."""
    total = round(abs(minutes))
    hours, mins = divmod(total, 60)
    sign = "-" if minutes < 0 and total else ""
    if hours and mins:
        return sign + t("report.hours_minutes", hours=hours, minutes=mins)
    if hours:
        return sign + t("report.hours", hours=hours)
    return sign + t("report.minutes", minutes=mins)


def trend_cell(point: TrendPoint, t: Translator) -> str:
    """One drill's result for a step: its time and rating, with "late" in words; or the outcome in
    words (skipped, not done, no outcome, not applicable), never a letter that reads as a rating."""
    if point.elapsed_seconds is None:
        return outcome_label(point.outcome, t)
    # Rounded up to the minute, as lateness is: a time is within a whole-minute target exactly
    # when its minutes are (30:15 against 30 reads 31, never 30 beside "late").
    minutes = -(-point.elapsed_seconds // 60)
    text = f"{duration_words(minutes, t)} {outcome_label(point.outcome, t)}".strip()
    return text + (t("report.trend_late") if point.late else "")


def trend_table(trend: ScenarioTrend, t: Translator, current: str = "") -> Table:
    """Step × drill, oldest drill first, with the change from the first drill to the last; the
    drill the report is about (CURRENT) is marked."""
    columns = [Column("step", t("report.step")), Column("target", t("report.target"))]
    days = [_local(started, "%Y-%m-%d") for _, started in trend.drills]
    for index, (record_id, started) in enumerate(trend.drills):
        # Two drills on one day are told apart by the time they started.
        label = _local(started) if days.count(days[index]) > 1 else days[index]
        label += t("report.this_drill_mark") if record_id == current else ""
        columns.append(Column(f"drill{index}", label))
    columns.append(Column("change", t("report.exec_col_change"), ">"))
    rows = []
    for step in trend.steps:
        change = step.change_minutes()
        rows.append([step.title, trend_target(step, t), *[trend_cell(p, t) for p in step.points],
                     "" if change is None else trend_change(change, t)])
    notes = [t("report.trend_note", count=len(trend.drills))]
    if trend.not_shown:  # a report's trend: the newest drills only
        notes.append(t("report.trend_not_shown", count=trend.not_shown, scenario=trend.scenario_id))
    notes.append(t("report.trend_rule"))
    if trend.conditions:
        notes.append(t("report.trend_conditions", conditions=trend.conditions))
    if trend.other_not_shown:
        notes.append(t("report.trend_other_not_shown", count=trend.other_not_shown, scenario=trend.scenario_id))
    notes += [t("report.trend_other_conditions", record=record_id, conditions=conditions or "-")
              for record_id, conditions in trend.other_conditions]
    notes += [tables.left_out_note(t, record_id, reason) for record_id, reason in trend.left_out]
    return Table(t("report.trend_heading", title=trend.title, count=len(trend.drills)), columns, rows, notes)


def trend_target(step: StepTrend, t: Translator) -> str:
    return target_text(step.target_minutes) if step.target_minutes is not None else t("report.target_varies")


def trend_change(change_minutes: float, t: Translator) -> NumberText:
    """"-1時間5分" in words; in a spreadsheet the number of minutes (-65), in minutes."""
    minutes = round(change_minutes)
    words = "±0" if minutes == 0 else ("+" if minutes > 0 else "") + duration_words(change_minutes, t)
    return NumberText(words, minutes, change_text(minutes, t("report.exec_minutes", minutes="\x00")).excel_format)


def render_drill_report(report: DrillReport, fmt: str, t: Translator) -> bytes:
    if fmt == "pdf":
        from bcp_drill.render.pdf import html_to_pdf

        return html_to_pdf(render_drill_report(report, "html", t))
    if fmt == "xlsx":
        return drill_report_xlsx(report, t)
    if fmt == "csv":
        return _csv_bytes([table for _, table in drill_report_sheets(report, t)])
    figures = figures_table(report, t)
    context = {"r": report, "figures": figures, "today": local_date(report.generated_at),
               "scenario_time": lambda entry: _local(scenario_moment(report, entry), "%m-%d %H:%M"),
               **_helpers(t, report.generated_at)}
    context["trend_table"] = trend_table(report.trend, t, report.record_id) if report.trend else None
    if fmt == "html":
        return _environment(True).get_template("drill_report.html.j2").render(context).encode("utf-8")
    context["figures_md"] = tables.render_markdown(figures).replace("## ", "### ", 1)
    context["trend_md"] = (tables.render_markdown(context["trend_table"]).replace("## ", "### ", 1)
                           if report.trend else "")
    return _environment(False).get_template("drill_report.md.j2").render(context).encode("utf-8")


def drill_report_sheets(report: DrillReport, t: Translator) -> list[tuple[str, Table]]:
    """Every part of the report as a table, with the name of its spreadsheet tab."""
    plan = improvement_plan_table(report.improvement_plan, t, local_date(report.generated_at))
    tables = [*executive_tables(report, t), ("overview", _overview_table(report, t)),
              ("objectives", _objectives_table(report, t)), ("steps", _steps_table(report, t)),
              ("figures", figures_table(report, t))]
    if report.decisions:
        tables.append(("decisions", _decisions_table(report, t)))
    if report.injects:
        tables.append(("injects", _injects_table(report, t)))
    if report.values:
        tables.append(("values", _values_table(report, t)))
    if report.occurrences:
        tables.append(("occurrences", _occurrences_table(report, t)))
    if report.deputies or report.unreachable:
        tables.append(("deputies", _deputies_table(report, t)))
    if report.systems:
        tables.append(("systems", _systems_table(report, t)))
    tables += [("timeline", _timeline_table(report, t)), ("followups", plan)]
    if report.observations:
        tables.append(("observations", _observations_table(report, t)))
    if report.trend:
        tables.append(("trend", trend_table(report.trend, t, report.record_id)))
    return [(t(f"report.sheet_{key}"), table) for key, table in tables]


def _overview_table(report: DrillReport, t: Translator) -> Table:
    """The drill at a glance: scenario, when and where, the record, who took part, the hotwash."""
    return Table(t("report.overview"), [Column("key", t("report.item")), Column("value", t("report.value"))], [
        [t("report.organisation"), report.organisation], [t("report.scenario"), report.scenario_title],
        [t("report.version"), report.scenario_version], [t("report.hazard"), report.hazard],
        [t("report.drill_type"), report.drill_type],
        [t("report.date"), _moment(report.started_at)], [t("report.t0"), _moment(report.t0)],
        [t("report.place"), report.place],
        *([[t("tui.conditions"), report.conditions]] if report.conditions else []),
        [t("report.duration"), report.duration],
        [t("report.record"), report.record_id], [t("report.record_hash"), report.record_hash],
        *([[t("report.record_notices"), notice] for notice in report.record_notices]),
        [t("report.imported"), t("report.imported_detail", file=report.imported_from, by=report.imported_by)
         if report.imported_from else ""],
        [t("report.participants"), "; ".join(f"{p.name} ({t('drill_role.' + p.role)})" for p in report.participants)],
        [t("report.recorders"), ", ".join(report.recorders)],
        *([[t("report.drill_notes"), note] for note in report.notes]),
        [t("tui.hotwash_strengths"), report.strengths], [t("tui.hotwash_improvements"), report.improvements]])


def _steps_table(report: DrillReport, t: Translator) -> Table:
    return Table(t("report.steps"), [
        Column("phase", t("report.phase")), Column("step", t("report.step")), Column("role", t("report.role")),
        Column("target", t("report.target")), Column("actual", t("report.actual")),
        Column("late", t("report.late_minutes"), ">"), Column("status", t("report.result")),
        Column("rating", t("report.rating")), Column("reason", t("tui.reason")),
        Column("checks_done", t("report.checks_done_col"), ">"),
        Column("checks_total", t("report.checks_total_col"), ">"),
        Column("notes", t("report.notes")), Column("deputies", t("tui.deputy_acted"))],
        [[s.phase, s.title, s.role,
          DrillTime(s.target_seconds, short=True) if s.target_seconds is not None else s.target,
          DrillTime(s.actual_seconds) if s.actual_seconds is not None else "", s.late_minutes,
          t("status." + s.status.value) + (f" {t('report.step_disputed')}" if s.disputed else ""), s.rating,
          s.reason, s.checks_done if s.checks_total else None,
          s.checks_total or None, " / ".join(s.notes), s.deputies]
         for s in report.steps])


def _timeline_table(report: DrillReport, t: Translator) -> Table:
    return Table(t("report.timeline"), [Column("seq", "#", ">"), Column("elapsed", "T+"),
                                        Column("scenario_time", t("report.scenario_time")),
                                        Column("time", t("report.time")), Column("event", t("report.event")),
                                        Column("by", t("report.by")), Column("correction", t("report.correction"))],
                 [[e.ref if e.console else e.seq, DrillTime(e.elapsed_seconds), scenario_moment(report, e), e.at,
                   e.text, e.by, e.correction] for e in report.timeline], [t("report.timeline_times")])


def _objectives_table(report: DrillReport, t: Translator) -> Table:
    return Table(t("report.objectives"), [
        Column("objective", t("report.objective")), Column("rating", t("report.rating")),
        Column("decided_by", t("report.objective_decided_by")), Column("derived", t("report.objective_derived")),
        Column("override", t("report.objective_override")),
        Column("steps", t("report.objective_steps"))],
        [[o.title, o.rating, o.decided_by, o.derived, o.override, " / ".join(o.steps)] for o in report.objectives],
        [t("report.objective_rule")])


def _decisions_table(report: DrillReport, t: Translator) -> Table:
    return Table(t("report.decisions"), [
        Column("decision", t("report.decision")), Column("option", t("report.option_chosen")),
        Column("decided_by", t("report.decided_by")), Column("decided_at", t("report.decided_at")),
        Column("took", t("report.took")), Column("result", t("report.result"))],
        [[d.step, d.option, d.decided_by,
          DrillTime(d.decided_at_seconds) if d.decided_at_seconds is not None else "",
          timedelta(seconds=d.took_seconds) if d.took_seconds is not None else "", d.result]
         for d in report.decisions])


def _injects_table(report: DrillReport, t: Translator) -> Table:
    return Table(t("report.injects"), [
        Column("inject", "ID"), Column("planned", t("report.planned")), Column("given", t("report.given_at")),
        Column("from_to", t("report.from_to")), Column("content", t("sheet.content")),
        Column("expected", t("report.expected_action")), Column("response", t("report.response"))],
        [[i.inject_id, i.planned, i.given, i.sender_recipient, i.content, i.expected, i.response]
         for i in report.injects])


def _deputies_table(report: DrillReport, t: Translator) -> Table:
    """Who acted for whom (代行) and when; the people found unreachable at set-up under it."""
    return Table(t("call_in.heading"), [
        Column("step", t("call_in.col_step")), Column("role", t("call_in.col_role")),
        Column("acted_for", t("call_in.col_for")), Column("deputy", t("call_in.col_deputy")),
        Column("person", t("call_in.col_person")), Column("at", t("call_in.col_at")),
        Column("reason", t("call_in.col_reason"))],
        [[d.step, d.role, d.acted_for, d.deputy, d.person, d.at, d.reason] for d in report.deputies],
        [t("call_in.unreachable", names="、".join(report.unreachable))] if report.unreachable else [])


def _occurrences_table(report: DrillReport, t: Translator) -> Table:
    return Table(t("repeat.heading"), [
        Column("step", t("repeat.col_step")), Column("number", t("repeat.col_number"), ">"),
        Column("due", t("repeat.col_due")), Column("done", t("repeat.col_done")),
        Column("result", t("repeat.col_result")), Column("rating", t("repeat.col_rating")),
        Column("note", t("repeat.col_note")), Column("by", t("repeat.col_by"))],
        [[o.step, o.number, o.due, o.done, o.result, o.rating, o.note, o.by] for o in report.occurrences],
        [*report.repeats, t("repeat.rule")])


def _values_table(report: DrillReport, t: Translator) -> Table:
    return Table(t("report.values"), [
        Column("step", t("report.step")), Column("check", t("report.value_item")),
        Column("value", t("report.measured")), Column("threshold", t("report.threshold")),
        Column("at", t("report.value_at"))],
        [[v.step, v.check, v.value, v.threshold, v.at] for v in report.values])


def _systems_table(report: DrillReport, t: Translator) -> Table:
    """The systems table; the plan's columns (recovery order, RPO, the vendor's expected recovery)
    only when a system gives them."""
    plan = [(key, label) for key, label in (("recovery_order", t("annex.system_order")), ("rpo", t("annex.rpo")),
                                            ("vendor_eta", t("annex.vendor_eta")))
            if any(getattr(s, key) for s in report.systems)]
    order = plan[:1] if plan and plan[0][0] == "recovery_order" else []
    after_rto = plan[len(order):]
    return Table(t("report.systems"), [
        *[Column(key, label) for key, label in order],
        Column("system", t("report.system")), Column("owner", t("report.system_owner")),
        Column("priority", t("report.priority")), Column("rto", t("report.rto")),
        *[Column(key, label) for key, label in after_rto],
        Column("history", t("report.states_over_time")), Column("recovered_at", t("report.recovered_at")),
        Column("rto_result", t("report.rto_result"))],
        [[*[getattr(s, key) for key, _ in order], s.name, s.owner, s.priority, s.rto,
          *[getattr(s, key) for key, _ in after_rto], s.history, s.recovered_at, s.rto_result]
         for s in report.systems],
        [t("report.systems_rule")])


def _observations_table(report: DrillReport, t: Translator) -> Table:
    return Table(t("report.sheet_observations"), [
        Column("kind", t("report.col_kind")), Column("objective", t("report.objective")),
        Column("capability", t("report.capability")), Column("observation", t("report.col_observation")),
        Column("analysis", t("report.col_analysis")), Column("recommendation", t("report.col_recommendation")),
        Column("by", t("report.by"))],
        [[t(f"observation_kind.{o.kind}"), o.objective, o.capability, o.observation, o.analysis,
          o.recommendation, o.by] for o in report.observations])


def executive_tables(report: DrillReport, t: Translator) -> list[tuple[str, Table]]:
    """The summary page as tables: the summary itself, the comparison, the actions raised again."""
    e = report.executive
    if e is None:
        return []
    rows: list[list[Any]] = [[t("report.executive"), e.paragraph], [t("report.exec_result_heading"), e.result]]
    rows += [[t("report.exec_strengths"), point] for point in e.strengths or [t("report.exec_none")]]
    rows += [[t("report.exec_improvements"), point] for point in e.improvements or [t("report.exec_none")]]
    rows += [[t("report.exec_high_priority"), f"{a.item.problem_id} {a.item.title}: {a.item.corrective_action or '-'}"]
             for a in e.high_priority] or [[t("report.exec_high_priority"), t("report.exec_none")]]
    if e.comparison:
        rows.append([t("report.exec_previous_label"), t("report.exec_previous_actions", **e.previous_counts)])
    else:
        rows.append([t("report.exec_previous_label"), t("report.exec_first_drill")])
    parts = [("summary", Table(t("report.executive"), [Column("key", t("report.item")),
                                                         Column("value", t("report.value"))], rows))]
    if e.comparison:
        parts.append(("comparison", Table(
            t("report.exec_compared", date=_local(e.comparison.previous_started_at),
              record=e.comparison.previous_record_id),
            [Column("figure", t("report.exec_col_figure")), Column("previous", t("report.exec_col_previous"), ">"),
             Column("this", t("report.exec_col_this"), ">"), Column("change", t("report.exec_col_change"), ">")],
            [list(row) for row in e.comparison.rows])))
    actions = [("previous", a) for a in e.previous_actions] + [("recurring", a) for a in e.recurring]
    if actions:
        parts.append(("earlier_actions", Table(t("report.exec_earlier_actions"), [
            Column("kind", t("report.exec_col_kind")), Column("id", "ID"), Column("issue", t("report.issue")),
            Column("action", t("followups.corrective_action")), Column("status", t("followups.col_status")),
            Column("overdue", t("report.col_overdue")), Column("due", t("followups.col_due"))],
            [[t(f"report.exec_kind_{kind}"), a.item.id, a.item.title, a.item.corrective_action,
              t(f"followup_status.{a.item.status}"), t("report.exec_yes") if a.overdue else "", a.item.due]
             for kind, a in actions],
            [t("report.exec_recurring_not_shown", count=e.recurring_not_shown, scenario=report.scenario_id)]
            if e.recurring_not_shown else [])))
    return parts


def improvement_plan_table(items: Sequence[FollowUp], t: Translator, today: date) -> Table:
    return Table(t("report.improvement_plan"), [
        Column("id", "ID"), Column("issue", t("report.issue")), Column("description", t("tui.problem_description")),
        Column("source", t("followups.col_source")), Column("action", t("followups.corrective_action")),
        Column("capability", t("report.capability")), Column("priority", t("followups.col_priority")),
        Column("owner_organisation", t("tui.problem_owner_organisation")),
        Column("owner_person", t("tui.problem_owner_person")), Column("start", t("followups.col_start")),
        Column("due", t("followups.col_due")), Column("status", t("followups.col_status")),
        Column("overdue", t("report.col_overdue")), Column("evidence", t("followups.col_evidence"))],
        [[f.id, f.title, f.description, f.source_title or f.source_ref or "", f.corrective_action,
          t(f"capability.{f.category}"), t(f"priority.{f.priority}"), f.owner_organisation, f.owner_person,
          f.start, f.due, t(f"followup_status.{f.status}"), t("report.exec_yes") if f.overdue(today) else "",
          f.closure_evidence] for f in items])


# ---------------------------------------------------------------- review report


def review_tally(report: ReviewReport, t: Translator) -> Table:
    """The section-2 table of the review, untitled (the report's own heading names it)."""
    table = review_tally_table(report.tally, report.state, t, report.blank_zero)
    table.title = ""
    return table


def render_review_report(report: ReviewReport, fmt: str, t: Translator) -> bytes:
    if fmt == "pdf":
        from bcp_drill.render.pdf import html_to_pdf

        return html_to_pdf(render_review_report(report, "html", t))
    if fmt == "xlsx":
        return review_report_xlsx(report, t)
    if fmt == "csv":
        return _csv_bytes(review_report_tables(report, t))
    tally = review_tally(report, t)
    context = {"r": report, "tally": tally,
               **_helpers(t, report.generated_at)}
    if fmt == "html":
        return _environment(True).get_template("review_report.html.j2").render(context).encode("utf-8")
    context["tally_md"] = tables.render_markdown(tally)
    return _environment(False).get_template("review_report.md.j2").render(context).encode("utf-8")


def review_report_tables(report: ReviewReport, t: Translator) -> list[Table]:
    """The overview, the tally, the items and the improvement plan, as tables (CSV and XLSX)."""
    # The rating columns come from an item row: heading rows carry no ratings.
    first_item = next((row for row in report.rows if not row.heading), None)
    dimensions = first_item.ratings if first_item else []
    # Each item with the headings it stands under (柱 / group), so a sheet sorted or filtered in
    # Excel still says which pillar an item belongs to.
    under: list[str] = []
    item_rows = []
    for row in report.rows:
        if row.heading:
            under = [*under[:row.depth], row.heading]
            continue
        item_rows.append([" / ".join(under[:row.depth]), row.item_id, row.requirement, *[v for _, v in row.ratings],
                          row.assessment, row.evidence, row.previous])
    items = Table(t("report.items"), [Column("group", t("tally.col_section")), Column("id", "ID"),
                                      Column("requirement", t("review.col_requirement")),
                                      *[Column(f"d{i}", label) for i, (label, _) in enumerate(dimensions)],
                                      Column("assessment", t("review.assessment")),
                                      Column("evidence", t("review.evidence")),
                                      Column("previous", t("review.previous_assessment"))], item_rows)
    table = review_tally(report, t)
    tally = Table(t("report.tally"), table.columns, table.rows, table.notes)
    return [review_overview_table(report, t), tally, items, main_issues_table(report.main_issues, t),
            improvement_plan_table(report.followups, t,
                                                                            local_date(report.generated_at))]


def review_overview_table(report: ReviewReport, t: Translator) -> Table:
    return Table(t("report.overview"), [Column("key", t("report.item")), Column("value", t("report.value"))], [
        [t("report.organisation"), report.organisation], [t("report.checklist"), report.checklist_title],
        [t("report.version"), report.checklist_version], [t("report.fiscal_year"), report.fiscal_year_label],
        [t("review.setup_reviewer"), report.reviewer], [t("report.date"), report.started_at],
        [t("report.progress"), f"{report.rated}/{report.total}"], [t("report.record"), report.record_id],
        [t("report.record_hash"), report.record_hash],
        *([[t("report.record_notices"), notice] for notice in report.record_notices])])


# ---------------------------------------------------------------- csv and xlsx


def _csv_bytes(parts: list[Table]) -> bytes:
    """One CSV with each part under a title row; UTF-8 with BOM and CRLF for Japanese Excel."""
    chunks = []
    for table in parts:
        chunks.append(tables.render_csv(Table("", [Column("title", table.title)], [])))
        chunks.append(tables.render_csv(table))
    return "\r\n".join(chunks).encode("utf-8-sig")


def _xlsx_value(value: Any) -> tuple[Any, str | None]:
    """A cell's value as Excel stores it, and its number format (None: the default)."""
    if isinstance(value, NumberText):
        return value.number, value.excel_format  # the number, shown in the same words
    if isinstance(value, str):
        return value, None  # stored as text (see _put): a typed workbook never runs a string
    if isinstance(value, DrillTime):
        return timedelta(seconds=value.seconds), value.excel_format
    if isinstance(value, timedelta):
        return value, "[h]:mm:ss"
    if isinstance(value, datetime):
        return local(value).replace(tzinfo=None), "yyyy-mm-dd hh:mm:ss"  # Excel has no time zones
    if isinstance(value, date):
        return value, "yyyy-mm-dd"
    if isinstance(value, float):
        return value, "0%"
    return value, None


PAPER_MM = {"portrait": 210.0, "landscape": 297.0}  # A4 across
SIDE_MARGINS_MM = 25.4  # half an inch each side
SMALLEST_SCALE = 0.8  # the smallest print still read with ease


# Printed width of one column-width unit, in pixels at 96 per inch, as LibreOffice prints a
# workbook (measured: 74 units fill portrait A4 at 100%, 108 landscape). Excel prints a unit
# narrower (7 pixels and some padding), so a sheet that fits LibreOffice's page fits Excel's.
PIXELS_PER_UNIT = 9.4


def units_across(orientation: str, columns: int) -> float:
    """What fits across A4 at 100%, in column-width units (COLUMNS: kept for callers that
    count padding per column; LibreOffice's measure needs none)."""
    return (PAPER_MM[orientation] - SIDE_MARGINS_MM) / 25.4 * 96 / PIXELS_PER_UNIT
TEXT_COLUMN_FLOOR = 16  # a wrapped text column is narrowed no further than this


LINE_HEIGHT_POINTS = 15  # one line of the default 11-point font


def _wrapped_lines(text: str, width: float) -> int:
    """How many lines TEXT takes wrapped in a column WIDTH units wide (a wide character is two)."""
    usable = max(1.0, width - 1)
    return sum(max(1, math.ceil(cell_width(line) / usable)) for line in str(text).split("\n"))


@dataclass(frozen=True)
class PrintLayout:
    orientation: str
    widths: list[float]
    fit_to_width: bool  # False: wider than a page at SMALLEST_SCALE, printed across pages at 100%


def print_layout(natural: Sequence[float]) -> PrintLayout:
    """Column widths and page set-up so that every printed page is readable: portrait when the
    natural widths fit at SMALLEST_SCALE or more; else landscape, the text columns narrowed
    (their text wraps) until the sheet fits so; else across pages at full size."""
    if sum(natural) <= units_across("portrait", len(natural)) / SMALLEST_SCALE:
        return PrintLayout("portrait", list(natural), True)
    budget = units_across("landscape", len(natural)) / SMALLEST_SCALE
    widths = list(natural)
    wide = [i for i, w in enumerate(widths) if w > TEXT_COLUMN_FLOOR]
    excess = sum(widths) - budget
    if excess > 0 and wide:
        room = sum(widths[i] - TEXT_COLUMN_FLOOR for i in wide)
        share = min(1.0, excess / room)
        for i in wide:  # each gives up the same share of what it has above the floor
            widths[i] = round(widths[i] - (widths[i] - TEXT_COLUMN_FLOOR) * share, 1)
    return PrintLayout("landscape", widths, sum(widths) <= budget + 0.5)


def _put(sheet: Any, row: int, column: int, value: Any) -> Any:
    """Write one cell; a string is stored as text (openpyxl would take "=…" for a formula), so
    what a user typed is shown as typed, with no apostrophe in front (that guard is CSV's)."""
    cell = sheet.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def _write_sheet(workbook: Any, title: str, table: Table) -> None:
    """TABLE as a ruled sheet: headers, rows, widths and heights that print readably, notes, page set-up."""
    from openpyxl.styles import Border, Side

    # Ruled like the seed's tables, so a printed sheet reads as a table (it printed without lines).
    thin = Side(style="thin", color="808080")
    ruled = Border(left=thin, right=thin, top=thin, bottom=thin)
    sheet = workbook.create_sheet(title=title[:31])
    headers = tables.header_rows(table)
    _write_headers(sheet, table, headers, ruled)
    _write_rows(sheet, table, len(headers) + 1, ruled)
    layout = print_layout(_natural_widths(table, headers[-1]))
    _size_columns_and_rows(sheet, layout.widths, [*headers, *[[tables._cell(v) for v in r] for r in table.rows]])
    sheet.freeze_panes = f"B{len(headers) + 1}"  # the headers and the first column stay in sight
    _write_notes(sheet, table.notes, len(table.rows) + len(headers) + 2, layout.widths)
    _set_up_pages(sheet, layout, len(headers))


def _write_headers(sheet: Any, table: Table, headers: list[list[str]], ruled: Any) -> None:
    """The header rows, bold and ruled, each group heading merged over its columns."""
    from openpyxl.styles import Alignment, Font

    for header_index, row in enumerate(headers, 1):
        for column_index, text in enumerate(row, 1):
            _put(sheet, header_index, column_index, text)
    for level_index, level in enumerate(("supergroup", "group")[-(len(headers) - 1):] if len(headers) > 1 else ()):
        for heading, first, last in tables._spans(table.columns, level):
            if heading and last > first:  # one heading over its columns, as on paper
                sheet.merge_cells(start_row=level_index + 1, start_column=first + 1,
                                  end_row=level_index + 1, end_column=last + 1)
    for header_row in sheet.iter_rows(min_row=1, max_row=len(headers)):
        for cell in header_row:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="center")
            cell.border = ruled


def _write_rows(sheet: Any, table: Table, first_row: int, ruled: Any) -> None:
    """The table's rows from FIRST_ROW on, each value typed (times, dates, numbers) and ruled."""
    from openpyxl.styles import Alignment

    for row_index, row in enumerate(table.rows, first_row):
        for column_index, value in enumerate(row, 1):
            stored, number_format = _xlsx_value(value)
            cell = _put(sheet, row_index, column_index, stored)
            if number_format:
                cell.number_format = number_format
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.border = ruled


def _natural_widths(table: Table, header: list[str]) -> list[float]:
    """Each column as wide as its widest line (6 to 60 units)."""
    natural: list[float] = []
    for index, _column in enumerate(table.columns, 1):
        values = [header[index - 1]] + [tables._cell(r[index - 1]) for r in table.rows]
        widest = max(max(cell_width(line) for line in v.split("\n")) for v in values)
        natural.append(min(60, max(6, widest + 2)))
    return natural


def _size_columns_and_rows(sheet: Any, widths: list[float], rows: list[list[str]]) -> None:
    from openpyxl.utils import get_column_letter

    for index, width in enumerate(widths, 1):
        # Long text (assessments, evidence, notes) wraps in its column instead of one endless line.
        sheet.column_dimensions[get_column_letter(index)].width = width
    # Each row as tall as its most wrapped cell: LibreOffice keeps the default height of a row
    # it is given none, and cut every long step title and role to its first line.
    for row_index, row in enumerate(rows, 1):
        lines = max((_wrapped_lines(text, widths[i]) for i, text in enumerate(row)), default=1)
        if lines > 1:
            sheet.row_dimensions[row_index].height = LINE_HEIGHT_POINTS * lines


def _write_notes(sheet: Any, notes: Sequence[str], first_row: int, widths: list[float]) -> None:
    from openpyxl.styles import Alignment

    across = sum(widths)
    for note_index, note in enumerate(notes):
        # A note spans the table's width and wraps there: Excel grows no merged row, so its
        # height is set for the lines it takes.
        row_index = first_row + note_index
        cell = _put(sheet, row_index, 1, note)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if len(widths) > 1:
            sheet.merge_cells(start_row=row_index, start_column=1, end_row=row_index, end_column=len(widths))
        sheet.row_dimensions[row_index].height = LINE_HEIGHT_POINTS * _wrapped_lines(note, across)


def _set_up_pages(sheet: Any, layout: PrintLayout, header_rows: int) -> None:
    """Printed as managers print: A4, readable (at 80% or more), the header rows on every page."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = layout.orientation
    sheet.page_margins.left = sheet.page_margins.right = 0.5  # inches
    if layout.fit_to_width:
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
    else:  # too wide even so: pages side by side at full size, the first column on each
        sheet.page_setup.scale = 100
        sheet.print_title_cols = "A:A"
    sheet.print_title_rows = f"1:{header_rows}"
    sheet.print_options.horizontalCentered = True
    sheet.oddFooter.center.text = "&P / &N"


def _workbook_bytes(sheets: list[tuple[str, Table]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, table in sheets:
        _write_sheet(workbook, title, table)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def drill_report_xlsx(report: DrillReport, t: Translator) -> bytes:
    return _workbook_bytes(drill_report_sheets(report, t))


def review_report_xlsx(report: ReviewReport, t: Translator) -> bytes:
    overview, tally, items, issues, plan = review_report_tables(report, t)
    return _workbook_bytes([(t("report.sheet_overview"), overview), (t("report.sheet_tally"), tally),
                            (t("report.sheet_items"), items), (t("report.sheet_main_issues"), issues),
                            (t("report.sheet_followups"), plan)])
