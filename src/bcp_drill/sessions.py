"""What drill and review sessions share: a journal, a state that follows it, one event per call.

A session decides what may be written (records/ only keeps and proves what was written)."""

from __future__ import annotations

from datetime import date
from typing import Any, Callable, Protocol, TypeVar

from bcp_drill.errors import SessionRefused
from bcp_drill.records import events as ev
from bcp_drill.records.journal import JournalError
from bcp_drill.records.journal_writer import Event, Journal
from bcp_drill.records.reading import First, first_event
from bcp_drill.records.store import RecordStore
from bcp_drill.records.values import CAPABILITIES, PRIORITIES
from bcp_drill.wallclock import local_date


def open_journal(store: RecordStore, record_id: str, first_type: type[First], wrong_kind: str,
                 build: Callable[[Journal, First], Opened]) -> Opened:
    """Open a record whose first event is FIRST_TYPE and BUILD a session; close it on failure."""
    journal = store.open(record_id)
    try:
        return build(journal, first_event(journal.path, journal.events, first_type, wrong_kind, record_id))
    except JournalError:
        journal.close()
        raise


Opened = TypeVar("Opened")


class FollowedState(Protocol):
    """What the base needs of a session's state: the record's first event, and applying an event."""

    @property
    def started(self) -> ev.DrillStarted | ev.ReviewStarted | None: ...

    @property
    def problems(self) -> list[ev.ProblemRaised]: ...

    def apply(self, event: Any) -> Any: ...


class JournalSession:
    """Base of DrillSession and ReviewSession: `_record` writes, fsyncs, then applies."""

    journal: Journal
    state: FollowedState

    @property
    def record_id(self) -> str:
        assert self.state.started is not None
        return self.state.started.record_id

    def close(self) -> None:
        self.journal.close()

    def _record(self, event_type: type[Event], **fields: Any) -> Event:
        event = self.journal.append(event_type, **fields)
        self.state.apply(event)
        return event

    def _before_problem(self, source_ref: str | None) -> dict[str, Any]:
        """Check that a problem may be raised on SOURCE_REF now; return the fields the session adds."""
        return {}

    def _next_problem_id(self) -> str:
        """P01, P02…; a team console numbers its own with its id in front, so two consoles
        raising a problem at the same moment never give it the same id."""
        console = self.journal.console
        own = sum(1 for p in self.state.problems if getattr(p, "console", None) == console)
        return f"{console}-P{own + 1:02d}" if console else f"P{own + 1:02d}"

    def raise_problem(self, title: str, source_ref: str | None = None, description: str = "",
                      category: str = "planning", priority: str = "medium", owner_organisation: str = "",
                      owner_person: str = "", due: date | None = None, main_issue: str = "",
                      corrective_action: str = "") -> ev.ProblemRaised:
        """A problem from a step or item (or the whole record); it becomes a follow-up item."""
        extras = self._before_problem(source_ref)
        if not title.strip():
            raise SessionRefused("title_required")
        if category not in CAPABILITIES or priority not in PRIORITIES:
            raise SessionRefused("unknown_choice", value=f"{category}/{priority}")
        problem_id = self._next_problem_id()
        return self._record(ev.ProblemRaised, problem_id=problem_id, source_ref=source_ref, title=title,
                            description=description, category=category, priority=priority,
                            owner_organisation=owner_organisation, owner_person=owner_person,
                            start=local_date(self.journal.clock()), due=due, main_issue=main_issue.strip(),
                            corrective_action=corrective_action.strip(), **extras)
