"""The plan-period summary: a checklist's reviews over the plan's fiscal years (e.g. 平成29–令和元年度).

Per measure, its rating in each 年度 and, from the final year's review, its final status and
carry-over; per pillar, the section-2 table of the final year. Each 年度 takes its newest review;
a 年度 with none is named, never filled in. A measure finished in one year (a `lasting` status
group: 完了・廃止・中止) stays finished in the later years without being rated again, and is counted
as finished in the plan's table; a measure not rated in a reviewed year is said to be unrated.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bcp_drill.content.scales import ScaleDimension, ScaleOption
from bcp_drill.i18n import Lang
from bcp_drill.records import events as ev
from bcp_drill.records.journal import JournalError
from bcp_drill.records.store import RecordStore
from bcp_drill.review.session import pinned_checklist
from bcp_drill.review.state import ItemRecord, ReviewState
from bcp_drill.review.view import short_option_label


@dataclass(frozen=True)
class YearRating:
    """A measure's status in one 年度: rated that year, carried from the year it was finished
    (a finished measure is not rated again), or not rated."""

    label: str = ""  # the status as the seed writes it (short label); "" when not rated
    finished_in: int | None = None  # set when carried: the 年度 it was rated as finished


@dataclass
class MeasureLine:
    pillar: str
    item_id: str
    name: str
    by_year: dict[int, YearRating]  # 年度 (with a review) → its status
    final_status: str  # "" when not rated and not finished earlier
    carryover: str  # "" when not rated
    final_from: int | None = None  # the final status was carried from this 年度


@dataclass
class PlanPeriod:
    checklist_id: str
    title: str
    years: list[int]  # every 年度 of the period, in order
    reviews: dict[int, ReviewState] = field(default_factory=dict)  # 年度 → its newest review
    measures: list[MeasureLine] = field(default_factory=list)
    # The final year's review with each measure finished earlier counted as finished: the
    # section-2 table of the plan counts every measure, those done before the last year too.
    final_effective: ReviewState | None = None
    carried_into_final: list[str] = field(default_factory=list)  # item ids counted from an earlier year

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
    final_year = max(reviews)
    final = reviews[final_year]
    period = PlanPeriod(checklist_id, final.checklist.title.get(lang), years, reviews)
    status = next((d for d in final.scale.dimensions if d.id == "status"), final.scale.dimensions[0])
    carry = next((d for d in final.scale.dimensions if d.id != status.id), None)
    effective = {item_id: dict(record.ratings) for item_id, record in final.items.items()}

    def rating(state: ReviewState, item_id: str, dimension: ScaleDimension) -> ScaleOption | None:
        record = state.items.get(item_id)
        own = state.scale.dimension(dimension.id)
        return own.option(record.ratings.get(dimension.id, "")) if record and own else None

    def short(dimension: ScaleDimension, option: ScaleOption | None) -> str:
        return short_option_label(dimension, option, lang) if option else ""

    for pillar in final.checklist.sections:  # the final year's checklist decides the list and its order
        for item in pillar.all_items():
            by_year: dict[int, YearRating] = {}
            finished: tuple[int, ScaleOption] | None = None  # the 年度 and status it was finished with
            for year in sorted(reviews):
                option = rating(reviews[year], item.id, status)
                if option is not None:
                    by_year[year] = YearRating(short(status, option))
                    if finished is None and status.lasting(option.code):
                        finished = (year, option)
                elif finished is not None:
                    by_year[year] = YearRating(short(status, finished[1]), finished[0])
                else:
                    by_year[year] = YearRating()
            final_option = rating(final, item.id, status)
            final_from = None
            if final_option is None and finished is not None:
                final_from, final_option = finished
                effective[item.id][status.id] = final_option.code
                period.carried_into_final.append(item.id)
            period.measures.append(MeasureLine(
                pillar.title.get(lang), item.id, item.requirement.get(lang), by_year,
                final_option.label.get(lang) if final_option else "",
                short(carry, rating(final, item.id, carry)) if carry else "", final_from))
    period.final_effective = ReviewState(final.checklist, final.scale, final.started, {
        item_id: ItemRecord(record.item, effective[item_id], record.assessment, record.evidence)
        for item_id, record in final.items.items()}, final.problems, final.finished, final.last_seq)
    return period
