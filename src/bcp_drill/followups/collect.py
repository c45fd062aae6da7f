"""The follow-up list read from the records: each record's problems as raised, with every
update of the follow-ups journal applied (proven first)."""

from __future__ import annotations

import heapq
from datetime import datetime
from typing import Callable, Iterable, Iterator

from bcp_drill.followups.items import FollowUp
from bcp_drill.i18n import Lang
from bcp_drill.records import events as ev
from bcp_drill.records.journal import JournalError, JournalNotice, read_journal
from bcp_drill.records.store import FOLLOWUPS_JOURNAL, RecordStore, RecordSummary
from bcp_drill.spool import Spool
from bcp_drill.wallclock import local_date


def _source_title(first: object, ref: str | None, lang: Lang) -> str:
    if ref is None:
        return ""
    try:
        if isinstance(first, ev.DrillStarted):
            from bcp_drill.drill.pinned import pinned_scenario

            step = pinned_scenario(first).step(ref)
            return step.title.get(lang) if step else ref
        if isinstance(first, ev.ReviewStarted):
            from bcp_drill.review.session import pinned_checklist

            item = pinned_checklist(first)[0].item(ref)
            return item.requirement.get(lang) if item else ref
    except JournalError:
        pass
    return ref


def record_followups(record_id: str, events: list, lang: Lang = "ja") -> list[FollowUp]:
    """The follow-up items raised in one record's EVENTS (its first event and its problems at
    least), as first raised: light to keep where the events are not."""
    first = events[0]
    kind = "drill" if isinstance(first, ev.DrillStarted) else "review"
    subject = first.scenario_id if isinstance(first, ev.DrillStarted) else first.checklist_id
    fiscal = getattr(first, "fiscal_year", None)
    if fiscal is None and isinstance(first, ev.DrillStarted):
        from bcp_drill.fiscal import fiscal_year

        fiscal = fiscal_year(local_date(first.t0))
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


def _updates_by_item(store: RecordStore, notices: list[JournalError] | None = None
                     ) -> dict[str, list[ev.FollowUpUpdated]]:
    """Every usable update of the follow-ups journal (followup_updates), by the item it changes, in order."""
    updates: dict[str, list[ev.FollowUpUpdated]] = {}
    for update in followup_updates(store, notices):
        updates.setdefault(update.followup_id, []).append(update)
    return updates


def _apply_updates(store: RecordStore, items: dict[str, FollowUp], notices: list[JournalError] | None = None) -> None:
    updates = _updates_by_item(store, notices)
    for item_id, item in items.items():
        for update in updates.get(item_id, ()):
            item.apply(update)


def collect_followups(store: RecordStore, lang: Lang = "ja",
                      damaged: list[RecordSummary] | None = None) -> list[FollowUp]:
    """Every problem of every readable record, with all updates applied, oldest first; the
    records that could not be read (or only in part) are added to DAMAGED, and so is the
    follow-ups journal when a line of it is damaged or its last update was cut."""
    return list(sorted_followups(store, lang, damaged))


def sorted_followups(store: RecordStore, lang: Lang = "ja", damaged: list[RecordSummary] | None = None,
                     keep: Callable[[FollowUp], bool] | None = None) -> SortedFollowUps:
    """As collect_followups, only those KEEP accepts, without holding them all: the records are
    read one at a time, and the items sorted in runs that go to temporary files when many."""
    notices: list[JournalError] = []
    updates = _updates_by_item(store, notices if damaged is not None else None)
    found = SortedFollowUps()
    for summary, events in store.readable(damaged=damaged):
        for item in {f.id: f for f in record_followups(summary.record_id, events, lang)}.values():
            for update in updates.get(item.id, ()):
                item.apply(update)
            if keep is None or keep(item):
                found.add(item)
    if notices and damaged is not None:
        damaged.append(RecordSummary(FOLLOWUPS_JOURNAL, store.path_of(FOLLOWUPS_JOURNAL), notices=tuple(notices)))
    found.close_run()
    return found


class SortedFollowUps:
    """Follow-up items in the list's order (raised, then id), however many: sorted in runs of
    RUN items, each full run kept in a temporary file, the runs merged as the items are read.
    It may be read more than once (a text table reads it twice), one reading at a time."""

    RUN = 20_000

    def __init__(self) -> None:
        self._run: list[FollowUp] = []
        self._files: list[Spool] = []
        self._count = 0

    def add(self, item: FollowUp) -> None:
        self._run.append(item)
        self._count += 1
        if len(self._run) >= self.RUN:
            self._spill()

    def _spill(self) -> None:
        spool = Spool()
        for item in sorted(self._run, key=_order):
            spool.append(item)
        self._files.append(spool)
        self._run = []

    def close_run(self) -> None:
        """No more items: the last run sorted (kept in memory when it is the only one)."""
        if self._files and self._run:
            self._spill()
        self._run.sort(key=_order)

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[FollowUp]:
        if not self._files:
            return iter(self._run)
        return heapq.merge(*self._files, key=_order)


def _order(item: FollowUp) -> tuple[datetime, str]:
    """The follow-up list's order: as raised, then by id."""
    return item.raised_at, item.id


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
    return with_updates(store, (f for record_id, events in records if events
                                for f in record_followups(record_id, events, lang)), notices)


def with_updates(store: RecordStore, raised: Iterable[FollowUp], notices: list[JournalError] | None = None
                 ) -> list[FollowUp]:
    """Follow-up items as first RAISED, every update of the follow-ups journal applied, in the
    list's order. NOTICES: as followups_of_events."""
    items = {f.id: f for f in raised}
    _apply_updates(store, items, notices)
    return sorted(items.values(), key=_order)
