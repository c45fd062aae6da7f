"""The command palette in the UI language: Textual's own palette, its words replaced.

Textual writes "Search for commands…", "No matches found" and its key descriptions in
English; this subclass puts them in the user's language. It overrides one private method
(`_start_no_matches_countdown`), checked against the Textual version pinned in
tests/tui/test_bindings.py.
"""

from __future__ import annotations

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette
from textual.widgets.option_list import Option

from bcp_drill.i18n import Translator
from bcp_drill.tui.bindings import translate_bindings


class LocalCommandPalette(CommandPalette):
    def __init__(self, t: Translator) -> None:
        super().__init__(id="--command-palette", placeholder=t("tui.palette_placeholder"))
        self.t = t

    def on_mount(self) -> None:
        translate_bindings(self, self.t)

    def _start_no_matches_countdown(self, search_value: str) -> None:
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(Option(
                    Align.center(Text(self.t("tui.palette_no_matches"), style="not bold")),
                    disabled=True, id=self._NO_MATCHES))
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)
