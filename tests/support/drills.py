"""Shared helpers for drill tests: a controllable clock and a store on a temp folder."""

import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bcp_drill.content.library import ContentLibrary
from bcp_drill.records.store import RecordStore

DATA = Path(__file__).parent.parent / "data"
START = datetime(2026, 11, 25, 1, 0, 0, tzinfo=timezone.utc)
PILLARS = ["(1) にぎわいと活力を創出する情報化", "(2) 安全・安心に寄与する情報化", "(3) 情報化による行政運営の効率化"]


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


def city_sheet(path, rows_per_pillar=(12, 8, 10)):
    """A 詳細別紙 as a city keeps it: the number first, the pillar merged down, two year columns."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "詳細別紙"
    sheet.append(["第3次計画 施策の評価"])
    sheet.append(["施策番号", "具体的施策", "基本施策", "所管課", "平成30年度評価", "令和元年度評価", "目標"])
    for pillar_index, count in enumerate(rows_per_pillar, 1):
        for number in range(1, count + 1):
            pillar = PILLARS[pillar_index - 1] if number == 1 else None  # merged cells read as empty
            sheet.append([f"{pillar_index}-{number}", f"施策{pillar_index}-{number}", pillar, "情報政策課",
                          "実施中", "目標通り（継続中）" if number % 2 else "目標以上（継続中）", "指標"])
    book.save(path)


def watch_calls(monkeypatch, owner, name: str, note) -> None:
    """Call NOTE with the arguments of every call of the method OWNER.NAME, then the method.
    It is patched on the class, so forked worker processes see it too."""
    real = getattr(owner, name)

    def watched(*args, **kwargs):
        note(*args, **kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, watched)


def pid_writer(path: Path):
    """A NOTE for watch_calls that writes the calling process's pid to PATH (workers too)."""

    def note(*_args, **_kwargs) -> None:
        with path.open("a") as out:
            out.write(f"{os.getpid()}\n")

    return note


def pids_in(path: Path) -> set[int]:
    return {int(line) for line in path.read_text().split()}
