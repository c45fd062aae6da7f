"""followups and followups update: the follow-up issue list and its changes."""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial
from pathlib import Path

from bcp_drill.commands import CommandContext
from bcp_drill.commands.output import emit, left_out_notes
from bcp_drill.commands.records import store_of
from bcp_drill.errors import UserError, describe
from bcp_drill.records.store import RecordSummary
from bcp_drill.render.tallies import followups_data, followups_table
from bcp_drill.wallclock import local_date


def followups(ctx: CommandContext, status: str | None, owner: str | None, source: str | None,
              overdue: bool, fmt: str, output: Path | None, main_issues_only: bool = False,
              due_within: int | None = None, ics: bool = False) -> int:
    from bcp_drill.followups.collect import sorted_followups
    from bcp_drill.followups.items import followup_matches, main_issues

    store = store_of(ctx)
    today = local_date(store.clock())
    damaged: list[RecordSummary] = []
    due_by = today + timedelta(days=due_within) if due_within is not None else None
    # Read one record at a time and never held whole: a folder of any size fits in memory.
    items = sorted_followups(store, ctx.t.lang, damaged, keep=partial(
        followup_matches, status=status, owner=owner, source=source, overdue_on=today if overdue else None,
        due_by=due_by))
    if ics:  # due dates for Outlook and other calendars
        from bcp_drill.commands.output import write_output
        from bcp_drill.render.programme import followups_ics

        return write_output(ctx, followups_ics(list(items), ctx.t, store.clock()), "ics", output)
    if main_issues_only:
        from bcp_drill.render.tallies import main_issues_table

        return emit(ctx, [(main_issues_table(main_issues(list(items)), ctx.t), None)], fmt, output)
    table = followups_table(items, ctx.t, today)
    # Newest first, as the records list shows them; collect_followups saw every journal.
    table.notes += left_out_notes(ctx, None, [(s.record_id, reason) for s in reversed(damaged) for reason in s.reasons])
    # The structured data only for JSON: the other formats are the table's.
    return emit(ctx, [(table, followups_data(items, today) if fmt == "json" else None)], fmt, output)


def update(ctx: CommandContext, followup_id: str, changes: dict[str, object], no_evidence: bool = False) -> int:
    from bcp_drill.followups.update import update_followup

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
