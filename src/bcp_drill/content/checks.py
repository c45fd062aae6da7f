"""Checks a schema cannot express: unique ids, references that resolve, times in order."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, replace
from typing import Iterable, Mapping, Sequence

from bcp_drill.content.models import (
    Checklist,
    ChecklistSection,
    ConditionVariant,
    EvidenceLink,
    Inject,
    Phase,
    Scenario,
    Step,
    System,
    SystemsRegister,
    ValueRange,
)
from bcp_drill.content.scales import Scale

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Finding:
    """A problem at a path inside a document (turned into file:line by the loader)."""

    loc: Loc
    code: str
    params: dict[str, object] = field(default_factory=dict)
    hint: str | None = None
    hint_params: dict[str, object] = field(default_factory=dict)
    # Another place the message refers to (the first of two duplicates); the loader
    # reports its line as the `first_line` parameter.
    related: Loc | None = None
    warning: bool = False  # worth a look, but the file is valid: reported, never refused


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The most similar choice, for 'did you mean' hints."""
    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return matches[0] if matches else None


def reference_finding(loc: Loc, kind: str, value: str, known: Sequence[str]) -> Finding:
    guess = closest(value, known)
    if guess:
        return Finding(loc, "unknown_reference", {"kind": kind, "value": value},
                       "did_you_mean", {"suggestion": guess})
    return Finding(loc, "unknown_reference", {"kind": kind, "value": value},
                   "known_ids", {"ids": ", ".join(known) or "-"})


def duplicate_ids(base: Loc, ids: Sequence[str], kind: str) -> list[Finding]:
    """A finding at every id that repeats one earlier in the same list."""
    findings = []
    first: dict[str, int] = {}
    for index, value in enumerate(ids):
        if value in first:
            findings.append(Finding(base + (index, "id"), "duplicate_id",
                                    {"kind": kind, "value": value},
                                    related=base + (first[value], "id")))
        else:
            first[value] = index
    return findings


def check_scenario(scenario: Scenario) -> list[Finding]:
    findings: list[Finding] = []
    for name in ("objectives", "teams", "roles", "phases", "steps", "injects"):
        entries = getattr(scenario, name)
        findings += duplicate_ids((name,), [e.id for e in entries], name)
    findings += _check_phase_order(scenario)
    findings += _check_conditions(scenario)
    findings += _check_annexes(scenario)
    findings += _check_role_teams(scenario)
    findings += duplicate_ids(("systems",), [s.id for s in scenario.systems], "systems")
    findings += _check_system_plans(scenario.systems)
    findings += _check_contacts(scenario)
    known = _KnownIds.of(scenario)
    for index, step in enumerate(scenario.steps):
        findings += _check_step(scenario, known, ("steps", index), step)
    for index, inject in enumerate(scenario.injects):
        findings += _check_inject(scenario, known, ("injects", index), inject)
    findings += _after_cycles(scenario)
    findings += _injects_far_past(scenario)
    findings += _check_when_ranges(scenario)
    findings += _check_variants(scenario, known)
    findings += _check_clock_injects(scenario)
    findings += _check_phase_starts(scenario, known)
    findings += _check_value_gates(scenario, known)
    findings += _check_repeats(scenario)
    findings += _phase_start_cycles(scenario)
    return findings


@dataclass(frozen=True)
class _KnownIds:
    """The ids a step or an inject may refer to, in the order written (for the hints)."""

    phases: dict[str, Phase]
    roles: list[str]
    objectives: list[str]
    steps: list[str]
    injects: list[str]

    @classmethod
    def of(cls, scenario: Scenario) -> _KnownIds:
        return cls({p.id: p for p in scenario.phases}, [r.id for r in scenario.roles],
                   [o.id for o in scenario.objectives], [s.id for s in scenario.steps],
                   [i.id for i in scenario.injects])


def _check_phase_order(scenario: Scenario) -> list[Finding]:
    """A phase that starts before the one written above it."""
    findings: list[Finding] = []
    for index, (before, after) in enumerate(zip(scenario.phases, scenario.phases[1:], strict=False), 1):
        # (a phase that starts at an event has no minute to be in order with)
        if after.at_minutes is not None and before.at_minutes is not None and after.at_minutes < before.at_minutes:
            findings.append(Finding(("phases", index, "at_minutes"), "phase_order",
                                    {"phase": after.id, "minutes": after.at_minutes,
                                     "previous": before.id, "previous_minutes": before.at_minutes}))
    return findings


def _check_role_teams(scenario: Scenario) -> list[Finding]:
    teams = [t.id for t in scenario.teams]
    return [reference_finding(("roles", index, "team"), "team", role.team, teams)
            for index, role in enumerate(scenario.roles) if role.team is not None and role.team not in teams]


def _check_step(scenario: Scenario, known: _KnownIds, here: Loc, step: Step) -> list[Finding]:
    findings = _check_step_phase(known, here, step)
    if step.role not in known.roles:
        findings.append(reference_finding(here + ("role",), "role", step.role, known.roles))
    for ref_index, role_id in enumerate(step.support_roles):
        if role_id not in known.roles:
            findings.append(reference_finding(here + ("support_roles", ref_index), "role", role_id, known.roles))
    findings += _check_objective_refs(here, step.objectives, known.objectives)
    findings += _check_waiting(scenario, here, step, known.steps, known.injects)
    findings += _check_options(scenario, here, step, known.steps, known.injects)
    findings += _check_value_specs(here, step)
    findings += _check_when(scenario, here, step.when)
    return findings


def _check_step_phase(known: _KnownIds, here: Loc, step: Step) -> list[Finding]:
    """A phase that does not exist, or a target before the step's phase begins."""
    phase = known.phases.get(step.phase)
    if phase is None:
        return [reference_finding(here + ("phase",), "phase", step.phase, list(known.phases))]
    if step.target_minutes is not None and phase.at_minutes is not None and step.target_minutes < phase.at_minutes:
        return [Finding(here + ("target_minutes",), "step_before_phase",
                        {"step": step.id, "minutes": step.target_minutes,
                         "phase": phase.id, "phase_minutes": phase.at_minutes})]
    return []


def _check_objective_refs(here: Loc, referred: list[str], objectives: list[str]) -> list[Finding]:
    return [reference_finding(here + ("objectives", ref_index), "objective", objective, objectives)
            for ref_index, objective in enumerate(referred) if objective not in objectives]


def _check_value_specs(here: Loc, step: Step) -> list[Finding]:
    """Thresholds of the checks that take a measured value: usable for the value's kind."""
    findings: list[Finding] = []
    for c_index, check in enumerate(step.checks):
        spec = check.value
        if spec is None:
            continue
        at = here + ("checks", c_index, "value")
        if spec.kind == "text" and (spec.min is not None or spec.max is not None):
            findings.append(Finding(at + ("kind",), "text_value_threshold"))
        if spec.min is not None and spec.max is not None and spec.min > spec.max:
            findings.append(Finding(at + ("min",), "value_min_above_max", {"min": spec.min, "max": spec.max}))
        if spec.kind == "percent" and any(v is not None and not 0 <= v <= 100 for v in (spec.min, spec.max)):
            findings.append(Finding(at, "percent_threshold_range"))
    return findings


def _check_inject(scenario: Scenario, known: _KnownIds, here: Loc, inject: Inject) -> list[Finding]:
    findings: list[Finding] = []
    if inject.recipient not in known.roles:
        findings.append(reference_finding(here + ("recipient",), "role", inject.recipient, known.roles))
    for ref_index, step_id in enumerate(inject.steps):
        if step_id not in known.steps:
            findings.append(reference_finding(here + ("steps", ref_index), "step", step_id, known.steps))
    if inject.controller is not None and inject.controller not in known.roles:
        findings.append(reference_finding(here + ("controller",), "role", inject.controller, known.roles))
    findings += _check_objective_refs(here, inject.objectives, known.objectives)
    findings += _check_when(scenario, here, inject.when)
    return findings


def _check_annexes(scenario: Scenario) -> list[Finding]:
    annexes = scenario.annexes
    locations = [loc.id for loc in annexes.locations]
    roles = [r.id for r in scenario.roles]
    findings = duplicate_ids(("annexes", "locations"), locations, "locations")
    for index, contact in enumerate(annexes.contacts):
        if contact.role is not None and contact.role not in roles:
            findings.append(reference_finding(("annexes", "contacts", index, "role"), "role", contact.role, roles))
    for index, resource in enumerate(annexes.resources):
        if resource.location is not None and resource.location not in locations:
            findings.append(reference_finding(("annexes", "resources", index, "location"), "location",
                                              resource.location, locations))
    for index, step in enumerate(scenario.steps):
        if step.location is not None and step.location not in locations:
            findings.append(reference_finding(("steps", index, "location"), "location", step.location, locations))
    return findings


def _check_conditions(scenario: Scenario) -> list[Finding]:
    findings = duplicate_ids(("conditions",), [c.id for c in scenario.conditions], "conditions")
    for index, condition in enumerate(scenario.conditions):
        here: Loc = ("conditions", index)
        values = [v.id for v in condition.values]
        findings += duplicate_ids(here + ("values",), values, "condition_values")
        if condition.fixed is not None and condition.fixed not in values:
            findings.append(reference_finding(here + ("fixed",), "condition_value", condition.fixed, values))
    return findings


def _check_when(scenario: Scenario, here: Loc, when: dict[str, list[str]]) -> list[Finding]:
    findings: list[Finding] = []
    known = [c.id for c in scenario.conditions]
    for condition_id, values in when.items():
        condition = scenario.condition(condition_id)
        if condition is None:
            findings.append(reference_finding(here + ("when", condition_id), "condition", condition_id, known))
            continue
        allowed = [v.id for v in condition.values]
        for value_index, value in enumerate(values):
            if value not in allowed:
                findings.append(reference_finding(here + ("when", condition_id, value_index),
                                                  "condition_value", value, allowed))
    return findings


def _check_waiting(scenario: Scenario, here: Loc, step: Step, steps: list[str],
                   injects: list[str]) -> list[Finding]:
    findings: list[Finding] = []
    for ref_index, other in enumerate(step.after):
        if other == step.id:
            findings.append(Finding(here + ("after", ref_index), "after_itself", {"step": step.id}))
        elif other not in steps:
            findings.append(reference_finding(here + ("after", ref_index), "step", other, steps))
    for ref_index, inject_id in enumerate(step.after_injects):
        if inject_id not in injects:
            findings.append(reference_finding(here + ("after_injects", ref_index), "inject", inject_id, injects))
    if step.target_minutes is not None and step.target_after_minutes is not None:
        findings.append(Finding(here + ("target_after_minutes",), "two_targets", {"step": step.id},
                                "one_target"))
    elif (step.target_after_minutes is not None and not step.waits and not scenario.enabling(step.id)
          and not _in_event_phase(scenario, step)):
        findings.append(Finding(here + ("target_after_minutes",), "relative_target_without_after",
                                {"step": step.id}, "add_after"))
    return findings


def _check_options(scenario: Scenario, here: Loc, step: Step, steps: list[str], injects: list[str]) -> list[Finding]:
    findings: list[Finding] = []
    if not step.options:
        return findings
    if len(step.options) < 2:
        findings.append(Finding(here + ("options",), "decision_needs_options", {"step": step.id}))
    findings += duplicate_ids(here + ("options",), [o.id for o in step.options], "options")
    for o_index, option in enumerate(step.options):
        at = here + ("options", o_index)
        for name in ("enables", "skips"):
            for ref_index, other in enumerate(getattr(option, name)):
                if other == step.id:
                    findings.append(Finding(at + (name, ref_index), "decides_itself", {"step": step.id}))
                elif other not in steps:
                    findings.append(reference_finding(at + (name, ref_index), "step", other, steps))
        for ref_index, inject_id in enumerate(option.triggers):
            inject = scenario.inject(inject_id)
            if inject is None:
                findings.append(reference_finding(at + ("triggers", ref_index), "inject", inject_id, injects))
            elif inject.at_minutes is not None:
                findings.append(Finding(at + ("triggers", ref_index), "triggered_inject_timed",
                                        {"inject": inject_id}, "drop_at_minutes"))
    return findings


def _after_cycles(scenario: Scenario) -> list[Finding]:
    """One finding per cycle of waiting (`after`, or a decision that enables or skips a step):
    steps that would wait for themselves, however far round."""
    position = {s.id: index for index, s in enumerate(scenario.steps)}
    # step → [(the step it waits for, where that is written)]
    waits_for: dict[str, list[tuple[str, Loc]]] = {s.id: [] for s in scenario.steps}
    for index, step in enumerate(scenario.steps):
        for ref_index, other in enumerate(step.after):
            if other in position and other != step.id:
                waits_for[step.id].append((other, ("steps", index, "after", ref_index)))
        for o_index, option in enumerate(step.options):
            for name in ("enables", "skips"):
                for ref_index, other in enumerate(getattr(option, name)):
                    if other in position and other != step.id:
                        waits_for[other].append((step.id, ("steps", index, "options", o_index, name, ref_index)))
    findings: list[Finding] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    reported: set[frozenset[str]] = set()

    def visit(step_id: str, path: list[str]) -> None:
        state[step_id] = 1
        path.append(step_id)
        for other, written_at in waits_for[step_id]:
            if state.get(other) == 1:
                cycle = path[path.index(other):] + [other]
                if frozenset(cycle) not in reported:
                    reported.add(frozenset(cycle))
                    findings.append(Finding(written_at, "after_cycle", {"cycle": " -> ".join(cycle)}, "break_cycle"))
            elif other not in state:
                visit(other, path)
        path.pop()
        state[step_id] = 2

    for step in scenario.steps:
        if step.id not in state:
            visit(step.id, [])
    return findings


def _check_value_gates(scenario: Scenario, known: _KnownIds) -> list[Finding]:
    """`applies_if`: the step and check it names exist, and the check takes a value with a threshold."""
    findings: list[Finding] = []
    for index, step in enumerate(scenario.steps):
        gate = step.applies_if
        if gate is None:
            continue
        here: Loc = ("steps", index, "applies_if")
        measured = scenario.step(gate.step)
        if gate.step == step.id:
            findings.append(Finding(here + ("step",), "applies_if_itself", {"step": step.id}))
        elif measured is None:
            findings.append(reference_finding(here + ("step",), "step", gate.step, known.steps))
        elif gate.check > len(measured.checks):
            findings.append(Finding(here + ("check",), "applies_if_check_missing",
                                    {"step": step.id, "measured": gate.step, "number": gate.check,
                                     "count": len(measured.checks)}))
        else:
            spec = measured.checks[gate.check - 1].value
            if spec is None or spec.kind == "text" or (spec.min is None and spec.max is None):
                findings.append(Finding(here + ("check",), "applies_if_no_threshold",
                                        {"step": step.id, "measured": gate.step, "number": gate.check}))
    return findings


def _check_repeats(scenario: Scenario) -> list[Finding]:
    """`repeat`: the step has a target (the first occurrence is due then), and `until_minutes` is not before it."""
    findings: list[Finding] = []
    for index, step in enumerate(scenario.steps):
        repeat = step.repeat
        if repeat is None:
            continue
        here: Loc = ("steps", index, "repeat")
        if step.target_minutes is None and step.target_after_minutes is None:
            findings.append(Finding(here, "repeat_needs_target", {"step": step.id}))
        elif repeat.until_minutes is not None and step.target_minutes is not None \
                and repeat.until_minutes < step.target_minutes:
            until, first = repeat.until_minutes, step.target_minutes
            findings.append(Finding(here + ("until_minutes",), "repeat_until_before_target",
                                    {"step": step.id, "until": f"{until // 60}:{until % 60:02d}",
                                     "first": f"{first // 60}:{first % 60:02d}"}))
    return findings


def check_register(register: SystemsRegister) -> list[Finding]:
    return [*duplicate_ids(("systems",), [s.id for s in register.systems], "systems"),
            *_check_system_plans(register.systems)]


def _check_system_plans(systems: Sequence[System]) -> list[Finding]:
    """A recovery order given twice, and (a warning) a vendor who expects to recover a system
    only after its RTO: the plan cannot meet its own target."""
    findings: list[Finding] = []
    first: dict[int, int] = {}
    for index, system in enumerate(systems):
        order = system.recovery_order
        if order is not None and order in first:
            findings.append(Finding(("systems", index, "recovery_order"), "duplicate_recovery_order",
                                    {"order": order, "system": system.id, "other": systems[first[order]].id},
                                    related=("systems", first[order], "recovery_order")))
        elif order is not None:
            first[order] = index
        if system.vendor_late:
            assert system.vendor_eta_minutes is not None
            findings.append(Finding(("systems", index, "vendor_eta_minutes"), "vendor_eta_after_rto",
                                    {"system": system.id, "eta": _hours(system.vendor_eta_minutes),
                                     "rto": _hours(system.rto_minutes)}, hint="vendor_eta_after_rto", warning=True))
    return findings


def _hours(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"


def _check_contacts(scenario: Scenario) -> list[Finding]:
    """Contact ids given twice; deputy orders naming contacts that do not exist (or not as many
    as the free-text order beside them); contacts taking over steps that do not exist."""
    contacts = scenario.annexes.contacts
    ids = [c.id for c in contacts if c.id is not None]
    findings = duplicate_ids(("annexes", "contacts"), [c.id or f"#{n}" for n, c in enumerate(contacts)], "contacts")
    steps = [s.id for s in scenario.steps]
    for index, contact in enumerate(contacts):
        for ref_index, step_id in enumerate(contact.takes_over):
            if step_id not in steps:
                findings.append(reference_finding(("annexes", "contacts", index, "takes_over", ref_index), "step",
                                                  step_id, steps))
    for index, role in enumerate(scenario.roles):
        for ref_index, contact_id in enumerate(role.deputy_contacts):
            if contact_id not in ids:
                findings.append(reference_finding(("roles", index, "deputy_contacts", ref_index), "contact",
                                                  contact_id, ids))
        if role.deputies and role.deputy_contacts and len(role.deputies) != len(role.deputy_contacts):
            findings.append(Finding(("roles", index, "deputy_contacts"), "deputy_contacts_count",
                                    {"role": role.id, "contacts": len(role.deputy_contacts),
                                     "deputies": len(role.deputies)}))
    return findings


def check_scale(scale: Scale, base: Loc = ()) -> list[Finding]:
    findings: list[Finding] = []
    findings += duplicate_ids(base + ("dimensions",), [d.id for d in scale.dimensions], "dimensions")
    seen_keys: dict[str, Loc] = {}
    for d_index, dimension in enumerate(scale.dimensions):
        here = base + ("dimensions", d_index)
        findings += duplicate_ids(here + ("groups",), [g.id for g in dimension.groups], "groups")
        codes = [o.code for o in dimension.options]
        for o_index, code in enumerate(codes):
            if code in codes[:o_index]:
                findings.append(Finding(here + ("options", o_index, "code"), "duplicate_id",
                                        {"kind": "options", "value": code},
                                        related=here + ("options", codes.index(code), "code")))
        groups = [g.id for g in dimension.groups]
        for o_index, option in enumerate(dimension.options):
            if option.group is not None and option.group not in groups:
                findings.append(reference_finding(here + ("options", o_index, "group"), "group",
                                                  option.group, groups))
            # Keys must differ across dimensions too: one key press, one meaning.
            key_loc = here + ("options", o_index, "key")
            if option.key in seen_keys:
                findings.append(Finding(key_loc, "duplicate_key_binding", {"key": option.key},
                                        related=seen_keys[option.key]))
            else:
                seen_keys[option.key] = key_loc
    return findings


def _walk_sections(sections: Sequence[ChecklistSection], base: Loc,
                   section_ids: dict[str, Loc], item_ids: dict[str, Loc],
                   findings: list[Finding]) -> None:
    for s_index, section in enumerate(sections):
        here = base + (s_index,)
        if section.id in section_ids:
            findings.append(Finding(here + ("id",), "duplicate_id",
                                    {"kind": "sections", "value": section.id},
                                    related=section_ids[section.id] + ("id",)))
        section_ids.setdefault(section.id, here)
        if not any(True for _ in section.all_items()):
            findings.append(Finding(here + ("id",), "empty_section", {"section": section.id}))
        for i_index, item in enumerate(section.items):
            if item.id in item_ids:
                findings.append(Finding(here + ("items", i_index, "id"), "duplicate_id",
                                        {"kind": "items", "value": item.id},
                                        related=item_ids[item.id] + ("id",)))
            item_ids.setdefault(item.id, here + ("items", i_index))
        _walk_sections(section.sections, here + ("sections",), section_ids, item_ids, findings)


def check_checklist(checklist: Checklist) -> list[Finding]:
    findings: list[Finding] = []
    _walk_sections(checklist.sections, ("sections",), {}, {}, findings)
    if isinstance(checklist.scale, Scale):
        findings += check_scale(checklist.scale, ("scale",))
    for here, link in evidence_links(checklist):
        if link.step is not None and link.objective is not None:  # one result per line: which would it be?
            findings.append(Finding(here + ("objective",), "evidence_step_and_objective",
                                    {"step": link.step, "objective": link.objective}))
    return findings


def evidence_links(checklist: Checklist) -> list[tuple[Loc, EvidenceLink]]:
    """Every `evidence_from` line of a checklist, with its place in the file."""
    found: list[tuple[Loc, EvidenceLink]] = []

    def walk(sections: Sequence[ChecklistSection], base: Loc) -> None:
        for s_index, section in enumerate(sections):
            for i_index, item in enumerate(section.items):
                found.extend((base + (s_index, "items", i_index, "evidence_from", e_index), link)
                             for e_index, link in enumerate(item.evidence_from))
            walk(section.sections, base + (s_index, "sections"))

    walk(checklist.sections, ("sections",))
    return found


def check_evidence_links(checklist: Checklist, scenarios: Mapping[str, Scenario]) -> list[Finding]:
    """Evidence lines naming a scenario, step or objective the library does not have: warnings (the
    checklist is still reviewed; such a line proposes nothing). Not asked when no scenario is loaded
    (a checklist checked on its own)."""
    if not scenarios:
        return []
    findings: list[Finding] = []
    for here, link in evidence_links(checklist):
        scenario = scenarios.get(link.scenario)
        if scenario is None:
            found = reference_finding(here + ("scenario",), "scenario", link.scenario, sorted(scenarios))
            findings.append(replace(found, warning=True))
            continue
        for key, value, known in (("step", link.step, [s.id for s in scenario.steps]),
                                  ("objective", link.objective, [o.id for o in scenario.objectives])):
            if value is not None and value not in known:
                guess = closest(value, known)
                findings.append(Finding(
                    here + (key,), "unknown_evidence_reference", {"kind": key, "value": value,
                                                                  "scenario": scenario.id},
                    "did_you_mean" if guess else "known_ids",
                    {"suggestion": guess} if guess else {"ids": ", ".join(known) or "-"}, warning=True))
    return findings


def _injects_far_past(scenario: Scenario) -> list[Finding]:
    """Injects timed far beyond the scenario's last checkpoint: most often a time of day typed
    where T+ was meant (13:30 in a one-hour drill), so validate says so, as a warning."""
    if not scenario.phases:
        return []
    last = max((phase.at_minutes for phase in scenario.phases if phase.at_minutes is not None), default=0)
    limit = last + max(60, last // 2)
    found = []
    starting = {p.starts_after.inject for p in scenario.phases if p.starts_after is not None}
    for index, inject in enumerate(scenario.injects):
        # (an inject a phase starts at is that phase's moment: far past the timed ones on purpose)
        if inject.at_minutes is not None and inject.at_minutes > limit and inject.id not in starting:
            time = f"T+{inject.at_minutes // 60}:{inject.at_minutes % 60:02d}"
            found.append(Finding(("injects", index, "at_minutes"), "inject_far_past",
                                 {"inject": inject.id, "time": time, "last": f"T+{last // 60}:{last % 60:02d}"},
                                 hint="inject_far_past", hint_params={"time": time}, warning=True))
    return found


# ---------------------------------------------------------------- clock-time injects, event-started phases


def _in_event_phase(scenario: Scenario, step: Step) -> bool:
    phase = scenario.phase(step.phase)
    return phase is not None and phase.starts_after is not None


def _check_clock_injects(scenario: Scenario) -> list[Finding]:
    """An inject given at a time of day and at a T+ minute as well, or by a decision as well."""
    findings: list[Finding] = []
    for index, inject in enumerate(scenario.injects):
        if inject.at_time is None:
            continue
        here: Loc = ("injects", index, "at_time")
        if inject.at_minutes is not None:
            findings.append(Finding(here, "two_inject_times", {"inject": inject.id, "time": inject.at_time,
                                                               "minutes": inject.at_minutes}, "one_inject_time"))
        elif scenario.triggered(inject.id):
            findings.append(Finding(here, "triggered_inject_clock", {"inject": inject.id}, "drop_at_time"))
    return findings


def _check_phase_starts(scenario: Scenario, known: _KnownIds) -> list[Finding]:
    """Each phase starts at a minute or at an event, exactly one; the event's inject or step exists."""
    findings: list[Finding] = []
    for index, phase in enumerate(scenario.phases):
        here: Loc = ("phases", index)
        start = phase.starts_after
        if start is None:
            if phase.at_minutes is None:
                findings.append(Finding(here + ("id",), "phase_without_start", {"phase": phase.id}, "phase_start"))
            continue
        if phase.at_minutes is not None:
            findings.append(Finding(here + ("starts_after",), "phase_two_starts",
                                    {"phase": phase.id, "minutes": phase.at_minutes}, "phase_start"))
        if (start.inject is None) == (start.step is None):
            findings.append(Finding(here + ("starts_after",), "phase_start_one_event", {"phase": phase.id},
                                    "phase_start"))
        if start.inject is not None and start.inject not in known.injects:
            findings.append(reference_finding(here + ("starts_after", "inject"), "inject", start.inject,
                                              known.injects))
        if start.step is not None and start.step not in known.steps:
            findings.append(reference_finding(here + ("starts_after", "step"), "step", start.step, known.steps))
    return findings


def _phase_event_steps(scenario: Scenario) -> dict[str, str]:
    """Phase id → the step its start waits for: the step it starts after, or the one decision
    step whose option gives the inject it starts after."""
    found: dict[str, str] = {}
    for phase in scenario.phases:
        start = phase.starts_after
        if start is None:
            continue
        if start.step is not None and scenario.step(start.step) is not None:
            found[phase.id] = start.step
        elif start.inject is not None:
            giving = {s.id for s in scenario.steps for o in s.options if start.inject in o.triggers}
            if len(giving) == 1:
                found[phase.id] = giving.pop()
    return found


def _phase_start_cycles(scenario: Scenario) -> list[Finding]:
    """A phase that could never start: the event it starts after waits, however far round
    (`after`, decisions, other event-started phases), for a step of the phase itself."""
    event_steps = _phase_event_steps(scenario)
    known = {s.id for s in scenario.steps}
    waits_for: dict[str, list[str]] = {s.id: [o for o in s.after if o in known] for s in scenario.steps}
    for step in scenario.steps:
        for option in step.options:
            for other in [*option.enables, *option.skips]:
                if other in known:
                    waits_for[other].append(step.id)
        if step.phase in event_steps:
            waits_for[step.id].append(event_steps[step.phase])
    findings = []
    for index, phase in enumerate(scenario.phases):
        start = event_steps.get(phase.id)
        if start is None:
            continue
        inside = {s.id for s in scenario.steps_in(phase.id)}
        path = _path_into(waits_for, start, inside)
        if path:
            kind = "step" if phase.starts_after and phase.starts_after.step else "inject"
            findings.append(Finding(("phases", index, "starts_after", kind), "phase_start_cycle",
                                    {"phase": phase.id, "cycle": " -> ".join([phase.id, *path, phase.id])},
                                    "break_phase_cycle"))
    return findings


def _path_into(waits_for: dict[str, list[str]], start: str, targets: set[str]) -> list[str]:
    """The shortest chain of waits from START to a step in TARGETS ([] when none)."""
    came_from: dict[str, str | None] = {start: None}
    queue = [start]
    while queue:
        current = queue.pop(0)
        if current in targets:
            path = [current]
            while (before := came_from[path[-1]]) is not None:
                path.append(before)
            return path[::-1]
        for other in waits_for.get(current, []):
            if other not in came_from:
                came_from[other] = current
                queue.append(other)
    return []


# ---------------------------------------------------------------- ranges and variants (issue 26)

_RANGE_KEYS = {"at_least": ("at_least",), "at_most": ("at_most",), "between": ("from", "to")}


def _written_whens(scenario: Scenario) -> Iterable[tuple[Loc, dict[str, list[str]]]]:
    """Every `when` with where it is written: steps', their `by_condition` entries', injects'."""
    for index, step in enumerate(scenario.steps):
        yield ("steps", index, "when"), step.when
        for v_index, variant in enumerate(step.by_condition):
            yield ("steps", index, "by_condition", v_index, "when"), variant.when
    for index, inject in enumerate(scenario.injects):
        yield ("injects", index, "when"), inject.when


def _check_when_ranges(scenario: Scenario) -> list[Finding]:
    """A range on a condition whose values are not in order, naming a value it does not have,
    or covering no value (from after to)."""
    findings: list[Finding] = []
    for here, when in _written_whens(scenario):
        for condition_id, values in when.items():
            condition = scenario.condition(condition_id)
            if not isinstance(values, ValueRange) or condition is None:
                continue  # an unknown condition is named by _check_when
            at = here + (condition_id,)
            known = [v.id for v in condition.values]
            if not condition.ordered:
                findings.append(Finding(at, "when_range_unordered", {"condition": condition_id},
                                        "when_range_unordered"))
                continue
            ends = [(key, end) for key, end in zip(_RANGE_KEYS[values.form],
                                                   [e for e in (values.low, values.high) if e is not None],
                                                   strict=True)]
            unknown = [(key, end) for key, end in ends if end not in known]
            findings += [reference_finding(at + (key,), "condition_value", end, known) for key, end in unknown]
            if not unknown and not values:
                findings.append(Finding(at, "when_range_empty",
                                        {"condition": condition_id, "low": values.low, "high": values.high}))
    return findings


def _check_variants(scenario: Scenario, known: _KnownIds) -> list[Finding]:
    """`by_condition` entries: their conditions, roles and targets, and entries no drill can take."""
    findings: list[Finding] = []
    for index, step in enumerate(scenario.steps):
        for v_index, variant in enumerate(step.by_condition):
            here: Loc = ("steps", index, "by_condition", v_index)
            findings += _check_when(scenario, here, variant.when)
            findings += _check_variant_fields(scenario, known, here, step, variant)
        findings += _variants_never_taken(scenario, ("steps", index), step)
    return findings


def _check_variant_fields(scenario: Scenario, known: _KnownIds, here: Loc, step: Step,
                          variant: ConditionVariant) -> list[Finding]:
    findings: list[Finding] = []
    if variant.role is not None and variant.role not in known.roles:
        findings.append(reference_finding(here + ("role",), "role", variant.role, known.roles))
    for ref_index, role_id in enumerate(variant.support_roles or []):
        if role_id not in known.roles:
            findings.append(reference_finding(here + ("support_roles", ref_index), "role", role_id, known.roles))
    if variant.target_minutes is not None and variant.target_after_minutes is not None:
        findings.append(Finding(here + ("target_after_minutes",), "two_targets", {"step": step.id}, "one_target"))
    elif variant.target_after_minutes is not None and not step.waits and not scenario.enabling(step.id):
        findings.append(Finding(here + ("target_after_minutes",), "relative_target_without_after",
                                {"step": step.id}, "add_after"))
    phase = known.phases.get(step.phase)
    start = phase.at_minutes if phase is not None else None
    if variant.target_minutes is not None and start is not None and variant.target_minutes < start:
        findings.append(Finding(here + ("target_minutes",), "step_before_phase",
                                {"step": step.id, "minutes": variant.target_minutes,
                                 "phase": step.phase, "phase_minutes": start}))
    if not variant.changes():
        findings.append(Finding(here + ("when",), "variant_changes_nothing", {"step": step.id},
                                "variant_fields", warning=True))
    return findings


_MAX_CASES = 4096  # conditions × values a step's entries are tried against; beyond it, not tried


def _variants_never_taken(scenario: Scenario, here: Loc, step: Step) -> list[Finding]:
    """The `by_condition` entries no drill of the scenario would take: every case they name is
    taken by an entry above, is ruled out by a fixed value, or is one the step does not apply in."""
    known = _variant_conditions(scenario, step)
    cases = _cases(scenario, step, known) if known is not None else None
    if known is None or cases is None:
        return []
    findings: list[Finding] = []
    for v_index, variant in enumerate(step.by_condition):
        if any(not values or not set(values) <= known[c] for c, values in variant.when.items()):
            continue  # an unknown value, or a range that covers nothing, is named by _check_when(_ranges)
        if not any(variant.matches(case) and step.variant_under(case) is variant for case in cases):
            findings.append(Finding(here + ("by_condition", v_index, "when"), "variant_never_taken",
                                    {"step": step.id, "number": v_index + 1}, "variant_never_taken"))
    return findings


def _variant_conditions(scenario: Scenario, step: Step) -> dict[str, set[str]] | None:
    """The conditions a step's entries name, each with its values; None when one is unknown
    (named by _check_when)."""
    known: dict[str, set[str]] = {}
    for name in dict.fromkeys(c for v in step.by_condition for c in v.when):
        condition = scenario.condition(name)
        if condition is None:
            return None
        known[name] = {v.id for v in condition.values}
    return known


def _cases(scenario: Scenario, step: Step, known: dict[str, set[str]]) -> list[dict[str, str]] | None:
    """Every combination of those conditions' values a drill of the step can play (fixed values
    and the step's own `when` honoured), in the order written; None when there are too many."""
    import itertools

    choices: list[list[tuple[str, str]]] = []
    for name in known:
        condition = scenario.condition(name)
        assert condition is not None
        choices.append([(name, v.id) for v in condition.values if condition.fixed in (None, v.id)
                        and (name not in step.when or v.id in step.when[name])])
    count = 1
    for values in choices:
        count *= len(values)
    if count > _MAX_CASES:
        return None
    return [dict(case) for case in itertools.product(*choices)]
