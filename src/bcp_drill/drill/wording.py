"""The drill read model in words: every text a screen, plain mode or a report prints about a drill.

drill/view.py holds the facts (statuses, figures, ratings, the timeline as data); this module
phrases them with a Translator and decides nothing of its own.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bcp_drill.content.models import CheckItem, Inject, Reference, Role, Scenario, Step, ValueSpec
from bcp_drill.drill.counts import StepStatus, format_elapsed, format_local_minute, format_minutes, target_text
from bcp_drill.drill.ratings import rating_option
from bcp_drill.drill.state import DrillState
from bcp_drill.drill.view import (
    SYSTEM_MARKS,
    Contribution,
    DrillView,
    InjectResponse,
    StepView,
    SystemView,
    TimelineEntry,
    ValueView,
    timeline,
)
from bcp_drill.i18n import Lang, Translator
from bcp_drill.records import events as ev


def status_word(status: StepStatus, t: Translator) -> str:
    return t(f"status.{status.value}")


def status_label(status: StepStatus, t: Translator) -> str:
    """The mark and the word together, so no meaning rests on colour or on the mark alone."""
    return f"{status.mark} {status_word(status, t)}"


def rating_label(rating: str, t: Translator) -> str:
    option = rating_option(rating)
    return option.label.get(t.lang) if option else rating or "-"


# ---------------------------------------------------------------- one step


def target_words(step: Step, t: Translator) -> str:
    """A step's target as the scenario states it: "T+0:45", "s3 の後 0:30 以内", "目標なし"."""
    if step.target_minutes is not None:
        return f"T+{format_minutes(step.target_minutes)}"
    if step.target_after_minutes is not None:
        waits_for = ", ".join([*step.after, *step.after_injects]) or t("tui.decision")
        return t("target.after", minutes=format_minutes(step.target_after_minutes), waits_for=waits_for)
    return t("target.none")


def target_label(shown: StepView, t: Translator) -> str:
    """The target in words: "T+0:45", "s3 の後 0:30 以内 (T+1:15)", "目標なし"."""
    text = target_words(shown.step, t)
    if shown.step.target_minutes is None and shown.deadline_seconds is not None:
        text += f" (T+{format_minutes(shown.deadline_seconds // 60)})"
    return text


def inject_time_text(inject: Inject, scenario: Scenario, t: Translator) -> str:
    """When an inject is planned: "T+0:05", "when a decision chooses it", or "by hand"."""
    if inject.contingency:
        planned = f"T+{format_minutes(inject.at_minutes)} " if inject.at_minutes is not None else ""
        return planned + t("inject_time.contingency")
    if inject.at_minutes is not None:
        return target_text(inject.at_minutes)
    return t("inject_time.on_decision") if scenario.triggered(inject.id) else t("inject_time.by_hand")


def when_text(item: Step | Inject, scenario: Scenario, t: Translator) -> str:
    """The conditions a step or inject applies under, in words: "発生時間帯: 時間外・夜間・休日"."""
    parts = []
    for condition_id, values in item.when.items():
        condition = scenario.condition(condition_id)
        if condition is None:
            continue
        names = [(v.title.get(t.lang) if (v := condition.value(value)) else value) for value in values]
        parts.append(f"{condition.title.get(t.lang)}: {' / '.join(names)}")
    return "; ".join(parts)


def decision_gate_text(step: Step, scenario: Scenario, t: Translator) -> str:
    """Which decisions a step hangs on: "「場所を決める」で 代替拠点へ移る を選んだとき"."""
    parts = []
    for decision in scenario.deciding(step.id):
        title = decision.title.get(t.lang)
        enabling = [o.title.get(t.lang) for o in decision.options if step.id in o.enables]
        skipping = [o.title.get(t.lang) for o in decision.options if step.id in o.skips]
        if enabling:
            parts.append(t("decision.enabled_by", decision=title, options=" / ".join(enabling)))
        if skipping:
            parts.append(t("decision.skipped_by", decision=title, options=" / ".join(skipping)))
    return "; ".join(parts)


def role_name(scenario: Scenario, role_id: str, t: Translator) -> str:
    """"ICT部門責任者（情報システム班）": the role and its team."""
    role = scenario.role(role_id)
    if role is None:
        return role_id
    team = scenario.team(role.team) if role.team else None
    return role.title.get(t.lang) + (f" ({team.title.get(t.lang)})" if team else "")


def roles_text(step: Step, scenario: Scenario, t: Translator) -> str:
    """The lead role, then the others taking part: "ICT部門責任者 + 情報政策課職員"."""
    return " + ".join(role_name(scenario, role_id, t) for role_id in step.all_roles)


def deputy_order_text(scenario: Scenario, role_id: str, t: Translator) -> str:
    """"1. 課長補佐 2. 係長" ("" when the role names no deputies)."""
    role = scenario.role(role_id)
    return " ".join(f"{n}. {d.get(t.lang)}" for n, d in enumerate(role.deputies, 1)) if role else ""


def _deputy_name(role: Role | None, number: int, lang: Lang) -> str:
    """The role's deputy at NUMBER in its order (1: the first), "?" when the role names none there."""
    return role.deputies[number - 1].get(lang) if role and number <= len(role.deputies) else "?"


def deputy_text(state: DrillState, step: Step, t: Translator) -> str:
    """Deputies who acted on the step: "代行: ICT部門責任者 → 第1代行 課長補佐（山田）: 連絡がつかない"."""
    parts = []
    for acted in state.deputies.get(step.id, []):
        role = state.scenario.role(acted.role_id)
        deputy = _deputy_name(role, acted.deputy, t.lang)
        who = f" ({acted.person})" if acted.person else ""
        parts.append(t("deputy.acted", role=role.title.get(t.lang) if role else acted.role_id, number=acted.deputy,
                       deputy=deputy, person=who, reason=acted.reason))
    return "; ".join(parts)


def reference_text(reference: Reference, t: Translator) -> str:
    """"ICT-BCP 初動版（第3章2） https://…" — a reference on one line."""
    parts = [reference.title.get(t.lang)]
    if reference.clause:
        clause = reference.clause.get(t.lang)
        parts[0] += f"（{clause}）" if t.lang == "ja" else f" ({clause})"
    if reference.link:
        parts.append(reference.link)
    return " ".join(parts)


def _condition_pairs(state: DrillState, t: Translator) -> list[tuple[str, str]]:
    """(condition title, the value the drill plays) for every condition of the scenario."""
    pairs = []
    for condition in state.scenario.conditions:
        value_id = state.conditions.get(condition.id)
        value = condition.value(value_id) if value_id else None
        pairs.append((condition.title.get(t.lang), value.title.get(t.lang) if value else (value_id or "-")))
    return pairs


def condition_values_text(state: DrillState, t: Translator) -> str:
    """Only the values the drill plays, for a narrow line: "時間外・夜間・休日 / 6強"."""
    return " / ".join(value for _, value in _condition_pairs(state, t))


def conditions_text(state: DrillState, t: Translator) -> str:
    """The drill's condition values in words: "発生時間帯: 時間外; 震度: 6強"."""
    return "; ".join(f"{title}: {value}" for title, value in _condition_pairs(state, t))


def step_plan_lines(view: DrillView, step: Step, t: Translator) -> list[tuple[str, str]]:
    """(label, text) lines of what the plan says about a step beyond its title and target:
    roles and deputies, the conditions and decisions it hangs on, what it waits for, where,
    and references. The runner's detail and plain mode print the same lines."""
    scenario, lines = view.state.scenario, []
    lines.append((t("tui.role"), roles_text(step, scenario, t)))
    for role_id in step.all_roles:
        order = deputy_order_text(scenario, role_id, t)
        if order:
            lines.append((f"{t('tui.deputies')} ({role_name(scenario, role_id, t)})", order))
    for label, text in ((t("tui.deputy_acted"), deputy_text(view.state, step, t)),
                        (t("tui.applies_when"), when_text(step, scenario, t)),
                        (t("tui.applies_when"), decision_gate_text(step, scenario, t)),
                        (t("tui.waits_for"), waits_text(view, step, t))):
        if text:
            lines.append((label, text))
    location = scenario.location(step.location) if step.location else None
    if location is not None:
        lines.append((t("annex.step_location"), location.name.get(t.lang)))
    lines += [(t("annex.step_references"), reference_text(reference, t)) for reference in step.references]
    return lines


def waits_text(view: DrillView, step: Step, t: Translator) -> str:
    """What a step waits for, each with where it stands: "s3 サーバー室の確認 [v]; i4 停電復旧 (未)"."""
    parts = []
    for decision in view.state.scenario.enabling(step.id):
        parts.append(f"{t('tui.decision')} {decision.title.get(t.lang)} {view.step(decision.id).status.mark}")
    for other_id in step.after:
        other = view.state.scenario.step(other_id)
        if other is not None:
            parts.append(f"{other.title.get(t.lang)} {view.step(other_id).status.mark}")
    for inject_id in step.after_injects:
        inject = view.state.scenario.inject(inject_id)
        if inject is not None:
            given = t("tui.inject_given") if inject_id in view.state.delivered else t("tui.inject_not_given")
            parts.append(f"{t('ref_kind.inject')} {inject_id} ({given})")
    return "; ".join(parts)


# ---------------------------------------------------------------- measured values


def _number_text(value: float) -> str:
    return f"{value:g}"


def _unit_text(spec: ValueSpec, t: Translator) -> str:
    return "%" if spec.kind == "percent" else (spec.unit.get(t.lang) if spec.unit else "")


def threshold_text(spec: ValueSpec, t: Translator) -> str:
    """"下限 30分", "上限 60分", "30〜60分" ("" when there is no threshold)."""
    unit = _unit_text(spec, t)
    if spec.min is not None and spec.max is not None:
        return t("value.between", min=_number_text(spec.min), max=_number_text(spec.max), unit=unit)
    if spec.min is not None:
        return t("value.at_least", min=_number_text(spec.min), unit=unit)
    if spec.max is not None:
        return t("value.at_most", max=_number_text(spec.max), unit=unit)
    return ""


def value_text(shown: ValueView, t: Translator) -> str:
    """"25分 (!) 下限 30分 を下回る", or "-" when nothing was recorded."""
    if shown.recorded is None:
        return "-"
    text = shown.recorded.text
    number = shown.recorded.number
    unit = _unit_text(shown.spec, t)
    typed = unicodedata.normalize("NFKC", text).replace(" ", "")
    if number is not None and typed == _number_text(number):
        text += unit  # "25" typed: shown with its unit
    elif number is not None and typed not in (_number_text(number) + unit.replace(" ", ""),
                                              _number_text(number) + "%"):
        text += f" (= {_number_text(number)}{unit})"  # "1時間30分" or "9割": the number it was read as
    if shown.flag:
        text += f" (!) {t('value.' + shown.flag, threshold=threshold_text(shown.spec, t))}"
    return text


def value_blank(check: CheckItem, t: Translator) -> str:
    """Where a value is written on paper: " = ______分 [下限 30分]" ("" for a plain check)."""
    spec = check.value
    if spec is None:
        return ""
    unit = _unit_text(spec, t)
    threshold = threshold_text(spec, t)
    return f" = ______{unit}" + (f" [{threshold}]" if threshold else "")


def check_text(state: DrillState, step: Step, index: int, t: Translator) -> str:
    """A check item's text, and for one that takes a value: "= 25分 (!) 下限 30分 を下回る"."""
    check = step.checks[index]
    line = check.get(t.lang)
    if check.value is not None:
        shown = ValueView(step, index, check, state.values.get((step.id, index)))
        threshold = threshold_text(check.value, t)
        line += f" = {value_text(shown, t)}" + (f" [{threshold}]" if threshold and not shown.flag else "")
    return line


# ---------------------------------------------------------------- injects and responses


def response_text(item: InjectResponse, t: Translator) -> str:
    """"サーバー室の確認: [v] 時間内に完了 P（付与から 0:12）" per step, or a note that none was named."""
    if not item.responses:
        return t("report.no_response_steps")
    parts = []
    for shown, after in item.responses:
        text = f"{shown.step.title.get(t.lang)}: {status_label(shown.status, t)}"
        if shown.rating:
            text += f" {shown.rating}"
        if after is not None and after >= 0:
            text += f" ({t('report.after_inject', time=format_elapsed(after))})"
        parts.append(text)
    return "; ".join(parts)


# ---------------------------------------------------------------- systems


def system_state_label(state: str, t: Translator) -> str:
    return f"{SYSTEM_MARKS[state]} {t('system_state.' + state)}"


def system_line(view: SystemView, t: Translator) -> str:
    """One system in a list: "[X] A 基幹系システム: 停止 / RTO 4:00 期限前（残り 1:20）"."""
    rto = f"RTO {format_minutes(view.system.rto_minutes)} {t('rto_status.' + view.rto_status)}"
    if view.remaining_seconds is not None:
        rto += t("tui.rto_remaining", time=format_minutes(view.remaining_seconds // 60))
    return (f"{view.mark} {view.system.priority} {view.system.name.get(t.lang)}: "
            f"{t('system_state.' + view.state)} / {rto}")


def system_history_text(view: SystemView, t: Translator) -> str:
    """"T+0:05 [X] 停止 -> T+1:20 [A] 代替稼働" — each state with when it was recorded."""
    return " -> ".join(f"T+{format_minutes(e.elapsed_seconds // 60)} {system_state_label(e.state, t)}"
                       + (f" ({e.note})" if e.note else "") for e in view.history) or "-"


# ---------------------------------------------------------------- objectives


def contribution_text(contribution: Contribution, state: DrillState, t: Translator) -> str:
    """"s3 サーバー室の確認: U（未実施）" — a step and how it counts."""
    step = state.scenario.step(contribution.step_id)
    title = step.title.get(t.lang) if step else contribution.step_id
    basis = t(f"objective.basis_{contribution.basis}")
    rating = contribution.rating or "-"
    return f"{title}: {rating} ({basis})"


# ---------------------------------------------------------------- the drill


def systems_summary(view: DrillView, t: Translator) -> str:
    """"システム: 停止2 代替1 RTO未達1" — only the counts that are not zero ("" when none is)."""
    parts = [t(f"tui.systems_{key}", count=count) for key, count in view.system_counts.items() if count]
    return f"{t('tui.systems_label')}: {' '.join(parts)}" if parts else ""


def progress_text(view: DrillView, t: Translator) -> str:
    """"実施 3/16（未実施 1・省略 0・未着手 12）": done counts only steps done."""
    counts = view.figures.overall
    return t("progress.steps", done=counts.done, total=counts.total, not_done=counts.not_done,
             skipped=counts.skipped, open=counts.pending)


# ---------------------------------------------------------------- outcomes and conflicts


def outcome_words(event: Any, t: Translator) -> str:
    """One recorded outcome in words: its rating, or not done / skipped with the reason."""
    if isinstance(event, ev.StepNotDone):
        return f"{t('status.skipped' if event.skipped else 'status.not_done')}: {event.reason}"
    option = f" ({event.option_id})" if isinstance(event, ev.DecisionMade) else ""
    return f"{rating_label(event.rating, t)}{option}"


def conflict_choices(conflict: Any, t: Translator) -> list[str]:
    """Each outcome of a conflict between consoles, numbered from 1, with who recorded it when."""
    return [f"{n}. {o.by}: {outcome_words(o, t)}  T+{format_elapsed(o.elapsed_seconds)}"
            for n, o in enumerate(conflict.outcomes, 1)]


# ---------------------------------------------------------------- the timeline


@dataclass(frozen=True)
class TimelineLine:
    """A timeline entry in words: what the reports, the runner's log and plain mode print."""

    entry: TimelineEntry
    text: str
    correction: str  # who withdrew or corrected it, when and why; or that consoles disagree on it

    @property
    def kind(self) -> str:
        return self.entry.kind

    @property
    def elapsed_seconds(self) -> int:
        return self.entry.elapsed_seconds

    @property
    def at(self) -> datetime:
        return self.entry.at

    @property
    def by(self) -> str:
        return self.entry.by

    @property
    def seq(self) -> int:
        return self.entry.seq

    @property
    def console(self) -> str | None:
        return self.entry.console

    @property
    def ref(self) -> str:
        return self.entry.ref

    @property
    def struck(self) -> bool:
        return self.entry.struck


def _step_of(scenario: Scenario, step_id: str | None) -> Step | None:
    return scenario.step(step_id) if step_id else None


def _step_title(scenario: Scenario, step_id: str | None, t: Translator) -> str:
    step = _step_of(scenario, step_id)
    return step.title.get(t.lang) if step else "-"


def _inject_entry(event: ev.InjectDelivered, state: DrillState, t: Translator) -> str:
    inject = state.scenario.inject(event.inject_id)
    assert inject is not None  # the timeline leaves out injects its scenario does not have
    return t("report.tl_inject", id=inject.id, sender=inject.sender.get(t.lang), content=inject.content.get(t.lang))


def _decision_entry(event: ev.DecisionMade, state: DrillState, t: Translator) -> str:
    step = _step_of(state.scenario, event.step_id)
    option = step.option(event.option_id) if step else None
    return t("report.tl_decision", step=_step_title(state.scenario, event.step_id, t), rating=event.rating,
             option=option.title.get(t.lang) if option else event.option_id, who=event.decided_by or event.by)


def _step_entry(event: ev.StepCompleted, state: DrillState, t: Translator) -> str:
    step = _step_of(state.scenario, event.step_id)
    target = target_label(DrillView(state, event.at).step(step.id), t) if step else "-"
    return t("report.tl_step", step=_step_title(state.scenario, event.step_id, t), rating=event.rating,
             target=target)


def _not_done_entry(event: ev.StepNotDone, state: DrillState, t: Translator) -> str:
    key = "report.tl_skipped" if event.skipped else "report.tl_not_done"
    return t(key, step=_step_title(state.scenario, event.step_id, t), reason=event.reason)


def _reopen_entry(event: ev.StepReopened, state: DrillState, t: Translator) -> str:
    return t("report.tl_reopened", step=_step_title(state.scenario, event.step_id, t))


def _note_entry(event: ev.NoteAdded, state: DrillState, t: Translator) -> str:
    where = _step_title(state.scenario, event.step_id, t) if event.step_id else t("tui.drill_note_short")
    return t("report.tl_note", step=where, text=event.text)


def _note_withdrawn_entry(event: ev.NoteRetracted, state: DrillState, t: Translator) -> str:
    return t("report.tl_note_withdrawn", seq=event.note_seq)


def _deputy_entry(event: ev.DeputyActed, state: DrillState, t: Translator) -> str:
    deputy = _deputy_name(state.scenario.role(event.role_id), event.deputy, t.lang)
    return t("report.tl_deputy", step=_step_title(state.scenario, event.step_id, t), number=event.deputy,
             deputy=deputy, reason=event.reason)


def _value_entry(event: ev.ValueRecorded, state: DrillState, t: Translator) -> str:
    step = _step_of(state.scenario, event.step_id)
    check = step.checks[event.check_index] if step and event.check_index < len(step.checks) else None
    shown = value_text(ValueView(step, event.check_index, check, event), t) \
        if step and check and check.value else event.text
    return t("report.tl_value", step=_step_title(state.scenario, event.step_id, t),
             check=check.get(t.lang) if check else event.check_index + 1, value=shown)


def _system_entry(event: ev.SystemStateRecorded, state: DrillState, t: Translator) -> str:
    system = state.scenario.system(event.system_id)
    name = system.name.get(t.lang) if system else event.system_id
    text = t("report.tl_system", system=name, state=system_state_label(event.state, t))
    return f"{text}: {event.note}" if event.note else text


def _problem_entry(event: ev.ProblemRaised, state: DrillState, t: Translator) -> str:
    return t("report.tl_problem", id=event.problem_id, title=event.title)


def _objective_entry(event: ev.ObjectiveRated, state: DrillState, t: Translator) -> str:
    objective = state.scenario.objective(event.objective_id)
    title = objective.title.get(t.lang) if objective else event.objective_id
    key = "report.tl_objective" if event.rating else "report.tl_objective_cleared"
    return t(key, objective=title, rating=event.rating or "-", reason=event.reason)


def _console_entry(event: ev.ConsoleJoined, state: DrillState, t: Translator) -> str:
    return t("report.tl_console_joined", console=event.console, role=t(f"console_role.{event.role}"),
             who=f"{event.by}@{event.host}", offset=f"{event.clock_offset_seconds:+.0f}")


def _settled_entry(event: ev.ConflictSettled, state: DrillState, t: Translator) -> str:
    chosen_ref = f"{event.chosen_console}:{event.chosen_seq}" if event.chosen_console else str(event.chosen_seq)
    return t("report.tl_conflict_settled", step=_step_title(state.scenario, event.step_id, t), chosen=chosen_ref,
             reason=event.reason or "-")


def _observation_entry(event: ev.ObservationRecorded, state: DrillState, t: Translator) -> str:
    return t(f"report.tl_observation_{event.kind}", text=event.observation)


def _pause_entry(event: ev.ClockPaused, state: DrillState, t: Translator) -> str:
    return t("report.tl_pause")


def _resume_entry(event: ev.ClockResumed, state: DrillState, t: Translator) -> str:
    return t("report.tl_resume")


def _advance_entry(event: ev.ClockAdvanced, state: DrillState, t: Translator) -> str:
    return t("report.tl_advance", to=format_elapsed(event.to_seconds))


def _end_entry(event: ev.DrillEnded, state: DrillState, t: Translator) -> str:
    return t("report.tl_end")


# One small function per entry kind (drill/view.py's TIMELINE_KINDS), each given the kind's event.
_ENTRY_TEXTS: dict[str, Callable[[Any, DrillState, Translator], str]] = {
    "inject": _inject_entry, "decision": _decision_entry, "step": _step_entry, "not_done": _not_done_entry,
    "reopen": _reopen_entry, "note": _note_entry, "note_withdrawn": _note_withdrawn_entry,
    "deputy": _deputy_entry, "value": _value_entry, "system": _system_entry, "problem": _problem_entry,
    "objective": _objective_entry, "console": _console_entry, "settled": _settled_entry,
    "observation": _observation_entry, "pause": _pause_entry, "resume": _resume_entry,
    "advance": _advance_entry, "end": _end_entry,
}


def _correction_words(entry: TimelineEntry, t: Translator) -> str:
    """Who withdrew or corrected the entry, when (and why, for a note); or that consoles disagree on it."""
    later = entry.corrected_by
    if later is None:
        return t("report.tl_conflict") if entry.in_conflict else ""
    key = "report.tl_withdrawn" if isinstance(later, ev.NoteRetracted) else "report.tl_corrected"
    seq = f"{later.console}:{later.seq}" if later.console else later.seq
    text = t(key, seq=seq, by=later.by, at=format_local_minute(later.at))
    reason = later.reason if isinstance(later, ev.NoteRetracted) else ""
    return f"{text}: {reason}" if reason else text


def timeline_lines(state: DrillState, events: list, t: Translator) -> list[TimelineLine]:
    """Every event of the drill in order, in words, with corrected outcomes and withdrawn notes marked."""
    return [TimelineLine(entry, _ENTRY_TEXTS[entry.kind](entry.event, state, t), _correction_words(entry, t))
            for entry in timeline(state, events)]
