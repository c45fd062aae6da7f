"""JSON Lines journals as read: each line one event, chained to the line before it.

A last line cut by a crash is kept apart from the events (`cut_tail`); damage anywhere else is
reported, never skipped. Writing is records/journal_writer.py; what a journal proves (its chain,
place and seal) is records/proof.py, which builds on what is read here.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bcp_drill.errors import UserError

# 2: the first event names this format; every later line chains to the one before, and each
# journal has a seal beside it (records/seal.py). Journals without the field were written before.
JOURNAL_FORMAT = 2


class JournalError(UserError):
    """A journal cannot be used; `code` and `params` name the message in the catalog."""

    area = "journal"
    path: Path

    def __init__(self, path: Path, code: str, line: int | None = None, **params: Any) -> None:
        super().__init__(code, path=path, line=line, **params)


class JournalNotice(JournalError):
    """Part of a record a reader leaves out, or damage beside what it still shows: named, never silent."""


@dataclass
class JournalContents:
    """What reading a journal gave: its events, and a note if a cut tail was found."""

    events: list[Any] = field(default_factory=list)
    cut_tail: bytes = b""  # bytes after the last complete line (a crash mid-write)
    good_length: int = 0  # bytes up to and including the last complete line
    missing_newline: bool = False  # the last event is whole but its newline was cut
    lines: list[bytes] = field(default_factory=list)  # each whole event's line as written
    # With `salvage`: the damage that stopped the reading; `events` are those before it.
    damage: JournalError | None = None

    @property
    def last_hash(self) -> str | None:
        """The hash the next event chains to: that of the last whole line."""
        return line_hash(self.lines[-1]) if self.lines else None


def line_hash(line: bytes) -> str:
    """SHA-256 of one journal line as written, without its newline."""
    return hashlib.sha256(line).hexdigest()


def _parse_line(adapter: Any, path: Path, number: int, raw: bytes) -> Any:
    try:
        return adapter.validate_json(raw)  # parses and checks in one pass (pydantic-core)
    except ValueError as error:  # pydantic's ValidationError is a ValueError too
        raise JournalError(path, "journal_corrupt", number, detail=damage_in_words(error, raw)) from None


def damage_in_words(error: ValueError, raw: bytes) -> str:
    """What is wrong with one line, in words a user can act on (never pydantic's own listing)."""
    problems = getattr(error, "errors", None)
    first = problems()[0] if callable(problems) and problems() else {}
    kind, place = first.get("type", ""), ".".join(str(p) for p in first.get("loc", ()) if not isinstance(p, int))
    if kind == "json_invalid" or not raw.lstrip().startswith(b"{"):
        return "not a complete JSON object (the line was cut or changed)"
    if kind == "union_tag_invalid":
        return f"unknown event type {first.get('ctx', {}).get('tag', '')!r}"
    if kind == "union_tag_not_found":
        return "no event type"
    field_name = place.split(".", 1)[1] if "." in place else place  # without the event type in front
    if kind == "missing":
        return f"the field {field_name!r} is missing"
    if kind == "extra_forbidden":
        return f"an unknown field {field_name!r}"
    return f"the field {field_name!r} has a wrong value"


def _all_at_once(adapter: Any, lines: list[bytes]) -> list[Any] | None:
    """Every line's event from one JSON array, or None when any line is not exactly one event."""
    if not lines:
        return []
    try:
        events = adapter.validate_json(b"[" + b",".join(lines) + b"]")
    except ValueError:
        return None
    return events if len(events) == len(lines) else None  # e.g. two events run together on one line


def read_journal(path: Path, salvage: bool = False) -> JournalContents:
    """All events of a journal; raises JournalError for damage other than a cut last line.

    SALVAGE: instead of raising, keep the events before the damage and the error in `damage`
    (for a reader that names the damage and still shows what came before it)."""
    try:
        return _read_journal(path)
    except JournalError as error:
        if not salvage or error.line is None:
            raise
        good = _read_journal(path, stop_before=error.line)
        good.damage = error
        return good


def _read_journal(path: Path, stop_before: int | None = None) -> JournalContents:
    from bcp_drill.records.events import (  # the models load with the first read
        EVENT_ADAPTER as adapter,
    )
    from bcp_drill.records.events import (
        EVENT_LIST_ADAPTER,
    )

    raw = path.read_bytes()
    contents = JournalContents()
    lines = raw.split(b"\n")
    tail = lines.pop()  # after the last newline: b"" when the file ends cleanly
    if stop_before is not None:
        lines, tail = lines[: stop_before - 1], b""
    # The whole journal is validated in one call (most are whole); only when that fails is
    # it read line by line, to name the line that is damaged.
    events = _all_at_once(EVENT_LIST_ADAPTER, lines)
    if events is not None:
        contents.events, contents.lines = events, lines
        offset = len(raw) - len(tail)
    else:
        offset = 0
        for number, line in enumerate(lines, 1):
            if not line.strip():
                raise JournalError(path, "journal_corrupt", number, detail="empty line")
            contents.events.append(_parse_line(adapter, path, number, line))
            contents.lines.append(line)
            offset += len(line) + 1
    contents.good_length = offset
    if tail:
        try:
            contents.events.append(_parse_line(adapter, path, len(lines) + 1, tail))
            contents.lines.append(tail)
            contents.good_length += len(tail)
            contents.missing_newline = True
        except JournalError:
            contents.cut_tail = tail
    for index, event in enumerate(contents.events, 1):
        if event.seq != index:
            raise JournalError(path, "journal_sequence", index, expected=index, found=event.seq)
    return contents
