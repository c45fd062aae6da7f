"""Journals: durable appends, crash recovery, corruption reported and never skipped."""

import json

import pytest
from drill_support import START, FakeClock

from bcp_drill.records import events as ev
from bcp_drill.records.journal import Journal, JournalError, read_journal


def started_fields(**extra):
    fields = dict(record_id="r1", scenario_id="mini", scenario_version="1", scenario_sha256="0" * 64,
                  scenario_yaml="kind: scenario",
                  scenario_file="mini.yaml", drill_type="tabletop", t0=START, tool_version="test")
    fields.update(extra)
    return fields


def write_three(path, clock):
    with Journal.create(path, "alice", clock, ) as journal:
        journal.append(ev.DrillStarted, **started_fields())
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
        assert error.value.code == "journal_locked"


def test_invalid_events_are_refused_before_writing(tmp_path):
    clock = FakeClock()
    path = tmp_path / "r1.jsonl"
    with Journal.create(path, "alice", clock) as journal:
        journal.append(ev.DrillStarted, **started_fields())
        with pytest.raises(Exception):
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
