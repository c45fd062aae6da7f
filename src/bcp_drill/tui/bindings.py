"""The one place that touches Textual's private binding map (`_bindings`).

Textual has no public API to rename bindings per instance, add bindings at run time or list
a screen's bindings; tests/tui/test_bindings.py pins the Textual version this was checked
against, so an upgrade is looked at on purpose.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Iterator

from textual.binding import Binding
from textual.dom import DOMNode

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


async def run_own_binding(node: DOMNode, key: str) -> bool:
    """Run NODE's own binding of KEY now (what Textual runs once the key has bubbled back up to
    the app); True when one ran. bcp-drill sets no keymap, so the declared keys are the keys."""
    for binding in node._bindings.key_to_bindings.get(key, ()):
        if not binding.priority and await node.app.run_action(binding.action, node):
            return True
    return False
