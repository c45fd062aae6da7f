"""A review in progress: user actions become journal events; the state follows."""

from __future__ import annotations

import json
from pathlib import Path

from bcp_drill import __version__
from bcp_drill.content.loader import FileLoader, LoadedFile
from bcp_drill.content.models import Checklist
from bcp_drill.content.scales import Scale
from bcp_drill.fiscal import fiscal_year
from bcp_drill.records import events as ev
from bcp_drill.records.journal import Journal, JournalError
from bcp_drill.records.session import JournalSession, open_journal
from bcp_drill.records.store import RecordStore
from bcp_drill.review.state import ReviewState


def pinned_checklist(started: ev.ReviewStarted) -> tuple[Checklist, Scale]:
    """The checklist and scale exactly as they were when the review started."""
    loaded = FileLoader().load_bytes(started.checklist_yaml.encode("utf-8"), started.checklist_file)
    if not isinstance(loaded.document, Checklist):
        raise JournalError(Path(started.checklist_file), "pinned_checklist_invalid",
                           problems="; ".join(p.code for p in loaded.problems))
    return loaded.document, Scale.model_validate(json.loads(started.scale_json))


class ReviewSession(JournalSession):
    """One open review; each method writes one fsynced event, then updates the state."""

    def __init__(self, journal: Journal, checklist: Checklist, scale: Scale) -> None:
        self.journal = journal
        self.checklist = checklist
        self.scale = scale
        self.state = ReviewState.from_events(checklist, scale, journal.events)

    @classmethod
    def start(cls, store: RecordStore, source: LoadedFile, scale: Scale, fiscal_year_value: int | None = None,
              reviewer: str = "", organisation: str = "") -> "ReviewSession":
        checklist = source.document
        assert isinstance(checklist, Checklist)
        journal = store.create(
            checklist.id, ev.ReviewStarted, checklist_id=checklist.id, checklist_version=checklist.version,
            checklist_sha256=source.sha256, checklist_file=source.display,
            checklist_yaml=source.raw.decode("utf-8-sig"), scale_json=scale.model_dump_json(),
            fiscal_year=fiscal_year_value or fiscal_year(store.clock().astimezone().date()),
            reviewer=reviewer or store.recorder, organisation=organisation, tool_version=__version__)
        return cls(journal, checklist, scale)

    @classmethod
    def resume(cls, store: RecordStore, record_id: str) -> "ReviewSession":
        """Reopen a review with the checklist and scale pinned in its journal."""
        return open_journal(store, record_id, ev.ReviewStarted, "not_a_review",
                            lambda journal, first: cls(journal, *pinned_checklist(first)))

    def rate(self, item_id: str, dimension: str, option: str) -> ev.ItemRated | None:
        """Rate one dimension; re-rating with the same option writes nothing."""
        found = self.scale.dimension(dimension)
        if found is None or found.option(option) is None or item_id not in self.state.items:
            raise ValueError(f"no option {dimension}/{option} for {item_id}")
        if self.state.items[item_id].ratings.get(dimension) == option:
            return None
        return self._record(ev.ItemRated, item_id=item_id, dimension=dimension, option=option)

    def rate_by_key(self, item_id: str, key: str) -> ev.ItemRated | None:
        for dimension in self.scale.dimensions:
            for option in dimension.options:
                if option.key == key:
                    return self.rate(item_id, dimension.id, option.code)
        return None

    def clear(self, item_id: str) -> None:
        for dimension in list(self.state.items[item_id].ratings):
            self._record(ev.ItemRatingCleared, item_id=item_id, dimension=dimension)

    def assess(self, item_id: str, text: str) -> None:
        if self.state.items[item_id].assessment != text:
            self._record(ev.AssessmentRecorded, item_id=item_id, text=text)

    def record_evidence(self, item_id: str, text: str) -> None:
        if self.state.items[item_id].evidence != text:
            self._record(ev.EvidenceRecorded, item_id=item_id, text=text)

    def finish(self) -> None:
        if not self.state.finished:
            self._record(ev.ReviewFinished)

    def reopen(self) -> None:
        if self.state.finished:
            self._record(ev.ReviewReopened)
