"""What the benchmark scripts share: the median wall time of whole processes, one process's
time and peak memory, and the summary rows bench/run_all.py prints together."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Started first, small: it starts the measured command and reports its time and peak memory.
# Linux counts in a child's peak the memory of the process it was forked from (kept across
# exec), so a command started straight from a benchmark that holds its data would be charged
# for that data; from this launcher it is charged about 9 MiB, less than any Python process has.
LAUNCHER = """
import os, sys, time
started = time.perf_counter()
pid = os.posix_spawn(sys.argv[2], sys.argv[2:], os.environ)
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(f"{time.perf_counter() - started} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}")
"""


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


def measure(command: list[str], cwd: Path | None = None, env: dict[str, str] | None = None
            ) -> tuple[float, float, int, str]:
    """Wall seconds, peak memory (MiB), exit code and output (stdout and stderr) of one process."""
    with tempfile.TemporaryDirectory() as folder, tempfile.TemporaryFile() as sink:
        # A file, not a pipe: a large output must not block.
        report = Path(folder) / "usage"
        subprocess.run([sys.executable, "-c", LAUNCHER, str(report), *command], stdout=sink,
                       stderr=subprocess.STDOUT, cwd=cwd, env=env, check=False)
        sink.seek(0)
        output = sink.read().decode("utf-8", "replace")
        if not report.exists():
            raise SystemExit(f"benchmark launcher failed: {output[-2000:]}")
        wall, peak_kib, code = report.read_text().split()
    return float(wall), int(peak_kib) / 1024, int(code), output


def summary_row(goal: str, what: str, value: str, floor: str, limit: str, met: bool) -> None:
    """One row of run_all's summary (when it asked for one): a figure, its floor, the goal's limit."""
    target = os.environ.get("BENCH_SUMMARY")
    if target:
        with open(target, "a", encoding="utf-8") as out:
            out.write(json.dumps({"goal": goal, "what": what, "value": value, "floor": floor, "limit": limit,
                                  "met": met}, ensure_ascii=False) + "\n")
