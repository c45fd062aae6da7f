"""The subjects index only spares reading first lines: a look-up for one scenario gives the
same records as reading every first line, and any new, replaced or unreadable journal (or a
damaged index) is read again."""

import os

from bcp_drill.drill.session import DrillSession
from bcp_drill.records import store as store_module
from bcp_drill.records.store import CACHE_FOLDER, SUBJECTS_INDEX
from support.drills import FakeClock, make_store, mini_library, watch_calls


def drills(tmp_path, count):
    clock = FakeClock()
    store = make_store(tmp_path, clock)
    ids = []
    for _ in range(count):
        clock.advance(minutes=5)
        session = DrillSession.start(store, mini_library().scenarios["mini"], "tabletop")
        session.close()
        ids.append(session.record_id)
    return store, ids


def counting_first_lines(monkeypatch):
    read = []
    watch_calls(monkeypatch, store_module.RecordStore, "subject_of", lambda _store, path: read.append(path.name))
    return read


def test_first_lines_are_read_once_then_only_for_new_or_replaced_journals(tmp_path, monkeypatch):
    store, ids = drills(tmp_path, 3)
    read = counting_first_lines(monkeypatch)
    assert store.subjects() == {record_id: "mini" for record_id in ids}
    assert len(read) == 3 and (store.root / CACHE_FOLDER / SUBJECTS_INDEX).is_file()
    read.clear()
    assert [s.record_id for s, _ in store.readable("drill", subject_id="mini")] == ids
    assert read == []  # answered from the index
    # A new journal, and one replaced by a file of another subject (a new inode).
    _, more = drills(tmp_path, 1)
    replaced = store.path_of(ids[0])
    text = replaced.read_text(encoding="utf-8").replace('"scenario_id":"mini"', '"scenario_id":"other"', 1)
    assert '"scenario_id":"other"' in text
    copy = replaced.with_name("copy.tmp")
    copy.write_text(text, encoding="utf-8")
    os.replace(copy, replaced)
    subjects = store.subjects()
    assert sorted(read) == sorted([f"{ids[0]}.jsonl", f"{more[0]}.jsonl"])
    assert subjects[ids[0]] == "other" and subjects[more[0]] == "mini"
    assert [s.record_id for s, _ in store.readable("drill", subject_id="mini")] == sorted([ids[1], ids[2], more[0]])


def test_a_damaged_or_missing_index_only_means_reading_first_lines(tmp_path, monkeypatch):
    store, ids = drills(tmp_path, 2)
    store.subjects()
    index = store.root / CACHE_FOLDER / SUBJECTS_INDEX
    index.write_text("[not, an index", encoding="utf-8")
    read = counting_first_lines(monkeypatch)
    assert store.subjects() == {record_id: "mini" for record_id in ids} and len(read) == 2
    index.unlink()
    assert store.subjects() == {record_id: "mini" for record_id in ids} and len(read) == 4
