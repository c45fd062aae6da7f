"""report and sheet: the after-action report, the plan-review report, and printable check sheets."""

from __future__ import annotations

from pathlib import Path

from bcp_drill.commands import CommandContext
from bcp_drill.commands.output import write_output
from bcp_drill.commands.records import store_of
from bcp_drill.records.journal import JournalError


def report(ctx: CommandContext, record: str | None, review: str | None, fmt: str, output: Path | None) -> int:
    from bcp_drill.render.pdf import PdfUnavailable
    from bcp_drill.render.reports import render_drill_report, render_review_report
    from bcp_drill.reports.drill_report import DrillReport, build_drill_report
    from bcp_drill.reports.drill_report_sources import read_drill_report_sources
    from bcp_drill.reports.review_report import ReviewReport, build_review_report

    t = ctx.t
    store = store_of(ctx)
    record_id = review or record
    if record_id is None:
        return ctx.fail(t("cli.report_needs_record"))
    if output is None and fmt in ("xlsx", "pdf"):  # before any work
        return ctx.fail(t("cli.xlsx_needs_output", format=fmt))
    if not store.exists(record_id):
        return ctx.fail(t("cli.record_not_found", record=record_id, folder=str(store.root)))
    try:
        built: DrillReport | ReviewReport
        if store.kind_of(record_id) == "review":
            built = build_review_report(store, record_id, t, ctx.settings.organisation)
            data = render_review_report(built, fmt, t)
        elif review is not None:
            return ctx.fail(t("journal.not_a_review", record_id=record_id))
        else:
            sources = read_drill_report_sources(store, record_id, t.lang)
            built = build_drill_report(sources, t, ctx.settings.organisation)
            data = render_drill_report(built, fmt, t)
        for notice in built.record_notices:  # in the report, and said here too
            print(f"bcp-drill: {t('cli.warning_prefix')}: {notice}", file=ctx.err)
    except (JournalError, PdfUnavailable) as error:
        return ctx.fail(error.render(t))
    return write_output(ctx, data, fmt, output)


def sheet(ctx: CommandContext, target: str, fmt: str, output: Path | None) -> int:
    """A printable check sheet of a scenario or a checklist, with blanks to fill in by hand."""
    from bcp_drill.render.sheets import render_checklist_sheet, render_scenario_sheet

    t = ctx.t
    extra = [Path(target)] if Path(target).is_file() else []
    library = ctx.library(extra)
    now = store_of(ctx).clock()
    scenario = library.scenario(target)
    if scenario is not None:
        return write_output(ctx, render_scenario_sheet(scenario, fmt, t, now), fmt, output)
    checklist = library.checklist(target)
    if checklist is not None:
        data = render_checklist_sheet(checklist, library.scale_of(checklist), fmt, t, now)
        return write_output(ctx, data, fmt, output)
    known = ", ".join(sorted(library.scenarios) + sorted(library.checklists))
    return ctx.fail(t("cli.unknown_sheet_target", value=target, known=known))
