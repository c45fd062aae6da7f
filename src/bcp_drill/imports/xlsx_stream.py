"""One worksheet of an XLSX file, read in a single bounded pass over its XML.

openpyxl's read-only mode still holds a whole `<row>` as elements, reads every shared string
and pads rows to the declared width, so a 7 KB file can ask for gigabytes. Here every part is
streamed through expat with counters: the declared dimension, the real row and column of every
cell, each cell's characters, the bytes unpacked and the merged ranges are checked as they are
met, and reading stops at the first one beyond its limit. openpyxl is used only for what a
number format means (dates and times), so values read as they did before.
"""

from __future__ import annotations

import posixpath
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence
from xml.parsers import expat

from bcp_drill.imports.raw_sheet import (
    CellValue,
    Formula,
    RawSheet,
    SheetError,
    SheetLimits,
    cell_text,
    column_letter,
    normalise,
)

CHUNK = 64 * 1024
MAX_PARTS = 10_000  # a workbook has tens of parts; the zip directory is read only below this
# Tags in a workbook's own small parts (relationships, workbook, styles): real ones have thousands.
SMALL_PART_TAGS = 1_000_000
_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d{1,7})$")
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_STRICT_RELS = "http://purl.oclc.org/ooxml/officeDocument/relationships/"


class _Stop(Exception):
    """A handler has read all it needs."""


def _local(name: str) -> str:
    return name.rpartition(":")[2]


def parse_ref(ref: str) -> tuple[int, int] | None:
    """"C4" → (row 4, column 3), both from 1; None when it is not a cell reference."""
    found = _REF.match(ref.strip().upper())
    if not found:
        return None
    column = 0
    for letter in found.group(1):
        column = column * 26 + ord(letter) - ord("A") + 1
    row = int(found.group(2))
    return (row, column) if row >= 1 else None


def parse_range(ref: str) -> tuple[int, int, int, int] | None:
    """"A1:C3" (or "B2") → (first row, first column, last row, last column), from 1."""
    first, _, last = ref.partition(":")
    start, end = parse_ref(first), parse_ref(last or first)
    if start is None or end is None:
        return None
    return min(start[0], end[0]), min(start[1], end[1]), max(start[0], end[0]), max(start[1], end[1])


class _Reader:
    """The parts of one open workbook, each streamed within the limits."""

    def __init__(self, archive: zipfile.ZipFile, display: str, limits: SheetLimits) -> None:
        self.archive, self.display, self.limits = archive, display, limits
        self.names = set(archive.namelist())

    def stream(self, name: str, start: Callable[[str, dict[str, str]], None], end: Callable[[str], None],
               data: Callable[[str], None] | None = None, tags: int = SMALL_PART_TAGS) -> None:
        """Feed part NAME to the handlers (which get expat's names as they are, prefixes and all:
        they are called once per tag). Stops at _Stop; refuses a part that unpacks beyond the
        limit, holds more than TAGS tags, or a run of text with no markup longer than any cell
        could need."""
        parser = expat.ParserCreate()
        parser.buffer_text = True  # long text comes in pieces of at most 8 KB, never whole
        parser.StartElementHandler, parser.EndElementHandler = start, end
        if data is not None:
            parser.CharacterDataHandler = data

        def no_doctype(*_: Any) -> None:  # a workbook never has one; entities could expand without bound
            raise SheetError("sheet_unreadable", file=self.display, reason=f"{name}: DOCTYPE")

        parser.StartDoctypeDeclHandler = no_doctype
        cap = self.limits.unpacked_bytes
        # Tags and attributes are parsed whole: a run with no '>' longer than any cell's text
        # (escaped) would be held in memory at once.
        longest_run = max(1 << 20, self.limits.max_cell_chars * 8)
        unpacked = run = markup = 0
        try:
            with self.archive.open(name) as handle:
                while True:
                    chunk = handle.read(CHUNK)
                    if not chunk:
                        break
                    unpacked += len(chunk)
                    if unpacked > cap:
                        raise SheetError("sheet_unpacked_too_large", file=self.display, part=name,
                                         limit=f"{cap:,}", ratio=SheetLimits.UNPACKED_RATIO)
                    first = chunk.find(b">")
                    if first < 0:
                        run += len(chunk)
                    else:  # (runs inside one chunk are shorter than the chunk)
                        run, ended = len(chunk) - 1 - chunk.rfind(b">"), run + first
                        run = max(run, ended) if ended > longest_run else run
                    if run > longest_run:
                        raise SheetError("sheet_unreadable", file=self.display,
                                         reason=f"{name}: {run:,} bytes without markup")
                    # Each tag costs a call: counted before expat sees them ('<' opens every one).
                    markup += chunk.count(b"<")
                    if markup > tags:
                        if tags == SMALL_PART_TAGS:
                            raise SheetError("sheet_unreadable", file=self.display,
                                             reason=f"{name}: more than {tags:,} tags")
                        raise SheetError("sheet_too_much_markup", file=self.display, part=name, limit=f"{tags:,}")
                    parser.Parse(chunk, False)
                parser.Parse(b"", True)
        except _Stop:
            pass

    def relationships(self, part: str) -> dict[str, tuple[str, str]]:
        """Relationship id → (type, part name) of PART (from its _rels file)."""
        folder, base = posixpath.split(part)
        rels_name = posixpath.join(folder, "_rels", base + ".rels")
        found: dict[str, tuple[str, str]] = {}
        if rels_name not in self.names:
            return found

        def start(tag: str, attributes: dict[str, str]) -> None:
            if _local(tag) == "Relationship" and attributes.get("TargetMode") != "External":
                target = attributes.get("Target", "")
                full = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
                found[attributes.get("Id", "")] = (attributes.get("Type", ""), posixpath.normpath(full))
                if len(found) > MAX_PARTS:
                    raise SheetError("sheet_unreadable", file=self.display, reason=f"{rels_name}: too many parts")

        self.stream(rels_name, start, lambda tag: None)
        return found


def _relation(kind: str, relations: dict[str, tuple[str, str]]) -> str | None:
    return next((target for type_, target in relations.values()
                 if type_ in (_RELS + kind, _STRICT_RELS + kind)), None)


@dataclass
class _Workbook:
    sheets: list[tuple[str, str]]  # (title, part) of each worksheet, in the workbook's order
    shared_strings: str | None
    styles: str | None
    epoch: Any


def _workbook(reader: _Reader) -> _Workbook:
    from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH

    root = _relation("officeDocument", reader.relationships("")) or "xl/workbook.xml"
    relations = reader.relationships(root)
    listed: list[tuple[str, str]] = []
    epoch = [WINDOWS_EPOCH]

    def start(tag: str, attributes: dict[str, str]) -> None:
        tag = _local(tag)
        if tag == "workbookPr" and attributes.get("date1904", "").lower() in ("1", "true"):
            epoch[0] = MAC_EPOCH
        elif tag == "sheet":  # (its relationship id is r:id, whatever the prefix)
            relation = next((v for k, v in attributes.items() if k == "id" or k.endswith(":id")), "")
            listed.append((attributes.get("name", ""), relation))
            if len(listed) > MAX_PARTS:
                raise SheetError("sheet_unreadable", file=reader.display, reason="too many sheets")

    reader.stream(root, start, lambda tag: None)
    sheets = []
    for title, relation_id in listed:
        type_, part = relations.get(relation_id, ("", ""))
        if type_.endswith("/worksheet"):  # chart sheets and dialog sheets hold no cells
            sheets.append((title, part))
    if not sheets:
        raise SheetError("sheet_unreadable", file=reader.display, reason="no worksheet")
    return _Workbook(sheets, _relation("sharedStrings", relations), _relation("styles", relations), epoch[0])


def _date_styles(reader: _Reader, part: str | None) -> tuple[set[int], set[int]]:
    """The cell style indexes whose number format shows a date or time, and those of them that
    show a duration ([h]:mm), as openpyxl reads them."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format

    if part is None or part not in reader.names:
        return set(), set()
    custom: dict[int, str] = {}
    formats: list[int] = []
    inside = [False]

    def number(text: str | None) -> int:
        return int(text) if text and text.isdigit() and len(text) < 10 else -1

    def start(tag: str, attributes: dict[str, str]) -> None:
        tag = _local(tag)
        if tag == "numFmt":
            custom[number(attributes.get("numFmtId"))] = attributes.get("formatCode", "")
        elif tag == "cellXfs":
            inside[0] = True
        elif tag == "xf" and inside[0]:
            formats.append(number(attributes.get("numFmtId")))

    def end(tag: str) -> None:
        if _local(tag) == "cellXfs":
            raise _Stop

    reader.stream(part, start, end)
    dates, durations = set(), set()
    kinds: dict[int, tuple[bool, bool]] = {}  # (each format is looked at once)
    for index, format_id in enumerate(formats):
        if format_id not in kinds:
            code = custom.get(format_id, BUILTIN_FORMATS.get(format_id))
            kinds[format_id] = (is_date_format(code), is_timedelta_format(code))
        is_date, is_duration = kinds[format_id]
        if is_date:
            dates.add(index)
        if is_duration:
            durations.add(index)
    return dates, durations


class _SheetHandler:
    """The cells of one worksheet part, as text by position; every limit checked as it is met.
    Its handlers take expat's names as they are (the hot path: a million cells is seconds)."""

    def __init__(self, reader: _Reader, title: str, dates: set[int], durations: set[int], epoch: Any) -> None:
        from openpyxl.utils.datetime import from_excel, from_ISO8601

        self.from_excel, self.from_iso = from_excel, from_ISO8601
        self.reader, self.limits, self.title = reader, reader.limits, title
        self.max_rows, self.max_columns = reader.limits.max_rows, reader.limits.max_columns
        # Style indexes as the cells write them ("3"), so no cell's style is parsed as a number.
        self.dates, self.durations = {str(i) for i in dates}, {str(i) for i in durations}
        self.epoch = epoch
        self.rows: list[list[CellValue | int]] = []  # an int is a shared string not yet looked up
        self.shared: dict[int, list[tuple[int, int]]] = {}  # shared string → the cells that show it
        self.merges: list[tuple[int, int, int, int]] = []
        self.hidden_columns: set[int] = set()
        self.letters: dict[str, int] = {}  # column letters met → column number
        self.repeated: dict[str, str] = {}
        self.row = 0
        self.row_text = ""
        self.column = 0
        self.cell: dict[str, str] | None = None  # the attributes of the cell being read
        self.text: list[str] = []  # the text of its <v> or inline string
        self.chars = 0
        self.collect = False
        self.skip = 0  # depth inside phonetic runs (furigana), which are not the cell's text
        self.has_value = False
        self.formula: list[str] | None = None  # the cell's formula text, when it has one
        self.in_formula = False
        self.formula_attributes: dict[str, str] = {}
        self.shared_formulas: dict[str, str] = {}
        self.total_chars = 0

    def place(self, row: int, column: int) -> str:
        return f"{self.title}!{column_letter(column - 1)}{row}"

    def too_far(self, row: int, column: int, where: Callable[[], str]) -> None:
        if row > self.max_rows:
            raise SheetError("sheet_too_many_rows", where=where(), limit=f"{self.max_rows:,}")
        if column > self.max_columns:
            raise SheetError("sheet_too_many_columns", where=where(), limit=f"{self.max_columns:,}")

    def unreadable(self, reason: str) -> SheetError:
        return SheetError("sheet_unreadable", file=self.reader.display, reason=reason)

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        if ":" in tag:
            tag = _local(tag)
        if self.cell is not None:
            if tag == "v" or (tag == "t" and not self.skip):
                self.collect = True
                self.has_value = self.has_value or tag == "v"
            elif tag == "rPh":
                self.skip += 1
            elif tag == "f":
                self.formula, self.in_formula, self.formula_attributes = [], True, attributes
            return
        if tag == "c":
            self.start_cell(attributes)
        elif tag == "row":
            given = attributes.get("r")
            row = int(given) if given and given.isdigit() and len(given) < 8 else self.row + 1
            if row <= self.row:
                raise self.unreadable(f"row {row} after row {self.row}")
            self.row, self.row_text, self.column = row, str(row), 0
        elif tag == "dimension":
            ref = attributes.get("ref", "")
            declared = parse_range(ref)
            if declared is not None:  # (it may lie or be missing: every cell is checked too)
                self.too_far(declared[2], declared[3], lambda: f"{self.title}!{ref[:40]}")
        elif tag == "mergeCell":
            ref = attributes.get("ref", "")
            merged = parse_range(ref)
            if merged is None:
                raise self.unreadable(f"merged range {ref[:40]!r}")
            if len(self.merges) >= self.limits.max_merges:
                raise SheetError("sheet_too_many_merges", file=self.reader.display,
                                 limit=f"{self.limits.max_merges:,}")
            self.too_far(merged[2], merged[3], lambda: f"{self.title}!{ref[:40]}")
            self.merges.append(merged)
        elif tag == "col":
            self.note_hidden_columns(attributes)

    def note_hidden_columns(self, attributes: dict[str, str]) -> None:
        """A <col> range: when hidden, its columns are kept (only those a sheet within the limits
        can hold: hiding every column right of the table, up to XFD, is common)."""
        if attributes.get("hidden", "").lower() not in ("1", "true"):
            return
        first, last = attributes.get("min", ""), attributes.get("max", "")
        if not (first.isdigit() and last.isdigit() and len(first) < 8 and len(last) < 8):
            raise self.unreadable(f"hidden columns {first[:20]!r}:{last[:20]!r}")
        self.hidden_columns.update(range(max(1, int(first)), min(int(last), self.max_columns) + 1))

    def start_cell(self, attributes: dict[str, str]) -> None:
        ref = attributes.get("r")
        if ref:
            letters = ref.rstrip("0123456789")
            column = self.letters.get(letters)
            if column is None:
                found = parse_ref(ref)
                column = found[1] if found else 0
                if column and len(self.letters) < 4 * self.max_columns:
                    self.letters[letters] = column
            digits = ref[len(letters):]
            if digits != self.row_text and not (digits.isdigit() and len(digits) < 8 and int(digits) == self.row):
                column = 0
        else:
            column = self.column + 1
        if column <= self.column or self.row == 0:
            raise self.unreadable(f"cell {ref} in row {self.row}")
        self.column = column
        if self.row > self.max_rows or column > self.max_columns:
            self.too_far(self.row, column, lambda: self.place(self.row, column))
        self.cell = attributes
        self.text, self.chars, self.has_value, self.formula, self.in_formula = [], 0, False, None, False

    def data(self, text: str) -> None:
        if self.collect or self.in_formula:
            self.chars += len(text)
            if self.chars > self.limits.max_cell_chars:
                raise SheetError("sheet_cell_too_long", where=self.place(self.row, self.column),
                                 limit=f"{self.limits.max_cell_chars:,}")
            if self.collect:
                self.text.append(text)
            elif self.formula is not None:
                self.formula.append(text)

    def end(self, tag: str) -> None:
        if self.cell is None:
            return
        if ":" in tag:
            tag = _local(tag)
        if tag == "c":
            self.finish_cell()
            self.cell = None
        elif tag in ("v", "t"):
            self.collect = False
        elif tag == "rPh":
            self.skip -= 1
        elif tag == "f" and self.formula is not None:
            self.chars, self.in_formula = 0, False  # (the formula's text is not the value's)
            attributes = self.formula_attributes
            if attributes.get("t") == "shared" and "si" in attributes:
                text = "".join(self.formula)
                if text:
                    self.shared_formulas.setdefault(attributes["si"], text[:200])
                else:
                    self.formula = [self.shared_formulas.get(attributes["si"], "")]

    def finish_cell(self) -> None:
        assert self.cell is not None
        kind = self.cell.get("t", "n")
        text = "".join(self.text) if len(self.text) != 1 else self.text[0]
        value: CellValue | int
        # No cached value: no <v>, or an empty one (as openpyxl writes) unless the formula gives text.
        if self.formula is not None and not (text or (self.has_value and kind == "str")):
            formula = "".join(self.formula)
            value = Formula("=" + (formula if len(formula) <= 60 else formula[:60] + "…"))
        elif kind == "inlineStr":
            value = text.strip()
        elif not text:
            return
        elif kind == "s":
            if not text.isdigit() or len(text) > 9:
                raise self.unreadable(f"{self.place(self.row, self.column)}: shared string {text[:20]!r}")
            value = int(text)
            self.shared.setdefault(value, []).append((self.row, self.column))
        elif kind == "n" and text.isdigit() and (text[0] != "0" or len(text) == 1) \
                and self.cell.get("s") not in self.dates:
            value = text  # a plain whole number: already the text openpyxl's value would give
        else:
            value = cell_text(self.typed(kind, text))
        if value == "":
            return
        if isinstance(value, str):
            self.count(len(value))
            if len(value) <= 32:  # sheets repeat short values (ratings, divisions, numbers): kept once
                value = self.repeated.get(value, value)
                if len(self.repeated) < 65_536:
                    self.repeated.setdefault(value, value)
        while len(self.rows) < self.row:
            self.rows.append([])
        cells = self.rows[self.row - 1]
        if len(cells) < self.column - 1:
            cells.extend([""] * (self.column - 1 - len(cells)))
        if len(cells) == self.column - 1:
            cells.append(value)
        else:
            cells[self.column - 1] = value

    def typed(self, kind: str, text: str) -> Any:
        """The value openpyxl would give for a cell of type KIND holding TEXT."""
        try:
            if kind == "b":
                return bool(int(text))
            if kind in ("str", "e"):
                return text
            if kind == "d":
                return self.from_iso(text)
            number = float(text) if "." in text or "E" in text or "e" in text else int(text)
        except ValueError:
            raise self.unreadable(f"{self.place(self.row, self.column)}: {text[:20]!r}") from None
        style = self.cell.get("s", "") if self.cell else ""
        if style in self.dates:
            try:
                return self.from_excel(number, self.epoch, timedelta=style in self.durations)
            except (OverflowError, ValueError):
                return "#VALUE!"  # (as openpyxl shows a date out of range)
        return number

    def count(self, chars: int) -> None:
        """Shared strings let a small file repeat a long text in every cell: the sheet's text
        in all is bounded as a CSV file's would be."""
        self.total_chars += chars
        if self.total_chars > self.limits.max_bytes:
            raise SheetError("sheet_text_too_large", file=self.reader.display, limit=f"{self.limits.max_bytes:,}")


def _shared_strings(reader: _Reader, part: str | None, wanted: dict[int, list[tuple[int, int]]],
                    sheet: _SheetHandler) -> dict[int, str]:
    """The shared strings the sheet shows (only those), each within the cell limit."""
    if part is None or part not in reader.names:
        raise reader_error(reader, "no shared strings")
    found: dict[int, str] = {}
    index = [-1]
    text: list[str] = []
    chars = [0]
    state = {"collect": False, "skip": 0}
    last = max(wanted)
    limit = reader.limits.max_cell_chars

    def start(tag: str, attributes: dict[str, str]) -> None:
        if ":" in tag:
            tag = _local(tag)
        if tag == "si":
            index[0] += 1
            text.clear()
            chars[0] = 0
        elif tag == "rPh":
            state["skip"] += 1
        elif tag == "t" and not state["skip"] and index[0] in wanted:
            state["collect"] = True

    def data(piece: str) -> None:
        if state["collect"]:
            chars[0] += len(piece)
            if chars[0] > limit:
                row, column = wanted[index[0]][0]
                raise SheetError("sheet_cell_too_long", where=sheet.place(row, column), limit=f"{limit:,}")
            text.append(piece)

    def end(tag: str) -> None:
        if ":" in tag:
            tag = _local(tag)
        if tag == "t":
            state["collect"] = False
        elif tag == "rPh":
            state["skip"] -= 1
        elif tag == "si" and index[0] in wanted:
            found[index[0]] = "".join(text)
            if index[0] == last:
                raise _Stop

    reader.stream(part, start, end, data, tags=reader.limits.max_tags)
    return found


def reader_error(reader: _Reader, reason: str) -> SheetError:
    return SheetError("sheet_unreadable", file=reader.display, reason=reason)


def _zip_entries(path: Path) -> int | None:
    """The number of files the zip's end record declares, read before the whole directory is."""
    with path.open("rb") as handle:
        handle.seek(0, 2)
        size = handle.tell()
        handle.seek(max(0, size - 22 - 65_535))
        tail = handle.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(tail):
        return None
    entries: int = struct.unpack_from("<H", tail, at + 10)[0]
    return entries


def read_xlsx(path: Path, display: str, sheet_names: Sequence[str], limits: SheetLimits) -> RawSheet:
    """The sheet of PATH titled one of SHEET_NAMES (else the first), cells as text by position."""
    try:
        entries = _zip_entries(path)
        if entries is not None and entries > MAX_PARTS:
            raise SheetError("sheet_unreadable", file=display, reason=f"{entries:,} parts")
        with zipfile.ZipFile(path) as archive:
            reader = _Reader(archive, display, limits)
            book = _workbook(reader)
            wanted = {normalise(n) for n in sheet_names}
            title, part = next((s for s in book.sheets if normalise(s[0]) in wanted), book.sheets[0])
            dates, durations = _date_styles(reader, book.styles)
            sheet = _SheetHandler(reader, title, dates, durations, book.epoch)
            reader.stream(part, sheet.start, sheet.end, sheet.data, tags=limits.max_tags)
            if sheet.shared:
                strings = _shared_strings(reader, book.shared_strings, sheet.shared, sheet)
                for index, cells in sheet.shared.items():
                    if index not in strings:
                        row, column = cells[0]
                        raise reader_error(reader, f"{sheet.place(row, column)}: shared string {index} is missing")
                    text = strings[index].strip()
                    for row, column in cells:
                        sheet.count(len(text))
                        sheet.rows[row - 1][column - 1] = text
    except SheetError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, ValueError, OSError, EOFError, zlib.error,
            NotImplementedError, RuntimeError, expat.ExpatError, UnicodeError, struct.error) as error:
        # (RuntimeError: an encrypted member; NotImplementedError: an unknown compression)
        detail = str(error).splitlines()[0][:120] if str(error) else ""
        raise SheetError("sheet_unreadable", file=display,
                         reason=f"{type(error).__name__}: {detail}" if detail else type(error).__name__) from None
    rows: list[list[CellValue]] = sheet.rows  # type: ignore[assignment]  # (every int looked up above)
    return RawSheet(title, rows, sheet.merges, sheet.hidden_columns)
