"""import, injects and measures: the spreadsheets and files a city keeps, in and out."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bcp_drill.commands import CommandContext
from bcp_drill.commands.output import write_output
from bcp_drill.commands.records import store_of

if TYPE_CHECKING:
    from bcp_drill.imports.raw_sheet import SheetLimits


def import_file(ctx: CommandContext, path: Path | None, template: str | None, output: Path | None) -> int:
    """Import a drill-result or review-result file, or write a ready-to-fill template."""
    from bcp_drill.content.files import display_path
    from bcp_drill.imports.drills import drill_template
    from bcp_drill.imports.drills import import_file as run_import
    from bcp_drill.imports.reviews import review_template

    t = ctx.t
    if template is not None:
        library = ctx.library([Path(template)] if Path(template).is_file() else [])
        scenario = library.scenario(template)
        if scenario is not None:
            return write_output(ctx, drill_template(scenario, t).encode("utf-8"), "yaml", output)
        checklist = library.checklist(template)
        if checklist is not None:
            data = review_template(checklist, library.scale_of(checklist), t).encode("utf-8")
            return write_output(ctx, data, "yaml", output)
        known = ", ".join(sorted(library.scenarios) + sorted(library.checklists))
        return ctx.fail(t("cli.unknown_sheet_target", value=template, known=known))
    if path is None:
        return ctx.fail(t("cli.import_needs_file"))
    full = path if path.is_absolute() else ctx.cwd / path
    if not full.is_file():
        return ctx.fail(t("cli.no_such_file", path=str(path)))
    result = run_import(store_of(ctx), ctx.library(), full, display_path(full, ctx.cwd))
    for problem in result.problems:
        ctx.print(problem.render(t))
    if result.record_id is None:
        ctx.print(t("cli.import_failed", problems=len(result.problems)))
        return 1
    ctx.print(t("cli.imported", record=result.record_id))
    return 0


def injects(ctx: CommandContext, action: str, scenario_ref: str | None, sheet: Path | None, fmt: str,
            output: Path | None) -> int:
    """The injects table (状況付与表) out to XLSX/CSV, back in from one, or printed as cards."""
    from bcp_drill.content.models import Scenario

    t = ctx.t
    assert scenario_ref is not None
    library = ctx.library([Path(scenario_ref)] if Path(scenario_ref).is_file() else [])
    source = library.scenarios.get(scenario_ref) or next(
        (s for s in library.scenarios.values() if s.path.resolve() == Path(scenario_ref).resolve()), None)
    if source is None:
        return ctx.fail(t("cli.unknown_scenario", value=scenario_ref, known=", ".join(sorted(library.scenarios))))
    scenario = source.document
    assert isinstance(scenario, Scenario)
    if action == "export":
        from bcp_drill.render.msel import render_msel

        return write_output(ctx, render_msel(scenario, fmt, t), fmt, output)
    if action == "cards":
        from bcp_drill.render.msel import render_inject_cards

        return write_output(ctx, render_inject_cards(scenario, t, store_of(ctx).clock()), "html", output)
    from bcp_drill.imports.msel import import_msel
    from bcp_drill.outputs import OutputRefused, write_output_file

    assert sheet is not None
    result = _read_sheet(ctx, sheet, lambda full, display: import_msel(full, display, source, t.lang,
                                                                        _sheet_limits(ctx)),
                         "msel.not_imported")
    if isinstance(result, int):
        return result
    for notice in result.notices:
        ctx.print(notice.render(t))
    target = output or source.path
    if target == source.path and not result.added and not result.updated:
        # Nothing changed: the file is left byte for byte as it is (comments, order, layout).
        ctx.print(t("msel.nothing_changed", file=str(target), unchanged=len(result.unchanged)))
        return 0
    try:
        # The scenario file is content the user asked to update: replaced whole, never half-written.
        write_output_file(target, result.text.encode("utf-8"), ctx.settings.records, force=True)
    except OutputRefused as refused:
        return ctx.fail(refused.render(t))
    ctx.print(t("msel.imported", file=str(target), added=len(result.added), updated=len(result.updated),
                unchanged=len(result.unchanged), kept=len(result.kept)))
    if result.kept:
        ctx.print(t("msel.kept", ids=", ".join(result.kept)))
    return 0


def measures(ctx: CommandContext, action: str, sheet: Path | None, checklist_id: str | None, title: str | None,
             year_texts: list[str], output: Path | None) -> int:
    """A plan's measures sheet (XLSX or CSV) into a checklist on the plan-measure scale and each
    年度's ratings into that year's review record, or an empty sheet to fill in."""
    from bcp_drill.fiscal import parse_fiscal_year
    from bcp_drill.imports.measures import measures_template

    t = ctx.t
    if action == "template":
        years = []
        for text in year_texts:
            year = parse_fiscal_year(text)
            if year is None:
                return ctx.fail(t("cli.bad_year", value=text))
            years.append(year)
        from bcp_drill.render.reports import _workbook_bytes
        from bcp_drill.render.tables import Column, Table

        header = measures_template(t.lang, years)[0]
        table = Table(t("measures.sheet_title"), [Column(f"c{i}", h) for i, h in enumerate(header)], [])
        if output is None:
            return ctx.fail(t("cli.xlsx_needs_output", format="xlsx"))
        return ctx.write_file(output, _workbook_bytes([(t("measures.sheet_title"), table)]))
    assert sheet is not None
    return _import_measures(ctx, sheet, checklist_id, title, output)


def _import_measures(ctx: CommandContext, sheet: Path, checklist_id: str | None, title: str | None,
                     output: Path | None) -> int:
    """The measures sheet's checklist to OUTPUT (or the screen), then its years' review records."""
    from bcp_drill.content.loader import FileLoader
    from bcp_drill.fiscal import fiscal_year_label
    from bcp_drill.imports.measures import import_measures, record_years

    t = ctx.t
    scale = ctx.library().scales["plan-measure"]
    chosen_id = checklist_id or re.sub(r"[^A-Za-z0-9_.-]", "-", sheet.stem).strip("-") or "measures"
    result = _read_sheet(ctx, sheet, lambda full, display: import_measures(
        full, display, scale, chosen_id, title or t("measures.default_title", file=full.name), t.lang,
        _sheet_limits(ctx)), "measures.not_imported")
    if isinstance(result, int):
        return result
    data = result.text.encode("utf-8")
    checked = FileLoader().load_bytes(data, str(output) if output is not None else f"{chosen_id}.yaml")
    for problem in checked.problems:  # (a sheet that passed its own checks should never get here)
        ctx.print(problem.render(t))
    if checked.problems:
        return ctx.fail(t("measures.not_valid"))

    def say(text: str) -> None:  # (with no OUTPUT the checklist is the screen's output: words go aside)
        print(text, file=ctx.out if output is not None else ctx.err)

    for notice in result.notices:
        say(notice.render(t))
    if output is None:
        ctx.out.write(result.text)
    elif output.is_file() and output.read_bytes() == data:  # the same sheet again: nothing to replace
        say(t("measures.checklist_unchanged", file=str(output)))
    elif ctx.write_file(output, data) != 0:
        return 1
    if output is not None:
        say(t("measures.imported", pillars=result.pillars, measures=result.measures,
              years=", ".join(str(y) for y in result.years) or "-"))
    for year in record_years(store_of(ctx), checked, scale, result):
        words = {"year": fiscal_year_label(year.year, t.lang), "record": year.record_id}
        say(t("measures.year_recorded", rated=year.rated, carryovers=year.carryovers, **words) if year.created
            else t("measures.year_unchanged", **words))
    return 0


def _sheet_limits(ctx: CommandContext) -> SheetLimits:
    """How much of a sheet an import reads (the settings import_max_*)."""
    from bcp_drill.imports.raw_sheet import SheetLimits

    return SheetLimits.from_settings(ctx.settings)


def _read_sheet(ctx: CommandContext, sheet: Path, read: Any, not_imported: str) -> Any:
    """Run a spreadsheet importer READ(full path, display name) on SHEET: its result, or the
    exit code once the sheet's problems (each at its cell or line) have been printed."""
    from bcp_drill.content.files import display_path
    from bcp_drill.imports.raw_sheet import SheetError

    t = ctx.t
    full = sheet if sheet.is_absolute() else ctx.cwd / sheet
    if not full.is_file():
        return ctx.fail(t("cli.no_such_file", path=str(sheet)))
    try:
        result = read(full, display_path(full, ctx.cwd))
    except SheetError as error:
        return ctx.fail(t(f"msel.{error.code}", **error.params))
    for problem in result.problems:
        ctx.print(problem.render(t))
    if result.problems:
        ctx.print(t(not_imported, problems=len(result.problems)))
        return 1
    return result
