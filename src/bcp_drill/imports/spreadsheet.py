"""Reading the spreadsheets cities already keep (XLSX or CSV) as rows of named cells.

Columns are found by their header text, in Japanese or English, in any order; every value
keeps where it came from (`sheet!B3` or `file:line`) so a problem can be named exactly.
Whatever the file, reading stays within SheetLimits (the import_max_* settings): a file or
sheet beyond one is refused with the limit named, before it can take the PC's memory or time.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

from bcp_drill.imports.raw_sheet import (
    DEFAULT_LIMITS,
    CellValue,
    Formula,
    RawSheet,
    SheetError,
    SheetLimits,
    column_letter,
    normalise,
)
from bcp_drill.imports.xlsx_stream import read_xlsx

if TYPE_CHECKING:
    from bcp_drill.i18n import Translator


@dataclass(frozen=True)
class Cell:
    value: str  # as text, stripped ("" when empty)
    place: str  # "状況付与表!C4" or "injects.csv:4"


@dataclass(frozen=True)
class SheetProblem:
    """One cell (or the header row) an import refuses, worded from the `msel.*` catalog keys."""

    place: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def render(self, t: Translator) -> str:
        return f"{self.place}: {t('msel.' + self.code, **self.params)}"


@dataclass
class SheetRows:
    """The rows of a sheet under a header row, by column key (see `read_sheet`)."""

    source: str  # the file as the user named it
    header_place: str  # where the header row is
    columns: dict[str, str]  # key → the header text found for it
    rows: list[dict[str, Cell]]
    unknown_headers: list[Cell]  # header cells that match no column (reported, not guessed)
    # Cells the sheet shows but cannot give (a formula with no value, different values under
    # one merged header): an importer reports them before anything else.
    problems: list[SheetProblem] = field(default_factory=list)
    hidden_headers: list[Cell] = field(default_factory=list)  # the header cells of hidden columns not read


def _csv_rows(path: Path, display: str, limits: SheetLimits) -> RawSheet:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp932"):  # Excel in Japan saves CSV as Shift_JIS unless told otherwise
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise SheetError("sheet_encoding", file=display)
    del raw
    rows: list[list[CellValue]] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    # The csv module's own limit (128 KiB) would end in an internal error; this one is named.
    previous = csv.field_size_limit(limits.max_cell_chars)
    line = 1  # where the record being read begins (a quoted cell may span lines)
    try:
        for record in reader:
            if len(rows) >= limits.max_rows:
                raise SheetError("sheet_too_many_rows", where=f"{display}:{line}", limit=f"{limits.max_rows:,}")
            if len(record) > limits.max_columns:
                raise SheetError("sheet_too_many_columns", where=f"{display}:{line}",
                                 limit=f"{limits.max_columns:,}")
            rows.append([value.strip() for value in record])
            line = reader.line_num + 1
    except csv.Error as error:
        where = f"{display}:{line}"
        if str(error).startswith("field larger"):
            raise SheetError("sheet_cell_too_long", where=where, limit=f"{limits.max_cell_chars:,}") from None
        raise SheetError("sheet_csv_error", where=where, reason=str(error)) from None
    finally:
        csv.field_size_limit(previous)
    return RawSheet(None, rows)


def _fill_merges(sheet: RawSheet, display: str) -> dict[int, int]:
    """Merged cells as a person sees them: the top-left value in every cell of its range.
    Returns, by row index, the columns (bits) that were filled in so (not typed there)."""
    taken: dict[int, int] = {}
    filled: dict[int, int] = {}
    for number, (first_row, first_col, last_row, last_col) in enumerate(sheet.merges):
        top = sheet.rows[first_row - 1] if first_row <= len(sheet.rows) else []
        value = top[first_col - 1] if first_col <= len(top) else ""
        span = (1 << last_col) - (1 << (first_col - 1))  # bits first_col-1 .. last_col-1
        for row in range(first_row - 1, last_row):
            if taken.get(row, 0) & span:  # a damaged file: which value shows is a guess
                other = next(m for m in sheet.merges[:number] if m[0] <= row + 1 <= m[2]
                             and m[1] <= last_col and first_col <= m[3])
                raise SheetError("sheet_merged_overlap", file=display, first=_range_text(sheet, other),
                                 second=_range_text(sheet, sheet.merges[number]))
            taken[row] = taken.get(row, 0) | span
            cells_filled = span & ~(1 << (first_col - 1)) if row == first_row - 1 else span
            if value == "" or not cells_filled:
                continue
            filled[row] = filled.get(row, 0) | cells_filled
            while len(sheet.rows) <= row:
                sheet.rows.append([])
            cells = sheet.rows[row]
            cells.extend([""] * (last_col - len(cells)))
            for column in range(first_col - 1, last_col):
                if cells_filled >> column & 1:
                    cells[column] = value
    return filled


def _range_text(sheet: RawSheet, merged: tuple[int, int, int, int]) -> str:
    first_row, first_col, last_row, last_col = merged
    return (f"{sheet.title}!{column_letter(first_col - 1)}{first_row}:"
            f"{column_letter(last_col - 1)}{last_row}")


def read_sheet(path: Path, display: str, headers: Mapping[str, Sequence[str]],
               sheet_names: Sequence[str] = (), classify: Callable[[str], str | None] | None = None,
               limits: SheetLimits = DEFAULT_LIMITS, skip_hidden: bool = False) -> SheetRows:
    """The rows of PATH (XLSX, or CSV in UTF-8 or Shift_JIS) under the first row that names
    at least two of HEADERS (key → the header texts that mean it), keyed by column key.
    CLASSIFY names columns HEADERS cannot list (e.g. one per fiscal year). Blank rows are left out.
    SKIP_HIDDEN: columns the XLSX hides are not read (their header cells are listed instead).
    A file or sheet beyond LIMITS is refused (SheetError naming the limit)."""
    sheet, place = _open_sheet(path, display, sheet_names, limits)
    filled = _fill_merges(sheet, display)
    header = _find_header(sheet, filled, headers, classify, display)
    hidden = _used_hidden_columns(sheet, header.index) if skip_hidden else set()
    hidden_headers = [Cell(header.texts[index] if index < len(header.texts) else "", place(header.index, index))
                      for index in sorted(hidden)]
    if hidden:
        header = _HeaderRow(header.index, [t if i not in hidden else "" for i, t in enumerate(header.texts)],
                            [k if i not in hidden else None for i, k in enumerate(header.keys)])
    columns = _HeaderColumns.under(sheet, header, place)
    problems = [SheetProblem(place(header.index, index), "formula_no_value", {"formula": value.text})
                for index, value in enumerate(sheet.rows[header.index])
                if isinstance(value, Formula) and not filled.get(header.index, 0) >> index & 1 and index not in hidden]
    rows = []
    for row_index in range(header.index + 1, len(sheet.rows)):
        cells, row_problems = columns.read_row(row_index, sheet.rows[row_index], filled.get(row_index, 0))
        problems += row_problems
        if cells is not None:
            rows.append(cells)
    return SheetRows(display, place(header.index, 0), columns.names, rows, columns.unknown_headers(), problems,
                     hidden_headers)


def _used_hidden_columns(sheet: RawSheet, header_index: int) -> set[int]:
    """The hidden columns (from 0) holding anything from the header row down."""
    return {column - 1 for column in sheet.hidden_columns
            if any(column <= len(row) and row[column - 1] != "" for row in sheet.rows[header_index:])}


# Where a user finds a cell, from its row and column (both from 0): "sheet!C4" or "file.csv:4".
Placer = Callable[[int, int], str]


def _open_sheet(path: Path, display: str, sheet_names: Sequence[str],
                limits: SheetLimits) -> tuple[RawSheet, Placer]:
    """The cells of PATH and how its cells are named, once its type and size allow reading it."""
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".xlsm", ".csv"):
        raise SheetError("sheet_type", file=display)
    size = path.stat().st_size
    if size > limits.max_bytes:  # before a byte is read
        raise SheetError("sheet_too_large", file=display, size=f"{size:,}", limit=f"{limits.max_bytes:,}")
    if suffix == ".csv":
        return _csv_rows(path, display, limits), lambda row, column: f"{display}:{row + 1}"
    sheet = read_xlsx(path, display, sheet_names, limits)
    return sheet, lambda row, column: f"{sheet.title}!{column_letter(column)}{row + 1}"


@dataclass(frozen=True)
class _HeaderRow:
    index: int  # the row's index in RawSheet.rows
    texts: list[str]  # each cell's text ("" for a formula)
    keys: list[str | None]  # the column key each cell's text means


def _find_header(sheet: RawSheet, filled: dict[int, int], headers: Mapping[str, Sequence[str]],
                 classify: Callable[[str], str | None] | None, display: str) -> _HeaderRow:
    """The first row where at least two cells typed there (a merged header counts once) name a column."""
    lookup = {normalise(text): key for key, texts in headers.items() for text in (key, *texts)}

    def key_of(text: str) -> str | None:
        return lookup.get(normalise(text)) or (classify(text) if classify else None)

    for index, raw in enumerate(sheet.rows):
        texts = [v if isinstance(v, str) else "" for v in raw]
        keys = [key_of(text) if text else None for text in texts]
        mask = filled.get(index, 0)
        if sum(1 for column, key in enumerate(keys) if key and not mask >> column & 1) >= 2:
            return _HeaderRow(index, texts, keys)
    raise SheetError("sheet_no_header", file=display,
                     headers=", ".join(texts[0] for texts in headers.values() if texts))


@dataclass(frozen=True)
class _HeaderColumns:
    """The sheet's columns under its header row, by key. A header merged over several columns
    names each of them: they are one column, whichever of them a row fills."""

    sheet: RawSheet
    header: _HeaderRow
    place: Placer
    spans: dict[int, tuple[int, int, int, int]]  # column → the merged range its header is in
    groups: dict[str, list[int]]  # key → its columns
    names: dict[str, str]  # key → the header text found for it

    @classmethod
    def under(cls, sheet: RawSheet, header: _HeaderRow, place: Placer) -> _HeaderColumns:
        spans = {column: merged for merged in sheet.merges
                 if merged[0] <= header.index + 1 <= merged[2] and merged[3] > merged[1]
                 for column in range(merged[1] - 1, merged[3])}
        groups: dict[str, list[int]] = {}
        for index, key in enumerate(header.keys):
            if key is None:
                continue
            if key in groups and (index not in spans or spans.get(groups[key][0]) != spans[index]):
                # Two columns that mean the same: which one holds the data is a guess.
                first = groups[key][0]
                raise SheetError("sheet_duplicate_column", place=place(header.index, index),
                                 header=header.texts[index], other=header.texts[first])
            groups.setdefault(key, []).append(index)
        names = {key: header.texts[found[0]] for key, found in groups.items()}
        return cls(sheet, header, place, spans, groups, names)

    def header_place(self, index: int) -> str:
        """Where the header of column INDEX is: its merged range, or its cell."""
        if index in self.spans:
            return _range_text(self.sheet, self.spans[index])
        return self.place(self.header.index, index)

    def unknown_headers(self) -> list[Cell]:
        """Header cells that name no column (a merged header once, at its first column)."""
        return [Cell(text, self.header_place(index))
                for index, (text, key) in enumerate(zip(self.header.texts, self.header.keys, strict=True))
                if text and not key and not (index in self.spans and self.spans[index][1] - 1 != index)]

    def read_row(self, row_index: int, raw: list[CellValue],
                 filled: int) -> tuple[dict[str, Cell] | None, list[SheetProblem]]:
        """The row's cell under each key (None: a blank row) and the cells it shows but cannot give.
        FILLED: the columns (bits) merged cells filled in rather than typed there."""
        cells = {}
        problems: list[SheetProblem] = []
        typed = False  # (a row only filled in by merged cells from above is blank)
        for key, found in self.groups.items():
            shown = [(index, raw[index]) for index in found if index < len(raw) and raw[index] != ""]
            typed = typed or any(not filled >> index & 1 for index, _ in shown)
            if not shown:
                cells[key] = Cell("", self.place(row_index, found[0]))
                continue
            if len({v for _, v in shown}) > 1:
                problems.append(SheetProblem(self.header_place(found[0]), "merged_header_conflict", {
                    "header": self.names[key], "cells": ", ".join(self.place(row_index, i) for i, _ in shown)}))
            index, value = shown[0]
            if isinstance(value, Formula):
                if not filled >> index & 1:  # (reported where it was typed, not where it spans)
                    problems.append(SheetProblem(self.place(row_index, index), "formula_no_value",
                                                 {"formula": value.text}))
                value = ""
            cells[key] = Cell(value, self.place(row_index, index))
        return (cells if typed else None), problems
