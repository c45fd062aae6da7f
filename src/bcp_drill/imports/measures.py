"""A plan's list of measures (施策) kept in a spreadsheet, turned into a checklist to review.

The sheet is the city's own (the seed's 詳細別紙): pillar (基本施策), measure number and name,
responsible division, target or indicator, and a column per fiscal year with that year's
rating. Columns are found by their headers in any order; the ratings of earlier years become
each item's previous assessment. Nothing is written until every row is valid.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bcp_drill.content.fields import ID_PATTERN
from bcp_drill.content.scales import Scale
from bcp_drill.fiscal import fiscal_year_label, parse_fiscal_year
from bcp_drill.i18n import Lang
from bcp_drill.imports.raw_sheet import DEFAULT_LIMITS, SheetLimits, normalise
from bcp_drill.imports.spreadsheet import Cell, SheetProblem, SheetRows, read_sheet

# Column key → (Japanese header, English header, other header texts accepted).
MEASURE_COLUMNS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "pillar": ("基本施策（柱）", "Pillar", ("基本施策", "柱", "施策の柱")),
    "number": ("施策番号", "No.", ("番号", "No", "施策No", "Measure no")),
    "name": ("施策名", "Measure", ("施策", "具体的施策", "具体的な施策", "Measure name")),
    "division": ("担当課", "Division", ("所管課", "担当", "担当部署", "Department")),
    "target": ("目標・指標", "Target / indicator", ("目標", "指標", "成果指標", "Target", "Indicator")),
}
SHEET_TITLES = ("施策一覧", "詳細別紙", "Measures")
YEAR_PREFIX = "year:"


def year_column(text: str) -> str | None:
    """A header that names a fiscal year ("令和元年度", "R1評価", "FY2019") is that year's ratings."""
    cleaned = re.sub(r"(の)?(評価|進捗|status|rating)$", "", text.strip(), flags=re.IGNORECASE).strip()
    year = parse_fiscal_year(cleaned)
    return f"{YEAR_PREFIX}{year}" if year is not None else None


@dataclass
class MeasuresImport:
    problems: list[SheetProblem]
    text: str = ""  # the checklist YAML, when there are no problems
    pillars: int = 0
    measures: int = 0
    years: list[int] = field(default_factory=list)


def _option_lookup(scale: Scale, dimension_id: str) -> dict[str, list[str]]:
    """Every way a sheet may write a rating (code, key, label, short, either language) → the codes
    it can mean: one, or several for a word the seed uses under both 継続中 and 完了 (目標通り)."""
    dimension = next(d for d in scale.dimensions if d.id == dimension_id)
    lookup: dict[str, list[str]] = {}
    for option in dimension.options:
        names: list[str | None] = [option.code, option.key]
        for text in (option.label, option.short):
            if text is not None:
                names += [text.ja, text.en]
        for name in names:
            if name and option.code not in lookup.setdefault(normalise(name), []):
                lookup[normalise(name)].append(option.code)
    return lookup


def import_measures(path: Path, display: str, scale: Scale, checklist_id: str, title: str,
                    lang: Lang, limits: SheetLimits = DEFAULT_LIMITS) -> MeasuresImport:
    headers = {key: (ja, en, *others) for key, (ja, en, others) in MEASURE_COLUMNS.items()}
    sheet = read_sheet(path, display, headers, SHEET_TITLES, classify=year_column, limits=limits)
    result = MeasuresImport(_header_problems(sheet, lang))
    if result.problems:
        return result
    years = sorted(int(k[len(YEAR_PREFIX):]) for k in sheet.columns if k.startswith(YEAR_PREFIX))
    pillars = _pillars(sheet, years, _StatusWords.of(scale, lang), lang, result.problems)
    if not any(p["items"] for p in pillars):
        result.problems.append(SheetProblem(sheet.header_place, "no_measures"))
    if result.problems:
        return result
    sections = [p for p in pillars if p["items"]]
    document: dict[str, Any] = {
        "kind": "checklist", "id": checklist_id, "version": "1", "title": {lang: title},
        "source": {lang: display}, "unit": {"ja": "施策", "en": "measure"}, "scale": scale.id,
        "sections": sections,
    }
    result.text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)
    result.pillars = len(sections)
    result.measures = sum(len(p["items"]) for p in sections)
    result.years = years
    return result


def _column_title(key: str, lang: Lang) -> str:
    ja, en, _ = MEASURE_COLUMNS[key]
    return ja if lang == "ja" else en


def _header_problems(sheet: SheetRows, lang: Lang) -> list[SheetProblem]:
    """Headers that name no column, cells the sheet cannot give, and the columns a measure needs."""
    columns = ("・" if lang == "ja" else ", ").join(_column_title(key, lang) for key in MEASURE_COLUMNS)
    problems = [SheetProblem(c.place, "unknown_measure_header", {"header": c.value, "columns": columns})
                for c in sheet.unknown_headers] + sheet.problems
    return problems + [SheetProblem(sheet.header_place, "missing_column", {"column": _column_title(key, lang)})
                       for key in ("pillar", "name") if key not in sheet.columns]


def _pillars(sheet: SheetRows, years: list[int], statuses: _StatusWords, lang: Lang,
             problems: list[SheetProblem]) -> list[dict[str, Any]]:
    """The sheet's pillars, each with its measures as checklist items; a row that cannot be one
    adds to PROBLEMS instead."""
    pillars: list[dict[str, Any]] = []
    seen_ids: dict[str, str] = {}  # item id → the cell of its number
    current: dict[str, Any] | None = None
    for cells in sheet.rows:
        pillar_cell = cells.get("pillar")
        pillar = pillar_cell.value if pillar_cell else ""
        # A pillar is often written once over merged cells: a blank one continues the last.
        if pillar and (current is None or current["title"][lang] != pillar):
            current = {"id": f"p{len(pillars) + 1}", "title": {lang: pillar}, "items": []}
            pillars.append(current)
        if current is None:
            problems.append(SheetProblem(pillar_cell.place if pillar_cell else sheet.header_place,
                                         "measure_needs_pillar"))
            continue
        item = _measure_item(cells, current, seen_ids, lang, problems)
        if item is None:
            continue
        history = _rating_history(cells, years, statuses, lang, problems)
        if history:
            item["previous_assessment"] = {lang: " / ".join(history)}
        current["items"].append(item)
    return pillars


def _measure_item(cells: dict[str, Cell], pillar: dict[str, Any], seen_ids: dict[str, str], lang: Lang,
                  problems: list[SheetProblem]) -> dict[str, Any] | None:
    """The checklist item of a measure row, with its id, name and guidance (None: refused, in PROBLEMS)."""
    name = cells["name"]
    if not name.value:
        problems.append(SheetProblem(name.place, "required", {"column": MEASURE_COLUMNS["name"][0]}))
        return None
    number = cells.get("number") or Cell("", name.place)
    item_id = _item_id(pillar["id"], number.value, len(pillar["items"]) + 1)
    if not ID_PATTERN.match(item_id):
        problems.append(SheetProblem(number.place, "bad_id", {"value": number.value}))
        return None
    if item_id in seen_ids:
        problems.append(SheetProblem(number.place, "duplicate_id", {"value": number.value or item_id,
                                                                    "first": seen_ids[item_id]}))
        return None
    seen_ids[item_id] = number.place
    item: dict[str, Any] = {"id": item_id, "requirement": {lang: name.value}}
    guidance = [f"{_column_title(k, lang)}: {cells[k].value}" for k in ("division", "target")
                if k in cells and cells[k].value]
    if guidance:
        item["guidance"] = {lang: " / ".join(guidance)}
    return item


def _rating_history(cells: dict[str, Cell], years: list[int], statuses: _StatusWords, lang: Lang,
                    problems: list[SheetProblem]) -> list[str]:
    """"令和元年度: 継続中"-like lines for each year rated on the row; a rating not read adds to PROBLEMS."""
    history = []
    for year in years:
        cell = cells[f"{YEAR_PREFIX}{year}"]
        if not cell.value:
            continue
        label = statuses.label(cell)
        if isinstance(label, SheetProblem):
            problems.append(label)
        else:
            history.append(f"{fiscal_year_label(year, lang)}: {label}")
    return history


@dataclass(frozen=True)
class _StatusWords:
    """The ratings of the scale's status dimension as a sheet may write them, and each one's label."""

    codes: dict[str, list[str]]  # normalised word → the codes it can mean
    labels: dict[str, str]  # code → its label in the import's language

    @classmethod
    def of(cls, scale: Scale, lang: Lang) -> _StatusWords:
        labels = {o.code: o.label.get(lang) for d in scale.dimensions if d.id == "status" for o in d.options}
        return cls(_option_lookup(scale, "status"), labels)

    def label(self, cell: Cell) -> str | SheetProblem:
        """The label of the rating CELL names, or why it names none."""
        codes = self.codes.get(normalise(cell.value), [])
        if not codes:
            return SheetProblem(cell.place, "unknown_rating", {"value": cell.value})
        if len(codes) > 1:  # never guessed: 目標通り while continuing and when finished are two facts
            return SheetProblem(cell.place, "ambiguous_rating", {
                "value": cell.value, "options": " / ".join(self.labels[c] for c in codes)})
        return self.labels[codes[0]]


def _item_id(pillar_id: str, number: str, position: int) -> str:
    """"1-3" or "3" → "p1-m03"-like ids: stable when the sheet gives numbers, positional if not."""
    if not number:
        return f"{pillar_id}-m{position:02d}"
    cleaned = re.sub(r"[^A-Za-z0-9_.\-]", "-", unicodedata.normalize("NFKC", number).strip()).strip("-")
    return f"m{cleaned}" if cleaned[:1].isdigit() else cleaned


def measures_template(lang: Lang, years: list[int]) -> list[list[str]]:
    """The header row of an empty measures sheet (with a ratings column per fiscal year)."""
    head = [MEASURE_COLUMNS[k][0] if lang == "ja" else MEASURE_COLUMNS[k][1] for k in MEASURE_COLUMNS]
    return [head + [fiscal_year_label(y, lang) + ("評価" if lang == "ja" else " rating") for y in years]]
