"""Benchmark: a team drill written by several consoles at once, then merged.

    python3 bench/bench_team.py [--writers 8] [--events 10000] [--runs 15]

Each writer is a process that joins the drill as a console and appends notes to its own
journal as fast as it can (fsync per event, as in a real drill). Then the drill is merged as
every console does: figures are the events written and found (lost must be 0), the time to
read and merge the whole drill, and the time a console's `refresh` takes when nothing changed
and when another console has added one event (median of RUNS), beside its floor: opening that
journal, reading the one new line and parsing it with `json.loads` (target: ≤ 20 ms at 10,000
events and 8 consoles). An event whose clock is behind what was merged already is placed by
resuming the merge and the state is made again from the events held (no reading): shown too.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from timing import summary_row  # noqa: E402

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
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--events", type=int, default=10_000, help="events in all, shared by the writers")
    parser.add_argument("--runs", type=int, default=15, help="refreshes after one new event, median shown")
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
        started = time.perf_counter()
        lead.refresh()  # a console joins: its journal is read whole, the others' are not read again
        joined = time.perf_counter() - started
        busy, floor = one_more(lead, other, args.runs, lambda: None)
        # Another console's note taken in, then one the late console wrote before seeing it, its
        # clock 30 s behind: it goes before a note applied already.
        first = join_drill(RecordStore(store.root, "writer0"), lead.record_id, "player", console_id="w0")
        other.journal.clock = lambda: datetime.now(timezone.utc) - timedelta(seconds=30)

        def noted_elsewhere() -> None:
            first.add_note("seen first", None)
            lead.refresh()

        earlier, _ = one_more(lead, other, max(args.runs // 3, 1), noted_elsewhere)
        changed = len(lead.state.notes) == len(notes) + args.runs + 2 * max(args.runs // 3, 1)  # all taken in
        first.close()
        other.close()
        lead.close()

    print(f"writers                      {args.writers}")
    print(f"events written               {written} ({written / writing:.0f}/s, fsync each, in {writing:.1f} s)")
    print(f"events found after merging   {len(set(notes))}   lost {lost}   duplicated {duplicates}")
    print(f"read + merge whole drill     {merge_seconds:.2f} s "
          f"({len(merged.events)} events, {len(merged.consoles)} journals)")
    print(f"refresh, nothing changed     {idle * 1000:.1f} ms (changed={unchanged})")
    print(f"refresh, a console joined    {joined * 1000:.1f} ms")
    print(f"refresh, one event added     {busy * 1000:.1f} ms (median of {args.runs}; all taken in: {changed})   "
          f"floor (read + json.loads the new line) {floor * 1000:.2f} ms   ratio {busy / floor:.0f}x   "
          f"target ≤ 20 ms: {'met' if busy <= 0.020 else 'NOT met'}")
    summary_row("team console live", f"refresh after one event, {written:,} events, {args.writers} consoles",
                f"{busy * 1000:.1f} ms", f"{floor * 1000:.2f} ms", "<= 20 ms, all taken in", busy <= 0.020 and changed)
    print(f"refresh, one event with an earlier clock  {earlier * 1000:.1f} ms "
          "(before one applied already: the state is made again from the events held)")


def one_more(lead: DrillSession, other: DrillSession, runs: int, before) -> tuple[float, float]:
    """Median seconds of LEAD's refresh after OTHER adds one note (BEFORE: called first), and of
    its floor: reading that one new line from OTHER's journal and parsing it."""
    refreshes, floors = [], []
    for number in range(runs):
        before()
        size = other.journal.path.stat().st_size
        other.add_note(f"one more {number}", None)
        started = time.perf_counter()
        lead.refresh()
        refreshes.append(time.perf_counter() - started)
        started = time.perf_counter()
        with other.journal.path.open("rb") as handle:
            handle.seek(size)
            json.loads(handle.readline())
        floors.append(time.perf_counter() - started)
    return statistics.median(refreshes), statistics.median(floors)


if __name__ == "__main__":
    main()
