"""A derived copy of the validated content library, so that a screen opens without reading,
parsing and validating every YAML file (and building the models' validators) again.

Never the source of truth: it is used only when its key matches what the library would be
made from now — every source file's path, size, mtime_ns, ctime_ns and inode (the shipped
scales, the content folders, the folders registers come from), the folders asked for, the
working folder, the version of bcp-drill and Python, the installed pydantic and PyYAML (their
files, seen without importing them) and the stat of the content code itself. Any trouble with
it (missing, damaged, someone else's, a key that does not match) means reading the YAML as if
there were no copy; deleting it is always safe.
It lives in the user's own cache folder (platformdirs), never in the records folder, which
may be a shared network folder.

Only what loads through `used()` (the TUI's content) reads and writes it: every command
that checks content (`validate`, `list`) reads the files themselves.

Each copy holds two pickles: first the content's outline (content/outline.py: plain data, what
a set-up screen shows), then the library. `kept_outline` reads only the first, so a set-up
screen is drawn before pydantic and the content models are loaded.
"""

from __future__ import annotations

import hashlib
import os
import stat
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, TypeVar

Library = TypeVar("Library")  # content/library.py's ContentLibrary (which imports this module)
Kept = TypeVar("Kept")  # what a copy holds: the library or its outline

CACHE_FORMAT = b"bcp-drill content cache 2\n"
_KEEP = 16  # cached libraries kept (one per set of folders and working folder asked for)
_SETTLED_NS = 2_000_000_000  # a file changed more recently than this may change again unseen
_enabled = False


@contextmanager
def used() -> Iterator[None]:
    """Content loaded inside this block reads and keeps the derived copy."""
    global _enabled
    before, _enabled = _enabled, True
    try:
        yield
    finally:
        _enabled = before


def wanted() -> bool:
    return _enabled


def cache_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("bcp-drill", appauthor=False)) / "content"


def _signature(path: str) -> tuple[Any, ...]:
    try:
        status = os.stat(path)
    except OSError as error:
        return ("unreadable", error.errno)
    return (status.st_mode, status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino, status.st_dev)


def _installed(package: str) -> tuple[Any, ...]:
    """What is installed of PACKAGE, without importing it: its files' names (PyYAML's C loader
    is one) and the stat of its __init__.py (a new version is a new file)."""
    from importlib.util import find_spec

    try:
        spec = find_spec(package)
    except (ImportError, ValueError):
        spec = None
    if spec is None or spec.origin is None:
        return (package, None)
    folder = os.path.dirname(spec.origin)
    return (package, tuple(sorted(os.listdir(folder))), _signature(spec.origin))


def _code_signature() -> list[tuple[str, tuple[Any, ...]]]:
    """The content code (models, checks, loader) and what it reads from the rest of the package:
    an edited source tree reads the YAML again even at the same version."""
    from bcp_drill import __version__

    here = os.path.dirname(os.path.abspath(__file__))
    package = os.path.dirname(here)
    code = sorted(os.path.join(here, name) for name in os.listdir(here) if name.endswith(".py"))
    code += [os.path.join(package, "i18n", "__init__.py"), os.path.join(package, "errors.py")]
    versions = [("versions", (__version__, sys.version)),
                *(("installed", _installed(name)) for name in ("pydantic", "pydantic_core", "yaml"))]
    return versions + [(name, _signature(name)) for name in code]


def library_key(request: tuple[Any, ...], sources: Iterable[str]) -> tuple[bytes, bytes, bool]:
    """The name of REQUEST's copy, the key it must carry, and whether every source has settled
    (none changed in the last two seconds: a copy kept now could miss a change made within the
    same tick of the file system's clock)."""
    files = [(name, _signature(name)) for name in sources]
    settled_before = time.time_ns() - _SETTLED_NS
    settled = all(len(sig) == 2 or max(sig[2], sig[3]) < settled_before for _, sig in files)
    name = hashlib.sha256(repr(request).encode("utf-8", "surrogatepass")).hexdigest()[:32].encode()
    key = hashlib.sha256(repr((request, _code_signature(), files)).encode("utf-8", "surrogatepass")).digest()
    return name, key, settled


def _own(status: os.stat_result) -> bool:
    """Made by this user and writable by nobody else (always so where there are no owners)."""
    if not hasattr(os, "getuid"):
        return True
    return status.st_uid == os.getuid() and not status.st_mode & 0o022


def _kept_payload(folder: Path, name: bytes, key: bytes) -> bytes | None:
    """The pickles kept under NAME when its key is KEY and they are whole; None on any trouble at all."""
    path = folder / f"{name.decode()}.pickle"
    try:
        here = os.lstat(path)
        if not stat.S_ISREG(here.st_mode) or not _own(here) or not _own(os.stat(folder)):  # (nor a link)
            return None
        with open(path, "rb") as stream:
            opened = os.fstat(stream.fileno())
            if (opened.st_ino, opened.st_dev) != (here.st_ino, here.st_dev):  # replaced meanwhile
                return None
            data = stream.read()
    except OSError:
        return None
    header = len(CACHE_FORMAT)
    if data[:header] != CACHE_FORMAT or data[header:header + 32] != key:
        return None
    payload = data[header + 64:]
    if hashlib.sha256(payload).digest() != data[header + 32:header + 64]:
        return None  # damaged
    return payload


def read_copy(folder: Path, name: bytes, key: bytes, kind: type[Library]) -> Library | None:
    """The library (a KIND) kept under NAME when its key is KEY; None on any trouble at all."""
    payload = _kept_payload(folder, name, key)
    return _unpickle(payload, kind, second=True) if payload is not None else None


def read_outline(folder: Path, name: bytes, key: bytes, kind: type[Kept]) -> Kept | None:
    """The outline (a KIND) kept with the library under NAME, read without the library."""
    payload = _kept_payload(folder, name, key)
    return _unpickle(payload, kind, second=False) if payload is not None else None


def _unpickle(payload: bytes, kind: type[Kept], second: bool) -> Kept | None:
    # pickle, because it is the one format that gives back the validated pydantic models without
    # building their validators (the very cost this copy saves); a pickle can run code, so it is
    # read only from the user's own cache folder, from a file this user made that nobody else
    # can write (checked above), and only when it carries the key and digest it was written with.
    import io
    import pickle

    try:
        stream = io.BytesIO(payload)
        kept = pickle.load(stream)  # the outline; then (SECOND) the library
        if second:
            kept = pickle.load(stream)
    except Exception:  # any damage at all: read the YAML instead
        return None
    return kept if isinstance(kept, kind) else None


def keep_copy(folder: Path, name: bytes, key: bytes, library: object, outline: object = None) -> None:
    """Keep OUTLINE then LIBRARY under NAME with KEY (whole or not at all); best effort, like
    every derived copy."""
    import pickle

    try:
        payload = pickle.dumps(outline, protocol=pickle.HIGHEST_PROTOCOL) \
            + pickle.dumps(library, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # something in it that does not pickle: simply no copy
        return
    data = CACHE_FORMAT + key + hashlib.sha256(payload).digest() + payload
    path = folder / f"{name.decode()}.pickle"
    partial = folder / f"{name.decode()}.{os.getpid()}.tmp"
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        try:
            with open(partial, "xb") as stream:
                os.chmod(partial, 0o600)
                stream.write(data)
            os.replace(partial, path)
        finally:
            if partial.exists():
                partial.unlink()
        _prune(folder)
    except OSError:
        pass


def _prune(folder: Path) -> None:
    """Only the newest copies are kept (each other folder asked for makes one)."""
    kept = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in kept[_KEEP:]:
        old.unlink(missing_ok=True)


def through_cache(what: Callable[[], tuple[tuple[Any, ...], list[str]]], read: Callable[[], Library],
                  kind: type[Library], outline: Callable[[Library], object]) -> Library:
    """The library READ would give: the kept copy when its key matches, else READ's (then kept,
    after its OUTLINE). WHAT gives the request (what was asked for, where) and every source file
    it is made from."""
    try:
        folder = cache_dir()
        request, sources = what()
        name, key, settled = library_key(request, sources)
    except Exception:  # no cache folder to be had (no home directory), a working folder gone: no copy
        return read()
    kept = read_copy(folder, name, key, kind)
    if kept is not None:
        return kept
    library = read()
    if settled:
        keep_copy(folder, name, key, library, outline(library))
    return library


def kept_outline(what: Callable[[], tuple[tuple[Any, ...], list[str]]], kind: type[Kept]) -> Kept | None:
    """The outline kept with the library WHAT asks for (see through_cache) while its key matches;
    None when there is no such copy (the library is then read as usual)."""
    try:
        folder = cache_dir()
        name, key, _settled = library_key(*what())
    except Exception:
        return None
    return read_outline(folder, name, key, kind)
