"""The domain's value lists, each written once (the event models and the CLI both use them).

Plain typing only, so the command line can offer them without importing the event models.
"""

from __future__ import annotations

from typing import Literal, get_args

HseepRating = Literal["P", "S", "M", "U"]
Priority = Literal["high", "medium", "low"]
FollowUpStatus = Literal["open", "in_progress", "done", "dropped"]
Capability = Literal["planning", "organisation", "equipment", "training", "exercise"]
DrillRole = Literal["lead", "controller", "evaluator", "recorder", "player", "observer"]
# What a console of a team drill may do (see drill/team.py): the lead may do everything.
ConsoleRole = Literal["lead", "controller", "player", "evaluator"]
# The state of an information system during a drill; "alternate" runs on a stand-in (代替稼働).
SystemState = Literal["unknown", "down", "degraded", "alternate", "restored"]
# An evaluator's observation, as HSEEP writes them; an area for improvement is the usual one.
ObservationKind = Literal["improvement", "strength"]

HSEEP_RATINGS: tuple[str, ...] = get_args(HseepRating)  # best first
PRIORITIES: tuple[str, ...] = get_args(Priority)
FOLLOWUP_STATUSES: tuple[str, ...] = get_args(FollowUpStatus)
OPEN_FOLLOWUP_STATUSES: tuple[str, ...] = ("open", "in_progress")  # still to be acted on (can be overdue)
CAPABILITIES: tuple[str, ...] = get_args(Capability)
DRILL_ROLES: tuple[str, ...] = get_args(DrillRole)
CONSOLE_ROLES: tuple[str, ...] = get_args(ConsoleRole)
SYSTEM_STATES: tuple[str, ...] = get_args(SystemState)
OBSERVATION_KINDS: tuple[str, ...] = get_args(ObservationKind)  # the first is what a form offers first
RECOVERED_STATES: tuple[str, ...] = ("alternate", "restored")  # the service is back (for the RTO)
