"""Where a command's tables and files go: the screen or a file the user named, and the records a
folder-wide figure had to leave out, said beside it."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from bcp_drill.commands import CommandContext
from bcp_drill.errors import UserError
from bcp_drill.records.store import RecordStore
from bcp_drill.render import tables


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


def write_output(ctx: CommandContext, data: bytes, fmt: str, output: Path | None) -> int:
    """Reports go to a file when asked (always for XLSX); text formats may go to the screen."""
    if output is None and fmt in ("xlsx", "pdf"):
        return ctx.fail(ctx.t("cli.xlsx_needs_output", format=fmt))
    if output is None:
        ctx.out.write(data.decode("utf-8"))
        ctx.out.flush()
        return 0
    return ctx.write_file(output, data)
