"""A sheet as a file gives it, before any header row is looked for: its cells by position, the
limits of reading it and the error that refuses it. The XLSX reader (xlsx_stream) and
spreadsheet.read_sheet both build on this, so neither needs the other's module for it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
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
    hidden_columns: set[int] = field(default_factory=set)  # columns (from 1) the sheet hides


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

