"""Tamper evidence: each line carries the hash of the one before; `verify` finds an edited byte."""

import json

from bcp_drill.cli import main
from bcp_drill.i18n import Translator
from bcp_drill.records.journal import line_hash, read_journal
from bcp_drill.records.proof import prove
from bcp_drill.render.reports import render_drill_report
from bcp_drill.reports.drill_report import build_drill_report
from bcp_drill.reports.drill_report_sources import read_drill_report_sources
from support.drills import started_mini_drill


def a_drill(tmp_path):
    session, store, clock = started_mini_drill(tmp_path)
    clock.advance(minutes=3)
    session.complete_step("s1", "P")
    session.add_note("サーバ室 異常なし", "s1")
    session.end()
    session.close()
    return store, session.record_id


def verify(capsys, store, *records):
    code = main(["verify", *records, "--records", str(store.root), "--lang", "en"])
    return code, capsys.readouterr().out


def test_every_line_chains_to_the_one_before(tmp_path, capsys):
    store, record_id = a_drill(tmp_path)
    path = store.path_of(record_id)
    lines = path.read_bytes().split(b"\n")[:-1]
    events = read_journal(path).events
    assert events[0].prev is None
    assert all(events[i].prev == line_hash(lines[i - 1]) for i in range(1, len(events)))
    check = prove(path, read_journal(path), None)
    assert (check.chain, check.seal, check.final_hash, check.failure) == (
        "chained", "sealed", line_hash(lines[-1]), None)
    code, out = verify(capsys, store)
    assert code == 0 and f"OK  {record_id}: 4 events, hash chain unbroken" in out


def test_one_edited_byte_is_found_with_its_line(tmp_path, capsys):
    store, record_id = a_drill(tmp_path)
    path = store.path_of(record_id)
    original = path.read_bytes()
    path.write_bytes(original.replace(b'"rating":"P"', b'"rating":"S"'))  # line 2, still valid JSON
    code, out = verify(capsys, store, record_id)
    assert code == 1 and f"NG  {record_id}: {path}:3: the hash chain is broken at line 3: line 2 was changed" in out


def test_a_rewritten_or_removed_line_is_found(tmp_path, capsys):
    store, record_id = a_drill(tmp_path)
    path = store.path_of(record_id)
    lines = path.read_bytes().split(b"\n")
    duplicate = json.loads(lines[2])
    duplicate["seq"] = 3
    lines[2] = json.dumps(duplicate).encode()  # the note line rewritten in place, its seq kept right
    path.write_bytes(b"\n".join(lines))
    code, out = verify(capsys, store, record_id)
    assert code == 1 and ":4: the hash chain" in out  # the line after the rewritten one
    del lines[2]
    path.write_bytes(b"\n".join(lines))
    code, out = verify(capsys, store, record_id)
    assert code == 1 and "NG  " in out and "events out of sequence" in out


def test_the_printed_report_carries_the_final_hash_so_an_edited_last_line_shows(tmp_path, capsys):
    store, record_id = a_drill(tmp_path)
    t = Translator("en")
    sources = read_drill_report_sources(store, record_id, t.lang)
    printed = render_drill_report(build_drill_report(sources, t), "md", t).decode()
    final = prove(store.path_of(record_id), read_journal(store.path_of(record_id)), None).final_hash
    assert final in printed
    path = store.path_of(record_id)
    path.write_bytes(path.read_bytes().replace(b'"elapsed_seconds":180}', b'"elapsed_seconds":100}'))
    assert prove(path, read_journal(path), None).final_hash != final  # the record no longer matches the printout


def test_a_journal_from_before_chains_still_reads_and_says_so(tmp_path, capsys):
    """A journal of an earlier version (no format named, no chain, no seal) reads and is said to
    be unprovable; the same lines claiming this version's format are a break."""
    store, record_id = a_drill(tmp_path)
    path = store.path_of(record_id)
    old = []
    for line in path.read_bytes().split(b"\n")[:-1]:
        data = json.loads(line)
        data.pop("prev", None)
        data.pop("journal_format", None)
        old.append(json.dumps(data, ensure_ascii=False).encode())
    path.write_bytes(b"\n".join(old) + b"\n")
    path.with_suffix(".seal").unlink()
    assert len(read_journal(path).events) == 4
    code, out = verify(capsys, store, record_id)
    assert code == 0 and f"--  {record_id}: 4 events, written before hash chains" in out
    assert "written before seals" in out
