"""Text fields that apply the keys in the order they were typed.

Textual's Input and TextArea type a character as its key arrives, but a bound key (Backspace,
Delete, the arrows, Enter in an Input, Tab to the next field) runs only once it has bubbled back
up to the app. When keys arrive together (a PC busy writing the record, a remote desktop
sending a burst), the characters behind a Backspace were typed before it ran ("x⌫abc" became
"xab") and those behind a Tab went into the field it left (Textualize/textual#6605).

These fields run their own bound keys, and Tab and Shift+Tab, as they arrive; a key handed to
one that an earlier key of the burst had already left goes on to the widget focused now. Other
keys (Escape, Ctrl+S) still run once they reach the app: their actions close or save the form
and may wait on the field, which cannot wait on itself.
"""

from __future__ import annotations

from typing import Awaitable, Callable

from textual import events
from textual.widget import Widget
from textual.widgets import Input, TextArea

from bcp_drill.tui.bindings import key_taken, pass_key_on, run_field_binding


async def _in_order(field: Widget, event: events.Key, typed: Callable[[events.Key], Awaitable[None]]) -> None:
    """EVENT typed by TYPED (the widget's own key handler) or run through the bindings now."""
    app = field.app
    if app.focused is not field:
        pass_key_on(event, app)
    else:
        await typed(event)
        if key_taken(event) or event.is_printable or not await run_field_binding(event.key, field):
            return
    event.stop()
    event.prevent_default()


class InOrderInput(Input):
    """An Input whose keys apply in the order typed."""

    async def _on_key(self, event: events.Key) -> None:
        await _in_order(self, event, super()._on_key)


class InOrderTextArea(TextArea):
    """A TextArea whose keys apply in the order typed."""

    async def _on_key(self, event: events.Key) -> None:
        await _in_order(self, event, super()._on_key)
