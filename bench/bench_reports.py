"""Benchmark: the after-action report of a drill with many earlier drills of its scenario.

    python3 bench/bench_reports.py [--earlier 1000] [--runs 3] [--scenario earthquake-offhours]

It makes its own data (one real drill of the scenario recorded through the sessions, as
bench_records.py does, copied with new record ids into a folder of EARLIER + 1 drills) and
times whole processes (start-up included), the median of RUNS:

- floor: `report --format pdf` of the same drill alone in its folder (no earlier drills);
- `report --format pdf`, `html`, `md` and `xlsx` of the newest drill among EARLIER earlier
  drills of its scenario;

each with the ratio to the floor; and the same PDF refused when the drill has a character no
installed font has (U+0378, unassigned): the refusal comes before the document is laid out.
Target: the PDF with 1,000 earlier drills in 5 s or less.
The report's trend shows the newest drills and says how many more there are (`trend` lists
them all), so its length, and its layout time, do not grow with the folder.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_records import copy_with_new_id, template_drills  # noqa: E402
from timing import summary_row, timed  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def run(earlier: int, runs: int, scenario: str) -> None:
    work = Path(tempfile.mkdtemp(prefix="bcp-bench-reports-"))
    try:
        templates = [p for p in template_drills(work / "templates") if p.stem.endswith(scenario)]
        if not templates:
            raise SystemExit(f"no shipped scenario {scenario}")
        alone, many = work / "alone", work / "many"
        alone.mkdir()
        many.mkdir()
        copy_with_new_id(templates[0], alone, earlier)
        for number in range(earlier + 1):
            copy_with_new_id(templates[0], many, number)
        one = f"2025{earlier:07d}-{scenario}"
        out = work / "out"
        out.mkdir()
        env = {"BCP_DRILL_LANG": "ja", "XDG_CONFIG_HOME": str(work / "cfg")}

        def report(folder: Path, fmt: str) -> float:
            return timed([sys.executable, "-m", "bcp_drill", "--records", str(folder), "report", one,
                          "--format", fmt, "-o", str(out / f"r.{fmt}"), "--force"], runs, env)

        floor = report(alone, "pdf")
        print(f"{scenario}: report of one drill, median of {runs} whole processes")
        print(f"{'earlier drills':>14} {'format':<6} {'seconds':>8} {'floor s':>8} {'ratio':>6}")
        print(f"{0:>14} {'pdf':<6} {floor:>8.2f} {floor:>8.2f} {1.0:>6.1f}")
        for fmt in ("pdf", "html", "md", "xlsx"):
            wall = report(many, fmt)
            print(f"{earlier:>14} {fmt:<6} {wall:>8.2f} {floor:>8.2f} {wall / floor:>6.1f}")
            summary_row("reports of any length", f"report --format {fmt}, {earlier:,} earlier drills",
                        f"{wall:.2f} s", f"{floor:.2f} s", "<= 5 s", wall <= 5)
        wall = refused(templates[0], many, work, one, runs, env)
        print(f"{earlier:>14} {'pdf':<6} {wall:>8.2f} {floor:>8.2f} {wall / floor:>6.1f}"
              "  refused: a character no font has")
        summary_row("reports of any length", f"PDF refused (a glyph no font has), {earlier:,} earlier drills",
                    f"{wall:.2f} s", f"{floor:.2f} s", "<= 5 s", wall <= 5)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def refused(template: Path, many: Path, work: Path, one: str, runs: int, env: dict[str, str]) -> float:
    """Median seconds until `report --format pdf` of ONE, its last note now holding U+0378, is
    refused (exit 1, the character named, nothing written), among the earlier drills of MANY."""
    folder, bad = work / "refused", work / "bad-template.jsonl"
    folder.mkdir()
    for path in many.iterdir():
        if path.is_file() and not path.name.startswith(one + "."):
            os.link(path, folder / path.name)  # the earlier drills, as they are
    lines = template.read_text(encoding="utf-8").split("\n")
    last_note = max(i for i, line in enumerate(lines) if '"type":"note_added"' in line)
    lines[last_note] = lines[last_note].replace('","elapsed_seconds"', ' \u0378","elapsed_seconds"', 1)
    bad.write_text("\n".join(lines), encoding="utf-8")
    copy_with_new_id(bad, folder, int(one[4:11]))  # re-chained and sealed under ONE's id
    out = work / "out" / "refused.pdf"
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        finished = subprocess.run([sys.executable, "-m", "bcp_drill", "--records", str(folder), "report", one,
                                   "--format", "pdf", "-o", str(out)],
                                  capture_output=True, env=dict(os.environ, **env), check=False)
        times.append(time.perf_counter() - started)
        if finished.returncode != 1 or out.exists() or "\u0378" not in finished.stderr.decode():
            raise SystemExit(f"not refused as expected ({finished.returncode}): {finished.stderr.decode()[-500:]}")
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--earlier", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scenario", default="earthquake-offhours")
    args = parser.parse_args()
    run(args.earlier, args.runs, args.scenario)


if __name__ == "__main__":
    main()
