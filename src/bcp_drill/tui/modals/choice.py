"""Pick one entry from a list by arrows and Enter; Escape cancels."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from bcp_drill.tui.bindings import translate_bindings
from bcp_drill.tui.context import app_context


class ChoiceModal(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "keys.cancel")]

    def __init__(self, title: str, choices: list[tuple[str, str]], hint: str = "",
                 highlighted: int | None = None) -> None:
        super().__init__()
        self.choice_title = title
        self.choices = choices
        self.hint = hint
        self.highlighted = highlighted  # the choice the cursor starts on (a suggestion), None: the first

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(self.choice_title, classes="dialog-title", markup=False)
            yield OptionList(*[Option(Text(label), id=value) for value, label in self.choices],
                             id="choices")
            if self.hint:
                yield Label(self.hint, classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        translate_bindings(self, app_context(self).t)
        options = self.query_one(OptionList)
        if self.highlighted is not None:
            options.highlighted = self.highlighted
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
