"""The first frame of `run SCENARIO` / `review CHECKLIST`: drawn before any content is read.

Reading and checking the content (and importing its models) takes longer than drawing a
screen, so the app shows this one first and replaces it once the scenario is found.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Label

from bcp_drill.tui.context import app_context


class LoadingScreen(Screen):
    def __init__(self, reference: str) -> None:
        super().__init__()
        self.reference = reference

    def compose(self) -> ComposeResult:
        yield Label(app_context(self).t("tui.loading_content", reference=self.reference),
                    id="loading-message", markup=False)
