"""What a set-up screen shows of a scenario or a checklist, in plain data.

Made from the validated models (`content_outline`) and kept beside them in the derived copy
of the content (content/cache.py), so that `run SCENARIO` and `review CHECKLIST` draw their
set-up screen before pydantic and the content models are loaded; the validated content is
read once the screen is drawn. Nothing here imports pydantic: the models are only read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bcp_drill.i18n import Lang, in_language

if TYPE_CHECKING:
    from bcp_drill.content.models import Checklist, Condition, Scenario


@dataclass(frozen=True)
class Words:
    """A text in Japanese and, when written, English (as content.fields.LocalizedText gives it)."""

    ja: str | None
    en: str | None = None

    def get(self, lang: Lang) -> str:
        return in_language(self.ja, self.en, lang)

    @classmethod
    def of(cls, text: Any) -> Words:
        return cls(text.ja, text.en)


@dataclass(frozen=True)
class ConditionValueOutline:
    id: str
    title: Words


@dataclass(frozen=True)
class ConditionOutline:
    """A condition the set-up asks for (unless the scenario fixes it): its values in order."""

    id: str
    title: Words
    values: tuple[ConditionValueOutline, ...]
    fixed: str | None = None

    def value(self, value_id: str) -> ConditionValueOutline | None:
        return next((v for v in self.values if v.id == value_id), None)


@dataclass(frozen=True)
class ScenarioOutline:
    id: str
    title: Words
    summary: Words
    notes: Words | None
    sources: tuple[Words, ...]  # each reference on one line (`one_line`), in either language
    drill_types: tuple[str, ...]
    conditions: tuple[ConditionOutline, ...]
    contact_names: tuple[str, ...]  # of the contact list, in both languages (who may be unreachable)

    def condition(self, condition_id: str) -> ConditionOutline | None:
        return next((c for c in self.conditions if c.id == condition_id), None)


@dataclass(frozen=True)
class ChecklistOutline:
    id: str
    title: Words
    description: Words | None


@dataclass(frozen=True)
class ContentOutline:
    """Every valid scenario and checklist of a content library, outlined, by id."""

    scenarios: dict[str, ScenarioOutline]
    checklists: dict[str, ChecklistOutline]


def condition_outline(condition: Condition) -> ConditionOutline:
    return ConditionOutline(condition.id, Words.of(condition.title),
                            tuple(ConditionValueOutline(v.id, Words.of(v.title)) for v in condition.values),
                            condition.fixed)


def scenario_outline(scenario: Scenario) -> ScenarioOutline:
    return ScenarioOutline(
        id=scenario.id, title=Words.of(scenario.title), summary=Words.of(scenario.summary),
        notes=Words.of(scenario.notes) if scenario.notes else None,
        sources=tuple(Words(r.one_line("ja"), r.one_line("en")) for r in scenario.sources),
        drill_types=tuple(d.value for d in scenario.drill_types),
        conditions=tuple(condition_outline(c) for c in scenario.conditions),
        contact_names=tuple(name for c in scenario.annexes.contacts if c.name
                            for name in (c.name.ja, c.name.en) if name))


def checklist_outline(checklist: Checklist) -> ChecklistOutline:
    return ChecklistOutline(checklist.id, Words.of(checklist.title),
                            Words.of(checklist.description) if checklist.description else None)


def content_outline(scenarios: dict[str, Any], checklists: dict[str, Any]) -> ContentOutline:
    """The outline of a library's SCENARIOS and CHECKLISTS (its loaded files, by id)."""
    return ContentOutline({key: scenario_outline(f.document) for key, f in scenarios.items()},
                          {key: checklist_outline(f.document) for key, f in checklists.items()})
