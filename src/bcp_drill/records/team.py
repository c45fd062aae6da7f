"""Team drills: several consoles on one drill with no server, the records folder the meeting point.

A drill's first journal is `<records>/<id>.jsonl` (every single-console drill has only that
one). A console that joins writes only to its own journal, `<records>/<id>/<console>.jsonl`,
so writers never share a file and no lock has to work across machines (network shares lock
badly). The drill is the merge of all its journals:

- each journal is read whole, as ever (a line being written is a cut tail, left for later);
- each console's first event (`console_joined`) gives its clock offset against the shared
  folder, measured when it joined; its events are placed on the folder's clock;
- the journals are merged in a deterministic order: the drill's first event, then by time on
  the folder's clock, then console id, then the console's own sequence, never reordering the
  events of one console. Every console computes the same list, whatever order the folder lists
  the files in and however far apart their clocks are.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bcp_drill.records.journal import JournalContents, JournalError, JournalNotice, line_hash, read_journal
from bcp_drill.records.proof import Proof, prove
from bcp_drill.records.seal import SealKey

SUFFIX = ".jsonl"
# A console's name is its journal's file name: letters of any script (受付, desk-2), digits, "_",
# "." and "-", never a path separator or a name starting with a dot.
CONSOLE_ID = re.compile(r"^\w[\w.-]{0,63}$")


@dataclass
class ConsoleInfo:
    """One console of a team drill, from its journal."""

    console_id: str | None  # None: the drill's first journal (the console that started it)
    path: Path
    role: str = "lead"
    team: str = ""
    by: str = ""
    host: str = ""
    offset_seconds: float = 0.0
    events: int = 0
    last_hash: str = ""
    cut_tail: bool = False


@dataclass
class MergedRecord:
    """Every event of a drill, merged from all its journals, on the shared folder's clock."""

    events: list[Any]
    consoles: list[ConsoleInfo] = field(default_factory=list)
    cut_tail: bool = False  # some journal ends in a line still being written (or cut)
    # What a reader must name beside what it shows: a last event cut or not sealed (left out),
    # a console's journal damaged (its events before the damage kept, or all left out).
    notices: list[JournalError] = field(default_factory=list)

    @property
    def is_team(self) -> bool:
        return len(self.consoles) > 1

    @property
    def last_hash(self) -> str | None:
        """What a printed report quotes: the last hash of the only journal, or for a team drill
        one hash over every console's last hash (each chains back through its own journal)."""
        if not self.consoles:
            return None
        if len(self.consoles) == 1:
            return self.consoles[0].last_hash or None
        joined = "\n".join(f"{c.console_id or ''}:{c.last_hash}" for c in self.consoles)
        return hashlib.sha256(joined.encode("utf-8")).hexdigest()


def team_folder(root: Path, record_id: str) -> Path:
    return root / record_id


def console_paths(root: Path, record_id: str) -> list[Path]:
    """The consoles' own journals of a drill (none for a single-console drill), by name."""
    folder = team_folder(root, record_id)
    if not folder.is_dir():
        return []
    return sorted(folder / name for name in os.listdir(folder)
                  if name.endswith(SUFFIX) and not name.startswith("."))


def console_id_for(role: str, recorder: str, host: str) -> str:
    """A stable id for a person's console on one machine: joining again reopens its journal."""
    digest = hashlib.sha256(f"{recorder}\n{host}".encode("utf-8")).hexdigest()[:8]
    return f"{role}-{digest}"


def measure_clock_offset(folder: Path) -> float:
    """This machine's clock minus the shared folder's (the file server's, on a network share):
    a file is written there and its modification time, set by the folder's side, read back."""
    folder.mkdir(parents=True, exist_ok=True)
    probe = folder / f".clock-{os.getpid()}-{secrets.token_hex(4)}"
    before = time.time()
    probe.write_bytes(b"")
    after = time.time()
    try:
        stamped = probe.stat().st_mtime
    finally:
        probe.unlink(missing_ok=True)
    # Whole seconds: many shares keep modification times to the second (FAT, SMB: two), so
    # anything finer is noise, and on one machine the offset is then exactly 0.
    return float(round((before + after) / 2 - stamped))


def on_folder_clock(event: Any, offset: float) -> Any:
    """EVENT as placed on the shared folder's clock, written by a console whose clock is OFFSET
    seconds ahead of it."""
    return event if not offset else event.model_copy(update={"at": event.at - timedelta(seconds=offset)})


def merge(first: list[Any], consoles: list[tuple[str, float, list[Any]]]) -> list[Any]:
    """FIRST (the drill's first journal) and each console's events (id, clock offset, events)
    as one list: each journal's own order kept, an event never before what its writer had seen
    (its `seen`), otherwise by time on the folder's clock, then journal id, then sequence."""
    if not first:
        return []
    # The drill's first event is always placed first; every stream is then taken in its order.
    streams: dict[str, tuple[float, list[Any]]] = {"": (0.0, first[1:])}
    for console, offset, events in consoles:
        streams[console] = (offset, events)
    position = dict.fromkeys(streams, 0)  # index of each stream's next event
    placed = {name: first[0].seq if name == "" else 0 for name in streams}  # seq of its last placed
    merged = [first[0]]

    def waiting(name: str) -> bool:
        """The stream has events not placed yet."""
        return position[name] < len(streams[name][1])

    def ready(event: Any) -> bool:
        return all(placed[journal] >= seq or not waiting(journal)
                   for journal, seq in (event.seen or {}).items() if journal in streams)

    def key(name: str) -> tuple[datetime, str, int]:
        offset, events = streams[name]
        event = events[position[name]]
        return event.at - timedelta(seconds=offset), name, event.seq

    heads = [name for name in streams if waiting(name)]
    while heads:
        candidates = [name for name in heads if ready(streams[name][1][position[name]])] or heads  # never stuck
        name = min(candidates, key=key)
        offset, events = streams[name]
        event = events[position[name]]
        merged.append(on_folder_clock(event, offset))
        placed[name] = event.seq
        position[name] += 1
        heads = [name for name in streams if waiting(name)]
    return merged


def _console_info(path: Path, contents: JournalContents) -> ConsoleInfo:
    first = contents.events[0]
    if getattr(first, "type", "") != "console_joined" or not first.console:
        raise JournalError(path, "journal_corrupt", 1, detail="a console's journal must start with console_joined")
    for number, event in enumerate(contents.events, 1):
        if event.console != first.console:
            raise JournalError(path, "journal_corrupt", number, detail=f"an event of console {event.console!r}")
    return ConsoleInfo(first.console, path, first.role, first.team, first.by, first.host,
                       first.clock_offset_seconds, len(contents.events), contents.last_hash or "",
                       bool(contents.cut_tail))


def read_merged(root: Path, record_id: str, first_path: Path, first: JournalContents | None = None,
                seal_key: SealKey | None = None) -> MergedRecord:
    """The drill's events from all its journals (only the first one for a single-console drill),
    each proven (records/proof.py). The drill's own journal must hold: when it does not, the
    JournalError says why. A console's journal that is damaged is named in `notices`, and only
    its events before the damage are merged; one that does not prove is left out whole."""
    first = first if first is not None else read_journal(first_path)
    proof = prove(first_path, first, seal_key)
    if proof.failure is not None:
        raise proof.failure
    notices: list[JournalError] = proof.notices()
    first_events = first.events[:proof.usable_events]
    lead = ConsoleInfo(None, first_path, events=len(first_events), last_hash=_hash_at(first, len(first_events)),
                       cut_tail=bool(first.cut_tail))
    if first_events:
        lead.by, lead.host = first_events[0].by, first_events[0].host
    infos, streams = [lead], []
    for path in console_paths(root, record_id):
        contents = read_journal(path, salvage=True)
        if contents.damage is not None:
            notices.append(JournalNotice(path, "console_damaged", contents.damage.line, console=path.stem,
                                         reason=contents.damage.message_params().get("detail", ""),
                                         kept=len(contents.events)))
            contents.cut_tail = b""
        if not contents.events:  # created, not yet written (or damaged on its first line)
            continue
        console_proof = prove(path, contents, seal_key, with_seal=contents.damage is None)
        if console_proof.failure is not None:
            usable = _before_break(console_proof)
            notices.append(JournalNotice(path, "console_left_out", console_proof.failure.line, console=path.stem,
                                         reason=console_proof.failure, kept=usable))
            contents.events, contents.lines = contents.events[:usable], contents.lines[:usable]
            if not contents.events:
                continue
        else:
            notices += console_proof.notices()
            del contents.events[console_proof.usable_events:]
            del contents.lines[console_proof.usable_events:]
        info = _console_info(path, contents)
        if contents.events[0].record_id != record_id:
            raise JournalError(path, "journal_corrupt", 1, detail=f"joined record {contents.events[0].record_id!r}")
        infos.append(info)
        streams.append((info.console_id or "", info.offset_seconds, contents.events))
    events = merge(first_events, streams) if streams else first_events  # a single console's: as written
    return MergedRecord(events, infos, any(i.cut_tail for i in infos), notices)


def _hash_at(contents: JournalContents, events: int) -> str:
    return line_hash(contents.lines[events - 1]) if events else ""


def _before_break(proof: Proof) -> int:
    """Events of a console's journal still to be trusted when it does not prove: those before
    a broken chain's changed line; none when the break cannot be placed (its seal differs)."""
    failure = proof.failure
    if failure is not None and failure.code == "chain_broken" and failure.line:
        return max(failure.line - 2, 0)
    return 0
