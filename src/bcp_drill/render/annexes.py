"""A scenario's annexes (別紙) as tables: contacts (様式9), resources (様式18), locations and
references. The runner and plain mode show them as text; the paper sheet prints them."""

from __future__ import annotations

from collections.abc import Callable

from bcp_drill.content.fields import text
from bcp_drill.content.models import Contact, Scenario
from bcp_drill.drill.counts import format_minutes
from bcp_drill.i18n import Translator
from bcp_drill.render.tables import Column, Table, render_text


def annex_tables(scenario: Scenario, t: Translator) -> list[Table]:
    """The annexes that have lines, each as one table."""
    lang = t.lang
    annexes = scenario.annexes

    def place(location_id: str | None) -> str:
        found = scenario.location(location_id) if location_id else None
        return found.name.get(lang) if found else (location_id or "")

    tables = []
    if annexes.contacts:
        tables.append(contacts_table(scenario, t))
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


def contacts_table(scenario: Scenario, t: Translator) -> Table:
    """The emergency contact list (様式9). The plan's own fields appear when a line has one: the
    id, the title (役職) beside the name, the e-mail under the phone, the call-in time, whom they
    deputise for and the steps they take over (kept narrow: the sheet prints it on A4)."""
    lang, contacts = t.lang, scenario.annexes.contacts
    titled = any(c.title for c in contacts)
    mailed = any(c.email for c in contacts)

    def role(role_id: str | None) -> str:
        found = scenario.role(role_id) if role_id else None
        return found.title.get(lang) if found else (role_id or "")

    def name(contact: Contact) -> str:
        found, title = text(contact.name, lang), text(contact.title, lang)
        return f"{found}（{title}）" if title and found else found or title

    def deputy_for(contact: Contact) -> str:
        return ", ".join(t("annex.deputy_for_text", role=r.title.get(lang), number=n)
                         for r in scenario.roles for n, c in enumerate(r.deputy_contacts, 1) if c == contact.id)

    # (key, label, the cell of a contact, shown whatever the lines hold)
    cells: list[tuple[str, str, Callable[[Contact], str], bool]] = [
        ("id", t("annex.contact_id"), lambda c: c.id or "", False),
        ("role", t("annex.role"), lambda c: role(c.role), True),
        ("name", t("annex.name_title") if titled else t("annex.name"), name, True),
        ("organisation", t("annex.organisation"), lambda c: text(c.organisation, lang), True),
        ("phone", t("annex.phone_email") if mailed else t("annex.phone"),
         lambda c: " ".join(x for x in (c.phone, c.email) if x), True),
        ("alternate", t("annex.alternate"), lambda c: text(c.alternate, lang), True),
        ("call_in", t("annex.call_in"),
         lambda c: format_minutes(c.call_in_minutes) if c.call_in_minutes is not None else "", False),
        ("deputy_for", t("annex.deputy_for"), deputy_for, False),
        ("takes_over", t("annex.takes_over"), lambda c: ", ".join(c.takes_over), False)]
    shown = [(key, label, cell) for key, label, cell, always in cells if always or any(cell(c) for c in contacts)]
    return Table(t("annex.contacts"), [Column(key, label) for key, label, _ in shown],
                 [[cell(c) for _, _, cell in shown] for c in contacts])


def annexes_text(scenario: Scenario, t: Translator) -> str:
    """Every annex as an aligned text table (wide characters counted), or a line saying none."""
    tables = annex_tables(scenario, t)
    if not tables:
        return t("annex.none")
    return "\n\n".join(render_text(table) for table in tables)
