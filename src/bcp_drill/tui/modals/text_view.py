"""A long text to read (the annexes): scrolls by keys (sideways too, so table rows never
wrap); Escape or Enter closes."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import ScrollableContainer, Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from bcp_drill.tui.bindings import translate_bindings
from bcp_drill.tui.context import app_context


class TextViewModal(ModalScreen[None]):
    BINDINGS = [Binding("escape,enter", "close", "keys.close")]

    def __init__(self, title: str, body: str, hint: str = "") -> None:
        super().__init__()
        self.view_title = title
        self.body = body
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(self.view_title, classes="dialog-title", markup=False)
            # Focusable, so arrows and Page Up/Down scroll it without a mouse.
            with ScrollableContainer(id="text-view-body", can_focus=True):
                yield Static(self.body, markup=False)
            if self.hint:
                yield Label(self.hint, classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        translate_bindings(self, app_context(self).t)
        self.query_one("#text-view-body").focus()

    def action_close(self) -> None:
        self.dismiss(None)
