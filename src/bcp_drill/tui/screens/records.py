"""Every record in the records folder, damaged ones included, with their state."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Label, OptionList
from textual.widgets.option_list import Option

from bcp_drill.drill.counts import format_local_minute
from bcp_drill.records.store import RecordSummary
from bcp_drill.tui.bindings import translate_bindings
from bcp_drill.tui.context import app_context, the_app


class RecordsScreen(Screen):
    BINDINGS = [Binding("escape", "app.pop_screen", "keys.back")]

    def compose(self) -> ComposeResult:
        t = app_context(self).t
        yield Label(t("tui.records_title", folder=str(app_context(self).store.root)), id="records-title", markup=False)
        yield OptionList(id="records-list")
        yield Footer()

    def on_mount(self) -> None:
        translate_bindings(self, app_context(self).t)
        self.refresh_list()
        self.query_one(OptionList).focus()

    def on_screen_resume(self) -> None:
        self.refresh_list()

    def _line(self, summary: RecordSummary) -> Text:
        t = app_context(self).t
        if summary.error is not None:
            return Text(f"[!!] {summary.record_id}  {summary.error.message(t)}"
                        f" (line {summary.error.line or '-'})")
        state = t("tui.record_finished") if summary.finished else t("tui.record_unfinished")
        mark = "[v]" if summary.finished else "[>]"
        started = format_local_minute(summary.started) if summary.started else "-"
        # What a reader leaves out of the record (a cut or unsealed last event, a damaged console).
        extra = "".join(f"  [!] {notice.message(t)}" for notice in summary.notices)
        return Text(f"{mark} {started}  {t('kind.' + summary.kind) if summary.kind in ('drill', 'review') else ''}"
                    f"  {self._title(summary)}  {state}  ({summary.record_id}){extra}")

    def _title(self, summary: RecordSummary) -> str:
        """The scenario's or checklist's title, when the content is still known; else its id."""
        library = app_context(self).library
        document = library.scenario(summary.subject_id) or library.checklist(summary.subject_id)
        return document.title.get(app_context(self).lang) if document else summary.subject_id

    def refresh_list(self) -> None:
        summaries = app_context(self).store.summaries()
        option_list = self.query_one(OptionList)
        options = [Option(self._line(s), id=s.record_id, disabled=s.error is not None) for s in summaries]
        option_list.set_options(options or [Option(Text(app_context(self).t("tui.no_records")), disabled=True)])
        # Start on the first record that can be opened, so Enter works straight away.
        option_list.highlighted = next((i for i, o in enumerate(options) if not o.disabled), None)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            the_app(self).open_record(event.option.id)
