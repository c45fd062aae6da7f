"""The status tally of a review, in the layout of the seed's section-2 table."""

from __future__ import annotations

from typing import Any, Literal

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import ScrollableContainer
from textual.screen import Screen
from textual.strip import Strip
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
        ctx = app_context(self)
        t = ctx.t
        table = review_tally_table(tally_review(self.state), self.state, t, ctx.settings.zeros == "blank")
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


def _cell_text(value: Any) -> str:
    return "" if value is None else str(value)


def heading_runs(headings: list[list[str]], level: int, first: int) -> list[tuple[int, int, str]]:
    """The runs (start, end, heading) of neighbouring columns from FIRST on that share the heading of
    LEVEL and of every level above it (a group never runs on into the next dimension's)."""
    runs: list[tuple[int, int, str]] = []
    for index in range(first, len(headings[level])):
        key = [headings[upper][index] for upper in range(level + 1)]
        if runs and [headings[upper][runs[-1][0]] for upper in range(level + 1)] == key:
            runs[-1] = (runs[-1][0], index + 1, runs[-1][2])
        else:
            runs.append((index, index + 1, headings[level][index]))
    return runs


def _restyled_blank(strip: Strip, left: int, right: int) -> Strip:
    """STRIP with its cells LEFT..RIGHT emptied, their colours (zebra, cursor) kept."""
    if right <= left:
        return strip
    blank = Strip([Segment(" " * segment.cell_length, segment.style) for segment in strip.crop(left, right)])
    return Strip.join([strip.crop(0, left), blank, strip.crop(right, strip.cell_length)])


def _written(strip: Strip, x: int, text: str) -> Strip:
    """STRIP with TEXT written over its cells from X, in the style of the cell at X."""
    style = next((segment.style for segment in strip.crop(x, x + 1)), None)
    return Strip.join([strip.crop(0, x), Strip([Segment(text, style)]),
                       strip.crop(x + cell_len(text), strip.cell_length)])


class GroupHeadedTable(DataTable[Text]):
    """A DataTable under group headings (施策の評価 / 継続中 ...) that stay over their own columns when
    the table scrolls sideways: each heading is drawn over the part of its run in view. A column
    only partly in view is left blank, so that no figure or label shows cut ("12" as "2"); left and
    right step one whole column."""

    def __init__(self, headings: list[list[str]], **options: Any) -> None:
        super().__init__(**options)
        self.headings = headings  # headings[level][column]: "" where a column has none

    def _column_edges(self) -> list[tuple[int, int]]:
        """Each column's left and right edge on screen at the current sideways scroll."""
        scroll_x, x = self.scroll_offset.x, 0
        edges = []
        for index, column in enumerate(self.ordered_columns):
            width = column.get_render_width(self)
            left = x if index < self.fixed_columns else x - scroll_x
            edges.append((left, left + width))
            x += width
        return edges

    def _fixed_width(self) -> int:
        return sum(column.get_render_width(self) for column in self.ordered_columns[: self.fixed_columns])

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        fixed_width, width = self._fixed_width(), self.size.width
        edges = self._column_edges()
        whole = [index < self.fixed_columns or (fixed_width <= left and right <= width)
                 for index, (left, right) in enumerate(edges)]
        if self.show_header and y < len(self.headings):
            return self._heading_line(_restyled_blank(strip, fixed_width, width), y, edges, whole)
        for (left, right), shown in zip(edges, whole, strict=True):
            if not shown:
                strip = _restyled_blank(strip, max(left, fixed_width), min(right, width))
        return strip

    def _heading_line(self, strip: Strip, level: int, edges: list[tuple[int, int]], whole: list[bool]) -> Strip:
        """The headings of LEVEL, each over the columns of its run that are wholly in view."""
        padding = self.cell_padding
        for start, end, heading in heading_runs(self.headings, level, self.fixed_columns):
            shown = [index for index in range(start, end) if whole[index]]
            if not heading or not shown:
                continue
            x = edges[shown[0]][0] + padding
            room = edges[shown[-1]][1] - padding - x
            if room > 0:
                strip = _written(strip, x, set_cell_size(heading, min(cell_len(heading), room)))
        return strip

    def _column_stops(self) -> list[int]:
        """The sideways scrolls at which a column starts right after the fixed ones, and the last one."""
        limit, x = self.max_scroll_x, 0
        stops = {limit}
        for column in self.ordered_columns[self.fixed_columns:]:
            stops.add(min(x, limit))
            x += column.get_render_width(self)
        return sorted(stops)

    def action_cursor_right(self) -> None:
        if self.cursor_type in ("cell", "column"):
            return super().action_cursor_right()
        ahead = [stop for stop in self._column_stops() if stop > self.scroll_x]
        if ahead:
            self.scroll_to(x=ahead[0], animate=False)

    def action_cursor_left(self) -> None:
        if self.cursor_type in ("cell", "column"):
            return super().action_cursor_left()
        behind = [stop for stop in self._column_stops() if stop < self.scroll_x]
        if behind:
            self.scroll_to(x=behind[-1], animate=False)


def _column_widths(table: Table, headings: list[list[str]], fixed_columns: int) -> list[int]:
    """Each column as wide as its label and figures; a heading wider than its run widens the run's last column."""
    widths = [max([cell_len(column.label), *(cell_len(_cell_text(row[index])) for row in table.rows)])
              for index, column in enumerate(table.columns)]
    for level in range(len(headings)):
        for start, end, heading in heading_runs(headings, level, fixed_columns):
            run_width = sum(widths[start:end]) + 2 * (end - start)  # a cell's padding on either side
            widths[end - 1] += max(0, cell_len(heading) + 2 - run_width)
    return widths


def tally_data_table(table: Table, widget_id: str = "tally-table") -> GroupHeadedTable:
    """A table on screen with every row on one line: the first column (the pillar) stays put
    while the counts scroll sideways, and each heading stands over its numbers in up to three
    lines (施策の評価 / 継続中 / 目標以上) — at 80 columns as at 120."""
    levels = [level for level in ("supergroup", "group") if any(getattr(c, level) for c in table.columns)]
    headings = [[getattr(column, level) for column in table.columns] for level in levels]
    fixed_columns = 1
    widget = GroupHeadedTable(headings, id=widget_id, fixed_columns=fixed_columns, header_height=len(levels) + 1,
                              cursor_type="row", zebra_stripes=True, classes="figures-table")
    widths = _column_widths(table, headings, fixed_columns)
    for index, column in enumerate(table.columns):
        lines = []
        for level in levels:
            # The label names its heading over the first column of the run, as on paper; the
            # table draws the headings itself, over the part of each run in view.
            heading = getattr(column, level)
            starts = index == 0 or getattr(table.columns[index - 1], level) != heading
            lines.append(heading if heading and starts else "")
        lines.append(column.label)
        # Not wrapped: a heading line wider than its column would push the label down a line.
        label = Text("\n".join(lines), justify=_justify(column), no_wrap=True, overflow="crop")
        widget.add_column(label, key=column.key, width=widths[index])
    for row in table.rows:
        widget.add_row(*[Text(_cell_text(v), justify=_justify(c)) for v, c in zip(row, table.columns, strict=True)])
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
