"""A call-in drill's deputy order at work: who holds a role, who was found unreachable at set-up
(DrillStarted.unreachable), and which deputy acts next (代行順位). Names come from the scenario's
contact list and, when a front end passes them, the roster's people (plain data: drill/ never
reads the roster itself)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bcp_drill.content.models import Role, Scenario, Step
from bcp_drill.drill.setup import RosterPerson, name_key
from bcp_drill.drill.state import DrillState
from bcp_drill.drill.wording import deputy_label, role_name
from bcp_drill.i18n import Lang, Translator

_ASIDE = re.compile(r"[（(].*?[）)]")  # "ICT部門責任者（情報政策課長）" is also "ICT部門責任者"


@dataclass(frozen=True)
class DeputyInOrder:
    number: int  # the place in the role's deputy order (1: the first deputy)
    name: str  # the person, "" when the order names a post only
    reachable: bool  # not marked unreachable at set-up


@dataclass(frozen=True)
class CallIn:
    """A role's holder and deputy order as this drill found them."""

    role_id: str
    holder: str  # the holder's name ("・" between several), "" when neither contacts nor roster say
    holder_unreachable: bool
    deputies: tuple[DeputyInOrder, ...]

    @property
    def suggested(self) -> DeputyInOrder | None:
        """The first reachable deputy when the holder is unreachable; None otherwise (or when
        every deputy is unreachable too)."""
        if not self.holder_unreachable:
            return None
        return next((d for d in self.deputies if d.reachable), None)


def _role_named(role: Role, text: str) -> bool:
    """Whether a roster's ICT-BCP role TEXT names ROLE: its id or title, with or without an aside."""
    titles = [role.id, role.title.ja or "", role.title.en or ""]
    keys = {name_key(x) for title in titles for x in (title, _ASIDE.sub("", title)) if x}
    return name_key(text) in keys or name_key(_ASIDE.sub("", text)) in keys


def holders(scenario: Scenario, role: Role, people: Sequence[RosterPerson], lang: Lang) -> list[str]:
    """Who holds ROLE: the contacts listed with it (not as its deputies), and the roster's people
    whose ICT-BCP role names it and who deputise for nobody."""
    names = [c.name.get(lang) for c in scenario.annexes.contacts
             if c.role == role.id and c.name and c.id not in role.deputy_contacts]
    names += [p.name for p in people if p.role and not p.deputy_of and _role_named(role, p.role)]
    return list({name_key(n): n for n in reversed(names)}.values())[::-1]  # each once, first kept


def deputy_names(scenario: Scenario, role: Role, holder_names: Sequence[str],
                 people: Sequence[RosterPerson], lang: Lang) -> list[str]:
    """The person at each place of ROLE's deputy order: the contact the order names, else the
    roster's deputies of the holder in the roster's order; "" where neither says."""
    named = []
    for contact_id in role.deputy_contacts:
        contact = scenario.annexes.contact(contact_id)
        named.append(contact.name.get(lang) if contact and contact.name else "")
    taken = {name_key(n) for n in named if n}
    holder_keys = {name_key(n) for n in holder_names}
    roster = iter(p.name for p in people
                  if p.deputy_of and name_key(p.deputy_of) in holder_keys and name_key(p.name) not in taken)
    return [(named[n] if n < len(named) and named[n] else next(roster, "")) for n in range(role.deputy_count)]


def call_in(state: DrillState, role_id: str, people: Sequence[RosterPerson] = (),
            lang: Lang = "ja") -> CallIn | None:
    """ROLE_ID's holder and deputies in this drill, each marked reachable or not (None: no such role)."""
    role = state.scenario.role(role_id)
    if role is None:
        return None
    unreachable = {name_key(n) for n in (state.started.unreachable if state.started else [])}
    holder_names = holders(state.scenario, role, people, lang)
    deputies = tuple(DeputyInOrder(number, name, not name or name_key(name) not in unreachable)
                     for number, name in enumerate(deputy_names(state.scenario, role, holder_names, people, lang), 1))
    return CallIn(role_id, "・".join(holder_names), any(name_key(n) in unreachable for n in holder_names), deputies)


def unreachable_names(state: DrillState) -> list[str]:
    """The names marked unreachable at set-up (none for a drill recorded before it could be said)."""
    return list(state.started.unreachable) if state.started else []


@dataclass(frozen=True)
class DeputyOption:
    """A deputy who may be recorded as acting on a step, as the call-in found them."""

    role_id: str
    number: int
    person: str  # "" when the order names a post only
    acted_for: str  # the holder's name, "" when unknown
    reachable: bool
    suggested: bool  # the next reachable deputy of a holder found unreachable


def deputy_options(state: DrillState, step: Step, people: Sequence[RosterPerson] = (),
                   lang: Lang = "ja") -> list[DeputyOption]:
    """Every deputy of every role of STEP, in the deputy order, marked by the call-in."""
    options = []
    for role_id in step.all_roles:
        found = call_in(state, role_id, people, lang)
        if found is None:
            continue
        suggested = found.suggested
        options += [DeputyOption(role_id, d.number, d.name, found.holder, d.reachable,
                                 suggested is not None and d.number == suggested.number) for d in found.deputies]
    return options


def deputy_option_text(option: DeputyOption, state: DrillState, t: Translator) -> str:
    """"ICT部門責任者: 1. 情報政策課長補佐 佐藤 花子 → 次に連絡がつく代行（山田 太郎は連絡不通）"."""
    scenario = state.scenario
    role = scenario.role(option.role_id)
    label = deputy_label(scenario, role, option.number, t) if role else "?"
    if option.person and name_key(option.person) not in name_key(label):
        label += f" {option.person}"
    text = f"{role_name(scenario, option.role_id, t)}: {option.number}. {label}"
    if not option.reachable:
        text += t("call_in.option_unreachable")
    elif option.suggested:
        text += t("call_in.option_suggested", holder=option.acted_for)
    return text


def suggested_option(options: Sequence[DeputyOption]) -> DeputyOption | None:
    return next((o for o in options if o.suggested), None)
