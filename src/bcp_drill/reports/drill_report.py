"""The after-action report / improvement plan (AAR/IP) of one drill, as plain data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from bcp_drill.content.fields import text
from bcp_drill.content.models import System
from bcp_drill.drill.counts import (
    DrillSummary,
    NumberText,
    StepStatus,
    count_text,
    duration_text,
    elapsed_text,
    format_elapsed,
    format_local_minute,
    format_minutes,
    target_text,
)
from bcp_drill.drill.pinned import pinned_scenario
from bcp_drill.drill.state import DrillState
from bcp_drill.drill.view import DrillView, decision_results, inject_responses, repeat_counts, value_views
from bcp_drill.drill.wording import (
    TimelineLine,
    conditions_text,
    contribution_text,
    deputy_label,
    deputy_text,
    inject_time_text,
    repeat_summary_text,
    response_text,
    role_name,
    roles_text,
    status_label,
    system_history_text,
    target_label,
    threshold_text,
    timeline_lines,
    value_gate_state,
    value_text,
)
from bcp_drill.fiscal import fiscal_year, fiscal_year_label
from bcp_drill.followups.items import FollowUp
from bcp_drill.i18n import Translator
from bcp_drill.records import events as ev
from bcp_drill.records.values import ObservationKind
from bcp_drill.reports.drill_report_sources import REPORT_TREND_DRILLS, DrillReportSources, earlier_drills
from bcp_drill.reports.executive_summary import (
    RECURRING_SHOWN,
    ActionStatus,
    Comparison,
    ExecutiveSummary,
    action_counts,
    comparison,
    recurring_actions,
    result_text,
    top_points,
)
from bcp_drill.reports.trend import ScenarioTrend, recent_drills
from bcp_drill.wallclock import local_date

# The report's trend shows this many of the newest drills (this one the last) and says how
# many earlier ones there are: `bcp-drill trend SCENARIO` lists every drill. A report of a
# drill with 1,000 earlier drills stays as long as one with ten.


@dataclass
class ObjectiveLine:
    id: str
    title: str
    rating: str  # what stands: an evaluator's override, else the lowest of its steps; "-" if none
    derived: str  # the lowest rating of its steps (a step not done counts as U)
    decided_by: str  # the step that gave the derived rating, and how it counts
    override: str  # "" or the evaluator's override: rating, reason, who, when
    provisional: bool
    steps: list[str]  # every step of the objective and how it counts


@dataclass
class StepResult:
    phase: str
    step_id: str
    title: str
    role: str
    target: str  # T+h:mm, a target relative to what it waits for, or "no target" in words
    actual: str  # T+hh:mm:ss or ""
    late_minutes: int | None
    status: StepStatus
    rating: str
    reason: str
    checks_done: int
    checks_total: int
    notes: list[str]
    deputies: str = ""  # deputies who acted on it, and why
    gate: str = ""  # why a step that hangs on a measured value applies or not ("燃料残量 8時間（12時間未満）のため")
    target_seconds: int | None = None  # an absolute target (T+), for spreadsheets; relative or none: None
    actual_seconds: int | None = None
    disputed: bool = False  # consoles recorded different outcomes, not yet settled: the first stands


@dataclass
class DecisionLine:
    step: str
    option: str  # the option chosen, or "(none chosen)" in words
    decided_by: str  # who decided (the recorder when nobody else was named)
    decided_at: str  # T+hh:mm:ss or ""
    took: str  # time from when it could be decided, or ""
    result: str  # status mark and word, and the rating
    decided_at_seconds: int | None = None
    took_seconds: int | None = None


@dataclass
class SystemLine:
    name: str
    priority: str
    rto: str  # h:mm from T+0
    owner: str  # owner and vendor
    history: str  # each state with when it was recorded
    recovered_at: str  # T+h:mm or ""
    rto_result: str  # met / missed / not yet due / not recorded, in words
    recovery_order: NumberText | str = ""  # the plan's 復旧順位, or ""
    rpo: str | NumberText = ""  # h:mm of data that may be lost, or ""
    vendor_eta: NumberText | str = ""  # T+h:mm the vendor expects to recover it (marked when after the RTO), or ""


@dataclass
class ValueLine:
    step: str
    check: str
    value: str  # with its unit, and the flag in words when outside the threshold
    threshold: str
    flagged: bool
    at: str  # T+ when recorded, or ""


@dataclass
class OccurrenceLine:
    """One occurrence of a repeated step (定時報告 every 3 hours)."""

    step: str
    number: int
    due: str  # T+h:mm
    done: str  # T+hh:mm:ss, or ""
    result: str  # mark and word: on time, late, unable, due, missed
    rating: str
    note: str
    by: str


@dataclass
class InjectLine:
    inject_id: str
    planned: str
    given: str  # T+ or "not given" in words
    sender_recipient: str
    content: str
    expected: str
    response: str


@dataclass
class ObservationLine:
    """A strength or an area for improvement, HSEEP style."""

    kind: ObservationKind
    objective: str  # the objective's title, or "(no objective)" in words
    capability: str  # the capability element in words, or ""
    observation: str
    analysis: str
    recommendation: str
    by: str


@dataclass
class DeputyLine:
    """A deputy who acted (代行): on which step, for whom, who, when (T+ from T0) and why."""

    step: str
    role: str
    acted_for: str  # the holder's name as recorded, "" when it was not
    deputy: str  # "1. 情報政策課長補佐" (the place in the deputy order and its post or person)
    person: str
    at: str  # T+hh:mm:ss
    reason: str
    at_seconds: int = 0


@dataclass
class DrillReport:
    record_id: str
    organisation: str
    scenario_id: str
    scenario_title: str
    scenario_version: str
    scenario_sha256: str
    hazard: str
    summary_text: str
    drill_type: str
    place: str
    t0: datetime
    started_at: datetime
    ended_at: datetime | None
    fiscal_year_label: str
    duration: str
    participants: list[ev.Participant]
    recorders: list[str]
    objectives: list[ObjectiveLine]
    steps: list[StepResult]
    timeline: list[TimelineLine]
    summary: DrillSummary
    strengths: str
    improvements: str
    improvement_plan: list[FollowUp]
    trend: ScenarioTrend | None
    generated_at: datetime
    phase_titles: dict[str, str] = field(default_factory=dict)
    imported_from: str | None = None
    imported_by: str | None = None
    notes: list[str] = field(default_factory=list)  # notes on the drill as a whole (withdrawn ones left out)
    withdrawn_notes: int = 0
    conditions: str = ""  # the drill's condition values in words ("" when the scenario has none)
    decisions: list[DecisionLine] = field(default_factory=list)
    systems: list[SystemLine] = field(default_factory=list)
    values: list[ValueLine] = field(default_factory=list)
    injects: list[InjectLine] = field(default_factory=list)
    record_hash: str = ""  # SHA-256 of the journal's last line: matches a printed report to its record
    # What the report leaves out of the record, and why (a last event cut by a power loss...).
    record_notices: list[str] = field(default_factory=list)
    executive: ExecutiveSummary | None = None
    observations: list[ObservationLine] = field(default_factory=list)
    repeats: list[str] = field(default_factory=list)  # per repeated step: "定時報告 3 回中 2 回を時間内に（…）"
    occurrences: list[OccurrenceLine] = field(default_factory=list)
    deputies: list[DeputyLine] = field(default_factory=list)  # who acted for whom (代行), in the record's order
    unreachable: list[str] = field(default_factory=list)  # a call-in drill: found unreachable at set-up

    def observations_of(self, kind: str) -> list[ObservationLine]:
        return [o for o in self.observations if o.kind == kind]


def build_drill_report(sources: DrillReportSources, t: Translator, organisation: str = "",
                       now: datetime | None = None) -> DrillReport:
    """The report of the drill read into SOURCES (read_drill_report_sources); reads nothing itself."""
    lang = t.lang
    events = sources.contents.events
    started = events[0]
    scenario = pinned_scenario(started)
    state = DrillState.from_events(scenario, events)
    view = DrillView(state, events[-1].at)
    figures = view.figures
    hotwash = state.hotwash
    trend = sources.trend
    generated_at = now or sources.read_at
    executive = executive_summary(sources, started, figures, hotwash, state.observations, generated_at, t,
                                  ended=state.ended is not None, disputed=_disputed_text(state, t))
    return DrillReport(
        record_id=sources.record_id, organisation=organisation, scenario_id=scenario.id,
        scenario_title=scenario.title.get(lang), scenario_version=scenario.version,
        scenario_sha256=started.scenario_sha256, hazard=scenario.hazard.get(lang),
        summary_text=scenario.summary.get(lang), drill_type=t(f"drill_type.{started.drill_type}"),
        place=started.place, t0=started.t0, started_at=started.at,
        ended_at=state.ended.at if state.ended else None,
        fiscal_year_label=fiscal_year_label(fiscal_year(local_date(started.t0)), lang),
        duration=elapsed_text(figures.elapsed_seconds), participants=list(started.participants),
        recorders=sorted({e.by for e in events}), objectives=objective_lines(view, t),
        steps=_step_results(view, t), timeline=timeline_lines(state, events, t),
        summary=figures, strengths=hotwash.strengths if hotwash else "",
        improvements=hotwash.improvements if hotwash else "", improvement_plan=sources.improvement_plan,
        trend=recent_drills(trend, REPORT_TREND_DRILLS) if trend and len(trend.drills) > 1 else None,
        generated_at=generated_at,
        notes=[n.text for n in view.notes(None)],
        withdrawn_notes=sum(1 for n in state.notes if n.withdrawn is not None),
        phase_titles={p.id: p.title.get(lang) for p in scenario.phases},
        imported_from=started.imported_from, imported_by=started.imported_by,
        conditions=conditions_text(state, t) if scenario.conditions else "",
        decisions=_decision_lines(view, t), systems=_system_lines(view, t), values=_value_lines(state, t),
        injects=_inject_lines(view, t), record_hash=sources.contents.last_hash or "", executive=executive,
        observations=observation_lines(state, t), record_notices=[n.render(t) for n in sources.notices],
        repeats=[repeat_summary_text(c, t) for c in repeat_counts(state, view.elapsed)],
        occurrences=_occurrence_lines(view, t), deputies=_deputy_lines(state, t),
        unreachable=list(started.unreachable))


def _deputy_lines(state: DrillState, t: Translator) -> list[DeputyLine]:
    """Every deputy who acted, step by step in the scenario's order."""
    scenario, lines = state.scenario, []
    for step in scenario.steps:
        for acted in state.deputies.get(step.id, []):
            role = scenario.role(acted.role_id)
            label = deputy_label(scenario, role, acted.deputy, t) if role and acted.deputy <= role.deputy_count else "?"
            lines.append(DeputyLine(step.title.get(t.lang), role_name(scenario, acted.role_id, t), acted.acted_for,
                                    f"{acted.deputy}. {label}", acted.person,
                                    f"T+{format_elapsed(acted.elapsed_seconds)}", acted.reason,
                                    acted.elapsed_seconds))
    return lines


def _step_results(view: DrillView, t: Translator) -> list[StepResult]:
    """Each step as shown: target, actual time, outcome, checks, notes and deputies."""
    lang = t.lang
    state, scenario = view.state, view.state.scenario
    steps = []
    for shown in view.steps:
        step = shown.step
        phase = scenario.phase(step.phase)
        steps.append(StepResult(
            phase=phase.title.get(lang) if phase else step.phase, step_id=step.id, title=step.title.get(lang),
            role=roles_text(step, scenario, t), target=target_label(shown, t, scenario),
            actual=shown.actual_text, late_minutes=shown.late_minutes, status=shown.status,
            rating=shown.rating, reason=shown.reason, checks_done=shown.checks_done,
            checks_total=len(step.checks), notes=[n.text for n in view.notes(step.id)],
            deputies=deputy_text(state, step, t), gate=value_gate_state(state, step, t),
            target_seconds=step.target_minutes * 60
            if step.target_minutes is not None and not shown.counts_from_phase else None,
            actual_seconds=shown.record.elapsed_seconds, disputed=state.conflict(step.id) is not None))
    return steps


def objective_lines(view: DrillView, t: Translator) -> list[ObjectiveLine]:
    """Each objective's rating, how it was derived, and an evaluator's override."""
    lang = t.lang
    state, scenario = view.state, view.state.scenario
    objectives = []
    for result in view.objectives:
        objective = scenario.objective(result.objective_id)
        objectives.append(ObjectiveLine(
            result.objective_id, objective.title.get(lang) if objective else result.objective_id,
            result.rating, result.derived,
            contribution_text(result.decided_by, state, t) if result.decided_by else "-",
            _override_text(result.override, t),
            result.provisional, [contribution_text(c, state, t) for c in result.contributions]))
    return objectives


def _override_text(override: ev.ObjectiveRated | None, t: Translator) -> str:
    if override is None:
        return ""
    return t("objective.override_text", rating=override.rating or "-", reason=override.reason, by=override.by,
             at=format_local_minute(override.at))


def _decision_lines(view: DrillView, t: Translator) -> list[DecisionLine]:
    return [DecisionLine(
        d.step.title.get(t.lang), (d.option.title.get(t.lang) if d.option else "") or t("report.none_chosen"),
        d.decided_by or d.recorded_by,
        f"T+{format_elapsed(d.decided_at_seconds)}" if d.decided_at_seconds is not None else "",
        format_elapsed(d.took_seconds) if d.took_seconds is not None else "",
        status_label(d.status, t) + (f", {d.rating}" if d.rating else ""), d.decided_at_seconds, d.took_seconds)
        for d in decision_results(view)]


def _occurrence_lines(view: DrillView, t: Translator) -> list[OccurrenceLine]:
    """Every occurrence of every repeated step that applies, as counted (drill/view.py's rules)."""
    lines = []
    for count in repeat_counts(view.state, view.elapsed):
        for o in count.occurrences:
            done = o.recorded
            lines.append(OccurrenceLine(
                count.step.title.get(t.lang), o.number, f"T+{format_minutes(o.due_seconds // 60)}",
                f"T+{format_elapsed(done.elapsed_seconds)}" if done else "",
                f"{o.mark} {t('repeat.status_' + o.status)}", done.rating or "" if done else "",
                done.note if done else "", done.by if done else ""))
    return lines


def _system_lines(view: DrillView, t: Translator) -> list[SystemLine]:
    lang = t.lang
    return [SystemLine(
        s.system.name.get(lang), s.system.priority, duration_text(s.system.rto_minutes),
        " / ".join(x for x in (text(s.system.owner, lang), text(s.system.vendor, lang)) if x),
        system_history_text(s, t),
        f"T+{format_minutes(s.recovered_at // 60)}" if s.recovered_at is not None else "",
        t(f"rto_status.{s.rto_status}"),
        count_text(s.system.recovery_order) if s.system.recovery_order is not None else "",
        duration_text(s.system.rpo_minutes) if s.system.rpo_minutes is not None else "",
        _vendor_eta(s.system, t)) for s in view.systems]


def _vendor_eta(system: System, t: Translator) -> NumberText | str:
    """"T+12:00" (with the mark when after the RTO), a duration in a spreadsheet; "" when none is given."""
    if system.vendor_eta_minutes is None:
        return ""
    planned = target_text(system.vendor_eta_minutes)
    late = f" {t('annex.vendor_late')}" if system.vendor_late else ""
    return NumberText(planned + late, planned.number, planned.excel_format + (f'"{late}"' if late else ""))


def _value_lines(state: DrillState, t: Translator) -> list[ValueLine]:
    """Every measured value of the steps that apply under the drill's conditions."""
    lang = t.lang
    return [ValueLine(step.title.get(lang), v.check.get(lang), value_text(v, t), threshold_text(v.spec, t),
                      bool(v.flag), elapsed_text(v.recorded.elapsed_seconds) if v.recorded else "")
            for step in state.scenario.steps if state.applies(step) for v in value_views(state, step)]


def _inject_lines(view: DrillView, t: Translator) -> list[InjectLine]:
    lang = t.lang
    scenario = view.state.scenario

    def recipient(role_id: str) -> str:
        role = scenario.role(role_id)
        return role.title.get(lang) if role else role_id

    return [InjectLine(
        i.inject.id, inject_time_text(i.inject, scenario, t, view.state),
        elapsed_text(i.given_at, f" ({t('tui.manual')})" if i.manual else "")
        if i.given_at is not None else t("report.not_given"),
        f"{i.inject.sender.get(lang)} -> {recipient(i.inject.recipient)}", i.inject.content.get(lang),
        text(i.inject.expected_action, lang), response_text(i, t)) for i in inject_responses(view)]


def observation_lines(state: DrillState, t: Translator) -> list[ObservationLine]:
    """The strengths and areas for improvement recorded, each under its objective."""
    lang = t.lang
    observations = []
    for seen in state.observations:
        objective = state.scenario.objective(seen.objective_id) if seen.objective_id else None
        observations.append(ObservationLine(
            seen.kind, objective.title.get(lang) if objective else (seen.objective_id or t("report.no_objective")),
            t(f"capability.{seen.capability}") if seen.capability else "", seen.observation, seen.analysis,
            seen.recommendation, seen.by))
    return observations


def executive_summary(sources: DrillReportSources, started: ev.DrillStarted, figures: DrillSummary,
                      hotwash: ev.HotwashRecorded | None, observations: list[ev.ObservationRecorded],
                      now: datetime, t: Translator, ended: bool = True, disputed: str = "") -> ExecutiveSummary:
    """The summary page: this drill in a paragraph, its main points, and how it compares with the
    drill before it (from the earlier drills read into SOURCES)."""
    plan = sources.improvement_plan

    def observed(kind: str) -> str:
        # An observation's first line stands for it; written observations come before the hotwash notes.
        return "".join(o.observation.splitlines()[0] + "\n" for o in observations if o.kind == kind)

    today = local_date(now)
    compared, previous_actions = _compared_with_previous(sources, figures, today, t)
    recurring = recurring_actions(plan, sources.earlier_followups, today)
    return ExecutiveSummary(
        paragraph=_executive_paragraph(started, figures, t, ended),
        result=result_text(figures.overall, figures.problems, t) + (f" {disputed}" if disputed else ""),
        comparison=compared,
        strengths=top_points(observed("strength") + (hotwash.strengths if hotwash else "")),
        improvements=top_points(observed("improvement") + (hotwash.improvements if hotwash else "")),
        high_priority=[ActionStatus(f, f.overdue(today)) for f in plan
                       if f.priority == "high" and f.status != "dropped"],
        previous_actions=previous_actions, previous_counts=action_counts(previous_actions),
        recurring=recurring[-RECURRING_SHOWN:], recurring_not_shown=max(0, len(recurring) - RECURRING_SHOWN))


def _disputed_text(state: DrillState, t: Translator) -> str:
    """The steps consoles recorded different outcomes for, not yet settled by the lead ("" when none)."""
    steps = [c.step_id for c in state.conflicts if c.settled is None]
    if not steps:
        return ""
    titles = [state.steps[step_id].step.title.get(t.lang) for step_id in dict.fromkeys(steps)]
    return t("report.exec_disputed", steps=("、" if t.lang == "ja" else ", ").join(titles))


def _executive_paragraph(started: ev.DrillStarted, figures: DrillSummary, t: Translator, ended: bool) -> str:
    """What was drilled, when, for how long (or that it is still under way), where and by whom
    (the first six names)."""
    lang = t.lang
    scenario = pinned_scenario(started)
    names = [p.name for p in started.participants]
    shown_names = "、".join(names[:6]) if lang == "ja" else ", ".join(names[:6])
    if len(names) > 6:
        shown_names += t("report.exec_and_more", count=len(names) - 6)
    return t("report.exec_paragraph" if ended else "report.exec_paragraph_under_way", scenario=scenario.title.get(lang),
             type=t(f"drill_type.{started.drill_type}"),
             date=format_local_minute(started.at),
             duration=format_elapsed(figures.elapsed_seconds),
             place=started.place or "-", count=len(names), names=shown_names or "-")


def _compared_with_previous(sources: DrillReportSources, figures: DrillSummary, today: date,
                            t: Translator) -> tuple[Comparison | None, list[ActionStatus]]:
    """This drill against the one before it, and the previous drill's actions as they stand today."""
    earlier = earlier_drills(sources.trend, sources.record_id)
    if not earlier or sources.trend is None:
        return None, []
    previous_id, previous_at = earlier[-1]
    compared = comparison(previous_id, previous_at, sources.trend.figures[len(earlier) - 1], figures, t)
    return compared, [ActionStatus(f, f.overdue(today)) for f in sources.earlier_followups
                      if f.record_id == previous_id]
