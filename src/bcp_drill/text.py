"""Text cut to a length, saying it was cut: a shortened text never reads as whole."""

from __future__ import annotations


def clipped(text: str, length: int) -> str:
    """TEXT when it has LENGTH characters or fewer, else its first LENGTH - 1 and "…"."""
    return text if len(text) <= length else text[:length - 1] + "…"
