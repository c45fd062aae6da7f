"""Text fields that apply the keys in the order they were typed.

Textual's Input and TextArea type a character as its key arrives, but run their own bound keys
(Backspace, Delete, the arrows, Home, End, Enter in an Input) only once the key has bubbled back
up to the app. When keys arrive together (a PC busy writing the record, a remote desktop
sending a burst), the characters after a Backspace are typed before it runs: "x⌫abc" became
"xab" (Textualize/textual#6605). These fields run their own bound keys as they arrive.
"""

from __future__ import annotations

from typing import Awaitable, Callable

from textual import events
from textual.widget import Widget
from textual.widgets import Input, TextArea

from bcp_drill.tui.bindings import run_own_binding


async def _in_order(field: Widget, event: events.Key, typed: Callable[[events.Key], Awaitable[None]]) -> None:
    """FIELD's own binding of the key run now; TYPED (the widget's key handler) types the
    printable keys, and Enter in a TextArea, which no binding takes."""
    handled = not event.is_printable and await run_own_binding(field, event.key)
    await typed(event)  # for a bound key, this only restarts the cursor's blink
    if handled:
        event.stop()
        event.prevent_default()


class InOrderInput(Input):
    """An Input whose bound keys apply in turn with the characters typed."""

    async def _on_key(self, event: events.Key) -> None:
        await _in_order(self, event, super()._on_key)


class InOrderTextArea(TextArea):
    """A TextArea whose bound keys apply in turn with the characters typed."""

    async def _on_key(self, event: events.Key) -> None:
        await _in_order(self, event, super()._on_key)
