"""programme: the drill programme of a 年度 (programmes/*.yaml) against the drill records."""

from __future__ import annotations

from pathlib import Path

from bcp_drill.commands import CommandContext
from bcp_drill.commands.output import emit, left_out_notes, write_output
from bcp_drill.commands.records import store_of
from bcp_drill.content.files import display_path
from bcp_drill.fiscal import fiscal_year, fiscal_year_label, parse_fiscal_year
from bcp_drill.programme.models import Programme
from bcp_drill.programme.reminders import PROGRAMME_FOLDER, year_programme
from bcp_drill.programme.status import held_drills, load_programme, programme_status
from bcp_drill.records.store import RecordStore, RecordSummary
from bcp_drill.render.programme import programme_ics, programme_table
from bcp_drill.wallclock import local_date


def programme(ctx: CommandContext, file: Path | None, year_text: str | None, fmt: str, output: Path | None,
              ics: bool = False) -> int:
    t = ctx.t
    store = store_of(ctx)
    year = _year(store, year_text)
    if year is None:
        return ctx.fail(t("cli.bad_year", value=year_text))
    found = _find(ctx, file, year)
    if isinstance(found, int):
        return found
    left_out: list[RecordSummary] = []
    status = programme_status(found, held_drills(store, left_out), local_date(store.clock()), left_out)
    library = ctx.library()
    titles = {scenario_id: loaded.document.title.get(t.lang) for scenario_id, loaded in library.scenarios.items()
              if loaded.document is not None}
    if ics:
        return write_output(ctx, programme_ics(status, titles, t, store.clock()), "ics", output)
    if fmt in ("html", "xlsx", "pdf"):  # the one-page year plan, for the plan's annex
        from bcp_drill.render.pdf import PdfUnavailable
        from bcp_drill.render.programme import render_programme

        if output is None and fmt != "html":
            return ctx.fail(t("cli.xlsx_needs_output", format=fmt))
        try:
            return write_output(ctx, render_programme(status, titles, fmt, t, store.clock()), fmt, output)
        except PdfUnavailable as error:
            return ctx.fail(error.render(t))
    table = programme_table(status, titles, t)
    table.notes += left_out_notes(ctx, None, [(s.record_id, reason) for s in left_out for reason in s.reasons])
    return emit(ctx, [(table, None)], fmt, output)


def _year(store: RecordStore, year_text: str | None) -> int | None:
    """The 年度 asked for, else the current one by the store's clock; None: not a 年度."""
    return parse_fiscal_year(year_text) if year_text else fiscal_year(local_date(store.clock()))


def _find(ctx: CommandContext, file: Path | None, year: int) -> Programme | int:
    """The programme FILE, else the one of YEAR in ./programmes; a failure is said (exit code)."""
    t = ctx.t
    if file is not None:
        paths = [file if file.is_absolute() else ctx.cwd / file]
        if not paths[0].is_file():
            return ctx.fail(t("cli.no_such_file", path=str(file)))
    else:
        folder = ctx.cwd / PROGRAMME_FOLDER
        paths = sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml")) if folder.is_dir() else []
    for path in paths:
        document, loaded = load_programme(path, display_path(path, ctx.cwd))
        if document is None:
            for problem in loaded.problems:
                print(problem.render(t), file=ctx.err)
            if file is not None:
                return ctx.fail(t("programme.invalid", path=loaded.display))
            continue
        if file is not None or document.fiscal_year == year:
            return document
    return ctx.fail(t("programme.not_found", year=fiscal_year_label(year, t.lang), folder=PROGRAMME_FOLDER))


def roster_import(ctx: CommandContext, sheet: Path, output: Path | None) -> int:
    """The city's staff list as a roster file (programmes/roster.yaml by default)."""
    from bcp_drill.commands.spreadsheets import _read_sheet, _sheet_limits
    from bcp_drill.programme.roster import import_roster

    limits = _sheet_limits(ctx)
    result = _read_sheet(ctx, sheet, lambda full, display: import_roster(full, display, limits=limits),
                         "programme.roster_not_imported")
    if isinstance(result, int):
        return result
    target = output or ctx.cwd / PROGRAMME_FOLDER / "roster.yaml"
    target.parent.mkdir(parents=True, exist_ok=True)
    return ctx.write_file(target, result.yaml_text().encode("utf-8"))


def coverage(ctx: CommandContext, roster_file: Path | None, year_text: str | None, fmt: str,
             output: Path | None) -> int:
    """Who this 年度's drills and briefings reached, from the roster and the drill records."""
    from bcp_drill.content.loader import FileLoader
    from bcp_drill.programme.coverage import coverage as work_out
    from bcp_drill.programme.roster import Roster
    from bcp_drill.records import events as ev
    from bcp_drill.render.programme import coverage_tables

    t = ctx.t
    store = store_of(ctx)
    year = _year(store, year_text)
    if year is None:
        return ctx.fail(t("cli.bad_year", value=year_text))
    path = roster_file or ctx.cwd / PROGRAMME_FOLDER / "roster.yaml"
    loaded = FileLoader(kinds={"roster": Roster}).load(path if path.is_absolute() else ctx.cwd / path,
                                                       display_path(path, ctx.cwd))
    if not isinstance(loaded.document, Roster) or not loaded.ok:
        for problem in loaded.problems:
            print(problem.render(t), file=ctx.err)
        return ctx.fail(t("programme.no_roster", path=loaded.display))
    left_out: list[RecordSummary] = []
    drills: list[ev.DrillStarted] = []
    deputies: list[tuple[str, str]] = []  # (record id, name): a deputy who acted counts as having drilled
    for _, events in store.readable("drill", damaged=left_out):
        if isinstance(events[0], ev.DrillStarted):
            drills.append(events[0])
            deputies += [(events[0].record_id, e.person) for e in events if isinstance(e, ev.DeputyActed)]
    programme_file = year_programme(ctx.cwd / PROGRAMME_FOLDER, year)  # its briefings' attendees, if there is one
    tables = coverage_tables(work_out(loaded.document, year, drills, programme_file, deputies), t)
    tables[-1].notes += left_out_notes(ctx, None, [(s.record_id, reason) for s in left_out for reason in s.reasons])
    if fmt in ("html", "xlsx", "pdf"):  # printed for the division, or kept in Excel
        from bcp_drill.render.pdf import PdfUnavailable
        from bcp_drill.render.programme import render_tables

        if output is None and fmt != "html":
            return ctx.fail(t("cli.xlsx_needs_output", format=fmt))
        try:
            title = t("programme.coverage_title", year=fiscal_year_label(year, t.lang))
            return write_output(ctx, render_tables(title, tables, fmt, t, store.clock()), fmt, output)
        except PdfUnavailable as error:
            return ctx.fail(error.render(t))
    return emit(ctx, [(table, None) for table in tables], fmt, output)


def programme_sheet_in(ctx: CommandContext, sheet: Path, year_text: str | None, title: str | None,
                       output: Path | None) -> int:
    """The city's programme sheet (XLSX or CSV) as the programme file of its 年度."""
    from bcp_drill.commands.spreadsheets import _read_sheet, _sheet_limits
    from bcp_drill.programme.sheet import import_programme

    t = ctx.t
    year = _year(store_of(ctx), year_text)
    if year is None:
        return ctx.fail(t("cli.bad_year", value=year_text))
    name = title or t("programme.default_title", year=fiscal_year_label(year, t.lang))
    limits = _sheet_limits(ctx)
    result = _read_sheet(ctx, sheet, lambda full, display: import_programme(full, display, year, name, t.lang,
                                                                            limits=limits),
                         "programme.sheet_not_imported")
    if isinstance(result, int):
        return result
    target = output or ctx.cwd / PROGRAMME_FOLDER / f"fy{year}.yaml"
    target.parent.mkdir(parents=True, exist_ok=True)
    return ctx.write_file(target, result.yaml_text().encode("utf-8"))


def programme_sheet_out(ctx: CommandContext, file: Path | None, year_text: str | None, output: Path | None) -> int:
    """The programme as a sheet to edit in Excel (the year's programme, else an empty sheet)."""
    from bcp_drill.programme.sheet import programme_rows
    from bcp_drill.render.reports import _workbook_bytes
    from bcp_drill.render.tables import Column, Table

    t = ctx.t
    if output is None:
        return ctx.fail(t("cli.xlsx_needs_output", format="xlsx"))
    year = _year(store_of(ctx), year_text)
    if year is None:
        return ctx.fail(t("cli.bad_year", value=year_text))
    programme_file = year_programme(ctx.cwd / PROGRAMME_FOLDER, year) if file is None else None
    if file is not None:
        found = _find(ctx, file, year)
        if isinstance(found, int):
            return found
        programme_file = found
    header, *rows = programme_rows(programme_file, t.lang)
    sheet_name = t("programme.sheet_year_plan")
    table = Table(sheet_name, [Column(f"c{i}", text) for i, text in enumerate(header)], rows)
    return ctx.write_file(output, _workbook_bytes([(sheet_name, table)]))
