"""Injects delivered so far, newest last, each with its time, sender, channel and content."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import RichLog

from bcp_drill.drill.state import DeliveredInject
from bcp_drill.drill.view import format_elapsed
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
    def __init__(self, **kwargs) -> None:
        super().__init__(wrap=True, markup=False, highlight=False, **kwargs)
