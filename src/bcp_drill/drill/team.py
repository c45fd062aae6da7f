"""Team drills: what each console may do, joining a drill, and the merged state it sees.

The records side (one journal per console, the deterministic merge) is records/team.py. A
console is one of four roles; the drill's first console (the one that started it) is the lead.
"""

from __future__ import annotations

import socket
import unicodedata

from bcp_drill.content.fields import LocalizedText
from bcp_drill.content.models import Scenario
from bcp_drill.drill.pinned import pinned_scenario
from bcp_drill.drill.rights import ROLE_RIGHTS
from bcp_drill.drill.session import DrillSession
from bcp_drill.errors import SessionRefused
from bcp_drill.records import events as ev
from bcp_drill.records.filesystem import windows_name_problem
from bcp_drill.records.journal import (
    JournalContents,
    JournalError,
    read_journal,
)
from bcp_drill.records.journal_writer import Journal
from bcp_drill.records.store import RecordStore
from bcp_drill.records.team import (
    CONSOLE_ID,
    console_id_for,
    measure_clock_offset,
    read_merged,
    team_folder,
)


def team_of(scenario: Scenario, name: str) -> str:
    """The team a player's console joins for, as people name it: a role's id or title (ICT部門責任者),
    or a team's id or title (情報システム班, ict); "" for every team. Refused when none matches."""
    wanted = "".join(unicodedata.normalize("NFKC", name).split()).lower()
    if not wanted:
        return ""
    named: list[tuple[str, LocalizedText]] = [(r.id, r.title) for r in scenario.roles]
    named += [(t.id, t.title) for t in scenario.teams]
    for item_id, title in named:
        names = {item_id, title.get("ja"), title.get("en")}
        if wanted in {"".join(unicodedata.normalize("NFKC", n).split()).lower() for n in names}:
            return item_id
    raise SessionRefused("unknown_team", team=name, roles=", ".join(
        [f"{r.id} ({r.title.get('ja')})" for r in scenario.roles]
        + [f"{t.id} ({t.title.get('ja')})" for t in scenario.teams]))


def join_drill(store: RecordStore, record_id: str, role: str, team: str = "",
               console_id: str | None = None) -> DrillSession:
    """Open RECORD_ID as a console of ROLE: its own journal in the drill's folder (made, with a
    `console_joined` event and the clock offset measured now, or reopened when this console
    joined before)."""
    if role not in ROLE_RIGHTS:
        raise SessionRefused("unknown_role", role=role, roles=", ".join(ROLE_RIGHTS))
    first_path = store.path_of(record_id)
    if not first_path.is_file():
        raise JournalError(first_path, "record_not_found", record_id=record_id)
    first = read_journal(first_path)  # the drill's own journal: which scenario it pins
    read_merged(store.root, record_id, first_path, first, store.seal_key)  # a drill that does not prove is not joined
    if not first.events or not isinstance(first.events[0], ev.DrillStarted):
        raise JournalError(first_path, "not_a_drill", record_id=record_id)
    scenario = pinned_scenario(first.events[0])
    team = team_of(scenario, team)
    if console_id is not None:
        return _open_console(store, record_id, first, scenario, role, team, console_id)
    # The default name comes from the role, the person and the machine; a second window of the
    # same person on the same machine (two browsers served from one PC) gets -2, -3…
    default = console_id_for(role, store.recorder, socket.gethostname())
    for name in [default] + [f"{default}-{n}" for n in range(2, 10)]:
        try:
            return _open_console(store, record_id, first, scenario, role, team, name)
        except JournalError as error:
            if error.code not in ("journal_locked", "journal_locked_by"):
                raise
    return _open_console(store, record_id, first, scenario, role, team, default)  # says who holds it


def _open_console(store: RecordStore, record_id: str, first: JournalContents, scenario: Scenario, role: str,
                  team: str, console: str) -> DrillSession:
    if not CONSOLE_ID.match(console) or windows_name_problem(console):
        raise SessionRefused("bad_console_id", console=console)
    path = team_folder(store.root, record_id) / f"{console}.jsonl"
    if path.exists():
        journal = Journal.open(path, store.recorder, store.clock, console=console, seal_key=store.seal_key)
        joined = journal.events[0]
        if not isinstance(joined, ev.ConsoleJoined):
            journal.close()
            raise JournalError(path, "journal_corrupt", 1, detail="a console's journal must start with console_joined")
        if joined.role != role:
            journal.close()
            raise SessionRefused("console_role_differs", console=console, role=joined.role)
        offset = joined.clock_offset_seconds
    else:
        offset = measure_clock_offset(path.parent)
        journal = Journal.create(path, store.recorder, store.clock, console=console, seal_key=store.seal_key,
                                 first=(ev.ConsoleJoined, {"record_id": record_id, "role": role, "team": team,
                                                           "clock_offset_seconds": offset}))
    merged = read_merged(store.root, record_id, store.path_of(record_id), first, store.seal_key)
    return DrillSession(journal, scenario, store, role=role, clock_offset=offset, events=merged.events)
