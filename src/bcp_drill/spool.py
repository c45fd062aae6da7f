"""Items kept in a temporary file instead of memory, for a list over a whole records folder."""

from __future__ import annotations

import pickle
import tempfile
from typing import IO, Any, Iterator


class Spool:
    """Items appended to a temporary file and read back in order, as often as needed (one
    reading at a time). Only this process writes and reads the file, so the items come back
    exactly as they went in (pickled); the file is gone when closed or when the process ends."""

    def __init__(self) -> None:
        self._file: IO[bytes] = tempfile.TemporaryFile()
        self._count = 0

    def append(self, item: Any) -> None:
        pickle.dump(item, self._file, pickle.HIGHEST_PROTOCOL)
        self._count += 1

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[Any]:
        self._file.flush()
        self._file.seek(0)
        for _ in range(self._count):
            yield pickle.load(self._file)
        self._file.seek(0, 2)  # further items are appended after the last

    def close(self) -> None:
        self._file.close()
