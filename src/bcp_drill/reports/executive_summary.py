"""The first page of an after-action report: the drill in a paragraph, its result, its objectives,
the change since the previous drill of the same scenario, and what is to be done.

Every figure here is taken from the same read model as the rest of the report (drill/view.py's
counts, the follow-up list): the summary only selects and words them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Callable

from bcp_drill.drill.counts import (
    DrillSummary,
    StepCounts,
    change_text,
    count_text,
    elapsed_text,
    format_percent,
    percent_text,
)
from bcp_drill.drill.ratings import RATINGS
from bcp_drill.followups.items import FollowUp
from bcp_drill.i18n import Translator
from bcp_drill.records.values import OPEN_FOLLOWUP_STATUSES

TOP_POINTS = 3  # strengths and areas for improvement shown on the summary page


@dataclass
class Comparison:
    """This drill's figures beside those of the previous drill of the same scenario."""

    previous_record_id: str
    previous_started_at: datetime
    rows: list[tuple[str, str, str, str]]  # (figure, previous, this drill, change) in words


@dataclass
class ActionStatus:
    """A corrective action of an earlier drill as it stands today."""

    item: FollowUp
    overdue: bool


@dataclass
class ExecutiveSummary:
    paragraph: str
    result: str
    comparison: Comparison | None
    strengths: list[str]
    improvements: list[str]
    high_priority: list[ActionStatus]
    previous_actions: list[ActionStatus]  # the previous drill's corrective actions, all of them
    previous_counts: dict[str, int] = field(default_factory=dict)  # done / open / overdue
    recurring: list[ActionStatus] = field(default_factory=list)  # still open from earlier drills, raised again
    recurring_not_shown: int = 0  # more of them, older, left out (RECURRING_SHOWN)


_LIST_MARK = re.compile(r"^\s*(?:[-*](?=\s)|[・●○]|\d+[.)．）](?!\d))\s*")


def top_points(text: str, limit: int = TOP_POINTS) -> list[str]:
    """The first LIMIT points of a hotwash answer, one per line, list marks dropped: "- ", "* ",
    "・", "●", "○", "1. ", "1)", "１．" or "２）"; never a character of the text ("-cmd", "1.5時間")."""
    points = [_LIST_MARK.sub("", line).strip() for line in text.splitlines()]
    return [p for p in points if p][:limit]


def result_text(counts: StepCounts, problems: int, t: Translator) -> str:
    rate = counts.on_time_rate
    timed = counts.on_time + counts.late + counts.not_done_timed
    ratings = ", ".join(f"{r} {counts.ratings[r]}" for r in RATINGS)
    return t("report.exec_result", done=counts.done, total=counts.total, on_time=counts.on_time, timed=timed,
             rate=format_percent(rate) if rate is not None else "-", ratings=ratings, not_done=counts.not_done,
             skipped=counts.skipped, pending=counts.pending, problems=problems)


def comparison(previous_id: str, previous_at: datetime, before: DrillSummary, now: DrillSummary,
               t: Translator) -> Comparison:
    """Figures that can be set side by side; a rate missing on either side has no change.
    Each figure is words that a spreadsheet keeps as the number (drill/counts.NumberText)."""
    rows: list[tuple[str, str, str, str]] = []
    old_rate, new_rate = before.overall.on_time_rate, now.overall.on_time_rate
    rows.append((t("tui.col_on_time_rate"), percent_text(old_rate) if old_rate is not None else "-",
                 percent_text(new_rate) if new_rate is not None else "-",
                 change_text(round((new_rate - old_rate) * 100), t("report.exec_points", points="\x00"))
                 if old_rate is not None and new_rate is not None else "-"))
    rows.append((t("report.exec_done"), f"{before.overall.done}/{before.overall.total}",
                 f"{now.overall.done}/{now.overall.total}", change_text(now.overall.done - before.overall.done)))
    for rating in RATINGS:
        old, new = before.overall.ratings[rating], now.overall.ratings[rating]
        rows.append((t("report.exec_rated", rating=rating), count_text(old), count_text(new), change_text(new - old)))
    minutes = round((now.elapsed_seconds - before.elapsed_seconds) / 60)
    rows.append((t("report.duration"), elapsed_text(before.elapsed_seconds), elapsed_text(now.elapsed_seconds),
                 change_text(minutes, t("report.exec_minutes", minutes="\x00"))))
    return Comparison(previous_id, previous_at, rows)


def _same_problem(a: FollowUp, b: FollowUp) -> bool:
    """Raised on the same step, or under the same title (spacing and width ignored)."""
    return bool(a.source_ref and a.source_ref == b.source_ref) or _title_key(a.title) == _title_key(b.title)


def _title_key(title: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", title)).casefold()


def raised_again_test(current: list[FollowUp]) -> Callable[[str | None, str], bool]:
    """Whether a problem raised (on a step, under a title) is one of CURRENT raised again, as
    recurring_actions compares them: for a reader that keeps only those of many earlier drills."""
    refs = {item.source_ref for item in current if item.source_ref}
    titles = {_title_key(item.title) for item in current}
    return lambda source_ref, title: (source_ref is not None and source_ref in refs) or _title_key(title) in titles


# The summary names at most this many actions raised again (the newest): with hundreds of
# earlier drills it would otherwise fill pages. `followups --source SCENARIO` lists them all.
RECURRING_SHOWN = 10


def recurring_actions(current: list[FollowUp], earlier: list[FollowUp], today: date) -> list[ActionStatus]:
    """The still-open actions of earlier drills whose problem was raised again in this one."""
    return [ActionStatus(item, item.overdue(today)) for item in earlier
            if item.status in OPEN_FOLLOWUP_STATUSES and any(_same_problem(item, new) for new in current)]


def action_counts(actions: list[ActionStatus]) -> dict[str, int]:
    return {"done": sum(1 for a in actions if a.item.status == "done"),
            "open": sum(1 for a in actions if a.item.status in OPEN_FOLLOWUP_STATUSES),
            "overdue": sum(1 for a in actions if a.overdue),
            "dropped": sum(1 for a in actions if a.item.status == "dropped")}
