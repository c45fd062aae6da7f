"""The one escaping of user text for Markdown: every Markdown output (reports, tallies, the
follow-up list, the main issues, sheets) goes through it, so typed `<script>`, `<img onerror>`
or a `[link](javascript:…)` is shown as text, never run or linked."""

from __future__ import annotations

from typing import Any

MARKUP = "\\`*_[]<>#|~"  # each starts inline markup, a raw HTML tag, a link or image, a heading or a table cell


def md_text(value: Any) -> str:
    """Markdown-safe text: characters that would start markup are escaped."""
    text = "" if value is None else str(value)
    for char in MARKUP:
        text = text.replace(char, "\\" + char)
    return text


def md_line(value: Any) -> str:
    """Text kept inside one paragraph or list item: its line breaks become Markdown hard breaks,
    so a second line can never start a heading, a list or a new item."""
    return "  \n  ".join(md_text(part) for part in str(value).split("\n"))


def md_cell(value: Any) -> str:
    """Text kept inside one table cell: line breaks become <br> (the only tag we write)."""
    return md_text(value).replace("\r", "").replace("\n", "<br>")
