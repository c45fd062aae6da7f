"""Changes to a follow-up after it was raised: checked, then appended to the shared follow-ups
journal (one writer at a time; a second waits briefly rather than being refused)."""

from __future__ import annotations

from bcp_drill.errors import SessionRefused
from bcp_drill.followups.collect import collect_followups, followups_of_record
from bcp_drill.followups.items import UPDATABLE, FollowUp, needs_closure_evidence
from bcp_drill.records import events as ev
from bcp_drill.records.journal import JournalError
from bcp_drill.records.journal_writer import Journal
from bcp_drill.records.store import FOLLOWUPS_JOURNAL, RecordStore
from bcp_drill.records.values import CAPABILITIES, FOLLOWUP_STATUSES, PRIORITIES

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
                first = journal.events[0]
                assert isinstance(first, ev.FollowUpUpdated)
                return first
        except FileExistsError:  # another process created it just now
            continue
    raise JournalError(path, "journal_locked")


def find_followup(store: RecordStore, followup_id: str) -> FollowUp:
    """One follow-up item by its id (`<record id>/P01`), updates applied; the short id (`P01`)
    when one record only has it. Unknown ids are refused, and a short id several records have
    is refused naming their full ids."""
    record_id, _, _ = followup_id.rpartition("/")
    if record_id and store.exists(record_id):
        for item in followups_of_record(store, record_id):
            if item.id == followup_id:
                return item
    if not record_id:
        named = [item for item in collect_followups(store) if item.id.rpartition("/")[2] == followup_id]
        if len(named) == 1:
            return named[0]
        if named:
            raise SessionRefused("followup_ambiguous", followup_id=followup_id,
                                 ids=", ".join(item.id for item in named))
    raise SessionRefused("followup_not_found", followup_id=followup_id)


def update_followup(store: RecordStore, followup_id: str, *, closed_without_evidence: bool = False,
                    **changes: object) -> ev.FollowUpUpdated:
    """Record one change to a follow-up (fsynced); the rules of a change are checked here.

    Unknown ids and values are refused; setting an item to done needs closure evidence (given
    now or before), or `closed_without_evidence=True` saying on purpose that there is none.
    """
    item = find_followup(store, followup_id)
    followup_id = item.id  # in full, when a short id was given
    for name, allowed in (("status", FOLLOWUP_STATUSES), ("priority", PRIORITIES),
                          ("category", CAPABILITIES)):
        if changes.get(name) is not None and changes[name] not in allowed:
            raise SessionRefused("unknown_value", field=name, value=changes[name], allowed=", ".join(allowed))
    order = changes.get("issue_order")
    if order is not None and (isinstance(order, bool) or not isinstance(order, int) or order < 1):
        raise SessionRefused("issue_order_invalid", value=order)
    unknown = set(changes) - set(UPDATABLE) - {"comment"}
    if unknown:
        raise SessionRefused("unknown_value", field=", ".join(sorted(unknown)), value="", allowed=", ".join(UPDATABLE))
    without_evidence = needs_closure_evidence(item, changes)
    if without_evidence and not closed_without_evidence:
        raise SessionRefused("evidence_required", followup_id=followup_id)
    return _append_update(store, followup_id=followup_id, closed_without_evidence=without_evidence, **changes)
