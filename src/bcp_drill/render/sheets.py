"""Printable check sheets for drills when the power is out, and for reviews on paper."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bcp_drill.content.fields import text
from bcp_drill.content.models import (
    Checklist,
    ChecklistSection,
    Scenario,
    Step,
)
from bcp_drill.content.scales import Scale
from bcp_drill.drill.view import in_recovery_order
from bcp_drill.drill.wording import (
    decision_gate_text,
    deputy_order_text,
    inject_time_text,
    phase_start_words,
    reference_text,
    role_name,
    roles_text,
    system_order_text,
    system_plan_text,
    taken_over_text,
    value_blank,
    value_gate_text,
    variants_text,
    when_text,
)
from bcp_drill.i18n import Lang, Translator
from bcp_drill.render.annexes import annex_tables
from bcp_drill.render.reports import _environment, _helpers
from bcp_drill.render.tables import render_markdown


@dataclass
class SheetRow:
    depth: int
    heading: str
    item_id: str = ""
    requirement: str = ""
    guidance: str = ""
    evidence_prompt: str = ""


def _rows(sections: list[ChecklistSection], lang: Lang, depth: int = 0) -> list[SheetRow]:
    rows = []
    for section in sections:
        rows.append(SheetRow(depth, section.title.get(lang)))
        for item in section.items:
            rows.append(SheetRow(depth + 1, "", item.id, item.requirement.get(lang), text(item.guidance, lang),
                                 text(item.evidence_prompt, lang)))
        rows += _rows(section.sections, lang, depth + 1)
    return rows


def render_scenario_sheet(scenario: Scenario, fmt: str, t: Translator, now: datetime) -> bytes:
    def role(role_id: str) -> str:
        found = scenario.role(role_id)
        return found.title.get(t.lang) if found else role_id

    def waits(step: Step) -> str:
        names = [f"{t('tui.decision')} {d.title.get(t.lang)}" for d in scenario.enabling(step.id)]
        names += [(found.title.get(t.lang) if (found := scenario.step(other)) else other) for other in step.after]
        names += [f"{t('ref_kind.inject')} {inject_id}" for inject_id in step.after_injects]
        return ", ".join(names)

    def objective_titles(step: Step) -> str:
        return ", ".join(o.title.get(t.lang) for o in scenario.objectives if o.id in step.objectives)

    annexes = annex_tables(scenario, t)
    context = {"s": scenario, "role": role, "target": lambda step: variants_text(step, scenario, t),
               "phase_start": lambda phase: phase_start_words(phase, scenario, t),
               "annexes": annexes, "annexes_md": "\n".join(render_markdown(table) for table in annexes),
               "place": lambda location_id: (loc.name.get(t.lang) if (loc := scenario.location(location_id))
                                             else location_id),
               "reference": lambda ref: reference_text(ref, t),
               "when": lambda item: when_text(item, scenario, t), "waits": waits,
               "inject_time": lambda inject: inject_time_text(inject, scenario, t),
               "gate": lambda step: "; ".join(x for x in (decision_gate_text(step, scenario, t),
                                                           value_gate_text(step, scenario, t)) if x),
               "value_blank": lambda check: value_blank(check, t),
               "roles": lambda step: roles_text(step, scenario, t),
               "deputy_orders": lambda step: "; ".join(
                   f"{role_name(scenario, r, t)}: {order}" for r in step.all_roles
                   if (order := deputy_order_text(scenario, r, t))),
               "objective_titles": objective_titles, **_helpers(t, now)}
    context.update(_register_context(scenario, t))
    name = f"sheet_scenario.{fmt}.j2"
    return _environment(fmt == "html").get_template(name).render(context).encode("utf-8")


def _register_context(scenario: Scenario, t: Translator) -> dict[str, object]:
    """The systems annex in recovery order, each with its recovery order before its name and the
    plan's RPO and vendor's expected recovery under its RTO (no wider on A4); the people taking
    over a step."""
    return {"systems": in_recovery_order(scenario.systems),
            "system_order": lambda system: system_order_text(system, t),
            "system_plan": lambda system: system_plan_text(system, t),
            "taken_over": lambda step: taken_over_text(scenario, step, t)}


def render_checklist_sheet(checklist: Checklist, scale: Scale, fmt: str, t: Translator, now: datetime) -> bytes:
    context = {"c": checklist, "scale": scale, "rows": _rows(checklist.sections, t.lang),
               "review_assessment": t("review.assessment"), **_helpers(t, now)}
    name = f"sheet_checklist.{fmt}.j2"
    return _environment(fmt == "html").get_template(name).render(context).encode("utf-8")
