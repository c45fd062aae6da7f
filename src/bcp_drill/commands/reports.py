"""report and sheet: the after-action report, the plan-review report, and printable check sheets."""

from __future__ import annotations

from pathlib import Path

from bcp_drill.commands import CommandContext
from bcp_drill.commands.output import write_output
from bcp_drill.commands.records import store_of
from bcp_drill.records.journal import JournalError


def report(ctx: CommandContext, record: str | None, review: str | None, fmt: str, output: Path | None,
           blank_zero: bool = True) -> int:
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
            built = build_review_report(store, record_id, t, ctx.settings.organisation, blank_zero=blank_zero)
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


def publish(ctx: CommandContext, measures: str, items: str, fmt: str, output: Path | None, totals: bool = False,
            blank_zero: bool = True) -> int:
    """The plan review as the city publishes it: section 2 from the measures review, sections 3
    and 4 from the items review of the same 年度 (reports/publication.py)."""
    from bcp_drill.content.models import Checklist
    from bcp_drill.render.pdf import PdfUnavailable
    from bcp_drill.render.publication import render_publication
    from bcp_drill.reports.publication import build_publication

    t = ctx.t
    if output is None and fmt in ("docx", "pdf"):  # before any work
        return ctx.fail(t("cli.xlsx_needs_output", format=fmt))
    store = store_of(ctx)
    for record_id in (measures, items):
        if not store.exists(record_id):
            return ctx.fail(t("cli.record_not_found", record=record_id, folder=str(store.root)))
    library = ctx.library()

    def today(checklist_id: str) -> tuple[Checklist | None, Path | None]:
        source = library.source(checklist_id)
        checklist = source.document if source is not None else None
        return (checklist if isinstance(checklist, Checklist) else None,
                source.path.parent if source is not None else None)

    try:
        built = build_publication(store, measures, items, t, today, blank_zero, totals)
        data = render_publication(built, fmt, t)
    except (JournalError, PdfUnavailable) as error:
        return ctx.fail(error.render(t))
    for notice in built.notices:  # in the document, and said here too
        print(f"bcp-drill: {t('cli.warning_prefix')}: {notice}", file=ctx.err)
    return write_output(ctx, data, fmt, output)
