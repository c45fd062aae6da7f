"""Paper mode: print a sheet, fill in the template, import it, report on it; and the errors."""

from datetime import datetime, timezone

import pytest
import yaml

from bcp_drill import wallclock
from bcp_drill.cli import main
from bcp_drill.records.journal import read_journal
from support.drills import DATA
from tui.support import use_utc


@pytest.fixture
def cli(tmp_path, monkeypatch, capsys):
    use_utc()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    monkeypatch.setenv("BCP_DRILL_RECORDER", "取込担当")
    records = tmp_path / "records"

    def run(*args):
        code = main([*args, "--records", str(records), "--content", str(DATA / "content"), "--lang", "en"])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    run.records = records
    return run


def fill(template: str) -> str:
    data = template.replace('participants: []', 'participants:\n  - {name: "山田", role: 統括}')
    data = data.replace('{id: s1, result: , actual: "", reason: "", checks: [], notes: ""}',
                        '{id: s1, result: S, actual: "0:07", reason: "", checks: [], notes: "紙で記録"}')
    data = data.replace('{id: s2, result: , actual: "", reason: "", checks: [], notes: ""}',
                        '{id: s2, result: skipped, actual: "", reason: "対象外", checks: [], notes: ""}')
    data = data.replace('date: ""', "date: 2026-02-10", 1).replace('t0: ""', 't0: "05:30"')
    data = data.replace("problems: []", 'problems:\n  - {title: "発電機の燃料", step: s1, priority: high,'
                        ' corrective_action: 給油契約を結ぶ}')
    data = data.replace("observations: []",
                        'observations:\n  - {kind: improvement, objective: o1, capability: equipment,'
                        ' observation: 燃料の残量が不明, analysis: 点検表に欄がない,'
                        ' recommendation: 点検表に燃料欄を追加}')
    return data.replace('end: ""', 'end: "0:30"')


def filled_template(cli, tmp_path) -> str:
    """The mini scenario's fill-in file, written by `import --template` and filled in."""
    cli("import", "--template", "mini", "-o", str(tmp_path / "t.yaml"))
    return fill((tmp_path / "t.yaml").read_text(encoding="utf-8"))


def test_sheet_template_import_report_round_trip(cli, tmp_path):
    code, out, _ = cli("sheet", "mini", "--format", "html", "-o", str(tmp_path / "sheet.html"))
    assert code == 0
    sheet = (tmp_path / "sheet.html").read_text(encoding="utf-8")
    assert "安否確認" in sheet and "T+0:05" in sheet and "P &nbsp; S &nbsp; M &nbsp; U" in sheet
    code, out, _ = cli("import", "--template", "mini", "-o", str(tmp_path / "result.yaml"))
    assert code == 0
    template = (tmp_path / "result.yaml").read_text(encoding="utf-8")
    assert yaml.safe_load(template)["kind"] == "drill-result"  # the untouched template is valid YAML
    (tmp_path / "filled.yaml").write_text(fill(template), encoding="utf-8")

    code, out, _ = cli("import", str(tmp_path / "filled.yaml"))
    assert code == 0, out
    record_id = out.strip().rsplit(" ", 1)[-1].rstrip(".")
    events = read_journal(cli.records / f"{record_id}.jsonl").events
    started = events[0]
    assert started.imported_from == "filled.yaml" and started.imported_by == "取込担当"
    assert started.t0.strftime("%Y-%m-%d %H:%M") == "2026-02-10 05:30"
    assert started.at.strftime("%Y-%m-%d %H:%M") == "2026-02-10 10:00"
    assert [e.type for e in events] == ["drill_started", "inject_delivered", "step_completed", "note_added",
                                        "step_not_done", "problem_raised", "observation_recorded", "drill_ended"]
    assert (events[6].objective_id, events[6].capability, events[6].recommendation) == ("o1", "equipment",
                                                                                          "点検表に燃料欄を追加")
    completed = events[2]
    assert (completed.rating, completed.elapsed_seconds, completed.at.strftime("%H:%M")) == ("S", 420, "10:07")

    code, out, _ = cli("report", record_id, "--format", "md")
    assert code == 0
    assert "from the paper record filled.yaml (imported by 取込担当)" in out
    assert "| T+0:05 | T+00:07:00 |" in out and "発電機の燃料" in out
    # A tabletop at 10:00 playing a 05:30 disaster: scenario time and real clock, each labelled.
    assert "| 00:07:00 | 02-10 05:37 | 10:07:00 |" in out and "Scenario time (T0 + T+)" in out
    assert "| 給油契約を結ぶ |" in out  # the corrective action written on paper, in the improvement plan
    assert "| 目標1 | Equipment | 燃料の残量が不明 | 点検表に欄がない | 点検表に燃料欄を追加 |" in out
    code, out, err = cli("import", str(tmp_path / "filled.yaml"))
    assert code == 1 and f"already imported as record {record_id}" in out


def test_import_errors_name_the_line(cli, tmp_path):
    code, out, _ = cli("import", "--template", "mini", "-o", str(tmp_path / "t.yaml"))
    text = fill((tmp_path / "t.yaml").read_text(encoding="utf-8"))
    text = text.replace("{id: s1, result: S", "{id: s9, result: S")
    text = text.replace("result: skipped, actual: \"\", reason: \"対象外\"",
                        "result: skipped, actual: \"\", reason: \"\"")
    text = text.replace("objective: o1,", "objective: o2,")
    (tmp_path / "bad.yaml").write_text(text, encoding="utf-8")
    code, out, _ = cli("import", str(tmp_path / "bad.yaml"))
    assert code == 1
    lines = text.splitlines()
    s9_line = next(i for i, line in enumerate(lines, 1) if "id: s9" in line)
    s2_line = next(i for i, line in enumerate(lines, 1) if "id: s2" in line)
    assert f"bad.yaml:{s9_line}:10: step 's9' is not defined" in out
    assert f"bad.yaml:{s2_line}:" in out and "not_done and skipped need a reason" in out
    observation_line = next(i for i, line in enumerate(lines, 1)
                            if line.startswith("  - {kind: improvement, objective: o2"))
    assert f"bad.yaml:{observation_line}:" in out and "objective 'o2' is not defined" in out
    assert "no record was made" in out
    assert not cli.records.exists() or not list(cli.records.glob("*.jsonl"))


def test_import_rejects_bad_values_with_hints(cli, tmp_path):
    (tmp_path / "bad.yaml").write_text("""kind: drill-result
scenario: mini
drill_type: tabletop
date: 2026-02-31
start: "25:00"
steps:
  - {id: s1, result: P, actual: "soon"}
""", encoding="utf-8")
    code, out, _ = cli("import", str(tmp_path / "bad.yaml"))
    assert code == 1
    assert "bad.yaml:4:7: date: cannot read '2026-02-31' as a date" in out
    assert "bad.yaml:5:8: start: cannot read '25:00' as a clock time" in out
    assert "bad.yaml:7:33: steps.0.actual: cannot read 'soon' as a T+ time" in out


def test_unknown_scenario_and_missing_file(cli, tmp_path):
    (tmp_path / "x.yaml").write_text("kind: drill-result\nscenario: nope\ndrill_type: tabletop\n"
                                     "date: 2026-02-10\nstart: \"10:00\"\n", encoding="utf-8")
    code, out, _ = cli("import", str(tmp_path / "x.yaml"))
    assert code == 1 and "x.yaml:2:11: scenario 'nope' is not defined" in out
    code, _, err = cli("import", str(tmp_path / "missing.yaml"))
    assert code == 1 and "no file" in err


def test_trend_command(tmp_path, capsys):
    from support.reports import fixed_records

    use_utc()
    store, _, _ = fixed_records(tmp_path)
    code = main(["trend", "mini", "--records", str(store.root), "--lang", "en"])
    out = capsys.readouterr().out
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "A small scenario: trend over 2 drills"
    header = next(line for line in lines if line.startswith("Step"))
    assert header.split() == ["Step", "Target", "2026-11-25", "2026-12-25", "Change"]
    [first_step] = [line for line in lines if line.startswith("安否確認")]
    # Columns line up under the headings although the step name is in wide characters.
    from bcp_drill.render.text_table import cell_width

    def column(line, text):
        return cell_width(line[:line.index(text)])

    assert column(first_step, "6 min S (late)") == column(header, "2026-11-25")
    assert column(first_step, "4 min S") == column(header, "2026-12-25") and first_step.endswith("-2 min")
    code = main(["trend", "nope", "--records", str(store.root), "--lang", "en"])
    assert code == 1 and "no drill records of scenario 'nope'" in capsys.readouterr().err


def test_checklist_sheet_markdown(cli):
    code, out, _ = cli("sheet", "mini-review", "--format", "md")
    assert code == 0
    assert "**a1** 要件1" in out and "\\[ \\] Above target (continuing)" in out


def test_the_readme_example_imports(tmp_path, capsys, monkeypatch):
    from conftest import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start = readme.index("```yaml\nkind: drill-result") + len("```yaml\n")
    (tmp_path / "example.yaml").write_text(readme[start:readme.index("```", start)], encoding="utf-8")
    monkeypatch.chdir(REPO)  # the shipped scenarios
    code = main(["import", str(tmp_path / "example.yaml"), "--records", str(tmp_path / "records"), "--lang", "en"])
    assert code == 0, capsys.readouterr().out


def test_review_on_paper_round_trip(cli, tmp_path):
    code, _, _ = cli("import", "--template", "mini-review", "-o", str(tmp_path / "review.yaml"))
    assert code == 0
    text = (tmp_path / "review.yaml").read_text(encoding="utf-8")
    assert 'fiscal_year: ""' in text and 'date: ""' in text  # nothing a hurried import could keep
    text = text.replace('fiscal_year: ""', "fiscal_year: 2025", 1).replace('date: ""', "date: 2026-03-20", 1)
    text = text.replace('{id: a1, ratings: {status: "", carryover: ""}, assessment: ""',
                        '{id: a1, ratings: {status: 2, carryover: s}, assessment: "毎年度確認"')
    text = text.replace('{id: a2, ratings: {status: "", carryover: ""}',
                        '{id: a2, ratings: {status: finished-abolished, carryover: x}')
    text = text.replace("problems: []", 'problems:\n  - {title: "HP の鮮度", item: a1, owner_organisation: 広報課,'
                        ' corrective_action: 更新日を表示, main_issue: 情報発信の充実}')
    (tmp_path / "filled.yaml").write_text(text, encoding="utf-8")
    code, out, _ = cli("import", str(tmp_path / "filled.yaml"))
    assert code == 0, out
    record_id = out.strip().rsplit(" ", 1)[-1].rstrip(".")
    events = read_journal(cli.records / f"{record_id}.jsonl").events
    assert events[0].fiscal_year == 2025 and events[0].imported_from == "filled.yaml"
    assert [(e.item_id, e.dimension, e.option) for e in events if e.type == "item_rated"] == [
        ("a1", "status", "continuing-on-target"), ("a1", "carryover", "same-scale"),
        ("a2", "status", "finished-abolished"), ("a2", "carryover", "abolish")]
    assert events[-1].type == "review_finished"
    [problem] = [e for e in events if e.type == "problem_raised"]
    assert (problem.corrective_action, problem.main_issue) == ("更新日を表示", "情報発信の充実")
    code, out, _ = cli("report", "--review", record_id, "--format", "md")
    assert code == 0 and "from the paper record filled.yaml" in out
    assert "1. 情報発信の充実" in out and "P01 HP の鮮度" in out  # section 4: gathered under its main issue


def test_review_import_errors(cli, tmp_path):
    code, _, _ = cli("import", "--template", "mini-review", "-o", str(tmp_path / "review.yaml"))
    text = (tmp_path / "review.yaml").read_text(encoding="utf-8")
    text = text.replace('{id: a1, ratings: {status: ""', '{id: a1, ratings: {status: 9').replace("id: a2", "id: zz")
    text = text.replace('fiscal_year: ""', "fiscal_year: next year").replace('date: ""', "date: 2026-03-20", 1)
    (tmp_path / "bad.yaml").write_text(text, encoding="utf-8")
    code, out, _ = cli("import", str(tmp_path / "bad.yaml"))
    assert code == 1
    assert "fiscal_year: cannot read 'next year' as a fiscal year" in out
    (tmp_path / "bad.yaml").write_text(text.replace("fiscal_year: next year", "fiscal_year: R7"), encoding="utf-8")
    code, out, _ = cli("import", str(tmp_path / "bad.yaml"))
    lines = text.splitlines()
    a1 = next(i for i, line in enumerate(lines, 1) if "id: a1" in line)
    zz = next(i for i, line in enumerate(lines, 1) if "id: zz" in line)
    assert code == 1
    assert f"bad.yaml:{a1}:32: dimension 'status' has no option '9'" in out
    assert f"bad.yaml:{zz}:10: item 'zz' is not defined" in out


def test_times_after_the_written_end_are_refused_before_anything_is_written(cli, tmp_path):
    text = filled_template(cli, tmp_path).replace('end: "0:30"', 'end: "0:05"')
    (tmp_path / "late.yaml").write_text(text, encoding="utf-8")
    code, out, _ = cli("import", str(tmp_path / "late.yaml"))
    line = next(i for i, text_line in enumerate(text.splitlines(), 1) if "id: s1" in text_line)
    assert code == 1
    assert f"late.yaml:{line}:" in out and "the time 0:07 of s1 is after the end 0:05" in out
    assert not cli.records.exists() or not list(cli.records.glob("*.jsonl"))


def test_an_import_that_fails_half_way_leaves_no_record_and_can_be_retried(cli, tmp_path, monkeypatch):
    from bcp_drill.records.journal_writer import Journal

    (tmp_path / "filled.yaml").write_text(filled_template(cli, tmp_path), encoding="utf-8")
    real_append = Journal.append
    calls = {"n": 0}

    def failing_append(self, event_type, **fields):
        calls["n"] += 1
        if calls["n"] == 4:  # the disk fills up in the middle of the import
            raise OSError(28, "No space left on device")
        return real_append(self, event_type, **fields)

    monkeypatch.setattr(Journal, "append", failing_append)
    code, out, err = cli("import", str(tmp_path / "filled.yaml"))
    assert code == 1 and "No space left on device" in out + err and "Traceback" not in err
    assert list(cli.records.glob("*.jsonl")) == [] and list(cli.records.glob(".*")) == []
    monkeypatch.setattr(Journal, "append", real_append)
    code, out, _ = cli("import", str(tmp_path / "filled.yaml"))  # the same file, now it goes through
    assert code == 0, out
    assert len(list(cli.records.glob("*.jsonl"))) == 1


def test_a_time_before_t0_is_refused_with_its_place(cli, tmp_path):
    text = filled_template(cli, tmp_path).replace('actual: "0:07"', 'actual: "-0:07"')
    (tmp_path / "early.yaml").write_text(text, encoding="utf-8")
    code, out, _ = cli("import", str(tmp_path / "early.yaml"))
    line = next(i for i, text_line in enumerate(text.splitlines(), 1) if "id: s1" in text_line)
    assert code == 1 and f"early.yaml:{line}:" in out and "no record was made" in out
    assert not cli.records.exists() or not list(cli.records.glob("*.jsonl"))


def test_the_same_result_with_crlf_line_ends_is_a_duplicate(cli, tmp_path):
    text = filled_template(cli, tmp_path)
    (tmp_path / "unix.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "windows.yaml").write_bytes(("# saved on Windows\n" + text).replace("\n", "\r\n").encode("utf-8"))
    code, out, _ = cli("import", str(tmp_path / "unix.yaml"))
    assert code == 0
    record_id = out.strip().rsplit(" ", 1)[-1].rstrip(".")
    code, out, _ = cli("import", str(tmp_path / "windows.yaml"))
    assert code == 1 and f"already imported as record {record_id}" in out
    assert len(list(cli.records.glob("*.jsonl"))) == 1


@pytest.fixture
def plan_cli(tmp_path, monkeypatch, capsys):
    use_utc()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    records = tmp_path / "records"

    def run(*args):
        code = main([*args, "--records", str(records), "--content", str(DATA / "plan"), "--lang", "en"])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def test_a_plan_sheet_shows_conditions_targets_in_words_and_what_steps_wait_for(plan_cli, tmp_path):
    code, _, _ = plan_cli("sheet", "plan-quake", "--format", "md", "-o", str(tmp_path / "sheet.md"))
    assert code == 0
    sheet = (tmp_path / "sheet.md").read_text(encoding="utf-8")
    assert "- Time of occurrence: [ ] Office hours [ ] Out of hours" in sheet  # to circle
    assert "- Seismic intensity: 6-upper (fixed)" in sheet
    assert "Applies when: Time of occurrence: Office hours" in sheet
    assert "| within 0:30 after “Staff safety check” |" in sheet and "| no target |" in sheet
    assert "Waits for: Staff safety check" in sheet and "\\[ \\] 12. 回線（インターネット）" in sheet
    assert "安否と参集" in sheet  # objectives are printed
    assert "→" not in sheet  # an East Asian ambiguous-width arrow; the recipient has its own column
    assert "| 電力会社 (電話)<br>controller: ICT lead | IT staff |" in sheet
    assert "| Restart the servers in the documented order | T+ |" in sheet
    assert "| aftershock | T+1:00 (only if needed, by hand) |" in sheet


def test_a_plan_drill_on_paper_imports_with_its_conditions(plan_cli, tmp_path):
    plan_cli("import", "--template", "plan-quake", "-o", str(tmp_path / "t.yaml"))
    template = (tmp_path / "t.yaml").read_text(encoding="utf-8").replace('date: ""', "date: 2026-02-10", 1)
    assert '  hours: ""' in template and '  intensity: "six_upper"' in template
    assert '# - {id: visitors-panic, delivered: "0:05"}' in template  # office hours only: commented out
    (tmp_path / "blank.yaml").write_text(template, encoding="utf-8")
    code, out, err = plan_cli("import", str(tmp_path / "blank.yaml"))
    assert code == 1 and "blank.yaml:14:10: condition 'hours' has no value" in out + err

    wrong = template.replace('  hours: ""', '  hours: "2"').replace(
        '{id: visitors, result: , actual: ""', '{id: visitors, result: P, actual: "0:05"')
    (tmp_path / "wrong.yaml").write_text(wrong, encoding="utf-8")
    code, out, err = plan_cli("import", str(tmp_path / "wrong.yaml"))
    assert code == 1 and "wrong.yaml:24:10: step 'visitors' does not apply" in out + err
    assert not list((tmp_path / "records").glob("*.jsonl"))

    filled = template.replace('  hours: ""', '  hours: "時間外・夜間・休日"').replace(
        '{id: safety, result: , actual: ""', '{id: safety, result: S, actual: "0:40"').replace(
        '{id: server-room, result: , actual: "", reason: "", checks: []',
        '{id: server-room, result: M, actual: "1:20", reason: "", checks: [12]')
    (tmp_path / "filled.yaml").write_text(filled, encoding="utf-8")
    code, out, err = plan_cli("import", str(tmp_path / "filled.yaml"))
    assert code == 0, err
    [path] = (tmp_path / "records").glob("*.jsonl")
    events = read_journal(path).events
    assert events[0].conditions == {"hours": "off_hours", "intensity": "six_upper"}
    code, report, _ = plan_cli("report", path.stem, "--format", "md")
    assert "- **Conditions**: Time of occurrence: Out of hours; Seismic intensity: 6-upper" in report
    assert ("| within 0:30 after “Staff safety check” (T+1:10) | T+01:20:00 | "
            "\\[L\\] done late, M (10 min late)") in report
    assert "\\[/\\] not applicable" in report and "\\[?\\] no outcome (at the end)" in report


def test_a_decision_on_paper_imports_with_its_option_and_the_injects_it_triggers(plan_cli, tmp_path):
    plan_cli("import", "--template", "plan-quake", "-o", str(tmp_path / "t.yaml"))
    template = (tmp_path / "t.yaml").read_text(encoding="utf-8").replace('date: ""', "date: 2026-02-10", 1)
    assert '{id: where, result: , decision: "", decided_by: ""' in template
    assert "alternate = Move to the alternate site" in template
    base = template.replace('  hours: ""', '  hours: off_hours').replace(
        '{id: safety, result: , actual: ""', '{id: safety, result: P, actual: "0:20"').replace(
        '{id: server-room, result: , actual: ""', '{id: server-room, result: P, actual: "0:30"')
    no_option = base.replace('{id: where, result: , decision: ""', '{id: where, result: S, decision: ""')
    (tmp_path / "no-option.yaml").write_text(no_option, encoding="utf-8")
    code, out, err = plan_cli("import", str(tmp_path / "no-option.yaml"))
    assert code == 1 and "step 'where' is a decision: write the option chosen" in out + err

    wrong_branch = base.replace(
        '{id: where, result: , decision: "", decided_by: "", actual: ""',
        '{id: where, result: S, decision: "2", decided_by: "部長", actual: "0:42"').replace(
        '{id: paper-forms, result: , actual: ""', '{id: paper-forms, result: P, actual: "0:50"')
    (tmp_path / "branch.yaml").write_text(wrong_branch, encoding="utf-8")
    code, out, err = plan_cli("import", str(tmp_path / "branch.yaml"))
    assert code == 1 and "step 'paper-forms' does not apply" in out + err  # option 2 enables move-alt

    filled = base.replace('{id: where, result: , decision: "", decided_by: "", actual: ""',
                          '{id: where, result: S, decision: "2", decided_by: "部長", actual: "0:42"')
    (tmp_path / "filled.yaml").write_text(filled, encoding="utf-8")
    code, out, err = plan_cli("import", str(tmp_path / "filled.yaml"))
    assert code == 0, out + err
    [path] = (tmp_path / "records").glob("*.jsonl")
    events = read_journal(path).events
    [made] = [e for e in events if e.type == "decision_made"]
    assert (made.option_id, made.decided_by, made.elapsed_seconds) == ("alternate", "部長", 42 * 60)
    given = {e.inject_id: e.elapsed_seconds for e in events if e.type == "inject_delivered"}
    assert given == {"alt-ready": 42 * 60, "power-back": 90 * 60}  # as the sheet and the decision say
    code, report, _ = plan_cli("report", path.stem, "--format", "md")
    assert "| Decide where to continue | Move to the alternate site | 部長 | T+00:42:00 | 00:12:00 |" in report
    assert "Decided Decide where to continue: Move to the alternate site (by 部長, S)" in report


def test_systems_on_paper_import_and_report_against_their_recovery_targets(plan_cli, tmp_path):
    code, _, _ = plan_cli("sheet", "plan-quake", "--format", "md", "-o", str(tmp_path / "sheet.md"))
    sheet = (tmp_path / "sheet.md").read_text(encoding="utf-8")
    assert "| core | Core system | A | 4:00 | T+ | T+ | T+ | T+ |  |" in sheet
    plan_cli("import", "--template", "plan-quake", "-o", str(tmp_path / "t.yaml"))
    template = (tmp_path / "t.yaml").read_text(encoding="utf-8").replace('date: ""', "date: 2026-02-10", 1)
    assert '  - {id: core, down: "", degraded: "", alternate: "", restored: "", note: ""}' in template
    filled = template.replace('  hours: ""', '  hours: office').replace(
        '{id: core, down: "", degraded: "", alternate: "", restored: "", note: ""}',
        '{id: core, down: "0:05", degraded: "", alternate: "1:00", restored: "5:00", note: "浸水"}').replace(
        '{id: web, down: "", degraded: "", alternate: "", restored: "", note: ""}',
        '{id: web, down: "0:10", degraded: "", alternate: "", restored: "", note: ""}')
    (tmp_path / "filled.yaml").write_text(filled, encoding="utf-8")
    code, out, err = plan_cli("import", str(tmp_path / "filled.yaml"))
    assert code == 0, out + err
    [path] = (tmp_path / "records").glob("*.jsonl")
    states = [(e.system_id, e.state, e.elapsed_seconds) for e in read_journal(path).events
              if e.type == "system_state_recorded"]
    assert states == [("core", "down", 300), ("web", "down", 600), ("core", "alternate", 3600),
                      ("core", "restored", 18000)]
    code, report, _ = plan_cli("report", path.stem, "--format", "md")
    # Recovered on the alternate at T+1:00 (RTO 4:00): met, though fully restored only at 5:00.
    assert ("| Core system<br>情報政策課 / 保守業者A社（24時間窓口） | A | 4:00 | T+0:05 \\[X\\] down (浸水) -\\> "
            "T+1:00 \\[A\\] on alternate -\\> T+5:00 \\[R\\] restored | T+1:00 | met |") in report
    assert "| Web site<br>広報課 | A | 3:00 | T+0:10 \\[X\\] down |  | missed |" in report
    assert "| Internal mail | B | 24:00 | - |  | not recorded |" in report  # ended before its RTO


def test_measured_values_on_paper(plan_cli, tmp_path):
    plan_cli("sheet", "plan-quake", "--format", "md", "-o", str(tmp_path / "sheet.md"))
    sheet = (tmp_path / "sheet.md").read_text(encoding="utf-8")
    assert "1. Response rate = \\_\\_\\_\\_\\_\\_% \\[at least 80%\\]" in sheet  # blanks escaped for Markdown
    plan_cli("import", "--template", "plan-quake", "-o", str(tmp_path / "t.yaml"))
    template = (tmp_path / "t.yaml").read_text(encoding="utf-8").replace('date: ""', "date: 2026-02-10", 1)
    assert "values: {N:" in template
    bad = template.replace('  hours: ""', '  hours: office').replace(
        '{id: safety, result: , actual: ""', '{id: safety, values: {1: "most", 3: "x"}, result: S, actual: "0:20"')
    (tmp_path / "bad.yaml").write_text(bad, encoding="utf-8")
    code, out, err = plan_cli("import", str(tmp_path / "bad.yaml"))
    assert (code == 1 and '"most" does not read as a number' in out + err
            and "check 3 of step 'safety' takes no value" in out + err)
    good = bad.replace('values: {1: "most", 3: "x"}', 'values: {1: "72", 2: "2名参集できず"}')
    (tmp_path / "good.yaml").write_text(good, encoding="utf-8")
    code, out, err = plan_cli("import", str(tmp_path / "good.yaml"))
    assert code == 0, out + err
    [path] = (tmp_path / "records").glob("*.jsonl")
    values = [(e.check_index, e.text, e.number, e.elapsed_seconds) for e in read_journal(path).events
              if e.type == "value_recorded"]
    assert values == [(0, "72", 72.0, 1200), (1, "2名参集できず", None, 1200)]
    code, report, _ = plan_cli("report", path.stem, "--format", "md")
    assert ("| Staff safety check | Response rate | **72% (!) under its threshold (at least 80%)** "
            "| at least 80% | T+00:20:00 |") in report


def test_a_deputy_on_paper(plan_cli, tmp_path):
    plan_cli("sheet", "plan-quake", "--format", "md", "-o", str(tmp_path / "sheet.md"))
    sheet = (tmp_path / "sheet.md").read_text(encoding="utf-8")
    assert "| ICT lead (ICT team)<br>deputy order: ICT lead (ICT team): 1. Deputy head 2. Section chief" in sheet
    plan_cli("import", "--template", "plan-quake", "-o", str(tmp_path / "t.yaml"))
    template = (tmp_path / "t.yaml").read_text(encoding="utf-8").replace('date: ""', "date: 2026-02-10", 1)
    assert "if a deputy acted, add deputy: N" in template
    base = template.replace('  hours: ""', '  hours: office')
    bad = base.replace('{id: safety, result: , actual: ""', '{id: safety, deputy: 3, result: P, actual: "0:20"')
    (tmp_path / "bad.yaml").write_text(bad, encoding="utf-8")
    code, out, err = plan_cli("import", str(tmp_path / "bad.yaml"))
    assert code == 1 and "step 'safety': there is no deputy 3 (2 deputies)" in out + err
    good = base.replace('{id: safety, result: , actual: ""',
                        '{id: safety, deputy: 1, deputy_reason: "課長に連絡がつかない", result: P, actual: "0:20"')
    (tmp_path / "good.yaml").write_text(good, encoding="utf-8")
    code, out, err = plan_cli("import", str(tmp_path / "good.yaml"))
    assert code == 0, out + err
    [path] = (tmp_path / "records").glob("*.jsonl")
    code, report, _ = plan_cli("report", path.stem, "--format", "md")
    assert "deputy: deputy 1 of ICT lead, Deputy head, acted: 課長に連絡がつかない" in report


def test_annexes_print_on_the_sheet_and_open_in_plain_mode(plan_cli, tmp_path):
    plan_cli("sheet", "plan-quake", "--format", "md", "-o", str(tmp_path / "sheet.md"))
    sheet = (tmp_path / "sheet.md").read_text(encoding="utf-8")
    assert "## Annex: Emergency contacts (form 9)" in sheet
    assert "| ICT lead | 山田 太郎 | 情報政策課 | 0572-00-0000 | 衛星電話 080-0000-0000 |" in sheet
    assert "| 非常用発電機 | 1台 | 本庁舎 | 燃料で72時間 |" in sheet
    assert "Location: Alternate site (fire HQ)<br>References: ICT-BCP 初動版 (代替拠点の確保)" in sheet
    code, _, _ = plan_cli("sheet", "plan-quake", "--format", "html", "-o", str(tmp_path / "sheet.html"))
    html = (tmp_path / "sheet.html").read_text(encoding="utf-8")
    assert "<caption>Annex: Minimum resources (form 18)</caption>" in html and "https://example.jp/ict-bcp" in html


def test_a_step_not_done_on_paper_with_no_time_is_not_waited_for_until_the_end(plan_cli, tmp_path):
    """server-room not done, no time written; `where` waits for it: its time to decide counts from
    what happened (T+0), not from the end of the drill (which gave a target after the drill and
    "time to decide 00:00:00")."""
    plan_cli("import", "--template", "plan-quake", "-o", str(tmp_path / "t.yaml"))
    template = (tmp_path / "t.yaml").read_text(encoding="utf-8").replace('date: ""', "date: 2026-02-10", 1)
    filled = template.replace('  hours: ""', '  hours: off_hours').replace(
        '{id: safety, result: , actual: ""', '{id: safety, result: P, actual: "0:20"').replace(
        '{id: server-room, result: , actual: "", reason: ""', '{id: server-room, result: not_done, actual: "", '
        'reason: "立入禁止"').replace(
        '{id: where, result: , decision: "", decided_by: "", actual: ""',
        '{id: where, result: S, decision: "2", decided_by: "部長", actual: "0:42"')
    (tmp_path / "filled.yaml").write_text(filled, encoding="utf-8")
    code, out, err = plan_cli("import", str(tmp_path / "filled.yaml"))
    assert code == 0, out + err
    [path] = (tmp_path / "records").glob("*.jsonl")
    [not_done] = [e for e in read_journal(path).events if e.type == "step_not_done"]
    assert not_done.elapsed_seconds is None  # no time on the sheet: none recorded
    code, report, _ = plan_cli("report", path.stem, "--format", "md")
    assert "| Decide where to continue | Move to the alternate site | 部長 | T+00:42:00 | 00:42:00 |" in report
    assert "within 0:15 after “Server room damage check” (T+0:15)" in report


@pytest.mark.parametrize("scenario_id, most_pages", [
    ("earthquake-offhours", 12), ("earthquake-office-tsunami", 11), ("flood-shelter-connectivity", 7),
    ("power-outage-cityhall", 7), ("safety-callin-drill", 5), ("targeted-email-malware", 8)])
def test_a_drill_sheet_is_a_compact_table_on_few_pages(scenario_id, most_pages, tmp_path):
    """Laid out on A4 by WeasyPrint: the earthquake sheet took 24 pages, phases each on a page of
    their own, the role column about four characters wide. Now the phases follow one another and
    every column of the steps table has its width (the role column at least 25 mm)."""
    from weasyprint import HTML

    from bcp_drill.cli import main

    target = tmp_path / "sheet.html"
    assert main(["sheet", scenario_id, "-o", str(target), "--lang", "ja"]) == 0
    pages = HTML(filename=str(target)).render().pages

    def boxes(box):
        yield box
        for child in getattr(box, "children", None) or []:
            yield from boxes(child)

    role_headers = [b for page in pages for b in boxes(page._page_box)
                    if type(b).__name__ == "TableCellBox" and b.element.get("class") == "role-head"]
    assert role_headers, "no steps table laid out"
    assert min(b.width for b in role_headers) >= 25 * 96 / 25.4  # 25 mm in CSS pixels
    assert len(pages) <= most_pages, len(pages)


def _chromium():
    import shutil

    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.mark.skipif(_chromium() is None, reason="no Chromium here; WeasyPrint's pages are tested above everywhere")
def test_printed_from_chromium_the_sheets_and_cards_take_the_pages_weasyprint_gives(tmp_path):
    """Where a browser prints them (as staff do from the HTML), each shipped scenario's check sheet
    takes as many A4 pages as WeasyPrint lays out, within one, and its inject cards four to a page."""
    import math
    import subprocess

    from pypdf import PdfReader
    from weasyprint import HTML

    from bcp_drill.cli import main
    from bcp_drill.content.library import ContentLibrary
    from conftest import REPO

    library = ContentLibrary.load([REPO / "scenarios"], cwd=REPO)
    for scenario_id in ("earthquake-offhours", "earthquake-office-tsunami"):
        for kind, args in (("sheet", ["sheet", scenario_id]), ("cards", ["injects", "cards", scenario_id])):
            html = tmp_path / f"{scenario_id}-{kind}.html"
            assert main([*args, "-o", str(html), "--lang", "ja"]) == 0
            pdf = html.with_suffix(".pdf")
            subprocess.run([_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                            "--disable-background-networking", "--disable-component-update", "--disable-sync",
                            f"--user-data-dir={tmp_path / 'profile'}", "--no-pdf-header-footer",
                            f"--print-to-pdf={pdf}", html.as_uri()], capture_output=True, timeout=120, check=True)
            printed = len(PdfReader(pdf).pages)
            if kind == "sheet":
                assert abs(printed - len(HTML(filename=str(html)).render().pages)) <= 1, (scenario_id, printed)
            else:
                injects = len(library.scenarios[scenario_id].document.injects)
                assert printed == math.ceil(injects / 4), (scenario_id, printed, injects)


def test_a_drill_held_early_on_the_first_of_april_is_in_the_new_fiscal_year(cli, tmp_path):
    """Held 2026-04-01 at 00:30 in Japan (2026-03-31 15:30 UTC): its record's name, its report
    and the tally say 2026-04-01 and FY2026, as a PC in Japan would."""
    wallclock.use_zone(wallclock.JST)  # (conftest puts UTC back)
    filled = filled_template(cli, tmp_path).replace("date: 2026-02-10", "date: 2026-04-01")
    filled = filled.replace('start: "10:00"', 'start: "00:30"').replace('t0: "05:30"', 't0: "00:20"')
    (tmp_path / "april.yaml").write_text(filled, encoding="utf-8")
    code, out, _ = cli("import", str(tmp_path / "april.yaml"))
    assert code == 0, out
    record_id = out.strip().rsplit(" ", 1)[-1].rstrip(".")
    assert record_id.startswith("20260401-003000-")
    started = read_journal(cli.records / f"{record_id}.jsonl").events[0]
    assert started.at == datetime(2026, 3, 31, 15, 30, tzinfo=timezone.utc)  # the record holds the instant
    code, out, _ = cli("report", record_id, "--format", "md")
    assert code == 0 and "2026-04-01 00:30 (FY2026)" in out
    code, out, _ = cli("tally", "--drills")
    assert code == 0 and "FY2026" in out and "FY2025" not in out

    wallclock.use_zone(timezone.utc)  # read on UTC, the same instant is the last day of FY2025
    code, out, _ = cli("tally", "--drills")
    assert code == 0 and "FY2025" in out and "FY2026" not in out
