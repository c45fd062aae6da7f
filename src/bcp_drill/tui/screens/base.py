"""Base screens shared by drills and reviews: recording through a session, and set-up forms."""

from __future__ import annotations

from typing import Any, Callable

from textual.screen import Screen
from textual.widgets import Button, Input

from bcp_drill.records.journal import JournalError


class SessionScreen(Screen):
    """A screen that records through `self.session`; every write reports success or failure."""

    session: Any
    saved: str = ""

    def _safely(self, action: Callable, *args, **kwargs):
        """Run a session call; a write failure is shown, never a crash, and nothing is half-saved."""
        t = self.app.ctx.t
        try:
            result = action(*args, **kwargs)
        except (JournalError, OSError) as error:
            code = getattr(error, "code", "journal_write_failed")
            self.notify(t(f"journal.{code}", **getattr(error, "params", {})), severity="error", timeout=15)
            return None
        if self.session.journal.events:
            last = self.session.journal.events[-1]
            self.saved = t("tui.saved", seq=last.seq, time=last.at.astimezone().strftime("%H:%M:%S"))
        return result


class FormScreen(Screen):
    """A set-up form: Enter moves to the next field, the Start button or Ctrl+S starts."""

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "start":
            self.action_start()

    def action_start(self) -> None:  # pragma: no cover - every form defines it
        raise NotImplementedError

    def action_cancel(self) -> None:
        self.app.pop_screen()
