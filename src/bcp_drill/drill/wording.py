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

from bcp_drill.content.models import (
    CheckItem,
    Condition,
    Contact,
    Inject,
    Phase,
    Reference,
    Role,
    Scenario,
    Step,
    System,
    ValueRange,
    ValueSpec,
)
from bcp_drill.drill.counts import StepStatus, format_elapsed, format_local_minute, format_minutes, target_text
from bcp_drill.drill.ratings import rating_option
from bcp_drill.drill.state import DrillState
from bcp_drill.drill.view import (
    SYSTEM_MARKS,
    Contribution,
    DrillView,
    InjectResponse,
    OccurrenceView,
    RepeatCount,
    StepView,
    SystemView,
    TimelineEntry,
    ValueView,
    occurrence_views,
    timeline,
)
from bcp_drill.i18n import Translator
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


def target_words(step: Step, t: Translator, phase: Phase | None = None, scenario: Scenario | None = None) -> str:
    """A step's target as the scenario states it: "T+0:45", "s3 の後 0:30 以内", "目標なし"; a
    repeated one: "T+3:00 から 3:00 ごと"; in a PHASE that starts at an event: "「復電時」の開始から 0:30 以内".
    With the SCENARIO, what a relative target waits for is named by its title: "「参集」の後 0:30 以内"."""
    if step.repeat is not None:
        first = _first_target_words(step, t, phase, scenario)
        every = format_minutes(step.repeat.every_minutes)
        if step.repeat.until_minutes is None:
            return t("repeat.every", first=first, every=every)
        return t("repeat.every_until", first=first, every=every, until=format_minutes(step.repeat.until_minutes))
    return _first_target_words(step, t, phase, scenario)


def _first_target_words(step: Step, t: Translator, phase: Phase | None = None,
                        scenario: Scenario | None = None) -> str:
    if step.target_minutes is not None and phase is not None and phase.starts_after is not None:
        return t("target.after_phase", minutes=format_minutes(step.target_minutes), phase=phase.title.get(t.lang))
    if step.target_minutes is not None:
        return f"T+{format_minutes(step.target_minutes)}"
    if step.target_after_minutes is not None:
        waits_for = ", ".join(_waited_for(step, t, scenario)) or t("target.decision")
        return t("target.after", minutes=format_minutes(step.target_after_minutes), waits_for=waits_for)
    return t("target.none")


def _waited_for(step: Step, t: Translator, scenario: Scenario | None) -> list[str]:
    """What a relative target counts from: the steps and injects it waits for and the measured
    value it hangs on; ids ("s3", "i2", "s5#1"), or with the SCENARIO their titles in quotes."""
    gate = step.applies_if
    if scenario is None:
        return [*step.after, *step.after_injects, *([f"{gate.step}#{gate.check}"] if gate else [])]
    named = []
    for step_id in step.after:
        waited = scenario.step(step_id)
        named.append(t("target.named", name=waited.title.get(t.lang) if waited else step_id))
    named += [t("target.inject", id=inject_id) for inject_id in step.after_injects]
    if gate:
        measured = scenario.step(gate.step)
        check = measured.checks[gate.check - 1] if measured and 0 < gate.check <= len(measured.checks) else None
        named.append(t("target.named", name=check.text.get(t.lang) if check else f"{gate.step}#{gate.check}"))
    return named


def target_label(shown: StepView, t: Translator, scenario: Scenario | None = None) -> str:
    """The target in words: "T+0:45", "s3 の後 0:30 以内 (T+1:15)" (with the SCENARIO: "「参集」の後
    0:30 以内 (T+1:15)"), "目標なし"."""
    text = target_words(shown.step, t, shown.phase, scenario)
    absolute = shown.step.target_minutes is not None and not shown.counts_from_phase
    if not absolute and shown.deadline_seconds is not None:
        text += f" (T+{format_minutes(shown.deadline_seconds // 60)})"
    return text


def inject_time_text(inject: Inject, scenario: Scenario, t: Translator, state: DrillState | None = None) -> str:
    """When an inject is planned: "T+0:05"; at a time of day, "T+3:30 (13:30)" in a drill (STATE)
    that has its T0, "13:30 (T+ from T0)" before; "when a decision chooses it", or "by hand"."""
    planned = _planned_time(inject, t, state if state is not None else DrillState(scenario))
    if inject.contingency:
        return (f"{planned} " if planned else "") + t("inject_time.contingency")
    if planned:
        return planned
    return t("inject_time.on_decision") if scenario.triggered(inject.id) else t("inject_time.by_hand")


def _planned_time(inject: Inject, t: Translator, state: DrillState) -> str:
    due = state.inject_due_seconds(inject)  # the one place an inject's time is worked out
    if inject.at_time is None:
        return "" if due is None else target_text(due // 60)
    if due is None:  # no T0 yet (a sheet, a card): the time of day as written
        return t("inject_time.clock", time=inject.at_time)
    return t("inject_time.clock_at", elapsed=f"T+{format_minutes(due // 60)}", time=inject.at_time)


def phase_start_words(phase: Phase, scenario: Scenario, t: Translator) -> str:
    """When a phase begins, as its heading says: "T+0:10", or at an event: "状況付与 i05（電力会社）を受けてから"."""
    start = phase.starts_after
    if start is None:
        return f"T+{format_minutes(phase.at_minutes or 0)}"
    if start.inject is not None:
        inject = scenario.inject(start.inject)
        return t("phase_start.after_inject", inject=start.inject,
                 sender=inject.sender.get(t.lang) if inject else "-")
    step = scenario.step(start.step or "")
    return t("phase_start.after_step", step=step.title.get(t.lang) if step else (start.step or "-"))


def _phase_event_text(view: DrillView, step: Step, t: Translator) -> str:
    """The event a step's phase starts at, with where it stands ("" for a timed phase)."""
    phase = view.state.scenario.phase(step.phase)
    if phase is None or phase.starts_after is None:
        return ""
    began = view.state.phase_start_seconds(phase)
    when = t("phase_start.not_yet") if began is None else f"T+{format_elapsed(began)}"
    return f"{t('tui.phase')} {phase.title.get(t.lang)}: {phase_start_words(phase, view.state.scenario, t)} ({when})"


def when_text(item: Step | Inject, scenario: Scenario, t: Translator) -> str:
    """The conditions a step or inject applies under, in words: "発生時間帯: 時間外・夜間・休日"."""
    parts = []
    for condition_id, values in item.when.items():
        condition = scenario.condition(condition_id)
        if condition is None:
            continue
        parts.append(f"{condition.title.get(t.lang)}: {condition_values_words(condition, values, t)}")
    return "; ".join(parts)


def condition_values_words(condition: Condition, values: list[str], t: Translator, joiner: str = " / ") -> str:
    """Values of one condition in words, as written: "6弱以上" for a range, else "5強 / 6弱"."""
    def title(value_id: str | None) -> str:
        found = condition.value(value_id) if value_id else None
        return found.title.get(t.lang) if found else (value_id or "-")

    if isinstance(values, ValueRange):
        if values.form == "between":
            return t("when_range.between", low=title(values.low), high=title(values.high))
        return t(f"when_range.{values.form}", value=title(values.low if values.form == "at_least" else values.high))
    return joiner.join(title(value) for value in values)


def _case_joiner(t: Translator) -> str:
    # values of one case inside a list of cases that " / " already separates
    return "・" if t.lang == "ja" else ", "


def variants_text(step: Step, scenario: Scenario, t: Translator) -> str:
    """A step's target under each of its `by_condition` entries, for a sheet printed before the
    conditions are chosen: "勤務時間内 T+0:30 / 勤務時間外 T+1:30 (統括)"; its target alone without them."""
    if not step.by_condition:
        return target_words(step, t, scenario.phase(step.phase), scenario)
    parts = []
    for variant in step.by_condition:
        played = step.model_copy(update=variant.changes())
        parts.append(_variant_words(variant.when, played, step, scenario, t))
    rest = _otherwise_words(step, scenario, t)
    if rest is not None:
        parts.insert(0, f"{rest} {target_words(step, t, scenario.phase(step.phase), scenario)}")
    return " / ".join(parts)


def _variant_words(when: dict[str, list[str]], played: Step, step: Step, scenario: Scenario,
                   t: Translator) -> str:
    cases = " ".join(condition_values_words(condition, values, t, _case_joiner(t))
                     if (condition := scenario.condition(c)) else c for c, values in when.items())
    owner = f" ({roles_text(played, scenario, t)})" if played.all_roles != step.all_roles else ""
    return f"{cases} {target_words(played, t, scenario.phase(step.phase), scenario)}{owner}"


def _otherwise_words(step: Step, scenario: Scenario, t: Translator) -> str | None:
    """The cases the step as written is played in, in words: the values left over when its entries
    name one condition ("勤務時間内"), else "その他"; None when every case takes an entry."""
    named = list(dict.fromkeys(c for v in step.by_condition for c in v.when))
    conditions = [c for name in named if (c := scenario.condition(name)) is not None]
    if len(conditions) != len(named):
        return t("variant.otherwise")
    cases: list[dict[str, str]] = [{}]
    for condition in conditions:
        values = [v.id for v in condition.values if condition.fixed in (None, v.id)
                  and (condition.id not in step.when or v.id in step.when[condition.id])]
        cases = [{**case, condition.id: value} for case in cases for value in values]
    left = [case for case in cases if step.variant_under(case) is None]
    if not left:
        return None
    if len(conditions) == 1:
        only = conditions[0]
        return condition_values_words(only, _as_range(only, [case[only.id] for case in left]), t, _case_joiner(t))
    return t("variant.otherwise")


def _as_range(condition: Condition, values: list[str]) -> list[str]:
    """Values of an ordered condition that run on from its first or to its last as a range
    ("6弱以下"); other values as they are."""
    ids = [v.id for v in condition.values]
    at = [ids.index(value) for value in values]
    if not condition.ordered or len(values) < 2 or at != list(range(at[0], at[0] + len(at))):
        return values
    if at[0] == 0:
        return ValueRange("at_most", None, values[-1])
    if at[-1] == len(ids) - 1:
        return ValueRange("at_least", values[0], None)
    return ValueRange("between", values[0], values[-1])


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


def contact_text(contact: Contact, t: Translator) -> str:
    """A person of the contact list on one line: "佐藤 花子（情報政策課長補佐） 090-0000-0001"."""
    name = contact.name.get(t.lang) if contact.name else (contact.id or "")
    if contact.title:
        title = contact.title.get(t.lang)
        name += f"（{title}）" if t.lang == "ja" else f" ({title})"
    return " ".join(x for x in (name, contact.phone) if x)


def deputy_label(scenario: Scenario, role: Role, number: int, t: Translator) -> str:
    """The role's deputy at NUMBER (1: the first) in words: the post the order names, and the
    person of the contact list it links to ("情報政策課長補佐 佐藤 花子（課長補佐） 090-…"); "?" for none."""
    post = role.deputies[number - 1].get(t.lang) if number <= len(role.deputies) else ""
    person = ""
    if number <= len(role.deputy_contacts):
        contact_id = role.deputy_contacts[number - 1]
        contact = scenario.annexes.contact(contact_id)
        person = contact_text(contact, t) if contact else contact_id
        if contact and contact.title and contact.title.get(t.lang) == post:
            post = ""  # the person's title already says it
    return " ".join(p for p in (post, person) if p) or "?"


def deputy_order_text(scenario: Scenario, role_id: str, t: Translator) -> str:
    """"1. 課長補佐 2. 係長" ("" when the role names no deputies)."""
    role = scenario.role(role_id)
    if role is None:
        return ""
    return " ".join(f"{n}. {deputy_label(scenario, role, n, t)}" for n in range(1, role.deputy_count + 1))


def taken_over_text(scenario: Scenario, step: Step, t: Translator) -> str:
    """The people of the contact list who take the step over as deputy ("" when none is named)."""
    return "; ".join(contact_text(c, t) for c in scenario.annexes.taking_over(step.id))


def _deputy_name(scenario: Scenario, role: Role | None, number: int, t: Translator) -> str:
    """The role's deputy at NUMBER in its order (1: the first), "?" when the role names none there."""
    return deputy_label(scenario, role, number, t) if role and number <= role.deputy_count else "?"


def deputy_text(state: DrillState, step: Step, t: Translator) -> str:
    """Deputies who acted on the step: "代行: ICT部門責任者 → 第1代行 課長補佐（山田）: 連絡がつかない"."""
    parts = []
    for acted in state.deputies.get(step.id, []):
        role = state.scenario.role(acted.role_id)
        deputy = _deputy_name(state.scenario, role, acted.deputy, t)
        who = f" ({acted.person})" if acted.person else ""
        parts.append(t("deputy.acted", role=role.title.get(t.lang) if role else acted.role_id, number=acted.deputy,
                       deputy=deputy, person=who, reason=acted.reason)
                     + (t("call_in.acted_for", holder=acted.acted_for) if acted.acted_for else ""))
    return "; ".join(parts)


def reference_text(reference: Reference, t: Translator) -> str:
    """"ICT-BCP 初動版（第3章2） https://…" — a reference on one line."""
    return reference.one_line(t.lang)


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
    for label, text in ((t("annex.step_taken_over"), taken_over_text(scenario, step, t)),
                        (t("tui.deputy_acted"), deputy_text(view.state, step, t)),
                        (t("tui.applies_when"), when_text(step, scenario, t)),
                        (t("tui.applies_when"), decision_gate_text(step, scenario, t)),
                        (t("tui.applies_when"), value_gate_text(step, scenario, t)),
                        (t("value_gate.label"), value_gate_state(view.state, step, t)),
                        (t("tui.waits_for"), waits_text(view, step, t))):
        if text:
            lines.append((label, text))
    location = scenario.location(step.location) if step.location else None
    if location is not None:
        lines.append((t("annex.step_location"), location.name.get(t.lang)))
    lines += [(t("annex.step_references"), reference_text(reference, t)) for reference in step.references]
    lines += [(t("repeat.occurrence_label", number=o.number), occurrence_text(o, t))
              for o in occurrence_views(view.state, step, view.elapsed)]
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
    if _phase_event_text(view, step, t):
        parts.append(_phase_event_text(view, step, t))
    gated = _gate_check(view.state.scenario, step)
    if gated is not None and view.state.value_gate(step) is None:
        parts.append(t("value_gate.not_recorded", check=gated[1].get(t.lang), step=gated[0].title.get(t.lang)))
    return "; ".join(parts)


# ---------------------------------------------------------------- steps that hang on a value


def _gate_check(scenario: Scenario, step: Step) -> tuple[Step, CheckItem] | None:
    """For a step with `applies_if`: the step and the check whose value it hangs on."""
    gate = step.applies_if
    measured = scenario.step(gate.step) if gate else None
    if gate is None or measured is None or gate.check > len(measured.checks) \
            or measured.checks[gate.check - 1].value is None:
        return None
    return measured, measured.checks[gate.check - 1]


def _relation(spec: ValueSpec, key: str, t: Translator) -> str:
    """"12時間未満", "60分以下"...: a relation to the threshold (KEY: below, above, outside,
    at_least, at_most, within)."""
    low = _number_text(spec.min) if spec.min is not None else ""
    high = _number_text(spec.max) if spec.max is not None else ""
    return t(f"value_gate.{key}", min=low, max=high, unit=_unit_text(spec, t))


def _within_key(spec: ValueSpec) -> str:
    if spec.min is not None and spec.max is not None:
        return "within"
    return "at_least" if spec.min is not None else "at_most"


def _outside_key(spec: ValueSpec) -> str:
    if spec.min is not None and spec.max is not None:
        return "outside"
    return "below" if spec.min is not None else "above"


def value_gate_text(step: Step, scenario: Scenario, t: Translator) -> str:
    """When a step applies by a measured value: "燃料残量が 12時間未満のとき" ("" for none)."""
    gated = _gate_check(scenario, step)
    if gated is None or step.applies_if is None:
        return ""
    _, check = gated
    assert check.value is not None
    key = _outside_key(check.value) if step.applies_if.outside else _within_key(check.value)
    return t("value_gate.when", check=check.get(t.lang), relation=_relation(check.value, key, t))


def value_gate_state(state: DrillState, step: Step, t: Translator) -> str:
    """Why a step that hangs on a value applies or not: "燃料残量 8時間（12時間未満）のため",
    "燃料残量 15時間（12時間以上）のため対象外"; "" while the value is not recorded (it waits)."""
    gated = _gate_check(state.scenario, step)
    recorded = state.gate_value(step)
    decided = state.value_gate(step)
    if gated is None or recorded is None or recorded.number is None or decided is None:
        return ""
    check = gated[1]
    spec = check.value
    assert spec is not None
    flag = ValueView(gated[0], step.applies_if.check - 1 if step.applies_if else 0, check, recorded).flag
    relation = _relation(spec, flag or _within_key(spec), t)
    value = f"{_number_text(recorded.number)}{_unit_text(spec, t)}"
    return t("value_gate.applies" if decided else "value_gate.ruled_out", check=check.get(t.lang), value=value,
             relation=relation)


# ---------------------------------------------------------------- repeated steps


def occurrence_text(shown: OccurrenceView, t: Translator) -> str:
    """"[v] 時間内（予定 T+3:00、実施 T+2:58 P）: 異常なし" — one occurrence of a repeated step."""
    due = t("repeat.due_at", time=format_minutes(shown.due_seconds // 60))
    text = f"{shown.mark} {t('repeat.status_' + shown.status)} ({due}"
    recorded = shown.recorded
    if recorded is not None:
        text += ", " + t("repeat.done_at", time=format_elapsed(recorded.elapsed_seconds))
        text += f" {recorded.rating}" if recorded.rating else ""
    text += ")"
    return text + (f": {recorded.note}" if recorded is not None and recorded.note else "")


def occurrence_saved_text(state: DrillState, event: ev.StepOccurrenceDone, elapsed: int, t: Translator) -> str:
    """What a front end says once an occurrence is recorded: "第2回を記録しました（遅れ）"."""
    step = state.scenario.step(event.step_id)
    shown = next((o for o in occurrence_views(state, step, elapsed) if o.number == event.occurrence), None) \
        if step else None
    return t("repeat.saved", number=event.occurrence, status=t("repeat.status_" + shown.status) if shown else "-")


def repeat_summary_text(count: RepeatCount, t: Translator) -> str:
    """"定時報告 3 回中 2 回を時間内に（遅れ 1・未実施 0・実施できず 0・記録待ち 0）"."""
    return t("repeat.summary", step=count.step.title.get(t.lang), due=count.due, on_time=count.count("done"),
             late=count.count("late"), missed=count.count("missed"), unable=count.count("unable"),
             open=count.count("due"))


# ---------------------------------------------------------------- measured values


def _number_text(value: float) -> str:
    return f"{value:g}"


def _unit_text(spec: ValueSpec, t: Translator) -> str:
    """The unit as written after a number: a word gets its space ("42 people", "30 min"; the
    content's own leading space is stripped with the rest), a sign or a kanji none ("72%", "30分")."""
    if spec.kind == "percent":
        return "%"
    unit = spec.unit.get(t.lang) if spec.unit else ""
    return f" {unit}" if unit[:1].isascii() and unit[:1].isalpha() else unit


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
    """"サーバー室の確認: [v] 時間内に完了 P（付与から 0:12）" per step (an outcome recorded before the
    inject was given says so), or a note that none was named."""
    if not item.responses:
        return t("report.no_response_steps")
    parts = []
    for shown, after in item.responses:
        text = f"{shown.step.title.get(t.lang)}: {status_label(shown.status, t)}"
        if shown.rating:
            text += f" {shown.rating}"
        if after is not None and after >= 0:
            text += f" ({t('report.after_inject', time=format_elapsed(after))})"
        elif after is not None:  # recorded before the inject was given: not a response to it
            text += f" ({t('report.before_inject', time=format_elapsed(-after))})"
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
    order = system_order_text(view.system, t)
    plan = system_plan_text(view.system, t)
    return (f"{view.mark} {order + ' ' if order else ''}{view.system.priority} {view.system.name.get(t.lang)}: "
            f"{t('system_state.' + view.state)} / {rto}" + (f" / {plan}" if plan else ""))


def system_order_text(system: System, t: Translator) -> str:
    """"順位1" ("" when the plan gives the system no recovery order)."""
    return t("annex.system_order_short", order=system.recovery_order) if system.recovery_order is not None else ""


def rpo_text(system: System, t: Translator) -> str:
    """"RPO 24:00" ("" when none is given)."""
    return t("annex.rpo_text", time=format_minutes(system.rpo_minutes)) if system.rpo_minutes is not None else ""


def vendor_eta_cell(system: System, t: Translator) -> str:
    """"T+30:00 (!) RTO 超過": the vendor's expected recovery in a table's cell ("" when none is given)."""
    if system.vendor_eta_minutes is None:
        return ""
    late = f" {t('annex.vendor_late')}" if system.vendor_late else ""
    return f"T+{format_minutes(system.vendor_eta_minutes)}{late}"


def vendor_eta_text(system: System, t: Translator) -> str:
    """"事業者見込み T+30:00 (!) RTO 超過" ("" when the vendor gave no time)."""
    if system.vendor_eta_minutes is None:
        return ""
    text = t("annex.vendor_eta_text", time=format_minutes(system.vendor_eta_minutes))
    return f"{text} {t('annex.vendor_late')}" if system.vendor_late else text


def system_plan_text(system: System, t: Translator) -> str:
    """What the plan says beyond the RTO: "RPO 24:00 / 事業者見込み T+12:00" ("" when nothing)."""
    return " / ".join(x for x in (rpo_text(system, t), vendor_eta_text(system, t)) if x)


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
    title = _step_title(state.scenario, event.step_id, t)
    if step is not None and step.target_minutes is None and step.target_after_minutes is None:
        return t("report.tl_step_no_target", step=title, rating=event.rating)  # not "target no target"
    target = target_label(DrillView(state, event.at).step(step.id), t, state.scenario) if step else "-"
    return t("report.tl_step", step=title, rating=event.rating, target=target)


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
    deputy = _deputy_name(state.scenario, state.scenario.role(event.role_id), event.deputy, t)
    return t("report.tl_deputy", step=_step_title(state.scenario, event.step_id, t), number=event.deputy,
             deputy=deputy, reason=event.reason)


def _value_entry(event: ev.ValueRecorded, state: DrillState, t: Translator) -> str:
    step = _step_of(state.scenario, event.step_id)
    check = step.checks[event.check_index] if step and event.check_index < len(step.checks) else None
    shown = value_text(ValueView(step, event.check_index, check, event), t) \
        if step and check and check.value else event.text
    return t("report.tl_value", step=_step_title(state.scenario, event.step_id, t),
             check=check.get(t.lang) if check else event.check_index + 1, value=shown)


def _occurrence_entry(event: ev.StepOccurrenceDone, state: DrillState, t: Translator) -> str:
    text = t("repeat.tl_occurrence", step=_step_title(state.scenario, event.step_id, t), number=event.occurrence)
    text += f" {event.rating}" if event.rating else ""
    return f"{text}: {event.note}" if event.note else text


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
    "occurrence": _occurrence_entry,
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
