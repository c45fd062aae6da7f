"""The plan review as the city publishes it (the seed's 評価書), as data: section 1 (the plan),
section 2 (the measures table, from a measures review), section 3 (the review items under their
levels with each group's ⇒ assessment, from an items review), section 4 (the main issues), the
※ glossary, and a closing colophon. The document's own words come from the items checklist's
`publication` block; every figure and assessment from the two records. No record id or hash is
in the body: they are in the colophon, with how to verify them. render/publication.py lays it out.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable

from bcp_drill import __version__
from bcp_drill.content.models import Checklist, ChecklistSection, Publication
from bcp_drill.content.scales import Scale, ScaleOption
from bcp_drill.errors import UserError
from bcp_drill.fiscal import fiscal_year_label
from bcp_drill.followups.collect import followups_of_events
from bcp_drill.followups.items import main_issues
from bcp_drill.i18n import Lang, Translator
from bcp_drill.records import events as ev
from bcp_drill.records.reading import read_record
from bcp_drill.records.store import RecordStore
from bcp_drill.records.team import MergedRecord
from bcp_drill.review.session import pinned_checklist
from bcp_drill.review.state import ReviewState
from bcp_drill.review.tally import StatusTally, tally_review

ITEM_LABELS = "abcdefghijklmnopqrstuvwxyz"


class PublishRefused(UserError):
    """The two records cannot be published as one true document; said with what to do."""

    area = "publish"


@dataclass(frozen=True)
class HeaderCell:
    text: str
    colspan: int = 1
    rowspan: int = 1


@dataclass
class GridTable:
    """A table with a heading of several rows (cells spanning columns and rows, as the seed's)."""

    header: list[list[HeaderCell]]
    rows: list[list[str]]
    text_columns: int = 1  # the first columns hold words; the rest are figures


@dataclass
class ReviewItemEntry:
    label: str  # "a."
    requirement: str
    note: str = ""  # the ※ note printed under it


@dataclass
class ReviewGroup:
    """A heading of section 3 at its level (1: (1), 2: ア, 3: (ア)), its requirements and the
    ⇒ assessment recorded for them (paragraphs); a heading over subgroups has no items."""

    level: int
    title: str
    items: list[ReviewItemEntry] = field(default_factory=list)
    assessment: list[str] = field(default_factory=list)
    assessed: bool = True  # False: items stand here and nothing was recorded for them


@dataclass
class SourceRecord:
    role: str  # "measures" or "items", in words
    record_id: str
    final_hash: str
    checklist: str


@dataclass
class PublishedReview:
    lang: str
    title: str
    year_label: str
    overview_title: str
    overview: list[tuple[str, str]]  # (label, text): 策定, 計画期間
    figure_label: str
    figure_file: Path | None
    figure_caption: str
    measures_title: str
    measures_lead: str
    measures_table: GridTable
    review_title: str
    groups: list[ReviewGroup]
    issues_title: str
    issues: list[str]
    glossary: list[tuple[str, str]]
    sources: list[SourceRecord]
    generated_at: datetime
    tool_version: str = __version__
    notices: list[str] = field(default_factory=list)  # said on the command line too


@dataclass
class ReadReview:
    record_id: str
    contents: MergedRecord
    checklist: Checklist
    scale: Scale
    state: ReviewState


def read_review(store: RecordStore, record_id: str) -> ReadReview:
    contents = read_record(store, record_id, ev.ReviewStarted, "not_a_review")
    checklist, scale = pinned_checklist(contents.events[0])
    return ReadReview(record_id, contents, checklist, scale, ReviewState.from_events(checklist, scale, contents.events))


# Today's checklist of an id and the folder of its file (where its figure is), or (None, None).
ChecklistLookup = Callable[[str], tuple[Checklist | None, Path | None]]


def build_publication(store: RecordStore, measures_id: str, items_id: str, t: Translator,
                      today: ChecklistLookup | None = None, blank_zero: bool = True, totals: bool = False,
                      now: datetime | None = None) -> PublishedReview:
    """The published review of MEASURES_ID (section 2) and ITEMS_ID (sections 3 and 4).

    The document's words are the items checklist's `publication` block as pinned in its record,
    else that of TODAY's checklist of the same id: a review begun before the block was written
    can still be published (its figure file is found beside today's checklist). Refused: two
    different 年度, a measures review with unrated measures or whose counts do not add up (a
    wrong figure is never printed)."""
    lang = t.lang
    measures, items = read_review(store, measures_id), read_review(store, items_id)
    _check_same_year(measures, items, t)
    current, frame_folder = today(items.checklist.id) if today else (None, None)
    frame = items.checklist.publication or (current.publication if current else None)
    if frame is None:
        raise PublishRefused("no_frame", checklist=items.checklist.id)
    tally = tally_review(measures.state)
    _check_counts(tally, measures, t)
    year = items.state.started.fiscal_year if items.state.started else None
    notices: list[str] = []
    groups = _review_groups(items, lang, notices, t)
    followups = followups_of_events(store, [(measures_id, measures.contents.events),
                                            (items_id, items.contents.events)], lang)
    figure = frame.figure
    figure_file = None
    if figure is not None and figure.file and frame_folder is not None:
        figure_file = (frame_folder / figure.file).resolve()
        if not figure_file.is_file():
            notices.append(t("publish.figure_missing", path=str(figure_file)))
            figure_file = None
    return PublishedReview(
        lang=lang, title=frame.title.get(lang),
        year_label=fiscal_year_label(year, lang) if year is not None else "",
        overview_title=frame.sections.overview.get(lang),
        overview=[(t("publish.adopted"), frame.adopted.get(lang)),
                  (t("publish.period"), _period_text(frame, t, items.checklist, measures.checklist))],
        figure_label=t("publish.figure"), figure_file=figure_file,
        figure_caption=figure.caption.get(lang) if figure else "",
        measures_title=frame.sections.measures.get(lang),
        measures_lead=frame.measures_lead.get(lang) if frame.measures_lead else "",
        measures_table=measures_grid(tally, measures.state, frame, t, blank_zero, totals),
        review_title=frame.sections.review.get(lang), groups=groups,
        issues_title=frame.sections.issues.get(lang),
        issues=[issue.title for issue in main_issues(followups)],
        glossary=[(entry.term.get(lang), entry.text.get(lang)) for entry in frame.glossary],
        sources=[SourceRecord(t("publish.source_measures"), measures_id, measures.contents.last_hash or "",
                              measures.checklist.title.get(lang)),
                 SourceRecord(t("publish.source_items"), items_id, items.contents.last_hash or "",
                              items.checklist.title.get(lang))],
        generated_at=now or store.clock(), notices=notices)


def _check_same_year(measures: ReadReview, items: ReadReview, t: Translator) -> None:
    years = [r.state.started.fiscal_year if r.state.started else None for r in (measures, items)]
    if years[0] != years[1]:
        labels = [fiscal_year_label(y, t.lang) if y is not None else "-" for y in years]
        raise PublishRefused("years_differ", measures=measures.record_id, measures_year=labels[0],
                             items=items.record_id, items_year=labels[1])


def _check_counts(tally: StatusTally, measures: ReadReview, t: Translator) -> None:
    unrated = tally.unrated_items([i.id for i in measures.checklist.all_items()])
    if unrated:
        raise PublishRefused("unrated", record=measures.record_id, count=len(unrated),
                             items=", ".join(unrated[:5]) + (" …" if len(unrated) > 5 else ""))
    if not tally.consistent:
        raise PublishRefused("inconsistent", record=measures.record_id)


def _period_text(frame: Publication, t: Translator, *checklists: Checklist) -> str:
    """As the frame prints it, else from the plan years of either checklist."""
    if frame.period is not None:
        return frame.period.get(t.lang)
    years = next((c.plan_years for c in checklists if c.plan_years is not None), None)
    if years is None:
        return "-"
    return t("publish.period_text", first=fiscal_year_label(years.first, t.lang),
             last=fiscal_year_label(years.last, t.lang))


def measures_grid(tally: StatusTally, state: ReviewState, frame: Publication | None, t: Translator,
                  blank_zero: bool, totals: bool) -> GridTable:
    """The seed's section-2 table: pillar, count, each dimension over its groups and options (an
    option of a dimension without groups stands on the group row, as 拡大 does), the column marks
    (㉔…) after the options; no unrated or check column, the total row only when asked."""
    lang, scale = t.lang, tally.scale
    unit = state.checklist.unit
    first = HeaderCell(t("tally.col_pillar") if unit else t("tally.col_section"), rowspan=3)
    count = HeaderCell(t("tally.col_unit_count", unit=unit.get(lang)) if unit else t("tally.col_items"), rowspan=3)
    top, middle, bottom = [first, count], [], []
    marks = frame.status_marks if frame else {}
    for dimension in scale.dimensions:
        options = [c for c in tally.columns if c.dimension == dimension.id]
        top.append(HeaderCell(dimension.label.get(lang), colspan=len(options)))
        if not dimension.groups:
            middle += [HeaderCell(_option_heading(dimension.option(c.option), marks, lang), rowspan=2)
                       for c in options]
            continue
        for group in dimension.groups:
            in_group = [c for c in options if c.group == group.id]
            if in_group:
                middle.append(HeaderCell(group.label.get(lang), colspan=len(in_group)))
                bottom += [HeaderCell(_option_heading(dimension.option(c.option), marks, lang)) for c in in_group]
    titles = {s.id: s.title.get(lang) for s in state.checklist.sections}
    rows = []
    for row in tally.rows + ([tally.total] if totals else []):
        cells = [titles.get(row.key, t("tally.total")), _figure(row.items, blank_zero)]
        for column in tally.columns:
            asked = column.dimension in tally.asked
            cells.append(_figure(row.count(column.dimension, column.option), blank_zero) if asked else "-")
        rows.append(cells)
    return GridTable([top, middle, bottom], rows)


def _option_heading(option: ScaleOption | None, marks: dict[str, str], lang: Lang) -> str:
    assert option is not None  # the tally's columns come from this scale
    mark = marks.get(option.code, "")
    return f"{option.short_label(lang)} {mark}" if mark else option.short_label(lang)


def _figure(value: int, blank_zero: bool) -> str:
    return "" if blank_zero and value == 0 else str(value)


def _review_groups(items: ReadReview, lang: Lang, notices: list[str], t: Translator) -> list[ReviewGroup]:
    groups: list[ReviewGroup] = []

    def walk(sections: list[ChecklistSection], level: int) -> None:
        for section in sections:
            group = ReviewGroup(level, section.title.get(lang))
            for index, item in enumerate(section.items):
                group.items.append(ReviewItemEntry(f"{ITEM_LABELS[index % len(ITEM_LABELS)]}.",
                                                   item.requirement.get(lang),
                                                   item.note.get(lang) if item.note else ""))
            if section.items:
                group.assessment = _assessment_paragraphs(items.state, [i.id for i in section.items])
                group.assessed = bool(group.assessment)
                if not group.assessed:
                    notices.append(t("publish.no_assessment", group=group.title, record=items.record_id))
            groups.append(group)
            walk(section.sections, level + 1)

    walk(items.checklist.sections, 1)
    return groups


def _assessment_paragraphs(state: ReviewState, item_ids: list[str]) -> list[str]:
    """The ⇒ of a group: the assessments recorded for its items, in their order, each paragraph
    once (a reviewer who wrote one assessment for the whole group wrote it on one item)."""
    paragraphs: list[str] = []
    seen: set[str] = set()
    for item_id in item_ids:
        for paragraph in state.items[item_id].assessment.splitlines():
            paragraph = paragraph.strip()
            key = unicodedata.normalize("NFKC", paragraph)
            if paragraph and key not in seen:
                seen.add(key)
                paragraphs.append(paragraph)
    return paragraphs
