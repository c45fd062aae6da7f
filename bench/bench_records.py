"""Benchmark: the commands that read a whole records folder, beside their floor.

    python3 bench/bench_records.py [--drills 1000 3000 10000] [--keep DIR]

It makes its own data: one real drill of each shipped scenario through the public session
API (steps, notes, a correction, problems, an inject), copied with new record ids (each
copy re-chained and sealed, so `verify` holds) into a folder of N drills. Each figure is a whole
process (start-up included), run in the same session as its floor:

- floor: a process reading every line of every journal with json.loads;
- `tally --drills` (the first run fills the derived figures cache, the second uses it),
  `followups --format csv`, `trend` of one scenario (a sixth of the folder), `report` of one
  drill in the folder (the first run fills the derived subjects index, the second uses it: a
  report reads the earlier drills of its own scenario, a sixth of this folder);
- `report` again in the same folder with only 10 drills of that scenario left among the
  unrelated ones (hard links): its time should not grow with the folder;
- `verify` of every record (each journal's chain, place and seal);

with wall time, the ratio to the floor and the process's peak memory (max RSS).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import timing

ROOT = Path(__file__).resolve().parents[1]

FLOOR = """
import json, pathlib, sys
n = 0
for path in pathlib.Path(sys.argv[1]).glob("*.jsonl"):
    with path.open("rb") as handle:
        for line in handle:
            json.loads(line)
            n += 1
print(n)
"""


class StepClock:
    """A clock that moves a little on every call, so the journals look like a real drill."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=37)
        return self.now


def template_drills(folder: Path) -> list[Path]:
    """One drill of each shipped scenario, recorded through the sessions."""
    from bcp_drill.content.library import ContentLibrary
    from bcp_drill.drill.session import DrillSession
    from bcp_drill.records import events as ev
    from bcp_drill.records.store import RecordStore

    library = ContentLibrary.load([ROOT / "scenarios"], cwd=ROOT)
    store = RecordStore(folder, "bench", StepClock(datetime(2025, 6, 1, 1, 0, tzinfo=timezone.utc)))
    paths = []
    for scenario_id in sorted(library.scenarios):
        session = DrillSession.start(store, library.scenarios[scenario_id], "tabletop", place="本庁舎",
                                     participants=[ev.Participant(name=f"職員{n}", role="player")
                                                   for n in range(8)])
        for number, step in enumerate(session.scenario.steps):
            for note in range(3):  # a real drill records several notes per step
                session.add_note(f"{step.title.get('ja')} の記録 {note}", step.id)
            if not session.state.applies(step):
                continue  # ruled out by the drill's conditions or decisions: nothing to record
            for check in range(len(step.checks)):
                session.toggle_check(step.id, check)
                if step.checks[check].value is not None:
                    session.record_value(step.id, check, "50")
            if number % 5 == 4:
                session.step_not_done(step.id, "担当者不在")
            elif step.is_decision:
                session.decide(step.id, step.options[-1].id, "PSMU"[number % 4])
            else:
                session.complete_step(step.id, "PSMU"[number % 4])
            if number % 7 == 0:
                session.raise_problem(f"課題 {number}", step.id, priority="high")
        for system in session.scenario.systems:
            session.record_system_state(system.id, "down")
            session.record_system_state(system.id, "restored")
        first_step = session.scenario.steps[0]
        session.reopen_step(first_step.id)
        session.complete_step(first_step.id, "S")
        session.deliver_due_injects()
        session.record_hotwash("初動が速い", "連絡先の更新")
        session.end()
        session.close()
        paths.append(store.path_of(session.record_id))
    return paths


def copy_with_new_id(template: Path, target_folder: Path, number: int) -> None:
    """The template journal under a new record id, its hash chain and its seal rebuilt."""
    from bcp_drill.records.seal import SealWriter

    lines = template.read_bytes().split(b"\n")[:-1]
    first = json.loads(lines[0])
    record_id = f"2025{number:07d}-{first['scenario_id']}"
    first["record_id"] = record_id
    out, previous = [], None
    for index, line in enumerate(lines):
        data = first if index == 0 else json.loads(line)
        data["prev"] = previous
        encoded = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        out.append(encoded)
        previous = hashlib.sha256(encoded).hexdigest()
    (target_folder / f"{record_id}.jsonl").write_bytes(b"\n".join(out) + b"\n")
    seal = SealWriter(target_folder / f"{record_id}.seal", f"{record_id}.jsonl", record_id, None)
    seal.write(len(out), previous or "", both=True)
    seal.close()


def make_folder(folder: Path, drills: int, templates: list[Path]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(drills):
        copy_with_new_id(templates[number % len(templates)], folder, number)


def measure(command: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak memory (MiB) and output of one process."""
    wall, memory, code, output = timing.measure(command, ROOT, dict(os.environ, BCP_DRILL_LANG="en"))
    if code != 0:
        print(f"  ! {' '.join(command[-4:])} exited {code}: {output[-300:]}")
    return wall, memory, output


# The goals: these stay under 150 MB however large the folder (and linear in time);
# tally reading (and proving) every journal stays within 1.5x the json floor at 10,000 drills.
MEMORY_LIMIT_MIB = 150
FOLDER_WIDE = ("tally --drills", "tally --drills, again", "followups", "trend of one scenario", "verify, every record")


def summarise(size: int, label: str, wall: float, floor: float, memory: float, floor_memory: float) -> None:
    if label in FOLDER_WIDE:
        timing.summary_row("memory flat", f"{label}, {size:,} drills", f"{memory:.0f} MiB",
                           f"{floor_memory:.0f} MiB", f"< {MEMORY_LIMIT_MIB} MiB", memory < MEMORY_LIMIT_MIB)
    if label == "tally --drills" and size == 10000:
        timing.summary_row("integrity checks", f"tally --drills proving every journal, {size:,} drills",
                           f"{wall:.2f} s ({wall / floor:.2f}x)", f"{floor:.2f} s", "<= 1.5x floor",
                           wall / floor <= 1.5)


def run(sizes: list[int], keep: Path | None) -> None:
    python = sys.executable
    work = Path(tempfile.mkdtemp(prefix="bcp-bench-"))
    try:
        templates = template_drills(work / "templates")
        events_each = sum(len(p.read_bytes().split(b"\n")) - 1 for p in templates) / len(templates)
        print(f"{len(templates)} template drills, {events_each:.0f} events each on average")
        print(f"{'drills':>7} {'what':<30} {'seconds':>8} {'floor s':>8} {'ratio':>6} {'peak MiB':>9}")
        for size in sizes:
            folder = (keep or work) / f"records-{size}"
            make_folder(folder, size, templates)
            floor, floor_mem, _ = measure([python, "-c", FLOOR, str(folder)])
            one = sorted(folder.glob("*.jsonl"))[size // 2].stem
            base = [python, "-m", "bcp_drill", "--records", str(folder)]
            for label, args in (("json.loads floor", None),
                                ("tally --drills", ["tally", "--drills", "--format", "csv"]),
                                ("tally --drills, again", ["tally", "--drills", "--format", "csv"]),
                                ("followups", ["followups", "--format", "csv"]),
                                ("trend of one scenario", ["trend", one.split("-", 1)[1]]),
                                ("report one drill", ["report", one, "--format", "md"]),
                                ("report one drill, again", ["report", one, "--format", "md"]),
                                ("verify, every record", ["verify"])):
                if args is None:
                    wall, memory = floor, floor_mem
                else:
                    wall, memory, output = measure(base + args)
                    if "not included" in output or "NG  " in output:  # a figure over a folder that does not prove
                        print(f"  ! {label}: records left out or failing: {output[-300:]}")
                print(f"{size:>7} {label:<30} {wall:>8.2f} {floor:>8.2f} {wall / floor:>6.1f} {memory:>9.0f}")
                if args is not None:
                    summarise(size, label, wall, floor, memory, floor_mem)
            # The same folder, but the reported drill's scenario has only 10 drills in it: a
            # report reads its own scenario's drills, not the unrelated ones around them.
            mixed = (keep or work) / f"records-{size}-unrelated"
            target = one.split("-", 1)[1]
            mixed.mkdir(parents=True, exist_ok=True)
            ours = 0
            for path in sorted(folder.glob("*.jsonl")):
                if path.stem.split("-", 1)[1] == target:
                    ours += 1
                    if ours > 10:
                        continue
                    one_mixed = path.stem
                if not (mixed / path.name).exists():
                    os.link(path, mixed / path.name)
                    os.link(path.with_suffix(".seal"), mixed / path.with_suffix(".seal").name)
            for label in ("report, 10 of its kind", "report, 10 of its kind, again"):
                wall, memory, _ = measure([python, "-m", "bcp_drill", "--records", str(mixed),
                                           "report", one_mixed, "--format", "md"])
                print(f"{size:>7} {label:<30} {wall:>8.2f} {floor:>8.2f} {wall / floor:>6.1f} {memory:>9.0f}")
    finally:
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--drills", type=int, nargs="+", default=[1000])
    parser.add_argument("--keep", type=Path, help="build the folders here and keep them")
    args = parser.parse_args()
    run(args.drills, args.keep)


if __name__ == "__main__":
    main()
