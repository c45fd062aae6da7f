"""The injects table (MSEL, 状況付与表) in and out of spreadsheets.

Export: a scenario's injects as a table in the layout drill planners use. Import: such a
sheet (columns found by name, in any order) back into the scenario's injects — updated by
付与番号, new ones added, those not on the sheet kept — and the scenario file rewritten only
when every row is valid and the resulting scenario validates; every problem is named by its
cell (`sheet!C4`) or line (`file.csv:4`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bcp_drill.content.fields import ID_PATTERN, LocalizedText
from bcp_drill.content.loader import FileLoader, LoadedFile
from bcp_drill.content.models import Scenario
from bcp_drill.content.yamltree import FAST_LOADER
from bcp_drill.i18n import Lang, Translator
from bcp_drill.imports.raw_sheet import DEFAULT_LIMITS, SheetLimits, normalise
from bcp_drill.imports.spreadsheet import Cell, SheetProblem, SheetRows, read_sheet
from bcp_drill.text import clipped

# Column key → (Japanese header, English header, other header texts accepted on import).
MSEL_COLUMNS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "id": ("付与番号", "ID", ("番号", "No", "No.", "inject")),
    "time": ("付与時刻", "Time (T+)", ("時刻", "T+", "Time", "at_minutes")),
    "sender": ("発信元", "Sender", ("from",)),
    "recipient": ("付与先", "Recipient", ("to", "対象", "付与対象")),
    "channel": ("伝達手段", "Channel", ("手段",)),
    "content": ("付与内容", "Content (players)", ("Content", "内容")),
    "controller_note": ("内容（管理用）", "Controller note", ("管理用", "統制メモ", "controller's note")),
    "objectives": ("狙い", "Objectives", ("目的", "訓練目標", "Objective")),
    "expected_action": ("期待される対応行動", "Expected action", ("想定される対応", "期待される行動")),
    "expected_problems": ("想定される課題", "Expected problems", ("想定課題",)),
    "controller": ("担当コントローラー", "Controller", ("担当統制", "コントローラー", "付与者")),
    "contingency": ("予備", "Contingency", ("予備付与",)),
    "steps": ("対象ステップ", "Steps", ("関連ステップ", "Steps it sets off")),
    "when": ("適用条件", "Applies when", ("条件",)),
    "remarks": ("備考", "Remarks", ("注記", "Notes")),
    # A time of day of the scenario (at_time), apart from the T+ column: 13:30 is never T+13:30.
    "clock": ("想定時刻", "Time of day", ("時刻（時:分）", "時刻(時:分)", "at_time", "Clock time")),
}
SHEET_TITLES = ("状況付与表", "Injects", "MSEL")
YES = {"○", "◯", "〇", "yes", "y", "true", "1", "x", "✓", "予備", "はい"}
NO = {"", "no", "n", "false", "0", "-", "いいえ"}
_SPLIT_KEEP = re.compile(r"(\s*[,、，;；/／\n]\s*)")  # list separators, each kept
# "T+1:30", "1:30", "90", and what Excel gives for a time typed as 0:20 ("00:20:00").
# A time of day: "13:30", "９:１５", and Excel's "13:30:00".
_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)(?::00)?$")
_TIME = re.compile(r"^(t\+)?(\d{1,3}):([0-5]\d)(?::00)?$|^(t\+)?(\d{1,5})$", re.IGNORECASE)


def header(key: str, lang: Lang) -> str:
    ja, en, _ = MSEL_COLUMNS[key]
    return ja if lang == "ja" else en


def header_texts() -> dict[str, tuple[str, ...]]:
    return {key: (ja, en, *others) for key, (ja, en, others) in MSEL_COLUMNS.items()}


# ---------------------------------------------------------------- export


def msel_rows(scenario: Scenario, lang: Lang) -> list[list[str]]:
    """One row per inject, the MSEL_COLUMNS in order, as the sheet shows them."""

    def role(role_id: str | None) -> str:
        found = scenario.role(role_id) if role_id else None
        return found.title.get(lang) if found else (role_id or "")

    def objective(objective_id: str) -> str:
        found = scenario.objective(objective_id)
        return found.title.get(lang) if found else objective_id

    rows = []
    for inject in scenario.injects:
        minutes = inject.at_minutes
        when = "; ".join(f"{condition}={'/'.join(values)}" for condition, values in inject.when.items())
        rows.append([
            inject.id, "" if minutes is None else f"{minutes // 60}:{minutes % 60:02d}",
            inject.sender.get(lang), role(inject.recipient), inject.channel.get(lang), inject.content.get(lang),
            inject.controller_note.get(lang) if inject.controller_note else "",
            "、".join(objective(o) for o in inject.objectives) if lang == "ja" else ", ".join(
                objective(o) for o in inject.objectives),
            inject.expected_action.get(lang) if inject.expected_action else "",
            inject.expected_problems.get(lang) if inject.expected_problems else "",
            role(inject.controller), "○" if inject.contingency else "", ", ".join(inject.steps), when,
            inject.remarks.get(lang) if inject.remarks else "", inject.at_time or ""])
    return rows


# ---------------------------------------------------------------- import


@dataclass
class MselImport:
    problems: list[SheetProblem]
    text: str = ""  # the scenario file with its injects replaced (when there are no problems)
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # injects of the scenario that are not on the sheet
    notices: list[SheetProblem] = field(default_factory=list)  # rows read as notes and skipped, named


def scenario_horizon(scenario: Scenario) -> int:
    """The latest moment the scenario itself names (a phase, a target, an inject), in minutes."""
    moments = [p.at_minutes or 0 for p in scenario.phases] + [s.target_minutes or 0 for s in scenario.steps]
    return max(moments + [i.at_minutes or 0 for i in scenario.injects])


class _Row:
    """One sheet row being turned into an inject; problems are collected, not raised."""

    def __init__(self, cells: dict[str, Cell], scenario: Scenario, lang: Lang, problems: list[SheetProblem],
                 existing: bool = False):
        self.cells, self.scenario, self.lang, self.problems = cells, scenario, lang, problems
        self.existing = existing  # the row updates an inject the scenario has

    def text(self, key: str) -> str:
        cell = self.cells.get(key)
        if cell is None:
            return ""
        # An id typed in full-width characters (ｉ０１, as Japanese input often gives) is i01.
        return unicodedata.normalize("NFKC", cell.value).strip() if key == "id" else cell.value

    def place(self, key: str) -> str:
        cell = self.cells.get(key) or next(iter(self.cells.values()))
        return cell.place

    def problem(self, key: str, code: str, **params: Any) -> None:
        self.problems.append(SheetProblem(self.place(key), code, params))

    def required(self, key: str) -> str:
        value = self.text(key)
        if not value and (key in self.cells or not self.existing):  # (an absent column keeps the old value)
            self.problem(key, "required", column=header(key, self.lang))
        return value

    def minutes(self) -> int | None:
        value = normalise(self.text("time"))
        if not value:
            return None
        found = _TIME.match(value)
        if not found:
            self.problem("time", "bad_time", value=self.text("time"))
            return None
        if found.group(5) is not None:
            return int(found.group(5))
        minutes = int(found.group(2)) * 60 + int(found.group(3))
        horizon = scenario_horizon(self.scenario)
        if found.group(1) is None and minutes > horizon:
            # "13:30" past anything the scenario has is a time of day, not T+13:30: never guessed.
            self.problem("time", "time_of_day", value=self.text("time"),
                         horizon=f"T+{horizon // 60}:{horizon % 60:02d}")
            return None
        return minutes

    def clock(self) -> str | None:
        """The time of day in the 想定時刻 column, as "13:30" (None when blank or unreadable)."""
        value = normalise(self.text("clock"))
        if not value:
            return None
        found = _CLOCK.match(value)
        if not found:
            self.problem("clock", "bad_clock", value=self.text("clock"))
            return None
        return f"{int(found.group(1)):02d}:{found.group(2)}"

    def role(self, key: str, required: bool) -> str | None:
        value = self.required(key) if required else self.text(key)
        if not value:
            return None
        for role in self.scenario.roles:
            if normalise(value) in {normalise(role.id), *(normalise(x) for x in (role.title.ja, role.title.en) if x)}:
                return role.id
        self.problem(key, "unknown_role", value=value,
                     known=", ".join(r.title.get(self.lang) for r in self.scenario.roles))
        return None

    def ids(self, key: str, known: dict[str, set[str]]) -> list[str]:
        """Ids from a list cell, each written as its id or its title. A title that holds a
        separator itself (安否確認、参集) is matched whole: the longest run of parts that names
        something is taken first, so the tool's own export always reads back."""
        tokens = _SPLIT_KEEP.split(self.text(key))  # part, separator, part, ...
        parts = tokens[0::2]

        def named(first: int, last: int) -> str | None:
            text = normalise("".join(tokens[2 * first:2 * last + 1]))
            return next((known_id for known_id, names in known.items() if text in names), None)

        found, index = [], 0
        while index < len(parts):
            if not parts[index]:
                index += 1
                continue
            last = next((end for end in range(len(parts) - 1, index - 1, -1) if named(index, end)), None)
            if last is None:
                self.problem(key, "unknown_reference", value=parts[index], column=header(key, self.lang))
                index += 1
                continue
            match = named(index, last)
            assert match is not None
            found.append(match)
            index = last + 1
        return found

    def flag(self, key: str) -> bool:
        value = normalise(self.text(key))
        if value in YES:
            return True
        if value not in NO:
            self.problem(key, "bad_flag", value=self.text(key))
        return False

    def when(self) -> dict[str, list[str]]:
        result: dict[str, list[str]] = {}
        for part in re.split(r"\s*[;；\n]\s*", self.text("when")):
            if not part:
                continue
            name, sep, values = part.partition("=")
            condition = next((c for c in self.scenario.conditions if normalise(name) in {
                normalise(c.id), *(normalise(x) for x in (c.title.ja, c.title.en) if x)}), None)
            if not sep or condition is None:
                self.problem("when", "bad_when", value=part)
                continue
            chosen = []
            for value in re.split(r"\s*[/／|]\s*", values):
                match = next((v.id for v in condition.values if normalise(value) in {
                    normalise(v.id), *(normalise(x) for x in (v.title.ja, v.title.en) if x)}), None)
                if match is None:
                    self.problem("when", "bad_when", value=part)
                else:
                    chosen.append(match)
            if chosen:
                result[condition.id] = chosen
        return result


def _localized(sheet_text: str, old: LocalizedText | None, lang: Lang) -> dict[str, str] | None:
    """The text in the sheet's language; the other language is kept from the scenario."""
    if not sheet_text:
        return None
    other = "en" if lang == "ja" else "ja"
    data: dict[str, str] = {lang: sheet_text}
    kept = getattr(old, other) if old is not None else None
    if kept:
        data[other] = kept
    return dict(sorted(data.items(), key=lambda item: item[0] != "ja"))


def _names(*texts: str | None) -> set[str]:
    return {normalise(x) for x in texts if x}


# Column key → the inject fields it holds (what a sheet without that column leaves alone).
FIELDS_OF = {"time": ("at_minutes",), "steps": ("steps",), "when": ("when",), "controller": ("controller",),
             "controller_note": ("controller_note",), "expected_action": ("expected_action",),
             "expected_problems": ("expected_problems",),
             "objectives": ("objectives",), "contingency": ("contingency",), "sender": ("sender",),
             "channel": ("channel",), "recipient": ("recipient",), "content": ("content",),
             "remarks": ("remarks",), "clock": ("at_time",)}


def inject_data(row: _Row, old: Any, lang: Lang, present: set[str]) -> dict[str, Any]:
    """The inject a row describes, as the YAML mapping written into the scenario. A column the
    sheet does not have leaves that field of an existing inject as it was (never emptied)."""
    data = _row_data(row, old, lang)
    if old is not None:
        kept = old.model_dump(mode="json", exclude_defaults=True)
        for column, names in FIELDS_OF.items():
            if column not in present:
                for name in names:
                    data.pop(name, None)
                    if name in kept:
                        data[name] = kept[name]
    return data


def _row_data(row: _Row, old: Any, lang: Lang) -> dict[str, Any]:
    scenario = row.scenario
    objectives = {o.id: _names(o.id, o.title.ja, o.title.en) for o in scenario.objectives}
    steps = {s.id: _names(s.id, s.title.ja, s.title.en) for s in scenario.steps}
    data: dict[str, Any] = {"id": row.text("id")}
    minutes = row.minutes()
    if minutes is not None:
        data["at_minutes"] = minutes
    clock = row.clock()
    if clock is not None and minutes is not None:
        row.problem("clock", "two_times", value=clock, minutes=row.text("time"))
    elif clock is not None:
        data["at_time"] = clock
    data["recipient"] = row.role("recipient", required=True)
    for key in ("sender", "channel", "content"):
        data[key] = _localized(row.required(key), getattr(old, key, None), lang)
    for key, value in (("steps", row.ids("steps", steps)), ("when", row.when())):
        if value:
            data[key] = value
    controller = row.role("controller", required=False)
    if controller:
        data["controller"] = controller
    for key in ("controller_note", "expected_action", "expected_problems", "remarks"):
        text = _localized(row.text(key), getattr(old, key, None), lang)
        if text:
            data[key] = text
    chosen = row.ids("objectives", objectives)
    if chosen:
        data["objectives"] = chosen
    if row.flag("contingency"):
        data["contingency"] = True
    return data


def _injects_block(text: str) -> tuple[int, int] | None:
    """The lines [start, end) of the scenario's top-level `injects:` entry, if it has one."""
    root = yaml.compose(text, Loader=FAST_LOADER)
    if not isinstance(root, yaml.MappingNode):
        return None
    for index, (key, _) in enumerate(root.value):
        if isinstance(key, yaml.ScalarNode) and key.value == "injects":
            start = key.start_mark.line
            following = root.value[index + 1][0].start_mark.line if index + 1 < len(root.value) else None
            end = following if following is not None else len(text.splitlines())
            # Comment lines just above the next key belong to it, not to the injects.
            lines = text.splitlines()
            while end > start + 1 and lines[end - 1].lstrip().startswith("#"):
                end -= 1
            return start, end
    return None


def replace_injects(text: str, injects: list[dict[str, Any]]) -> str:
    """The scenario file with its `injects:` entry written anew; everything else (comments
    included) left exactly as it was."""
    dumped = yaml.safe_dump({"injects": injects}, allow_unicode=True, sort_keys=False, width=100,
                            default_flow_style=False).rstrip("\n").splitlines()
    lines = text.splitlines()
    block = _injects_block(text)
    if block is None:
        lines = lines + dumped
    else:
        start, end = block
        lines = lines[:start] + dumped + lines[end:]
    return "\n".join(lines) + "\n"


def import_msel(path: Path, display: str, source: LoadedFile, lang: Lang,
                limits: SheetLimits = DEFAULT_LIMITS) -> MselImport:
    """A sheet's injects merged into SOURCE's scenario; the new file text when all is valid.
    A sheet beyond LIMITS raises SheetError."""
    scenario = source.document
    assert isinstance(scenario, Scenario)
    sheet: SheetRows = read_sheet(path, display, header_texts(), SHEET_TITLES, limits=limits)
    problems = [SheetProblem(cell.place, "unknown_header", {"header": cell.value}) for cell in sheet.unknown_headers]
    problems += sheet.problems  # (formulas with no value, different values under a merged header)
    if "id" not in sheet.columns:  # without it no row can be matched to an inject
        problems.append(SheetProblem(sheet.header_place, "missing_column", {"column": header("id", lang)}))
    if problems:
        return MselImport(problems)
    old = {i.id: i for i in scenario.injects}
    seen: dict[str, str] = {}
    result = MselImport([])
    injects: list[dict[str, Any]] = []
    for cells in sheet.rows:
        note = _note_row(cells)
        if note is not None:  # a city's note under (or between) the rows: never read as an inject
            text = clipped(note.value, 40)
            result.notices.append(SheetProblem(note.place, "note_row_skipped", {"text": text}))
            continue
        id_cell = cells.get("id")
        typed_id = unicodedata.normalize("NFKC", id_cell.value).strip() if id_cell else ""
        row = _Row(cells, scenario, lang, result.problems, existing=typed_id in old)
        inject_id = row.required("id")
        if inject_id and not ID_PATTERN.match(inject_id):
            row.problem("id", "bad_id", value=inject_id)
        if inject_id in seen:
            row.problem("id", "duplicate_id", value=inject_id, first=seen[inject_id])
        seen.setdefault(inject_id, row.place("id"))
        data = inject_data(row, old.get(inject_id), lang, set(sheet.columns))
        injects.append(data)
        if inject_id not in old:
            result.added.append(inject_id)
        elif old[inject_id].model_dump(mode="json", exclude_defaults=True) != _normal(data):
            result.updated.append(inject_id)
        else:
            result.unchanged.append(inject_id)
    if result.problems:
        return result
    for inject in scenario.injects:  # not on the sheet: kept as they are, after the sheet's
        if inject.id not in seen:
            result.kept.append(inject.id)
            injects.append(inject.model_dump(mode="json", exclude_defaults=True))
    original = source.raw.decode("utf-8-sig")
    new_text = replace_injects(original, injects)
    checked = FileLoader().load_bytes(new_text.encode("utf-8"), source.display)
    if checked.problems:
        t = Translator(lang)
        result.problems += [SheetProblem(source.display, "scenario_problem", {"problem": p.render(t)})
                            for p in checked.problems]
        return result
    result.text = new_text
    return result


def _note_row(cells: dict[str, Cell]) -> Cell | None:
    """The one filled cell of a row that holds a single piece of text which is no inject id
    ("※時刻は T+ で記入"): a note the city wrote into its table, not an inject."""
    filled = [cell for cell in cells.values() if cell.value]
    if len(filled) != 1 or ID_PATTERN.match(unicodedata.normalize("NFKC", filled[0].value).strip()):
        return None
    return filled[0]


def _normal(data: dict[str, Any]) -> dict[str, Any]:
    """An inject mapping as the model would dump it (for telling updated from unchanged)."""
    from bcp_drill.content.models import Inject

    try:
        return Inject.model_validate(data).model_dump(mode="json", exclude_defaults=True)
    except ValueError:
        return data
