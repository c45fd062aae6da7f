"""report and trend: the after-action report, the plan-review report, the drill-over-drill trend."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bcp_drill.commands import CommandContext
from bcp_drill.commands.review import store_of
from bcp_drill.records.journal import JournalError

if TYPE_CHECKING:
    from bcp_drill.imports.spreadsheet import SheetLimits
    from bcp_drill.records.store import RecordStore


def write_output(ctx: CommandContext, data: bytes, fmt: str, output: Path | None) -> int:
    """Reports go to a file when asked (always for XLSX); text formats may go to the screen."""
    if output is None and fmt in ("xlsx", "pdf"):
        return ctx.fail(ctx.t("cli.xlsx_needs_output", format=fmt))
    if output is None:
        ctx.out.write(data.decode("utf-8"))
        ctx.out.flush()
        return 0
    return ctx.write_file(output, data)


def report(ctx: CommandContext, record: str | None, review: str | None, fmt: str, output: Path | None) -> int:
    from bcp_drill.render.pdf import PdfUnavailable
    from bcp_drill.render.reports import render_drill_report, render_review_report
    from bcp_drill.reports.drill_report import DrillReport, build_drill_report
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
            built = build_drill_report(store, record_id, t, ctx.settings.organisation)
            data = render_drill_report(built, fmt, t)
        for notice in built.record_notices:  # in the report, and said here too
            print(f"bcp-drill: {t('cli.warning_prefix')}: {notice}", file=ctx.err)
    except (JournalError, PdfUnavailable) as error:
        return ctx.fail(error.render(t))
    return write_output(ctx, data, fmt, output)


def trend(ctx: CommandContext, scenario: str) -> int:
    from bcp_drill.render.reports import trend_table
    from bcp_drill.render.tables import left_out_note, render_text
    from bcp_drill.reports.trend import scenario_trend

    t = ctx.t
    result = scenario_trend(store_of(ctx), scenario, t.lang)
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


def import_file(ctx: CommandContext, path: Path | None, template: str | None, output: Path | None) -> int:
    """Import a drill-result or review-result file, or write a ready-to-fill template."""
    from bcp_drill.content.library import display_path
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


def _journals_of(store: RecordStore, record_ids: list[str]) -> list[tuple[str, str, Path | None]]:
    """(record id, name shown, journal) of each journal to check: every record's (a team drill's
    consoles each their own) and the follow-ups journal; None for a record that is not there."""
    from bcp_drill.records.store import FOLLOWUPS_JOURNAL
    from bcp_drill.records.team import console_paths

    if not record_ids:
        record_ids = [record_id for record_id, _ in store.journal_paths()]
        if store.exists(FOLLOWUPS_JOURNAL):
            record_ids.append(FOLLOWUPS_JOURNAL)
    found: list[tuple[str, str, Path | None]] = []
    for record_id in record_ids:
        if not store.exists(record_id):
            found.append((record_id, record_id, None))
            continue
        found.append((record_id, record_id, store.path_of(record_id)))
        found += [(record_id, f"{record_id}/{path.stem}", path) for path in console_paths(store.root, record_id)]
    return found


def verify(ctx: CommandContext, record_ids: list[str]) -> int:
    """Prove records (records/proof.py): chain, place and seal of each journal; exit 1 when any fails."""
    from bcp_drill.records.journal import read_journal
    from bcp_drill.records.proof import prove

    t = ctx.t
    store = store_of(ctx)
    failed = checked = 0
    for _, name, path in _journals_of(store, record_ids):
        checked += 1
        if path is None:
            ctx.print(t("verify.missing", record=name))
            failed += 1
            continue
        try:
            contents = read_journal(path, salvage=True)
        except JournalError as error:
            contents = None
            reasons = [error]
        except OSError as error:
            contents = None
            reasons = [JournalError(path, "unreadable", reason=error.strerror or str(error))]
        if contents is not None:
            reasons = [contents.damage] if contents.damage is not None else []
            proof = prove(path, contents, store.seal_key, with_seal=contents.damage is None)
            reasons += ([proof.failure] if proof.failure is not None else []) + proof.notices()
        if reasons:
            failed += 1
            for reason in reasons:
                ctx.print(t("verify.ng", record=name, reason=reason.render(t)))
            continue
        chain = t(f"verify.chain_{proof.chain}", line=proof.chained_from or "-")
        seal = t(f"verify.seal_{proof.seal}", key=store.seal_key.key_id if store.seal_key else "")
        strong = proof.chain in ("chained", "single") and proof.seal != "none"
        ctx.print(t("verify.ok" if strong else "verify.weak", record=name, events=proof.events, chain=chain,
                    seal=seal, hash=proof.final_hash))
    ctx.print(t("verify.summary", checked=checked, failed=failed))
    return 1 if failed else 0


def seal_key(ctx: CommandContext, action: str) -> int:
    """The seal key (records/seal.py): show it, make one, or sign the records that verify without it."""
    from bcp_drill.records.journal import reseal
    from bcp_drill.records.seal import SealKeyError, load_seal_key, make_seal_key

    t = ctx.t
    path = ctx.settings.seal_key
    try:
        key = load_seal_key(path, ctx.settings.records)
        if action == "new":
            if key is not None:
                return ctx.fail(t("seal.key_exists", path=str(path), key_id=key.key_id))
            key = make_seal_key(path, ctx.settings.records)
            ctx.print(t("seal.key_made", path=str(path), key_id=key.key_id))
            return 0
    except SealKeyError as error:
        return ctx.fail(error.render(t))
    if action == "show":
        ctx.print(t("seal.key_shown", path=str(path), key_id=key.key_id) if key else t("seal.no_key", path=str(path)))
        return 0
    if key is None:
        return ctx.fail(t("seal.adopt_needs_key", path=str(path)))
    store = store_of(ctx)
    signed = skipped = 0
    for _record_id, name, journal in _journals_of(store, []):
        assert journal is not None
        try:
            events = reseal(journal, key)
        except JournalError as error:
            skipped += 1
            ctx.print(t("seal.adopt_skipped", record=name, reason=error.render(t)))
            continue
        signed += 1
        ctx.print(t("seal.adopted", record=name, events=events))
    ctx.print(t("seal.adopt_summary", signed=signed, skipped=skipped, key_id=key.key_id))
    return 1 if skipped else 0


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
    """A plan's measures sheet (XLSX or CSV) into a checklist on the plan-measure scale, or an
    empty sheet to fill in."""
    from bcp_drill.content.loader import FileLoader
    from bcp_drill.fiscal import parse_fiscal_year
    from bcp_drill.imports.measures import import_measures, measures_template

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
    scale = ctx.library().scales["plan-measure"]
    chosen_id = checklist_id or re.sub(r"[^A-Za-z0-9_.-]", "-", sheet.stem).strip("-") or "measures"
    result = _read_sheet(ctx, sheet, lambda full, display: import_measures(
        full, display, scale, chosen_id, title or t("measures.default_title", file=full.name), t.lang,
        _sheet_limits(ctx)), "measures.not_imported")
    if isinstance(result, int):
        return result
    checked = FileLoader().load_bytes(result.text.encode("utf-8"), f"{chosen_id}.yaml")
    for problem in checked.problems:  # (a sheet that passed its own checks should never get here)
        ctx.print(problem.render(t))
    if checked.problems:
        return ctx.fail(t("measures.not_valid"))
    if output is None:
        ctx.out.write(result.text)
        return 0
    code = ctx.write_file(output, result.text.encode("utf-8"))
    if code == 0:
        ctx.print(t("measures.imported", pillars=result.pillars, measures=result.measures,
                    years=", ".join(str(y) for y in result.years) or "-"))
    return code


def plan_summary(ctx: CommandContext, checklist_id: str, year_texts: list[str], fmt: str,
                 output: Path | None) -> int:
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
    return write_output(ctx, render_plan_period(period, fmt, t, store.clock()), fmt, output)


def _sheet_limits(ctx: CommandContext) -> SheetLimits:
    """How much of a sheet an import reads (the settings import_max_*)."""
    from bcp_drill.imports.spreadsheet import SheetLimits

    return SheetLimits.from_settings(ctx.settings)


def _read_sheet(ctx: CommandContext, sheet: Path, read: Any, not_imported: str) -> Any:
    """Run a spreadsheet importer READ(full path, display name) on SHEET: its result, or the
    exit code once the sheet's problems (each at its cell or line) have been printed."""
    from bcp_drill.content.library import display_path
    from bcp_drill.imports.spreadsheet import SheetError

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
