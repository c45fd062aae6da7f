"""Review state rebuilt from journal events: each item's ratings, assessment and evidence."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from bcp_drill.content.models import Checklist, ChecklistItem
from bcp_drill.content.scales import Scale, ScaleDimension
from bcp_drill.records import events as ev


@dataclass
class ItemRecord:
    item: ChecklistItem
    ratings: dict[str, str] = field(default_factory=dict)  # dimension id → option code
    assessment: str = ""
    evidence: str = ""

    def rated(self, dimension: str) -> bool:
        return dimension in self.ratings


@dataclass
class ReviewState:
    checklist: Checklist
    scale: Scale
    started: ev.ReviewStarted | None = None
    items: dict[str, ItemRecord] = field(default_factory=dict)
    problems: list[ev.ProblemRaised] = field(default_factory=list)
    finished: bool = False
    last_seq: int = 0

    @classmethod
    def from_events(cls, checklist: Checklist, scale: Scale, events: Iterable[object]) -> "ReviewState":
        state = cls(checklist, scale, items={i.id: ItemRecord(i) for i in checklist.all_items()})
        for event in events:
            state.apply(event)
        return state

    def apply(self, event: object) -> None:
        self.last_seq = max(self.last_seq, getattr(event, "seq", 0))
        match event:
            case ev.ReviewStarted():
                self.started = event
            case ev.ItemRated():
                record = self.items.get(event.item_id)
                if record is not None:
                    record.ratings[event.dimension] = event.option
            case ev.ItemRatingCleared():
                record = self.items.get(event.item_id)
                if record is not None:
                    record.ratings.pop(event.dimension, None)
            case ev.AssessmentRecorded():
                if event.item_id in self.items:
                    self.items[event.item_id].assessment = event.text
            case ev.EvidenceRecorded():
                if event.item_id in self.items:
                    self.items[event.item_id].evidence = event.text
            case ev.ProblemRaised():
                self.problems.append(event)
            case ev.ReviewFinished():
                self.finished = True
            case ev.ReviewReopened():
                self.finished = False

    # -- what this review must rate: the one home of the rule ---------------------------

    def asked_dimensions(self) -> list[ScaleDimension]:
        """The dimensions this review rates: a checklist with plan years rates its final-year-only
        dimensions (the carry-over) only from the plan's last 年度 on (a review after the plan
        ended closes it too)."""
        years = self.checklist.plan_years
        if years is None or self.started is None or self.started.fiscal_year >= years.last:
            return list(self.scale.dimensions)
        return [d for d in self.scale.dimensions if d.id not in self.checklist.final_year_only]

    def carried(self, item_id: str) -> dict[str, tuple[str, int]]:
        """Ratings that stand from an earlier 年度 (dimension → (option, 年度 it was given)): a
        measure finished (a `lasting` group, 完了・廃止・中止) is not rated again."""
        started = self.started
        previous = started.previous.get(item_id) if started is not None else None
        if previous is None or started is None or started.previous_year is None:
            return {}
        found = {}
        for dimension_id, code in previous.ratings.items():
            dimension = self.scale.dimension(dimension_id)
            if dimension is not None and dimension.lasting(code):
                found[dimension_id] = (code, previous.carried.get(dimension_id, started.previous_year))
        return found

    def effective_ratings(self, item_id: str) -> dict[str, str]:
        """This year's ratings, with those that stand from an earlier 年度 where none is given."""
        carried = {d: code for d, (code, _) in self.carried(item_id).items()}
        return {**carried, **self.items[item_id].ratings}

    def missing(self, item_id: str) -> list[str]:
        """The asked dimensions ITEM_ID still has no rating in (none: it is fully rated)."""
        ratings = self.effective_ratings(item_id)
        return [d.id for d in self.asked_dimensions() if d.id not in ratings]

    @property
    def rated_count(self) -> int:
        return sum(1 for item_id in self.items if not self.missing(item_id))

    @property
    def total(self) -> int:
        return len(self.items)

    def unrated_items(self) -> list[str]:
        return [item_id for item_id in self.items if self.missing(item_id)]

    def problems_for(self, item_id: str) -> list[ev.ProblemRaised]:
        return [p for p in self.problems if p.source_ref == item_id]
