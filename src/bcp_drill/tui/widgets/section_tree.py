"""A Tree drawn with ASCII only: Textual's ▶ ▼ │ ├ are ambiguous-width in Japanese terminals."""

from __future__ import annotations

from textual.widgets import Tree

ASCII_GUIDES = ("    ", "|   ", "`-- ", "|-- ")


class SectionTree(Tree):
    ICON_NODE = "+ "
    ICON_NODE_EXPANDED = "- "
    LINES = {"default": ASCII_GUIDES, "bold": ASCII_GUIDES, "double": ASCII_GUIDES}
