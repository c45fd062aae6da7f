"""The follow-up issue list: every problem raised in any drill or review, with its updates.

Problems are raised inside drill and review journals; changes to them afterwards (status,
owner, due date, closure evidence) are events in one shared follow-ups journal. The list
is always rebuilt from both, so every change keeps who made it and when.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Iterable

from bcp_drill.i18n import Lang
from bcp_drill.records import events as ev
from bcp_drill.records.journal import Journal, JournalError, read_journal
from bcp_drill.records.store import FOLLOWUPS_JOURNAL, RecordStore

UPDATABLE = ("status", "priority", "category", "owner_organisation", "owner_person", "start", "due",
             "corrective_action", "closure_evidence")


@dataclass
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
    history: list[ev.FollowUpUpdated] = field(default_factory=list)

    @property
    def source(self) -> str:
        """Where it came from, as a link back: record id, then step or item."""
        return f"{self.record_id}#{self.source_ref}" if self.source_ref else self.record_id

    def overdue(self, today: date) -> bool:
        return self.status in ("open", "in_progress") and self.due is not None and self.due < today

    def apply(self, update: ev.FollowUpUpdated) -> None:
        for name in UPDATABLE:
            value = getattr(update, name)
            if value is not None:
                setattr(self, name, value)
        self.history.append(update)


def _source_title(first: object, ref: str | None, lang: Lang) -> str:
    if ref is None:
        return ""
    try:
        if isinstance(first, ev.DrillStarted):
            from bcp_drill.drill.session import pinned_scenario

            step = pinned_scenario(first).step(ref)
            return step.title.get(lang) if step else ref
        if isinstance(first, ev.ReviewStarted):
            from bcp_drill.review.session import pinned_checklist

            item = pinned_checklist(first)[0].item(ref)
            return item.requirement.get(lang) if item else ref
    except JournalError:
        pass
    return ref


def collect_followups(store: RecordStore, lang: Lang = "ja") -> list[FollowUp]:
    """Every problem of every readable record, with all updates applied, oldest first."""
    items: dict[str, FollowUp] = {}
    for summary, events in store.readable():
        first = events[0]
        fiscal = getattr(first, "fiscal_year", None)
        if fiscal is None and isinstance(first, ev.DrillStarted):
            from bcp_drill.fiscal import fiscal_year

            fiscal = fiscal_year(first.t0.astimezone().date())
        titles: dict[str | None, str] = {}
        for event in events:
            if not isinstance(event, ev.ProblemRaised):
                continue
            if event.source_ref not in titles:
                titles[event.source_ref] = _source_title(first, event.source_ref, lang)
            followup_id = f"{summary.record_id}/{event.problem_id}"
            items[followup_id] = FollowUp(
                id=followup_id, record_id=summary.record_id, problem_id=event.problem_id,
                source_kind=summary.kind, source_subject=summary.subject_id, source_ref=event.source_ref,
                source_title=titles[event.source_ref], fiscal_year=fiscal, title=event.title,
                description=event.description, category=event.category, priority=event.priority,
                owner_organisation=event.owner_organisation, owner_person=event.owner_person,
                start=event.start, due=event.due, raised_by=event.by, raised_at=event.at)
    path = store.path_of(FOLLOWUPS_JOURNAL)
    if path.is_file():
        for update in read_journal(path).events:
            if isinstance(update, ev.FollowUpUpdated) and update.followup_id in items:
                items[update.followup_id].apply(update)
    return sorted(items.values(), key=lambda f: (f.raised_at, f.id))


def filter_followups(items: Iterable[FollowUp], status: str | None = None, owner: str | None = None,
                     source: str | None = None, overdue_on: date | None = None) -> list[FollowUp]:
    """Keep the items matching every filter given (owner and source match as substrings)."""
    kept = []
    for item in items:
        if status and item.status != status:
            continue
        if owner and owner not in f"{item.owner_organisation} {item.owner_person}":
            continue
        if source and source not in f"{item.source} {item.source_subject}":
            continue
        if overdue_on and not item.overdue(overdue_on):
            continue
        kept.append(item)
    return kept


def open_followups_journal(store: RecordStore) -> Journal:
    path = store.path_of(FOLLOWUPS_JOURNAL)
    if path.exists():
        return Journal.open(path, store.recorder, store.clock)
    return Journal.create(path, store.recorder, store.clock)


def update_followup(store: RecordStore, followup_id: str, **changes: object) -> ev.FollowUpUpdated:
    """Record one change to a follow-up (fsynced); unknown ids are refused."""
    known = {f.id for f in collect_followups(store)}
    if followup_id not in known:
        raise JournalError(store.path_of(FOLLOWUPS_JOURNAL), "followup_not_found", followup_id=followup_id)
    with open_followups_journal(store) as journal:
        return journal.append(ev.FollowUpUpdated, followup_id=followup_id, **changes)
