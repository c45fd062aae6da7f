"""The scenario a drill record pins: exactly as it was when the drill started (with its systems
register), read back by every reader of the record and by the session that continues it."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from bcp_drill.content.loader import LoadedFile, load_pinned
from bcp_drill.content.models import Scenario, SystemsRegister, as_played, with_register
from bcp_drill.records import events as ev
from bcp_drill.records.journal import JournalError


def pinned_scenario(started: ev.DrillStarted) -> Scenario:
    """The scenario exactly as it was when the drill started (with its systems register), as
    played under the drill's recorded condition values (each step's `by_condition` applied)."""
    return _played(started.scenario_yaml, started.scenario_file, started.systems_yaml, started.systems_file,
                   tuple(sorted(started.conditions.items())))


@lru_cache(maxsize=64)
def _played(scenario_yaml: str, scenario_file: str, systems_yaml: str, systems_file: str,
            conditions: tuple[tuple[str, str], ...]) -> Scenario:
    return as_played(_pinned(scenario_yaml, scenario_file, systems_yaml, systems_file), dict(conditions))


@lru_cache(maxsize=64)  # a folder of many drills holds a handful of distinct scenario texts
def _pinned(scenario_yaml: str, scenario_file: str, systems_yaml: str, systems_file: str) -> Scenario:
    document, problems = load_pinned(scenario_yaml, scenario_file)
    if not isinstance(document, Scenario):
        raise JournalError(Path(scenario_file), "pinned_scenario_invalid", problems="; ".join(problems))
    if not systems_yaml:
        return document
    register, problems = load_pinned(systems_yaml, systems_file)
    if not isinstance(register, SystemsRegister):
        raise JournalError(Path(systems_file), "pinned_scenario_invalid", problems="; ".join(problems))
    return with_register(document, register)


def pinned_register_fields(source: LoadedFile) -> dict[str, str]:
    register = source.systems_source
    if register is None:
        return {}
    return {"systems_file": register.display, "systems_sha256": register.sha256,
            "systems_yaml": register.raw.decode("utf-8-sig")}
