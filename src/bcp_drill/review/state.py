"""Review state rebuilt from journal events: each item's ratings, assessment and evidence."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from bcp_drill.content.models import Checklist, ChecklistItem
from bcp_drill.content.scales import Scale
from bcp_drill.records import events as ev


@dataclass
class ItemRecord:
    item: ChecklistItem
    ratings: dict[str, str] = field(default_factory=dict)  # dimension id → option code
    assessment: str = ""
    evidence: str = ""

    def rated(self, dimension: str) -> bool:
        return dimension in self.ratings

    def fully_rated(self, scale: Scale) -> bool:
        return all(d.id in self.ratings for d in scale.dimensions)


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

    @property
    def rated_count(self) -> int:
        return sum(1 for r in self.items.values() if r.fully_rated(self.scale))

    @property
    def total(self) -> int:
        return len(self.items)

    def unrated_items(self) -> list[str]:
        return [i for i, r in self.items.items() if not r.fully_rated(self.scale)]

    def problems_for(self, item_id: str) -> list[ev.ProblemRaised]:
        return [p for p in self.problems if p.source_ref == item_id]
