"""The one place that touches Textual's private binding map (`_bindings`).

Textual has no public API to rename bindings per instance, add bindings at run time or list
a screen's bindings; tests/tui/test_bindings.py pins the Textual version this was checked
against, so an upgrade is looked at on purpose.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Iterator

from textual.binding import Binding
from textual.dom import DOMNode

from bcp_drill.content.scales import Scale
from bcp_drill.i18n import Lang, Translator

CHECKED_WITH_TEXTUAL = "8."  # the major version these private accesses were checked against


def translate_bindings(node: DOMNode, t: Translator) -> None:
    """Replace each `keys.*` description of NODE's bindings with its translation."""
    table = node._bindings.key_to_bindings  # Textual keeps a per-instance copy of the bindings
    for key, bindings in table.items():
        table[key] = [
            replace(b, description=t(b.description),
                    tooltip=t(b.tooltip) if b.tooltip.startswith("keys.") else b.tooltip)
            if b.description.startswith("keys.") else b
            for b in bindings
        ]
    node.refresh_bindings()


def bind_rating_keys(node: DOMNode, scale: Scale, lang: Lang) -> None:
    """One key per option of SCALE, calling NODE's `rate(dimension, option)` action."""
    for dimension in scale.dimensions:
        for option in dimension.options:
            node._bindings.bind(option.key, f"rate('{dimension.id}', '{option.code}')",
                                option.label.get(lang), show=False)


def node_bindings(node: DOMNode) -> Iterator[Binding]:
    """Every binding of NODE itself, in the order they were declared."""
    for bindings in node._bindings.key_to_bindings.values():
        yield from bindings
