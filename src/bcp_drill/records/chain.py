"""Tamper evidence: each event carries the SHA-256 of the journal line before it.

Changing, removing or inserting a line breaks the chain at the line after it; the hash of
the last line stands for the whole record (it chains back to the first event, which pins
the scenario or checklist), so a printed report that shows it can be matched to its record.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bcp_drill.records.journal import line_hash, read_journal


@dataclass(frozen=True)
class ChainCheck:
    path: Path
    events: int
    chained_from: int | None  # the first line (2 or later) carrying a chain hash; None: none does
    broken_at: int | None  # the first line whose `prev` does not match the line before it
    final_hash: str  # SHA-256 of the last whole line ("" for a journal with no event)

    @property
    def status(self) -> str:
        """broken, chained (every line from the second on), partly (from a later line: a journal
        written before chains and appended to since), not_chained, or single (one event only)."""
        if self.broken_at is not None:
            return "broken"
        if self.events <= 1:
            return "single"
        if self.chained_from is None:
            return "not_chained"
        return "chained" if self.chained_from == 2 else "partly"


def check_chain(path: Path) -> ChainCheck:
    """Check a journal's hash chain; damage that keeps it from being read raises JournalError."""
    contents = read_journal(path)
    chained_from: int | None = None
    broken_at: int | None = None
    for number, event in enumerate(contents.events, 1):
        if number == 1:
            if event.prev is not None:  # nothing comes before the first line
                broken_at = 1
                break
            continue
        if event.prev is None:
            if chained_from is not None:  # a line without its hash inside the chain: put there
                broken_at = number
                break
            continue
        chained_from = chained_from or number
        if event.prev != line_hash(contents.lines[number - 2]):
            broken_at = number
            break
    return ChainCheck(path, len(contents.events), chained_from, broken_at, contents.last_hash or "")
