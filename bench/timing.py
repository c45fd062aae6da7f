"""What the benchmark scripts share: the median wall time of whole processes."""

from __future__ import annotations

import os
import statistics
import subprocess
import time


def timed(command: list[str], runs: int = 3, env: dict[str, str] | None = None) -> float:
    """Median seconds of RUNS runs of COMMAND (with ENV added), output discarded; stops the
    benchmark if it fails."""
    times = []
    full_env = dict(os.environ, **(env or {}))
    for _ in range(runs):
        started = time.perf_counter()
        finished = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False,
                                  env=full_env)
        times.append(time.perf_counter() - started)
        if finished.returncode != 0:
            # A command that failed fast must never be reported as a fast command.
            raise SystemExit(f"benchmark command failed ({finished.returncode}): {' '.join(command)}\n"
                             + finished.stderr.decode(errors="replace")[-2000:])
    return statistics.median(times)
