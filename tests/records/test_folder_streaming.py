"""Folder-wide figures are read one record at a time and written as they are made: what they
say is the same as when every record was held, in every format, however the rows are kept."""

import json
from datetime import date

import pytest

from bcp_drill.cli import main
from bcp_drill.drill import figures_cache
from bcp_drill.drill.session import DrillSession
from bcp_drill.drill.tally import drill_figures
from bcp_drill.followups import collect
from bcp_drill.followups.collect import collect_followups, sorted_followups
from bcp_drill.i18n import Translator
from bcp_drill.outputs import OutputRefused, write_output_file
from bcp_drill.records import events as ev
from bcp_drill.render import tables
from bcp_drill.render.tallies import drills_table, followups_table
from support.drills import FakeClock, make_store, mini_library

FORMATS = ("text", "md", "csv", "json")


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """Seven drills of the mini scenario, each with problems raised out of time order across
    drills (a later drill's problem raised before an earlier one's), one problem updated."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    clock = FakeClock()
    store = make_store(tmp_path, clock)
    scenario = mini_library().scenarios["mini"]
    for number in range(7):
        clock.advance(minutes=30)
        session = DrillSession.start(store, scenario, "tabletop" if number % 2 else "functional",
                                     participants=[ev.Participant(name=f"職員{number % 3}", role="player")])
        clock.advance(minutes=3)
        session.complete_step("s1", "PSMU"[number % 4])
        session.raise_problem(f"課題 {number}-a", "s1", priority="high", due=date(2026, 1, 1 + number))
        if number % 3 == 0:
            session.raise_problem(f"課題 {number}-b", "s2", owner_organisation="情報政策課")
        session.close()
    first = collect_followups(store, "ja")[0]
    from bcp_drill.followups.update import update_followup

    update_followup(store, first.id, status="in_progress")
    return store


def run(capsys, store, *args):
    code = main([*args, "--records", str(store.root), "--lang", "ja"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return captured.out


def test_the_drills_table_is_the_same_from_a_stream_as_from_a_list(folder):
    t = Translator("ja")
    held = drill_figures(folder, "ja")
    from_list = drills_table(held, t)
    from_stream = drills_table(iter(held), t)
    assert isinstance(from_stream.rows, tables.SpooledRows)  # kept in a file, not in memory
    assert [c.key for c in from_stream.columns] == [c.key for c in from_list.columns]
    for fmt in FORMATS:
        assert tables.render(from_stream, fmt) == tables.render(from_list, fmt), fmt
    assert len(from_list.rows) == 7 and list(from_stream.rows) == from_list.rows


def test_spooled_rows_come_back_exactly_and_can_be_read_again():
    spool = tables.SpooledRows()
    rows = [["東京", 1, 0.5, None, "=1+1"], ["大阪", 22, 1.0, "-", ""]]
    for row in rows:
        spool.append(row)
    assert list(spool) == rows and list(spool) == rows  # read twice (a text table's widths, then lines)
    spool.keep_columns([0, 2])
    assert list(spool) == [["東京", 0.5], ["大阪", 1.0]]
    columns = [tables.Column("a", "場所"), tables.Column("b", "率", ">")]
    spooled = tables.Table("題", columns, spool, ["注"])
    held = tables.Table("題", columns, [["東京", 0.5], ["大阪", 1.0]], ["注"])
    for fmt in FORMATS:
        assert tables.render(spooled, fmt) == tables.render(held, fmt), fmt


def test_followups_sorted_in_runs_on_disk_are_in_the_same_order(folder, monkeypatch):
    held = collect_followups(folder, "ja")
    assert len(held) == 10
    monkeypatch.setattr(collect.SortedFollowUps, "RUN", 3)  # four runs, each in a file, merged
    streamed = sorted_followups(folder, "ja")
    assert len(streamed._files) == 4
    assert [f.id for f in streamed] == [f.id for f in held]
    assert [f.id for f in streamed] == [f.id for f in held]  # and again, from the start
    assert [f.status for f in streamed] == [f.status for f in held]  # the update applied
    t = Translator("ja")
    for fmt in FORMATS:
        assert tables.render(followups_table(streamed, t, date(2026, 1, 4)), fmt) == \
            tables.render(followups_table(held, t, date(2026, 1, 4)), fmt), fmt


def test_the_commands_say_the_same_whether_held_or_spilled(folder, capsys, monkeypatch):
    outputs = {}
    for run_size in (10_000, 2):
        monkeypatch.setattr(collect.SortedFollowUps, "RUN", run_size)
        for fmt in FORMATS:
            outputs[run_size, "followups", fmt] = run(capsys, folder, "followups", "--format", fmt)
            outputs[run_size, "overdue", fmt] = run(capsys, folder, "followups", "--overdue", "--format", fmt)
    for key, text in outputs.items():
        assert outputs[(10_000, *key[1:])] == text, key
    data = json.loads(outputs[2, "followups", "json"])
    assert [item["title"] for item in data][:3] == ["課題 0-a", "課題 0-b", "課題 1-a"]
    assert data[0]["status"] == "in_progress" and data[0]["history"]
    lines = outputs[2, "followups", "csv"].splitlines()
    assert lines[0].startswith("\ufeff") and len(lines) == 11  # a BOM for Excel, a header and ten items


def test_tally_says_the_same_read_cached_or_without_the_cache(folder, capsys, monkeypatch):
    first = {fmt: run(capsys, folder, "tally", "--drills", "--format", fmt) for fmt in FORMATS}
    again = {fmt: run(capsys, folder, "tally", "--drills", "--format", fmt) for fmt in FORMATS}
    monkeypatch.setenv("BCP_DRILL_NO_CACHE", "1")
    uncached = {fmt: run(capsys, folder, "tally", "--drills", "--format", fmt) for fmt in FORMATS}
    assert first == again == uncached
    rows = json.loads(first["json"])[0]["rows"]
    assert len(rows) == 7 and rows[0]["type"] == "機能別訓練" and rows[1]["type"] == "机上訓練"


def test_figures_the_cache_could_not_keep_are_read_again_not_left_out(folder, monkeypatch):
    import sqlite3

    expected = [(f.record_id, f.summary.overall.ratings) for f in drill_figures(folder, "ja")]
    with sqlite3.connect(folder.root / ".cache" / figures_cache.CACHE_FILE) as db:  # three of seven forgotten
        db.execute("DELETE FROM figures WHERE record IN (SELECT record FROM figures ORDER BY record LIMIT 3 OFFSET 2)")
    db.close()
    monkeypatch.setattr(figures_cache.FiguresCache, "flush", lambda self: self._pending.clear())  # lost
    assert [(f.record_id, f.summary.overall.ratings) for f in drill_figures(folder, "ja")] == expected
    monkeypatch.undo()
    (folder.root / ".cache" / figures_cache.CACHE_FILE).unlink()  # none kept: read and kept as they pass
    assert [(f.record_id, f.summary.overall.ratings) for f in drill_figures(folder, "ja")] == expected
    assert [(f.record_id, f.summary.overall.ratings) for f in drill_figures(folder, "ja")] == expected


def test_an_output_that_fails_while_being_written_leaves_no_file(tmp_path):
    target = tmp_path / "out.csv"

    def half_then_fail(write):
        write(b"\xef\xbb\xbfa,b\r\n")
        raise OutputRefused("write_failed", path=target, reason="stopped")

    with pytest.raises(OutputRefused):
        write_output_file(target, half_then_fail, tmp_path / "records")
    assert list(tmp_path.iterdir()) == []  # neither the file nor its part written beside it
    write_output_file(target, lambda write: write(b"whole"), tmp_path / "records")
    assert target.read_bytes() == b"whole"


def test_a_reader_that_goes_away_stops_the_output_quietly(folder):
    """`bcp-drill followups | head -1`: once the reader has gone, the rest is not written and no
    error is said (exit 141, as other command-line tools do), not "cannot use the file"."""
    import os
    import subprocess
    import sys

    reading, writing = os.pipe()
    os.close(reading)  # the reader is gone before the first row is written
    try:
        finished = subprocess.run([sys.executable, "-m", "bcp_drill", "--records", str(folder.root), "followups",
                                   "--format", "csv"], stdout=writing, stderr=subprocess.PIPE, check=False,
                                  env=dict(os.environ, BCP_DRILL_LANG="en"))
    finally:
        os.close(writing)
    assert finished.returncode == 141, finished.stderr
    assert finished.stderr.decode() == ""
