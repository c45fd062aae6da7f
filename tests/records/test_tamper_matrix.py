"""The tamper matrix: each way a record can be changed behind the tool's back, through `verify`
and through every reader. A record that does not prove is named with the reason and left out
of every figure; it never flows into a tally, a report, a trend or a resumed drill."""

import hashlib
import json
import shutil

import pytest

from bcp_drill.cli import main
from bcp_drill.records.journal import line_hash
from bcp_drill.records.seal import seal_path
from cli.test_review_commands import records  # noqa: F401  (the fixture: a review and a drill)


def run(capsys, store, *args):
    code = main([*args, "--records", str(store.root), "--lang", "en"])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def lines_of(path):
    return path.read_bytes().split(b"\n")[:-1]


def write_lines(path, lines):
    path.write_bytes(b"".join(line + b"\n" for line in lines))


def rechain(lines, start):
    """Lines with every `prev` from line START on made to match again, as a forger would."""
    out = list(lines)
    for index in range(max(start, 1), len(out)):
        data = json.loads(out[index])
        data["prev"] = line_hash(out[index - 1])
        out[index] = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    return out


def edit(line, old, new):
    assert old in line, (old, line)
    return line.replace(old, new, 1)


# Each case changes the drill's record; `expected` is what verify and every reader say of it.
def edit_last_line(store, drill_id, review_id):
    path = store.path_of(drill_id)
    lines = lines_of(path)
    lines[-1] = edit(lines[-1], b'"by":"\xe5\xb1\xb1\xe7\x94\xb0"', b'"by":"x"')  # 山田 -> x, still valid
    write_lines(path, lines)


def remove_last_events(store, drill_id, review_id):
    path = store.path_of(drill_id)
    write_lines(path, lines_of(path)[:-2])


def rechained_edit(store, drill_id, review_id):
    path = store.path_of(drill_id)
    lines = lines_of(path)
    index = next(i for i, line in enumerate(lines) if b'"rating":"S"' in line)
    lines[index] = edit(lines[index], b'"rating":"S"', b'"rating":"P"')
    write_lines(path, rechain(lines, index + 1))


def rechained_edit_with_its_seal(store, drill_id, review_id):
    """The forger rewrites the seal as well: caught only with a key (see the keyed tests)."""
    rechained_edit(store, drill_id, review_id)


def middle_edit(store, drill_id, review_id):
    path = store.path_of(drill_id)
    lines = lines_of(path)
    index = next(i for i, line in enumerate(lines) if b'"rating":"S"' in line)
    lines[index] = edit(lines[index], b'"rating":"S"', b'"rating":"P"')
    write_lines(path, lines)


def prev_stripped(store, drill_id, review_id):
    path = store.path_of(drill_id)
    stripped = []
    for line in lines_of(path):
        data = json.loads(line)
        data.pop("prev", None)
        stripped.append(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode())
    write_lines(path, stripped)


def bit_flip_in_pinned_scenario(store, drill_id, review_id):
    path = store.path_of(drill_id)
    lines = lines_of(path)
    lines[0] = edit(lines[0], b"target_minutes: 5", b"target_minutes: 9")
    write_lines(path, lines)


def replaced_by_other_journal(store, drill_id, review_id):
    shutil.copyfile(store.path_of(review_id), store.path_of(drill_id))


def replaced_with_its_seal(store, drill_id, review_id):
    shutil.copyfile(store.path_of(review_id), store.path_of(drill_id))
    shutil.copyfile(seal_path(store.path_of(review_id)), seal_path(store.path_of(drill_id)))


def emptied(store, drill_id, review_id):
    store.path_of(drill_id).write_bytes(b"")


def seal_removed(store, drill_id, review_id):
    seal_path(store.path_of(drill_id)).unlink()


def seal_slot_spoiled(store, drill_id, review_id):
    seal = seal_path(store.path_of(drill_id))
    data = bytearray(seal.read_bytes())
    data[20] ^= 0x01
    seal.write_bytes(bytes(data))


CASES = {
    edit_last_line: "the journal was changed after it was sealed",
    remove_last_events: "events were removed: the seal covers 5 events and the file holds 3",
    rechained_edit: "the journal was changed after it was sealed",
    middle_edit: "the hash chain is broken at line",
    prev_stripped: "the hash chain is broken at line 2",
    bit_flip_in_pinned_scenario: "the hash chain is broken at line 2: line 1 was changed",
    replaced_by_other_journal: "this file holds another journal",
    replaced_with_its_seal: "this file holds another journal",
    emptied: "the record file is empty (0 bytes)",
    seal_removed: "its seal",
    seal_slot_spoiled: "is damaged: the record cannot be proven",
}


@pytest.mark.parametrize("change", list(CASES), ids=[c.__name__ for c in CASES])
def test_verify_and_every_reader_name_the_changed_record_and_leave_it_out(capsys, records, change):  # noqa: F811
    store, review_id, drill_id = records
    code, out, _ = run(capsys, store, "verify")
    assert code == 0 and out.count("OK  ") == 2, out
    change(store, drill_id, review_id)
    said = CASES[change]

    code, out, _ = run(capsys, store, "verify")
    assert code == 1 and f"NG  {drill_id}: " in out and said in out, out
    assert f"OK  {review_id}: " in out  # the other record still proves

    # Folder-wide figures: named with the reason, and not counted.
    code, out, err = run(capsys, store, "tally", "--drills", "--format", "json")
    assert f"record {drill_id} could not be read" in err and said in err
    assert drill_id not in out
    code, out, err = run(capsys, store, "followups")
    assert code == 0 and said in out and said in err
    assert "UPS 警報" not in out  # the drill's problem is not listed from a record that does not prove
    assert f"{review_id}/P01" in out
    code, out, err = run(capsys, store, "trend", "mini")
    assert code == 1 and f"record {drill_id} could not be read" in out + err and said in out + err
    # One record: an error naming the file, never a report or a resumed drill from it.
    for args in (("report", drill_id), ("resume", "--plain", drill_id), ("tally", drill_id)):
        code, out, err = run(capsys, store, *args)
        assert code == 1 and said in err and "Traceback" not in err, args
        assert out == "", args


def test_a_review_that_does_not_prove_is_left_out_of_the_tally(capsys, records):  # noqa: F811
    store, review_id, _ = records
    path = store.path_of(review_id)
    lines = lines_of(path)
    index = next(i for i, line in enumerate(lines) if b'"item_rated"' in line)
    lines[index] = edit(lines[index], b'"option":"', b'"option":"x')
    write_lines(path, rechain(lines, index + 1))
    code, out, err = run(capsys, store, "tally")
    assert code == 1 and "no review" in err.lower()
    assert "the journal was changed after it was sealed" in err
    code, out, err = run(capsys, store, "report", "--review", review_id)
    assert code == 1 and "the journal was changed after it was sealed" in err


def test_a_last_line_cut_by_a_power_loss_is_named_by_every_reader_and_left_out(capsys, records):  # noqa: F811
    store, review_id, drill_id = records
    path = store.path_of(drill_id)
    path.write_bytes(path.read_bytes() + b'{"seq":6,"type":"note_add')  # a write cut by a power loss
    said = "the last event was not completely written"
    code, out, _ = run(capsys, store, "verify", drill_id)
    assert code == 1 and said in out
    code, out, err = run(capsys, store, "tally", "--drills")
    assert code == 0 and f"record {drill_id} is included, but not all of it" in err and said in err
    assert "1 drill" in out or drill_id in out
    for args in (("followups",), ("trend", "mini"), ("report", drill_id)):
        code, out, err = run(capsys, store, *args)
        assert code == 0 and said in err, args
        assert said in out, args  # in the table's notes or the report itself
    code, out, err = run(capsys, store, "report", drill_id, "--format", "html")
    assert "record-notices" in out and said in out


def test_a_cut_followups_journal_is_named_and_the_whole_updates_still_count(capsys, records):  # noqa: F811
    store, review_id, _ = records
    assert run(capsys, store, "followups", "update", f"{review_id}/P01", "--status", "in_progress")[0] == 0
    path = store.path_of("followups")
    path.write_bytes(path.read_bytes() + b'{"seq":2,"type":"followup_upd')
    code, out, _ = run(capsys, store, "verify", "followups")
    assert code == 1 and "the last event was not completely written" in out
    code, out, err = run(capsys, store, "followups", "--format", "json")
    assert code == 0 and "the last event was not completely written" in err
    assert next(i for i in json.loads(out) if i["id"] == f"{review_id}/P01")["status"] == "in_progress"


def test_followups_journal_with_its_last_updates_removed_is_caught(capsys, records):  # noqa: F811
    store, review_id, _ = records
    for status in ("in_progress", "dropped"):
        assert run(capsys, store, "followups", "update", f"{review_id}/P01", "--status", status)[0] == 0
    path = store.path_of("followups")
    write_lines(path, lines_of(path)[:-1])  # the item would show as still in progress
    code, out, _ = run(capsys, store, "verify")
    assert code == 1 and "NG  followups: " in out and "events were removed" in out
    code, out, err = run(capsys, store, "followups")
    assert code == 1 and "events were removed" in err


def test_a_last_event_written_before_its_seal_is_left_out_and_set_aside_on_resume(capsys, records):  # noqa: F811
    """A crash between an event's fsync and its seal: never acknowledged, so left out and named."""
    store, _, drill_id = records
    path = store.path_of(drill_id)
    lines = lines_of(path)
    data = json.loads(lines[-1])
    unsealed = dict(data, seq=data["seq"] + 1, type="note_added", text="not yet sealed", elapsed_seconds=1,
                    prev=line_hash(lines[-1]))
    for name in ("step_id",):
        unsealed.pop(name, None)
    path.write_bytes(path.read_bytes() + json.dumps(unsealed, ensure_ascii=False).encode() + b"\n")
    said = "is not covered by the record's seal"
    code, out, _ = run(capsys, store, "verify", drill_id)
    assert code == 1 and said in out
    code, out, err = run(capsys, store, "report", drill_id)
    assert code == 0 and said in err and "not yet sealed" not in out


def test_the_seal_binds_the_journal_name_so_swapped_seals_are_caught(capsys, records):  # noqa: F811
    store, review_id, drill_id = records
    drill_seal, review_seal = seal_path(store.path_of(drill_id)), seal_path(store.path_of(review_id))
    data = drill_seal.read_bytes()
    drill_seal.write_bytes(review_seal.read_bytes())
    review_seal.write_bytes(data)
    code, out, _ = run(capsys, store, "verify")
    assert code == 1 and out.count("belongs to another journal") == 2


def test_damage_is_said_in_words_never_as_pydantic_internals(capsys, records):  # noqa: F811
    store, _, drill_id = records
    path = store.path_of(drill_id)
    lines = lines_of(path)
    lines[2] = edit(lines[2], b'"type":"', b'"type":"x')
    write_lines(path, lines)
    code, out, _ = run(capsys, store, "verify", drill_id)
    assert code == 1 and "unknown event type 'xstep_completed'" in out
    assert "tagged-union" not in out and "drill_started" not in out
    lines[2] = b'{"seq":3}'
    write_lines(path, lines)
    code, out, _ = run(capsys, store, "verify", drill_id)
    assert code == 1 and ":3: record file line 3 is damaged (no event type)" in out


def test_a_keyed_seal_catches_a_forger_who_rewrites_the_seal_too(capsys, records, tmp_path, monkeypatch):  # noqa: F811
    """Without the key, a forger who re-chains and re-seals goes unseen (the README says so);
    with the key, the forged seal has no valid signature."""
    from bcp_drill.records.seal import Seal, SealWriter, read_seal

    store, review_id, drill_id = records
    key_file = tmp_path / "cfg" / "bcp-drill" / "seal.key"
    code, out, _ = run(capsys, store, "seal-key", "new")
    assert code == 0 and str(key_file) in out and key_file.stat().st_mode & 0o077 == 0
    code, out, _ = run(capsys, store, "verify")
    assert code == 1 and out.count("has no signature of the seal key") == 2  # made before the key
    code, out, _ = run(capsys, store, "seal-key", "adopt")
    assert code == 0 and "Signed 2 journals" in out
    code, out, _ = run(capsys, store, "verify")
    assert code == 0 and out.count("sealed and signed with key") == 2

    def forge_unsigned():
        rechained_edit(store, drill_id, review_id)
        lines = lines_of(store.path_of(drill_id))
        forged = SealWriter(seal_path(store.path_of(drill_id)), f"{drill_id}.jsonl", drill_id, None)
        forged.write(len(lines), line_hash(lines[-1]), both=True)
        forged.close()

    forge_unsigned()
    code, out, _ = run(capsys, store, "verify")
    assert code == 1 and "has no signature of the seal key" in out
    # The same forgery with the signature fields copied from the genuine seal: the MAC does not match.
    genuine = read_seal(seal_path(store.path_of(review_id))).newest
    lines = lines_of(store.path_of(drill_id))
    seal = Seal(f"{drill_id}.jsonl", drill_id, len(lines), line_hash(lines[-1]), genuine.key_id, genuine.mac)
    seal_path(store.path_of(drill_id)).write_bytes(seal.slot_bytes() * 2)
    code, out, _ = run(capsys, store, "verify")
    assert code == 1 and "does not match its signature" in out
    code, out, err = run(capsys, store, "tally", "--drills", "--format", "json")
    assert drill_id not in out and "does not match its signature" in err
    # Without the key this PC cannot check the signature: said, never a false OK or a false NG.
    key_file.unlink()
    code, out, _ = run(capsys, store, "verify", review_id)
    assert code == 0 and "signed with a key that is not on this PC" in out


def test_a_key_inside_the_records_folder_is_refused(capsys, records, monkeypatch):  # noqa: F811
    store, _, _ = records
    monkeypatch.setenv("BCP_DRILL_SEAL_KEY", str(store.root / "seal.key"))
    code, _, err = run(capsys, store, "seal-key", "new")
    assert code == 1 and "inside the records folder" in err
    assert not (store.root / "seal.key").exists()


def test_the_seal_states_count_and_hash_of_the_journal(records):  # noqa: F811
    from bcp_drill.records.seal import read_seal

    store, _, drill_id = records
    lines = lines_of(store.path_of(drill_id))
    seal = read_seal(seal_path(store.path_of(drill_id)))
    assert not seal.damaged and [s.events for s in seal.slots] == [len(lines), len(lines) - 1]
    assert seal.newest.last_hash == hashlib.sha256(lines[-1]).hexdigest()
    assert json.loads(lines[0])["journal_format"] == 2 and "journal_format" not in json.loads(lines[1])


def test_a_cut_last_line_of_a_review_is_named_by_its_tally_and_report(capsys, records):  # noqa: F811
    store, review_id, _ = records
    path = store.path_of(review_id)
    path.write_bytes(path.read_bytes() + b'{"seq":99,"type":"item_ra')
    said = "the last event was not completely written"
    code, out, err = run(capsys, store, "tally")
    assert code == 0 and f"record {review_id} is included, but not all of it" in out and said in err
    code, out, err = run(capsys, store, "report", "--review", review_id, "--format", "md")
    assert code == 0 and said in out and said in err
