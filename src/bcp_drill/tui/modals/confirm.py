"""A yes/no question: Y confirms, N or Escape declines, Enter gives the safe answer (yes for
most questions; no where "yes" throws something away, such as typed text)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label

from bcp_drill.tui.bindings import translate_bindings
from bcp_drill.tui.context import app_context


class ConfirmModal(ModalScreen[bool]):
    BINDINGS = [
        Binding("y", "answer(True)", "keys.yes"),
        Binding("n,escape", "answer(False)", "keys.no"),
        Binding("enter", "enter", "keys.default_answer", show=False),
    ]

    def __init__(self, question: str, keys_hint: str, enter_means: bool = True) -> None:
        super().__init__()
        self.question = question
        self.keys_hint = keys_hint
        self.enter_means = enter_means  # False: a "yes" that loses something is never given by Enter

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.question, classes="dialog-title", markup=False)
            yield Label(self.keys_hint, classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        translate_bindings(self, app_context(self).t)

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)

    def action_enter(self) -> None:
        self.dismiss(self.enter_means)
