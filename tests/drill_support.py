"""Shared helpers for drill tests: a controllable clock and a store on a temp folder."""

from datetime import datetime, timedelta, timezone
from pathlib import Path

from bcp_drill.content.library import ContentLibrary
from bcp_drill.records.store import RecordStore

DATA = Path(__file__).parent / "data"
START = datetime(2026, 11, 25, 1, 0, 0, tzinfo=timezone.utc)


class FakeClock:
    """A wall clock the test moves by hand."""

    def __init__(self, start: datetime = START) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def mini_library() -> ContentLibrary:
    return ContentLibrary.load([DATA / "content"], cwd=DATA)


def make_store(tmp_path: Path, clock: FakeClock, recorder: str = "tester") -> RecordStore:
    return RecordStore(tmp_path / "records", recorder, clock)


def started_mini_drill(tmp_path: Path, recorder: str = "tester"):
    """A tabletop drill of the mini scenario just started: (session, store, clock)."""
    from bcp_drill.drill.session import DrillSession

    clock = FakeClock()
    store = make_store(tmp_path, clock, recorder)
    return DrillSession.start(store, mini_library().scenarios["mini"], "tabletop"), store, clock
