"""Every benchmark, one after another, each figure beside its floor measured in the same run,
then one summary table: each goal of issue 30, its figure, its floor and whether it is met.

    python3 bench/run_all.py [--drills 10000 100000] [--goals]

Runs bench_startup, bench_runner (300 steps; 5,000 events; 1,000 steps with 5,000 events),
bench_validate (1,000 files), bench_records (the folder sizes given: the memory goal is at
100,000 drills, the integrity goal at 10,000), bench_reports (a drill with 1,000 earlier
drills), bench_team (10,000 events, 8 writers), bench_imports (hostile sheets) and crash_loop
(120 kills). --goals runs only the scripts with a goal in the summary. Each
script can also be run alone; their docstrings say what they measure. The machine's load is
printed before and after: figures taken on a busy machine are slower than the code.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--drills", nargs="+", default=["10000", "100000"])
    parser.add_argument("--goals", action="store_true", help="only the scripts measuring a goal of the summary")
    args = parser.parse_args()
    drills = args.drills
    runs = [["bench_startup.py", "--runs", "9"], ["bench_records.py", "--drills", *drills],
            ["bench_reports.py", "--earlier", "1000"], ["bench_team.py"], ["bench_imports.py"]]
    if not args.goals:
        runs[1:1] = [["bench_runner.py"], ["bench_runner.py", "--events", "5000"],
                     ["bench_runner.py", "--steps", "1000", "--events", "5000"],
                     ["bench_validate.py", "--files", "1000"]]
        runs.append(["crash_loop.py", "120"])
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} cores)")
    failed = 0
    with tempfile.TemporaryDirectory() as folder:
        summary = Path(folder) / "summary.jsonl"
        for script, *options in runs:
            print(f"\n== {script} {' '.join(options)}", flush=True)
            failed += subprocess.run([sys.executable, str(HERE / script), *options], check=False,
                                     env=dict(os.environ, BENCH_SUMMARY=str(summary))).returncode != 0
        rows = [json.loads(line) for line in summary.read_text(encoding="utf-8").splitlines()] \
            if summary.exists() else []
    print(f"\nload average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print_summary(rows)
    return 1 if failed else 0


def print_summary(rows: list[dict]) -> None:
    print("\n== Summary: issue 30's goals")
    keys = ("goal", "what", "value", "floor", "limit")
    header = ("goal", "what", "figure", "floor", "goal's limit")
    widths = [max([len(label)] + [len(str(row[key])) for row in rows]) for key, label in zip(keys, header, strict=True)]
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + "  met")
    for row in rows:
        cells = [str(row[key]) for key in keys]
        print("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + ("  yes" if row["met"] else "  NO"))
    goals = [r for r in rows if not r["goal"].startswith("(context)")]  # context rows are no goal of the issue
    print(f"{sum(r['met'] for r in goals)} of {len(goals)} goals met")


if __name__ == "__main__":
    sys.exit(main())
