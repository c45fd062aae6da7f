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

from bcp_drill.records.journal import (
    JournalContents,
    JournalError,
    JournalNotice,
    _all_at_once,
    line_hash,
    read_journal,
)
from bcp_drill.records.proof import Proof, prove, prove_appended
from bcp_drill.records.seal import SealKey, seal_path

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


def merge(first: list[Any], consoles: list[tuple[str, float, list[Any]]],
          stuck: list[int] | None = None) -> list[Any]:
    """FIRST (the drill's first journal) and each console's events (id, clock offset, events)
    as one list: each journal's own order kept, an event never before what its writer had seen
    (its `seen`), otherwise by time on the folder's clock, then journal id, then sequence.
    STUCK, when given, gets the index of each event placed while no journal's next was ready."""
    if not first:
        return []
    # The drill's first event is always placed first; every stream is then taken in its order.
    streams: dict[str, tuple[float, list[Any]]] = {"": (0.0, first[1:])}
    for console, offset, events in consoles:
        streams[console] = (offset, events)
    position = dict.fromkeys(streams, 0)  # index of each stream's next event
    placed = {name: first[0].seq if name == "" else 0 for name in streams}  # seq of its last placed
    merged = [first[0]]
    place(streams, position, placed, merged, stuck)
    return merged


def place(streams: dict[str, tuple[float, list[Any]]], position: dict[str, int], placed: dict[str, int],
          merged: list[Any], stuck: list[int] | None = None) -> None:
    """Place the events of STREAMS from each one's POSITION onwards at the end of MERGED, as
    `merge` does (PLACED: the seq of each stream's last event placed so far)."""

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
        candidates = [name for name in heads if ready(streams[name][1][position[name]])]
        if not candidates and stuck is not None:
            stuck.append(len(merged))
        name = min(candidates or heads, key=key)  # never stuck
        offset, events = streams[name]
        event = events[position[name]]
        merged.append(on_folder_clock(event, offset))
        placed[name] = event.seq
        position[name] += 1
        heads = [name for name in streams if waiting(name)]


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


@dataclass
class JournalRead:
    """One journal as the merge used it: the events proven (as written) and their lines."""

    name: str  # "" for the drill's first journal, else the console's id
    path: Path
    offset: float
    events: list[Any]
    lines: list[bytes]


def read_merged(root: Path, record_id: str, first_path: Path, first: JournalContents | None = None,
                seal_key: SealKey | None = None) -> MergedRecord:
    """The drill's events from all its journals (only the first one for a single-console drill),
    each proven (records/proof.py). The drill's own journal must hold: when it does not, the
    JournalError says why. A console's journal that is damaged is named in `notices`, and only
    its events before the damage are merged; one that does not prove is left out whole."""
    return read_journals(root, record_id, first_path, first, seal_key)[0]


def read_journals(root: Path, record_id: str, first_path: Path, first: JournalContents | None = None,
                  seal_key: SealKey | None = None,
                  stuck: list[int] | None = None) -> tuple[MergedRecord, list[JournalRead] | None]:
    """`read_merged`, and each journal as used; None for those when a console's journal is
    damaged or left out (STUCK: as for `merge`)."""
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
    reads: list[JournalRead] | None = [JournalRead("", first_path, 0.0, first_events, first.lines[:len(first_events)])]
    for path in console_paths(root, record_id):
        read, whole = read_console(path, record_id, seal_key, notices)
        if not whole:
            reads = None
        if read is None:
            continue
        info, contents = read
        infos.append(info)
        streams.append((info.console_id or "", info.offset_seconds, contents.events))
        if reads is not None:
            reads.append(JournalRead(info.console_id or "", path, info.offset_seconds, contents.events, contents.lines))
    events = merge(first_events, streams, stuck) if streams else first_events  # a single console's: as written
    return MergedRecord(events, infos, any(i.cut_tail for i in infos), notices), reads


def read_console(path: Path, record_id: str, seal_key: SealKey | None,
                 notices: list[JournalError]) -> tuple[tuple[ConsoleInfo, JournalContents] | None, bool]:
    """A console's journal of the drill, proven, and what of it may be merged (None: nothing);
    what is left out is added to NOTICES. The flag is False when the journal was damaged or
    left out."""
    contents = read_journal(path, salvage=True)
    whole = contents.damage is None
    if contents.damage is not None:
        notices.append(JournalNotice(path, "console_damaged", contents.damage.line, console=path.stem,
                                     reason=contents.damage.message_params().get("detail", ""),
                                     kept=len(contents.events)))
        contents.cut_tail = b""
    if not contents.events:  # created, not yet written (or damaged on its first line)
        return None, whole
    console_proof = prove(path, contents, seal_key, with_seal=contents.damage is None)
    if console_proof.failure is not None:
        usable = _before_break(console_proof)
        notices.append(JournalNotice(path, "console_left_out", console_proof.failure.line, console=path.stem,
                                     reason=console_proof.failure, kept=usable))
        contents.events, contents.lines = contents.events[:usable], contents.lines[:usable]
        if not contents.events:
            return None, False
        whole = False
    else:
        notices += console_proof.notices()
        del contents.events[console_proof.usable_events:]
        del contents.lines[console_proof.usable_events:]
    info = _console_info(path, contents)
    if contents.events[0].record_id != record_id:
        raise JournalError(path, "journal_corrupt", 1, detail=f"joined record {contents.events[0].record_id!r}")
    return (info, contents), whole


@dataclass
class _Followed:
    """A journal as a follower last used it: its lines as written, byte for byte."""

    read: JournalRead
    raw: bytes  # the used lines, each with its newline: what the file must still begin with
    hashes: list[str] | None = None  # of each used line, made when first needed


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_size, status.st_mtime_ns


class _ReadWhole(Exception):
    """Not a user's error: the incremental read cannot go on, and the full read will name why."""


class MergeFollower:
    """The merged events of a team drill as a console follows them: `refresh` reads only what
    each journal has had appended since the last look (a journal whose size, time and seal are
    unchanged is not opened), proves it as `read_merged` does (the lines used before must still
    be there byte for byte, the new ones chain on from them and the seal covers them) and places
    the new events by resuming the merge where they may go. Whatever cannot be taken in so (a
    journal damaged, changed, gone or cut mid-line) is read again whole, with `read_merged`'s
    outcome, errors included: `events` is always what `read_merged(...).events` gives."""

    def __init__(self, root: Path, record_id: str, first_path: Path, seal_key: SealKey | None = None) -> None:
        self.root, self.record_id, self.first_path, self.seal_key = root, record_id, first_path, seal_key
        self.events: list[Any] = []
        self._journals: dict[Path, _Followed] | None = None  # None: read everything again
        self._prints: dict[Path, tuple] = {}
        self._stuck: list[int] = []  # indices of events placed while no journal's next was ready
        self._names: list[str] = []  # each event's journal ("" for the drill's first)
        self._keys: list[tuple[datetime, str, int]] = []  # each event's merge key
        self._last: dict[str, int] = {}  # index in `events` of each journal's last event
        self._seen: dict[str, int] = {}  # the highest seq of each journal that any event has seen
        self._lead: set[int] = set()  # ids of the first journal's events

    def refresh(self) -> int:
        """Take in what was written since; the number of `events` kept as they were (the rest
        are new, or placed anew)."""
        prints = {path: (_stamp(path), _stamp(seal_path(path)))
                  for path in [self.first_path, *console_paths(self.root, self.record_id)]}
        try:
            grown = self._grown(prints) if self._journals is not None else None
        except BaseException:
            self._journals = None  # what was taken in halfway is read again whole
            raise
        if grown is None:
            self._rebuild(prints)
            return 0
        self._prints = prints
        if not any(grown.values()):
            return len(self.events)
        return self._place(grown)

    # -- reading ---------------------------------------------------------------

    def _rebuild(self, prints: dict[Path, tuple]) -> None:
        stuck: list[int] = []
        self.events, self._journals = [], None  # should the reading fail, it is read whole next time
        record, reads = read_journals(self.root, self.record_id, self.first_path, seal_key=self.seal_key, stuck=stuck)
        self.events, self._stuck, self._prints = list(record.events), stuck, prints
        self._journals = None if reads is None or not self.events else {
            read.path: _Followed(read, b"".join(line + b"\n" for line in read.lines)) for read in reads}
        self._names, self._keys, self._last, self._seen, self._lead = [], [], {}, {}, set()
        if self._journals is not None and reads is not None:
            self._lead = {id(event) for event in reads[0].events}
            self._index(0)

    def _grown(self, prints: dict[Path, tuple]) -> dict[str, list[Any]] | None:
        """The events each journal has had appended (a new console's: all of them), proven;
        None when the whole drill must be read again."""
        journals = self._journals
        assert journals is not None
        if any(path not in prints for path in journals):
            return None  # a journal gone
        grown: dict[str, list[Any]] = {}
        try:
            for path, stamp in prints.items():
                followed = journals.get(path)
                if followed is not None and stamp == self._prints.get(path):
                    continue
                if followed is None:
                    if path == self.first_path:
                        return None
                    followed = self._joined(path)  # _ReadWhole / JournalError: to be named, read all again
                    if followed is None:
                        continue
                    new = followed.read.events
                else:
                    appended = self._appended(followed)
                    if appended is None:
                        return None
                    new = appended
                grown[followed.read.name] = new
        except (JournalError, _ReadWhole):
            return None
        return grown

    def _joined(self, path: Path) -> _Followed | None:
        """A console's journal not read before (None: nothing in it yet); _ReadWhole when it is
        damaged or does not prove (the full read names it, as ever)."""
        notices: list[JournalError] = []
        read, whole = read_console(path, self.record_id, self.seal_key, notices)
        if not whole:
            raise _ReadWhole(path)
        if read is None:
            return None
        info, contents = read
        followed = _Followed(JournalRead(info.console_id or "", path, info.offset_seconds, list(contents.events),
                                         list(contents.lines)), b"".join(line + b"\n" for line in contents.lines))
        assert self._journals is not None
        self._journals[path] = followed
        return followed

    def _appended(self, followed: _Followed) -> list[Any] | None:
        """The events appended to a journal read before, proven and taken in; None when the
        journal is no longer what was read, or what was added does not prove."""
        from bcp_drill.records.events import EVENT_ADAPTER, EVENT_LIST_ADAPTER

        read = followed.read
        try:
            raw = read.path.read_bytes()
        except OSError:
            return None
        if getattr(read.events[0], "journal_format", None) is None or not raw.startswith(followed.raw):
            return None
        lines = raw[len(followed.raw):].split(b"\n")
        tail = lines.pop()
        if tail and _whole_event(EVENT_ADAPTER, tail):
            return None  # a last event without its newline
        events = _all_at_once(EVENT_LIST_ADAPTER, lines)
        count = len(read.events)
        if events is None or any(event.seq != number for number, event in enumerate(events, count + 1)):
            return None
        if read.name and any(event.console != read.name for event in events):
            return None
        if followed.hashes is None:
            followed.hashes = [line_hash(line) for line in read.lines]
        hashes = followed.hashes + [line_hash(line) for line in lines]
        contents = JournalContents(read.events + events, tail, len(raw) - len(tail), lines=read.lines + lines)
        proof = prove_appended(read.path, contents, self.seal_key, hashes, count)
        usable = proof.usable_events - count
        if proof.failure is not None or usable < 0:
            return None
        read.events += events[:usable]
        read.lines += lines[:usable]
        followed.hashes += hashes[count:count + usable]
        followed.raw += b"".join(line + b"\n" for line in lines[:usable])
        return events[:usable]

    # -- placing ---------------------------------------------------------------

    def _index(self, start: int) -> None:
        """The merge keys, journals and what was seen of `events` from START on."""
        del self._names[start:], self._keys[start:]
        for index in range(start, len(self.events)):
            event = self.events[index]
            name = "" if id(event) in self._lead else event.console
            self._names.append(name)
            self._keys.append((event.at, name, event.seq))
            self._last[name] = index
            for journal, seq in (event.seen or {}).items():
                if seq > self._seen.get(journal, 0):
                    self._seen[journal] = seq

    def _place(self, grown: dict[str, list[Any]]) -> int:
        """Merge GROWN (each journal's new events) into `events`: appended when each new event
        would have lost to every event placed after its journal ran out, otherwise by resuming
        the merge from the first place a new event could go."""
        assert self._journals is not None
        reads = {followed.read.name: followed.read for followed in self._journals.values()}
        self._lead.update(id(event) for event in grown.get("", ()))
        before = {name: len(reads[name].events) - len(grown.get(name, ())) for name in reads}
        starts = {name: self._last.get(name, 0) + 1 for name, new in grown.items() if new}
        count = len(self.events)
        if all(self._appendable(name, grown[name][0], reads[name].offset, start, before[name])
               for name, start in starts.items()):
            start = count
        else:
            start = min(starts.values())
            self._stuck = [index for index in self._stuck if index < start]
        after = self._names[start:]
        position = {name: before[name] - after.count(name) - (1 if name == "" else 0) for name in reads}
        placed = {name: position[name] + (1 if name == "" else 0) for name in reads}
        streams = {name: (read.offset, read.events[1:] if name == "" else read.events) for name, read in reads.items()}
        if start == count:  # only the new events are left to place
            streams = {name: (read.offset, grown.get(name, [])) for name, read in reads.items()}
            position = dict.fromkeys(reads, 0)
            placed = before
        old = [(event.console, event.seq) for event in self.events[start:]]
        del self.events[start:]
        place(streams, position, placed, self.events, self._stuck)
        kept = start
        for was, event in zip(old, self.events[start:], strict=False):  # the new list is longer
            if was != (event.console, event.seq):
                break
            kept += 1
        self._index(start)
        return kept

    def _appendable(self, name: str, first: Any, offset: float, start: int, before: int) -> bool:
        """Whether NAME's first new event FIRST would have been placed after every event there
        is (its journal ran out at START, BEFORE events in): none of them waited for it, was
        placed while none was ready, or comes after it."""
        if self._seen.get(name, 0) > before or any(index >= start for index in self._stuck):
            return False
        key = (first.at - timedelta(seconds=offset), name, first.seq)
        return start >= len(self._keys) or max(self._keys[start:]) < key


def _whole_event(adapter: Any, line: bytes) -> bool:
    try:
        adapter.validate_json(line)
    except ValueError:
        return False
    return True


def _hash_at(contents: JournalContents, events: int) -> str:
    return line_hash(contents.lines[events - 1]) if events else ""


def _before_break(proof: Proof) -> int:
    """Events of a console's journal still to be trusted when it does not prove: those before
    a broken chain's changed line; none when the break cannot be placed (its seal differs)."""
    failure = proof.failure
    if failure is not None and failure.code == "chain_broken" and failure.line:
        return max(failure.line - 2, 0)
    return 0
