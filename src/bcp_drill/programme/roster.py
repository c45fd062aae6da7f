"""The staff roster (職員名簿) as the city keeps it: who works where, their ICT-BCP role and whom
they deputise for; imported from the city's own CSV or XLSX with each mistake named at its cell."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import yaml
from pydantic import Field

from bcp_drill.content.fields import ContentModel, Id
from bcp_drill.drill.setup import RosterPerson, SetupRoster
from bcp_drill.imports.raw_sheet import DEFAULT_LIMITS, SheetLimits
from bcp_drill.imports.spreadsheet import SheetProblem, read_sheet
from bcp_drill.programme import ROSTER_FILE

if TYPE_CHECKING:
    from bcp_drill.i18n import Translator

# The headers each column goes by in a city's own staff list.
ROSTER_HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("氏名", "名前", "職員名", "name"),
    "department": ("所属", "部署", "所属課", "課", "department"),
    "role": ("ICT-BCP役割", "ICT-BCPの役割", "BCP役割", "役割", "role"),
    "deputy_of": ("代行対象", "代行する者", "代行", "deputy of"),
    "contact": ("連絡先", "電話", "電話番号", "contact"),
}


class Person(ContentModel):
    name: str = Field(min_length=1)
    department: str = ""
    role: str = ""  # the ICT-BCP role as the plan names it (ICT部門責任者...), "" for none
    deputy_of: str = ""  # the name of the person this one deputises for
    contact: str = ""


class Roster(ContentModel):
    """`kind: roster`: the people a city's ICT-BCP counts on."""

    kind: Literal["roster"]
    id: Id
    people: Annotated[list[Person], Field(min_length=1)]


def person_key(name: str) -> str:
    """A name as compared: NFKC (full- and half-width alike), without spaces (山田 太郎 = 山田太郎)."""
    return "".join(unicodedata.normalize("NFKC", name).split())


@dataclass
class RosterImport:
    roster: Roster | None
    problems: list[SheetProblem] = field(default_factory=list)

    def yaml_text(self) -> str:
        assert self.roster is not None
        return yaml.safe_dump(self.roster.model_dump(exclude_defaults=True, mode="json"), allow_unicode=True,
                              sort_keys=False)


def import_roster(path: Path, display: str, roster_id: str = "roster",
                  limits: SheetLimits = DEFAULT_LIMITS) -> RosterImport:
    """The roster in a sheet; nothing when any row is wrong (each problem names its cell)."""
    sheet = read_sheet(path, display, ROSTER_HEADERS, limits=limits)
    problems = list(sheet.problems)
    known = "、".join(headers[0] for headers in ROSTER_HEADERS.values())  # 氏名、所属、ICT-BCP役割…
    problems += [SheetProblem(cell.place, "roster_unknown_header", {"header": cell.value, "known": known})
                 for cell in sheet.unknown_headers]
    if "name" not in sheet.columns:
        problems.append(SheetProblem(sheet.header_place, "roster_needs_name", {}))
        return RosterImport(None, problems)
    people: list[Person] = []
    seen: dict[str, str] = {}
    for row in sheet.rows:
        name = row.get("name")
        if name is None or not name.value:
            place = next(iter(row.values())).place if row else sheet.header_place
            problems.append(SheetProblem(place, "roster_name_missing", {}))
            continue
        key = person_key(name.value)
        if key in seen:
            problems.append(SheetProblem(name.place, "roster_name_twice", {"name": name.value, "first": seen[key]}))
            continue
        seen[key] = name.place
        people.append(Person(name=name.value, **{k: row[k].value for k in ("department", "role", "deputy_of",
                                                                             "contact") if k in row}))
    names = {person_key(p.name) for p in people}
    for row in sheet.rows:
        deputy = row.get("deputy_of")
        if deputy is not None and deputy.value and person_key(deputy.value) not in names:
            problems.append(SheetProblem(deputy.place, "roster_unknown_deputy_of", {"name": deputy.value}))
    if problems or not people:
        if not people and not problems:
            problems.append(SheetProblem(sheet.header_place, "roster_empty", {}))
        return RosterImport(None, problems)
    return RosterImport(Roster(kind="roster", id=roster_id, people=people))




def setup_roster(folder: Path, t: "Translator") -> SetupRoster:
    """The roster in FOLDER (./programmes/roster.yaml) for drill set-up: no file, no people (set-up
    is typed as before); a file that does not read, its problems said (file:line)."""
    from bcp_drill.content.loader import FileLoader

    path = folder / ROSTER_FILE
    if not path.exists():
        return SetupRoster()
    loaded = FileLoader(kinds={"roster": Roster}).load(path, f"{folder.name}/{ROSTER_FILE}")
    if not isinstance(loaded.document, Roster) or not loaded.ok:
        return SetupRoster(problems=[p.render(t) for p in loaded.problems] or [loaded.display], path=loaded.display)
    return SetupRoster([RosterPerson(p.name, p.department, p.role, p.deputy_of) for p in loaded.document.people],
                       path=loaded.display)
