"""What the benchmark scripts share: the median wall time of whole processes."""

from __future__ import annotations

import statistics
import subprocess
import time


def timed(command: list[str], runs: int = 3) -> float:
    """Median seconds of RUNS runs of COMMAND, output discarded."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - started)
    return statistics.median(times)
