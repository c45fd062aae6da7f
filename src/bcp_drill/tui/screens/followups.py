"""The follow-up list across every drill and review; Enter updates the selected item."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Label, Static

from bcp_drill.errors import UserError, describe
from bcp_drill.followups.collect import collect_followups
from bcp_drill.followups.items import FollowUp, filter_followups
from bcp_drill.followups.update import update_followup
from bcp_drill.records.store import RecordSummary
from bcp_drill.records.values import FOLLOWUP_STATUSES
from bcp_drill.render.tables import left_out_note
from bcp_drill.render.text_table import truncate
from bcp_drill.tui.bindings import translate_bindings
from bcp_drill.tui.context import app_context
from bcp_drill.tui.modals.followup_form import FollowUpChanges, FollowUpFormModal
from bcp_drill.wallclock import local_date

FILTERS = ("all", *FOLLOWUP_STATUSES, "overdue")


class FollowUpsScreen(Screen):
    BINDINGS = [
        Binding("f", "next_filter", "keys.followups_filter"),
        Binding("slash", "search", "keys.followups_search"),
        Binding("escape", "app.pop_screen", "keys.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.filter = "all"
        self.search = ""  # matched against owner and source, as the CLI's --owner and --source
        self.loaded: list[FollowUp] = []  # every item, as last read from the records
        self.items: list[FollowUp] = []  # those the filter and the search show

    def compose(self) -> ComposeResult:
        yield Label("", id="followups-title", markup=False)
        with Vertical():
            yield DataTable(id="followups-table", cursor_type="row")
            yield Static(id="followup-detail")
            yield Static(id="followups-left-out", classes="left-out")
        yield Footer()

    def on_mount(self) -> None:
        t = app_context(self).t
        translate_bindings(self, t)
        table = self.query_one(DataTable)
        for key in ("id", "title", "source", "priority", "owner", "due", "status"):
            table.add_column(t(f"followups.col_{key}"), key=key)
        self.query_one("#followups-title", Label).update(t("tui.reading_records"))
        self.reload()
        table.focus()

    def reload(self) -> None:
        """Read every record again, in a thread: a folder of years of drills is not read on the
        screen's own loop, which would stop every key meanwhile."""
        self._read_records()

    @work(thread=True, exclusive=True, group="followups")
    def _read_records(self) -> None:
        ctx = app_context(self)
        damaged: list[RecordSummary] = []
        error: UserError | None = None
        try:
            items = collect_followups(ctx.store, ctx.lang, damaged)
        except UserError as failed:  # a damaged follow-ups journal: say which line, list nothing
            items, damaged, error = [], ctx.store.unreadable()[::-1], failed  # oldest first, as readable() meets them
        self.app.call_from_thread(self._records_read, items, damaged, error)

    def _records_read(self, items: list[FollowUp], damaged: list[RecordSummary], error: UserError | None) -> None:
        t = app_context(self).t
        if error is not None:
            self.notify(error.render(t), severity="error", timeout=20)
        left_out = [left_out_note(t, s.record_id, reason) for s in reversed(damaged) for reason in s.reasons]
        self.query_one("#followups-left-out", Static).update(Text("\n".join(left_out)))
        self.loaded = items
        self.show_items()

    def show_items(self) -> None:
        """The items read, through the filter and the search."""
        ctx = app_context(self)
        t = ctx.t
        today = local_date(ctx.store.clock())
        items = self.loaded
        if self.filter == "overdue":
            items = filter_followups(items, overdue_on=today)
        elif self.filter != "all":
            items = filter_followups(items, status=self.filter)
        if self.search:
            items = [i for i in items if i in filter_followups(items, owner=self.search)
                     or i in filter_followups(items, source=self.search)]
        self.items = items
        table = self.query_one(DataTable)
        table.clear()
        for item in items:
            status = t(f"followup_status.{item.status}")
            if item.overdue(today):
                status += " " + t("followups.overdue_mark")
            owner = " / ".join(x for x in (item.owner_organisation, item.owner_person) if x) or "-"
            cells = [item.id, truncate(item.title, 30), f"{item.source_subject} {item.source_ref or ''}",
                     t(f"priority.{item.priority}"), owner, str(item.due or "-"), status]
            table.add_row(*[Text(c) for c in cells], key=item.id)  # Text: user text is not markup
        label = t(f"followups.filter_{self.filter}") + (f" / \"{self.search}\"" if self.search else "")
        self.query_one("#followups-title", Label).update(t("followups.screen_title", count=len(items), filter=label))
        self._show_detail()

    def _selected(self) -> FollowUp | None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        return self.items[table.cursor_row]

    def _show_detail(self) -> None:
        t = app_context(self).t
        item = self._selected()
        detail = self.query_one("#followup-detail", Static)
        if item is None:
            detail.update(t("followups.none"))
            return
        lines = [item.title, item.description, f"{t('followups.col_source')}: {item.source}  {item.source_title}",
                 f"{t('followups.corrective_action')}: {item.corrective_action or '-'}",
                 f"{t('followups.col_evidence')}: {item.closure_evidence or '-'}",
                 t("followups.history", count=len(item.history))]
        detail.update(Text("\n".join(line for line in lines if line)))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        item = self._selected()
        if item is not None:
            self._update_item(item)

    @work
    async def _update_item(self, item: FollowUp) -> None:
        """The form for ITEM; what the user changed becomes one update event."""
        ctx = app_context(self)
        changes: FollowUpChanges | None = await self.app.push_screen_wait(FollowUpFormModal(ctx.t, item))
        if changes is None or not changes.changed:
            return
        try:
            event = update_followup(ctx.store, item.id, closed_without_evidence=changes.closed_without_evidence,
                                    **changes.changed)
        except (UserError, OSError) as error:
            self.notify(describe(error, ctx.t), severity="error")
            return
        self.notify(ctx.t("cli.followup_updated", id=item.id, seq=event.seq))
        self.reload()

    @work
    async def action_search(self) -> None:
        from bcp_drill.tui.modals.text_prompt import TextPromptModal

        t = app_context(self).t
        typed: str | None = await self.app.push_screen_wait(
            TextPromptModal(t("followups.search_title"), t("tui.enter_saves"), initial=self.search, required=False))
        if typed is not None:
            self.search = typed
            self.show_items()

    def action_next_filter(self) -> None:
        self.filter = FILTERS[(FILTERS.index(self.filter) + 1) % len(FILTERS)]
        self.show_items()
