"""The seal kept beside each journal: its event count and last hash, so that evidence of a
change does not live only inside the file it protects.

`<name>.jsonl` has `<name>.seal` beside it. Each append rewrites the seal (after the event is
fsynced, before the screen says "saved"). The seal file holds two fixed-size slots, written in
turn and fsynced, so a write cut by a power loss spoils at most the slot being written and the
other still holds the state one event earlier: no rename, one fsync per event.

With a seal key (32 random bytes in the user's own settings folder, never in the records
folder), each slot also carries an HMAC-SHA256 of what it states: someone who can write the
records folder but has not the key cannot make a seal for a journal they changed.
"""

from __future__ import annotations

import errno
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from bcp_drill.errors import UserError
from bcp_drill.records.filesystem import inside, open_file

SEAL_SUFFIX = ".seal"
SLOT_SIZE = 1024  # bytes per slot: far above what a slot holds (ids are at most 200 + 64 characters)
SLOTS = 2
SEAL_VERSION = 1
KEY_FILE = "seal.key"  # in the user's settings folder
KEY_BYTES = 32


class SealKeyError(UserError):
    area = "seal"


@dataclass(frozen=True)
class SealKey:
    """A secret shared by the PCs that write and check one records folder."""

    secret: bytes

    @property
    def key_id(self) -> str:
        """A name for the key that gives nothing of it away (a seal says which key made it)."""
        return hashlib.sha256(b"bcp-drill seal key\n" + self.secret).hexdigest()[:16]

    def mac(self, statement: bytes) -> str:
        return hmac.new(self.secret, statement, hashlib.sha256).hexdigest()


def default_key_path() -> Path:
    from bcp_drill.startup.config_files import user_config_path

    return user_config_path().parent / KEY_FILE


def load_seal_key(path: Path, records: Path | None = None) -> SealKey | None:
    """The key in PATH (None when there is none); a key kept inside the records folder is refused,
    since whoever can write the records could then read it."""
    if records is not None and inside(path, records):
        raise SealKeyError("key_in_records", path=path, records=str(records))
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as error:
        raise SealKeyError("key_unreadable", path=path, reason=getattr(error, "strerror", None) or str(error)) from None
    try:
        secret = bytes.fromhex(text)
    except ValueError:
        secret = b""
    if len(secret) != KEY_BYTES:
        raise SealKeyError("key_malformed", path=path, size=KEY_BYTES)
    return SealKey(secret)


def make_seal_key(path: Path, records: Path | None = None) -> SealKey:
    """A new random key written to PATH (readable by its owner only); an existing key is kept."""
    if records is not None and inside(path, records):
        raise SealKeyError("key_in_records", path=path, records=str(records))
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_bytes(KEY_BYTES)
    fd = open_file(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, secret.hex().encode("ascii") + b"\n")
        os.fsync(fd)
    finally:
        os.close(fd)
    return SealKey(secret)


def seal_path(journal: Path) -> Path:
    """`x.jsonl` -> `x.seal`, beside it."""
    return journal.with_name(journal.stem + SEAL_SUFFIX)


def sealed_name(journal: Path, console: str | None) -> str:
    """The name a seal binds its journal to: `<id>.jsonl`, or `<drill id>/<console>.jsonl` for a
    team console's own journal; so one journal put in another's place does not match its seal."""
    return f"{journal.parent.name}/{journal.name}" if console else journal.name


@dataclass(frozen=True)
class Seal:
    """What a seal states about its journal."""

    journal: str
    record_id: str
    events: int
    last_hash: str
    key_id: str | None = None
    mac: str | None = None

    def statement(self) -> bytes:
        """The bytes the key's MAC is taken over: every fact the seal states."""
        return json.dumps([SEAL_VERSION, self.journal, self.record_id, self.events, self.last_hash],
                          ensure_ascii=True, separators=(",", ":")).encode("ascii")

    def signed(self, key: SealKey | None) -> "Seal":
        if key is None:
            return self
        return Seal(self.journal, self.record_id, self.events, self.last_hash, key.key_id, key.mac(self.statement()))

    def mac_holds(self, key: SealKey) -> bool:
        return self.mac is not None and hmac.compare_digest(self.mac, key.mac(self.statement()))

    def slot_bytes(self) -> bytes:
        body = {"v": SEAL_VERSION, "journal": self.journal, "record_id": self.record_id, "events": self.events,
                "last_hash": self.last_hash, "key": self.key_id, "mac": self.mac}
        text = json.dumps(body, ensure_ascii=True, separators=(",", ":"))
        # A checksum of the slot itself: a slot torn by a power cut is known as torn, not misread.
        check = hashlib.sha256(text.encode("ascii")).hexdigest()
        data = json.dumps({"seal": body, "check": check}, ensure_ascii=True, separators=(",", ":")).encode("ascii")
        if len(data) >= SLOT_SIZE:
            raise ValueError("seal too long")
        return data + b" " * (SLOT_SIZE - 1 - len(data)) + b"\n"


def _slot(raw: bytes) -> Seal | None:
    try:
        data = json.loads(raw)
        body = data["seal"]
        text = json.dumps(body, ensure_ascii=True, separators=(",", ":"))
        if hashlib.sha256(text.encode("ascii")).hexdigest() != data["check"] or body["v"] != SEAL_VERSION:
            return None
        return Seal(str(body["journal"]), str(body["record_id"]), int(body["events"]), str(body["last_hash"]),
                    body.get("key"), body.get("mac"))
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


@dataclass(frozen=True)
class SealFile:
    """A seal file as read: its whole slots, newest first; `damaged` when a slot is spoiled."""

    slots: tuple[Seal, ...]
    damaged: bool

    @property
    def newest(self) -> Seal | None:
        return self.slots[0] if self.slots else None


def read_seal(path: Path) -> SealFile | None:
    """The seal at PATH (None when there is none)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    found = [_slot(raw[i * SLOT_SIZE:(i + 1) * SLOT_SIZE]) for i in range(SLOTS)]
    whole = sorted((s for s in found if s is not None), key=lambda s: -s.events)
    # Both slots are written when a seal is made, so a spoiled one is damage (or a write cut by a
    # power loss, which spoils the slot of an event never shown as saved).
    return SealFile(tuple(whole), len(raw) != SLOT_SIZE * SLOTS or len(whole) < SLOTS)


class SealWriter:
    """The open seal of an open journal: `write` rewrites one slot and fsyncs it."""

    def __init__(self, path: Path, journal: str, record_id: str, key: SealKey | None) -> None:
        self.path = path
        self.journal = journal
        self.record_id = record_id
        self.key = key
        self._fd: int | None = open_file(path, os.O_RDWR | os.O_CREAT)

    def write(self, events: int, last_hash: str, both: bool = False) -> None:
        """State EVENTS and LAST_HASH in the slot of that count (BOTH: in both slots), fsynced."""
        assert self._fd is not None
        seal = Seal(self.journal, self.record_id, events, last_hash).signed(self.key)
        data = seal.slot_bytes()
        if both or os.fstat(self._fd).st_size != SLOT_SIZE * SLOTS:  # a new seal: both slots state the same
            os.ftruncate(self._fd, 0)
            self._put(0, data + data)
        else:
            self._put((events % SLOTS) * SLOT_SIZE, data)
        os.fsync(self._fd)

    def _put(self, offset: int, data: bytes) -> None:
        assert self._fd is not None
        os.lseek(self._fd, offset, os.SEEK_SET)
        if os.write(self._fd, data) != len(data):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))  # a full disk writes short

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
