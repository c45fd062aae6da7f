"""The one read model of a drill: every derived fact a screen, plain mode or a report shows.

The TUI, plain mode and the report builders call this module; none of them counts steps,
rates objectives, formats a percentage or decides what a correction hides on its own.

The counting rules it applies are stated once, for people, in the README ("How a drill is
counted"); the on-time rule printed under every figures table is the catalog's
`figures.on_time_rule`. The tests in tests/drill hold this module to them.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any

from bcp_drill.content.models import (
    CheckItem,
    Inject,
    Reference,
    Scenario,
    Step,
    System,
    ValueSpec,
)
from bcp_drill.drill.counts import (
    RATING_ORDER,
    RATINGS,
    DrillSummary,
    StepCounts,
    StepStatus,
    format_elapsed,
    format_local_minute,
    format_minutes,
    target_text,
)
from bcp_drill.drill.state import DrillState, Note, StepRecord
from bcp_drill.i18n import Lang, Translator
from bcp_drill.records import events as ev
from bcp_drill.records.values import RECOVERED_STATES


def status_word(status: StepStatus, t: Translator) -> str:
    return t(f"status.{status.value}")


def status_label(status: StepStatus, t: Translator) -> str:
    """The mark and the word together, so no meaning rests on colour or on the mark alone."""
    return f"{status.mark} {status_word(status, t)}"


def rating_label(rating: str, t: Translator) -> str:
    return t(f"rating.{rating}") if rating in RATINGS else rating or "-"


def summarize(state: DrillState, now: datetime) -> DrillSummary:
    overall = StepCounts()
    per_phase = {p.id: StepCounts() for p in state.scenario.phases}
    elapsed = state.elapsed_seconds(now)
    for record in state.steps.values():
        status = state.step_status(record, elapsed)
        timed = state.deadline_seconds(record.step) is not None
        overall.add(status, record.rating, timed)
        per_phase[record.step.phase].add(status, record.rating, timed)
    return DrillSummary(
        overall=overall, phases=list(per_phase.items()), elapsed_seconds=elapsed,
        injects_delivered=len(state.delivered), injects_total=len(state.scenario.injects),
        problems=len(state.problems))


# ---------------------------------------------------------------- one step


@dataclass(frozen=True)
class StepView:
    """One step as every screen and report shows it."""

    step: Step
    record: StepRecord
    status: StepStatus
    deadline_seconds: int | None = None  # the target as drill time, when it has one
    late_seconds: int = 0

    @property
    def rating(self) -> str:
        return self.record.rating or ""

    @property
    def target_short(self) -> str:
        """The target in a narrow column: "0:45" (T+), "+0:30" (after what it waits for), "-" (none)."""
        if self.step.target_minutes is not None:
            return format_minutes(self.step.target_minutes)
        if self.step.target_after_minutes is not None:
            return "+" + format_minutes(self.step.target_after_minutes)
        return "-"

    def target_label(self, t: Translator) -> str:
        """The target in words: "T+0:45", "s3 の後 0:30 以内 (T+1:15)", "目標なし"."""
        text = target_words(self.step, t)
        if self.step.target_minutes is None and self.deadline_seconds is not None:
            text += f" (T+{format_minutes(self.deadline_seconds // 60)})"
        return text

    @property
    def actual_text(self) -> str:
        """When the outcome was recorded (done, U, not done or skipped), as T+."""
        seconds = self.record.elapsed_seconds
        return "" if seconds is None else f"T+{format_elapsed(seconds)}"

    @property
    def late_minutes(self) -> int | None:
        """Whole minutes past the target (rounded up) for a step done; None otherwise."""
        if not self.status.done:
            return None
        return (self.late_seconds + 59) // 60

    @property
    def checks_done(self) -> int:
        return len(self.record.checks)

    @property
    def reason(self) -> str:
        return self.record.reason


def target_words(step: Step, t: Translator) -> str:
    """A step's target as the scenario states it: "T+0:45", "s3 の後 0:30 以内", "目標なし"."""
    if step.target_minutes is not None:
        return f"T+{format_minutes(step.target_minutes)}"
    if step.target_after_minutes is not None:
        waits_for = ", ".join([*step.after, *step.after_injects]) or t("tui.decision")
        return t("target.after", minutes=format_minutes(step.target_after_minutes), waits_for=waits_for)
    return t("target.none")


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


def deputy_text(state: DrillState, step: Step, t: Translator) -> str:
    """Deputies who acted on the step: "代行: ICT部門責任者 → 第1代行 課長補佐（山田）: 連絡がつかない"."""
    parts = []
    for acted in state.deputies.get(step.id, []):
        role = state.scenario.role(acted.role_id)
        deputy = role.deputies[acted.deputy - 1].get(t.lang) if role and acted.deputy <= len(role.deputies) else "?"
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


def step_plan_lines(view: "DrillView", step: Step, t: Translator) -> list[tuple[str, str]]:
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


def waits_text(view: "DrillView", step: Step, t: Translator) -> str:
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


@dataclass(frozen=True)
class DecisionResult:
    """A decision step as a report shows it: what was chosen, by whom, when, how long it took."""

    step: Step
    option_title: str  # "" when no option was chosen
    decided_by: str
    recorded_by: str
    decided_at_seconds: int | None
    possible_since_seconds: int | None  # from when it could be decided
    status: StepStatus
    rating: str

    @property
    def took_seconds(self) -> int | None:
        """Time taken to decide, from when the decision became possible."""
        if self.decided_at_seconds is None or self.possible_since_seconds is None:
            return None
        return max(0, self.decided_at_seconds - self.possible_since_seconds)


def decision_results(view: "DrillView", lang: Lang) -> list[DecisionResult]:
    results = []
    for step in view.state.scenario.steps:
        if not step.is_decision:
            continue
        shown = view.step(step.id)
        made = shown.record.decision
        option = step.option(made.option_id) if made else None
        results.append(DecisionResult(
            step, option.title.get(lang) if option else "", made.decided_by if made else "",
            made.by if made else "", made.elapsed_seconds if made else None,
            view.state.possible_since(step), shown.status, shown.rating))
    return results


# ---------------------------------------------------------------- measured values


def _number_text(value: float) -> str:
    return f"{value:g}"


def threshold_text(spec: ValueSpec, t: Translator) -> str:
    """"下限 30分", "上限 60分", "30〜60分" ("" when there is no threshold)."""
    unit = "%" if spec.kind == "percent" else (spec.unit.get(t.lang) if spec.unit else "")
    if spec.min is not None and spec.max is not None:
        return t("value.between", min=_number_text(spec.min), max=_number_text(spec.max), unit=unit)
    if spec.min is not None:
        return t("value.at_least", min=_number_text(spec.min), unit=unit)
    if spec.max is not None:
        return t("value.at_most", max=_number_text(spec.max), unit=unit)
    return ""


@dataclass(frozen=True)
class ValueView:
    """A check item that takes a value, with the value recorded for it (if any)."""

    step: Step
    index: int  # of the check in the step, from 0
    check: CheckItem
    recorded: ev.ValueRecorded | None

    @property
    def spec(self) -> ValueSpec:
        assert self.check.value is not None
        return self.check.value

    @property
    def flag(self) -> str:
        """"below" or "above" its threshold, else ""."""
        number = self.recorded.number if self.recorded else None
        if number is None:
            return ""
        if self.spec.min is not None and number < self.spec.min:
            return "below"
        if self.spec.max is not None and number > self.spec.max:
            return "above"
        return ""

    def value_text(self, t: Translator) -> str:
        """"25分 (!) 下限 30分 を下回る", or "-" when nothing was recorded."""
        if self.recorded is None:
            return "-"
        text = self.recorded.text
        number = self.recorded.number
        unit = "%" if self.spec.kind == "percent" else self.spec.unit.get(t.lang) if self.spec.unit else ""
        typed = unicodedata.normalize("NFKC", text).replace(" ", "")
        if number is not None and typed == _number_text(number):
            text += unit  # "25" typed: shown with its unit
        elif number is not None and typed not in (_number_text(number) + unit.replace(" ", ""),
                                                  _number_text(number) + "%"):
            text += f" (= {_number_text(number)}{unit})"  # "1時間30分" or "9割": the number it was read as
        if self.flag:
            text += f" (!) {t('value.' + self.flag, threshold=threshold_text(self.spec, t))}"
        return text



def value_blank(check: CheckItem, t: Translator) -> str:
    """Where a value is written on paper: " = ______分 [下限 30分]" ("" for a plain check)."""
    spec = check.value
    if spec is None:
        return ""
    unit = "%" if spec.kind == "percent" else (spec.unit.get(t.lang) if spec.unit else "")
    threshold = threshold_text(spec, t)
    return f" = ______{unit}" + (f" [{threshold}]" if threshold else "")

def check_text(state: DrillState, step: Step, index: int, t: Translator) -> str:
    """A check item's text, and for one that takes a value: "= 25分 (!) 下限 30分 を下回る"."""
    check = step.checks[index]
    line = check.get(t.lang)
    if check.value is not None:
        shown = ValueView(step, index, check, state.values.get((step.id, index)))
        threshold = threshold_text(check.value, t)
        line += f" = {shown.value_text(t)}" + (f" [{threshold}]" if threshold and not shown.flag else "")
    return line


def value_views(state: DrillState, step: Step) -> list[ValueView]:
    return [ValueView(step, index, check, state.values.get((step.id, index)))
            for index, check in enumerate(step.checks) if check.value is not None]


# ---------------------------------------------------------------- injects and responses


@dataclass(frozen=True)
class InjectResponse:
    """An inject of the scenario: when planned and given, what was expected, what followed."""

    inject: Inject
    given_at: int | None  # drill seconds; None: not given
    manual: bool
    # each step it sets off, and seconds from the inject to its outcome
    responses: tuple[tuple[StepView, int | None], ...]


def inject_responses(view: "DrillView") -> list[InjectResponse]:
    state = view.state
    found = []
    for inject in state.scenario.injects:
        if not state.applies(inject):
            continue
        delivered = state.delivered.get(inject.id)
        given = delivered.elapsed_seconds if delivered else None
        responses = []
        for step_id in inject.steps:
            if step_id not in state.steps:
                continue
            shown = view.step(step_id)
            at = shown.record.elapsed_seconds
            responses.append((shown, at - given if at is not None and given is not None else None))
        found.append(InjectResponse(inject, given, bool(delivered and delivered.manual), tuple(responses)))
    return found


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

# ASCII marks, so a state never rests on colour (or on an ambiguous-width character).
SYSTEM_MARKS = {"unknown": "[?]", "down": "[X]", "degraded": "[~]", "alternate": "[A]", "restored": "[R]"}


@dataclass(frozen=True)
class SystemView:
    """One system at one moment: its state, its states over time and its recovery target.

    Rules: the service counts as recovered from the start of its last unbroken run of
    "alternate" or "restored"; the RTO (from T+0) is met when that start is within it,
    missed when it is later or when the RTO has passed unrecovered, open before that, and
    "not recorded" when no state was ever recorded for the system.
    """

    system: System
    state: str
    history: tuple[ev.SystemStateRecorded, ...]
    recovered_at: int | None
    rto_status: str  # met, missed, open, not_recorded
    remaining_seconds: int | None  # until the RTO, while open

    @property
    def mark(self) -> str:
        return SYSTEM_MARKS[self.state]


def system_view(state: DrillState, system: System, elapsed: int) -> SystemView:
    history = tuple(state.systems.get(system.id, ()))
    current = history[-1].state if history else "unknown"
    recovered_at = None
    for event in reversed(history):
        if event.state not in RECOVERED_STATES:
            break
        recovered_at = event.elapsed_seconds
    rto = system.rto_minutes * 60
    remaining = None
    if recovered_at is not None:
        status = "met" if recovered_at <= rto else "missed"
    elif elapsed > rto:
        status = "missed" if history else "not_recorded"
    elif not history and state.ended is not None:
        status = "not_recorded"
    else:
        status, remaining = "open", rto - elapsed
    return SystemView(system, current, history, recovered_at, status, remaining)


def system_views(state: DrillState, elapsed: int) -> list[SystemView]:
    """Every system of the scenario, by recovery priority (A first), as listed within one."""
    ordered = sorted(state.scenario.systems, key=lambda s: s.priority)
    return [system_view(state, system, elapsed) for system in ordered]


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


@dataclass(frozen=True)
class Contribution:
    """What one step adds to its objective's rating, and why."""

    step_id: str
    rating: str | None  # None: the step does not count (skipped, or still open)
    basis: str  # rated, not_done, not_performed, skipped, open


@dataclass(frozen=True)
class ObjectiveResult:
    objective_id: str
    rating: str  # what stands: the override if any, else the derived rating; "-" if none
    derived: str  # the lowest rating among its counting steps, "-" if none
    decided_by: Contribution | None  # the first step that gave the derived rating
    contributions: list[Contribution]
    override: ev.ObjectiveRated | None
    provisional: bool  # some of its steps are still open in a drill that has not ended


def _contribution(state: DrillState, record: StepRecord, ended: bool) -> Contribution:
    step_id = record.step.id
    if not state.applies(record.step):
        return Contribution(step_id, None, "not_applicable")
    if record.outcome == "done":
        return Contribution(step_id, record.rating, "rated")
    if record.outcome == "not_done":
        return Contribution(step_id, "U", "not_done")
    if record.outcome == "skipped":
        return Contribution(step_id, None, "skipped")
    return Contribution(step_id, "U", "not_performed") if ended else Contribution(step_id, None, "open")


def objective_results(state: DrillState) -> list[ObjectiveResult]:
    """Every objective of the scenario with its rating and the step that decided it."""
    ended = state.ended is not None
    results = []
    for objective in state.scenario.objectives:
        contributions = [_contribution(state, state.steps[s.id], ended) for s in state.scenario.steps
                         if objective.id in s.objectives]
        counting = [c for c in contributions if c.rating is not None]
        decided = max(counting, key=lambda c: RATING_ORDER[c.rating or "P"]) if counting else None
        derived = decided.rating if decided and decided.rating else "-"
        override = state.objective_overrides.get(objective.id)
        results.append(ObjectiveResult(
            objective.id, override.rating if override and override.rating else derived, derived, decided,
            contributions, override, provisional=any(c.basis == "open" for c in contributions)))
    return results


def contribution_text(contribution: Contribution, state: DrillState, t: Translator) -> str:
    """"s3 サーバー室の確認: U（未実施）" — a step and how it counts."""
    step = state.scenario.step(contribution.step_id)
    title = step.title.get(t.lang) if step else contribution.step_id
    basis = t(f"objective.basis_{contribution.basis}")
    rating = contribution.rating or "-"
    return f"{title}: {rating} ({basis})"


# ---------------------------------------------------------------- the drill


class DrillView:
    """The drill at one moment: steps with their status, figures, objectives, notes."""

    def __init__(self, state: DrillState, now: datetime) -> None:
        self.state = state
        self.now = now
        self.elapsed = state.elapsed_seconds(now)

    def step(self, step_id: str) -> StepView:
        state = self.state
        record = state.steps[step_id]
        return StepView(record.step, record, state.step_status(record, self.elapsed),
                        state.deadline_seconds(record.step), state.late_by_seconds(record))

    @cached_property
    def steps(self) -> list[StepView]:
        return [self.step(s.id) for s in self.state.scenario.steps]

    @cached_property
    def figures(self) -> DrillSummary:
        return summarize(self.state, self.now)

    @cached_property
    def systems(self) -> list[SystemView]:
        return system_views(self.state, self.elapsed)

    @cached_property
    def objectives(self) -> list[ObjectiveResult]:
        return objective_results(self.state)

    @property
    def open_steps(self) -> list[str]:
        """Steps with no outcome yet (what ending the drill now would leave undone)."""
        return [v.step.id for v in self.steps if not v.status.finished]

    def systems_summary(self, t: Translator) -> str:
        """"システム: 停止2 代替1 RTO未達1" — only the counts that are not zero ("" when none is)."""
        states = [s.state for s in self.systems]
        counts = {"down": states.count("down") + states.count("degraded"), "alternate": states.count("alternate"),
                  "restored": states.count("restored"),
                  "missed": sum(1 for s in self.systems if s.rto_status == "missed")}
        parts = [t(f"tui.systems_{key}", count=count) for key, count in counts.items() if count]
        return f"{t('tui.systems_label')}: {' '.join(parts)}" if parts else ""

    def count(self, status: StepStatus) -> int:
        return sum(1 for v in self.steps if v.status == status)

    def progress_text(self, t: Translator) -> str:
        """"実施 3/16（未実施 1・省略 0・未着手 12）": done counts only steps done."""
        counts = self.figures.overall
        return t("progress.steps", done=counts.done, total=counts.total, not_done=counts.not_done,
                 skipped=counts.skipped, open=counts.pending)

    def notes(self, step_id: str | None) -> list[Note]:
        return self.state.notes_for(step_id)


# ---------------------------------------------------------------- the timeline


@dataclass
class TimelineEntry:
    elapsed_seconds: int
    at: datetime
    # inject, step, decision, system, value, not_done, reopen, note, note_withdrawn, problem, objective,
    # pause, resume, advance, end
    kind: str
    text: str
    by: str
    seq: int
    struck: bool = False  # withdrawn or corrected later: shown struck through, never as valid
    correction: str = ""  # who withdrew or corrected it, when, and why
    console: str | None = None  # the team console that recorded it

    @property
    def ref(self) -> str:
        """The event's number as printed: its seq, or console:seq for a team console's event."""
        return f"{self.console}:{self.seq}" if self.console else str(self.seq)


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


def _correction_text(later: ev.EventBase, t: Translator, reason: str = "") -> str:
    key = "report.tl_withdrawn" if isinstance(later, ev.NoteRetracted) else "report.tl_corrected"
    seq = f"{later.console}:{later.seq}" if later.console else later.seq
    text = t(key, seq=seq, by=later.by, at=format_local_minute(later.at))
    return f"{text}: {reason}" if reason else text


def timeline(state: DrillState, events: list, t: Translator) -> list[TimelineEntry]:
    """Every event of the drill in order, with corrected outcomes and withdrawn notes marked."""
    lang = t.lang
    scenario = state.scenario
    # Outcome events (journal, seq) → the event that replaced them: a reopening, a later outcome
    # from the same console, or the lead's settlement of a conflict between consoles.
    later_outcome: dict[tuple[str | None, int], ev.EventBase] = {}
    current: dict[str, list[tuple[str | None, int]]] = {}
    for event in events:
        if isinstance(event, (ev.StepCompleted, ev.DecisionMade, ev.StepNotDone, ev.StepReopened)):
            standing = current.setdefault(event.step_id, [])
            replaced = (standing if isinstance(event, ev.StepReopened)
                        else [k for k in standing if k[0] == event.console])
            for replaced_key in replaced:
                later_outcome[replaced_key] = event
            current[event.step_id] = [k for k in standing if k not in replaced]
            if not isinstance(event, ev.StepReopened):
                current[event.step_id].append((event.console, event.seq))
    unsettled: set[tuple[str | None, int]] = set()
    for conflict in state.conflicts:
        keys = [(o.console, o.seq) for o in conflict.outcomes]
        if conflict.settled is None:
            unsettled.update(keys)
        elif conflict.settled.chosen_seq:  # settled by choosing one: the others are replaced by it
            chosen = (conflict.settled.chosen_console, conflict.settled.chosen_seq)
            for outcome in keys:
                if outcome != chosen:
                    later_outcome.setdefault(outcome, conflict.settled)
    replay = DrillState.from_events(scenario, [])  # replayed alongside, for the clock at each event
    entries: list[TimelineEntry] = []

    def add(event: Any, kind: str, text: str, elapsed: int | None = None) -> TimelineEntry:
        entry = TimelineEntry(replay.elapsed_seconds(event.at) if elapsed is None else elapsed, event.at, kind,
                              text, event.by, event.seq, console=event.console)
        entries.append(entry)
        return entry

    for event in events:
        replay.apply(event)
        step_id = getattr(event, "step_id", None)
        step = scenario.step(step_id) if step_id else None
        step_title = step.title.get(lang) if step else "-"
        match event:
            case ev.InjectDelivered():
                inject = next((i for i in scenario.injects if i.id == event.inject_id), None)
                if inject is not None:
                    add(event, "inject", t("report.tl_inject", id=inject.id, sender=inject.sender.get(lang),
                                           content=inject.content.get(lang)), event.elapsed_seconds)
            case ev.StepCompleted() | ev.StepNotDone() | ev.DecisionMade():
                if isinstance(event, ev.DecisionMade):
                    option = step.option(event.option_id) if step else None
                    entry = add(event, "decision", t(
                        "report.tl_decision", step=step_title, rating=event.rating,
                        option=option.title.get(lang) if option else event.option_id,
                        who=event.decided_by or event.by), event.elapsed_seconds)
                elif isinstance(event, ev.StepCompleted):
                    target = DrillView(state, event.at).step(step.id).target_label(t) if step else "-"
                    entry = add(event, "step", t("report.tl_step", step=step_title, rating=event.rating,
                                                 target=target), event.elapsed_seconds)
                else:
                    key = "report.tl_skipped" if event.skipped else "report.tl_not_done"
                    entry = add(event, "not_done", t(key, step=step_title, reason=event.reason),
                                event.elapsed_seconds)
                outcome_key = (event.console, event.seq)
                if outcome_key in later_outcome:
                    entry.struck = True
                    entry.correction = _correction_text(later_outcome[outcome_key], t)
                elif outcome_key in unsettled:
                    entry.correction = t("report.tl_conflict")
            case ev.StepReopened():
                add(event, "reopen", t("report.tl_reopened", step=step_title))
            case ev.NoteAdded():
                where = step_title if event.step_id else t("tui.drill_note_short")
                entry = add(event, "note", t("report.tl_note", step=where, text=event.text),
                            event.elapsed_seconds)
                note = state.note(event.seq, event.console)
                if note is not None and note.withdrawn is not None:
                    entry.struck = True
                    entry.correction = _correction_text(note.withdrawn, t, note.withdrawn.reason)
            case ev.NoteRetracted():
                add(event, "note_withdrawn", t("report.tl_note_withdrawn", seq=event.note_seq))
            case ev.DeputyActed():
                role = scenario.role(event.role_id)
                deputy = role.deputies[event.deputy - 1].get(lang) \
                    if role and event.deputy <= len(role.deputies) else "?"
                add(event, "deputy", t("report.tl_deputy", step=step_title, number=event.deputy, deputy=deputy,
                                       reason=event.reason), event.elapsed_seconds)
            case ev.ValueRecorded():
                check = step.checks[event.check_index] if step and event.check_index < len(step.checks) else None
                shown = ValueView(step, event.check_index, check, event).value_text(t) \
                    if step and check and check.value else event.text
                add(event, "value", t("report.tl_value", step=step_title,
                                      check=check.get(lang) if check else event.check_index + 1, value=shown),
                    event.elapsed_seconds)
            case ev.SystemStateRecorded():
                system = scenario.system(event.system_id)
                name = system.name.get(lang) if system else event.system_id
                text = t("report.tl_system", system=name, state=system_state_label(event.state, t))
                add(event, "system", f"{text}: {event.note}" if event.note else text, event.elapsed_seconds)
            case ev.ProblemRaised():
                add(event, "problem", t("report.tl_problem", id=event.problem_id, title=event.title),
                    event.elapsed_seconds)
            case ev.ObjectiveRated():
                objective = scenario.objective(event.objective_id)
                title = objective.title.get(lang) if objective else event.objective_id
                key = "report.tl_objective" if event.rating else "report.tl_objective_cleared"
                add(event, "objective", t(key, objective=title, rating=event.rating or "-", reason=event.reason))
            case ev.ConsoleJoined():
                add(event, "console", t("report.tl_console_joined", console=event.console,
                                        role=t(f"console_role.{event.role}"),
                                        who=f"{event.by}@{event.host}",
                                        offset=f"{event.clock_offset_seconds:+.0f}"))
            case ev.ConflictSettled():
                chosen_ref = (f"{event.chosen_console}:{event.chosen_seq}" if event.chosen_console
                              else str(event.chosen_seq))
                add(event, "settled", t("report.tl_conflict_settled", step=step_title, chosen=chosen_ref,
                                        reason=event.reason or "-"))
            case ev.ObservationRecorded():
                add(event, "observation", t(f"report.tl_observation_{event.kind}", text=event.observation),
                    event.elapsed_seconds)
            case ev.ClockPaused():
                add(event, "pause", t("report.tl_pause"))
            case ev.ClockResumed():
                add(event, "resume", t("report.tl_resume"))
            case ev.ClockAdvanced():
                add(event, "advance", t("report.tl_advance", to=format_elapsed(event.to_seconds)))
            case ev.DrillEnded():
                add(event, "end", t("report.tl_end"), event.elapsed_seconds)
    return entries
