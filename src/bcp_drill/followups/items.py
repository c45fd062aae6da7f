"""A follow-up item as the list shows it, and the section-4 main issues it is gathered into."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Iterable

from bcp_drill.records import events as ev
from bcp_drill.records.values import OPEN_FOLLOWUP_STATUSES

UPDATABLE = ("status", "priority", "category", "owner_organisation", "owner_person", "start", "due",
             "corrective_action", "closure_evidence", "main_issue", "issue_order")


@dataclass(slots=True)  # one per problem of every record: many of them over a large folder
class FollowUp:
    id: str
    record_id: str
    problem_id: str
    source_kind: str  # "drill" or "review"
    source_subject: str  # scenario or checklist id
    source_ref: str | None  # step or item id
    source_title: str  # the step's or item's text, in the pinned content
    fiscal_year: int | None
    title: str
    description: str
    category: str
    priority: str
    owner_organisation: str
    owner_person: str
    start: date | None
    due: date | None
    raised_by: str
    raised_at: datetime
    status: str = "open"
    corrective_action: str = ""
    closure_evidence: str = ""
    main_issue: str = ""  # 今後の主な課題 it is listed under ("" : its own title stands as one)
    issue_order: int | None = None  # where the division puts its main issue in the section-4 list
    history: list[ev.FollowUpUpdated] = field(default_factory=list)

    @property
    def source(self) -> str:
        """Where it came from, as a link back: record id, then step or item."""
        return f"{self.record_id}#{self.source_ref}" if self.source_ref else self.record_id

    def overdue(self, today: date) -> bool:
        return self.status in OPEN_FOLLOWUP_STATUSES and self.due is not None and self.due < today

    def apply(self, update: ev.FollowUpUpdated) -> None:
        for name in UPDATABLE:
            value = getattr(update, name)
            if value is not None:
                setattr(self, name, value)
        self.history.append(update)


@dataclass
class MainIssue:
    """One entry of the section-4 list: a main issue for the next plan and what it gathers."""

    title: str
    followups: list[FollowUp]


def main_issues(items: list[FollowUp]) -> list[MainIssue]:
    """Follow-ups grouped into the main issues carried into the next plan (the seed's section 4):
    those the division numbered (`issue_order`) first, in that order, then the others in the
    order each first appears; a follow-up with no main issue stands as its own."""
    grouped: dict[str, MainIssue] = {}
    order: dict[str, int] = {}
    for item in items:
        if item.status == "dropped":
            continue  # dropped on purpose: not carried into the next plan
        title = item.main_issue or item.title
        # "PCスキル", "PC スキル" and "ＰＣスキル" are one issue: compared without width or spaces.
        key = issue_key(title)
        grouped.setdefault(key, MainIssue(title, [])).followups.append(item)
        if item.issue_order is not None:
            order[key] = min(order.get(key, item.issue_order), item.issue_order)
    ranked = sorted(grouped, key=lambda key: (key not in order, order.get(key, 0)))  # stable: first seen
    return [grouped[key] for key in ranked]


def issue_key(title: str) -> str:
    """A main issue's title as compared: NFKC (full- and half-width alike), without spaces."""
    return "".join(unicodedata.normalize("NFKC", title).split())


def filter_followups(items: Iterable[FollowUp], status: str | None = None, owner: str | None = None,
                     source: str | None = None, overdue_on: date | None = None,
                     due_by: date | None = None) -> list[FollowUp]:
    """Keep the items matching every filter given (owner and source match as substrings)."""
    return [item for item in items if followup_matches(item, status, owner, source, overdue_on, due_by)]


def followup_matches(item: FollowUp, status: str | None = None, owner: str | None = None,
                     source: str | None = None, overdue_on: date | None = None, due_by: date | None = None) -> bool:
    """Whether ITEM matches every filter given (see filter_followups)."""
    if status and item.status != status:
        return False
    if owner and owner not in f"{item.owner_organisation} {item.owner_person}":
        return False
    if source and source not in f"{item.source} {item.source_subject}":
        return False
    if overdue_on and not item.overdue(overdue_on):
        return False
    # Due by then: still open and due by that day, overdue ones included.
    return not due_by or (item.status in OPEN_FOLLOWUP_STATUSES and item.due is not None and item.due <= due_by)


def needs_closure_evidence(item: FollowUp, changes: dict[str, object]) -> bool:
    """True when CHANGES would set ITEM to done with no closure evidence, given now or before."""
    evidence = str(changes.get("closure_evidence") or item.closure_evidence or "").strip()
    return changes.get("status") == "done" and not evidence
