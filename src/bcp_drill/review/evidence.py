"""Drills as evidence for a checklist item: what a review proposes, never a rating by itself.

An item names the drill steps or objectives that give evidence for it (`evidence_from`). For each
such line the review looks up the newest ended drill of the scenario held in the review's 年度
(else the newest held before it) and that step's or objective's result, and grades it:

- achieved: the step done on time (or with no target) rated P; the objective rated P; for a line
  naming neither, the drill held and ended;
- partial: the step done late, or rated S or M; the objective rated S or M;
- not achieved: the step rated U, not done, or left with no outcome when the drill ended; the
  objective rated U;
- no evidence: the step skipped or ruled out by the drill's conditions, the objective unrated.

Evidence from a drill of an earlier 年度 is at best partial (not confirmed for this year). The
item's grade is the worst of its lines' grades, and SUGGESTED_OPTIONS turns it into the option of
the checklist's scale. Nothing is written until the reviewer accepts (`accept`), which records the
rating and the evidence text through the review session, as rating by hand does.
The rule is stated for people in docs/programme.md ("Drills as readiness evidence").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from bcp_drill.content.fields import LocalizedText
from bcp_drill.content.models import Checklist, EvidenceLink
from bcp_drill.content.scales import Scale
from bcp_drill.drill.counts import StepStatus
from bcp_drill.drill.pinned import drills_of_scenario
from bcp_drill.drill.view import DrillView
from bcp_drill.drill.wording import rating_label, status_label
from bcp_drill.fiscal import fiscal_year
from bcp_drill.i18n import Translator
from bcp_drill.records.journal import JournalError
from bcp_drill.records.store import RecordStore, RecordSummary
from bcp_drill.review.session import ReviewSession
from bcp_drill.wallclock import local_date

ACHIEVED, PARTIAL, NOT_ACHIEVED = "achieved", "partial", "not_achieved"
GRADES = (ACHIEVED, PARTIAL, NOT_ACHIEVED)  # best first: an item takes the worst of its lines

# The one mapping from a grade to the options of a scale (dimension → grade → option code). A
# checklist on a scale not listed here is shown its evidence with no rating suggested.
SUGGESTED_OPTIONS: dict[str, dict[str, dict[str, str]]] = {
    "readiness": {"status": {ACHIEVED: "done", PARTIAL: "partly", NOT_ACHIEVED: "not-done"}},
}

_DONE_WELL = (StepStatus.DONE_ON_TIME, StepStatus.DONE_NO_TARGET)
_FAILED = (StepStatus.UNABLE, StepStatus.NOT_DONE, StepStatus.NO_OUTCOME)


@dataclass(frozen=True)
class DrillResult:
    """What one ended drill says for one evidence line."""

    record_id: str
    held_at: datetime
    scenario_title: LocalizedText
    title: LocalizedText | None  # the step's or objective's title as the drill pinned it; None: the drill
    status: StepStatus | None  # a step's status when the drill ended
    rating: str  # P, S, M or U; "" when there is none
    grade: str | None  # None: this result gives no evidence

    @property
    def held_on(self) -> date:
        return local_date(self.held_at)

    @property
    def fiscal_year(self) -> int:
        return fiscal_year(self.held_on)


@dataclass(frozen=True)
class EvidenceFinding:
    """One evidence line of an item, with the drill result chosen for it (None: no drill held)."""

    link: EvidenceLink
    result: DrillResult | None
    in_year: bool  # the drill was held in the review's 年度
    grade: str | None  # the result's grade, at best partial from an earlier 年度


@dataclass(frozen=True)
class EvidenceProposal:
    """What the review proposes for one item: its evidence and, on a known scale, a rating."""

    item_id: str
    findings: list[EvidenceFinding]
    grade: str | None
    suggested: dict[str, str]  # dimension → option code; empty when nothing is suggested

    @property
    def has_evidence(self) -> bool:
        return any(f.result is not None for f in self.findings)


@dataclass
class DrillEvidence:
    """The ended drills of the scenarios a checklist names, each reduced to its lines' results."""

    results: dict[EvidenceLink, list[DrillResult]] = field(default_factory=dict)  # oldest first
    left_out: list[str] = field(default_factory=list)  # drill records that could not be read


def _step_result(view: DrillView, step_id: str) -> tuple[LocalizedText, StepStatus, str, str | None] | None:
    if step_id not in view.state.steps:
        return None  # the drill's version of the scenario had no such step
    shown = view.step(step_id)
    status, rating = shown.status, shown.rating
    if status in _DONE_WELL and rating == "P":
        grade: str | None = ACHIEVED
    elif status.done:
        grade = PARTIAL
    elif status in _FAILED:
        grade = NOT_ACHIEVED
    else:
        grade = None  # skipped, not applicable under the drill's conditions
    return shown.step.title, status, rating, grade


def _objective_result(view: DrillView, objective_id: str) -> tuple[LocalizedText, str, str | None] | None:
    objective = view.state.scenario.objective(objective_id)
    result = next((r for r in view.objectives if r.objective_id == objective_id), None)
    if objective is None or result is None:
        return None
    rating = "" if result.rating == "-" else result.rating
    grade = {"P": ACHIEVED, "S": PARTIAL, "M": PARTIAL, "U": NOT_ACHIEVED}.get(rating)
    return objective.title, rating, grade


def _result(view: DrillView, link: EvidenceLink, record_id: str, held_at: datetime) -> DrillResult | None:
    scenario_title = view.state.scenario.title
    if link.step is not None:
        step = _step_result(view, link.step)
        return None if step is None else DrillResult(record_id, held_at, scenario_title, step[0], step[1],
                                                     step[2], step[3])
    if link.objective is not None:
        objective = _objective_result(view, link.objective)
        return None if objective is None else DrillResult(record_id, held_at, scenario_title, objective[0], None,
                                                          objective[1], objective[2])
    return DrillResult(record_id, held_at, scenario_title, None, None, "", ACHIEVED)  # held and ended


def read_drill_evidence(store: RecordStore, checklist: Checklist) -> DrillEvidence:
    """Every ended drill of each scenario the checklist's evidence lines name, read once each."""
    links: dict[str, list[EvidenceLink]] = {}
    for item in checklist.all_items():
        for link in item.evidence_from:
            links.setdefault(link.scenario, []).append(link)
    found = DrillEvidence()
    damaged: list[RecordSummary] = []
    for scenario_id, wanted in links.items():
        for summary, events, state in drills_of_scenario(store, scenario_id, damaged):
            if isinstance(state, JournalError):
                found.left_out.append(summary.record_id)
                continue
            first = events[0]
            if state.ended is None:
                continue  # under way, or left unfinished: its results are not settled
            view = DrillView(state, events[-1].at)
            for link in wanted:
                result = _result(view, link, summary.record_id, first.at)
                if result is not None:
                    found.results.setdefault(link, []).append(result)
    found.left_out += [s.record_id for s in damaged if s.error is not None]
    for results in found.results.values():
        results.sort(key=lambda r: r.held_at)
    return found


def _finding(link: EvidenceLink, results: list[DrillResult], year: int) -> EvidenceFinding:
    """The newest drill of the review's 年度, else the newest before it (later drills do not count)."""
    in_year = [r for r in results if r.fiscal_year == year]
    earlier = [r for r in results if r.fiscal_year < year]
    chosen = in_year[-1] if in_year else earlier[-1] if earlier else None
    grade = chosen.grade if chosen else None
    if chosen is not None and not in_year and grade == ACHIEVED:
        grade = PARTIAL  # not confirmed for this 年度
    return EvidenceFinding(link, chosen, bool(in_year), grade)


def worst(grades: Iterable[str | None]) -> str | None:
    counted = [g for g in grades if g is not None]
    return max(counted, key=GRADES.index) if counted else None


def propose(checklist: Checklist, scale_id: str, year: int, evidence: DrillEvidence,
            asked: Iterable[str] | None = None) -> dict[str, EvidenceProposal]:
    """A proposal for each item with evidence lines, by item id. ASKED: the dimensions the review
    rates (a suggestion for another is left out)."""
    options = SUGGESTED_OPTIONS.get(scale_id, {})
    dimensions = set(options) if asked is None else set(options) & set(asked)
    proposals = {}
    for item in checklist.all_items():
        if not item.evidence_from:
            continue
        findings = [_finding(link, evidence.results.get(link, []), year) for link in item.evidence_from]
        grade = worst(f.grade for f in findings)
        suggested = {d: options[d][grade] for d in sorted(dimensions)} if grade else {}
        proposals[item.id] = EvidenceProposal(item.id, findings, grade, suggested)
    return proposals


def review_evidence(store: RecordStore, session: ReviewSession) -> tuple[dict[str, EvidenceProposal], list[str]]:
    """The proposals of an open review (its pinned checklist, its 年度, the drills in STORE), and
    the drill records that could not be read."""
    state = session.state
    year = state.started.fiscal_year if state.started else fiscal_year(local_date(store.clock()))
    evidence = read_drill_evidence(store, session.checklist)
    return (propose(session.checklist, session.scale.id, year, evidence, [d.id for d in state.asked_dimensions()]),
            evidence.left_out)


def session_proposals(store: RecordStore, session: ReviewSession) -> dict[str, EvidenceProposal]:
    """The proposals of an open review, by item id."""
    return review_evidence(store, session)[0]


def proposal_lines(proposal: EvidenceProposal, scale: Scale, t: Translator) -> list[str]:
    """The proposal as the screen and plain mode show it: each drill result, then the suggestion."""
    lines = [f"- {finding_text(f, t)}" for f in proposal.findings]
    lines.append(t("review.evidence_suggested", rating=suggested_text(proposal, scale, t),
                   grade=grade_text(proposal.grade, t)))
    return lines


# ---------------------------------------------------------------- in words


def finding_text(finding: EvidenceFinding, t: Translator) -> str:
    """"safety-callin-drill s03 30分時点の回答率の集計: [v] 時間内に完了 / P 支障なく実施（訓練記録 …、2026-06-10）"."""
    link, result, lang = finding.link, finding.result, t.lang
    what = link.step or link.objective or ""
    name = f"{link.scenario} {what}".strip()
    if result is None:
        return t("review.evidence_no_drill", name=name)
    if result.title is not None:
        name += f" {result.title.get(lang)}"
    words = []
    if result.status is not None:
        words.append(status_label(result.status, t))
    if result.rating:
        words.append(rating_label(result.rating, t))
    outcome = " / ".join(words) or t("review.evidence_held")
    text = t("review.evidence_finding", name=name, outcome=outcome, record=result.record_id,
             date=result.held_on.isoformat())
    if not finding.in_year:
        text += " " + t("review.evidence_earlier_year")
    return text


def grade_text(grade: str | None, t: Translator) -> str:
    return t(f"review.evidence_grade_{grade}") if grade else t("review.evidence_grade_none")


def suggested_text(proposal: EvidenceProposal, scale: Scale, t: Translator) -> str:
    """The suggested rating in words ("整備状況: 対応済み"), or that none is suggested."""
    parts = []
    for dimension_id, code in proposal.suggested.items():
        dimension = scale.dimension(dimension_id)
        option = dimension.option(code) if dimension else None
        if dimension and option:
            parts.append(f"{dimension.label.get(t.lang)}: {option.label.get(t.lang)}")
    return " / ".join(parts) or t("review.evidence_no_suggestion")


def evidence_text(proposal: EvidenceProposal, t: Translator) -> str:
    """What accepting records as the item's evidence: one line per drill result."""
    return "\n".join(finding_text(f, t) for f in proposal.findings if f.result is not None)


def accept(session: ReviewSession, proposal: EvidenceProposal, t: Translator) -> list[object]:
    """The reviewer accepts the proposal: its suggested rating and its evidence text are recorded
    through the session (the evidence added under what the item already has). Returns the events."""
    written: list[object] = []
    for dimension, option in proposal.suggested.items():
        rated = session.rate(proposal.item_id, dimension, option)
        if rated is not None:
            written.append(rated)
    text = evidence_text(proposal, t)
    current = session.state.items[proposal.item_id].evidence
    if text and text not in current:
        recorded = session.record_evidence(proposal.item_id, f"{current}\n{text}" if current else text)
        if recorded is not None:
            written.append(recorded)
    return written
