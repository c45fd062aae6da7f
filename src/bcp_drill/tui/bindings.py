"""The one place that touches Textual's private binding machinery (`_bindings`, and the key
dispatch the text fields put in the order typed).

Textual has no public API to rename bindings per instance, add bindings at run time or list
a screen's bindings; tests/tui/test_bindings.py pins the Textual version this was checked
against, so an upgrade is looked at on purpose.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Iterator

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode
from textual.widget import Widget

from bcp_drill.i18n import Lang, Translator

if TYPE_CHECKING:
    from bcp_drill.content.scales import Scale, ScaleDimension

CHECKED_WITH_TEXTUAL = "8."  # the major version these private accesses were checked against


# Textual's own binding words that reach the footer or the palette, and our catalog keys for them.
TEXTUAL_WORDS = {
    "palette": "keys.palette",
    "Open the command palette": "keys.palette_long",
    "Dismiss menu": "keys.dismiss_menu",
    "Exit the command palette": "keys.cancel",
    "Focus Next": "keys.focus_next",
    "Focus Previous": "keys.focus_previous",
    "Copy selected text": "keys.copy",
}


def _word(text: str, t: Translator) -> str:
    if text.startswith("keys."):
        return t(text)
    return t(TEXTUAL_WORDS[text]) if text in TEXTUAL_WORDS else text


def translate_bindings(node: DOMNode, t: Translator, refresh: bool = True) -> None:
    """Put NODE's binding descriptions (`keys.*`, and Textual's own words) in the UI language.
    Called from `compose` (REFRESH False), the footer is drawn once, already translated."""
    table = node._bindings.key_to_bindings  # Textual keeps a per-instance copy of the bindings
    for key, bindings in table.items():
        table[key] = [replace(b, description=_word(b.description, t), tooltip=_word(b.tooltip, t))
                      for b in bindings]
    if refresh:
        node.refresh_bindings()


def translate_select_menus(root: DOMNode, t: Translator) -> None:
    """The drop-down list of every Select under ROOT says "close the list" in the UI language."""
    from textual.widgets._select import SelectOverlay

    for overlay in root.query(SelectOverlay):
        translate_bindings(overlay, t)


def bind_rating_keys(node: DOMNode, scale: Scale, lang: Lang) -> None:
    """One key per option of SCALE, calling NODE's `rate(dimension, option)` action."""
    for dimension in scale.dimensions:
        for option in dimension.options:
            node._bindings.bind(option.key, f"rate('{dimension.id}', '{option.code}')",
                                option.label.get(lang), show=False)


def bind_drill_rating_keys(node: DOMNode, dimension: ScaleDimension, lang: Lang) -> None:
    """One key per drill rating (the shipped HSEEP scale), calling NODE's `rate(code)` action, in
    the footer first as the scale orders them: short word there, the description as its help."""
    table = node._bindings.key_to_bindings
    declared = dict(table)
    clashing = sorted({option.key for option in dimension.options} & set(declared))
    if clashing:  # a shipped scale out of step with the runner: a broken installation, not a user error
        raise RuntimeError(f"drill rating keys {clashing} are already the runner's")
    table.clear()
    for option in dimension.options:
        help_text = option.description.get(lang) if option.description else ""
        table[option.key] = [Binding(option.key, f"rate('{option.code}')", option.short_label(lang), tooltip=help_text)]
    table.update(declared)


def node_bindings(node: DOMNode) -> Iterator[Binding]:
    """Every binding of NODE itself, in the order they were declared."""
    for bindings in node._bindings.key_to_bindings.values():
        yield from bindings



# Keys in the order typed (tui/widgets/text_fields.py): Textual runs a key's bindings once the key
# has bubbled back up to the app, after the keys behind it were handed to the focused widget.

def key_taken(event: events.Key) -> bool:
    """Whether a handler of EVENT has already stopped it (typed it, say)."""
    return event._stop_propagation


# What a text field may run from its own task as the key arrives: its own bindings (they edit or
# move within it) and moving the focus. Any other action (leaving or saving a form) may wait on
# the field itself, so it is left to the app, as Textual does.
_FOCUS_MOVES = frozenset({"app.focus_next", "app.focus_previous"})


async def run_field_binding(key: str, field: Widget) -> bool:
    """Run now KEY's binding from the focused FIELD up (what Textual runs once the key has
    bubbled back up to the app) when it is FIELD's own or moves the focus; True when one ran."""
    for namespace, bindings in field.screen._modal_binding_chain:
        for binding in bindings.key_to_bindings.get(key, ()):
            if binding.priority:
                continue  # (the app ran those before handing the key over)
            if namespace is not field and binding.action not in _FOCUS_MOVES:
                return False
            if await field.app.run_action(binding.action, namespace):
                return True
    return False


def pass_key_on(event: events.Key, app: App) -> None:
    """EVENT handed to the widget focused now, as the app hands a key over (an earlier key of the
    same burst moved the focus on from the widget it was handed to)."""
    key = events.Key(event.key, event.character)
    key.set_sender(app)
    (app.focused or app.screen)._forward_event(key)
