"""The scenario a drill record pins: exactly as it was when the drill started (with its systems
register), read back by every reader of the record and by the session that continues it."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from bcp_drill.content.loader import LoadedFile, load_pinned
from bcp_drill.content.models import Scenario, SystemsRegister, as_played, with_register
from bcp_drill.records import events as ev
from bcp_drill.records.journal import JournalError

if TYPE_CHECKING:
    from bcp_drill.drill.state import DrillState
    from bcp_drill.records.store import RecordStore, RecordSummary


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


def drills_of_scenario(store: RecordStore, scenario_id: str, damaged: list[RecordSummary]
                       ) -> Iterator[tuple[RecordSummary, list[Any], DrillState | JournalError]]:
    """Every drill record of SCENARIO_ID that proves, oldest first, with its state rebuilt from the
    scenario it pinned (or why the pinned scenario cannot be read); records that cannot be read
    go to DAMAGED, as `RecordStore.readable` says."""
    from bcp_drill.drill.state import DrillState

    for summary, events in store.readable("drill", subject_id=scenario_id, damaged=damaged):
        first = events[0]
        if not isinstance(first, ev.DrillStarted) or first.scenario_id != scenario_id:
            continue
        try:
            yield summary, events, DrillState.from_events(pinned_scenario(first), events)
        except JournalError as error:
            yield summary, events, error
