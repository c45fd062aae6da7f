"""Reading the spreadsheets cities already keep (XLSX or CSV) as rows of named cells.

Columns are found by their header text, in Japanese or English, in any order; every value
keeps where it came from (`sheet!B3` or `file:line`) so a problem can be named exactly.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

if TYPE_CHECKING:
    from bcp_drill.i18n import Translator


@dataclass(frozen=True)
class Cell:
    value: str  # as text, stripped ("" when empty)
    place: str  # "状況付与表!C4" or "injects.csv:4"


@dataclass
class SheetRows:
    """The rows of a sheet under a header row, by column key (see `read_sheet`)."""

    source: str  # the file as the user named it
    header_place: str  # where the header row is
    columns: dict[str, str]  # key → the header text found for it
    rows: list[dict[str, Cell]]
    unknown_headers: list[Cell]  # header cells that match no column (reported, not guessed)


@dataclass(frozen=True)
class SheetProblem:
    """One cell (or the header row) an import refuses, worded from the `msel.*` catalog keys."""

    place: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def render(self, t: Translator) -> str:
        return f"{self.place}: {t('msel.' + self.code, **self.params)}"


class SheetError(Exception):
    """The file cannot be read as a sheet at all (wrong type, damaged, no header row)."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def normalise(text: str) -> str:
    """Header text compared without width, case or spacing: "ＩＤ", "id " and "I D" match."""
    return "".join(unicodedata.normalize("NFKC", text).lower().split())


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel keeps 5 as 5.0
    return str(value).strip()


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _xlsx_rows(path: Path, sheet_names: Sequence[str]) -> tuple[str, list[list[Any]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        raise SheetError("sheet_unreadable", file=str(path), reason=type(error).__name__) from None
    wanted = {normalise(n) for n in sheet_names}
    sheet = next((ws for ws in workbook.worksheets if normalise(ws.title) in wanted), workbook.worksheets[0])
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    title = sheet.title
    workbook.close()
    return title, rows


def _csv_rows(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp932"):  # Excel in Japan saves CSV as Shift_JIS unless told otherwise
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise SheetError("sheet_encoding", file=str(path))
    return [row for row in csv.reader(io.StringIO(text, newline=""))]


def read_sheet(path: Path, display: str, headers: Mapping[str, Sequence[str]],
               sheet_names: Sequence[str] = (), classify: Callable[[str], str | None] | None = None) -> SheetRows:
    """The rows of PATH (XLSX, or CSV in UTF-8 or Shift_JIS) under the first row that names
    at least two of HEADERS (key → the header texts that mean it), keyed by column key.
    CLASSIFY names columns HEADERS cannot list (e.g. one per fiscal year). Blank rows are left out."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        title, raw_rows = _xlsx_rows(path, sheet_names)

        def place(row: int, column: int) -> str:
            return f"{title}!{_column_letter(column)}{row + 1}"
    elif suffix == ".csv":
        raw_rows = _csv_rows(path)

        def place(row: int, column: int) -> str:
            return f"{display}:{row + 1}"
    else:
        raise SheetError("sheet_type", file=display)
    lookup = {normalise(text): key for key, texts in headers.items() for text in (key, *texts)}

    def key_of(text: str) -> str | None:
        return lookup.get(normalise(text)) or (classify(text) if classify else None)

    for header_index, raw in enumerate(raw_rows):
        texts = [_cell_text(v) for v in raw]
        keys = [key_of(text) if text else None for text in texts]
        if sum(1 for k in keys if k) >= 2:
            break
    else:
        raise SheetError("sheet_no_header", file=display,
                         headers=", ".join(texts[0] for texts in headers.values() if texts))
    seen: dict[str, int] = {}
    for index, key in enumerate(keys):
        if key is None:
            continue
        if key in seen:  # two columns that mean the same: which one holds the data is a guess
            raise SheetError("sheet_duplicate_column", place=place(header_index, index),
                             header=texts[index], other=texts[seen[key]])
        seen[key] = index
    columns = {key: texts[index] for index, key in enumerate(keys) if key}
    unknown = [Cell(text, place(header_index, index)) for index, (text, key) in enumerate(zip(texts, keys))
               if text and not key]
    rows = []
    for row_index in range(header_index + 1, len(raw_rows)):
        raw = raw_rows[row_index]
        cells = {key: Cell(_cell_text(raw[index]) if index < len(raw) else "", place(row_index, index))
                 for index, key in enumerate(keys) if key}
        if any(cell.value for cell in cells.values()):
            rows.append(cells)
    return SheetRows(display, place(header_index, 0), columns, rows, unknown)
