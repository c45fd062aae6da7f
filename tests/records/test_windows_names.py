"""Names that Windows can hold: a records folder is often a share that Windows PCs use, so every
system refuses what Windows cannot name, and Japanese and long folder names work."""

import pytest

from bcp_drill.drill.session import DrillSession
from bcp_drill.drill.team import join_drill
from bcp_drill.errors import SessionRefused
from bcp_drill.i18n import Translator
from bcp_drill.outputs import OutputRefused, write_output_file
from bcp_drill.records.filesystem import windows_name_problem
from bcp_drill.records.journal import read_journal
from bcp_drill.records.proof import prove
from bcp_drill.records.store import RecordStore
from support.drills import FakeClock, mini_library


@pytest.mark.parametrize("console", ["CON", "nul", "com1", "Lpt3.desk", "AUX"])
def test_a_console_named_as_a_windows_device_is_refused_with_the_reason(tmp_path, console):
    store = RecordStore(tmp_path / "records", "山田", FakeClock())
    lead = DrillSession.start(store, mini_library().scenarios["mini"], "tabletop")
    with pytest.raises(SessionRefused) as refused:
        join_drill(RecordStore(store.root, "佐藤", store.clock), lead.record_id, "player", console_id=console)
    assert refused.value.code == "bad_console_id"
    message = refused.value.render(Translator("ja"))
    assert console in message and "CON、PRN、AUX、NUL" in message
    assert not list(store.root.rglob(f"{console}*"))  # nothing made under that name
    desk = join_drill(RecordStore(store.root, "佐藤", store.clock), lead.record_id, "player", console_id="本部-卓1")
    desk.close()
    lead.close()


@pytest.mark.parametrize("name", ["NUL.html", "con.md", "PRN"])
def test_an_output_named_as_a_windows_device_is_refused(tmp_path, name):
    with pytest.raises(OutputRefused) as refused:
        write_output_file(tmp_path / name, b"report", tmp_path / "records")
    assert refused.value.code == "device_name" and name in refused.value.render(Translator("en"))
    assert list(tmp_path.iterdir()) == []


def test_record_ids_and_every_file_of_a_record_are_legal_windows_names(tmp_path):
    store = RecordStore(tmp_path / "records", "山田", FakeClock())
    for subject in ("CON", "a:b", "訓練"):
        assert windows_name_problem(f"{store.new_record_id(subject)}.jsonl") is None
    lead = DrillSession.start(store, mini_library().scenarios["mini"], "tabletop")
    join_drill(RecordStore(store.root, "佐藤", store.clock), lead.record_id, "player").close()
    lead.add_note("始め", None)
    lead.close()
    names = [path.name for path in store.root.rglob("*")]
    assert len(names) >= 4 and [n for n in names if windows_name_problem(n)] == []


def test_a_records_folder_with_japanese_names_deeper_than_windows_old_limit(tmp_path):
    # 260 characters was Windows' old limit (MAX_PATH); the README says how to lift it there.
    root = (tmp_path / "情報政策課" / ("令和8年度_ICT-BCP訓練記録_" * 4) / ("第1回_初動対応_机上訓練_" * 4)
            / ("訓練記録_" * 10) / ("報告_" * 20) / ("記録_" * 20) / "records")
    assert len(str(root.relative_to(tmp_path))) > 260
    store = RecordStore(root, "山田", FakeClock())
    lead = DrillSession.start(store, mini_library().scenarios["mini"], "tabletop")
    lead.add_note("深い場所でも記録", None)
    lead.close()
    path = store.path_of(lead.record_id)
    contents = read_journal(path)
    assert [e.type for e in contents.events] == ["drill_started", "note_added"]
    assert prove(path, contents, None).failure is None
