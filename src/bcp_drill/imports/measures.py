"""A plan's list of measures (施策) kept in a spreadsheet, turned into a checklist to review.

The sheet is the city's own (the seed's 詳細別紙): pillar (基本施策), measure number and name,
responsible division, target or indicator, and a column per fiscal year with that year's
rating, and the carry-over to the next plan (次期計画への引継ぎ). Columns are found by their
headers in any order; a total row (合計), a note row (※…) and a hidden helper column are skipped
with a notice. Each year's ratings become that 年度's review record, marked as imported (the
final year's with the carry-over), and stay in each item's previous assessment as text.
Nothing is written until every row is valid.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bcp_drill import __version__
from bcp_drill.content.fields import ID_PATTERN
from bcp_drill.content.loader import LoadedFile
from bcp_drill.content.models import Checklist
from bcp_drill.content.scales import Scale
from bcp_drill.fiscal import fiscal_year_label, parse_fiscal_year
from bcp_drill.i18n import Lang
from bcp_drill.imports.raw_sheet import DEFAULT_LIMITS, SheetLimits, normalise
from bcp_drill.imports.spreadsheet import Cell, SheetProblem, SheetRows, read_sheet
from bcp_drill.records import events as ev
from bcp_drill.records.journal_writer import Journal
from bcp_drill.records.store import RecordStore
from bcp_drill.text import clipped

# Column key → (Japanese header, English header, other header texts accepted).
MEASURE_COLUMNS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "pillar": ("基本施策（柱）", "Pillar", ("基本施策", "柱", "施策の柱")),
    "number": ("施策番号", "No.", ("番号", "No", "施策No", "Measure no")),
    "name": ("施策名", "Measure", ("施策", "具体的施策", "具体的な施策", "Measure name")),
    "division": ("担当課", "Division", ("所管課", "担当", "担当部署", "Department")),
    "target": ("目標・指標", "Target / indicator", ("目標", "指標", "成果指標", "Target", "Indicator")),
    "carryover": ("次期計画への引継ぎ", "Carry-over", ("引継ぎ", "引き継ぎ", "次期計画への引き継ぎ", "次期計画への引継",
                                                  "次期計画", "Carry-over to the next plan", "Carryover")),
}
TEMPLATE_COLUMNS = ("pillar", "number", "name", "division", "target")
SHEET_TITLES = ("施策一覧", "詳細別紙", "Measures")
YEAR_PREFIX = "year:"
CARRYOVER = "carryover"  # the plan-measure scale's dimension (and the sheet's column key)
# A row that adds up the others ("合計", "小計", "(1) 計"), compared after normalise().
TOTAL_ROW = re.compile(r"^(\(\w+\))?(合計|総計|小計|計|total|subtotal|grandtotal)(\(.*\))?$")
# A note the city writes under its table ("※ 施策数は…", "注）…"), compared after NFKC.
NOTE_ROW = re.compile(r"^\s*(※|\*|\(注\)|注[:)\s]|注記|備考[:\s])")


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
    notices: list[SheetProblem] = field(default_factory=list)  # rows and columns skipped, named
    sheet: str = ""  # the sheet as the user named it (what the records are imported from)
    # 年度 → item id → dimension → option code: what each year's review record holds.
    ratings: dict[int, dict[str, dict[str, str]]] = field(default_factory=dict)


def _option_lookup(scale: Scale, dimension_id: str) -> dict[str, list[str]]:
    """Every way a sheet may write a rating (code, key, label, short, either language) → the codes
    it can mean: one, or several for a word the seed uses under both 継続中 and 完了 (目標通り)."""
    dimension = scale.dimension(dimension_id)
    lookup: dict[str, list[str]] = {}
    for option in dimension.options if dimension else []:
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
    """The checklist of the measures sheet at PATH and each 年度's ratings, or the problems of
    its cells (none is written). A sheet beyond LIMITS raises SheetError."""
    headers = {key: (ja, en, *others) for key, (ja, en, others) in MEASURE_COLUMNS.items()}
    sheet = read_sheet(path, display, headers, SHEET_TITLES, classify=year_column, limits=limits, skip_hidden=True)
    result = MeasuresImport(_header_problems(sheet, lang), sheet=display, notices=[
        SheetProblem(cell.place, "hidden_column_skipped", {"header": cell.value}) for cell in sheet.hidden_headers])
    if not result.problems:
        _read_measures(sheet, scale, checklist_id, title, lang, result)
    # An XLSX cell is named as Excel names a cell of another book: [施策.xlsx]詳細別紙!C4.
    result.problems, result.notices = _in_file(display, result.problems), _in_file(display, result.notices)
    return result


def _in_file(display: str, found: list[SheetProblem]) -> list[SheetProblem]:
    return [p if p.place.startswith(display) else SheetProblem(f"[{display}]{p.place}", p.code, p.params)
            for p in found]


def _read_measures(sheet: SheetRows, scale: Scale, checklist_id: str, title: str, lang: Lang,
                   result: MeasuresImport) -> None:
    """RESULT filled from the sheet's rows: its checklist text, or the problems of its rows."""
    years = sorted(int(k[len(YEAR_PREFIX):]) for k in sheet.columns if k.startswith(YEAR_PREFIX))
    reading = _Reading(years, _OptionWords.of(scale, "status", lang, "unknown_rating"),
                       _OptionWords.of(scale, CARRYOVER, lang, "unknown_carryover"), lang, result)
    pillars = _pillars(sheet, reading)
    if not any(p["items"] for p in pillars):
        result.problems.append(SheetProblem(sheet.header_place, "no_measures"))
    if result.problems:
        return
    sections = [p for p in pillars if p["items"]]
    document: dict[str, Any] = {
        "kind": "checklist", "id": checklist_id, "version": "1", "title": {lang: title},
        "source": {lang: sheet.source}, "unit": {"ja": "施策", "en": "measure"}, "scale": scale.id,
        "sections": sections,
    }
    if reading.carryovers_read:  # the carry-over is decided: the plan ends with the sheet's last year
        document["plan_years"] = {"first": years[0], "last": years[-1]}
        document["final_year_only"] = [CARRYOVER]
    result.text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)
    result.pillars = len(sections)
    result.measures = sum(len(p["items"]) for p in sections)
    result.years = years


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


@dataclass
class _Reading:
    """What reading the rows needs and gives: the year columns, the words of the two dimensions,
    the result the problems, notices and ratings go to."""

    years: list[int]
    statuses: _OptionWords
    carryovers: _OptionWords
    lang: Lang
    result: MeasuresImport
    carryovers_read: int = 0


def _skipped_row(cells: dict[str, Cell]) -> SheetProblem | None:
    """The notice of a row that is no measure: a total (合計) or a note (※…)."""
    for key in ("pillar", "number", "name"):
        cell = cells.get(key)
        if cell is not None and TOTAL_ROW.match(normalise(cell.value)):
            return SheetProblem(cell.place, "total_row_skipped", {"text": cell.value})
    # A note is one text (maybe merged over the row), perhaps beside the pillar merged from above.
    filled = [c for c in cells.values() if c.value]
    rest = filled if len({c.value for c in filled}) == 1 else [c for k, c in cells.items() if c.value and k != "pillar"]
    if len({c.value for c in rest}) == 1 and NOTE_ROW.match(unicodedata.normalize("NFKC", rest[0].value)):
        text = rest[0].value
        return SheetProblem(rest[0].place, "measure_note_row_skipped",
                            {"text": clipped(text, 40)})
    return None


def _pillars(sheet: SheetRows, reading: _Reading) -> list[dict[str, Any]]:
    """The sheet's pillars, each with its measures as checklist items; a row that cannot be one
    adds to the problems instead."""
    lang, problems = reading.lang, reading.result.problems
    pillars: list[dict[str, Any]] = []
    seen_ids: dict[str, str] = {}  # item id → the cell of its number
    current: dict[str, Any] | None = None
    for cells in sheet.rows:
        skipped = _skipped_row(cells)
        if skipped is not None:
            reading.result.notices.append(skipped)
            continue
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
        history = _rating_history(cells, item["id"], reading)
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


def _rating_history(cells: dict[str, Cell], item_id: str, reading: _Reading) -> list[str]:
    """"令和元年度: 継続中"-like lines for each year rated on the row, each rating kept for its
    year's record (the carry-over for the final year's); a rating not read adds to the problems."""
    problems, ratings = reading.result.problems, reading.result.ratings
    history = []
    for year in reading.years:
        cell = cells[f"{YEAR_PREFIX}{year}"]
        code = reading.statuses.code(cell) if cell.value else None
        if isinstance(code, SheetProblem):
            problems.append(code)
        elif code is not None:
            ratings.setdefault(year, {}).setdefault(item_id, {})["status"] = code
            history.append(f"{fiscal_year_label(year, reading.lang)}: {reading.statuses.labels[code]}")
    carry = cells.get(CARRYOVER)
    if carry is not None and carry.value:
        code = reading.carryovers.code(carry)
        if isinstance(code, SheetProblem):
            problems.append(code)
        elif not reading.years:  # (said once: every row would say the same)
            if not any(p.code == "carryover_needs_year" for p in problems):
                problems.append(SheetProblem(carry.place, "carryover_needs_year"))
        else:
            ratings.setdefault(reading.years[-1], {}).setdefault(item_id, {})[CARRYOVER] = code
            reading.carryovers_read += 1
    return history


@dataclass(frozen=True)
class _OptionWords:
    """The options of one of the scale's dimensions as a sheet may write them, and each one's label."""

    codes: dict[str, list[str]]  # normalised word → the codes it can mean
    labels: dict[str, str]  # code → its label in the import's language
    unknown: str  # the catalog code of a word that names no option
    listed: str  # the labels, as a refusal lists them

    @classmethod
    def of(cls, scale: Scale, dimension_id: str, lang: Lang, unknown: str) -> _OptionWords:
        dimension = scale.dimension(dimension_id)
        labels = {o.code: o.label.get(lang) for o in (dimension.options if dimension else [])}
        return cls(_option_lookup(scale, dimension_id), labels, unknown,
                   ("・" if lang == "ja" else ", ").join(labels.values()))

    def code(self, cell: Cell) -> str | SheetProblem:
        """The option CELL names, or why it names none."""
        codes = self.codes.get(normalise(cell.value), [])
        if not codes:
            return SheetProblem(cell.place, self.unknown, {"value": cell.value, "options": self.listed})
        if len(codes) > 1:  # never guessed: 目標通り while continuing and when finished are two facts
            return SheetProblem(cell.place, "ambiguous_rating", {
                "value": cell.value, "options": " / ".join(self.labels[c] for c in codes)})
        return codes[0]


def _item_id(pillar_id: str, number: str, position: int) -> str:
    """"1-3" or "3" → "p1-m03"-like ids: stable when the sheet gives numbers, positional if not."""
    if not number:
        return f"{pillar_id}-m{position:02d}"
    cleaned = re.sub(r"[^A-Za-z0-9_.\-]", "-", unicodedata.normalize("NFKC", number).strip()).strip("-")
    return f"m{cleaned}" if cleaned[:1].isdigit() else cleaned


@dataclass(frozen=True)
class YearRecord:
    """The review record of one 年度 of the sheet: made now, or found already imported."""

    year: int
    record_id: str
    rated: int  # measures rated that year
    carryovers: int  # carry-over decisions (the final year's)
    created: bool  # False: the same ratings were imported before, as RECORD_ID


def record_years(store: RecordStore, checklist: LoadedFile, scale: Scale, result: MeasuresImport) -> list[YearRecord]:
    """Each 年度's ratings of RESULT as that year's finished review record of CHECKLIST, marked as
    imported, its previous year's ratings kept as a review started from it would keep them (a
    finished measure stands in later years). A year imported before with the same ratings (and
    the same years before it) is not recorded again."""
    document = checklist.document
    assert isinstance(document, Checklist)
    imported = {first["import_sha256"]: record_id for record_id, first in store.first_lines()
                if first.get("type") == "review_started" and first.get("import_sha256")}
    standing: dict[str, dict[str, tuple[str, int]]] = {}  # item → dimension → (code, 年度 given)
    before: YearRecord | None = None
    records = []
    for year in sorted(result.ratings):
        ratings = result.ratings[year]
        previous = _previous_items(standing, before.year) if before is not None else {}
        digest = _import_digest(document, year, ratings, previous)
        record_id = imported.get(digest)
        if record_id is None:
            fields = _first_fields(store, checklist, document, scale, result.sheet, year, digest)
            if before is not None:
                fields.update(previous_record=before.record_id, previous_year=before.year, previous=previous)
            record_id = store.create_complete(document.id, ev.ReviewStarted, fields,
                                              functools.partial(_fill, document=document, ratings=ratings))
        before = YearRecord(year, record_id, sum(1 for r in ratings.values() if "status" in r),
                            sum(1 for r in ratings.values() if CARRYOVER in r), digest not in imported)
        records.append(before)
        _stand(standing, ratings, year, scale)
    return records


def _previous_items(standing: dict[str, dict[str, tuple[str, int]]], year: int) -> dict[str, ev.PreviousItem]:
    """The ratings standing at the end of YEAR, as a review of the next year keeps them."""
    return {item_id: ev.PreviousItem(ratings={d: code for d, (code, _) in found.items()},
                                     carried={d: given for d, (_, given) in found.items() if given != year})
            for item_id, found in standing.items() if found}


def _import_digest(document: Checklist, year: int, ratings: dict[str, dict[str, str]],
                   previous: dict[str, ev.PreviousItem]) -> str:
    """What a year's record says, as a hash: the same sheet imported again is found by it (the
    sheet's file name, in `source`, may differ)."""
    said = {"checklist": document.model_dump(mode="json", exclude={"source"}), "fiscal_year": year,
            "ratings": ratings, "previous": {i: p.model_dump(mode="json") for i, p in previous.items()}}
    canonical = json.dumps(said, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _first_fields(store: RecordStore, checklist: LoadedFile, document: Checklist, scale: Scale, sheet: str,
                  year: int, digest: str) -> dict[str, Any]:
    return dict(checklist_id=document.id, checklist_version=document.version, checklist_sha256=checklist.sha256,
                checklist_file=checklist.display, checklist_yaml=checklist.raw.decode("utf-8-sig"),
                scale_json=scale.model_dump_json(), fiscal_year=year, reviewer=store.recorder,
                tool_version=__version__, imported_from=sheet, import_sha256=digest, imported_by=store.recorder)


def _fill(journal: Journal, document: Checklist, ratings: dict[str, dict[str, str]]) -> None:
    for item in document.all_items():  # in the checklist's order
        for dimension, code in ratings.get(item.id, {}).items():
            journal.append(ev.ItemRated, item_id=item.id, dimension=dimension, option=code)
    journal.append(ev.ReviewFinished)


def _stand(standing: dict[str, dict[str, tuple[str, int]]], ratings: dict[str, dict[str, str]], year: int,
           scale: Scale) -> None:
    """STANDING after YEAR: the year's own ratings, and the finished statuses of earlier years
    not rated again."""
    for item_id in list(standing):
        kept = {}
        for d, (code, given) in standing[item_id].items():
            dimension = scale.dimension(d)
            if dimension is not None and dimension.lasting(code):
                kept[d] = (code, given)
        standing[item_id] = kept
    for item_id, own in ratings.items():
        standing.setdefault(item_id, {}).update({d: (code, year) for d, code in own.items()})


def measures_template(lang: Lang, years: list[int]) -> list[list[str]]:
    """The header row of an empty measures sheet (with a ratings column per fiscal year)."""
    head = [MEASURE_COLUMNS[k][0] if lang == "ja" else MEASURE_COLUMNS[k][1] for k in TEMPLATE_COLUMNS]
    return [head + [fiscal_year_label(y, lang) + ("評価" if lang == "ja" else " rating") for y in years]]
