"""The drill programme as a table (text, Markdown, CSV, JSON like the tallies) and as an
iCalendar file that Outlook and other calendars import; follow-up due dates as iCalendar too."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

import icalendar

from bcp_drill.fiscal import fiscal_year_label
from bcp_drill.followups.items import FollowUp
from bcp_drill.i18n import Translator
from bcp_drill.programme.coverage import Coverage
from bcp_drill.programme.reminders import Reminders
from bcp_drill.programme.status import EntryStatus, ProgrammeStatus
from bcp_drill.render.tables import Column, Table

# A mark beside each state's word, so the state never rests on colour or on the mark alone.
STATE_MARKS = {"done": "✓", "under_way": "▶", "overdue": "!", "next": "→", "planned": "·"}


def when_text(status: EntryStatus, t: Translator) -> str:
    if status.entry.on is not None:
        return status.entry.on.isoformat()
    return t("programme.month", month=status.first.month, year=status.first.year)


def entry_title(status: EntryStatus, titles: dict[str, str], t: Translator) -> str:
    entry = status.entry
    if entry.title is not None:
        return entry.title.get(t.lang)
    return titles.get(entry.scenario or "", entry.scenario or "-")


def programme_table(status: ProgrammeStatus, titles: dict[str, str], t: Translator) -> Table:
    """One row per planned entry, in the programme's order: when, kind, what, who, its state and
    the records that stand for it; notes: how many are done, overdue, and the drills no entry planned."""
    lang = t.lang
    programme = status.programme
    rows = []
    for entry_status in status.entries:
        entry = entry_status.entry
        held = ", ".join(d.record_id for d in entry_status.drills)
        if entry.kind == "briefing" and entry.held is not None:
            held = t("programme.held_on", date=entry.held.isoformat())
        rows.append([when_text(entry_status, t), t(f"programme.kind_{entry.kind}"),
                     entry_title(entry_status, titles, t), entry.participants.get(lang) if entry.participants else "",
                     f"{STATE_MARKS[entry_status.state]} {t('programme.state_' + entry_status.state)}", held])
    name, year = programme.title.get(lang), fiscal_year_label(programme.fiscal_year, lang)
    # The year once: a city's title usually names it already (令和8年度 ICT-BCP 訓練計画).
    title = (t("programme.title_with_year", title=name, today=status.today.isoformat()) if year in name
             else t("programme.title", title=name, year=year, today=status.today.isoformat()))
    columns = [Column("when", t("programme.col_when")), Column("kind", t("programme.col_kind")),
               Column("what", t("programme.col_what")), Column("who", t("programme.col_who")),
               Column("state", t("programme.col_state")), Column("records", t("programme.col_records"))]
    notes = [t("programme.summary", planned=len(status.entries), done=status.count("done"),
               under_way=status.count("under_way"), overdue=status.count("overdue"))]
    for drill in status.unplanned:
        notes.append(t("programme.unplanned", record=drill.record_id, scenario=titles.get(drill.scenario_id,
                                                                                           drill.scenario_id),
                       date=drill.held_on.isoformat()))
    return Table(title, columns, rows, notes)


FISCAL_MONTHS = (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)


def year_plan_table(status: ProgrammeStatus, titles: dict[str, str], t: Translator) -> Table:
    """The one-page year plan a city puts in its plan's annex: one row per entry, one column per
    month of the 年度 (April to March), the entry's mark in its month (● planned, ✓ done,
    ▶ under way, ! overdue, → next) and its state in words in the last column."""
    lang = t.lang
    columns = [Column("kind", t("programme.col_kind")), Column("what", t("programme.col_what")),
               Column("who", t("programme.col_who"))]
    columns += [Column(f"m{month}", t("programme.month_short", month=month), "^", t("programme.col_months"))
                for month in FISCAL_MONTHS]
    columns.append(Column("state", t("programme.col_state")))
    rows = []
    for entry_status in status.entries:
        entry = entry_status.entry
        mark = "●" if entry_status.state in ("planned",) else STATE_MARKS[entry_status.state]
        months = [mark if entry_status.first.month <= month <= entry_status.last.month
                  and entry_status.first.year == entry_status.last.year else "" for month in FISCAL_MONTHS]
        if entry.on is not None:
            months = [f"{mark}{entry.on.day}" if month == entry.on.month else "" for month in FISCAL_MONTHS]
        rows.append([t(f"programme.kind_{entry.kind}"), entry_title(entry_status, titles, t),
                     entry.participants.get(lang) if entry.participants else "", *months,
                     t("programme.state_" + entry_status.state)])
    programme = status.programme
    return Table(programme.title.get(lang), columns, rows, [t("programme.year_plan_legend")])


def render_programme(status: ProgrammeStatus, titles: dict[str, str], fmt: str, t: Translator,
                     now: datetime) -> bytes:
    """The year plan for printing (html, pdf: one landscape A4 page) or Excel (xlsx)."""
    from bcp_drill.render.reports import _environment, _helpers, _workbook_bytes

    plan = year_plan_table(status, titles, t)
    if fmt == "xlsx":
        return _workbook_bytes([(t("programme.sheet_year_plan"), plan),
                                (t("programme.sheet_status"), programme_table(status, titles, t))])
    title, plan.title = plan.title, ""  # the page's heading; the table needs no caption of its own
    year_line = t("programme.year_line", year=fiscal_year_label(status.programme.fiscal_year, t.lang),
                  today=status.today.isoformat())
    html = _environment(True).get_template("year_plan.html.j2").render(
        {"title": title, "table": plan, "year_line": year_line, **_helpers(t, now)}).encode("utf-8")
    if fmt == "pdf":
        from bcp_drill.render.pdf import html_to_pdf

        return html_to_pdf(html)
    return html


def render_tables(title: str, tables: list[Table], fmt: str, t: Translator, now: datetime) -> bytes:
    """Tables under TITLE, together on printed pages (html, pdf) or a workbook (xlsx), one sheet each."""
    from bcp_drill.render.reports import _environment, _helpers, _workbook_bytes

    if fmt == "xlsx":
        # A sheet's name: at most 31 characters, none of []:*?/\ (Excel refuses them).
        return _workbook_bytes([(re.sub(r"[\[\]:*?/\\]", " ", table.title)[:31], table) for table in tables])
    html = _environment(True).get_template("tables_together.html.j2").render(
        {"title": title, "tables": tables, **_helpers(t, now)}).encode("utf-8")
    if fmt == "pdf":
        from bcp_drill.render.pdf import html_to_pdf

        return html_to_pdf(html)
    return html


def _mark(done: bool, t: Translator) -> str:
    return f"✓ {t('programme.yes')}" if done else f"✗ {t('programme.no')}"


def coverage_tables(found: Coverage, t: Translator) -> list[Table]:
    """Roles first (those whose lead and deputies never drilled at the top), then departments,
    then every person; participants the roster does not know are named under the people."""
    year = fiscal_year_label(found.fiscal_year, t.lang)
    roles = Table(t("programme.coverage_roles", year=year),
                  [Column("role", t("programme.col_role")), Column("lead", t("programme.col_lead")),
                   Column("lead_drilled", t("programme.col_drilled")), Column("deputies", t("programme.col_deputies")),
                   Column("any", t("programme.col_any_drilled"))],
                  [[role.role, role.lead.person.name if role.lead else "-",
                    _mark(bool(role.lead and role.lead.drills), t) if role.lead else "-",
                    ", ".join(f"{d.person.name} ({'✓' if d.drills else '✗'})" for d in role.deputies) or "-",
                    _mark(not role.nobody_drilled, t)] for role in found.roles])
    never = [role.role for role in found.roles if role.nobody_drilled]
    roles.notes.append(t("programme.roles_never", roles="、".join(never)) if never else t("programme.roles_all"))
    departments = Table(t("programme.coverage_departments", year=year),
                        [Column("department", t("programme.col_department")),
                         Column("people", t("programme.col_people"), ">"),
                         Column("reached", t("programme.col_reached"), ">"),
                         Column("share", t("programme.col_share"), ">")],
                        [[name or "-", total, reached, f"{round(100 * reached / total)}%"]
                         for name, total, reached in found.departments])
    people = Table(t("programme.coverage_people", year=year),
                   [Column("name", t("programme.col_name")), Column("department", t("programme.col_department")),
                    Column("role", t("programme.col_role")), Column("drills", t("programme.col_drills"), ">"),
                    Column("briefings", t("programme.col_briefings"), ">")],
                   [[p.person.name, p.person.department, p.person.role or "-", len(p.drills), len(p.briefings)]
                    for p in found.people])
    people.notes += [t("programme.stranger", name=name, record=record) for name, record in found.strangers]
    people.notes += [t("call_in.coverage_as_deputy", name=p.person.name, records="、".join(p.as_deputy))
                     for p in found.people if p.as_deputy]
    people.notes += [t("call_in.coverage_unreachable", name=p.person.name, records="、".join(p.unreachable))
                     for p in found.people if p.unreachable]
    return [roles, departments, people]


def reminder_lines(found: Reminders, titles: dict[str, str], t: Translator) -> list[str]:
    """The home screen's reminders, each line saying what it is in words (never colour alone)."""
    lines = []
    if found.failure is not None:
        lines.append(found.failure.render(t))
    if found.overdue:
        lines.append(t("programme.remind_overdue", count=len(found.overdue),
                       first=found.overdue[0].title, due=found.overdue[0].due))
    if found.due_soon:
        lines.append(t("programme.remind_due_soon", count=len(found.due_soon), days=found.days,
                       first=found.due_soon[0].title, due=found.due_soon[0].due))
    for entry_status in found.overdue_entries:
        lines.append(t("programme.remind_entry_overdue", when=when_text(entry_status, t),
                       kind=t("programme.kind_" + entry_status.entry.kind), what=entry_title(entry_status, titles, t)))
    if found.next_entry is not None:
        lines.append(t("programme.remind_next", when=when_text(found.next_entry, t),
                       kind=t("programme.kind_" + found.next_entry.entry.kind),
                       what=entry_title(found.next_entry, titles, t)))
    if found.left_out:
        lines.append(t("programme.remind_left_out", count=len(found.left_out)))
    return lines


def _calendar(name: str) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//bcp-drill//ICT-BCP drills//JA")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    return calendar


def _all_day(summary: str, first: date, last: date, uid: str, description: str,
             stamp: datetime) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("summary", summary)
    event.add("dtstart", first)
    event.add("dtend", last + timedelta(days=1))  # an all-day event ends the day after (RFC 5545)
    if description:
        event.add("description", description)
    return event


def programme_ics(status: ProgrammeStatus, titles: dict[str, str], t: Translator, now: datetime) -> bytes:
    """Each planned entry as an all-day event over its month or on its date (stamped NOW, in UTC)."""
    programme = status.programme
    calendar = _calendar(programme.title.get(t.lang))
    stamp = now.astimezone(timezone.utc)
    for entry_status in status.entries:
        entry = entry_status.entry
        summary = f"[{t('programme.kind_' + entry.kind)}] {entry_title(entry_status, titles, t)}"
        who = entry.participants.get(t.lang) if entry.participants else ""
        description = "\n".join(x for x in (who, t("programme.state_" + entry_status.state)) if x)
        calendar.add_component(_all_day(summary, entry_status.first, entry_status.last,
                                        f"{programme.id}-{entry.id}@bcp-drill", description, stamp))
    return bytes(calendar.to_ical())


def followups_ics(items: list[FollowUp], t: Translator, now: datetime) -> bytes:
    """Each open follow-up with a due date as an all-day event on that day."""
    calendar = _calendar(t("programme.followups_calendar"))
    stamp = now.astimezone(timezone.utc)
    for item in items:
        if item.due is None or item.status in ("done", "dropped"):
            continue
        owner = " / ".join(x for x in (item.owner_organisation, item.owner_person) if x)
        description = "\n".join(x for x in (item.corrective_action, owner, item.id) if x)
        calendar.add_component(_all_day(t("programme.followup_due", title=item.title), item.due, item.due,
                                        f"{item.id.replace('/', '-')}@bcp-drill", description, stamp))
    return bytes(calendar.to_ical())
