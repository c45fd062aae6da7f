"""A neutral table (columns with optional group headings, rows, notes) and its formats:
aligned text, Markdown, CSV for Japanese Excel (UTF-8 with BOM), and JSON."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Sequence

from bcp_drill.drill.counts import format_elapsed, format_minutes, format_percent
from bcp_drill.render.text_table import cell_width, pad

if TYPE_CHECKING:
    from bcp_drill.errors import UserError
    from bcp_drill.i18n import Translator

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    align: str = "<"  # "<" text, ">" numbers
    group: str = ""  # a heading spanning neighbouring columns of the same group
    supergroup: str = ""  # a heading above the groups (e.g. 施策の評価 over 継続中 and 完了・廃止・中止)


@dataclass
class Table:
    title: str
    columns: list[Column]
    rows: list[list[Any]]
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class DrillTime:
    """A time on the drill clock (seconds from T0): "T+00:07:00" as text, a duration in a
    spreadsheet (so it can be summed and compared), shown there with the same "T+" form."""

    seconds: int
    short: bool = False  # h:mm, as targets are written

    def __str__(self) -> str:
        if self.short:
            return f"T+{format_minutes(self.seconds // 60)}"
        return f"T+{format_elapsed(self.seconds)}"

    @property
    def excel_format(self) -> str:
        return '"T+"[h]:mm' if self.short else '"T+"[h]:mm:ss'


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return format_percent(value)
    if isinstance(value, datetime):
        return value.astimezone().strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


def _spans(columns: Sequence[Column], level: str = "group") -> list[tuple[str, int, int]]:
    """(heading, first index, last index) for each run of columns sharing a group (or, with
    LEVEL "supergroup", a supergroup); a group run never crosses a supergroup's edge."""
    spans: list[tuple[str, int, int]] = []
    for index, column in enumerate(columns):
        heading = getattr(column, level)
        same_above = level == "supergroup" or (index > 0 and columns[index - 1].supergroup == column.supergroup)
        if spans and spans[-1][0] == heading and heading and same_above:
            spans[-1] = (heading, spans[-1][1], index)
        else:
            spans.append((heading, index, index))
    return spans


def header_rows(table: Table) -> list[list[str]]:
    """The header as rows, top first: supergroups and groups (each written over the first
    column of its run, the rest left blank), then the column labels."""
    rows = []
    for level in ("supergroup", "group"):
        if any(getattr(c, level) for c in table.columns):
            row = [""] * len(table.columns)
            for heading, first, _ in _spans(table.columns, level):
                row[first] = heading
            rows.append(row)
    rows.append([c.label for c in table.columns])
    return rows


def flat_label(column: Column) -> str:
    """One-line header where only one row fits (Markdown): "施策の評価 継続中 目標以上"."""
    return " ".join(x for x in (column.supergroup, column.group, column.label) if x)


def render_text(table: Table, gap: str = "  ", width: int | None = None) -> str:
    """The table as aligned text; when it would be wider than WIDTH, the column labels wrap at
    their spaces ("On-time rate" over two lines) to the width their values need."""
    cells = [[_cell(v) for v in row] for row in table.rows]
    labels = [[c.label] for c in table.columns]

    def widths_for(labels: list[list[str]]) -> list[int]:
        widths = [max(cell_width(line) for line in label) for label in labels]
        for row in cells:
            for index, value in enumerate(row):
                widths[index] = max(widths[index], cell_width(value))
        # A heading wider than its columns widens the last of them.
        for level in ("group", "supergroup"):
            for group, first, last in _spans(table.columns, level):
                span = sum(widths[first:last + 1]) + len(gap) * (last - first)
                if group and cell_width(group) > span:
                    widths[last] += cell_width(group) - span
        return widths

    widths = widths_for(labels)
    if width is not None and sum(widths) + len(gap) * (len(widths) - 1) > width:
        for index, column in enumerate(table.columns):
            values = max((cell_width(row[index]) for row in cells), default=0)
            labels[index] = _wrap_words(column.label, values)
        widths = widths_for(labels)

    def line(values: Sequence[str]) -> str:
        return gap.join(pad(v, widths[i], table.columns[i].align) for i, v in enumerate(values)).rstrip()

    out = [table.title, ""] if table.title else []
    for level in ("supergroup", "group"):
        if any(getattr(c, level) for c in table.columns):
            parts = []
            for group, first, last in _spans(table.columns, level):
                span = sum(widths[first:last + 1]) + len(gap) * (last - first)
                parts.append(pad(group, span, "^"))
            out.append(gap.join(parts).rstrip())
    depth = max(len(label) for label in labels)
    for row_index in range(depth):  # labels of fewer lines sit on the bottom line
        out.append(line([label[row_index - depth + len(label)] if row_index >= depth - len(label) else ""
                         for label in labels]))
    out.append(gap.join("-" * w for w in widths))
    out += [line(row) for row in cells]
    if table.notes:
        out.append("")
        out += table.notes
    return "\n".join(out) + "\n"


def _wrap_words(label: str, least: int) -> list[str]:
    """LABEL in lines broken at its spaces, each as wide as LEAST or its longest word, if wider."""
    words = label.split(" ")
    limit = max([least] + [cell_width(word) for word in words])
    lines = [words[0]]
    for word in words[1:]:
        if cell_width(lines[-1]) + 1 + cell_width(word) <= limit:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def render_markdown(table: Table) -> str:
    from bcp_drill.render.markdown import md_cell, md_line

    labels = [flat_label(c) for c in table.columns]
    out = [f"## {md_cell(table.title)}", ""] if table.title else []
    out.append("| " + " | ".join(md_cell(label) for label in labels) + " |")
    out.append("|" + "|".join("---:" if c.align == ">" else "---" for c in table.columns) + "|")
    for row in table.rows:
        out.append("| " + " | ".join(md_cell(_cell(v)) for v in row) + " |")
    for note in table.notes:  # each note its own paragraph (consecutive lines would run together)
        out += ["", md_line(note.strip())]
    return "\n".join(out) + "\n"


def neutralise(value: str) -> str:
    """Stop a spreadsheet from running user text as a formula (CSV/XLSX injection)."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def render_csv(table: Table) -> str:
    """CSV for Japanese Excel: callers write it as UTF-8 with a BOM (encoding 'utf-8-sig')."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for header in header_rows(table):  # group rows above the labels, as the printed table has them
        writer.writerow([neutralise(v) for v in header])
    for row in table.rows:
        writer.writerow([neutralise(v) if isinstance(v, str) else _cell(v) if isinstance(v, datetime)
                         else ("" if v is None else v) for v in row])
    if table.notes:  # what the figures leave out or how they are counted travels with them
        writer.writerow([])
        for note in table.notes:
            writer.writerow([neutralise(note.strip())])
    return buffer.getvalue()


def render_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"


def table_data(table: Table) -> dict:
    """A table as plain data, for JSON output of tables with no richer structure."""
    return {"title": table.title, "columns": [c.key for c in table.columns],
            "rows": [dict(zip((c.key for c in table.columns), row, strict=True)) for row in table.rows],
            "notes": table.notes}


def render(table: Table, fmt: str, data: Any = None) -> str:
    """TABLE in FMT; JSON gets DATA (the structured figures) when given."""
    if fmt == "md":
        return render_markdown(table)
    if fmt == "csv":
        return render_csv(table)
    if fmt == "json":
        return render_json(data if data is not None else table_data(table))
    return render_text(table)


def left_out_note(t: Translator, record_id: str, reason: UserError) -> str:
    """Why a figure over many records leaves RECORD_ID out, or uses only part of it."""
    from bcp_drill.records.journal import JournalNotice

    key = "cli.partly_used" if isinstance(reason, JournalNotice) else "cli.left_out"
    return t(key, record=record_id, reason=reason.render(t))
