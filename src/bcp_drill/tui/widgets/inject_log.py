"""Injects delivered so far, newest last, each with its time, sender, channel and content."""

from __future__ import annotations

from typing import Any, Self

from rich.text import Text
from textual.events import Resize
from textual.widgets import RichLog

from bcp_drill.drill.counts import format_elapsed
from bcp_drill.drill.state import DeliveredInject
from bcp_drill.i18n import Translator


def inject_line(delivered: DeliveredInject, recipient: str, t: Translator, planned: str,
                for_controller: bool = True) -> Text:
    """One delivered inject; PLANNED is when it was planned, in words (inject_time_text). A
    player's console (FOR_CONTROLLER False) never shows the expected action or the controller's note."""
    inject, lang = delivered.inject, t.lang
    line = Text()
    line.append(f"T+{format_elapsed(delivered.elapsed_seconds)} ", style="bold")
    line.append(f"[{t('tui.inject')} {inject.id} {planned}"
                f"{' ' + t('tui.manual') if delivered.manual else ''}] ")
    line.append(f"{inject.sender.get(lang)} -> {recipient} ({inject.channel.get(lang)}): ")
    line.append(inject.content.get(lang))
    # For the controller at this console: what the players should do, and the controller's note.
    if not for_controller:
        return line
    if inject.expected_action:
        line.append(f"\n    {t('tui.expected_action')}: {inject.expected_action.get(lang)}")
    if inject.controller_note:
        line.append(f"\n    {t('tui.controller_note')}: {inject.controller_note.get(lang)}")
    return line


class InjectLog(RichLog):
    """The injects given so far, each wrapped at the log's own width, and wrapped again when the
    width changes: RichLog otherwise renders at least 78 columns and keeps lines as first
    wrapped, so a narrower log cut every line at its edge (a wide character there was lost)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(wrap=True, markup=False, highlight=False, min_width=1, **kwargs)
        self._written: list[Text] = []
        self._wrapped_at = 0

    def write(self, content: object, width: int | None = None, expand: bool = False, shrink: bool = True,
              scroll_end: bool | None = None, animate: bool = False) -> Self:
        if isinstance(content, Text) and self._size_known:  # (a deferred write comes back through here)
            self._written.append(content)
        return super().write(content, width, expand, shrink, scroll_end, animate)

    def clear(self) -> Self:
        self._written = []
        return super().clear()

    def on_resize(self, event: Resize) -> None:
        super().on_resize(event)
        width = self.scrollable_content_region.width
        if width and width != self._wrapped_at:
            self._wrapped_at = width
            if self._written:
                written = self._written
                self.clear()
                for line in written:
                    self.write(line)
