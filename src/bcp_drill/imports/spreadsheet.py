"""Reading the spreadsheets cities already keep (XLSX or CSV) as rows of named cells.

Columns are found by their header text, in Japanese or English, in any order; every value
keeps where it came from (`sheet!B3` or `file:line`) so a problem can be named exactly.
Whatever the file, reading stays within SheetLimits (the import_max_* settings): a file or
sheet beyond one is refused with the limit named, before it can take the PC's memory or time.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Mapping, Sequence

if TYPE_CHECKING:
    from bcp_drill.i18n import Translator
    from bcp_drill.settings import Settings


@dataclass(frozen=True)
class SheetLimits:
    """How much of a file an import reads at most (the settings import_max_*)."""

    max_bytes: int = 16 * 1024 * 1024
    max_rows: int = 20_000
    max_columns: int = 100
    max_cell_chars: int = 32_767

    # An XLSX part may unpack to this many times the file limit (sheets compress 5-10 times).
    UNPACKED_RATIO: ClassVar[int] = 8

    @classmethod
    def from_settings(cls, settings: Settings) -> SheetLimits:
        return cls(settings.import_max_bytes, settings.import_max_rows, settings.import_max_columns,
                   settings.import_max_cell_chars)

    @property
    def unpacked_bytes(self) -> int:
        return self.max_bytes * self.UNPACKED_RATIO

    @property
    def max_tags(self) -> int:
        """Tags a sheet's XML (or its shared strings) may hold: a cell takes 4 to 6, a row 2."""
        return 6 * self.max_rows * self.max_columns + 2 * self.max_rows + 65_536

    @property
    def max_merges(self) -> int:
        return self.max_rows  # far more than the pillar and title ranges a real sheet merges


DEFAULT_LIMITS = SheetLimits()  # the limits of an import given none (frozen: shared safely)


@dataclass(frozen=True)
class Formula:
    """A cell holding a formula and no value (the file was saved without calculating it)."""

    text: str  # "=SUM(A1:A3)"


CellValue = str | Formula


@dataclass
class RawSheet:
    """The cells of a sheet by position, as read: rows[r][c] is row r+1, column c+1 (the line
    or record r+1 of a CSV); a row stops at its last value. Merged ranges as (first row,
    first column, last row, last column), from 1."""

    title: str | None  # the worksheet's title (None for a CSV)
    rows: list[list[CellValue]]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)


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


class SheetError(Exception):
    """The file cannot be read as a sheet at all (wrong type, damaged, no header row, beyond a limit)."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def normalise(text: str) -> str:
    """Header text compared without width, case or spacing: "ＩＤ", "id " and "I D" match."""
    return "".join(unicodedata.normalize("NFKC", text).lower().split())


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel keeps 5 as 5.0
    return str(value).strip()


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


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
               limits: SheetLimits = DEFAULT_LIMITS) -> SheetRows:
    """The rows of PATH (XLSX, or CSV in UTF-8 or Shift_JIS) under the first row that names
    at least two of HEADERS (key → the header texts that mean it), keyed by column key.
    CLASSIFY names columns HEADERS cannot list (e.g. one per fiscal year). Blank rows are left out.
    A file or sheet beyond LIMITS is refused (SheetError naming the limit)."""
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".xlsm", ".csv"):
        raise SheetError("sheet_type", file=display)
    size = path.stat().st_size
    if size > limits.max_bytes:  # before a byte is read
        raise SheetError("sheet_too_large", file=display, size=f"{size:,}", limit=f"{limits.max_bytes:,}")
    if suffix == ".csv":
        sheet = _csv_rows(path, display, limits)

        def place(row: int, column: int) -> str:
            return f"{display}:{row + 1}"
    else:
        from bcp_drill.imports.xlsx_stream import read_xlsx

        sheet = read_xlsx(path, display, sheet_names, limits)

        def place(row: int, column: int) -> str:
            return f"{sheet.title}!{column_letter(column)}{row + 1}"
    filled = _fill_merges(sheet, display)
    lookup = {normalise(text): key for key, texts in headers.items() for text in (key, *texts)}

    def key_of(text: str) -> str | None:
        return lookup.get(normalise(text)) or (classify(text) if classify else None)

    texts: list[str] = []
    keys: list[str | None] = []
    for header_index, raw in enumerate(sheet.rows):
        texts = [v if isinstance(v, str) else "" for v in raw]
        keys = [key_of(text) if text else None for text in texts]
        mask = filled.get(header_index, 0)
        if sum(1 for index, k in enumerate(keys) if k and not mask >> index & 1) >= 2:  # (a merged header once)
            break
    else:
        raise SheetError("sheet_no_header", file=display,
                         headers=", ".join(texts[0] for texts in headers.values() if texts))
    # A header merged over several columns names each of them: they are one column.
    spans: dict[int, tuple[int, int, int, int]] = {}
    for merged in sheet.merges:
        if merged[0] <= header_index + 1 <= merged[2] and merged[3] > merged[1]:
            for column in range(merged[1] - 1, merged[3]):
                spans[column] = merged
    groups: dict[str, list[int]] = {}
    for index, key in enumerate(keys):
        if key is None:
            continue
        if key in groups and (index not in spans or spans.get(groups[key][0]) != spans[index]):
            # Two columns that mean the same: which one holds the data is a guess.
            first = groups[key][0]
            raise SheetError("sheet_duplicate_column", place=place(header_index, index),
                             header=texts[index], other=texts[first])
        groups.setdefault(key, []).append(index)
    columns = {key: texts[found[0]] for key, found in groups.items()}

    def header_place(index: int) -> str:
        return _range_text(sheet, spans[index]) if index in spans else place(header_index, index)

    unknown = [Cell(text, header_place(index)) for index, (text, key) in enumerate(zip(texts, keys, strict=True))
               if text and not key and not (index in spans and spans[index][1] - 1 != index)]
    problems = [SheetProblem(place(header_index, index), "formula_no_value", {"formula": value.text})
                for index, value in enumerate(sheet.rows[header_index])
                if isinstance(value, Formula) and not filled.get(header_index, 0) >> index & 1]
    rows = []
    for row_index in range(header_index + 1, len(sheet.rows)):
        raw = sheet.rows[row_index]
        mask = filled.get(row_index, 0)
        cells = {}
        typed = False  # (a row only filled in by merged cells from above is blank)
        for key, found in groups.items():
            shown = [(index, raw[index]) for index in found if index < len(raw) and raw[index] != ""]
            typed = typed or any(not mask >> index & 1 for index, _ in shown)
            if not shown:
                cells[key] = Cell("", place(row_index, found[0]))
                continue
            index, value = shown[0]
            if len({v for _, v in shown}) > 1:
                problems.append(SheetProblem(header_place(found[0]), "merged_header_conflict", {
                    "header": columns[key], "cells": ", ".join(place(row_index, i) for i, _ in shown)}))
            if isinstance(value, Formula):
                if not mask >> index & 1:  # (reported where it was typed, not where it spans)
                    problems.append(SheetProblem(place(row_index, index), "formula_no_value",
                                                 {"formula": value.text}))
                value = ""
            cells[key] = Cell(value, place(row_index, index))
        if typed:
            rows.append(cells)
    return SheetRows(display, place(header_index, 0), columns, rows, unknown, problems)
