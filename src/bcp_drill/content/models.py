"""The content file formats: Scenario (a drill) and Checklist (review items)."""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum
from functools import cached_property
from typing import Annotated, Any, Iterator, Literal, Mapping, Union

from pydantic import (
    BeforeValidator,
    Discriminator,
    Field,
    Tag,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from bcp_drill.content.fields import ID_PATTERN, ContentModel, Id, LocalizedText, Minutes, Version
from bcp_drill.content.scales import Scale
from bcp_drill.i18n import Lang


class DrillType(StrEnum):
    """Kinds of exercise, after FEMA HSEEP and NIST SP 800-84."""

    WALKTHROUGH = "walkthrough"  # 読み合わせ
    TABLETOP = "tabletop"  # 机上訓練
    FUNCTIONAL = "functional"  # 機能別訓練 / 実動訓練
    FULL_SCALE = "full_scale"  # 総合訓練


# ---------------------------------------------------------------- scenario


class Objective(ContentModel):
    id: Id
    title: LocalizedText
    description: LocalizedText | None = None


class Contact(ContentModel):
    """A line of the emergency contact list (MIC 様式9)."""

    id: Id | None = Field(None, description="So a role's deputy order can name the person (deputy_contacts).")
    role: Id | None = None
    name: LocalizedText | None = None
    title: LocalizedText | None = Field(None, description="Their post (役職), e.g. 情報政策課長補佐.")
    organisation: LocalizedText | None = None
    phone: str = ""
    email: str = ""
    alternate: LocalizedText | None = None  # another way to reach them (satellite phone, radio...)
    call_in_minutes: Minutes | None = Field(None, description="Minutes they need to reach the hall (参集に要する時間).")
    takes_over: list[Id] = Field(default_factory=list, description="Steps this person takes over as deputy.")


class Resource(ContentModel):
    """A line of the minimum resources list (MIC 様式18): generator, fuel, spare PCs..."""

    name: LocalizedText
    quantity: str = ""
    location: Id | None = None
    notes: LocalizedText | None = None


class Location(ContentModel):
    """A place the plan uses: the hall, the server room, the alternate site, shelters."""

    id: Id
    name: LocalizedText
    address: LocalizedText | None = None
    notes: LocalizedText | None = None


class Reference(ContentModel):
    """Where something is written down: the plan's clause, another document, a link."""

    title: LocalizedText
    clause: LocalizedText | None = None
    link: str = ""

    def one_line(self, lang: Lang) -> str:
        """"ICT-BCP 初動版（第3章2） https://…" — the reference on one line, in LANG."""
        parts = [self.title.get(lang)]
        if self.clause:
            clause = self.clause.get(lang)
            parts[0] += f"（{clause}）" if lang == "ja" else f" ({clause})"
        if self.link:
            parts.append(self.link)
        return " ".join(parts)


class Annexes(ContentModel):
    """The lists a runner opens with a key and a sheet prints after the steps (別紙)."""

    contacts: list[Contact] = Field(default_factory=list)
    resources: list[Resource] = Field(default_factory=list)
    locations: list[Location] = Field(default_factory=list)
    references: list[Reference] = Field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.contacts or self.resources or self.locations or self.references)

    def contact(self, contact_id: str) -> Contact | None:
        return next((c for c in self.contacts if c.id == contact_id), None)

    def taking_over(self, step_id: str) -> list[Contact]:
        """The contacts who take over STEP_ID as deputy (their `takes_over`)."""
        return [c for c in self.contacts if step_id in c.takes_over]


class Team(ContentModel):
    """A team (班) roles belong to, e.g. 情報システム班."""

    id: Id
    title: LocalizedText


class Role(ContentModel):
    """A response role a step is assigned to (e.g. ICT責任者, ネットワーク担当)."""

    id: Id
    title: LocalizedText
    description: LocalizedText | None = None
    team: Id | None = None
    # Who acts when the holder cannot be reached, in order (代行順位): 1st deputy first.
    deputies: list[LocalizedText] = Field(default_factory=list, description="Deputy order (代行順位), first first.")
    deputy_contacts: list[Id] = Field(default_factory=list, description=(
        "The deputy order as people of the contact list (annexes.contacts ids), first first."))

    @property
    def deputy_count(self) -> int:
        """How many deputies the order names (free text, contacts, or both side by side)."""
        return max(len(self.deputies), len(self.deputy_contacts))


class PhaseStart(ContentModel):
    """The event a phase begins at: an inject given, or a step with its outcome (exactly one)."""

    inject: Id | None = None
    step: Id | None = None


class Phase(ContentModel):
    """A checkpoint grouping steps: at an elapsed time (T+0, 10 min, 1 h, ...), or at an event
    (`starts_after`: the warning lifted, power back); exactly one of the two."""

    id: Id
    title: LocalizedText
    at_minutes: Minutes | None = None
    starts_after: PhaseStart | None = Field(None, description=(
        "The phase begins when this inject is given or this step has its outcome; its steps wait for it "
        "and their target_minutes count from then."))
    description: LocalizedText | None = None


_CLOCK_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def _clock_time(value: Any) -> Any:
    """A time of day "HH:MM" (24-hour; full-width digits and colon accepted), as "13:30"."""
    if isinstance(value, str):
        typed = unicodedata.normalize("NFKC", value).strip()
        if _CLOCK_TIME.match(typed):
            return typed.zfill(5)
    raise PydanticCustomError("bad_clock", "not a clock time: {value}", {"value": value})


ClockTime = Annotated[str, BeforeValidator(_clock_time)]


def clock_minutes(at_time: str) -> int:
    """Minutes after midnight of a ClockTime ("13:30" → 810)."""
    hours, minutes = at_time.split(":")
    return int(hours) * 60 + int(minutes)


class System(ContentModel):
    """An information system of the organisation with its recovery target (MIC 様式17)."""

    id: Id
    name: LocalizedText
    priority: Literal["A", "B", "C", "D"]  # recovery priority, A first
    rto_minutes: Minutes = Field(description="Recovery time objective in minutes from T+0.")
    owner: LocalizedText | None = None  # the department that runs it (所管課)
    vendor: LocalizedText | None = None  # who to call (保守業者)
    notes: LocalizedText | None = None
    rpo_minutes: Minutes | None = Field(None, description=(
        "Recovery point objective (目標復旧時点): minutes of data before the incident that may be lost."))
    recovery_order: int | None = Field(None, ge=1, description=(
        "Recovery order (復旧順位): 1 first; unique in a register."))
    vendor_eta_minutes: Minutes | None = Field(
        None, description="The vendor's expected recovery time, minutes from T+0.")

    @property
    def vendor_late(self) -> bool:
        """The vendor expects to recover it only after its RTO: the plan cannot meet its own target."""
        return self.vendor_eta_minutes is not None and self.vendor_eta_minutes > self.rto_minutes


class SystemsRegister(ContentModel):
    """A register of systems several scenarios share (`systems_register: ID` in a scenario)."""

    kind: Literal["systems"]
    id: Id
    version: Version
    title: LocalizedText
    systems: Annotated[list[System], Field(min_length=1)]


class ConditionValue(ContentModel):
    id: Id
    title: LocalizedText


class Condition(ContentModel):
    """Something the plan differs by (office hours or not, seismic intensity, season...).

    The drill set-up asks for its value, unless the scenario fixes it; steps and injects
    with a `when` apply only under the values they name.
    """

    id: Id
    title: LocalizedText
    values: Annotated[list[ConditionValue], Field(min_length=2)]
    fixed: Id | None = Field(None, description="The value this scenario always plays; set-up does not ask.")
    description: LocalizedText | None = None
    ordered: bool = Field(False, description=(
        "Its values are listed in order (震度 5弱, 5強, 6弱...): a `when` may then name a range of them "
        "({at_least: ID}, {at_most: ID} or {from: ID, to: ID})."))

    def value(self, value_id: str) -> ConditionValue | None:
        return next((v for v in self.values if v.id == value_id), None)

    def values_in(self, written: ValueRange) -> list[str] | None:
        """The ids of the values a range names, in order; None when the condition is not ordered
        or the range names a value it does not have."""
        ids = [v.id for v in self.values]
        if not self.ordered or any(end is not None and end not in ids for end in (written.low, written.high)):
            return None
        low = ids.index(written.low) if written.low is not None else 0
        high = ids.index(written.high) if written.high is not None else len(ids) - 1
        return ids[low:high + 1]


def _one_or_many(value: Any) -> Any:
    # `when: {hours: off_hours}` and `when: {hours: [office, off_hours]}` both read naturally.
    if isinstance(value, dict):
        return {key: [item] if isinstance(item, str) else item for key, item in value.items()}
    return value


class ValueRange(list[str]):
    """A range of an ordered condition's values as written (`{at_least: six_lower}`): the list of
    the values it covers (filled in when the scenario is read) that remembers how it was written,
    so that it can be worded "震度6弱以上" rather than as three values."""

    def __init__(self, form: str, low: str | None, high: str | None) -> None:
        super().__init__()
        self.form = form  # at_least, at_most or between
        self.low = low
        self.high = high

    def __reduce__(self) -> Any:  # copies and pickles keep the written form
        return (ValueRange, (self.form, self.low, self.high), None, iter(self))

    def __repr__(self) -> str:
        return f"ValueRange({self.form}, {self.low}, {self.high}, {list(self)})"


_RANGE_FORMS = {frozenset({"at_least"}): "at_least", frozenset({"at_most"}): "at_most",
                frozenset({"from", "to"}): "between"}


def _value_range(written: dict) -> ValueRange:
    form = _RANGE_FORMS.get(frozenset(written))
    if form is None or not all(isinstance(v, str) for v in written.values()):
        raise PydanticCustomError("bad_range", "write a range as {at_least: ID}, {at_most: ID} or {from: ID, to: ID}")
    for value in written.values():
        if not ID_PATTERN.match(value):
            raise PydanticCustomError("bad_id", "not a valid id: {value}", {"value": value})
    return ValueRange(form, written.get("at_least", written.get("from")), written.get("at_most", written.get("to")))


def _values_or_range(value: Any, handler: ValidatorFunctionWrapHandler) -> list[str]:
    # A range is kept as written; the scenario fills in its values (it knows the condition's order).
    if isinstance(value, dict):
        return _value_range(value)
    values: list[str] = handler(value)
    return values


# The values a `when` names for one condition: a list, or a range of an ordered condition's values.
ConditionValues = Annotated[
    list[Id], Field(min_length=1), WrapValidator(_values_or_range, json_schema_input_type=Union[
        Id, list[Id], dict[Literal["at_least", "at_most", "from", "to"], Id]])]

# Condition id → the values under which a step or inject applies (all conditions must hold).
When = Annotated[dict[Id, ConditionValues], BeforeValidator(_one_or_many)]


def _fill_ranges(conditions: list[Condition], whens: Iterator[Mapping[str, list[str]]]) -> None:
    """Give every range in WHENS the values it covers (none when it cannot be read: the checks say why)."""
    for when in whens:
        for condition_id, values in when.items():
            condition = next((c for c in conditions if c.id == condition_id), None)
            if isinstance(values, ValueRange) and condition is not None:
                values[:] = condition.values_in(values) or []


def applies_under(when: Mapping[str, list[str]], values: Mapping[str, str]) -> bool:
    """Whether something with WHEN applies under a drill's condition VALUES.

    A condition with no recorded value does not rule anything out.
    """
    return all(values.get(condition) is None or values[condition] in allowed
               for condition, allowed in when.items())


class ValueSpec(ContentModel):
    """A value a check item takes (UPS minutes left, fuel hours, response rate...): a value
    outside `min` / `max` is flagged (the threshold's own value is within)."""

    kind: Literal["number", "percent", "text"]
    unit: LocalizedText | None = None  # 分, 時間, L... (percent needs none)
    min: float | None = None
    max: float | None = None


def _check_form(value: Any) -> Any:
    # A check is written as plain text, as {ja, en}, or as {text, value} when it takes a value.
    if isinstance(value, str) or (isinstance(value, dict) and "text" not in value):
        return {"text": value}
    return value


class CheckItem(ContentModel):
    text: LocalizedText
    value: ValueSpec | None = None

    def get(self, lang: Lang) -> str:
        return self.text.get(lang)


Check = Annotated[CheckItem, BeforeValidator(_check_form)]


class DecisionOption(ContentModel):
    """One choice of a decision step (e.g. continue in the hall / move to the alternate site)."""

    id: Id
    title: LocalizedText
    description: LocalizedText | None = None
    enables: list[Id] = Field(default_factory=list, description="Steps that apply only when this option is chosen.")
    skips: list[Id] = Field(default_factory=list, description="Steps that do not apply when it is chosen.")
    triggers: list[Id] = Field(default_factory=list, description="Injects given the moment it is chosen.")


class AppliesIf(ContentModel):
    """A step that applies only by a value measured in the drill (fuel below 12 h -> order fuel):
    check CHECK (from 1) of step STEP, a check with a `value:` threshold."""

    step: Id
    check: int = Field(ge=1, description="The check of that step, from 1; it takes a value with min or max.")
    outside: bool = Field(True, description="true: applies when the value is outside its threshold (flagged); "
                                            "false: when it is within.")


class Repeat(ContentModel):
    """An action repeated during the drill (定時報告 every 3 hours), each occurrence recorded: the
    first is due at the step's target, occurrence k at the target + (k - 1) x every_minutes."""

    every_minutes: Annotated[int, Field(ge=1, le=60 * 24 * 14)]
    until_minutes: Minutes | None = Field(None, description="T+ minutes after which no occurrence falls due; "
                                                            "none: until the drill ends.")


class ConditionVariant(ContentModel):
    """A step's target or owner under some conditions (one column of the plan's table): the
    fields it writes replace the step's in a drill played under WHEN. A target written here
    (either kind) replaces the step's target as a whole."""

    when: Annotated[When, Field(min_length=1)]
    target_minutes: Minutes | None = Field(None, description="Target as drill time (T+ minutes).")
    target_after_minutes: Minutes | None = Field(
        None, description="Target in minutes after the step became possible.")
    role: Id | None = None
    support_roles: list[Id] | None = None

    def matches(self, values: Mapping[str, str]) -> bool:
        """Whether a drill played under VALUES takes this variant (every condition named must
        have a recorded value among those written)."""
        return all(values.get(condition) in allowed for condition, allowed in self.when.items())

    def changes(self) -> dict[str, Any]:
        """The fields of the step this variant replaces, with their values here."""
        written = self.model_fields_set
        changed: dict[str, Any] = {}
        if written & {"target_minutes", "target_after_minutes"}:
            changed.update(target_minutes=self.target_minutes, target_after_minutes=self.target_after_minutes)
        if self.role is not None:
            changed["role"] = self.role
        if self.support_roles is not None:
            changed["support_roles"] = list(self.support_roles)
        return changed


class Step(ContentModel):
    id: Id
    phase: Id
    title: LocalizedText
    role: Id  # the role that leads the step
    support_roles: list[Id] = Field(default_factory=list)  # other roles taking part
    # Absolute target (T+ minutes), or a target relative to when the step became possible
    # (its `after` steps finished, its `after_injects` delivered), or none at all: a step
    # without a target is never overdue and is reported as "no target".
    target_minutes: Minutes | None = Field(None, description="Target as drill time (T+ minutes).")
    target_after_minutes: Minutes | None = Field(
        None, description="Target in minutes after the step became possible (what it waits for was done or given).")
    after: list[Id] = Field(default_factory=list, description="Steps that must have an outcome first.")
    after_injects: list[Id] = Field(default_factory=list, description="Injects that must have been given first.")
    when: When = Field(default_factory=dict, description="Condition id -> the values under which the step applies.")
    instructions: LocalizedText | None = None
    objectives: list[Id] = Field(default_factory=list)
    checks: list[Check] = Field(default_factory=list)
    expected_outcome: LocalizedText | None = None
    location: Id | None = None  # where it is done (one of the annexes' locations)
    references: list[Reference] = Field(default_factory=list)
    # A decision step: exactly one of these is chosen, by whom and when is recorded.
    options: list[DecisionOption] = Field(
        default_factory=list,
        description="A decision step: exactly one option is chosen (by whom and when is recorded).")
    by_condition: list[ConditionVariant] = Field(default_factory=list, description=(
        "Targets or owners that differ by condition: the first entry whose `when` matches the drill's "
        "condition values replaces the fields it writes (target_minutes, target_after_minutes, role, "
        "support_roles)."))
    applies_if: AppliesIf | None = Field(
        None, description="Applies only when a value measured in the drill is outside (or within) its threshold.")
    repeat: Repeat | None = Field(
        None, description="Repeated every N minutes from its target, each occurrence recorded.")

    @property
    def waits(self) -> bool:
        return bool(self.after or self.after_injects or self.applies_if)  # (a value it hangs on: waited for)

    @property
    def all_roles(self) -> list[str]:
        return [self.role, *self.support_roles]

    @property
    def is_decision(self) -> bool:
        return bool(self.options)

    def option(self, option_id: str) -> DecisionOption | None:
        return next((o for o in self.options if o.id == option_id), None)

    def variant_under(self, values: Mapping[str, str]) -> ConditionVariant | None:
        """The first `by_condition` entry a drill played under VALUES takes (None: the step as written)."""
        return next((v for v in self.by_condition if v.matches(values)), None)

    def played_under(self, values: Mapping[str, str]) -> Step:
        """The step as a drill played under VALUES plays it (its `by_condition` entry applied)."""
        variant = self.variant_under(values)
        return self if variant is None else self.model_copy(update=variant.changes())


class Inject(ContentModel):
    """An event given to players at a set time (状況付与)."""

    id: Id
    # T+ minutes it is given at; none: given when a decision option `triggers` it, or by hand.
    at_minutes: Minutes | None = None
    at_time: ClockTime | None = Field(None, description=(
        "Instead of at_minutes: the time of day of the scenario it is given at (\"13:30\"), counted from "
        "the drill's T0; a drill whose T0 is later than it is refused."))
    recipient: Id
    sender: LocalizedText
    channel: LocalizedText
    content: LocalizedText  # what the players are told
    steps: list[Id] = Field(default_factory=list)  # the steps it is meant to set off (their outcome is the response)
    when: When = Field(default_factory=dict)
    # The master scenario events list (MSEL / 状況付与表) columns a controller works from:
    controller: Id | None = None  # the role that gives it
    controller_note: LocalizedText | None = Field(None, description="For the controller only.")
    expected_action: LocalizedText | None = Field(None, description="What the players should do.")
    expected_problems: LocalizedText | None = Field(
        None, description="Problems the controller expects (想定される課題).")
    objectives: list[Id] = Field(default_factory=list)  # the objectives it tests
    contingency: bool = Field(False, description="Given only if needed, by hand; never by the clock.")
    remarks: LocalizedText | None = Field(
        None, description="The city's own remarks on the inject (備考), kept and exported as written.")


class Scenario(ContentModel):
    """An ICT-BCP initial-response drill scenario."""

    kind: Literal["scenario"]
    id: Id
    version: Version
    title: LocalizedText
    summary: LocalizedText
    hazard: LocalizedText
    drill_types: Annotated[list[DrillType], Field(min_length=1)]
    assumptions: list[LocalizedText] = Field(default_factory=list)
    sources: list[Reference] = Field(default_factory=list, description="What the scenario is based on.")
    notes: LocalizedText | None = Field(
        None, description="How to adapt it: which targets are assumptions to replace with the city's own.")
    conditions: list[Condition] = Field(default_factory=list)
    # The systems whose state the drill records: listed here, or in a shared register (both
    # may be used; the library puts the register's systems first).
    systems_register: Id | None = Field(None, description="The id of a shared `kind: systems` register.")
    systems: list[System] = Field(default_factory=list)
    objectives: list[Objective] = Field(default_factory=list)
    teams: list[Team] = Field(default_factory=list)
    roles: Annotated[list[Role], Field(min_length=1)]
    phases: Annotated[list[Phase], Field(min_length=1)]
    steps: Annotated[list[Step], Field(min_length=1)]
    injects: list[Inject] = Field(default_factory=list)
    annexes: Annexes = Field(default_factory=Annexes)

    @model_validator(mode="after")
    def _ranges_as_values(self) -> Scenario:
        # A `when` range ({at_least: six_lower}) names the values it covers from here on.
        _fill_ranges(self.conditions, _whens(self))
        return self

    def location(self, location_id: str) -> Location | None:
        return next((loc for loc in self.annexes.locations if loc.id == location_id), None)

    def system(self, system_id: str) -> System | None:
        return next((s for s in self.systems if s.id == system_id), None)

    def condition(self, condition_id: str) -> Condition | None:
        return next((c for c in self.conditions if c.id == condition_id), None)

    def inject(self, inject_id: str) -> Inject | None:
        return next((i for i in self.injects if i.id == inject_id), None)

    def phase(self, phase_id: str) -> Phase | None:
        return next((p for p in self.phases if p.id == phase_id), None)

    def objective(self, objective_id: str) -> Objective | None:
        return next((o for o in self.objectives if o.id == objective_id), None)

    def team(self, team_id: str) -> Team | None:
        return next((t for t in self.teams if t.id == team_id), None)

    def role(self, role_id: str) -> Role | None:
        return next((r for r in self.roles if r.id == role_id), None)

    def step(self, step_id: str) -> Step | None:
        return next((s for s in self.steps if s.id == step_id), None)

    def steps_in(self, phase_id: str) -> list[Step]:
        return [s for s in self.steps if s.phase == phase_id]

    def deciding(self, step_id: str) -> list[Step]:
        """The decision steps whose options enable or skip STEP_ID."""
        return self._decisions_by_step.get(step_id, [])

    def enabling(self, step_id: str) -> list[Step]:
        """The decision steps with an option that enables STEP_ID (it waits for them)."""
        return [d for d in self.deciding(step_id) if any(step_id in o.enables for o in d.options)]

    def triggered(self, inject_id: str) -> bool:
        """Whether a decision option gives this inject."""
        return inject_id in self._triggered_injects

    # Asked for every step on every redraw: worked out once per scenario.
    @cached_property
    def _decisions_by_step(self) -> dict[str, list[Step]]:
        found: dict[str, list[Step]] = {}
        for step in self.steps:
            for target in {t for o in step.options for t in [*o.enables, *o.skips]}:
                found.setdefault(target, []).append(step)
        return found

    @cached_property
    def _triggered_injects(self) -> frozenset[str]:
        return frozenset(i for s in self.steps for o in s.options for i in o.triggers)


# ---------------------------------------------------------------- checklist


class EvidenceLink(ContentModel):
    """A drill whose result is evidence for a checklist item: a step of a scenario, an objective of
    it, or (with neither) the drill held at all. A review proposes it; the reviewer decides."""

    scenario: Id
    step: Id | None = None
    objective: Id | None = None


class ChecklistItem(ContentModel):
    """One review item: a requirement to be rated."""

    id: Id
    requirement: LocalizedText
    guidance: LocalizedText | None = None
    evidence_prompt: LocalizedText | None = None
    reference: LocalizedText | None = None
    previous_assessment: LocalizedText | None = None
    note: LocalizedText | None = Field(None, description="A ※ note printed under the requirement in the "
                                                        "published review (the seed's note on 学習指導要領).")
    evidence_from: list[EvidenceLink] = Field(default_factory=list, description=(
        "Drill steps or objectives that give evidence for the item: a review proposes their newest "
        "results and a rating, which the reviewer accepts or changes."))


class ChecklistSection(ContentModel):
    """A group of items; top-level sections are the pillars (柱) that tallies count by."""

    id: Id
    title: LocalizedText
    description: LocalizedText | None = None
    previous_assessment: LocalizedText | None = None
    sections: list["ChecklistSection"] = Field(default_factory=list)
    items: list[ChecklistItem] = Field(default_factory=list)

    def all_items(self) -> Iterator[ChecklistItem]:
        yield from self.items
        for section in self.sections:
            yield from section.all_items()


def _walk(sections: list[ChecklistSection]) -> Iterator[ChecklistSection]:
    for section in sections:
        yield section
        yield from _walk(section.sections)


def _scale_form(value: Any) -> str:
    return "inline" if isinstance(value, dict) else "ref"


def _fiscal_year(value: Any) -> Any:
    """A 年度 written as 2017, "FY2017", "H29" or "平成29年度"."""
    if isinstance(value, str):
        from bcp_drill.fiscal import parse_fiscal_year

        parsed = parse_fiscal_year(value)
        if parsed is None:
            raise ValueError(f"not a fiscal year: {value!r} (write 2017, H29 or 平成29年度)")
        return parsed
    return value


FiscalYear = Annotated[int, BeforeValidator(_fiscal_year), Field(ge=1900, le=2999)]


class PublicationFigure(ContentModel):
    """The plan's figure (the seed's 概念図): an image file beside the checklist, and its caption."""

    file: str | None = Field(None, description="PNG or JPEG, relative to the checklist file; without it only "
                                               "the caption is printed.")
    caption: LocalizedText


class GlossaryEntry(ContentModel):
    """A ※ footnote of the published review: a term and what it means."""

    term: LocalizedText
    text: LocalizedText


class PublicationSections(ContentModel):
    """The headings of the four sections of the published review, as the city words them."""

    overview: LocalizedText
    measures: LocalizedText
    review: LocalizedText
    issues: LocalizedText


class Publication(ContentModel):
    """How the plan review is published (`bcp-drill publish`): the document's own words, which no
    record holds: its title, the plan, when it was adopted, the section headings, the lead of the
    measures table, the column numbers of the 詳細別紙 and the glossary."""

    title: LocalizedText
    adopted: LocalizedText = Field(description="When the plan was adopted (策定), as printed: 平成29年3月.")
    period: LocalizedText | None = Field(None, description="The plan period as printed; default: from plan_years.")
    figure: PublicationFigure | None = None
    sections: PublicationSections
    measures_lead: LocalizedText | None = None
    status_marks: dict[Id, str] = Field(default_factory=dict, description=(
        "A mark printed after each status option in the measures table heading (the 詳細別紙's column "
        "numbers: continuing-above: ㉔)."))
    glossary: list[GlossaryEntry] = Field(default_factory=list)


class PlanYears(ContentModel):
    """The 年度 a plan runs over (the seed's 3rd plan: 平成29年度 to 令和元年度)."""

    first: FiscalYear
    last: FiscalYear


class Checklist(ContentModel):
    """A checklist of review items, rated on one scale."""

    kind: Literal["checklist"]
    id: Id
    version: Version
    title: LocalizedText
    source: LocalizedText | None = None
    description: LocalizedText | None = None
    unit: LocalizedText | None = Field(None, description="What an item is called in tallies (施策); default 項目.")
    # Either the id of a known scale or a scale defined right here.
    scale: Annotated[
        Union[Annotated[Id, Tag("ref")], Annotated[Scale, Tag("inline")]],
        Discriminator(_scale_form),
    ]
    sections: Annotated[list[ChecklistSection], Field(min_length=1)]
    plan_years: PlanYears | None = Field(None, description="The 年度 the plan runs over: {first: H29, last: R1}.")
    publication: Publication | None = Field(None, description=(
        "The published review's own words (`bcp-drill publish`), on the items checklist."))
    final_year_only: list[Id] = Field(default_factory=list, description=(
        "Dimensions of the scale rated only in the plan's last 年度 (the carry-over to the next plan "
        "is decided then): in earlier years they are not asked and never counted as unrated."))

    @property
    def scale_id(self) -> str:
        return self.scale.id if isinstance(self.scale, Scale) else self.scale

    def all_items(self) -> Iterator[ChecklistItem]:
        for section in self.sections:
            yield from section.all_items()

    def item(self, item_id: str) -> ChecklistItem | None:
        return next((i for i in self.all_items() if i.id == item_id), None)

    def section(self, section_id: str) -> ChecklistSection | None:
        """The section with SECTION_ID, at any depth."""
        return next((s for s in _walk(self.sections) if s.id == section_id), None)

    def section_of(self, item_id: str) -> ChecklistSection | None:
        """The innermost section that lists ITEM_ID."""
        return next((s for s in _walk(self.sections) if any(i.id == item_id for i in s.items)), None)

    def sections_above(self, item_id: str) -> list[ChecklistSection]:
        """The sections an item sits under, outermost first (柱, then ア, then (ア)…)."""
        def path(sections: list[ChecklistSection]) -> list[ChecklistSection]:
            for section in sections:
                if any(i.id == item_id for i in section.items):
                    return [section]
                deeper = path(section.sections)
                if deeper:
                    return [section, *deeper]
            return []

        return path(self.sections)

    def pillar_of(self, item_id: str) -> ChecklistSection | None:
        """The top-level section an item sits under."""
        for section in self.sections:
            if any(i.id == item_id for i in section.all_items()):
                return section
        return None


ContentDocument = Scenario | Checklist | Scale | SystemsRegister
DOCUMENT_KINDS: dict[str, type[ContentDocument]] = {
    "scenario": Scenario,
    "checklist": Checklist,
    "scale": Scale,
    "systems": SystemsRegister,
}


def with_register(scenario: Scenario, register: SystemsRegister | None) -> Scenario:
    """The scenario with its register's systems in front of its own (what a drill plays)."""
    if register is None:
        return scenario
    return scenario.model_copy(update={"systems": [*register.systems, *scenario.systems]})


def _whens(scenario: Scenario) -> Iterator[Mapping[str, list[str]]]:
    """Every `when` of a scenario: its steps', their `by_condition` entries', its injects'."""
    for step in scenario.steps:
        yield step.when
        yield from (variant.when for variant in step.by_condition)
    for inject in scenario.injects:
        yield inject.when


def as_played(scenario: Scenario, recorded: Mapping[str, str]) -> Scenario:
    """The scenario as a drill played under the condition values RECORDED plays it (the fixed
    ones as fixed): each step with its `by_condition` entry applied. The same object when
    no step differs, so drills of scenarios without `by_condition` read exactly as before."""
    values = {c.id: c.fixed for c in scenario.conditions if c.fixed is not None}
    values.update(recorded)
    steps = [step.played_under(values) for step in scenario.steps]
    if all(new is old for new, old in zip(steps, scenario.steps, strict=True)):
        return scenario
    played = scenario.model_copy(update={"steps": steps})
    for worked_out in [name for name in vars(played) if name not in Scenario.model_fields]:
        del played.__dict__[worked_out]  # cached from the steps as written: worked out again
    return played
