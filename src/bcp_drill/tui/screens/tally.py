"""The status tally of a review, in the layout of the seed's section-2 table."""

from __future__ import annotations

from typing import Literal

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import ScrollableContainer
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Footer, Label, Static

from bcp_drill.drill.tally import by_scenario, drill_figures, participation
from bcp_drill.render.tables import Column, Table, left_out_note
from bcp_drill.render.tallies import (
    drills_table,
    participation_table,
    review_tally_table,
    scenarios_table,
)
from bcp_drill.review.state import ReviewState
from bcp_drill.review.tally import tally_review
from bcp_drill.tui.bindings import translate_bindings
from bcp_drill.tui.context import app_context


class TallyScreen(Screen):
    BINDINGS = [Binding("escape,q", "app.pop_screen", "keys.back")]

    def __init__(self, state: ReviewState) -> None:
        super().__init__()
        self.state = state

    def compose(self) -> ComposeResult:
        t = app_context(self).t
        table = review_tally_table(tally_review(self.state), self.state, t)
        yield Label(table.title, id="tally-title", markup=False)
        yield Label(t("tui.tally_scroll_hint"), classes="form-hint", markup=False)
        yield tally_data_table(table)
        # The unrated list and how the table adds up, under the table.
        with ScrollableContainer(id="tally-notes"):
            yield Static(Text("\n".join(table.notes), no_wrap=True), id="tally-body", expand=False)
        yield Footer()

    def on_mount(self) -> None:
        translate_bindings(self, app_context(self).t)
        self.query_one("#tally-table").focus()


def _justify(column: Column) -> Literal["left", "right"]:
    return "right" if column.align == ">" else "left"


def tally_data_table(table: Table, widget_id: str = "tally-table") -> DataTable:
    """A table on screen with every row on one line: the first column (the pillar) stays put
    while the counts scroll sideways, and each heading stands over its numbers in up to three
    lines (施策の評価 / 継続中 / 目標以上) — at 80 columns as at 120."""
    levels = [level for level in ("supergroup", "group") if any(getattr(c, level) for c in table.columns)]
    widget: DataTable = DataTable(id=widget_id, fixed_columns=1, header_height=len(levels) + 1,
                                  cursor_type="row", zebra_stripes=True, classes="figures-table")
    for index, column in enumerate(table.columns):
        lines = []
        for level in levels:
            # A heading is written over the first column of its run only, as on paper.
            heading = getattr(column, level)
            starts = index == 0 or getattr(table.columns[index - 1], level) != heading
            lines.append(heading if heading and starts else "")
        lines.append(column.label)
        widget.add_column(Text("\n".join(lines), justify=_justify(column)), key=column.key)
    for row in table.rows:
        widget.add_row(*[Text("" if v is None else str(v), justify=_justify(c))
                         for v, c in zip(row, table.columns, strict=True)])
    return widget


class DrillTallyScreen(Screen):
    """Figures of every drill: per drill, per scenario, and who took part per fiscal year."""

    BINDINGS = [Binding("escape,q", "app.pop_screen", "keys.back")]

    def compose(self) -> ComposeResult:
        yield Label(app_context(self).t("tui.reading_records"), id="tally-title", markup=False)
        yield ScrollableContainer(id="tally-scroll")
        yield Footer()

    @work(thread=True, exclusive=True, group="tally")
    def _read_records(self) -> None:
        """Every journal read in a thread: a folder of years of drills is not read on the screen's
        own loop, which would stop every key meanwhile."""
        ctx = app_context(self)
        t = ctx.t
        skipped: list = []
        figures = drill_figures(ctx.store, t.lang, left_out=skipped)
        parts = [drills_table(figures, t), scenarios_table(by_scenario(figures), t),
                 participation_table(participation(figures), t)] if figures else []
        # drill_figures saw every journal: SKIPPED holds each one it could not count, and why.
        left_out = [left_out_note(t, record_id, error) for record_id, error in skipped]
        self.app.call_from_thread(self._records_read, len(figures), parts, left_out)

    def _records_read(self, count: int, parts: list[Table], left_out: list[str]) -> None:
        ctx = app_context(self)
        t = ctx.t
        self.query_one("#tally-title", Label).update(t("tally.drill_screen_title", count=count))
        shown: list[Widget] = []
        if parts:
            shown.append(Label(t("tui.tally_scroll_hint"), classes="form-hint", markup=False))
        for number, part in enumerate(parts):
            shown.append(Label(part.title, classes="form-title", markup=False))
            shown.append(tally_data_table(part, f"figures-{number}"))
            if part.notes:
                shown.append(Static(Text("\n".join(part.notes)), classes="form-hint"))
        lines = [] if parts else [t("cli.no_drills", folder=str(ctx.store.root))]
        lines += left_out  # never a figure that silently leaves a record out
        shown.append(Static(Text("\n".join(lines), no_wrap=True), id="tally-body", expand=False))
        self.query_one("#tally-scroll", ScrollableContainer).mount_all(shown)
        tables = self.query(".figures-table")
        (tables.first() if tables else self.query_one("#tally-scroll")).focus()

    def on_mount(self) -> None:
        translate_bindings(self, app_context(self).t)
        self.query_one("#tally-scroll").focus()
        self._read_records()
