"""Outputs never overwrite records; a folder or file that cannot be used is a message, not a crash."""

import json
import os

from bcp_drill.cli import main
from cli.test_review_commands import records  # noqa: F401  (the fixture: a review and a drill)


def run(capsys, store, *args):
    code = main([*args, "--records", str(store.root), "--lang", "en"])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_a_report_is_never_written_over_a_record(capsys, records, tmp_path):  # noqa: F811
    store, _, drill_id = records
    journal = store.path_of(drill_id)
    before = journal.read_bytes()
    for target in (journal, store.root / "followups.jsonl", store.root / "other.jsonl"):
        code, _, err = run(capsys, store, "report", drill_id, "--format", "md", "-o", str(target), "--force")
        assert code == 1 and "will not write over a record" in err
    assert journal.read_bytes() == before
    assert not (store.root / "other.jsonl").exists()


def test_an_existing_file_is_replaced_only_with_force(capsys, records, tmp_path):  # noqa: F811
    store, _, drill_id = records
    target = tmp_path / "aar.md"
    target.write_text("the council's copy", encoding="utf-8")
    code, _, err = run(capsys, store, "report", drill_id, "--format", "md", "-o", str(target))
    assert code == 1 and "add --force" in err and target.read_text(encoding="utf-8") == "the council's copy"
    code, out, _ = run(capsys, store, "report", drill_id, "--format", "md", "-o", str(target), "--force")
    assert code == 0 and target.read_text(encoding="utf-8").startswith("# ")
    assert [p.name for p in tmp_path.glob(".aar.md.*")] == []  # no temporary file left behind


def test_a_missing_output_folder_is_reported_not_created(capsys, records, tmp_path):  # noqa: F811
    store, _, drill_id = records
    target = tmp_path / "nowhere" / "aar.md"
    for args in (("report", drill_id, "-o", str(target)), ("tally", "-o", str(target)),
                 ("import", "--template", "safety-callin-drill", "-o", str(target))):
        code, _, err = run(capsys, store, *args)
        assert code == 1 and "does not exist" in err, args
    assert not target.parent.exists()


def test_a_read_only_records_folder_is_a_message(capsys, records, tmp_path, monkeypatch):  # noqa: F811
    """Every write site refused by the file system (EROFS) says so and exits 1, never a traceback."""
    import errno
    import tempfile

    from bcp_drill.records import journal_writer as journal_module

    store, review_id, drill_id = records
    real_open = os.open

    def read_only_open(path, flags, *args, **kwargs):
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real_open(path, flags, *args, **kwargs)

    def read_only_mkstemp(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(journal_module.os, "open", read_only_open)
    monkeypatch.setattr(tempfile, "mkstemp", read_only_mkstemp)
    before = {p.name: p.read_bytes() for p in store.root.glob("*.jsonl")}
    for args in (("followups", "update", f"{review_id}/P01", "--status", "in_progress"),
                 ("resume", "--plain", drill_id),
                 ("report", drill_id, "-o", str(tmp_path / "aar.md")),
                 ("import", "--template", "safety-callin-drill", "-o", str(tmp_path / "t.yaml"))):
        code, out, err = run(capsys, store, *args)
        assert code == 1, args
        assert "Read-only file system" in err and "Traceback" not in err and "internal error" not in err, args
    assert {p.name: p.read_bytes() for p in store.root.glob("*.jsonl")} == before


def damage(path, line_number: int) -> None:
    lines = path.read_bytes().split(b"\n")
    lines[line_number - 1] = b'{"seq": 99, "type": "garbage"'
    path.write_bytes(b"\n".join(lines))


def test_every_folder_wide_figure_names_the_record_it_could_not_read(capsys, records):  # noqa: F811
    store, _, drill_id = records
    damage(store.path_of(drill_id), 2)
    for args in (("tally", "--drills"), ("followups",), ("followups", "--format", "csv")):
        code, out, err = run(capsys, store, *args)
        assert f"record {drill_id} could not be read and is not included here" in err, args
        if args != ("tally", "--drills"):  # no drill is left to count there: the message is the answer
            assert f"record {drill_id} could not be read" in out, args
            assert code == 0
    code, out, err = run(capsys, store, "resume", "--plain", drill_id)
    assert code == 1 and f"{drill_id}.jsonl:2" in err and "damaged" in err and "no record" not in err


def test_a_damaged_followups_line_is_named_and_the_updates_before_it_still_count(capsys, records):  # noqa: F811
    store, review_id, drill_id = records
    run(capsys, store, "followups", "update", f"{review_id}/P01", "--status", "in_progress")
    run(capsys, store, "followups", "update", f"{review_id}/P01", "--status", "dropped")
    damage(store.path_of("followups"), 2)
    code, out, err = run(capsys, store, "followups", "--format", "json")
    named = "the follow-ups journal is damaged at line 2"
    assert code == 0 and "Traceback" not in err and named in err and f"{drill_id}.jsonl" not in err
    item = next(i for i in json.loads(out) if i["id"] == f"{review_id}/P01")
    assert item["status"] == "in_progress"  # the update before the damage counts, the one after it not
    code, out, err = run(capsys, store, "followups")
    assert code == 0 and named in out and "the 1 updates before it are applied" in out
    code, out, err = run(capsys, store, "report", review_id, "--format", "md")
    assert code == 0 and named in err and named in out


def test_an_empty_followups_journal_does_not_block_updates(capsys, records):  # noqa: F811
    store, review_id, _ = records
    store.path_of("followups").write_bytes(b"")  # the power went before its first update
    code, out, err = run(capsys, store, "followups", "update", f"{review_id}/P01", "--status", "in_progress")
    assert code == 0, err
    assert list(store.root.glob("followups.jsonl.empty-*"))


def test_a_full_disk_at_each_write_site_is_a_message_and_leaves_files_whole(  # noqa: F811
        capsys, records, tmp_path, monkeypatch):  # noqa: F811
    """ENOSPC in the follow-ups journal and in an export: said, nothing half-written, retry works."""
    import errno

    from bcp_drill import outputs
    from bcp_drill.records import journal_writer as journal_module

    store, review_id, drill_id = records
    real_write, real_fsync = journal_module.os.write, outputs.os.fsync

    def no_space(fd, data):
        real_write(fd, data[:7])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(journal_module.os, "write", no_space)
    code, _, err = run(capsys, store, "followups", "update", f"{review_id}/P01", "--status", "in_progress")
    assert code == 1 and "No space left on device" in err and "was not saved" in err
    monkeypatch.setattr(journal_module.os, "write", real_write)
    code, _, _ = run(capsys, store, "followups", "update", f"{review_id}/P01", "--status", "in_progress")
    assert code == 0 and len(read_journal_events(store.path_of("followups"))) == 1

    target = tmp_path / "aar.md"
    target.write_text("the copy sent to the council", encoding="utf-8")

    def fsync_no_space(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(outputs.os, "fsync", fsync_no_space)
    code, _, err = run(capsys, store, "report", drill_id, "-o", str(target), "--force")
    assert code == 1 and "No space left on device" in err
    assert target.read_text(encoding="utf-8") == "the copy sent to the council"  # the old file stands
    assert [p.name for p in tmp_path.glob(".aar.md.*")] == []  # and no half-written temporary
    monkeypatch.setattr(outputs.os, "fsync", real_fsync)


def read_journal_events(path):
    from bcp_drill.records.journal import read_journal

    return read_journal(path).events


def test_a_report_is_written_with_the_mode_new_files_get(tmp_path):
    """Reports went out as mode 600 (mkstemp's) even under umask 022: colleagues on a shared
    folder could not open them. They follow the umask; records stay as they are."""
    import stat

    from bcp_drill.outputs import write_output_file

    old = os.umask(0o022)
    try:
        write_output_file(tmp_path / "aar.html", b"<html></html>", tmp_path / "records")
        assert stat.S_IMODE((tmp_path / "aar.html").stat().st_mode) == 0o644
        os.umask(0o077)
        write_output_file(tmp_path / "private.html", b"<html></html>", tmp_path / "records")
        assert stat.S_IMODE((tmp_path / "private.html").stat().st_mode) == 0o600
    finally:
        os.umask(old)
