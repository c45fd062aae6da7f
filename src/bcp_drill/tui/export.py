"""Export from the TUI: the same reports as `bcp-drill report`, written beside the records."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from bcp_drill.errors import UserError, describe
from bcp_drill.outputs import write_output_file
from bcp_drill.render.formats import REPORT_FORMATS
from bcp_drill.tui.context import app_context
from bcp_drill.tui.modals.choice import ChoiceModal

if TYPE_CHECKING:
    from textual.screen import Screen

    from bcp_drill.programme.status import ProgrammeStatus
    from bcp_drill.tui.context import TuiContext


def export_record(ctx: TuiContext, record_id: str, kind: str, fmt: str) -> Path:
    """Write the report of RECORD_ID as FMT into <records>/exports/ and return the file."""
    from bcp_drill.render.reports import render_drill_report, render_review_report
    from bcp_drill.reports.drill_report import build_drill_report
    from bcp_drill.reports.drill_report_sources import read_drill_report_sources
    from bcp_drill.reports.review_report import build_review_report

    t, store = ctx.t, ctx.store
    if kind == "review":
        data = render_review_report(build_review_report(store, record_id, t, ctx.settings.organisation,
                                                         blank_zero=ctx.settings.zeros == "blank"), fmt, t)
    else:
        sources = read_drill_report_sources(store, record_id, t.lang)
        data = render_drill_report(build_drill_report(sources, t, ctx.settings.organisation), fmt, t)
    target = store.root / "exports" / f"{record_id}.{fmt}"
    target.parent.mkdir(parents=True, exist_ok=True)
    write_output_file(target, data, ctx.store.root, force=True)  # exports/ holds generated copies
    return target


def ask_and_export(screen: Screen[Any], record_id: str, kind: str) -> None:
    """Let the user pick a format, write the report, and say where it went."""
    ctx = app_context(screen)
    t = ctx.t
    # pdf needs the optional extra: a clear message otherwise
    choices = [(fmt, t(f"export.format_{fmt}")) for fmt in REPORT_FORMATS]

    def chosen(fmt: str | None) -> None:
        if not fmt:
            return
        try:
            path = export_record(ctx, record_id, kind, fmt)
        except (UserError, OSError) as error:
            screen.notify(t("export.failed", reason=describe(error, t)), severity="error", timeout=15)
            return
        screen.notify(t("export.written", path=str(path)), timeout=15)

    screen.app.push_screen(ChoiceModal(t("export.choose"), choices, t("tui.choice_keys")), chosen)


YEAR_PLAN_FORMATS = ("html", "pdf", "xlsx")  # the one-page year plan, as `bcp-drill programme --format`


def export_year_plan(ctx: TuiContext, status: ProgrammeStatus, titles: dict[str, str], fmt: str) -> Path:
    """Write the year plan of STATUS as FMT into <records>/exports/ and return the file."""
    from bcp_drill.render.programme import render_programme

    data = render_programme(status, titles, fmt, ctx.t, ctx.store.clock())
    target = ctx.store.root / "exports" / f"programme-{status.programme.id}.{fmt}"
    target.parent.mkdir(parents=True, exist_ok=True)
    write_output_file(target, data, ctx.store.root, force=True)  # exports/ holds generated copies
    return target


def ask_and_export_year_plan(screen: Screen[Any], status: ProgrammeStatus, titles: dict[str, str]) -> None:
    """Let the user pick html, pdf or xlsx, write the year plan, and say where it went."""
    ctx = app_context(screen)
    t = ctx.t
    choices = [(fmt, t(f"export.format_{fmt}")) for fmt in YEAR_PLAN_FORMATS]

    def chosen(fmt: str | None) -> None:
        if not fmt:
            return
        try:
            path = export_year_plan(ctx, status, titles, fmt)
        except (UserError, OSError) as error:  # pdf without its extra: the reason, never a traceback
            screen.notify(t("export.failed", reason=describe(error, t)), severity="error", timeout=15)
            return
        screen.notify(t("export.written", path=str(path)), timeout=15)

    screen.app.push_screen(ChoiceModal(t("programme.export_choose"), choices, t("tui.choice_keys")), chosen)
