"""The records folder: listing, damaged journals shown not hidden, pinned scenarios."""

from bcp_drill.content.library import ContentLibrary
from bcp_drill.drill.session import DrillSession
from bcp_drill.records.journal import JournalError
from support.drills import FakeClock, make_store


def test_summaries_list_finished_unfinished_and_damaged(tmp_path, content_copy):
    clock = FakeClock()
    store = make_store(tmp_path, clock)
    library = ContentLibrary.load([content_copy], cwd=tmp_path)
    first = DrillSession.start(store, library.scenarios["mini"], "tabletop")
    first.end()
    first.close()
    clock.advance(minutes=1)
    second = DrillSession.start(store, library.scenarios["mini"], "functional")
    second.complete_step("s1", "P")
    second.close()
    clock.advance(minutes=1)
    damaged = store.path_of("20990101-000000-broken")
    damaged.write_text("{not json}\n", encoding="utf-8")

    summaries = {s.record_id: s for s in store.summaries()}
    assert summaries[first.record_id].finished
    assert not summaries[second.record_id].finished and summaries[second.record_id].events == 2
    assert summaries["20990101-000000-broken"].error.code == "journal_corrupt"
    assert [s.record_id for s in store.unfinished("drill")] == [second.record_id]
    assert damaged.read_text(encoding="utf-8") == "{not json}\n"  # reported, never touched


def test_record_ids_do_not_collide(tmp_path, content_copy):
    clock = FakeClock()
    store = make_store(tmp_path, clock)
    library = ContentLibrary.load([content_copy], cwd=tmp_path)
    one = DrillSession.start(store, library.scenarios["mini"], "tabletop")
    two = DrillSession.start(store, library.scenarios["mini"], "tabletop")  # same second
    assert one.record_id != two.record_id
    assert two.record_id == one.record_id + "-2"


def test_resume_uses_the_scenario_as_it_was(tmp_path, content_copy):
    clock = FakeClock()
    store = make_store(tmp_path, clock)
    library = ContentLibrary.load([content_copy], cwd=tmp_path)
    session = DrillSession.start(store, library.scenarios["mini"], "tabletop")
    session.close()
    path = content_copy / "mini-scenario.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("安否確認", "まったく別の手順"), encoding="utf-8")

    resumed = DrillSession.resume(store, session.record_id)
    assert resumed.scenario.step("s1").title.get("ja") == "安否確認"
    resumed.close()


def test_resuming_a_missing_record(tmp_path):
    store = make_store(tmp_path, FakeClock())
    try:
        DrillSession.resume(store, "nope")
    except JournalError as error:
        assert error.code == "record_not_found"
    else:
        raise AssertionError("expected JournalError")


def test_record_ids_cannot_leave_the_records_folder(tmp_path, capsys):
    from bcp_drill.cli import main

    outside = tmp_path / "outside.jsonl"
    outside.write_bytes(b'{"not": "a journal"')  # no newline: a naive open would "recover" it
    store = make_store(tmp_path / "inner", FakeClock())
    assert not store.exists("../outside")
    try:
        store.open("../outside")
    except JournalError as error:
        assert error.code == "record_not_found"
    else:
        raise AssertionError("expected JournalError")
    assert outside.read_bytes() == b'{"not": "a journal"'
    for command in (["report", "../outside"], ["tally", "../outside"]):
        assert main([*command, "--records", str(store.root)]) == 1
        assert "no record '../outside'" in capsys.readouterr().err


def test_a_record_id_too_long_for_a_file_name_is_just_not_found(tmp_path):
    import pytest

    from bcp_drill.records.journal import JournalError
    from bcp_drill.records.store import RecordStore

    store = RecordStore(tmp_path, "tester")
    with pytest.raises(JournalError) as caught:
        store.path_of("a" * 5000)
    assert caught.value.code == "record_not_found"
    assert not store.exists("a" * 5000)
