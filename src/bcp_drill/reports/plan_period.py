"""The plan-period summary: a checklist's reviews over the plan's fiscal years (e.g. 平成29–令和元年度).

Per measure, its rating in each 年度 and, from the final year's review, its final status and
carry-over; per pillar, the section-2 table of the final year. Each 年度 takes its newest review;
a 年度 with none is named, never filled in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bcp_drill.i18n import Lang
from bcp_drill.records import events as ev
from bcp_drill.records.journal import JournalError
from bcp_drill.records.store import RecordStore
from bcp_drill.review.session import pinned_checklist
from bcp_drill.review.state import ReviewState
from bcp_drill.review.view import short_option_label


@dataclass
class MeasureLine:
    pillar: str
    item_id: str
    name: str
    by_year: dict[int, str]  # 年度 → the status as the seed writes it (short label), "" if not rated
    final_status: str
    carryover: str


@dataclass
class PlanPeriod:
    checklist_id: str
    title: str
    years: list[int]  # every 年度 of the period, in order
    reviews: dict[int, ReviewState] = field(default_factory=dict)  # 年度 → its newest review
    measures: list[MeasureLine] = field(default_factory=list)

    @property
    def missing_years(self) -> list[int]:
        return [y for y in self.years if y not in self.reviews]

    @property
    def final(self) -> ReviewState | None:
        """The review of the last 年度 that has one (its table closes the plan)."""
        present = [y for y in self.years if y in self.reviews]
        return self.reviews[present[-1]] if present else None


def plan_period(store: RecordStore, checklist_id: str, first: int, last: int, lang: Lang) -> PlanPeriod | None:
    """The summary of CHECKLIST_ID's reviews from 年度 FIRST to LAST; None when there is none."""
    reviews: dict[int, ReviewState] = {}
    for _, events in store.readable("review", subject_id=checklist_id):
        started = events[0]
        if not isinstance(started, ev.ReviewStarted) or not first <= started.fiscal_year <= last:
            continue
        try:
            checklist, scale = pinned_checklist(started)
        except JournalError:
            continue
        reviews[started.fiscal_year] = ReviewState.from_events(checklist, scale, events)  # oldest first: newest wins
    if not reviews:
        return None
    years = list(range(first, last + 1))
    final = reviews[max(reviews)]
    period = PlanPeriod(checklist_id, final.checklist.title.get(lang), years, reviews)
    status = next((d for d in final.scale.dimensions if d.id == "status"), final.scale.dimensions[0])
    carry = next((d for d in final.scale.dimensions if d.id != status.id), None)

    def label(state: ReviewState, item_id: str, dimension_id: str) -> str:
        record = state.items.get(item_id)
        dimension = state.scale.dimension(dimension_id)
        option = dimension.option(record.ratings.get(dimension_id, "")) if record and dimension else None
        return short_option_label(dimension, option, lang) if option and dimension else ""

    for pillar in final.checklist.sections:  # the final year's checklist decides the list and its order
        for item in pillar.all_items():
            by_year = {year: label(state, item.id, status.id) for year, state in reviews.items()}
            final_option = status.option(final.items[item.id].ratings.get(status.id, ""))
            final_label = final_option.label.get(lang) if final_option else ""
            period.measures.append(MeasureLine(
                pillar.title.get(lang), item.id, item.requirement.get(lang), by_year, final_label,
                label(final, item.id, carry.id) if carry else ""))
    return period
