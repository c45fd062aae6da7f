"""Where a command's tables and files go: the screen or a file the user named, and the records a
folder-wide figure had to leave out, said beside it."""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import Callable, Sequence

from bcp_drill.commands import CommandContext
from bcp_drill.errors import UserError
from bcp_drill.records.store import RecordStore
from bcp_drill.render import tables


def emit(ctx: CommandContext, parts: Sequence[tuple[tables.Table, object]], fmt: str, output: Path | None) -> int:
    """Write tables (with their JSON data) to stdout or a file; CSV gets a BOM for Excel. The
    text is written as it is made, so a table of a row per record is never held whole."""
    if output is not None:
        encoding = "utf-8-sig" if fmt == "csv" else "utf-8"  # the -sig encoder writes the BOM once, first

        def produce(write: Callable[[bytes], object]) -> None:
            blocks = _Blocks(lambda text: write(encoder.encode(text)))
            encoder = codecs.getincrementalencoder(encoding)()
            _write_parts(parts, fmt, blocks.add)
            blocks.flush()

        return ctx.write_file(output, produce)
    blocks = _Blocks(ctx.out.write)
    if fmt == "csv":
        blocks.add("\ufeff")
    _write_parts(parts, fmt, blocks.add)
    blocks.flush()
    ctx.out.flush()
    return 0


class _Blocks:
    """Pieces of text handed on in blocks of about 64 K characters, not a write per cell."""

    def __init__(self, write: Callable[[str], object]) -> None:
        self._write = write
        self._pieces: list[str] = []
        self._size = 0

    def add(self, piece: str) -> None:
        self._pieces.append(piece)
        self._size += len(piece)
        if self._size >= 1 << 16:
            self.flush()

    def flush(self) -> None:
        if self._pieces:
            self._write("".join(self._pieces))
            self._pieces.clear()
            self._size = 0


def _write_parts(parts: Sequence[tuple[tables.Table, object]], fmt: str, write: Callable[[str], object]) -> None:
    if fmt == "json":
        data = [d if d is not None else tables.table_data(t) for t, d in parts]
        tables.write_json(data[0] if len(data) == 1 else data, write)
        return
    for index, (table, _) in enumerate(parts):
        if index:
            write("\r\n" if fmt == "csv" else "\n")
        if fmt == "csv" and len(parts) > 1:
            tables.write_csv(tables.Table("", [tables.Column("t", table.title)], []), write)
        tables.write_table(table, fmt, write)


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
