"""tally and followups: the figures the plan review meeting needs, in text, md, csv or json."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Sequence, TypeGuard

from bcp_drill.commands import CommandContext
from bcp_drill.drill.tally import by_conditions, by_phase, by_scenario, drill_figures, participation
from bcp_drill.errors import UserError, describe
from bcp_drill.fiscal import parse_fiscal_year
from bcp_drill.records.store import RecordStore, RecordSummary
from bcp_drill.render import tables
from bcp_drill.render.tallies import (
    drills_table,
    followups_data,
    followups_table,
    participation_table,
    phases_table,
    review_tally_data,
    review_tally_table,
    scenarios_table,
)

if TYPE_CHECKING:
    from bcp_drill.records.events import DrillStarted
    from bcp_drill.settings import Settings


def _drill_started(first: object) -> TypeGuard[DrillStarted]:
    """FIRST (a journal's first event, or None) starts a drill; the event models load only
    when there is an event to look at, so a tally from the figures cache never loads them."""
    if first is None:
        return False
    from bcp_drill.records import events as ev

    return isinstance(first, ev.DrillStarted)


def store_of(ctx: CommandContext) -> RecordStore:
    return record_store(ctx.settings)


def record_store(settings: Settings) -> RecordStore:
    """The records folder of SETTINGS, with the seal key when there is one (records/seal.py);
    a key that cannot be used is a SealKeyError, said in words."""
    from bcp_drill.records.seal import load_seal_key

    return RecordStore(settings.records, settings.recorder, seal_key=load_seal_key(settings.seal_key, settings.records))


def emit(ctx: CommandContext, parts: Sequence[tuple[tables.Table, object]], fmt: str, output: Path | None) -> int:
    """Write tables (with their JSON data) to stdout or a file; CSV gets a BOM for Excel."""
    if fmt == "json":
        data = [d if d is not None else tables.table_data(t) for t, d in parts]
        text = tables.render_json(data[0] if len(data) == 1 else data)
    else:
        separator = "\r\n" if fmt == "csv" else "\n"
        chunks = []
        for table, _ in parts:
            chunk = tables.render(table, fmt)
            if fmt == "csv" and len(parts) > 1:
                chunk = tables.render_csv(tables.Table("", [tables.Column("t", table.title)], [])) + chunk
            chunks.append(chunk)
        text = separator.join(chunks)
    if output is not None:
        return ctx.write_file(output, text.encode("utf-8-sig" if fmt == "csv" else "utf-8"))
    if fmt == "csv":
        text = "\ufeff" + text
    ctx.out.write(text)
    ctx.out.flush()
    return 0


def left_out_notes(ctx: CommandContext, store: RecordStore | None,
                   more: list[tuple[str, UserError]] | None = None) -> list[str]:
    """One line per record a folder-wide figure could not include, with why; each is also
    warned about on stderr, so neither a reader of the file nor of the screen misses it.
    STORE: look for unreadable records there too (None when MORE already holds them)."""
    t = ctx.t
    from bcp_drill.render.tables import left_out_note

    unreadable = store.unreadable() if store is not None else []
    reasons = [(s.record_id, reason) for s in unreadable for reason in s.reasons] + list(more or [])
    notes = []
    for record_id, error in reasons:
        note = left_out_note(t, record_id, error)
        print(f"bcp-drill: {t('cli.warning_prefix')}: {note}", file=ctx.err)
        notes.append(note)
    return notes


def _year(ctx: CommandContext, text: str | None) -> tuple[int | None, int | None]:
    if text is None:
        return None, None
    year = parse_fiscal_year(text)
    if year is None:
        return None, ctx.fail(ctx.t("cli.bad_year", value=text))
    return year, None


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
            return ctx.fail(t("cli.no_reviews", folder=str(store.root)))
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
    t = ctx.t
    left_out: list[tuple[str, UserError]] = []
    # A whole process (not a test calling in): journals not in the cache are read on every core.
    figures = drill_figures(store, t.lang, scenario_id=scenario, year=year, left_out=left_out,
                            workers=(os.cpu_count() or 1) if ctx.whole_process else 1)
    if _drill_started(first):
        figures = [f for f in figures if f.record_id == first.record_id]
        notes = []
    else:
        notes = left_out_notes(ctx, None, left_out)  # drill_figures saw every journal
    if not figures:
        return ctx.fail(t("cli.no_drills", folder=str(store.root)))
    table = drills_table(figures, t)
    table.notes += notes
    parts = [(table, None)]
    if _drill_started(first) or scenario:
        for group in by_conditions(figures):  # per phase, never across conditions
            title = group[-1].scenario_title + (f" ({group[-1].conditions})" if group[-1].conditions else "")
            parts.append((phases_table(by_phase(group), title, t), None))
    else:
        parts.append((scenarios_table(by_scenario(figures), t), None))
    parts.append((participation_table(participation(figures), t), None))
    return emit(ctx, parts, fmt, output)


def followups(ctx: CommandContext, status: str | None, owner: str | None, source: str | None,
              overdue: bool, fmt: str, output: Path | None, main_issues_only: bool = False) -> int:
    from bcp_drill.review.followups import (
        collect_followups,
        filter_followups,
        main_issues,
    )

    store = store_of(ctx)
    today = store.clock().astimezone().date()
    damaged: list[RecordSummary] = []
    items = filter_followups(collect_followups(store, ctx.t.lang, damaged), status=status, owner=owner,
                             source=source, overdue_on=today if overdue else None)
    if main_issues_only:
        from bcp_drill.render.tallies import main_issues_table

        return emit(ctx, [(main_issues_table(main_issues(items), ctx.t), None)], fmt, output)
    table = followups_table(items, ctx.t, today)
    # Newest first, as the records list shows them; collect_followups saw every journal.
    table.notes += left_out_notes(ctx, None, [(s.record_id, reason) for s in reversed(damaged) for reason in s.reasons])
    return emit(ctx, [(table, followups_data(items, today))], fmt, output)


def update(ctx: CommandContext, followup_id: str, changes: dict[str, object], no_evidence: bool = False) -> int:
    from bcp_drill.review.followups import update_followup

    t = ctx.t
    changes = {k: v for k, v in changes.items() if v is not None}
    if not changes or set(changes) == {"comment"} and not changes["comment"]:
        return ctx.fail(t("cli.nothing_to_update"))
    for key in ("start", "due"):
        value = changes.get(key)
        if isinstance(value, str):
            try:
                changes[key] = date.fromisoformat(value)
            except ValueError:
                return ctx.fail(t("tui.bad_date", value=changes[key]))
    try:
        event = update_followup(store_of(ctx), followup_id, closed_without_evidence=no_evidence, **changes)
    except UserError as error:
        return ctx.fail(error.render(t))
    except OSError as error:
        return ctx.fail(describe(error, t))
    ctx.print(t("cli.followup_updated", id=followup_id, seq=event.seq))
    return 0


