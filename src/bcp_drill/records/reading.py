"""Reading a record of a known kind (a drill, a review) without opening it for writing."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from bcp_drill.records import events as ev
from bcp_drill.records.journal import (
    JournalError,
)
from bcp_drill.records.store import RecordStore
from bcp_drill.records.team import MergedRecord, read_merged

First = TypeVar("First", bound=ev.EventBase)


def first_event(path: Path, events: list[Any], first_type: type[First], wrong_kind: str, record_id: str) -> First:
    """The record's first event, when it is of FIRST_TYPE (a drill, a review)."""
    if not events:
        raise JournalError(path, "journal_empty")
    if not isinstance(events[0], first_type):
        raise JournalError(path, wrong_kind, record_id=record_id)
    return events[0]


def read_record(store: RecordStore, record_id: str, first_type: type[First], wrong_kind: str) -> MergedRecord:
    """A record whose first event is FIRST_TYPE, read without opening it for writing: its
    events (every console's, for a team drill), and its final hash (`last_hash`) for the
    reports that print it."""
    path = store.path_of(record_id)
    merged = read_merged(store.root, record_id, path, seal_key=store.seal_key)
    first_event(path, merged.events, first_type, wrong_kind, record_id)
    return merged
