"""The injects table (MSEL, 状況付与表) as a spreadsheet, and inject cards to print."""

from __future__ import annotations

from datetime import datetime

from bcp_drill.content.models import Scenario
from bcp_drill.drill.wording import inject_time_text
from bcp_drill.i18n import Translator
from bcp_drill.imports.msel import MSEL_COLUMNS, header, msel_rows
from bcp_drill.render.reports import _environment, _helpers, _workbook_bytes
from bcp_drill.render.tables import Column, Table, render_csv


def msel_table(scenario: Scenario, t: Translator) -> Table:
    # No note under the rows: a line there would be read back as one more inject.
    return Table(t("msel.sheet_title"), [Column(key, header(key, t.lang)) for key in MSEL_COLUMNS],
                 [list(row) for row in msel_rows(scenario, t.lang)])


def render_msel(scenario: Scenario, fmt: str, t: Translator) -> bytes:
    """XLSX (one sheet named 状況付与表 / Injects) or CSV for Japanese Excel (UTF-8 with BOM);
    the header row comes first in the CSV so the file goes straight back in."""
    table = msel_table(scenario, t)
    if fmt == "xlsx":
        how = Table(t("msel.how_title"), [Column("how", t("msel.how_title"))], [[t("msel.sheet_note")]])
        return _workbook_bytes([(t("msel.sheet_title"), table), (t("msel.how_title"), how)])
    return render_csv(Table("", table.columns, table.rows)).encode("utf-8-sig")


def render_inject_cards(scenario: Scenario, t: Translator, now: datetime) -> bytes:
    """One card per inject, four to an A4 page, for controllers running a drill on paper."""

    def role(role_id: str | None) -> str:
        found = scenario.role(role_id) if role_id else None
        return found.title.get(t.lang) if found else (role_id or "")

    def objectives(ids: list[str]) -> str:
        return " / ".join((o.title.get(t.lang) if (o := scenario.objective(i)) else i) for i in ids)

    context = {"s": scenario, "role": role, "objectives": objectives,
               "planned": lambda inject: inject_time_text(inject, scenario, t), **_helpers(t, now)}
    return _environment(True).get_template("inject_cards.html.j2").render(context).encode("utf-8")
