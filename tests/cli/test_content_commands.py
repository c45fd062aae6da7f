"""The validate, list, schema and settings commands, run as a user would."""

import json
import os
import re
import subprocess
import sys

import pytest

from bcp_drill.cli import main
from bcp_drill.render.text_table import cell_width
from support.cli import isolate_cli


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    isolate_cli(tmp_path, monkeypatch)
    monkeypatch.setenv("LANG", "en_US.UTF-8")


def run(capsys, *args):
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_validate_bundled_content_passes(capsys):
    code, out, _ = run(capsys, "validate")
    assert code == 0
    assert out.strip().endswith("files: no problems.")


def test_validate_reports_file_line_column_and_exits_1(capsys, content_copy):
    bad = content_copy / "mini-scenario.yaml"
    bad.write_text(bad.read_text(encoding="utf-8").replace("role: staff", "role: staf"), encoding="utf-8")
    code, out, err = run(capsys, "validate", str(content_copy))
    assert code == 1
    lines = out.strip().splitlines()
    assert lines[0].endswith("mini-scenario.yaml:18:47: role 'staf' is not defined (did you mean 'staff'?)")
    assert lines[-1] == "Checked 3 files: 1 problems found."
    assert "Traceback" not in out + err


def test_validate_warns_of_an_inject_long_after_the_last_checkpoint_and_still_passes(capsys, content_copy):
    """13:30 typed into a ten-minute scenario's injects: most likely a time of day where T+ was
    meant. It is said, with its line and what to do, but the file is valid and is used."""
    from bcp_drill.content.library import ContentLibrary

    scenario = content_copy / "mini-scenario.yaml"
    scenario.write_text(scenario.read_text(encoding="utf-8").replace("at_minutes: 3, recipient",
                                                                     "at_minutes: 810, recipient"), encoding="utf-8")
    code, out, _ = run(capsys, "validate", str(content_copy), "--lang", "en")
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0].startswith("warning: ") and "mini-scenario.yaml:20:" in lines[0]
    assert 'inject "i1" is given at T+13:30, long after the last checkpoint (T+0:10)' in lines[0]
    assert "write the time after T0 (T+h:mm)" in lines[0]
    assert lines[-1] == "Checked 3 files: no problems."
    library = ContentLibrary.load([content_copy], cwd=content_copy)
    assert "mini" in library.scenarios and library.problems == [] and len(library.warnings) == 1
    scenario.write_text(scenario.read_text(encoding="utf-8").replace("810", "12"), encoding="utf-8")
    code, out, _ = run(capsys, "validate", str(content_copy), "--lang", "en")
    assert code == 0 and "warning" not in out  # within the scenario's span: nothing to say


def test_validate_in_japanese(capsys, content_copy):
    (content_copy / "empty.yaml").write_text("", encoding="utf-8")
    code, out, _ = run(capsys, "validate", "--lang", "ja", str(content_copy))
    assert code == 1
    assert "empty.yaml: ファイルが空です" in out
    assert "4 個のファイルを検査し、1 件の問題が見つかりました。" in out


def test_validate_every_bad_kind_without_a_traceback(capsys, tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "syntax.yaml").write_text("kind: [\n", encoding="utf-8")
    (bad / "binary.yaml").write_bytes(b"\xff\xfe\x00kind")
    (bad / "tag.yaml").write_text("kind: !!python/name:os.system\n", encoding="utf-8")
    (bad / "bomb.yaml").write_text("a: &a [x,x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8)),
        encoding="utf-8")
    code, out, err = run(capsys, "validate", str(bad))
    assert code == 1
    assert err == ""
    for name in ("syntax", "binary", "tag", "bomb"):
        assert f"bad/{name}.yaml:" in out


def test_list_aligns_japanese_titles(capsys):
    code, out, _ = run(capsys, "list", "--lang", "ja")
    assert code == 0
    lines = out.splitlines()
    header = lines[1]
    file_column = cell_width(header[: header.index("ファイル")])
    rows = [line for line in lines[3:8]]
    assert len(rows) == 5
    for row in rows:
        path_start = re.search(r"\S+\.yaml$", row).start()
        assert cell_width(row[:path_start]) == file_column


def test_list_in_english(capsys):
    code, out, _ = run(capsys, "list", "--lang", "en")
    assert code == 0
    assert "earthquake-offhours" in out and "plan-review-3rd" in out
    assert "Scenarios" in out and "Checklists" in out


def test_schema_is_json(capsys):
    code, out, _ = run(capsys, "schema", "scenario")
    schema = json.loads(out)
    assert code == 0
    assert "steps" in schema["properties"]
    assert schema["additionalProperties"] is False


def test_settings_command_shows_sources(capsys, monkeypatch):
    monkeypatch.setenv("BCP_DRILL_ORGANISATION", "テスト市")
    code, out, _ = run(capsys, "settings")
    assert code == 0
    assert any("organisation" in line and "テスト市" in line and "environment variable" in line
               for line in out.splitlines())


def test_bad_settings_file_is_a_clear_error(capsys, tmp_path):
    (tmp_path / "bcp-drill.toml").write_text("lang = \n", encoding="utf-8")
    code, out, err = run(capsys, "list")
    assert code == 1
    assert err.startswith("bcp-drill: error: ") and "bcp-drill.toml" in err


@pytest.mark.parametrize("command", ["validate", "list", "schema", "settings", "run", "resume", "review",
                                     "tally", "followups", "followups update"])
def test_every_command_has_help(capsys, command):
    with pytest.raises(SystemExit) as exit_info:
        main([*command.split(), "--help"])
    assert exit_info.value.code == 0
    assert "usage: bcp-drill" in capsys.readouterr().out


def test_console_script_and_module_entry_points(tmp_path):
    result = subprocess.run([sys.executable, "-m", "bcp_drill", "--version"], capture_output=True, text=True)
    assert result.returncode == 0
    assert result.stdout.startswith("bcp-drill ")


def test_run_with_an_unknown_scenario_is_a_clear_error(capsys):
    code, out, err = run(capsys, "run", "no-such-scenario")
    assert code == 1
    assert "no scenario 'no-such-scenario'" in err and "earthquake-offhours" in err


def test_resume_with_nothing_to_resume(capsys, tmp_path):
    code, _, err = run(capsys, "resume", "--records", str(tmp_path / "empty"))
    assert code == 1
    assert "no unfinished drill or review to resume" in err


def test_tui_refuses_without_a_terminal(capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin.isatty", lambda: False, raising=False)
    code, _, err = run(capsys, "run", "earthquake-offhours")
    assert code == 1
    assert "needs a terminal" in err


def test_an_unexpected_error_is_a_message_and_a_log_not_a_traceback(capsys, monkeypatch, tmp_path):
    from bcp_drill.commands import content

    def explode(ctx):
        raise RuntimeError("boom")

    monkeypatch.setattr(content, "list_content", explode)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("HOME", str(tmp_path))
    code, out, err = run(capsys, "list")
    assert code == 1
    assert "internal error (RuntimeError: boom)" in err and "Traceback" not in err
    log = err.rsplit("Details: ", 1)[1].strip()
    assert "RuntimeError: boom" in open(log, encoding="utf-8").read()


def test_closed_pipe_is_quiet(tmp_path):
    result = subprocess.run(f"{sys.executable} -m bcp_drill list --lang en | head -1", shell=True,
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.stdout.strip() == "Scenarios"
    assert "Traceback" not in result.stderr


def test_argument_errors_in_japanese(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--lang", "ja", "tally", "--format", "xml"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "エラー: 引数 --format: 'xml' は選べません" in err and err.startswith("使い方: bcp-drill tally")
    with pytest.raises(SystemExit):
        main(["--lang", "en", "tally", "--format", "xml"])
    assert "error: argument --format: invalid choice: 'xml'" in capsys.readouterr().err


REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_a_scenario_checked_on_its_own_finds_the_register_beside_it(capsys, tmp_path):
    code, out, _ = run(capsys, "validate", os.path.join(REPO, "scenarios", "earthquake-offhours.yaml"))
    assert code == 0 and out.strip() == "Checked 1 file: no problems."
    # A copy elsewhere naming a register of its own, kept beside it: found there, not reported.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    scenario = open(os.path.join(REPO, "scenarios", "earthquake-offhours.yaml"), encoding="utf-8").read()
    register = open(os.path.join(REPO, "scenarios", "city-systems.yaml"), encoding="utf-8").read()
    (elsewhere / "eq.yaml").write_text(scenario.replace("id: earthquake-offhours", "id: eq-copy", 1)
                                       .replace("systems_register: city-systems", "systems_register: our-systems"),
                                       encoding="utf-8")
    (elsewhere / "ours.yaml").write_text(register.replace("id: city-systems", "id: our-systems", 1), encoding="utf-8")
    code, out, _ = run(capsys, "validate", str(elsewhere / "eq.yaml"))
    assert code == 0 and out.strip() == "Checked 1 file: no problems."
    (elsewhere / "ours.yaml").unlink()
    code, out, _ = run(capsys, "validate", str(elsewhere / "eq.yaml"))
    assert code == 1 and "systems register 'our-systems' is not defined" in out


def test_run_of_a_broken_file_says_what_is_wrong_with_it(capsys, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text('kind: scenario\nid: broken\nversion: "1"\ntitle: x\nphases: [\n', encoding="utf-8")
    for args in (("run", "--plain", "broken.yaml"), ("run", "broken.yaml"), ("review", "--plain", "broken.yaml")):
        code, out, err = run(capsys, *args, "--lang", "en")
        assert code == 1 and "Traceback" not in err, args
        assert "broken.yaml cannot be used: 1 problem (fix it, then run again):" in err, args
        assert "broken.yaml:6:1: YAML syntax error" in err and "no scenario" not in err, args
    code, _, err = run(capsys, "run", "--plain", "no-such-scenario", "--lang", "en")
    assert code == 1 and "no scenario 'no-such-scenario'; scenarios: " in err  # an id: the known ids


def test_symlink_loops_are_problems_not_internal_errors(capsys, tmp_path):
    os.symlink("b.yaml", tmp_path / "a.yaml")
    os.symlink("a.yaml", tmp_path / "b.yaml")
    (tmp_path / "folder").mkdir()
    os.symlink("../folder", tmp_path / "folder" / "self")
    code, out, err = run(capsys, "validate", "a.yaml", "folder")
    assert code == 1 and "internal error" not in err
    assert "a.yaml: a symbolic link that leads to no file (or back to itself)" in out
    code, _, err = run(capsys, "run", "--plain", "a.yaml", "--lang", "en")
    assert code == 1 and "internal error" not in err and "a symbolic link that leads to no file" in err
    code, out, err = run(capsys, "validate")  # the loops inside the working folder's content are skipped
    assert "internal error" not in err


def test_local_content_adds_to_the_shipped_content_and_a_same_id_file_overrides_it(capsys, tmp_path):
    """The README's measures import writes ./checklists: the shipped checklists must stay."""
    shipped = open(os.path.join(REPO, "checklists", "ict-bcp-readiness.yaml"), encoding="utf-8").read()
    (tmp_path / "checklists").mkdir()
    (tmp_path / "checklists" / "own.yaml").write_text(
        shipped.replace("id: ict-bcp-readiness", "id: our-own-checklist", 1), encoding="utf-8")
    code, out, _ = run(capsys, "list", "--lang", "en")
    assert code == 0
    listed = {line.split()[0] for line in out.splitlines() if line and not line.startswith(("-", "ID"))}
    assert {"plan-review-3rd", "ict-bcp-readiness", "our-own-checklist", "earthquake-offhours"} <= listed
    assert "is used instead of" not in out
    # A local file with a shipped id is used instead of the shipped one, and list says so.
    (tmp_path / "checklists" / "readiness.yaml").write_text(
        shipped.replace("ICT-BCP (initial response) readiness checklist", "Our readiness list", 1), encoding="utf-8")
    code, out, _ = run(capsys, "list", "--lang", "en")
    assert code == 0 and "Our readiness list" in out
    assert "ict-bcp-readiness: checklists/readiness.yaml is used instead of the shipped " in out
    code, out, _ = run(capsys, "validate")
    assert code == 0, out


def test_run_of_the_id_of_a_broken_file_in_the_content_says_what_is_wrong_with_it(capsys, tmp_path):
    """`run bad1` where content/scenarios/bad1.yaml says `id: bad1` but cannot be used: its
    problems, not "no scenario 'bad1'"."""
    folder = tmp_path / "content" / "scenarios"
    folder.mkdir(parents=True)
    (folder / "bad1.yaml").write_text('kind: scenario\nid: bad1  # ours\nversion: "1"\ntitle: x\ntarget_minutes: -5\n',
                                      encoding="utf-8")
    code, _, err = run(capsys, "--content", str(tmp_path / "content"), "run", "--plain", "bad1", "--lang", "en")
    assert code == 1 and "no scenario 'bad1'" not in err
    assert "bad1.yaml cannot be used:" in err and "bad1.yaml:" in err.split("cannot be used:")[1]
