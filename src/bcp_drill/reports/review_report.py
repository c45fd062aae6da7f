"""The plan-review report: tally, every item with its ratings, and the follow-up list."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from bcp_drill.fiscal import fiscal_year_label
from bcp_drill.followups.collect import followups_of_events
from bcp_drill.followups.items import FollowUp, MainIssue, main_issues
from bcp_drill.i18n import Translator
from bcp_drill.records import events as ev
from bcp_drill.records.reading import read_record
from bcp_drill.records.store import RecordStore
from bcp_drill.review.session import pinned_checklist
from bcp_drill.review.state import ReviewState
from bcp_drill.review.tally import StatusTally, tally_review
from bcp_drill.review.view import previous_assessment

if TYPE_CHECKING:
    from bcp_drill.content.models import ChecklistSection


@dataclass
class ItemResult:
    depth: int  # 0 for a section heading at the top, deeper for nested ones
    heading: str  # set on section rows; items leave it empty
    item_id: str
    requirement: str
    ratings: list[tuple[str, str]]  # (dimension label, option label or "")
    assessment: str
    evidence: str
    previous: str = ""  # what the review this one started from said (an earlier 年度)


@dataclass
class ReviewReport:
    record_id: str
    organisation: str
    checklist_id: str
    checklist_title: str
    checklist_version: str
    source: str
    fiscal_year_label: str
    reviewer: str
    started_at: datetime
    finished: bool
    rated: int
    total: int
    tally: StatusTally
    state: ReviewState  # for the tally's row titles and the unrated list
    rows: list[ItemResult]
    followups: list[FollowUp]

    @property
    def main_issues(self) -> list[MainIssue]:
        """The follow-ups gathered under the main issues for the next plan (the seed's section 4)."""
        return main_issues(self.followups)
    generated_at: datetime
    imported_from: str | None = None
    imported_by: str | None = None
    record_hash: str = ""  # SHA-256 of the journal's last line: matches a printed report to its record
    # What the report leaves out of the record, and why (a last event cut by a power loss...).
    record_notices: list[str] = field(default_factory=list)
    blank_zero: bool = True  # a count of none printed blank in the tally (the setting `zeros`)


def build_review_report(store: RecordStore, record_id: str, t: Translator, organisation: str = "",
                        now: datetime | None = None, blank_zero: bool = True) -> ReviewReport:
    lang = t.lang
    contents = read_record(store, record_id, ev.ReviewStarted, "not_a_review")
    events = contents.events
    notices = list(contents.notices)
    started = events[0]
    checklist, scale = pinned_checklist(started)
    state = ReviewState.from_events(checklist, scale, events)
    tally = tally_review(state)
    rows: list[ItemResult] = []

    def walk(sections: list[ChecklistSection], depth: int) -> None:
        for section in sections:
            rows.append(ItemResult(depth, section.title.get(lang), "", "", [], "", ""))
            for item in section.items:
                record = state.items[item.id]
                ratings = []
                for dimension in scale.dimensions:
                    option = dimension.option(record.ratings.get(dimension.id, ""))
                    ratings.append((dimension.label.get(lang), option.label.get(lang) if option else ""))
                # What was said before, as the screen shows it: the earlier year's review, else
                # the checklist's own previous assessment (the seed's "⇒" of each group).
                previous = previous_assessment(checklist, item.id, lang, state)
                rows.append(ItemResult(depth + 1, "", item.id, item.requirement.get(lang), ratings,
                                       record.assessment, record.evidence, previous))
            walk(section.sections, depth + 1)

    walk(checklist.sections, 0)
    return ReviewReport(
        record_id=record_id, organisation=organisation or started.organisation, checklist_id=checklist.id,
        checklist_title=checklist.title.get(lang), checklist_version=checklist.version,
        source=checklist.source.get(lang) if checklist.source else "",
        fiscal_year_label=fiscal_year_label(started.fiscal_year, lang), reviewer=started.reviewer,
        started_at=started.at, finished=state.finished, rated=state.rated_count, total=state.total,
        tally=tally, state=state, rows=rows,
        followups=[f for f in followups_of_events(store, [(record_id, events)], lang, notices)],
        generated_at=now or store.clock(), imported_from=started.imported_from, imported_by=started.imported_by,
        record_hash=contents.last_hash or "", record_notices=[n.render(t) for n in notices],
        blank_zero=blank_zero)
