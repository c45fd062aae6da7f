"""Writing a report, a table or a template to a file the user named, without harming records.

A record's journal (or the follow-ups journal) is never an output; an existing file is only
replaced when the user says so; the file appears whole or not at all (written beside it,
fsynced, then renamed over it).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable

from bcp_drill.errors import UserError
from bcp_drill.records.filesystem import inside, windows_name_problem

PROTECTED_SUFFIXES = (".jsonl",)


class OutputRefused(UserError):
    area = "output"


def check_output(path: Path, records_root: Path, force: bool) -> None:
    """Refuse (OutputRefused) an output that would overwrite a record, or any file unasked."""
    name = path.name
    if windows_name_problem(name) == "device":
        raise OutputRefused("device_name", path=path, name=name)
    if inside(path, records_root) and (path.suffix in PROTECTED_SUFFIXES or ".jsonl." in name
                                        or name.startswith(".")):
        raise OutputRefused("is_a_record", path=path, folder=str(records_root))
    if path.exists() and not path.is_file():
        raise OutputRefused("not_a_file", path=path)
    if not path.parent.is_dir():
        raise OutputRefused("no_folder", path=path, folder=str(path.parent))
    if path.exists() and not force:
        raise OutputRefused("exists", path=path)


def write_output_file(path: Path, data: bytes | Callable[[Callable[[bytes], object]], None],
                      records_root: Path, force: bool = False) -> None:
    """Write DATA to PATH after `check_output`, whole or not at all. DATA may be a function
    that writes the bytes itself through the write function it is given (a long table,
    written as it is made)."""
    check_output(path, records_root, force)
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as error:
        raise OutputRefused("write_failed", path=path, reason=error.strerror or str(error)) from None
    try:
        with os.fdopen(handle, "wb") as out:
            if callable(data):
                data(out.write)
            else:
                out.write(data)
            out.flush()
            os.fsync(out.fileno())
        # mkstemp makes the file readable by its owner only: a report on a shared folder is for
        # colleagues too, so it gets the mode any new file gets here (the umask decides).
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise OutputRefused("write_failed", path=path, reason=error.strerror or str(error)) from None
    except BaseException:  # DATA failed while writing (or was interrupted): no half file is left
        Path(temporary).unlink(missing_ok=True)
        raise


def _umask() -> int:
    """The process's umask (read by setting it, then putting it back)."""
    current = os.umask(0o022)
    os.umask(current)
    return current
