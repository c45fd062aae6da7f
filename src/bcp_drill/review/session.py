"""A review in progress: user actions become journal events; the state follows."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bcp_drill import __version__
from bcp_drill.content.loader import LoadedFile, load_pinned
from bcp_drill.content.models import Checklist
from bcp_drill.content.scales import Scale
from bcp_drill.errors import RecordClosed, SessionRefused
from bcp_drill.fiscal import fiscal_year
from bcp_drill.records import events as ev
from bcp_drill.records.journal import JournalError
from bcp_drill.records.journal_writer import Journal
from bcp_drill.records.store import RecordStore
from bcp_drill.review.state import ItemRecord, ReviewState
from bcp_drill.sessions import JournalSession, open_journal
from bcp_drill.wallclock import local_date


def pinned_checklist(started: ev.ReviewStarted) -> tuple[Checklist, Scale]:
    """The checklist and scale exactly as they were when the review started."""
    document, problems = load_pinned(started.checklist_yaml, started.checklist_file)
    if not isinstance(document, Checklist):
        raise JournalError(Path(started.checklist_file), "pinned_checklist_invalid", problems="; ".join(problems))
    return document, Scale.model_validate(json.loads(started.scale_json))


FIRST_REVIEW_YEAR = 1989  # 平成元年度: a review is of a year from then to the next fiscal year


class ReviewSession(JournalSession):
    """One open review; each method writes one fsynced event, then updates the state."""

    state: ReviewState

    def __init__(self, journal: Journal, checklist: Checklist, scale: Scale) -> None:
        self.journal = journal
        self.checklist = checklist
        self.scale = scale
        self.state = ReviewState.from_events(checklist, scale, journal.events)

    @classmethod
    def start(cls, store: RecordStore, source: LoadedFile, scale: Scale, fiscal_year_value: int | None = None,
              reviewer: str = "", organisation: str = "", previous: ReviewState | None = None) -> "ReviewSession":
        """A new review; PREVIOUS (an earlier year's review of the same checklist) is kept in
        its first event and shown as what was said last time."""
        checklist = source.document
        assert isinstance(checklist, Checklist)
        this_year = fiscal_year(local_date(store.clock()))
        year = fiscal_year_value or this_year
        if not FIRST_REVIEW_YEAR <= year <= this_year + 1:  # R40 typed for R4 would start a review of 2058
            raise SessionRefused("review_year_out_of_range", year=year, first=FIRST_REVIEW_YEAR, last=this_year + 1)
        carried: dict[str, Any] = {}
        if previous is not None and previous.started is not None:
            # A rating that stood in the previous year from a still earlier one (a finished
            # measure) is passed on with the 年度 it was given, so it stands here too.
            items = {item_id: ev.PreviousItem(
                ratings=previous.effective_ratings(item_id), assessment=r.assessment, evidence=r.evidence,
                carried={d: year for d, (_, year) in previous.carried(item_id).items() if d not in r.ratings})
                for item_id, r in previous.items.items()}
            carried = {"previous_record": previous.started.record_id, "previous_year": previous.started.fiscal_year,
                       "previous": {item_id: item for item_id, item in items.items()
                                    if checklist.item(item_id) is not None
                                    and (item.ratings or item.assessment or item.evidence)}}
        journal = store.create(
            checklist.id, ev.ReviewStarted, checklist_id=checklist.id, checklist_version=checklist.version,
            checklist_sha256=source.sha256, checklist_file=source.display,
            checklist_yaml=source.raw.decode("utf-8-sig"), scale_json=scale.model_dump_json(),
            fiscal_year=year,
            reviewer=reviewer or store.recorder, organisation=organisation, tool_version=__version__, **carried)
        return cls(journal, checklist, scale)

    @classmethod
    def resume(cls, store: RecordStore, record_id: str) -> "ReviewSession":
        """Reopen a review with the checklist and scale pinned in its journal."""
        return open_journal(store, record_id, ev.ReviewStarted, "not_a_review",
                            lambda journal, first: cls(journal, *pinned_checklist(first)))

    # -- what may be written ---------------------------------------------------

    def ensure_open(self) -> None:
        """Refuse (RecordClosed) while the review is finished; `reopen` opens it again."""
        if self.state.finished:
            raise RecordClosed("review_finished", record_id=self.record_id)

    def _item(self, item_id: str) -> ItemRecord:
        record = self.state.items.get(item_id)
        if record is None:
            raise SessionRefused("unknown_item", item_id=item_id)
        return record

    def _before_problem(self, source_ref: str | None) -> dict[str, Any]:
        self.ensure_open()
        if source_ref is not None:
            self._item(source_ref)
        return {}

    # -- rating ----------------------------------------------------------------

    def rate(self, item_id: str, dimension: str, option: str) -> ev.ItemRated | None:
        """Rate one dimension; re-rating with the same option writes nothing."""
        self.ensure_open()
        record = self._item(item_id)
        found = self.scale.dimension(dimension)
        if found is None or found.option(option) is None:
            raise SessionRefused("unknown_option", dimension=dimension, option=option)
        if record.ratings.get(dimension) == option:
            return None
        return self._record(ev.ItemRated, item_id=item_id, dimension=dimension, option=option)

    def clear(self, item_id: str) -> list[ev.ItemRatingCleared]:
        self.ensure_open()
        record = self._item(item_id)
        return [self._record(ev.ItemRatingCleared, item_id=item_id, dimension=d) for d in list(record.ratings)]

    def assess(self, item_id: str, text: str) -> ev.AssessmentRecorded | None:
        self.ensure_open()
        if self._item(item_id).assessment == text:
            return None
        return self._record(ev.AssessmentRecorded, item_id=item_id, text=text)

    def record_evidence(self, item_id: str, text: str) -> ev.EvidenceRecorded | None:
        self.ensure_open()
        if self._item(item_id).evidence == text:
            return None
        return self._record(ev.EvidenceRecorded, item_id=item_id, text=text)

    def finish(self) -> ev.ReviewFinished | None:
        if self.state.finished:
            return None
        return self._record(ev.ReviewFinished)

    def reopen(self) -> ev.ReviewReopened | None:
        if not self.state.finished:
            return None
        return self._record(ev.ReviewReopened)


def latest_review_before(store: RecordStore, checklist_id: str, year: int) -> ReviewState | None:
    """The newest review of CHECKLIST_ID for the latest 年度 before YEAR (what next year's review
    starts from), or None."""
    found: tuple[int, ReviewState] | None = None
    for _, events in store.readable("review", subject_id=checklist_id):
        first = events[0]
        if not isinstance(first, ev.ReviewStarted) or first.fiscal_year >= year:
            continue
        if found is None or first.fiscal_year >= found[0]:  # oldest first: a later record of the year wins
            try:
                checklist, scale = pinned_checklist(first)
            except JournalError:
                continue
            found = (first.fiscal_year, ReviewState.from_events(checklist, scale, events))
    return found[1] if found else None
