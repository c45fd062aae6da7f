"""Derived copies kept to save work (compiled catalogs, the kept `--help` text, the records'
subjects index): never the source of truth, so keeping one is best effort.

A copy appears whole or not at all, whoever else writes it at the same time; a folder that
cannot be written (a read-only installation, a full disk) only means working without it.
Only `os` is imported: `--help` reaches this module before anything heavy.
"""

from __future__ import annotations

import os


def keep_copy(path: str | os.PathLike[str], data: bytes) -> None:
    """Write DATA to PATH (its folder made if need be) through a temporary file and a rename."""
    partial = f"{os.fspath(path)}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(os.fspath(path)), exist_ok=True)
        try:
            with open(partial, "wb") as handle:
                handle.write(data)
            os.replace(partial, path)
        finally:
            if os.path.exists(partial):
                os.unlink(partial)
    except OSError:
        pass
