"""Tables for the status tally of a review, drill figures and the follow-up list."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, Iterable

from bcp_drill.drill.counts import DrillSummary, StepCounts
from bcp_drill.drill.ratings import RATINGS
from bcp_drill.drill.tally import DrillFigures, ScenarioFigures
from bcp_drill.fiscal import fiscal_year_label
from bcp_drill.i18n import Translator
from bcp_drill.render.tables import Column, Reiterable, SpooledRows, StreamedList, Table
from bcp_drill.text import clipped

if TYPE_CHECKING:  # the review's models load only for the review's tables
    from bcp_drill.followups.items import FollowUp, MainIssue
    from bcp_drill.review.state import ReviewState
    from bcp_drill.review.tally import StatusTally


def review_tally_table(tally: StatusTally, state: ReviewState, t: Translator, blank_zero: bool = False) -> Table:
    """The seed's section-2 layout: pillar, item count, each dimension's heading over its groups
    and options (施策の評価 over 継続中 and 完了・廃止・中止), carry-over, unrated. A checklist
    that names its unit (施策) gets the seed's words: 基本施策（柱）, 施策数. BLANK_ZERO prints
    no 0 in the count cells, as the seed does."""
    lang = t.lang
    started = state.started
    title = t("tally.review_title", checklist=state.checklist.title.get(lang),
              year=fiscal_year_label(started.fiscal_year, lang) if started else "-")
    return Table(title, _tally_columns(tally, state, t), _tally_rows(tally, state, t, blank_zero),
                 _tally_notes(tally, state, t))


def _tally_columns(tally: StatusTally, state: ReviewState, t: Translator) -> list[Column]:
    """Section and item count, each option under its group and dimension, unrated per dimension, the check."""
    lang, scale = t.lang, tally.scale
    unit = state.checklist.unit
    first_label = t("tally.col_pillar") if unit else t("tally.col_section")
    items_label = t("tally.col_unit_count", unit=unit.get(lang)) if unit else t("tally.col_items")
    columns = [Column("section", first_label), Column("items", items_label, ">")]
    for column in tally.columns:
        dimension = scale.dimension(column.dimension)
        option = dimension.option(column.option) if dimension else None
        assert dimension is not None and option is not None  # the tally's columns come from this scale
        group = next((g.label.get(lang) for g in dimension.groups if g.id == column.group), "")
        columns.append(Column(f"{column.dimension}.{column.option}", option.short_label(lang), ">",
                              group, dimension.label.get(lang)))
    for dimension in scale.dimensions:
        columns.append(Column(f"unrated.{dimension.id}", dimension.label.get(lang), ">", "", t("tally.unrated")))
    columns.append(Column("check", t("tally.col_check")))
    return columns


def _tally_rows(tally: StatusTally, state: ReviewState, t: Translator, blank_zero: bool) -> list[list[Any]]:
    """One row per section, then the total; "-" where a dimension was not asked."""
    scale = tally.scale

    def count(value: int) -> int | str:
        return "" if blank_zero and value == 0 else value

    titles = {s.id: s.title.get(t.lang) for s in state.checklist.sections}
    rows = []
    for row in tally.rows + [tally.total]:
        cells: list[Any] = [titles.get(row.key, t("tally.total")), row.items]
        cells += [count(row.count(c.dimension, c.option)) for c in tally.columns]
        cells += [count(row.unrated_count(d.id)) if d.id in tally.asked else "-" for d in scale.dimensions]
        cells.append(t("tally.check_ok") if row.adds_up(scale, tally.asked) else t("tally.check_ng"))
        rows.append(cells)
    return rows


def _tally_notes(tally: StatusTally, state: ReviewState, t: Translator) -> list[str]:
    """The items still unrated (or all rated), the dimensions not asked this year, the carried-over items."""
    lang, scale = t.lang, tally.scale
    notes = _unrated_notes(tally, state, t)
    not_asked = [d.label.get(lang) for d in scale.dimensions if d.id not in tally.asked]
    if not_asked and state.checklist.plan_years is not None:
        notes.append(t("tally.not_asked", dimensions=", ".join(not_asked),
                       year=fiscal_year_label(state.checklist.plan_years.last, lang)))
    if tally.carried:
        notes.append(t("tally.carried", count=len(tally.carried), items=", ".join(tally.carried)))
    return notes


def _unrated_notes(tally: StatusTally, state: ReviewState, t: Translator) -> list[str]:
    """Each item not yet rated ([ ]) or partly rated ([~], with what is missing); or that all are rated."""
    lang = t.lang
    unrated = tally.unrated_items([i.id for i in state.checklist.all_items()])
    if not unrated:
        return [t("tally.all_rated")]
    notes = [t("tally.unrated_note", count=len(unrated))]
    for item_id in unrated:
        requirement = state.items[item_id].item.requirement.get(lang)
        requirement = clipped(requirement, 60)
        missing = tally.missing_dimensions(item_id)
        if len(missing) == len(tally.asked):
            notes.append(f"  [ ] {item_id}  {requirement}")
        else:  # partly rated: say which rating is still missing
            names = ", ".join(d.label.get(lang) for d in tally.scale.dimensions if d.id in missing)
            notes.append(f"  [~] {item_id}  {requirement}  ({t('tally.partly_rated', missing=names)})")
    return notes


def review_tally_data(tally: StatusTally, state: ReviewState, table: Table | None = None) -> dict:
    """The tally as data; with TABLE, also its title, column labels and section titles, so
    another program can print the same table."""
    started = state.started
    labels: dict[str, Any] = {}
    if table is not None:
        keys = [row.key for row in tally.rows] + [""]  # "" is the total row
        labels = {"title": table.title,
                  "columns": [{"key": c.key, "label": c.label, "group": c.group, "supergroup": c.supergroup}
                              for c in table.columns],
                  "section_titles": {key: cells[0] for key, cells in zip(keys, table.rows, strict=True)}}
    return {
        **labels,
        "checklist": state.checklist.id, "scale": tally.scale.id,
        "fiscal_year": started.fiscal_year if started else None,
        "record": started.record_id if started else None,
        "rows": [{"section": row.key or None, "items": row.items,
                  "counts": {f"{d}.{o}": n for (d, o), n in sorted(row.counts.items())},
                  "unrated": row.unrated, "adds_up": row.adds_up(tally.scale)}
                 for row in tally.rows + [tally.total]],
        "complete": tally.complete, "consistent": tally.consistent,
    }


def figures_table(title: str, first_label: str, rows: list[tuple[str, StepCounts]], t: Translator) -> Table:
    """Steps by rating and timing, one row per phase, scenario or drill: the one figures table
    that the summary screen, the reports and `tally --drills` all show."""
    extra = optional_counts([counts for _, counts in rows])
    return Table(title, [Column("label", first_label), *count_columns(t, extra)],
                 [[label, *count_cells(counts, extra)] for label, counts in rows],
                 [t("figures.on_time_rule")])


# Columns shown only when some row has one: most scenarios have neither, and the table must
# stay narrow enough for a terminal; when shown, every row has the column.
OPTIONAL_COUNTS = ("done_no_target", "not_applicable")


def optional_counts(all_counts: list[StepCounts]) -> tuple[str, ...]:
    return tuple(name for name in OPTIONAL_COUNTS if any(getattr(c, name) for c in all_counts))


def count_cells(counts: StepCounts, extra: tuple[str, ...] = ()) -> list[Any]:
    return [counts.total, *[counts.ratings[r] for r in RATINGS], counts.on_time, counts.late,
            *([counts.done_no_target] if "done_no_target" in extra else []),
            counts.not_done, counts.skipped, counts.pending,
            *([counts.not_applicable] if "not_applicable" in extra else []),
            counts.on_time_rate if counts.on_time_rate is not None else "-"]


def count_columns(t: Translator, extra: tuple[str, ...] = ()) -> list[Column]:
    timing = t("tally.timing")
    return [Column("steps", t("tui.col_steps"), ">"), *[Column(r, r, ">", t("tally.ratings")) for r in RATINGS],
            Column("on_time", t("tui.col_on_time"), ">", timing),
            Column("late", t("tui.col_late"), ">", timing),
            *([Column("done_no_target", t("tui.col_done_no_target"), ">", timing)]
              if "done_no_target" in extra else []),
            Column("not_done", t("tui.col_not_done"), ">", timing),
            Column("skipped", t("tui.col_skipped"), ">", timing),
            Column("pending", t("tui.col_pending"), ">", timing),
            *([Column("not_applicable", t("tui.col_not_applicable"), ">")] if "not_applicable" in extra else []),
            Column("on_time_rate", t("tui.col_on_time_rate"), ">")]


def drills_table(figures: Iterable[DrillFigures], t: Translator) -> Table:
    """A row per drill. FIGURES may be a stream (a folder's drills read one at a time): the rows
    then go to a temporary file, not memory. The optional columns (conditions, done with no
    target, not applicable) are shown when some drill has one, so they are known only once
    every drill has been seen."""
    rows: list[list[Any]] | SpooledRows = [] if isinstance(figures, list) else SpooledRows()
    shown: set[str] = set()
    for one in figures:
        counts = one.summary.overall
        shown.update(name for name in OPTIONAL_COUNTS if getattr(counts, name))
        if one.conditions:
            shown.add("conditions")
        if not one.finished:
            shown.add("state")
        rows.append([one.record_id, fiscal_year_label(one.fiscal_year, t.lang), one.scenario_title,
                     one.conditions or "-", t(f"drill_type.{one.drill_type}"),
                     t("tally.ended") if one.finished else t("tally.under_way"),
                     *count_cells(counts, OPTIONAL_COUNTS), len(one.participants)])
    columns = [Column("record", t("tally.col_record")), Column("year", t("tally.col_year")),
               Column("scenario", t("tally.col_scenario")), Column("conditions", t("tui.conditions")),
               Column("type", t("tally.col_type")), Column("state", t("tally.col_state")),
               *count_columns(t, OPTIONAL_COUNTS), Column("participants", t("tally.col_participants"), ">")]
    # Shown when some drill has one: the conditions, the optional counts, and the state (a drill
    # not ended is counted with what it has recorded so far).
    optional = {"conditions", "state", *OPTIONAL_COUNTS}
    keep = [index for index, column in enumerate(columns) if column.key not in optional or column.key in shown]
    if isinstance(rows, SpooledRows):
        rows.keep_columns(keep)
    else:
        rows = [[row[index] for index in keep] for row in rows]
    return Table(t("tally.drills_title"), [columns[index] for index in keep], rows)


def scenarios_table(scenarios: list[ScenarioFigures], t: Translator) -> Table:
    extra = optional_counts([s.counts for s in scenarios])
    with_conditions = any(s.conditions for s in scenarios)
    with_under_way = any(s.under_way for s in scenarios)  # of its drills, those not ended
    columns = [Column("scenario", t("tally.col_scenario")),
               *([Column("conditions", t("tui.conditions"))] if with_conditions else []),
               Column("drills", t("tally.col_drills"), ">"),
               *([Column("under_way", t("tally.col_under_way"), ">")] if with_under_way else []),
               *count_columns(t, extra)]
    rows = [[s.title, *([s.conditions or "-"] if with_conditions else []), s.drills,
             *([s.under_way] if with_under_way else []), *count_cells(s.counts, extra)] for s in scenarios]
    notes = [t("tally.under_way_note")] if with_under_way else []
    return Table(t("tally.scenarios_title"), columns, rows, notes)


def phases_table(phases: list[tuple[str, StepCounts]], title: str, t: Translator) -> Table:
    return figures_table(t("tally.phases_title", scenario=title), t("tui.col_phase"), phases, t)


def drill_figures_table(summary: DrillSummary, phase_titles: dict[str, str], t: Translator,
                        title: str = "") -> Table:
    """One drill's figures: a row per phase, then the total."""
    rows = [(phase_titles.get(pid, pid), counts) for pid, counts in summary.phases]
    return figures_table(title, t("tui.col_phase"), rows + [(t("tui.total"), summary.overall)], t)


def participation_table(rows: list[tuple[int, int, int]], t: Translator) -> Table:
    columns = [Column("year", t("tally.col_year")), Column("drills", t("tally.col_drills"), ">"),
               Column("people", t("tally.col_people"), ">")]
    return Table(t("tally.participation_title"),
                 columns, [[fiscal_year_label(y, t.lang), d, p] for y, d, p in rows])


def followups_table(items: Reiterable[FollowUp], t: Translator, today: date) -> Table:
    """A row per follow-up. ITEMS may be a list or a re-readable collection too large to hold
    (followups/collect.SortedFollowUps): its rows are then made as they are written."""
    columns = [Column("id", t("followups.col_id")), Column("title", t("followups.col_title")),
               Column("source", t("followups.col_source")), Column("category", t("followups.col_category")),
               Column("priority", t("followups.col_priority")), Column("owner", t("followups.col_owner")),
               Column("start", t("followups.col_start")), Column("due", t("followups.col_due")),
               Column("status", t("followups.col_status")), Column("evidence", t("followups.col_evidence"))]
    words: dict[str, str] = {}  # each status, category and priority worded once, shared by its rows

    def word(key: str) -> str:
        return words[key] if key in words else words.setdefault(key, t(key))

    def row(item: FollowUp) -> list[Any]:
        status = word(f"followup_status.{item.status}")
        if item.overdue(today):
            status = word(f"followup_status.{item.status}") + " " + word("followups.overdue_mark")
            status = words.setdefault("\0overdue." + status, status)
        owner = " / ".join(x for x in (item.owner_organisation, item.owner_person) if x)
        source = f"{item.source_subject} {item.source_ref or ''}".strip()
        return [item.id, item.title, words.setdefault("\0source." + source, source),
                word(f"capability.{item.category}"), word(f"priority.{item.priority}"), owner,
                item.start or "", item.due or "", status, item.closure_evidence]

    rows = [row(item) for item in items] if isinstance(items, list) else StreamedList(items, row)
    return Table(t("followups.title", count=len(items)), columns, rows)


def followups_data(items: Reiterable[FollowUp], today: date) -> list[dict]:
    """The follow-ups as data (a list made as it is written when ITEMS is not a list)."""
    def data(f: FollowUp) -> dict:
        return {
            "id": f.id, "title": f.title, "description": f.description, "source": f.source,
            "source_kind": f.source_kind, "source_subject": f.source_subject, "source_ref": f.source_ref,
            "source_title": f.source_title, "fiscal_year": f.fiscal_year, "category": f.category,
            "priority": f.priority, "owner_organisation": f.owner_organisation, "owner_person": f.owner_person,
            "start": f.start, "due": f.due, "status": f.status, "overdue": f.overdue(today),
            "corrective_action": f.corrective_action, "closure_evidence": f.closure_evidence,
            "raised_by": f.raised_by, "raised_at": f.raised_at,
            "history": [{"at": u.at, "by": u.by, **u.model_dump(exclude_none=True, exclude={
                "seq", "at", "by", "host", "type", "followup_id"})} for u in f.history],
        }

    return [data(f) for f in items] if isinstance(items, list) else StreamedList(items, data)


def main_issues_table(issues: list[MainIssue], t: Translator) -> Table:
    """The seed's section 4 (今後の主な課題): each main issue numbered (1), (2)..., with the
    follow-ups it gathers and their status."""
    rows = []
    for number, issue in enumerate(issues, 1):
        gathered = "; ".join(f"{f.id} {f.title} [{t('followup_status.' + f.status)}]" for f in issue.followups)
        rows.append([f"({number})", issue.title, gathered])
    return Table(t("report.future_issues"), [Column("number", "#"), Column("issue", t("followups.main_issue")),
                                             Column("followups", t("followups.gathered"))], rows)
