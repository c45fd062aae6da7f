"""Failing disks, cleanly: a disk that fills as a drill starts leaves nothing behind; a disk gone
read-only mid-drill says this action was not saved, names the journal, and loses nothing before."""

import errno
import os
from pathlib import Path

import pytest

from bcp_drill.drill.session import DrillSession
from bcp_drill.i18n import Translator
from bcp_drill.records import journal_writer as journal_module
from bcp_drill.records.journal import JournalError, read_journal
from bcp_drill.records.proof import prove
from support.drills import FakeClock, make_store, mini_library, started_mini_drill


def test_a_disk_that_fills_as_a_drill_starts_leaves_no_journal_and_no_holder_note(tmp_path, monkeypatch):
    store = make_store(tmp_path, FakeClock())
    store.root.mkdir(parents=True)
    real_write_text = Path.write_text

    def full_os_write(fd, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    def full_write_text(self, *args, **kwargs):
        self.open("w").close()  # the file is made, then nothing fits in it
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(journal_module.os, "write", full_os_write)
    monkeypatch.setattr(Path, "write_text", full_write_text)
    with pytest.raises(JournalError) as caught:
        DrillSession.start(store, mini_library().scenarios["mini"], "tabletop")
    monkeypatch.setattr(Path, "write_text", real_write_text)
    monkeypatch.undo()
    assert caught.value.code == "journal_write_failed"
    assert sorted(p.name for p in store.root.iterdir()) == []  # no 0-byte journal, no .holder, no seal
    # Once space is free, the drill simply starts.
    session = DrillSession.start(store, mini_library().scenarios["mini"], "tabletop")
    session.close()
    assert prove(store.path_of(session.record_id), read_journal(store.path_of(session.record_id)), None).failure is None


def test_a_disk_gone_read_only_mid_drill_names_the_journal_and_loses_nothing(tmp_path, monkeypatch):
    session, store, clock = started_mini_drill(tmp_path)
    clock.advance(minutes=2)
    session.complete_step("s1", "P")
    path = store.path_of(session.record_id)
    before = path.read_bytes()
    holder = path.with_name(f".{path.name}.holder")
    assert holder.exists()

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    for name in ("write", "ftruncate", "unlink"):
        monkeypatch.setattr(journal_module.os, name, read_only)
    monkeypatch.setattr(Path, "unlink", read_only)
    with pytest.raises(JournalError) as caught:
        session.complete_step("s2", "S")
    monkeypatch.undo()
    said = caught.value.render(Translator("en"))
    assert said.startswith(f"{path}: could not record it in {path} (Read-only file system")
    assert "this action was not saved, and nothing recorded before it is lost" in said
    assert ".holder" not in said
    assert path.read_bytes() == before
    contents = read_journal(path)
    proof = prove(path, contents, None)
    assert proof.failure is None and [e.type for e in contents.events][-1] == "step_completed"
    os.close(os.open(path, os.O_RDONLY))  # the journal itself is untouched and readable
