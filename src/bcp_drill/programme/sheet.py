"""The programme as the city edits it in Excel: a sheet with a row per planned drill or briefing,
read into a programme file (each mistake named at its cell) and written out again, so the same
sheet goes round."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bcp_drill.i18n import Lang
from bcp_drill.imports.raw_sheet import DEFAULT_LIMITS, SheetLimits
from bcp_drill.imports.spreadsheet import Cell, SheetProblem, read_sheet
from bcp_drill.programme.models import Programme, ProgrammeEntry

# Each column, by the headings a city gives it (the first is the one the template writes).
PROGRAMME_HEADERS: dict[str, tuple[str, ...]] = {
    "id": ("番号", "ID", "id"),
    "month": ("実施月", "月", "month"),
    "on": ("予定日", "日付", "date"),
    "kind": ("種類", "訓練の種類", "kind"),
    "scenario": ("シナリオ", "シナリオID", "scenario"),
    "title": ("内容", "名称", "title"),
    "participants": ("参加", "参加者", "対象", "participants"),
    "held": ("実施日", "開催日", "held"),
    "attendees": ("出席者", "attendees"),
}
# The words a city writes for each kind, and the word the template writes first.
KIND_WORDS: dict[str, tuple[str, ...]] = {
    "walkthrough": ("読み合わせ", "walkthrough"),
    "tabletop": ("机上訓練", "机上", "tabletop"),
    "functional": ("実動訓練", "機能別訓練", "実動", "functional"),
    "full_scale": ("総合訓練", "総合", "full_scale", "full-scale"),
    "call_in": ("参集訓練", "参集", "call_in", "call-in"),
    "briefing": ("説明会", "研修", "briefing"),
}
_KIND_LOOKUP = {unicodedata.normalize("NFKC", word).lower(): kind for kind, words in KIND_WORDS.items()
                for word in words}


@dataclass
class ProgrammeImport:
    programme: Programme | None
    problems: list[SheetProblem] = field(default_factory=list)

    def yaml_text(self) -> str:
        assert self.programme is not None
        return yaml.safe_dump(self.programme.model_dump(exclude_defaults=True, mode="json"), allow_unicode=True,
                              sort_keys=False)


def _date(cell: Cell, problems: list[SheetProblem]) -> date | None:
    text = unicodedata.normalize("NFKC", cell.value).strip().replace("/", "-").split(" ")[0]
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        problems.append(SheetProblem(cell.place, "programme_bad_date", {"value": cell.value}))
        return None


def _month(cell: Cell, problems: list[SheetProblem]) -> int | None:
    text = unicodedata.normalize("NFKC", cell.value).strip().removesuffix("月")
    if text.isdigit() and 1 <= int(text) <= 12:
        return int(text)
    problems.append(SheetProblem(cell.place, "programme_bad_month", {"value": cell.value}))
    return None


def _entry(number: int, row: dict[str, Cell], lang: str, problems: list[SheetProblem]) -> dict[str, Any] | None:
    kind_cell = row.get("kind")
    kind = _KIND_LOOKUP.get(unicodedata.normalize("NFKC", kind_cell.value).lower()) if kind_cell else None
    if kind is None:
        place = kind_cell.place if kind_cell else next(iter(row.values())).place
        problems.append(SheetProblem(place, "programme_bad_kind", {
            "value": kind_cell.value if kind_cell else "", "kinds": "、".join(w[0] for w in KIND_WORDS.values())}))
        return None
    entry: dict[str, Any] = {"id": row["id"].value if "id" in row and row["id"].value else f"e{number:02d}",
                             "kind": kind}
    if "month" in row and row["month"].value:
        entry["month"] = _month(row["month"], problems)
    if "on" in row and row["on"].value:
        entry["on"] = _date(row["on"], problems)
    if "held" in row and row["held"].value:
        entry["held"] = _date(row["held"], problems)
    for key in ("scenario",):
        if key in row and row[key].value:
            entry[key] = row[key].value
    for key in ("title", "participants"):
        if key in row and row[key].value:
            entry[key] = {lang: row[key].value}
    if "attendees" in row and row["attendees"].value:
        entry["attendees"] = [n.strip() for n in unicodedata.normalize("NFKC", row["attendees"].value)
                              .replace("、", ",").split(",") if n.strip()]
    return entry


def import_programme(path: Path, display: str, fiscal_year: int, title: str, lang: str = "ja",
                     limits: SheetLimits = DEFAULT_LIMITS) -> ProgrammeImport:
    """The programme of FISCAL_YEAR in a sheet; nothing when any row is wrong (each named at its cell)."""
    sheet = read_sheet(path, display, PROGRAMME_HEADERS, limits=limits)
    problems = list(sheet.problems)
    known = "、".join(headers[0] for headers in PROGRAMME_HEADERS.values())
    problems += [SheetProblem(cell.place, "programme_unknown_header", {"header": cell.value, "known": known})
                 for cell in sheet.unknown_headers]
    entries = []
    for number, row in enumerate(sheet.rows, 1):
        before = len(problems)
        entry = _entry(number, row, lang, problems)
        if entry is None or len(problems) > before:
            continue
        try:
            ProgrammeEntry.model_validate(entry)
        except ValidationError as error:
            place = next(iter(row.values())).place
            problems.append(SheetProblem(place, "programme_bad_row", {
                "detail": "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in error.errors())}))
            continue
        entries.append(entry)
    if problems or not entries:
        if not entries and not problems:
            problems.append(SheetProblem(sheet.header_place, "programme_empty", {}))
        return ProgrammeImport(None, problems)
    data = {"kind": "programme", "id": f"fy{fiscal_year}", "fiscal_year": fiscal_year, "title": {lang: title},
            "entries": entries}
    try:
        return ProgrammeImport(Programme.model_validate(data))
    except ValidationError as error:
        detail = "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in error.errors())
        return ProgrammeImport(None, [SheetProblem(sheet.header_place, "programme_bad_row", {"detail": detail})])


def programme_rows(programme: Programme | None, lang: Lang) -> list[list[str]]:
    """The sheet a city edits: the header row, then a row per entry of PROGRAMME (none: empty)."""
    rows = [[headers[0] for headers in PROGRAMME_HEADERS.values()]]
    for entry in programme.entries if programme else []:
        rows.append([entry.id, str(entry.month or ""), entry.on.isoformat() if entry.on else "",
                     KIND_WORDS[entry.kind][0], entry.scenario or "", entry.title.get(lang) if entry.title else "",
                     entry.participants.get(lang) if entry.participants else "",
                     entry.held.isoformat() if entry.held else "", "、".join(entry.attendees)])
    return rows
