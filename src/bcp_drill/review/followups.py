"""The follow-up issue list: every problem raised in any drill or review, with its updates.

Problems are raised inside drill and review journals; changes to them afterwards (status,
owner, due date, closure evidence) are events in one shared follow-ups journal. The list
is always rebuilt from both, so every change keeps who made it and when.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Iterable

from bcp_drill.errors import SessionRefused
from bcp_drill.i18n import Lang
from bcp_drill.records import events as ev
from bcp_drill.records.journal import Journal, JournalError, JournalNotice, read_journal
from bcp_drill.records.store import FOLLOWUPS_JOURNAL, RecordStore, RecordSummary
from bcp_drill.records.values import CAPABILITIES, FOLLOWUP_STATUSES, OPEN_FOLLOWUP_STATUSES, PRIORITIES

UPDATABLE = ("status", "priority", "category", "owner_organisation", "owner_person", "start", "due",
             "corrective_action", "closure_evidence", "main_issue")


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
    main_issue: str = ""  # 今後の主な課題 it is listed under ("" : its own title stands as one)
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


def _record_followups(record_id: str, events: list, lang: Lang) -> list[FollowUp]:
    """The follow-up items raised in one record, as first raised."""
    first = events[0]
    kind = "drill" if isinstance(first, ev.DrillStarted) else "review"
    subject = first.scenario_id if isinstance(first, ev.DrillStarted) else first.checklist_id
    fiscal = getattr(first, "fiscal_year", None)
    if fiscal is None and isinstance(first, ev.DrillStarted):
        from bcp_drill.fiscal import fiscal_year

        fiscal = fiscal_year(first.t0.astimezone().date())
    titles: dict[str | None, str] = {}
    found = []
    for event in events:
        if not isinstance(event, ev.ProblemRaised):
            continue
        if event.source_ref not in titles:
            titles[event.source_ref] = _source_title(first, event.source_ref, lang)
        found.append(FollowUp(
            id=f"{record_id}/{event.problem_id}", record_id=record_id, problem_id=event.problem_id,
            source_kind=kind, source_subject=subject, source_ref=event.source_ref,
            source_title=titles[event.source_ref], fiscal_year=fiscal, title=event.title,
            description=event.description, category=event.category, priority=event.priority,
            owner_organisation=event.owner_organisation, owner_person=event.owner_person,
            start=event.start, due=event.due, raised_by=event.by, raised_at=event.at, main_issue=event.main_issue,
            corrective_action=event.corrective_action))
    return found


@dataclass
class MainIssue:
    """One entry of the section-4 list: a main issue for the next plan and what it gathers."""

    title: str
    followups: list[FollowUp]


def main_issues(items: list[FollowUp]) -> list[MainIssue]:
    """Follow-ups grouped into the main issues carried into the next plan (the seed's section 4),
    in the order each issue first appears; a follow-up with no main issue stands as its own."""
    grouped: dict[str, MainIssue] = {}
    for item in items:
        if item.status == "dropped":
            continue  # dropped on purpose: not carried into the next plan
        title = item.main_issue or item.title
        # "PCスキル", "PC スキル" and "ＰＣスキル" are one issue: compared without width or spaces.
        grouped.setdefault(issue_key(title), MainIssue(title, [])).followups.append(item)
    return list(grouped.values())


def issue_key(title: str) -> str:
    """A main issue's title as compared: NFKC (full- and half-width alike), without spaces."""
    return "".join(unicodedata.normalize("NFKC", title).split())


def followup_updates(store: RecordStore, notices: list[JournalError] | None = None) -> list[ev.FollowUpUpdated]:
    """Every update in the follow-ups journal that can be used, proven (records/proof.py).

    A damaged line is named in NOTICES (or raised, without a list) and the updates before it
    still count; so are a last update cut by a power loss or not sealed, which are left out.
    A journal that does not prove is raised: no list is shown from updates that may be forged."""
    from bcp_drill.records.proof import prove

    path = store.path_of(FOLLOWUPS_JOURNAL)
    if not path.is_file():
        return []
    contents = read_journal(path, salvage=notices is not None)
    found: list[JournalError] = []
    if contents.damage is not None:
        found.append(JournalNotice(path, "followups_damaged", contents.damage.line, kept=len(contents.events),
                                   reason=contents.damage.message_params().get("detail", "")))
    if not contents.events and contents.damage is None and not contents.cut_tail:
        return []  # an empty journal of an earlier version, cut before its first update
    proof = prove(path, contents, store.seal_key, with_seal=contents.damage is None)
    if proof.failure is not None and contents.events:
        raise proof.failure
    found += proof.notices()
    if notices is not None:
        notices += found
    return [u for u in contents.events[:proof.usable_events] if isinstance(u, ev.FollowUpUpdated)]


def _apply_updates(store: RecordStore, items: dict[str, FollowUp], notices: list[JournalError] | None = None) -> None:
    for update in followup_updates(store, notices):
        if update.followup_id in items:
            items[update.followup_id].apply(update)


def collect_followups(store: RecordStore, lang: Lang = "ja",
                      damaged: list[RecordSummary] | None = None) -> list[FollowUp]:
    """Every problem of every readable record, with all updates applied, oldest first; the
    records that could not be read (or only in part) are added to DAMAGED, and so is the
    follow-ups journal when a line of it is damaged or its last update was cut."""
    items: dict[str, FollowUp] = {}
    for summary, events in store.readable(damaged=damaged):
        for item in _record_followups(summary.record_id, events, lang):
            items[item.id] = item
    notices: list[JournalError] = []
    _apply_updates(store, items, notices if damaged is not None else None)
    if notices and damaged is not None:
        damaged.append(RecordSummary(FOLLOWUPS_JOURNAL, store.path_of(FOLLOWUPS_JOURNAL), notices=tuple(notices)))
    return sorted(items.values(), key=lambda f: (f.raised_at, f.id))


def followups_of_record(store: RecordStore, record_id: str, lang: Lang = "ja",
                        notices: list[JournalError] | None = None) -> list[FollowUp]:
    """The follow-up items of one record, with all updates applied (no other record is read)."""
    return followups_of_records(store, [record_id], lang, notices)


def followups_of_records(store: RecordStore, record_ids: Iterable[str], lang: Lang = "ja",
                         notices: list[JournalError] | None = None) -> list[FollowUp]:
    """The follow-up items of the records named (only those are read), with all updates applied."""
    return followups_of_events(store, ((r, store.read_record(r, store.path_of(r))[1]) for r in record_ids), lang,
                               notices)


def followups_of_events(store: RecordStore, records: Iterable[tuple[str, list]], lang: Lang = "ja",
                        notices: list[JournalError] | None = None) -> list[FollowUp]:
    """The follow-up items of records already read ((record id, events) each), updates applied:
    for a caller that has the events in hand, so no journal is read twice. NOTICES: where a
    damaged line of the follow-ups journal is named (the updates before it still count);
    without it, such damage is raised."""
    items: dict[str, FollowUp] = {}
    for record_id, events in records:
        if events:
            items.update((f.id, f) for f in _record_followups(record_id, events, lang))
    _apply_updates(store, items, notices)
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


LOCK_WAIT_SECONDS = 5.0  # follow-up updates are short: wait for another one rather than refuse


def _append_update(store: RecordStore, **fields: object) -> ev.FollowUpUpdated:
    """One update appended to the follow-ups journal (made with it when there is none yet)."""
    path = store.path_of(FOLLOWUPS_JOURNAL)
    for _ in range(2):
        if path.exists():
            try:
                with Journal.open(path, store.recorder, store.clock, wait_seconds=LOCK_WAIT_SECONDS,
                                  seal_key=store.seal_key) as journal:
                    return journal.append(ev.FollowUpUpdated, **fields)
            except JournalError as error:
                if error.code != "journal_empty_power_cut":
                    raise
                # Cut before its first update: nothing was in it (it is kept aside); start afresh.
        try:
            with Journal.create(path, store.recorder, store.clock, first=(ev.FollowUpUpdated, fields),
                                seal_key=store.seal_key) as journal:
                return journal.events[0]
        except FileExistsError:  # another process created it just now
            continue
    raise JournalError(path, "journal_locked")


def needs_closure_evidence(item: FollowUp, changes: dict[str, object]) -> bool:
    """True when CHANGES would set ITEM to done with no closure evidence, given now or before."""
    evidence = str(changes.get("closure_evidence") or item.closure_evidence or "").strip()
    return changes.get("status") == "done" and not evidence


def find_followup(store: RecordStore, followup_id: str) -> FollowUp:
    """One follow-up item by its id (`<record id>/P01`), updates applied; unknown ids are refused."""
    record_id, _, _ = followup_id.rpartition("/")
    if record_id and store.exists(record_id):
        for item in followups_of_record(store, record_id):
            if item.id == followup_id:
                return item
    raise SessionRefused("followup_not_found", followup_id=followup_id)


def update_followup(store: RecordStore, followup_id: str, *, closed_without_evidence: bool = False,
                    **changes: object) -> ev.FollowUpUpdated:
    """Record one change to a follow-up (fsynced); the rules of a change are checked here.

    Unknown ids and values are refused; setting an item to done needs closure evidence (given
    now or before), or `closed_without_evidence=True` saying on purpose that there is none.
    """
    item = find_followup(store, followup_id)
    for name, allowed in (("status", FOLLOWUP_STATUSES), ("priority", PRIORITIES),
                          ("category", CAPABILITIES)):
        if changes.get(name) is not None and changes[name] not in allowed:
            raise SessionRefused("unknown_value", field=name, value=changes[name], allowed=", ".join(allowed))
    unknown = set(changes) - set(UPDATABLE) - {"comment"}
    if unknown:
        raise SessionRefused("unknown_value", field=", ".join(sorted(unknown)), value="", allowed=", ".join(UPDATABLE))
    without_evidence = needs_closure_evidence(item, changes)
    if without_evidence and not closed_without_evidence:
        raise SessionRefused("evidence_required", followup_id=followup_id)
    return _append_update(store, followup_id=followup_id, closed_without_evidence=without_evidence, **changes)
