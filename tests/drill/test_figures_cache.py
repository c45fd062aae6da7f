"""The figures cache is never the source of truth: any change to a journal is noticed."""

import multiprocessing
import os

from bcp_drill.drill import tally
from bcp_drill.drill.tally import drill_figures
from bcp_drill.records import store as store_module
from support.drills import pid_writer, pids_in, watch_calls
from support.windows import fork_as_on_linux


def make_folder(tmp_path, count=3):
    from bcp_drill.drill.session import DrillSession
    from support.drills import FakeClock, make_store, mini_library

    clock = FakeClock()
    store = make_store(tmp_path, clock)
    ids = []
    for _ in range(count):
        clock.advance(minutes=10)
        session = DrillSession.start(store, mini_library().scenarios["mini"], "tabletop")
        clock.advance(minutes=2)
        session.complete_step("s1", "P")
        session.close()
        ids.append(session.record_id)
    return store, ids, clock


def counting_reads(monkeypatch):
    reads = []
    watch_calls(monkeypatch, store_module.RecordStore, "read_record",
                lambda _store, record_id, _path: reads.append(record_id))
    return reads


def test_an_unchanged_folder_is_answered_from_the_cache(tmp_path, monkeypatch):
    store, ids, _ = make_folder(tmp_path)
    first = drill_figures(store, "ja")
    reads = counting_reads(monkeypatch)
    second = drill_figures(store, "ja")
    assert reads == []  # nothing was read again
    assert [(f.record_id, f.summary.overall.on_time, f.summary.overall.total) for f in second] == \
           [(f.record_id, f.summary.overall.on_time, f.summary.overall.total) for f in first]
    assert second[0].summary.phases[0][1].ratings == first[0].summary.phases[0][1].ratings


def test_a_changed_added_damaged_or_deleted_journal_is_noticed(tmp_path, monkeypatch):
    from bcp_drill.drill.session import DrillSession
    from support.drills import mini_library

    store, ids, clock = make_folder(tmp_path)
    drill_figures(store, "ja")
    # Changed: one more outcome on the second drill.
    session = DrillSession.resume(store, ids[1])
    session.complete_step("s2", "M")
    session.close()
    # Added: a fourth drill.
    added = DrillSession.start(store, mini_library().scenarios["mini"], "tabletop")
    added.close()
    # Damaged: the third drill's last line cut in the middle of its text, same size kept.
    damaged = store.path_of(ids[2])
    data = damaged.read_bytes()
    damaged.write_bytes(data[:-30] + b"X" * 29 + b"\n")
    # Deleted: the first drill.
    os.remove(store.path_of(ids[0]))
    reads = counting_reads(monkeypatch)
    left_out = []
    figures = {f.record_id: f for f in drill_figures(store, "ja", left_out=left_out)}
    assert sorted(reads) == sorted([ids[1], ids[2], added.record_id])  # only what changed is read
    assert ids[0] not in figures  # deleted: gone from the figures
    assert figures[ids[1]].summary.overall.ratings["M"] == 1  # changed: the new outcome counts
    assert added.record_id in figures  # added
    assert [record_id for record_id, _ in left_out] == [ids[2]]  # damaged: named, not counted


def test_a_broken_or_missing_cache_only_means_reading_the_journals(tmp_path):
    store, ids, _ = make_folder(tmp_path)
    expected = [f.record_id for f in drill_figures(store, "ja")]
    cache_file = store.root / ".cache" / "drill-figures.sqlite3"
    cache_file.write_bytes(b"this is not a database")
    assert [f.record_id for f in drill_figures(store, "ja")] == expected
    os.remove(cache_file)
    assert [f.record_id for f in drill_figures(store, "ja")] == expected
    assert tally.figures_from_data(tally.figures_to_data(drill_figures(store, "en")[0])).scenario_title == \
        "A small scenario"


def test_figures_taken_on_another_wall_clock_are_not_reused(tmp_path, monkeypatch):
    from bcp_drill import wallclock

    store, ids, _ = make_folder(tmp_path)
    drill_figures(store, "ja")
    wallclock.use_zone(wallclock.JST)  # (conftest puts UTC back)
    reads = counting_reads(monkeypatch)
    drill_figures(store, "ja")
    assert sorted(reads) == sorted(ids)  # the 年度 depends on the wall clock's date: taken afresh


def test_cached_figures_come_back_equal_field_for_field(tmp_path):
    """The cache's hand-written conversion keeps every field (a forgotten one would change a tally)."""
    import json

    store, _, _ = make_folder(tmp_path)
    for figures in drill_figures(store, "ja"):
        data = json.loads(json.dumps(tally.figures_to_data(figures), ensure_ascii=False))
        assert tally.figures_from_data(data) == figures


def test_a_console_writing_to_a_team_drill_is_noticed(tmp_path, monkeypatch):
    """A team drill's figures change when any console's own journal grows, not only the lead's."""
    from bcp_drill.drill.team import join_drill
    from bcp_drill.records.store import RecordStore

    store, ids, clock = make_folder(tmp_path, count=2)
    before = {f.record_id: f for f in drill_figures(store)}
    assert before[ids[0]].summary.overall.done == 1
    desk = join_drill(RecordStore(store.root, "desk", clock), ids[0], "player", console_id="desk")
    desk.complete_step("s2", "S")
    desk.close()
    reads = counting_reads(monkeypatch)
    after = {f.record_id: f for f in drill_figures(store)}
    assert reads == [ids[0]]  # only the team drill is read again
    assert after[ids[0]].summary.overall.done == 2 and after[ids[1]] == before[ids[1]]


def test_journals_read_in_worker_processes_give_the_same_figures_and_reasons(tmp_path, monkeypatch):
    """`tally` reads the journals not in the cache on every core: the figures, their order and
    the records left out (with their reasons, carried back from the worker) are the same."""
    monkeypatch.setenv("BCP_DRILL_NO_CACHE", "1")
    store, ids, _ = make_folder(tmp_path, count=6)
    damaged = store.path_of(ids[3])
    damaged.write_bytes(damaged.read_bytes()[:-30] + b"X" * 29 + b"\n")
    monkeypatch.setattr(tally, "_PARALLEL_FROM", 2)  # six journals are enough to fork for
    fork_as_on_linux(monkeypatch)  # even under the Windows switch; the next test is the Windows case
    readers = tmp_path / "readers"  # each process that reads journals writes its pid here
    watch_calls(monkeypatch, store_module.RecordStore, "read_record", pid_writer(readers))

    def figures_with(workers):
        readers.write_text("")
        left_out = []
        found = drill_figures(store, "en", left_out=left_out, workers=workers)
        return found, [(record_id, error.key, error.location()) for record_id, error in left_out], pids_in(readers)

    serial, serial_left_out, pids = figures_with(1)
    assert pids == {os.getpid()}
    parallel, parallel_left_out, pids = figures_with(2)
    # Read in worker processes (which of the two takes which chunk is up to the pool).
    assert pids and os.getpid() not in pids
    assert parallel == serial and [f.record_id for f in parallel] == [i for i in ids if i != ids[3]]
    assert parallel_left_out == serial_left_out and serial_left_out[0][0] == ids[3]
    assert serial_left_out[0][1].startswith("journal.")


def test_without_fork_the_journals_are_read_here_with_the_same_figures(tmp_path, monkeypatch):
    """Windows has no `fork`: asked for two workers, tally reads every journal in its own process."""
    monkeypatch.setenv("BCP_DRILL_NO_CACHE", "1")
    store, ids, _ = make_folder(tmp_path, count=6)
    monkeypatch.setattr(tally, "_PARALLEL_FROM", 2)
    readers = tmp_path / "readers"
    watch_calls(monkeypatch, store_module.RecordStore, "read_record", pid_writer(readers))
    serial = drill_figures(store, "en", workers=1)
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    readers.write_text("")
    assert drill_figures(store, "en", workers=2) == serial and len(serial) == 6
    assert pids_in(readers) == {os.getpid()}


def test_a_tally_from_the_cache_loads_no_content_or_event_models(tmp_path):
    """The figures cache is there to answer quickly: with every journal in it, `tally --drills`
    never imports pydantic (the content and event models cost more than the answer)."""
    import subprocess
    import sys

    from bcp_drill import wallclock

    store, ids, _ = make_folder(tmp_path)
    wallclock.use_zone(wallclock.JST)  # the tool's own clock, as the command below reads on
    drill_figures(store, "en")  # fills the cache
    probe = ("import sys\nfrom bcp_drill.cli import main\n"
             f"code = main(['tally', '--drills', '--records', {str(store.root)!r}, '--lang', 'en'])\n"
             "print('exit', code, 'pydantic' in sys.modules)\n")
    env = dict(os.environ, XDG_CONFIG_HOME=str(tmp_path / "cfg"))
    env.pop("BCP_DRILL_NO_CACHE", None)
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=60).stdout
    assert all(record_id in out for record_id in ids)
    assert out.rstrip().endswith("exit 0 False")


def test_a_seal_changed_or_removed_after_the_figures_were_kept_is_noticed(tmp_path):
    """Cached figures stand for a journal proven once: a seal touched since means proving again."""
    from bcp_drill.records.seal import seal_path

    store, ids, _ = make_folder(tmp_path)
    assert len(drill_figures(store, "ja")) == 3
    seal_path(store.path_of(ids[0])).unlink()
    spoiled = seal_path(store.path_of(ids[1]))
    spoiled.write_bytes(spoiled.read_bytes()[:-5] + b"xxxx\n")
    left_out: list = []
    figures = drill_figures(store, "ja", left_out=left_out)
    assert [f.record_id for f in figures] == [ids[2]]
    assert [(record_id, error.code) for record_id, error in left_out] == [(ids[0], "seal_missing"),
                                                                        (ids[1], "seal_damaged")]


def test_figures_proven_without_a_key_are_not_taken_as_proven_with_one(tmp_path):
    from bcp_drill.records.seal import SealKey

    store, ids, _ = make_folder(tmp_path)
    assert len(drill_figures(store, "ja")) == 3
    keyed = store.as_recorder(store.recorder)
    keyed.seal_key = SealKey(b"k" * 32)
    left_out: list = []
    assert drill_figures(keyed, "ja", left_out=left_out) == []
    assert {error.code for _, error in left_out} == {"seal_without_key"}


def test_rows_asked_in_any_order_are_found_as_in_record_order(tmp_path):
    """The cache reads its rows in one scan while records are asked for in order; a record
    asked for out of order (behind the scan) is looked up on its own, never missed."""
    from bcp_drill.drill.figures_cache import FiguresCache

    cache = FiguresCache(tmp_path)
    for record_id in ("a", "a-2", "b", "c"):
        cache.put(record_id, "ja", "p", {"id": record_id})
    cache.close()
    for order in (["a", "a-2", "b", "c"], ["a-2", "a", "c", "b"], ["c", "a", "b", "zz", "a-2"]):
        cache = FiguresCache(tmp_path)
        found = {record_id: cache.get(record_id, "ja", "p") for record_id in order}
        cache.close()
        assert found == {record_id: ({"id": record_id} if record_id != "zz" else None) for record_id in order}


def test_figures_without_phases_agree_with_the_full_figures(tmp_path):
    store, _, _ = make_folder(tmp_path)
    for _ in range(2):  # read, then from the cache
        full, lean = drill_figures(store, "ja"), drill_figures(store, "ja", phases=False)
        assert [(f.record_id, f.summary.overall, f.participants, f.scenario_title) for f in lean] == \
               [(f.record_id, f.summary.overall, f.participants, f.scenario_title) for f in full]
        assert all(f.summary.phases == [] and f.phase_titles == {} for f in lean)


def test_rows_written_as_they_come_are_all_kept(tmp_path, monkeypatch):
    from bcp_drill.drill import figures_cache

    monkeypatch.setattr(figures_cache, "_WRITE_EVERY", 2)
    cache = figures_cache.FiguresCache(tmp_path)
    for number in range(5):
        cache.put(f"r{number}", "ja", "p", {"n": number})
    cache.close()
    cache = figures_cache.FiguresCache(tmp_path)
    assert [cache.get(f"r{number}", "ja", "p") for number in range(5)] == [{"n": n} for n in range(5)]
    cache.close()
