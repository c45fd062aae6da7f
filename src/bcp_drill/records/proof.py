"""What a journal proves: its hash chain, its place in the records folder and its seal.

`verify` and every reader ask `prove` of each journal they read. A journal that fails is
named with the reason and never used as if all were well; a last line cut by a power loss and
a last event written before its seal (never shown as saved) are named and left out.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bcp_drill.records.journal import JOURNAL_FORMAT, JournalContents, JournalError, JournalNotice, line_hash
from bcp_drill.records.seal import SealFile, SealKey, read_seal, seal_path, sealed_name

FOLLOWUPS_STEM = "followups"
FIRST_TYPES = ("drill_started", "review_started")


@dataclass
class Proof:
    """The outcome of checking one journal."""

    path: Path
    events: int  # whole events in the file
    chain: str  # chained, partly (from a later line), not_chained, single
    seal: str  # sealed, keyed (its MAC checked with the key here), unchecked_key, none (written before seals)
    chained_from: int | None = None
    failure: JournalError | None = None  # why it cannot be trusted; None: it holds
    unsealed_last: bool = False  # the last event was written, but not sealed, when the power went
    torn_tail: bool = False  # a last line cut by a power loss (never shown as saved)
    final_hash: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def usable_events(self) -> int:
        """How many of the events a reader may use (the unsealed last one is left out)."""
        return self.events - (1 if self.unsealed_last else 0)

    def notices(self) -> list[JournalError]:
        """What a reader names beside figures it takes from this journal."""
        found: list[JournalError] = []
        if not self.events:
            return found  # nothing is used: the failure says it all
        if self.torn_tail:
            found.append(JournalNotice(self.path, "last_event_cut", self.events + 1))
        if self.unsealed_last:
            found.append(JournalNotice(self.path, "last_event_unsealed", self.events))
        return found


def line_hashes(contents: JournalContents) -> list[str]:
    """The SHA-256 of each whole line, computed once for the chain and the seal alike."""
    sha256 = hashlib.sha256
    return [sha256(line).hexdigest() for line in contents.lines]


def chain_of(contents: JournalContents, hashes: list[str] | None = None) -> tuple[int | None, int | None]:
    """(first line carrying a chain hash, first line whose chain breaks) of a journal's events.

    A journal that names the chained format in its first event must chain every line after it:
    a line without its hash there is a break, not an older journal."""
    events = contents.events
    if not events:
        return None, None
    if events[0].prev is not None:  # nothing comes before the first line
        return None, 1
    hashes = hashes if hashes is not None else line_hashes(contents)
    claims = getattr(events[0], "journal_format", None) is not None
    chained_from: int | None = None
    for number in range(2, len(events) + 1):
        prev = events[number - 1].prev
        if prev is None:
            if chained_from is not None or claims:  # a line without its hash inside the chain: put there
                return chained_from, number
            continue
        if chained_from is None:
            chained_from = number
        if prev != hashes[number - 2]:
            return chained_from, number
    return chained_from, None


def _misplaced(path: Path, first: Any) -> JournalError | None:
    """The first event must belong where the file is: a journal put in another's place says so."""
    kind = getattr(first, "type", "")
    if kind == "console_joined":
        expected_record, expected_console = path.parent.name, path.stem
        if first.record_id == expected_record and first.console == expected_console:
            return None
        return JournalError(path, "journal_misplaced", 1, found=f"{first.record_id}/{first.console}",
                            expected=f"{expected_record}/{expected_console}")
    if path.stem == FOLLOWUPS_STEM or kind == "followup_updated":
        if path.stem == FOLLOWUPS_STEM and kind == "followup_updated":
            return None
        return JournalError(path, "journal_misplaced", 1, found=kind, expected="followup_updated"
                            if path.stem == FOLLOWUPS_STEM else " / ".join(FIRST_TYPES))
    if kind in FIRST_TYPES:
        if first.record_id == path.stem:
            return None
        return JournalError(path, "journal_misplaced", 1, found=first.record_id, expected=path.stem)
    return JournalError(path, "journal_misplaced", 1, found=kind, expected=" / ".join(FIRST_TYPES))


def prove(path: Path, contents: JournalContents, key: SealKey | None, with_seal: bool = True) -> Proof:
    """Check the chain, the place and the seal of the journal at PATH, read as CONTENTS
    (WITH_SEAL False: the events before a damaged line, which no seal can speak for)."""
    events = contents.events
    proof = Proof(path, len(events), "single", "none", torn_tail=bool(contents.cut_tail))
    if not events:
        proof.failure = JournalError(path, "journal_empty" if not contents.cut_tail else "journal_no_event")
        return proof
    hashes = line_hashes(contents)
    proof.final_hash = hashes[-1]
    chained_from, broken_at = chain_of(contents, hashes)
    proof.chained_from = chained_from
    if len(events) > 1:
        proof.chain = "not_chained" if chained_from is None else "chained" if chained_from == 2 else "partly"
    if broken_at is not None:
        proof.failure = JournalError(path, "chain_broken", broken_at, changed=max(broken_at - 1, 1))
        return proof
    proof.failure = _misplaced(path, events[0])
    if proof.failure is not None:
        return proof
    if with_seal:
        _check_seal(proof, path, contents, key, hashes)
    return proof


def prove_appended(path: Path, contents: JournalContents, key: SealKey | None, hashes: list[str],
                   since: int) -> Proof:
    """`prove` of a journal that claims the chained format and proved before with its first
    SINCE events, read again with more (HASHES: of every line): the caller has checked that
    the lines before are those proven, byte for byte, so only the lines after them are chained;
    the seal is checked as `prove` does."""
    events = contents.events
    proof = Proof(path, len(events), "chained" if len(events) > 1 else "single", "none", chained_from=2,
                  torn_tail=bool(contents.cut_tail), final_hash=hashes[-1])
    for number in range(max(since, 1) + 1, len(events) + 1):
        if events[number - 1].prev != hashes[number - 2]:
            proof.failure = JournalError(path, "chain_broken", number, changed=max(number - 1, 1))
            return proof
    _check_seal(proof, path, contents, key, hashes)
    return proof


def _written_since(path: Path, contents: JournalContents, last_hash: str) -> list[str]:
    """The hashes of whole lines appended to PATH since CONTENTS was read that chain on from
    LAST_HASH: a reader that reads the journal, then its seal, while another process appends an
    event in between sees a seal ahead of what it read, not events removed."""
    try:
        with path.open("rb") as handle:
            handle.seek(contents.good_length)
            grown = handle.read()
    except OSError:
        return []
    found: list[str] = []
    for line in grown.split(b"\n")[:-1]:  # whole lines only
        try:
            previous = json.loads(line).get("prev")
        except (ValueError, AttributeError):
            break
        if previous != (found[-1] if found else last_hash):
            break
        found.append(line_hash(line))
    return found


def _check_seal(proof: Proof, path: Path, contents: JournalContents, key: SealKey | None,
                hashes: list[str]) -> None:
    """The seal beside the journal: there when the format needs one, this journal's, signed with
    KEY when there is one, and covering exactly the events read (or one more being written)."""
    events = contents.events
    claims = getattr(events[0], "journal_format", None)
    if claims is not None and claims > JOURNAL_FORMAT:
        proof.failure = JournalError(path, "journal_newer_format", 1, format=claims)
        return
    seal = read_seal(seal_path(path))
    if seal is None:
        _without_seal(proof, path, len(events), claims, key)
        return
    proof.failure = _seal_not_ours(proof, path, events[0], seal, key)
    if proof.failure is None:
        proof.failure = _seal_coverage(proof, path, contents, seal, hashes)


def _without_seal(proof: Proof, path: Path, count: int, claims: int | None, key: SealKey | None) -> None:
    """A journal with no seal: written before seals, or its first event cut before the seal was."""
    if claims is None and key is None:
        return  # written before seals: the chain is all there is
    if claims is None:  # with a key, every record needs its signed seal: an older one is adopted once
        proof.failure = JournalError(path, "seal_without_key", seal=str(seal_path(path)))
    elif count == 1:  # made, and the power went before its seal: never shown as saved
        proof.unsealed_last = True
    else:
        proof.failure = JournalError(path, "seal_missing", seal=str(seal_path(path)))


def _seal_not_ours(proof: Proof, path: Path, first: Any, seal: SealFile, key: SealKey | None) -> JournalError | None:
    """Why the seal does not speak for this journal (damaged, another journal's, another key's,
    forged); None when it does, with `proof.seal` saying how far it was checked."""
    newest = seal.newest
    if newest is None:
        return JournalError(path, "seal_damaged", seal=str(seal_path(path)))
    console = getattr(first, "console", None) if getattr(first, "type", "") == "console_joined" else None
    if newest.journal != sealed_name(path, console):
        return JournalError(path, "seal_other_journal", seal=str(seal_path(path)), other=newest.journal)
    if key is None:
        proof.seal = "unchecked_key" if newest.key_id else "sealed"
        return None
    if newest.key_id is None:
        return JournalError(path, "seal_without_key", seal=str(seal_path(path)))
    if newest.key_id != key.key_id:
        return JournalError(path, "seal_other_key", seal=str(seal_path(path)), key_id=newest.key_id, own=key.key_id)
    if not all(slot.mac_holds(key) for slot in seal.slots):
        return JournalError(path, "seal_forged", seal=str(seal_path(path)))
    proof.seal = "keyed"
    return None


def _seal_coverage(proof: Proof, path: Path, contents: JournalContents, seal: SealFile,
                   hashes: list[str]) -> JournalError | None:
    """Whether the seal's slots match the events read: none removed, none changed, at most one
    (being sealed as the power went) beyond it."""
    newest = seal.newest
    assert newest is not None  # a seal with no readable slot is refused before
    count = len(contents.events)
    if count < max(slot.events for slot in seal.slots):
        hashes = hashes + _written_since(path, contents, hashes[-1])  # a writer at work as it was read
    known = len(hashes)

    def holds(sealed_events: int, sealed_hash: str) -> bool:
        return 1 <= sealed_events <= known and hashes[sealed_events - 1] == sealed_hash

    if known < newest.events:
        return JournalError(path, "events_removed", count + 1, sealed=newest.events, found=count)
    if not all(holds(slot.events, slot.last_hash) for slot in seal.slots):
        return JournalError(path, "seal_mismatch", min(newest.events, count), sealed=newest.events)
    if count == newest.events + 1:
        proof.unsealed_last = True  # its seal was being written as the power went
    elif count > newest.events:
        return JournalError(path, "seal_mismatch", newest.events + 1, sealed=newest.events)
    elif count < newest.events:
        pass  # grown since it was read (above): what was read is what the seal covers, and more
    elif seal.damaged:
        # A slot is spoiled only by a write cut by a power loss, and then the journal holds the
        # event that write was sealing: with none beyond the seal, the damage came afterwards.
        return JournalError(path, "seal_damaged", seal=str(seal_path(path)))
    return None
