"""Several processes on one records folder: nothing lost, no line of one written into another's."""

import os
from datetime import date

from bcp_drill.content.library import ContentLibrary
from bcp_drill.drill.session import DrillSession
from bcp_drill.followups.collect import collect_followups
from bcp_drill.followups.update import update_followup
from bcp_drill.records.journal import read_journal
from bcp_drill.records.store import RecordStore
from support.drills import DATA, FakeClock, make_store
from support.windows import other_processes

WORKERS = 4
UPDATES_EACH = 15


def _update_many(root: str, followup_id: str, worker: int) -> None:
    store = RecordStore(root_path(root), f"worker{worker}")
    for number in range(UPDATES_EACH):
        update_followup(store, followup_id, comment=f"w{worker}-{number}")


def _start_drill(root: str, worker: int, barrier) -> None:
    clock = FakeClock()  # every worker starts "in the same second"
    store = RecordStore(root_path(root), f"worker{worker}", clock)
    library = ContentLibrary.load([DATA / "content"], cwd=DATA)
    barrier.wait(timeout=60)
    DrillSession.start(store, library.scenarios["mini"], "tabletop").close()


def run_all(workers) -> None:
    """Start every process at once, wait for all, and check each ended well."""
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0


def root_path(root: str):
    from pathlib import Path

    return Path(root)


def test_follow_up_updates_from_several_processes_all_land(tmp_path):
    store = make_store(tmp_path, FakeClock())
    library = ContentLibrary.load([DATA / "content"], cwd=DATA)
    session = DrillSession.start(store, library.scenarios["mini"], "tabletop")
    session.raise_problem("UPS alarm", "s1", due=date(2030, 1, 1))
    session.close()
    followup_id = f"{session.record_id}/P01"
    context = other_processes()
    run_all([context.Process(target=_update_many, args=(str(store.root), followup_id, w)) for w in range(WORKERS)])
    events = read_journal(store.path_of("followups")).events  # every line parses: none interleaved
    assert len(events) == WORKERS * UPDATES_EACH
    assert [e.seq for e in events] == list(range(1, WORKERS * UPDATES_EACH + 1))
    assert {e.comment for e in events} == {f"w{w}-{n}" for w in range(WORKERS) for n in range(UPDATES_EACH)}
    [item] = collect_followups(store)
    assert len(item.history) == WORKERS * UPDATES_EACH


def test_drills_started_in_the_same_second_get_their_own_records(tmp_path):
    store = make_store(tmp_path, FakeClock())
    context = other_processes()
    barrier = context.Barrier(WORKERS)
    run_all([context.Process(target=_start_drill, args=(str(store.root), w, barrier)) for w in range(WORKERS)])
    journals = sorted(store.root.glob("*.jsonl"))
    assert len(journals) == WORKERS
    owners = sorted(read_journal(path).events[0].by for path in journals)
    assert owners == [f"worker{w}" for w in range(WORKERS)]
    assert all(len(read_journal(path).events) == 1 for path in journals)
    assert os.path.commonprefix([p.name for p in journals]).endswith("-mini")
