"""One damaged console no longer blocks a team drill: it is named, the other consoles are merged,
and so are its own events before the damage. A console's journal that does not prove is named and
only its events before the change are kept; a journal put in a console's place is not merged."""

import json
import shutil

from bcp_drill.cli import main
from bcp_drill.drill.session import DrillSession
from bcp_drill.drill.team import join_drill
from bcp_drill.i18n import Translator
from bcp_drill.records.seal import seal_path
from bcp_drill.records.team import read_merged
from bcp_drill.reports.drill_report import build_drill_report
from bcp_drill.reports.drill_report_sources import read_drill_report_sources
from support.drills import FakeClock, make_store, mini_library


def team_drill(tmp_path):
    clock = FakeClock()
    store = make_store(tmp_path, clock, recorder="統括 山田")
    lead = DrillSession.start(store, mini_library().scenarios["mini"], "tabletop")
    consoles = {}
    for name in ("a", "b"):
        consoles[name] = join_drill(store.as_recorder(name), lead.record_id, "player", console_id=name)
    for number in range(1, 4):
        clock.advance(minutes=1)
        for name, session in consoles.items():
            session.add_note(f"{name} note {number}", None)
    lead.add_note("lead note", None)
    for session in (*consoles.values(), lead):
        session.close()
    return store, lead.record_id


def notes(merged):
    return [e.text for e in merged.events if e.type == "note_added"]


def test_a_bad_line_in_one_console_names_it_and_keeps_everything_before_it(tmp_path, capsys):
    store, record_id = team_drill(tmp_path)
    console_a = store.root / record_id / "a.jsonl"
    lines = console_a.read_bytes().split(b"\n")
    lines[3] = lines[3][:30]  # the line of "a note 3" damaged (line 4: joined, note 1, note 2, note 3)
    console_a.write_bytes(b"\n".join(lines))
    merged = read_merged(store.root, record_id, store.path_of(record_id))
    assert sorted(notes(merged)) == ["a note 1", "a note 2", "b note 1", "b note 2", "b note 3", "lead note"]
    t = Translator("en")
    said = [n.render(t) for n in merged.notices]
    assert said == [f"{console_a}:4: console a's journal is damaged at line 4 (not a complete JSON object "
                    "(the line was cut or changed)); its 3 events before that line are included"]
    # Every reader names it and still shows the drill.
    code = main(["tally", "--drills", "--records", str(store.root), "--lang", "en"])
    captured = capsys.readouterr()
    assert code == 0 and f"record {record_id} is included, but not all of it" in captured.err
    assert "console a's journal is damaged at line 4" in captured.err
    report = build_drill_report(read_drill_report_sources(store, record_id, t.lang), t)
    assert report.record_notices == said
    code = main(["verify", record_id, "--records", str(store.root), "--lang", "en"])
    out = capsys.readouterr().out
    assert code == 1 and f"OK  {record_id}: " in out and f"NG  {record_id}/a: " in out and f"OK  {record_id}/b: " in out


def test_a_console_journal_changed_behind_the_tool_is_left_out_from_the_change(tmp_path):
    store, record_id = team_drill(tmp_path)
    console_b = store.root / record_id / "b.jsonl"
    lines = console_b.read_bytes().split(b"\n")
    lines[2] = lines[2].replace(b"b note 2", b"b note X")  # valid JSON: only the chain shows it
    console_b.write_bytes(b"\n".join(lines))
    merged = read_merged(store.root, record_id, store.path_of(record_id))
    assert sorted(notes(merged)) == ["a note 1", "a note 2", "a note 3", "b note 1", "lead note"]
    said = merged.notices[0].render(Translator("en"))
    assert ("console b's journal does not verify (the hash chain is broken at line 4: line 3 was changed, or a "
            "line was added or removed); only its 2 events before the change are included") in said


def test_a_journal_put_in_a_consoles_place_is_not_merged(tmp_path):
    store, record_id = team_drill(tmp_path)
    folder = store.root / record_id
    shutil.copyfile(folder / "a.jsonl", folder / "c.jsonl")
    shutil.copyfile(seal_path(folder / "a.jsonl"), seal_path(folder / "c.jsonl"))
    merged = read_merged(store.root, record_id, store.path_of(record_id))
    assert notes(merged).count("a note 1") == 1  # never counted twice
    assert f"this file holds another journal ({record_id}/a) than its name says ({record_id}/c)" in \
        merged.notices[0].render(Translator("en"))
    joined = [json.loads(line) for line in (folder / "c.jsonl").read_bytes().split(b"\n")[:1]]
    assert joined[0]["console"] == "a"


def test_a_drill_that_does_not_prove_cannot_be_joined(tmp_path, capsys):
    store, record_id = team_drill(tmp_path)
    path = store.path_of(record_id)
    path.write_bytes(path.read_bytes().replace(b"lead note", b"lead XXXX"))
    code = main(["join", record_id, "--role", "player", "--plain", "--records", str(store.root), "--lang", "en"])
    err = capsys.readouterr().err
    assert code == 1 and "the journal was changed after it was sealed" in err
