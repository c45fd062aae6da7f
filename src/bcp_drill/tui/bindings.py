"""Binding descriptions are catalog keys ("keys.…"); this puts them in the user's language."""

from __future__ import annotations

from dataclasses import replace

from textual.dom import DOMNode

from bcp_drill.i18n import Translator


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
