"""The checklist review: sections as a tree, items in a table, the selected item in full.

Rating keys come from the checklist's scale (for the plan-measure scale: 1-7 for the
status, e/s/r/x for the carry-over), so each item is rated by single key presses.
"""

from __future__ import annotations

from typing import Any, Callable

from rich.cells import cell_len
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Footer, Label, Static, Tree
from textual.widgets.data_table import ColumnKey

from bcp_drill.content.fields import text
from bcp_drill.content.models import ChecklistSection
from bcp_drill.fiscal import fiscal_year_label
from bcp_drill.render.text_table import truncate
from bcp_drill.review.evidence import EvidenceProposal, accept, proposal_lines, suggested_text
from bcp_drill.review.session import ReviewSession
from bcp_drill.review.view import ReviewView, keys_legend, short_option_label
from bcp_drill.tui.bindings import bind_rating_keys, translate_bindings
from bcp_drill.tui.context import app_context, the_app
from bcp_drill.tui.modals.confirm import ConfirmModal
from bcp_drill.tui.modals.problem_form import ProblemFields, ProblemFormModal
from bcp_drill.tui.modals.text_prompt import TextPromptModal
from bcp_drill.tui.screens.base import SessionScreen
from bcp_drill.tui.widgets.section_tree import SectionTree

ALL = "__all__"


class ReviewScreen(SessionScreen[ReviewSession]):
    BINDINGS = [
        Binding("enter", "assess", "keys.assess", show=False),
        Binding("ctrl+e", "evidence", "keys.evidence"),
        Binding("ctrl+a", "accept_evidence", "keys.accept_evidence", show=False),
        Binding("ctrl+f", "problem", "keys.problem"),
        Binding("backspace,delete", "clear", "keys.clear_rating", key_display="Del"),
        Binding("ctrl+u", "toggle_unrated", "keys.only_unrated"),
        Binding("ctrl+t", "tally", "keys.tally"),
        Binding("ctrl+d", "finish", "keys.finish_review"),
        Binding("ctrl+r", "export", "keys.export"),
        Binding("escape", "leave", "keys.leave"),
    ]

    def __init__(self, session: ReviewSession) -> None:
        super().__init__()
        self.session = session
        self.section_filter = ALL
        self.only_unrated = False
        self.shown_item: str | None = None
        # Drill evidence proposed per item (read in a thread; None while it is being read).
        self.proposals: dict[str, EvidenceProposal] | None = None
        self.evidence_left_out: list[str] = []

    # -- layout ------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        ctx = app_context(self)
        # One key per option of the scale (the legend under the table lists them); all in the UI
        # language before the footer is composed, so that it is drawn once.
        bind_rating_keys(self, self.session.scale, ctx.lang)
        translate_bindings(self, ctx.t, refresh=False)
        checklist = self.session.checklist
        yield Label(f"{checklist.title.get(ctx.lang)}  ({self.session.record_id})", id="review-title", markup=False)
        yield Static(id="review-progress")
        with Horizontal(id="review-body"):
            yield SectionTree(Text(ctx.t("review.all_sections")), id="section-tree", data=ALL)
            with Vertical(id="review-main"):
                yield DataTable(id="item-table", cursor_type="row", zebra_stripes=False)
                with VerticalScroll(id="item-detail"):
                    yield Static(id="item-detail-body")
        yield Static(id="rating-keys")
        yield Footer()

    def on_mount(self) -> None:
        tree = self.query_one(SectionTree)
        tree.root.expand()
        self._add_sections(tree.root, self.session.checklist.sections)
        table = self.query_one(DataTable)
        self.requirement_width = 32
        self._add_columns(table)
        self.query_one("#rating-keys", Static).update(self._keys_legend())
        self.refill()
        table.focus()
        if any(item.evidence_from for item in self.session.checklist.all_items()):
            self._read_evidence()
        else:
            self.proposals = {}

    @work(thread=True, exclusive=True, group="evidence")
    def _read_evidence(self) -> None:
        """The drill records an item's evidence lines name, read in a thread: a folder of years of
        drills never holds up the review."""
        from bcp_drill.review.evidence import review_evidence

        found, left_out = review_evidence(app_context(self).store, self.session)
        self.app.call_from_thread(self._evidence_read, found, left_out)

    def _evidence_read(self, found: dict[str, EvidenceProposal], left_out: list[str]) -> None:
        self.proposals, self.evidence_left_out = found, left_out
        self.redraw()

    def _add_columns(self, table: DataTable) -> None:
        ctx = app_context(self)
        t, lang = ctx.t, ctx.lang
        table.add_column(" ", key="mark", width=3)
        table.add_column(t("review.col_id"), key="id")
        table.add_column(t("review.col_requirement"), key="requirement", width=self.requirement_width)
        for dimension in self.session.scale.dimensions:
            # As wide as the longest rating it can show, so that a rating given later is not cut
            # (目標通り（継続中） and 目標通り（完了） both read "目標通り（" when cut).
            shown = [dimension.label.get(lang), *(short_option_label(dimension, o, lang) for o in dimension.options)]
            table.add_column(dimension.label.get(lang), key=f"dim:{dimension.id}",
                             width=max(cell_len(label) for label in shown))

    def on_resize(self) -> None:
        # Laid out (or the terminal resized): the table's width is known only now.
        self.call_after_refresh(self._fit_requirement)

    def _fit_requirement(self) -> None:
        """The requirement column narrowed (to 32 cells, down to 8) so that every rating column shows
        whole, or as many of them from the first as fit (at 80 columns: the status)."""
        table = self.query_one(DataTable)

        def render_width(key: str) -> int:
            return table.columns[ColumnKey(key)].get_render_width(table)

        ratings = [render_width(f"dim:{dimension.id}") for dimension in self.session.scale.dimensions]
        room = (table.scrollable_content_region.width - render_width("mark") - render_width("id")
                - 2 * table.cell_padding)
        shown = next((count for count in range(len(ratings), 0, -1) if room - sum(ratings[:count]) >= 8), 1)
        width = max(8, min(32, room - sum(ratings[:shown])))
        if width != self.requirement_width:
            self.requirement_width = width
            self.refill(columns=True)

    def _add_sections(self, node: Any, sections: list[ChecklistSection]) -> None:
        lang = app_context(self).lang
        for section in sections:
            child = node.add(Text(section.title.get(lang)), data=section.id, expand=True)
            self._add_sections(child, section.sections)

    def _keys_legend(self) -> Text:
        legend = Text("\n".join(keys_legend(self.session.scale, app_context(self).lang)) + "\n")
        legend.append(app_context(self).t("review.keys_legend"))
        return legend

    @property
    def view(self) -> ReviewView:
        return ReviewView(self.session.state, app_context(self).lang)

    # -- drawing -----------------------------------------------------------------

    def _visible_items(self) -> list[str]:
        checklist = self.session.checklist
        if self.section_filter == ALL:
            items = [i.id for i in checklist.all_items()]
        else:
            section = checklist.section(self.section_filter)
            items = [i.id for i in section.all_items()] if section else []
        if self.only_unrated:
            unrated = set(self.session.state.unrated_items())
            items = [i for i in items if i in unrated]
        return items

    def _row(self, item_id: str) -> list:
        lang = app_context(self).lang
        shown = self.view.item(item_id)
        # Text, not str: DataTable would read "[v]" or a "[...]" in content as markup.
        cells: list = [Text(shown.mark), Text(item_id),
                       Text(truncate(shown.record.item.requirement.get(lang), self.requirement_width))]
        cells += [Text(rating.short(lang)) for rating in shown.ratings]
        return cells

    def refill(self, columns: bool = False) -> None:
        """Rebuild the table for the current section and filter, keeping the cursor on its item;
        COLUMNS: its columns too (the requirement's width changed)."""
        table = self.query_one(DataTable)
        current, row = self.selected_item, table.cursor_row
        table.clear(columns=columns)
        if columns:
            self._add_columns(table)
        visible = self._visible_items()
        for item_id in visible:
            table.add_row(*self._row(item_id), key=item_id)
        if current and current in visible:
            table.move_cursor(row=table.get_row_index(current))
        elif visible:  # the item left the list (rated, with only unrated shown): take the one after it
            table.move_cursor(row=min(max(row, 0), len(visible) - 1))
        self.redraw()

    def redraw(self, item_id: str | None = None) -> None:
        ctx = app_context(self)
        t, state = ctx.t, self.session.state
        if item_id is not None and item_id in self._visible_items():
            table = self.query_one(DataTable)
            keys = ["mark", "id", "requirement"] + [f"dim:{d.id}" for d in self.session.scale.dimensions]
            for key, value in zip(keys, self._row(item_id), strict=True):
                table.update_cell(item_id, key, value)
        started = state.started
        progress = Text()
        progress.append(self.view.progress_text(t), style="bold")
        if started:
            progress.append(f"  {fiscal_year_label(started.fiscal_year, ctx.lang)}  {started.reviewer}")
        if self.only_unrated:
            progress.append(f"  [{t('review.filter_unrated_on')}]", style="bold reverse")
        if state.finished:
            progress.append(f"  [{t('review.finished')}]", style="bold")
        if self.saved:
            progress.append(f"  {self.saved}")
        self.query_one("#review-progress", Static).update(progress)
        selected = self.selected_item
        body = self.query_one("#item-detail-body", Static)
        body.update(self._detail(selected) if selected else Text(t("review.no_items")))
        self.shown_item = selected  # what the rating keys act on: the item the user sees

    def _detail(self, item_id: str) -> Text:
        ctx = app_context(self)
        t, lang = ctx.t, ctx.lang
        shown = self.view.item(item_id)
        record, item = shown.record, shown.record.item
        out = Text()
        out.append(f"{item_id}  ", style="bold")
        pillar = self.session.checklist.pillar_of(item_id)
        if pillar:
            out.append(pillar.title.get(lang))
        out.append("\n")
        out.append(item.requirement.get(lang) + "\n")
        for rating in shown.ratings:
            out.append(f"{rating.dimension.label.get(lang)}: ", style="bold")
            out.append(rating.label(t) + "\n")
        for label, value in ((t("review.guidance"), text(item.guidance, lang)),
                             (t("review.evidence_prompt"), text(item.evidence_prompt, lang)),
                             (t("review.reference"), text(item.reference, lang)),
                             (t("review.assessment"), record.assessment),
                             (t("review.evidence"), record.evidence),
                             (t("review.previous_assessment"), shown.previous)):
            if value:
                out.append(f"\n{label}\n", style="bold")
                out.append(value + "\n")
        problems = self.session.state.problems_for(item_id)
        if problems:
            out.append(f"\n{t('tui.problems')}\n", style="bold")
            for problem in problems:
                out.append(f"{problem.problem_id} [{t('priority.' + problem.priority)}] {problem.title}\n")
        if item.evidence_from:
            out.append(self._proposal(item_id))
        return out

    def _proposal(self, item_id: str) -> Text:
        """What the drills propose for the item, in words, and how to accept it; never recorded by itself."""
        t = app_context(self).t
        out = Text()
        out.append(f"\n{t('review.evidence_heading')}\n", style="bold")
        if self.proposals is None:
            out.append(t("review.evidence_reading") + "\n")
            return out
        proposal = self.proposals.get(item_id)
        if proposal is not None:
            out.append("\n".join(proposal_lines(proposal, self.session.scale, t)) + "\n")
            if proposal.has_evidence:
                out.append(t("review.evidence_accept_hint") + "\n")
        if self.evidence_left_out:
            out.append(t("review.evidence_left_out", records=", ".join(self.evidence_left_out)) + "\n")
        return out

    @property
    def selected_item(self) -> str | None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        row_key, _ = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0))
        return row_key.value

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.redraw()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_assess()

    def on_tree_node_selected(self, event: Tree.NodeSelected) -> None:
        self.section_filter = event.node.data or ALL
        self.refill()
        self.query_one(DataTable).focus()

    # -- recording ---------------------------------------------------------------

    def _editable_item(self) -> str | None:
        """The item the user sees selected and in full below the table, when it may be changed.

        Keys act only while the table or the detail has the focus: in the section tree the
        highlighted line is a section, so a rating key there does nothing but say so.
        """
        if self.query_one(SectionTree).has_focus:
            self.notify(app_context(self).t("review.keys_need_table"), severity="warning")
            return None
        item_id = self.selected_item
        if item_id is None or item_id != self.shown_item:
            self.redraw()  # never act on an item other than the one on screen
            return None
        return item_id if self._permitted(self.session.ensure_open) else None

    def action_rate(self, dimension: str, option: str) -> None:
        item_id = self._editable_item()
        if item_id:
            self._safely(self.session.rate, item_id, dimension, option)
            self.redraw(item_id)
            if self.only_unrated and item_id not in self.session.state.unrated_items():
                self.refill()

    def action_accept_evidence(self) -> None:
        """The reviewer accepts what the drills propose: the suggested rating and the evidence text
        are recorded through the session, as if typed; nothing else ever records a proposal."""
        item_id = self._editable_item()
        if not item_id:
            return
        t = app_context(self).t
        proposal = (self.proposals or {}).get(item_id)
        if proposal is None or not proposal.has_evidence:
            self.notify(t("review.evidence_nothing", item=item_id), severity="warning")
            return
        if self._safely(accept, self.session, proposal, t):
            self.notify(t("review.evidence_accepted", item=item_id,
                          rating=suggested_text(proposal, self.session.scale, t)))
        self.redraw(item_id)
        if self.only_unrated and item_id not in self.session.state.unrated_items():
            self.refill()

    def action_clear(self) -> None:
        item_id = self._editable_item()
        if item_id:
            self._safely(self.session.clear, item_id)
            self.redraw(item_id)

    @work
    async def _edit_text(self, title_key: str, current: str, save: Callable[[str, str], object]) -> None:
        item_id = self._editable_item()
        if not item_id:
            return
        t = app_context(self).t
        typed: str | None = await self.app.push_screen_wait(
            TextPromptModal(t(title_key, item=item_id), t("tui.ctrl_s_saves"), multiline=True, initial=current,
                            required=False))
        if typed is not None:
            self._safely(save, item_id, typed)
            self.redraw(item_id)

    def action_assess(self) -> None:
        item_id = self.selected_item
        if item_id:
            self._edit_text("review.assessment_title", self.session.state.items[item_id].assessment,
                            self.session.assess)

    def action_evidence(self) -> None:
        item_id = self.selected_item
        if item_id:
            self._edit_text("review.evidence_title", self.session.state.items[item_id].evidence,
                            self.session.record_evidence)

    @work
    async def action_problem(self) -> None:
        item_id = self._editable_item()
        if not item_id:
            return
        t = app_context(self).t
        problem: ProblemFields | None = await self.app.push_screen_wait(
            ProblemFormModal(t, t("review.problem_heading", item=item_id)))
        if problem is not None:
            self._raise_problem(problem, source_ref=item_id)
            self.redraw(item_id)

    def action_toggle_unrated(self) -> None:
        self.only_unrated = not self.only_unrated
        self.refill()

    def action_tally(self) -> None:
        from bcp_drill.tui.screens.tally import TallyScreen

        self.app.push_screen(TallyScreen(self.session.state))

    @work
    async def action_finish(self) -> None:
        """Finish the review, after asking; on a finished review, reopen it, after asking."""
        t = app_context(self).t
        state = self.session.state
        if state.finished:
            if await self.app.push_screen_wait(ConfirmModal(t("review.reopen_confirm"), t("tui.yes_no_keys"))):
                self._safely(self.session.reopen)
                self.redraw()
            return
        unrated = len(state.unrated_items())
        if await self.app.push_screen_wait(ConfirmModal(t("review.finish_confirm", unrated=unrated),
                                                        t("tui.yes_no_keys"))):
            self._safely(self.session.finish)
            self.redraw()

    def action_export(self) -> None:
        from bcp_drill.tui.export import ask_and_export

        ask_and_export(self, self.session.record_id, "review")

    def action_leave(self) -> None:
        self.session.close()
        the_app(self).leave_screen()
