"""Benchmark: a team drill written by several consoles at once, then merged.

    python3 bench/bench_team.py [--writers 4] [--events 10000]

Each writer is a process that joins the drill as a console and appends notes to its own
journal as fast as it can (fsync per event, as in a real drill). Then the drill is merged as
every console does: figures are the events written and found (lost must be 0), the time to
read and merge the whole drill, and the time a console's `refresh` takes when nothing changed
and when one event was added.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from bcp_drill.content.library import ContentLibrary  # noqa: E402
from bcp_drill.drill.session import DrillSession  # noqa: E402
from bcp_drill.drill.team import join_drill  # noqa: E402
from bcp_drill.records.store import RecordStore  # noqa: E402
from bcp_drill.records.team import read_merged  # noqa: E402


def writer(root: str, record_id: str, number: int, count: int, barrier) -> None:
    session = join_drill(RecordStore(Path(root), f"writer{number}"), record_id, "player", console_id=f"w{number}")
    barrier.wait()
    for index in range(count):
        session.add_note(f"w{number}-{index}", "s01")
    session.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--events", type=int, default=10_000, help="events in all, shared by the writers")
    args = parser.parse_args()
    library = ContentLibrary.load([ROOT / "scenarios"], cwd=ROOT)
    with tempfile.TemporaryDirectory(prefix="bcp-team-") as folder:
        store = RecordStore(Path(folder), "lead")
        lead = DrillSession.start(store, library.scenarios["earthquake-offhours"], "tabletop")
        each = args.events // args.writers
        context = multiprocessing.get_context("fork")
        barrier = context.Barrier(args.writers)
        started = time.perf_counter()
        workers = [context.Process(target=writer, args=(folder, lead.record_id, n, each, barrier))
                   for n in range(args.writers)]
        for process in workers:
            process.start()
        for process in workers:
            process.join()
        writing = time.perf_counter() - started
        assert all(p.exitcode == 0 for p in workers)

        started = time.perf_counter()
        merged = read_merged(store.root, lead.record_id, store.path_of(lead.record_id))
        merge_seconds = time.perf_counter() - started
        notes = [e.text for e in merged.events if e.type == "note_added"]
        written = each * args.writers
        lost = written - len(set(notes))
        duplicates = len(notes) - len(set(notes))

        lead.refresh()  # takes everything in once
        started = time.perf_counter()
        unchanged = lead.refresh()
        idle = time.perf_counter() - started
        other = join_drill(RecordStore(store.root, "late"), lead.record_id, "player", console_id="late")
        other.add_note("one more", None)
        started = time.perf_counter()
        changed = lead.refresh()
        busy = time.perf_counter() - started
        other.close()
        lead.close()

    print(f"writers                      {args.writers}")
    print(f"events written               {written} ({written / writing:.0f}/s, fsync each, in {writing:.1f} s)")
    print(f"events found after merging   {len(set(notes))}   lost {lost}   duplicated {duplicates}")
    print(f"read + merge whole drill     {merge_seconds:.2f} s "
          f"({len(merged.events)} events, {len(merged.consoles)} journals)")
    print(f"refresh, nothing changed     {idle * 1000:.1f} ms (changed={unchanged})")
    print(f"refresh, one event added     {busy:.2f} s (changed={changed})")


if __name__ == "__main__":
    main()
