"""A scenario's annexes (別紙) as tables: contacts (様式9), resources (様式18), locations and
references. The runner and plain mode show them as text; the paper sheet prints them."""

from __future__ import annotations

from bcp_drill.content.fields import text
from bcp_drill.content.models import Scenario
from bcp_drill.i18n import Translator
from bcp_drill.render.tables import Column, Table, render_text


def annex_tables(scenario: Scenario, t: Translator) -> list[Table]:
    """The annexes that have lines, each as one table."""
    lang = t.lang
    annexes = scenario.annexes

    def role(role_id: str | None) -> str:
        found = scenario.role(role_id) if role_id else None
        return found.title.get(lang) if found else (role_id or "")

    def place(location_id: str | None) -> str:
        found = scenario.location(location_id) if location_id else None
        return found.name.get(lang) if found else (location_id or "")

    tables = []
    if annexes.contacts:
        tables.append(Table(t("annex.contacts"), [
            Column("role", t("annex.role")), Column("name", t("annex.name")),
            Column("organisation", t("annex.organisation")), Column("phone", t("annex.phone")),
            Column("alternate", t("annex.alternate"))],
            [[role(c.role), text(c.name, lang), text(c.organisation, lang), c.phone, text(c.alternate, lang)]
             for c in annexes.contacts]))
    if annexes.resources:
        tables.append(Table(t("annex.resources"), [
            Column("item", t("annex.item")), Column("quantity", t("annex.quantity")),
            Column("where", t("annex.where")), Column("notes", t("annex.notes"))],
            [[r.name.get(lang), r.quantity, place(r.location), text(r.notes, lang)] for r in annexes.resources]))
    if annexes.locations:
        tables.append(Table(t("annex.locations"), [
            Column("id", "ID"), Column("name", t("annex.place_name")), Column("address", t("annex.address")),
            Column("notes", t("annex.notes"))],
            [[loc.id, loc.name.get(lang), text(loc.address, lang), text(loc.notes, lang)]
             for loc in annexes.locations]))
    if annexes.references:
        tables.append(Table(t("annex.references"), [
            Column("title", t("annex.document_title")), Column("clause", t("annex.clause")),
            Column("link", t("annex.link"))],
            [[r.title.get(lang), text(r.clause, lang), r.link] for r in annexes.references]))
    return tables


def annexes_text(scenario: Scenario, t: Translator) -> str:
    """Every annex as an aligned text table (wide characters counted), or a line saying none."""
    tables = annex_tables(scenario, t)
    if not tables:
        return t("annex.none")
    return "\n\n".join(render_text(table) for table in tables)
