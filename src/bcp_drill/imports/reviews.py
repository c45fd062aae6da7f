"""Import a review-result file: a checklist reviewed on paper becomes a normal review record."""

from __future__ import annotations

from datetime import datetime, time
from typing import TYPE_CHECKING

from bcp_drill import __version__
from bcp_drill.content.checks import Finding, duplicate_ids, reference_finding
from bcp_drill.content.library import ContentLibrary
from bcp_drill.content.loader import LoadedFile
from bcp_drill.content.models import Checklist
from bcp_drill.content.scales import Scale
from bcp_drill.imports.models import ReviewResultFile
from bcp_drill.imports.paper import ImportResult, SettableClock, content_sha256, located, refused_as_duplicate
from bcp_drill.records import events as ev
from bcp_drill.records.store import RecordStore
from bcp_drill.review.view import keys_legend, option_by_key_or_code
from bcp_drill.text import clipped
from bcp_drill.wallclock import zone

if TYPE_CHECKING:
    from bcp_drill.i18n import Translator


def _option_code(scale: Scale, dimension_id: str, value: str) -> str | None:
    """The option code named by its key or its code on the paper sheet."""
    dimension = scale.dimension(dimension_id)
    option = option_by_key_or_code(dimension, value) if dimension else None
    return option.code if option else None


def _checks(result: ReviewResultFile, checklist: Checklist, scale: Scale) -> list[Finding]:
    findings: list[Finding] = []
    items = [i.id for i in checklist.all_items()]
    dimensions = [d.id for d in scale.dimensions]
    findings += duplicate_ids(("items",), [i.id for i in result.items], "items")
    if result.checklist_version and result.checklist_version != checklist.version:
        findings.append(Finding(("checklist_version",), "import_version", {
            "file_version": result.checklist_version, "version": checklist.version}, "import_version_hint"))
    for index, entry in enumerate(result.items):
        here = ("items", index)
        if entry.id not in items:
            findings.append(reference_finding(here + ("id",), "item", entry.id, items))
        for dimension_id, value in entry.ratings.items():
            if dimension_id not in dimensions:
                findings.append(reference_finding(here + ("ratings", dimension_id), "dimensions", dimension_id,
                                                  dimensions))
            elif value.strip() and _option_code(scale, dimension_id, value.strip()) is None:
                dimension = scale.dimension(dimension_id)
                options = dimension.options if dimension else []
                findings.append(Finding(here + ("ratings", dimension_id), "import_no_such_option", {
                    "value": value, "dimension": dimension_id,
                    "options": ", ".join(f"{o.key}/{o.code}" for o in options)}))
    for index, problem in enumerate(result.problems):
        if problem.item and problem.item not in items:
            findings.append(reference_finding(("problems", index, "item"), "item", problem.item, items))
    return findings


def import_review(store: RecordStore, library: ContentLibrary, loaded: LoadedFile) -> ImportResult:
    result = loaded.document
    assert isinstance(result, ReviewResultFile)
    source = library.checklists.get(result.checklist)
    if source is None:
        return ImportResult(located(loaded, [reference_finding(("checklist",), "checklist", result.checklist,
                                                               sorted(library.checklists))]))
    checklist = source.document
    assert isinstance(checklist, Checklist)
    scale = library.scale_of(checklist)
    problems = located(loaded, _checks(result, checklist, scale))
    if problems:
        return ImportResult(problems)
    duplicate = refused_as_duplicate(store, loaded)
    if duplicate is not None:
        return duplicate
    moment = datetime.combine(result.date, time.fromisoformat(result.time),
                              tzinfo=zone())
    recorder = result.reviewer or store.recorder
    first_fields = dict(
        checklist_id=checklist.id, checklist_version=checklist.version,
        checklist_sha256=source.sha256, checklist_file=source.display,
        checklist_yaml=source.raw.decode("utf-8-sig"), scale_json=scale.model_dump_json(),
        fiscal_year=result.fiscal_year, reviewer=recorder, organisation=result.organisation,
        tool_version=__version__, imported_from=loaded.display, import_sha256=content_sha256(loaded),
        imported_by=store.recorder)

    def fill(journal) -> None:
        for entry in result.items:
            for dimension_id, value in entry.ratings.items():
                if value.strip():
                    journal.append(ev.ItemRated, item_id=entry.id, dimension=dimension_id,
                                   option=_option_code(scale, dimension_id, value.strip()))
            if entry.assessment.strip():
                journal.append(ev.AssessmentRecorded, item_id=entry.id, text=entry.assessment.strip())
            if entry.evidence.strip():
                journal.append(ev.EvidenceRecorded, item_id=entry.id, text=entry.evidence.strip())
        for number, problem in enumerate(result.problems, 1):
            journal.append(ev.ProblemRaised, problem_id=f"P{number:02d}", source_ref=problem.item,
                           title=problem.title, description=problem.description, category=problem.category,
                           priority=problem.priority, owner_organisation=problem.owner_organisation,
                           owner_person=problem.owner_person, start=result.date, due=problem.due,
                           corrective_action=problem.corrective_action.strip(),
                           main_issue=problem.main_issue.strip())
        if result.finished:
            journal.append(ev.ReviewFinished)

    store_as_reviewer = store.as_recorder(recorder, SettableClock(moment))
    return ImportResult([], store_as_reviewer.create_complete(checklist.id, ev.ReviewStarted, first_fields, fill))


def review_template(checklist: Checklist, scale: Scale, t: Translator) -> str:
    """A ready-to-fill review-result file: every item with an empty rating per dimension."""
    lang = t.lang

    def q(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines = [f"# {checklist.title.get(lang)}", f"# {t('template.how')}", f"# {t('template.review_ratings')}"]
    for dimension, legend in zip(scale.dimensions, keys_legend(scale, lang), strict=True):
        lines.append(f"#   {dimension.id} ({legend})")
    lines += ["kind: review-result", f"checklist: {checklist.id}", f"checklist_version: {q(checklist.version)}",
              # Blank, so that no year or day is kept by mistake: the import asks for both.
              f'fiscal_year: ""            # {t("template.review_year")}',
              f'date: ""                   # {t("template.review_date")}',
              'time: "09:00"', 'reviewer: ""', 'organisation: ""', "items:"]
    empty = ", ".join(f'{d.id}: ""' for d in scale.dimensions)
    for item in checklist.all_items():
        lines.append(f"  # {clipped(item.requirement.get(lang), 70)}")
        lines.append(f'  - {{id: {item.id}, ratings: {{{empty}}}, assessment: "", evidence: ""}}')
    lines += [f"# {t('template.review_problems')}",
              '#   - {title: "...", item: ' + next(checklist.all_items()).id + ', priority: medium, '
              'owner_organisation: "", due: 2026-03-31, corrective_action: "", main_issue: ""}',
              "problems: []", f"finished: true             # {t('template.review_finished')}"]
    return "\n".join(lines) + "\n"
