"""The year's drill programme (訓練計画) against the drill records, and whom the drills reached
(coverage, with a roster): the same tables `bcp-drill programme` and `coverage` print."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Awaitable, Callable

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import ScrollableContainer, Vertical
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Footer, Label, Static

from bcp_drill.fiscal import fiscal_year_label
from bcp_drill.programme import ROSTER_FILE
from bcp_drill.programme.reminders import PROGRAMME_FOLDER
from bcp_drill.programme.year import ProgrammeYear, read_year
from bcp_drill.render.programme import coverage_tables, programme_table
from bcp_drill.render.tables import Table, left_out_note
from bcp_drill.tui.bindings import translate_bindings
from bcp_drill.tui.context import app_context, the_app
from bcp_drill.tui.screens.tally import tally_data_table


class ProgrammeScreen(Screen):
    BINDINGS = [
        Binding("c", "toggle_coverage", "keys.programme_coverage"),
        Binding("x", "export", "keys.export_year_plan"),
        Binding("escape", "app.pop_screen", "keys.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.year: ProgrammeYear | None = None  # as last read from the records
        self.titles: dict[str, str] = {}  # scenario titles in the UI language
        self.showing_coverage = False
        self.opened_record = False  # read again on coming back: the drill opened may have ended

    def compose(self) -> ComposeResult:
        t = app_context(self).t
        yield Label(t("tui.reading_records"), id="programme-title", markup=False)
        yield Label(t("programme.screen_hint"), classes="form-hint", markup=False)
        with ScrollableContainer(id="programme-scroll"):
            yield Vertical(id="programme-plan")
            yield Vertical(id="programme-coverage")
        yield Footer()

    def on_mount(self) -> None:
        translate_bindings(self, app_context(self).t)
        self.query_one("#programme-coverage").display = False
        self.query_one("#programme-scroll").focus()
        self._read_records()

    def on_screen_resume(self) -> None:
        if self.opened_record:
            self.opened_record = False
            self._read_records()

    @work(thread=True, exclusive=True, group="programme")
    def _read_records(self) -> None:
        """The programme, the roster and every drill record, read in a thread: a folder of years
        of drills is not read on the screen's own loop, which would stop every key meanwhile."""
        cwd = Path.cwd()
        found = read_year(app_context(self).store, cwd / PROGRAMME_FOLDER, cwd)
        show: Callable[[ProgrammeYear], Awaitable[Any]] = self._year_read  # awaited on the loop (mypy infers Never)
        self.app.call_from_thread(show, found)

    async def _year_read(self, found: ProgrammeYear) -> None:
        ctx = app_context(self)  # the content is read on the screen's own loop, never from the thread
        library = ctx.library
        self.titles = {scenario_id: scenario.title.get(ctx.lang) for scenario_id in library.scenarios
                       if (scenario := library.scenario(scenario_id)) is not None}
        cursor = self._cursor_row()
        self.year = found
        plan = self.query_one("#programme-plan", Vertical)
        await plan.remove_children()  # read again (back from a record): the old tables go first
        await plan.mount_all(self._plan_widgets(found))
        coverage = self.query_one("#programme-coverage", Vertical)
        await coverage.remove_children()
        await coverage.mount_all(self._coverage_widgets(found))
        self._show(cursor)

    def _plan_widgets(self, found: ProgrammeYear) -> list[Widget]:
        t = app_context(self).t
        widgets: list[Widget] = []
        lines = []
        if found.status is not None:
            table = programme_table(found.status, self.titles, t)
            widgets.append(tally_data_table(table, "programme-table"))
            lines += table.notes  # how many are done, overdue; the drills no entry planned
        else:
            lines.append(t("programme.screen_not_found", year=fiscal_year_label(found.fiscal_year, t.lang),
                           folder=str(found.folder)))
        for loaded in found.broken:  # a programme file with mistakes: each named at its line
            lines += [problem.render(t) for problem in loaded.problems]
            lines.append(t("programme.invalid", path=loaded.display))
        lines += self._left_out_lines(found)
        widgets.append(Static(Text("\n".join(lines)), id="programme-notes", classes="form-hint"))
        return widgets

    def _coverage_widgets(self, found: ProgrammeYear) -> list[Widget]:
        t = app_context(self).t
        widgets: list[Widget] = []
        lines: list[str] = []
        if found.coverage is not None:
            for number, table in enumerate(coverage_tables(found.coverage, t)):
                widgets += self._table_widgets(table, f"coverage-{number}")
        elif found.roster is not None:  # there, but with mistakes: each named at its line
            lines += [problem.render(t) for problem in found.roster.problems]
            lines.append(t("programme.screen_roster_invalid", path=found.roster.display))
        else:
            lines.append(t("programme.screen_no_roster", path=str(found.folder / ROSTER_FILE)))
        lines += self._left_out_lines(found)
        widgets.append(Static(Text("\n".join(lines)), id="coverage-notes", classes="form-hint"))
        return widgets

    @staticmethod
    def _table_widgets(table: Table, widget_id: str) -> list[Widget]:
        widgets: list[Widget] = [Label(table.title, classes="form-title", markup=False),
                                 tally_data_table(table, widget_id)]
        if table.notes:
            widgets.append(Static(Text("\n".join(table.notes)), classes="form-hint"))
        return widgets

    def _left_out_lines(self, found: ProgrammeYear) -> list[str]:
        """Records that could not be read: named under the figures, never silently left out."""
        t = app_context(self).t
        return [left_out_note(t, s.record_id, reason) for s in found.left_out for reason in s.reasons]

    def _cursor_row(self) -> int:
        tables = self.query("#programme-table")
        return tables.first(DataTable).cursor_row if tables else 0

    def _show(self, cursor: int = 0) -> None:
        """The title and the tables of the view chosen (the programme, or coverage); focus on its first table."""
        t = app_context(self).t
        found = self.year
        if found is None:
            return
        self.query_one("#programme-plan").display = not self.showing_coverage
        self.query_one("#programme-coverage").display = self.showing_coverage
        year = fiscal_year_label(found.fiscal_year, t.lang)
        if self.showing_coverage:
            title = t("programme.screen_coverage_title", year=year, today=found.today.isoformat())
        elif found.status is not None:
            title = programme_table(found.status, self.titles, t).title
        else:
            title = t("programme.screen_title_none", year=year)
        self.query_one("#programme-title", Label).update(title)
        view = self.query_one("#programme-coverage" if self.showing_coverage else "#programme-plan")
        tables = view.query(DataTable)
        if tables:
            first = tables.first(DataTable)
            first.move_cursor(row=min(cursor, max(first.row_count - 1, 0)))
            first.focus()
        else:
            self.query_one("#programme-scroll").focus()

    def action_toggle_coverage(self) -> None:
        self.showing_coverage = not self.showing_coverage
        self._show()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on an entry held: its record (the summary of a drill ended, else the drill resumed)."""
        if event.data_table.id != "programme-table" or self.year is None or self.year.status is None:
            return
        drills = self.year.status.entries[event.cursor_row].drills
        if not drills:
            self.notify(app_context(self).t("programme.screen_no_record"))
            return
        record = next((d for d in drills if d.ended), drills[0])
        self.opened_record = the_app(self).open_record(record.record_id)

    def action_export(self) -> None:
        from bcp_drill.tui.export import ask_and_export_year_plan

        if self.year is None or self.year.status is None:
            self.notify(app_context(self).t("programme.screen_nothing_to_export"), severity="warning")
            return
        ask_and_export_year_plan(self, self.year.status, self.titles)
