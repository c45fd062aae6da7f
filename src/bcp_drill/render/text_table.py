"""Plain-text tables that line up in a terminal, Japanese (wide) characters included."""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Sequence


def cell_width(value: str) -> int:
    """Columns VALUE takes in a terminal: 2 for East Asian wide/full-width, 0 for combining marks."""
    if value.isascii():  # every ASCII character takes one column
        return len(value)
    return _wide_text_width(value)


@lru_cache(maxsize=4096)  # long tables repeat the same titles and words on every row
def _wide_text_width(value: str) -> int:
    width = 0
    for char in value:
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def pad(value: str, width: int, align: str = "<") -> str:
    if value.isascii() and align != "^":  # one column per character: the string methods pad it
        return value.rjust(width) if align == ">" else value.ljust(width)
    gap = max(0, width - cell_width(value))
    if align == ">":
        return " " * gap + value
    if align == "^":
        return " " * (gap // 2) + value + " " * (gap - gap // 2)
    return value + " " * gap


def truncate(value: str, width: int) -> str:
    """Cut VALUE to WIDTH columns, marking the cut with '...'."""
    if cell_width(value) <= width:
        return value
    out, used = "", 0
    for char in value:
        w = cell_width(char)
        if used + w > width - 3:
            break
        out, used = out + char, used + w
    return out + "..."


def format_table(headers: Sequence[str], rows: Sequence[Sequence[object]],
                 align: Sequence[str] | None = None, gap: str = "  ") -> str:
    """A table with a header row, a rule, and columns padded to their widest cell."""
    cells = [[("" if v is None else str(v)) for v in row] for row in rows]
    widths = [cell_width(h) for h in headers]
    for row in cells:
        for index, value in enumerate(row):
            widths[index] = max(widths[index], cell_width(value))
    align = list(align or ["<"] * len(headers))

    def line(values: Sequence[str]) -> str:
        return gap.join(pad(v, widths[i], align[i]) for i, v in enumerate(values)).rstrip()

    rule = gap.join("-" * w for w in widths)
    return "\n".join([line(headers), rule] + [line(row) for row in cells])
