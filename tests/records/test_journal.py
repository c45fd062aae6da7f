"""Journals: durable appends, crash recovery, corruption reported and never skipped."""

import json

import pytest
from pydantic import ValidationError

from bcp_drill.records import events as ev
from bcp_drill.records.journal import JournalError, read_journal
from bcp_drill.records.journal_writer import Journal
from support.drills import START, FakeClock


def started_fields(**extra):
    fields = dict(record_id="r1", scenario_id="mini", scenario_version="1", scenario_sha256="0" * 64,
                  scenario_yaml="kind: scenario",
                  scenario_file="mini.yaml", drill_type="tabletop", t0=START, tool_version="test")
    fields.update(extra)
    return fields


def write_three(path, clock):
    with Journal.create(path, "alice", clock, first=(ev.DrillStarted, started_fields())) as journal:
        clock.advance(minutes=1)
        journal.append(ev.StepCompleted, step_id="s1", rating="P", elapsed_seconds=60)
        journal.append(ev.NoteAdded, text="サーバ室 異常なし", elapsed_seconds=60)


def test_events_are_stamped_and_read_back(tmp_path):
    clock = FakeClock()
    path = tmp_path / "r1.jsonl"
    write_three(path, clock)
    contents = read_journal(path)
    assert [e.type for e in contents.events] == ["drill_started", "step_completed", "note_added"]
    assert [e.seq for e in contents.events] == [1, 2, 3]
    assert contents.events[1].by == "alice" and contents.events[1].host
    assert contents.events[1].at == START.replace(minute=1)
    assert contents.events[2].text == "サーバ室 異常なし"
    assert path.read_bytes().endswith(b"\n")


def test_a_cut_last_line_is_recovered_and_kept_aside(tmp_path):
    clock = FakeClock()
    path = tmp_path / "r1.jsonl"
    write_three(path, clock)
    whole = path.read_bytes()
    path.write_bytes(whole + b'{"seq": 4, "type": "note_ad')  # a crash in the middle of a write
    contents = read_journal(path)
    assert len(contents.events) == 3 and contents.cut_tail == b'{"seq": 4, "type": "note_ad'

    journal = Journal.open(path, "bob", clock)
    assert journal.recovered_tail is not None
    assert journal.recovered_tail.read_bytes() == b'{"seq": 4, "type": "note_ad'
    assert path.read_bytes() == whole
    journal.append(ev.NoteAdded, text="after the crash", elapsed_seconds=90)
    journal.close()
    assert [e.seq for e in read_journal(path).events] == [1, 2, 3, 4]


def test_a_whole_last_event_missing_only_its_newline_is_kept(tmp_path):
    clock = FakeClock()
    path = tmp_path / "r1.jsonl"
    write_three(path, clock)
    path.write_bytes(path.read_bytes().rstrip(b"\n"))
    assert len(read_journal(path).events) == 3
    with Journal.open(path, "bob", clock) as journal:
        journal.append(ev.ClockPaused)
    assert len(read_journal(path).events) == 4


def test_damage_in_the_middle_is_reported_with_its_line(tmp_path):
    clock = FakeClock()
    path = tmp_path / "r1.jsonl"
    write_three(path, clock)
    lines = path.read_bytes().split(b"\n")
    lines[1] = lines[1][:20] + b"#garbage#" + lines[1][20:]
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(JournalError) as error:
        read_journal(path)
    assert (error.value.code, error.value.line) == ("journal_corrupt", 2)
    before = path.read_bytes()
    with pytest.raises(JournalError):
        Journal.open(path, "bob", clock)
    assert path.read_bytes() == before  # nothing rewritten


def test_a_missing_event_breaks_the_sequence(tmp_path):
    clock = FakeClock()
    path = tmp_path / "r1.jsonl"
    write_three(path, clock)
    lines = path.read_bytes().split(b"\n")
    path.write_bytes(b"\n".join([lines[0], lines[2], b""]))
    with pytest.raises(JournalError) as error:
        read_journal(path)
    assert (error.value.code, error.value.line) == ("journal_sequence", 2)


def test_an_unknown_event_type_is_corruption_not_ignored(tmp_path):
    clock = FakeClock()
    path = tmp_path / "r1.jsonl"
    write_three(path, clock)
    extra = json.dumps({"seq": 4, "type": "alien", "at": START.isoformat(), "by": "x", "host": "h"})
    path.write_bytes(path.read_bytes() + extra.encode() + b"\n")
    with pytest.raises(JournalError) as error:
        read_journal(path)
    assert error.value.line == 4


def test_a_journal_is_opened_by_one_process_at_a_time(tmp_path):
    clock = FakeClock()
    path = tmp_path / "r1.jsonl"
    write_three(path, clock)
    with Journal.open(path, "alice", clock):
        with pytest.raises(JournalError) as error:
            Journal.open(path, "bob", clock)
        assert error.value.code == "journal_locked_by"  # and it says who has it open
        assert error.value.params["holder"].startswith("alice@")


def test_a_zero_byte_journal_is_kept_aside_and_said_to_be_a_power_cut(tmp_path):
    clock = FakeClock()
    path = tmp_path / "r1.jsonl"
    path.write_bytes(b"")
    with pytest.raises(JournalError) as error:
        Journal.open(path, "bob", clock)
    assert error.value.code == "journal_empty_power_cut"
    [side] = tmp_path.glob("r1.jsonl.empty-*")
    assert side.read_bytes() == b"" and not path.exists()


def test_a_lock_held_briefly_is_waited_for(tmp_path):
    import threading

    clock = FakeClock()
    path = tmp_path / "r1.jsonl"
    write_three(path, clock)
    first = Journal.open(path, "alice", clock)
    threading.Timer(0.3, first.close).start()
    second = Journal.open(path, "bob", clock, wait_seconds=3)  # waits for alice, then has it
    second.append(ev.NoteAdded, text="after alice", elapsed_seconds=1)
    second.close()
    assert [e.seq for e in read_journal(path).events] == [1, 2, 3, 4]


def test_invalid_events_are_refused_before_writing(tmp_path):
    clock = FakeClock()
    path = tmp_path / "r1.jsonl"
    with Journal.create(path, "alice", clock, first=(ev.DrillStarted, started_fields())) as journal:
        with pytest.raises(ValidationError):  # the event model refuses it: nothing is written
            journal.append(ev.StepCompleted, step_id="s1", rating="Z", elapsed_seconds=1)
    assert len(read_journal(path).events) == 1


def test_a_file_with_no_whole_event_is_never_truncated(tmp_path):
    path = tmp_path / "r1.jsonl"
    path.write_bytes(b'{"seq": 1, "type": "drill_sta')
    with pytest.raises(JournalError) as error:
        Journal.open(path, "bob", FakeClock())
    assert error.value.code == "journal_corrupt"
    assert path.read_bytes() == b'{"seq": 1, "type": "drill_sta'
    assert list(tmp_path.glob("*.cut-*")) == []


@pytest.mark.parametrize("fault", ["short", "enospc", "fsync"])
def test_a_failed_write_is_cut_back_so_the_next_event_is_whole(tmp_path, monkeypatch, fault):
    """A full disk (a short write, ENOSPC, a failing fsync) never leaves half a line for the
    next event to be glued onto: the journal goes back to its last whole event."""
    import errno
    import os

    from bcp_drill.records import journal_writer as journal_module

    clock = FakeClock()
    path = tmp_path / "r1.jsonl"
    journal = Journal.create(path, "alice", clock, first=(ev.DrillStarted, started_fields()))
    good = path.read_bytes()
    real_write, real_fsync = os.write, os.fsync

    def short_write(fd, data):
        return real_write(fd, data[: len(data) // 2])

    def no_space(fd, data):
        real_write(fd, data[:10])  # some bytes reach the disk before it fills up
        raise OSError(errno.ENOSPC, "No space left on device")

    def failing_fsync(fd):
        raise OSError(errno.EIO, "Input/output error")

    if fault == "short":
        monkeypatch.setattr(journal_module.os, "write", short_write)
    elif fault == "enospc":
        monkeypatch.setattr(journal_module.os, "write", no_space)
    else:
        monkeypatch.setattr(journal_module.os, "fsync", failing_fsync)
    with pytest.raises(JournalError) as caught:
        journal.append(ev.NoteAdded, text="lost to the full disk", elapsed_seconds=5)
    assert caught.value.code == "journal_write_failed"
    assert path.read_bytes() == good and len(journal.events) == 1
    monkeypatch.setattr(journal_module.os, "write", real_write)
    monkeypatch.setattr(journal_module.os, "fsync", real_fsync)
    if fault == "fsync":
        # The disk could not even confirm the cut: the journal stops taking events until reopened.
        with pytest.raises(JournalError, match="journal_closed"):
            journal.append(ev.NoteAdded, text="x", elapsed_seconds=9)
        journal = Journal.open(path, "alice", clock)
    journal.append(ev.NoteAdded, text="after space was freed", elapsed_seconds=9)  # the retry
    journal.close()
    events = read_journal(path).events
    assert [(e.seq, getattr(e, "text", None)) for e in events] == [(1, None), (2, "after space was freed")]


@pytest.mark.parametrize("damage", [
    lambda lines: lines[:1] + [lines[1] + b"," + lines[2]] + lines[3:],  # two events run together on one line
    lambda lines: lines[:1] + [b"   "] + lines[1:],  # a blank line in the middle
])
def test_a_journal_read_in_one_call_still_names_the_damaged_line(tmp_path, damage):
    clock = FakeClock()
    path = tmp_path / "r1.jsonl"
    write_three(path, clock)
    path.write_bytes(b"\n".join(damage(path.read_bytes().split(b"\n"))))
    with pytest.raises(JournalError) as error:
        read_journal(path)
    assert (error.value.code, error.value.line) == ("journal_corrupt", 2)


def test_a_write_the_share_fails_for_a_moment_is_tried_again_and_saved_once(tmp_path, monkeypatch):
    import errno
    import os

    from bcp_drill.records import journal_writer as journal_module

    monkeypatch.setattr(journal_module, "WRITE_RETRY_PAUSES", (0.0, 0.0, 0.0))
    journal = Journal.create(tmp_path / "r1.jsonl", "alice", FakeClock(), first=(ev.DrillStarted, started_fields()))
    real_write = os.write
    failures = {"left": 2}

    def flaky(fd, data):
        if failures["left"]:
            failures["left"] -= 1
            real_write(fd, data[:7])  # part of the line reached the share before it dropped
            raise OSError(errno.EIO, "Input/output error")
        return real_write(fd, data)

    monkeypatch.setattr(journal_module.os, "write", flaky)
    journal.append(ev.NoteAdded, text="kept on the third try", elapsed_seconds=5)
    monkeypatch.setattr(journal_module.os, "write", real_write)
    journal.close()
    events = read_journal(tmp_path / "r1.jsonl").events
    assert [(e.seq, getattr(e, "text", None)) for e in events] == [(1, None), (2, "kept on the third try")]
    # A share that stays down: every try fails, the user is told how many, nothing half-written.
    journal = Journal.open(tmp_path / "r1.jsonl", "alice", FakeClock())
    before = (tmp_path / "r1.jsonl").read_bytes()

    def down(fd, data):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(journal_module.os, "write", down)
    with pytest.raises(JournalError) as caught:
        journal.append(ev.NoteAdded, text="not saved", elapsed_seconds=6)
    assert caught.value.code == "journal_write_failed" and caught.value.params["attempts"] == 4
    assert (tmp_path / "r1.jsonl").read_bytes() == before
    monkeypatch.setattr(journal_module.os, "write", real_write)
    journal.close()


def test_a_share_that_cannot_lock_is_still_written(tmp_path, monkeypatch):
    """Some network shares refuse every lock (ENOLCK): a console's own journal is written anyway."""
    from bcp_drill.records import journal_writer as journal_module
    from bcp_drill.records.filesystem import NoLocksHere

    def no_locks(fd):
        raise NoLocksHere()

    monkeypatch.setattr(journal_module, "lock", no_locks)
    journal = Journal.create(tmp_path / "r1.jsonl", "alice", FakeClock(), first=(ev.DrillStarted, started_fields()))
    journal.close()
    reopened = Journal.open(tmp_path / "r1.jsonl", "alice", FakeClock())
    reopened.append(ev.NoteAdded, text="on a share without locks", elapsed_seconds=1)
    reopened.close()
    assert [e.seq for e in read_journal(tmp_path / "r1.jsonl").events] == [1, 2]


def test_a_new_journal_opened_by_another_process_as_it_appears_is_taken_up_as_it_is(tmp_path, monkeypatch):
    """A new journal is closed while it is linked into place (Windows renames no open file), then
    taken again; another writer (the shared follow-ups journal) may get there first and add an
    event: the creator then holds the journal as it is, never a stale copy that breaks the chain."""
    from bcp_drill.records import journal_writer as journal_module
    from bcp_drill.records.proof import prove

    real_place = journal_module.place_journal

    def place_then_another_writes(private, path, private_seal):
        real_place(private, path, private_seal)
        with Journal.open(path, "bob", FakeClock()) as other:
            other.append(ev.NoteAdded, text="bob was first", elapsed_seconds=1)

    monkeypatch.setattr(journal_module, "place_journal", place_then_another_writes)
    path = tmp_path / "r1.jsonl"
    with Journal.create(path, "alice", FakeClock(), first=(ev.DrillStarted, started_fields())) as journal:
        assert [e.by for e in journal.events] == ["alice", "bob"]
        journal.append(ev.NoteAdded, text="alice after", elapsed_seconds=2)
    contents = read_journal(path)
    assert [e.seq for e in contents.events] == [1, 2, 3]
    proof = prove(path, contents, None)
    assert proof.failure is None and proof.notices() == []


def test_a_reader_that_reads_as_another_process_appends_sees_no_tampering(tmp_path):
    """A reader reads the journal, then its seal; a writer that appends an event in between puts
    the seal ahead of what was read. That is a journal growing, not events removed."""
    from bcp_drill.records.proof import prove

    path = tmp_path / "r1.jsonl"
    with Journal.create(path, "alice", FakeClock(), first=(ev.DrillStarted, started_fields())) as journal:
        journal.append(ev.NoteAdded, text="one", elapsed_seconds=1)
        read_before = read_journal(path)
        journal.append(ev.NoteAdded, text="two", elapsed_seconds=2)  # its seal now says 3
        proof = prove(path, read_before, None)
        assert proof.failure is None and proof.notices() == []
        journal.append(ev.NoteAdded, text="three", elapsed_seconds=3)
        assert prove(path, read_before, None).failure is None  # two events ahead: still a journal growing
    # The same seal over a journal whose last line is really gone is still named.
    path.write_bytes(b"".join(line + b"\n" for line in read_before.lines))
    failure = prove(path, read_before, None).failure
    assert failure is not None and failure.code == "events_removed"
