"""Every benchmark, one after another, each figure beside its floor measured in the same run.

    python3 bench/run_all.py [--drills 1000 10000]

Runs bench_startup, bench_runner (300 steps; 5,000 events; 1,000 steps with 5,000 events),
bench_validate (1,000 files), bench_records (the folder sizes given), bench_reports (a drill
with 1,000 earlier drills), bench_team (10,000 events,
8 writers), bench_imports (hostile sheets) and crash_loop (120 kills). Each script can also be
run alone; their docstrings say what they measure.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--drills", nargs="+", default=["1000", "10000"])
    args = parser.parse_args()
    runs = [["bench_startup.py", "--runs", "9"], ["bench_runner.py"], ["bench_runner.py", "--events", "5000"],
            ["bench_runner.py", "--steps", "1000", "--events", "5000"],
            ["bench_validate.py", "--files", "1000"], ["bench_records.py", "--drills", *args.drills],
            ["bench_reports.py", "--earlier", "1000"],
            ["bench_team.py"], ["bench_imports.py"], ["crash_loop.py", "120"]]
    failed = 0
    for script, *options in runs:
        print(f"\n== {script} {' '.join(options)}", flush=True)
        failed += subprocess.run([sys.executable, str(HERE / script), *options], check=False).returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
