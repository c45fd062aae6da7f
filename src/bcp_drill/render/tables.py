"""A neutral table (columns with optional group headings, rows, notes) and its formats:
aligned text, Markdown, CSV for Japanese Excel (UTF-8 with BOM), and JSON."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Callable, Iterator, Protocol, Sequence, TypeVar

from bcp_drill.drill.counts import format_elapsed, format_minutes, format_percent
from bcp_drill.render.text_table import cell_width, pad
from bcp_drill.spool import Spool
from bcp_drill.wallclock import local

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
    # A list, or (for a table of a row per record over a whole folder) rows read from a file
    # or made as they are written: SpooledRows, StreamedList.
    rows: list[list[Any]] | SpooledRows
    notes: list[str] = field(default_factory=list)


class SpooledRows(Spool):
    """A table's rows kept in a temporary file rather than in memory, read back as often as a
    format needs them (aligned text reads them twice: widths, then lines)."""

    _keep: list[int] | None = None

    def keep_columns(self, indices: list[int]) -> None:
        """Read back only these cells of each row (columns found empty once every row was seen)."""
        self._keep = indices

    def __iter__(self) -> Iterator[list[Any]]:
        keep = self._keep
        for row in super().__iter__():
            yield row if keep is None else [row[index] for index in keep]


Item = TypeVar("Item", covariant=True)


class Reiterable(Protocol[Item]):
    """A collection that may be read more than once and knows its length (a list, or one too
    large to hold, read from files as it is iterated)."""

    def __len__(self) -> int: ...

    def __iter__(self) -> Iterator[Item]: ...


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
        return local(value).strftime("%Y-%m-%d %H:%M:%S")
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
    out = io.StringIO()
    write_text(table, out.write, gap, width)
    return out.getvalue()


def _value_widths(table: Table) -> list[int]:
    """The widest value of each column (rows read once: they may be in a file)."""
    widths = [0] * len(table.columns)
    for row in table.rows:
        for index, value in enumerate(row):
            widths[index] = max(widths[index], cell_width(_cell(value)))
    return widths


def write_text(table: Table, write: Callable[[str], object], gap: str = "  ", width: int | None = None) -> None:
    """`render_text`, written line by line: the rows are read twice (widths, then lines), never held."""
    values = _value_widths(table)
    labels = [[c.label] for c in table.columns]

    def widths_for(labels: list[list[str]]) -> list[int]:
        widths = [max([values[index]] + [cell_width(line) for line in label]) for index, label in enumerate(labels)]
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
            labels[index] = _wrap_words(column.label, values[index])
        widths = widths_for(labels)

    def line(values: Sequence[str]) -> str:
        return gap.join(pad(v, widths[i], table.columns[i].align) for i, v in enumerate(values)).rstrip() + "\n"

    if table.title:
        write(table.title + "\n\n")
    for level in ("supergroup", "group"):
        if any(getattr(c, level) for c in table.columns):
            parts = []
            for group, first, last in _spans(table.columns, level):
                span = sum(widths[first:last + 1]) + len(gap) * (last - first)
                parts.append(pad(group, span, "^"))
            write(gap.join(parts).rstrip() + "\n")
    depth = max(len(label) for label in labels)
    for row_index in range(depth):  # labels of fewer lines sit on the bottom line
        write(line([label[row_index - depth + len(label)] if row_index >= depth - len(label) else ""
                    for label in labels]))
    write(gap.join("-" * w for w in widths) + "\n")
    for row in table.rows:
        write(line([_cell(v) for v in row]))
    if table.notes:
        write("\n" + "".join(note + "\n" for note in table.notes))


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
    out = io.StringIO()
    write_markdown(table, out.write)
    return out.getvalue()


def write_markdown(table: Table, write: Callable[[str], object]) -> None:
    from bcp_drill.render.markdown import md_cell, md_line

    labels = [flat_label(c) for c in table.columns]
    if table.title:
        write(f"## {md_cell(table.title)}\n\n")
    write("| " + " | ".join(md_cell(label) for label in labels) + " |\n")
    write("|" + "|".join("---:" if c.align == ">" else "---" for c in table.columns) + "|\n")
    for row in table.rows:
        write("| " + " | ".join(md_cell(_cell(v)) for v in row) + " |\n")
    for note in table.notes:  # each note its own paragraph (consecutive lines would run together)
        write("\n" + md_line(note.strip()) + "\n")


def neutralise(value: str) -> str:
    """Stop a spreadsheet from running user text as a formula (CSV/XLSX injection)."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def render_csv(table: Table) -> str:
    """CSV for Japanese Excel: callers write it as UTF-8 with a BOM (encoding 'utf-8-sig')."""
    out = io.StringIO()
    write_csv(table, out.write)
    return out.getvalue()


class _Writes:
    """A file-like `write` for csv.writer, handing each line on as it is made."""

    def __init__(self, write: Callable[[str], object]) -> None:
        self.write = write


def write_csv(table: Table, write: Callable[[str], object]) -> None:
    """`render_csv`, written row by row."""
    writer = csv.writer(_Writes(write), lineterminator="\r\n")
    for header in header_rows(table):  # group rows above the labels, as the printed table has them
        writer.writerow([neutralise(v) for v in header])
    for row in table.rows:  # a share (the on-time rate) as a number to four places: 0.8333, not 0.8333333333333334
        writer.writerow([neutralise(v) if isinstance(v, str) else _cell(v) if isinstance(v, datetime)
                         else round(v, 4) if isinstance(v, float) else ("" if v is None else v) for v in row])
    if table.notes:  # what the figures leave out or how they are counted travels with them
        writer.writerow([])
        for note in table.notes:
            writer.writerow([neutralise(note.strip())])


def render_json(data: Any) -> str:
    out = io.StringIO()
    write_json(data, out.write)
    return out.getvalue()


def write_json(data: Any, write: Callable[[str], object]) -> None:
    """`render_json`, written piece by piece (the same text: json.dumps with an indent is this
    encoder's pieces joined); rows of a StreamedList are made one at a time."""
    for piece in json.JSONEncoder(ensure_ascii=False, indent=2, default=str).iterencode(data):
        write(piece)
    write("\n")


class StreamedList(list):  # a list to json's encoder, which takes no other sequence
    """Items made one at a time from a re-readable SOURCE (SpooledRows, or a collection too
    large to hold) each time it is read: table rows, or their data for write_json."""

    def __init__(self, source: Reiterable[Any], make: Callable[[Any], Any]) -> None:
        super().__init__()
        self._source, self._make = source, make

    def __len__(self) -> int:
        return len(self._source)

    def __iter__(self) -> Iterator[Any]:
        return (self._make(item) for item in self._source)


def table_data(table: Table) -> dict:
    """A table as plain data, for JSON output of tables with no richer structure."""
    keys = [c.key for c in table.columns]

    def row_data(row: list[Any]) -> dict:
        return dict(zip(keys, row, strict=True))

    rows: list[dict] = (StreamedList(table.rows, row_data) if isinstance(table.rows, (SpooledRows, StreamedList))
                        else [row_data(row) for row in table.rows])
    return {"title": table.title, "columns": keys, "rows": rows, "notes": table.notes}


def write_table(table: Table, fmt: str, write: Callable[[str], object], data: Any = None) -> None:
    """TABLE in FMT, written piece by piece; JSON gets DATA (the structured figures) when given."""
    if fmt == "md":
        write_markdown(table, write)
    elif fmt == "csv":
        write_csv(table, write)
    elif fmt == "json":
        write_json(data if data is not None else table_data(table), write)
    else:
        write_text(table, write)


def render(table: Table, fmt: str, data: Any = None) -> str:
    """TABLE in FMT; JSON gets DATA (the structured figures) when given."""
    out = io.StringIO()
    write_table(table, fmt, out.write, data)
    return out.getvalue()


def left_out_note(t: Translator, record_id: str, reason: UserError) -> str:
    """Why a figure over many records leaves RECORD_ID out, or uses only part of it."""
    from bcp_drill.records.journal import JournalNotice

    key = "cli.partly_used" if isinstance(reason, JournalNotice) else "cli.left_out"
    return t(key, record=record_id, reason=reason.render(t))
