"""Reading many files on every core, for a one-shot command.

Each file is read and checked on its own, so the work splits into chunks that forked worker
processes read while the results come back in order. Only a whole process may ask for it: a
program with threads (the TUI) must not fork. Without `fork` (Windows), or with too few
items for new processes to pay, everything is read here, in this process.
"""

from __future__ import annotations

import multiprocessing
from typing import Callable, Iterator, TypeVar

Item = TypeVar("Item")
_HERE_CHUNK = 50  # items read at once in this process
_CHUNK_MOST = 200  # items a worker reads at once
Result = TypeVar("Result")


def read_in_workers(read_chunk: Callable[[list[Item]], list[Result]], items: list[Item], workers: int,
                    worth_from: int) -> Iterator[Result]:
    """READ_CHUNK's results over ITEMS, in their order; in up to WORKERS forked processes when
    there are at least WORTH_FROM items. READ_CHUNK must be a module-level function (or a
    functools.partial of one) so that it can be handed to a worker."""
    workers = min(workers, len(items) // (worth_from // 2) or 1)
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        for start in range(0, len(items), _HERE_CHUNK):  # a chunk at a time: results are let go as used
            yield from read_chunk(items[start:start + _HERE_CHUNK])
        return
    from collections import deque
    from concurrent.futures import Future, ProcessPoolExecutor

    # Small chunks in order: the first ones come back while the workers read the rest; only a
    # few are asked for ahead of the one being used, so the results wait in memory only a
    # little while this process (slower, or busy) hands them on.
    size = min(max(10, len(items) // (workers * 4)), _CHUNK_MOST)
    starts = iter(range(0, len(items), size))
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        ahead: deque[Future[list[Result]]] = deque()
        for start in starts:
            ahead.append(pool.submit(read_chunk, items[start:start + size]))
            if len(ahead) >= workers * 2:
                break
        while ahead:
            done = ahead.popleft().result()
            following = next(starts, None)
            if following is not None:
                ahead.append(pool.submit(read_chunk, items[following:following + size]))
            yield from done
