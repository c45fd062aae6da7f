"""Ask for one line (Enter saves) or several lines (Ctrl+S saves) of text; Escape cancels."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, TextArea

from bcp_drill.tui.modals.form import FormModal, field_error_label
from bcp_drill.tui.widgets.text_fields import InOrderInput, InOrderTextArea


class TextPromptModal(FormModal[str]):
    first_field = "prompt-text"

    def __init__(self, title: str, hint: str, multiline: bool = False, initial: str = "",
                 required: bool = True, error_text: str = "") -> None:
        super().__init__()
        self.prompt_title = title
        self.hint = hint
        self.multiline = multiline
        self.initial = initial
        self.required = required
        self.error_text = error_text

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.prompt_title, classes="dialog-title", markup=False)
            if self.multiline:
                yield InOrderTextArea(self.initial, id="prompt-text", soft_wrap=True, show_line_numbers=False)
            else:
                yield InOrderInput(self.initial, id="prompt-text")
            yield field_error_label("prompt-text")
            yield Label(self.hint, classes="dialog-hint", markup=False)

    def _value(self) -> str:
        widget = self.query_one("#prompt-text")
        if isinstance(widget, TextArea):
            return widget.text
        return widget.value if isinstance(widget, Input) else ""

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        value = self._value().strip()
        if self.required and not value:
            self.show_field_error("prompt-text", self.error_text)
            return
        self.dismiss(value)
