"""Who the drills and briefings of a 年度 reached (the seed: the plan must reach every member of
staff): each person's drills (as a participant named at set-up) and briefings (as an attendee in
the programme), per department, and per ICT-BCP role — roles whose lead and deputies never drilled
named first, since in a real incident one of them must act."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from bcp_drill.programme.models import Programme
from bcp_drill.programme.roster import Person, Roster, person_key
from bcp_drill.records import events as ev
from bcp_drill.wallclock import local_date


@dataclass
class PersonCoverage:
    person: Person
    drills: list[str] = field(default_factory=list)  # record ids
    briefings: list[str] = field(default_factory=list)  # programme entry ids
    as_deputy: list[str] = field(default_factory=list)  # record ids of drills they took part in as a deputy (代行)
    unreachable: list[str] = field(default_factory=list)  # record ids of call-in drills that could not reach them

    @property
    def reached(self) -> bool:
        return bool(self.drills or self.briefings)


@dataclass
class RoleCoverage:
    role: str
    lead: PersonCoverage | None
    deputies: list[PersonCoverage]

    @property
    def nobody_drilled(self) -> bool:
        return not any(p.drills for p in ([self.lead] if self.lead else []) + self.deputies)


@dataclass
class Coverage:
    fiscal_year: int
    people: list[PersonCoverage]
    departments: list[tuple[str, int, int]]  # (department, people, reached)
    roles: list[RoleCoverage]  # those nobody drilled first
    strangers: list[tuple[str, str]]  # (name, record id): participants the roster does not know


def coverage(roster: Roster, fiscal_year: int, drills: list[ev.DrillStarted],
             programme: Programme | None = None, deputies: Sequence[tuple[str, str]] = ()) -> Coverage:
    """DEPUTIES: (record id, name) of each deputy who acted in a drill (DeputyActed.person): they
    count as having drilled. A participant marked unreachable at set-up did not take part."""
    first, last = date(fiscal_year, 4, 1), date(fiscal_year + 1, 3, 31)
    people = [PersonCoverage(p) for p in roster.people]
    by_key = {person_key(p.person.name): p for p in people}
    strangers: list[tuple[str, str]] = []
    in_year = set()
    for started in drills:
        if first <= local_date(started.at) <= last:
            in_year.add(started.record_id)
            _count_drill(started, by_key, strangers)
    for record_id, name in deputies:
        found = by_key.get(person_key(name)) if record_id in in_year and name else None
        if found is not None and record_id not in found.as_deputy:
            found.as_deputy.append(record_id)
            if record_id not in found.drills:
                found.drills.append(record_id)
    if programme is not None and programme.fiscal_year == fiscal_year:
        for entry in programme.entries:
            if entry.kind == "briefing" and entry.held is not None:
                for name in entry.attendees:
                    if (found := by_key.get(person_key(name))) is not None:
                        found.briefings.append(entry.id)
    return Coverage(fiscal_year, people, _departments(people), _roles(people), strangers)


def _count_drill(started: ev.DrillStarted, by_key: dict[str, PersonCoverage],
                 strangers: list[tuple[str, str]]) -> None:
    away = {person_key(name) for name in started.unreachable}
    for key in away:
        if (found := by_key.get(key)) is not None:
            found.unreachable.append(started.record_id)
    for participant in started.participants:
        key = person_key(participant.name)
        found = by_key.get(key)
        if key in away:
            continue
        if found is None:
            strangers.append((participant.name, started.record_id))
        elif started.record_id not in found.drills:
            found.drills.append(started.record_id)


def _departments(people: list[PersonCoverage]) -> list[tuple[str, int, int]]:
    totals: dict[str, list[int]] = {}
    for person in people:
        counts = totals.setdefault(person.person.department, [0, 0])
        counts[0] += 1
        counts[1] += person.reached
    return [(department, counts[0], counts[1]) for department, counts in totals.items()]


def _roles(people: list[PersonCoverage]) -> list[RoleCoverage]:
    by_key = {person_key(p.person.name): p for p in people}
    roles = []
    for person in people:
        if person.person.role and not person.person.deputy_of:
            key = person_key(person.person.name)
            deputies = [p for p in people if p.person.deputy_of and person_key(p.person.deputy_of) == key]
            roles.append(RoleCoverage(person.person.role, person, deputies))
    covered = {person_key(r.lead.person.name) for r in roles if r.lead is not None}
    for person in people:  # a deputy whose lead has no role of their own: the deputy's role stands alone
        lead_key = person_key(person.person.deputy_of) if person.person.deputy_of else ""
        if person.person.role and lead_key and lead_key not in covered and lead_key in by_key:
            roles.append(RoleCoverage(person.person.role, None, [person]))
    return sorted(roles, key=lambda r: not r.nobody_drilled)  # stable: the roster's order within each
