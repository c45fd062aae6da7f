"""The plan-period summary as tables: Markdown, CSV (Excel), XLSX and HTML to print."""

from __future__ import annotations

from datetime import datetime

from bcp_drill.fiscal import fiscal_year_label
from bcp_drill.i18n import Translator
from bcp_drill.render.reports import _csv_bytes, _environment, _helpers, _workbook_bytes
from bcp_drill.render.tables import Column, Table, render_markdown
from bcp_drill.render.tallies import review_tally_table
from bcp_drill.reports.plan_period import MeasureLine, PlanPeriod
from bcp_drill.review.tally import tally_review


def plan_period_tables(period: PlanPeriod, t: Translator, blank_zero: bool = True) -> list[Table]:
    lang = t.lang
    span = f"{fiscal_year_label(period.years[0], lang)}–{fiscal_year_label(period.years[-1], lang)}"
    year_columns = [Column(f"y{y}", fiscal_year_label(y, lang), "<", t("plan.by_year")) for y in period.years]

    def in_year(measure: MeasureLine, year: int) -> str:
        if year not in period.reviews:
            return t("plan.no_review")
        rated = measure.by_year.get(year)
        if rated is None or not rated.label:
            return t("plan.unrated")
        if rated.finished_in is not None:
            return t("plan.finished_in", status=rated.label, year=fiscal_year_label(rated.finished_in, lang))
        return rated.label

    def final_status(measure: MeasureLine) -> str:
        if not measure.final_status:
            return t("plan.unrated")
        if measure.final_from is not None:
            return t("plan.finished_in", status=measure.final_status, year=fiscal_year_label(measure.final_from, lang))
        return measure.final_status

    measures = Table(t("plan.measures_title", title=period.title, span=span), [
        Column("pillar", t("tally.col_pillar")), Column("id", "ID"), Column("measure", t("plan.measure")),
        *year_columns, Column("final", t("plan.final_status")), Column("carryover", t("plan.carryover"))],
        [[m.pillar, m.item_id, m.name, *[in_year(m, y) for y in period.years], final_status(m),
          m.carryover or t("plan.unrated")] for m in period.measures])
    if period.missing_years:
        measures.notes.append(t("plan.missing_years", years=", ".join(
            fiscal_year_label(y, lang) for y in period.missing_years)))
    tables = [measures]
    final = period.final_effective or period.final
    if final is not None:
        tally = review_tally_table(tally_review(final), final, t, blank_zero)
        if period.carried_into_final:
            tally.notes.append(t("plan.carried_into_final", count=len(period.carried_into_final),
                                 items=", ".join(period.carried_into_final)))
        tables.append(tally)
    return tables


def render_plan_period(period: PlanPeriod, fmt: str, t: Translator, now: datetime, blank_zero: bool = True) -> bytes:
    tables = plan_period_tables(period, t, blank_zero)
    if fmt == "md":
        return "\n".join(render_markdown(table) for table in tables).encode("utf-8")
    if fmt == "csv":
        return _csv_bytes(tables)
    if fmt == "xlsx":
        return _workbook_bytes([(t("plan.sheet_measures"), tables[0])] +
                               ([(t("plan.sheet_tally"), tables[1])] if len(tables) > 1 else []))
    return _environment(True).get_template("tables.html.j2").render(
        {"title": tables[0].title, "tables": tables, **_helpers(t, now)}).encode("utf-8")
