"""Opening a drill, the use cases both front ends call: start one from its set-up answers, resume
a record, join a team drill as a console. Each returns what was opened with what to tell the
person who opened it, or the Notice saying why nothing was; the TUI and plain mode only say it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from bcp_drill.content.loader import LoadedFile
from bcp_drill.drill.session import DrillSession
from bcp_drill.drill.setup import DrillSetup
from bcp_drill.drill.team import join_drill
from bcp_drill.errors import UserError, describe
from bcp_drill.i18n import Translator
from bcp_drill.records.journal import JournalError
from bcp_drill.records.store import RecordStore, RecordSummary
from bcp_drill.sessions import JournalSession

SessionT = TypeVar("SessionT", bound=JournalSession)


@dataclass(frozen=True)
class Notice:
    """A message for whoever opens a record: a catalog key and its values, or an error met."""

    key: str = ""
    params: Mapping[str, object] = field(default_factory=dict)
    error: UserError | None = None  # said as it is, with its file and line

    def text(self, t: Translator) -> str:
        if self.error is not None:
            return self.error.render(t)
        # A value that is an error (why a record could not be created) is said in the same words.
        return t(self.key, **{name: describe(value, t) if isinstance(value, BaseException) else value
                              for name, value in self.params.items()})


@dataclass(frozen=True)
class Opened(Generic[SessionT]):
    """A session opened for recording, with what to tell the person who opened it."""

    session: SessionT
    notices: tuple[Notice, ...] = ()


def _store_for(store: RecordStore, recorder: str | None) -> RecordStore:
    """STORE writing as RECORDER (who records at this console), when that is someone else."""
    return store if not recorder or recorder == store.recorder else store.as_recorder(recorder)


def start_drill(store: RecordStore, source: LoadedFile, setup: DrillSetup) -> DrillSession | Notice:
    """A new drill of the scenario SOURCE as SETUP says (recorded by its recorder)."""
    try:
        return DrillSession.start(_store_for(store, setup.recorder), source, setup.drill_type, place=setup.place,
                                  participants=setup.participants, t0=setup.t0, conditions=setup.conditions,
                                  unreachable=setup.unreachable)
    except (UserError, OSError) as error:
        return Notice("tui.cannot_create_record", {"reason": error})


@dataclass(frozen=True)
class RecordChoice:
    """The record to resume, or why there is none; the newer records that could not be read are
    named either way, never skipped silently."""

    chosen: RecordSummary | Notice
    unreadable: tuple[tuple[str, JournalError], ...] = ()  # record id, why it cannot be read


def record_to_resume(store: RecordStore, record_id: str | None) -> RecordChoice:
    """RECORD_ID, or with None the newest record, drill or review, that is not finished."""
    everything = {s.record_id: s for s in store.summaries()}
    named = everything.get(record_id or "")
    if named is not None and named.error is not None:  # say it is damaged and where, not "no record"
        return RecordChoice(Notice(error=named.error))
    unreadable: tuple[tuple[str, JournalError], ...] = ()
    if record_id is None:
        unfinished = [s for s in everything.values() if s.error is None and not s.finished]
        newest = unfinished[0].record_id if unfinished else ""
        unreadable = tuple((s.record_id, s.error) for s in everything.values()
                           if s.error is not None and s.record_id > newest)
        if not unfinished:
            return RecordChoice(Notice("cli.nothing_to_resume", {"folder": str(store.root)}), unreadable)
        record_id = newest
    chosen = everything.get(record_id)
    if chosen is None or chosen.error is not None:
        return RecordChoice(Notice("cli.record_not_found", {"record": record_id, "folder": str(store.root)}),
                            unreadable)
    return RecordChoice(chosen, unreadable)


def resume_session(resume: Callable[[RecordStore, str], SessionT], store: RecordStore,
                   record_id: str) -> Opened[SessionT] | Notice:
    """RECORD_ID reopened by RESUME (a session class's `resume`), saying when the last write, cut
    by a crash, was set aside; or the error that keeps it shut."""
    try:
        session = resume(store, record_id)
    except UserError as error:
        return Notice(error=error)
    tail = session.journal.recovered_tail
    return Opened(session, (Notice("journal.recovered", {"path": str(tail)}),) if tail is not None else ())


def resume_drill(store: RecordStore, record_id: str,
                 current: Mapping[str, LoadedFile] | None = None) -> Opened[DrillSession] | Notice:
    """A drill reopened (resume_session); with CURRENT, the scenarios as they are now, it also
    says when the scenario's file changed since the drill started (the drill keeps its own)."""
    opened = resume_session(DrillSession.resume, store, record_id)
    if isinstance(opened, Notice) or current is None:
        return opened
    source = current.get(opened.session.scenario.id)
    started = opened.session.state.started
    if source is not None and started is not None and source.sha256 != started.scenario_sha256:
        return Opened(opened.session, (*opened.notices, Notice("tui.scenario_changed")))
    return opened


def join_as_console(store: RecordStore, record_id: str | None, role: str, team: str = "",
                    console_id: str | None = None, recorder: str | None = None) -> DrillSession | Notice:
    """RECORD_ID (None: the newest drill under way) joined as a console of ROLE in a team drill
    (its own journal, see drill/team.py); RECORDER: who records there, when not the settings' one."""
    if record_id is None:
        under_way = store.unfinished("drill")
        if not under_way:
            return Notice("cli.nothing_to_join", {"folder": str(store.root)})
        record_id = under_way[0].record_id
    if not store.exists(record_id):
        return Notice("cli.record_not_found", {"record": record_id, "folder": str(store.root)})
    try:
        return join_drill(_store_for(store, recorder), record_id, role, team, console_id)
    except UserError as error:
        return Notice(error=error)
