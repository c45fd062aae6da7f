"""The counts a drill's figures are made of, and how they are written: light enough to load
without the content and event models, so a tally answered from the figures cache never
imports them. drill/view.py (the read model) fills them; drill/tally.py and the renderers
read them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Iterable, Union

from bcp_drill.drill.ratings import RATINGS
from bcp_drill.wallclock import local


class StepStatus(StrEnum):
    """Where a step stands at a given drill time. Each has a mark that is plain ASCII
    (never colour alone, and never an East Asian ambiguous-width character)."""

    UPCOMING = "upcoming"
    DUE = "due"
    OVERDUE = "overdue"
    WAITING = "waiting"  # waits for other steps or an inject: never due or overdue meanwhile
    DONE_ON_TIME = "done_on_time"
    DONE_LATE = "done_late"
    DONE_NO_TARGET = "done_no_target"  # done; it has no target, so neither on time nor late
    UNABLE = "unable"  # completed with rating U: attempted, not performed
    NOT_DONE = "not_done"
    SKIPPED = "skipped"
    NOT_APPLICABLE = "not_applicable"  # ruled out by the drill's conditions: never counted
    NO_OUTCOME = "no_outcome"  # the drill ended with nothing recorded for it (neither due nor overdue any more)

    @property
    def mark(self) -> str:
        return STATUS_MARKS[self]

    @property
    def finished(self) -> bool:
        return self in (StepStatus.DONE_ON_TIME, StepStatus.DONE_LATE, StepStatus.DONE_NO_TARGET,
                        StepStatus.UNABLE, StepStatus.NOT_DONE, StepStatus.SKIPPED,
                        StepStatus.NOT_APPLICABLE)

    @property
    def done(self) -> bool:
        """Performed (rated P, S or M); a step rated U was attempted but not performed."""
        return self in (StepStatus.DONE_ON_TIME, StepStatus.DONE_LATE, StepStatus.DONE_NO_TARGET)


STATUS_MARKS = {
    StepStatus.UPCOMING: "[ ]",
    StepStatus.DUE: "[*]",
    StepStatus.OVERDUE: "[!]",
    StepStatus.WAITING: "[w]",
    StepStatus.DONE_ON_TIME: "[v]",
    StepStatus.DONE_LATE: "[L]",
    StepStatus.DONE_NO_TARGET: "[+]",
    StepStatus.UNABLE: "[U]",
    StepStatus.NOT_DONE: "[x]",
    StepStatus.SKIPPED: "[-]",
    StepStatus.NOT_APPLICABLE: "[/]",
    StepStatus.NO_OUTCOME: "[?]",
}




# ---------------------------------------------------------------- formatting


def format_elapsed(seconds: int) -> str:
    """T+ clock text: HH:MM:SS, hours growing past 99 for 72-hour scenarios."""
    hours, rest = divmod(max(0, int(seconds)), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}"


def format_minutes(minutes: int) -> str:
    """Target time as T+ text: 45 → 0:45, 1440 → 24:00."""
    hours, mins = divmod(minutes, 60)
    return f"{hours}:{mins:02d}"


MINUTE_FORMAT = "%Y-%m-%d %H:%M"  # a moment as staff read it: local date and time to the minute


def format_local_minute(moment: datetime) -> str:
    """MOMENT in this machine's time zone, to the minute: "2026-12-05 17:30"."""
    return local(moment).strftime(MINUTE_FORMAT)


def format_percent(value: float | None) -> str:
    """A share as a whole percentage; "-" when there is nothing to divide by."""
    return "-" if value is None else f"{value * 100:.0f}%"


class NumberText(str):
    """Words for a number ("+25 ポイント", "T+01:02:00") that are the words everywhere, and the
    number itself in a spreadsheet, with a number format that shows the same words there
    (so a change of -27 points is the number -27, not the text '-27 ポイント')."""

    number: Union[int, float, timedelta, datetime]
    excel_format: str

    def __new__(cls, words: str, number: Union[int, float, timedelta, datetime], excel_format: str) -> "NumberText":
        made = super().__new__(cls, words)
        made.number, made.excel_format = number, excel_format
        return made


def _literal(text: str) -> str:
    return f'"{text.replace(chr(34), "")}"' if text else ""


def count_text(value: int) -> NumberText:
    return NumberText(str(value), value, "0")


def percent_text(value: float) -> NumberText:
    return NumberText(format_percent(value), value, "0%")


def elapsed_text(seconds: int, after: str = "") -> NumberText:
    """T+HH:MM:SS (and AFTER, e.g. " (manual)"), a duration in a spreadsheet."""
    return NumberText(f"T+{format_elapsed(seconds)}{after}", timedelta(seconds=max(0, seconds)),
                      f'"T+"[h]:mm:ss{_literal(after)}')


def target_text(minutes: int) -> NumberText:
    """T+h:mm, as targets are written, a duration in a spreadsheet."""
    return NumberText(f"T+{format_minutes(minutes)}", timedelta(minutes=minutes), '"T+"[h]:mm')


def duration_text(minutes: int) -> NumberText:
    """h:mm (an RTO: 24:00), a duration in a spreadsheet."""
    return NumberText(format_minutes(minutes), timedelta(minutes=minutes), "[h]:mm")


def change_text(value: int, words: str = "\x00") -> NumberText:
    """A signed change (+5, -1, ±0) inside WORDS, where "\\x00" stands for the number
    (from the catalog, e.g. "\\x00 ポイント")."""
    before, _, after = words.partition("\x00")
    signed = f"{value:+d}" if value else "±0"
    excel = ";".join(f"{_literal(before)}{number}{_literal(after)}" for number in ("+0", "-0", '"±0"'))
    return NumberText(f"{before}{signed}{after}", value, excel)


# ---------------------------------------------------------------- counts


@dataclass(slots=True)  # one per drill and phase: many over a large folder
class StepCounts:
    """Counts for a set of steps (a phase, a drill, many drills)."""

    total: int = 0  # steps that apply (those ruled out by the drill's conditions are not counted)
    ratings: dict[str, int] = field(default_factory=lambda: {r: 0 for r in RATINGS})
    on_time: int = 0
    late: int = 0
    done_no_target: int = 0  # done, with no target to be on time or late against
    not_done: int = 0  # not done, and rated U
    not_done_timed: int = 0  # of those, the ones that had a target (for the on-time rate)
    skipped: int = 0
    pending: int = 0  # no outcome yet (waiting ones included)
    not_applicable: int = 0  # ruled out by the drill's conditions; outside `total`

    @property
    def done(self) -> int:
        return self.on_time + self.late + self.done_no_target

    @property
    def attempted(self) -> int:
        return self.done + self.not_done

    @property
    def on_time_rate(self) -> float | None:
        """Steps done by their target / steps with a target attempted (drill/view.py's rules)."""
        timed = self.on_time + self.late + self.not_done_timed
        return self.on_time / timed if timed else None

    def add(self, status: StepStatus, rating: str | None, timed: bool = True) -> None:
        if status == StepStatus.NOT_APPLICABLE:
            self.not_applicable += 1
            return
        self.total += 1
        if rating in self.ratings:
            self.ratings[rating] += 1
        if status == StepStatus.DONE_ON_TIME:
            self.on_time += 1
        elif status == StepStatus.DONE_LATE:
            self.late += 1
        elif status == StepStatus.DONE_NO_TARGET:
            self.done_no_target += 1
        elif status in (StepStatus.NOT_DONE, StepStatus.UNABLE):
            self.not_done += 1
            self.not_done_timed += timed
        elif status == StepStatus.SKIPPED:
            self.skipped += 1
        else:
            self.pending += 1

    @classmethod
    def merged(cls, parts: Iterable["StepCounts"]) -> "StepCounts":
        total = cls()
        for one in parts:
            total.add_counts(one)
        return total

    def add_counts(self, other: "StepCounts") -> None:
        """Add OTHER's counts to these (a running total over drills read one at a time)."""
        for name in ("total", "on_time", "late", "done_no_target", "not_done", "not_done_timed",
                     "skipped", "pending", "not_applicable"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for rating in RATINGS:
            self.ratings[rating] += other.ratings[rating]


@dataclass(slots=True)
class DrillSummary:
    overall: StepCounts
    phases: list[tuple[str, StepCounts]]  # (phase id, counts) in scenario order
    elapsed_seconds: int
    injects_delivered: int
    injects_total: int
    problems: int
