"""The hotwash at the end of a drill: what went well, what to improve."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label, TextArea

from bcp_drill.i18n import Translator
from bcp_drill.tui.modals.form import FormModal


class HotwashModal(FormModal):
    first_field = "hotwash-strengths"

    def __init__(self, t: Translator, strengths: str = "", improvements: str = "") -> None:
        super().__init__()
        self.t = t
        self.strengths = strengths
        self.improvements = improvements

    def compose(self) -> ComposeResult:
        t = self.t
        with Vertical(classes="dialog wide"):
            yield Label(t("tui.hotwash_title"), classes="dialog-title", markup=False)
            yield Label(t("tui.hotwash_strengths"), markup=False)
            yield TextArea(self.strengths, id="hotwash-strengths", soft_wrap=True)
            yield Label(t("tui.hotwash_improvements"), markup=False)
            yield TextArea(self.improvements, id="hotwash-improvements", soft_wrap=True)
            yield Label(t("tui.hotwash_keys"), classes="dialog-hint", markup=False)

    def action_save(self) -> None:
        self.dismiss((self.query_one("#hotwash-strengths", TextArea).text.strip(),
                      self.query_one("#hotwash-improvements", TextArea).text.strip()))
