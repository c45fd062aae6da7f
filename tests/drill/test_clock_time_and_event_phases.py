"""Issue 26: an inject at a clock time of the scenario day (`at_time`), and a phase that starts
at an event (`starts_after`) — through the session, the view, the sheet, the report and validate."""

from datetime import datetime
from pathlib import Path
from textwrap import dedent

import pytest

from bcp_drill.cli import main
from bcp_drill.content.library import ContentLibrary
from bcp_drill.content.loader import FileLoader
from bcp_drill.drill.counts import StepStatus
from bcp_drill.drill.session import DrillSession
from bcp_drill.drill.view import DrillView
from bcp_drill.drill.wording import inject_time_text, phase_start_words, target_label, waits_text
from bcp_drill.errors import SessionRefused
from bcp_drill.i18n import Translator
from bcp_drill.render.reports import render_drill_report
from bcp_drill.render.sheets import render_scenario_sheet
from bcp_drill.reports.drill_report import build_drill_report
from bcp_drill.reports.drill_report_sources import read_drill_report_sources
from support.cli import isolate_cli
from support.drills import FakeClock, make_store

EN, JA = Translator("en"), Translator("ja")
REPO = Path(__file__).resolve().parents[2]

SCENARIO = """\
kind: scenario
id: outage
version: "1"
title: 停電
summary: 庁舎の停電
hazard: 停電
drill_types: [tabletop]
roles:
  - {id: lead, title: 責任者}
phases:
  - {id: p0, title: 直後, at_minutes: 0}
  - {id: p60, title: 1時間後, at_minutes: 60}
  - {id: back, title: 電源復旧, starts_after: {inject: power-back}}
  - {id: checked, title: 点検後, starts_after: {step: s-check}}
steps:
  - {id: s-first, phase: p0, title: 初動, role: lead, target_minutes: 10}
  - {id: s-hour, phase: p60, title: 一時間の確認, role: lead, target_minutes: 70}
  - {id: s-restart, phase: back, title: 再起動, role: lead, target_minutes: 30}
  - {id: s-check, phase: back, title: 点検, role: lead}
  - {id: s-report, phase: checked, title: 報告, role: lead, target_minutes: 15}
injects:
  - {id: noon, at_time: "１３：３０", recipient: lead, sender: 市民課, channel: 電話, content: 窓口が混雑}
  - {id: power-back, recipient: lead, sender: 電力会社, channel: 電話, content: 復電した}
"""


def local(hour: int, minute: int = 0) -> datetime:
    """A moment of the scenario day in this machine's time zone (as set-up takes T0)."""
    return datetime(2026, 11, 25, hour, minute).astimezone()


def source(tmp_path, text=SCENARIO):
    path = tmp_path / "outage.yaml"
    path.write_text(text, encoding="utf-8")
    loaded = FileLoader().load(path, "outage.yaml")
    assert not loaded.problems, [p.render(EN) for p in loaded.problems]
    return loaded


def start(tmp_path, t0=None, text=SCENARIO):
    clock = FakeClock()
    store = make_store(tmp_path, clock)
    session = DrillSession.start(store, source(tmp_path, text), "tabletop", t0=t0 or local(9))
    return session, store, clock


def shown(session, step_id):
    return DrillView(session.state, session.now()).step(step_id)


# ---------------------------------------------------------------- at_time


def test_an_inject_at_a_time_of_day_is_given_when_the_drill_clock_reaches_it(tmp_path):
    session, _, clock = start(tmp_path, t0=local(9))
    noon = session.scenario.inject("noon")
    assert noon.at_time == "13:30"  # full-width digits and colon, as typed on a Japanese keyboard
    assert session.state.inject_due_seconds(noon) == 4 * 3600 + 30 * 60
    assert inject_time_text(noon, session.scenario, EN, session.state) == "T+4:30 (13:30)"
    clock.advance(hours=4, minutes=29)
    assert session.deliver_due_injects() == []
    clock.advance(minutes=1)
    assert [e.inject_id for e in session.deliver_due_injects()] == ["noon"]
    assert session.state.delivered["noon"].elapsed_seconds == 4 * 3600 + 30 * 60


def test_a_tabletop_that_starts_at_a_later_hour_counts_from_its_own_t0(tmp_path):
    session, _, clock = start(tmp_path, t0=local(13, 0))
    assert session.state.inject_due_seconds(session.scenario.inject("noon")) == 30 * 60
    clock.advance(minutes=30)
    assert [e.inject_id for e in session.deliver_due_injects()] == ["noon"]
    # Read back from the record, with the T0 it pinned.
    session.close()
    again = DrillSession.resume(session.store, session.record_id)
    assert again.state.inject_due_seconds(again.scenario.inject("noon")) == 30 * 60


def test_a_time_of_day_before_t0_is_refused_at_start_naming_the_inject_and_both_times(tmp_path):
    store = make_store(tmp_path, FakeClock())
    with pytest.raises(SessionRefused) as refused:
        DrillSession.start(store, source(tmp_path), "tabletop", t0=local(14, 0))
    assert refused.value.code == "inject_before_t0"
    message = refused.value.message(EN)
    assert "noon" in message and "13:30" in message and "14:00" in message
    assert not list((tmp_path / "records").glob("*.jsonl"))  # nothing written


def test_the_sheet_prints_the_time_of_day_as_written_before_t0_is_known(tmp_path):
    scenario = source(tmp_path).document
    sheet = render_scenario_sheet(scenario, "md", JA, local(8)).decode("utf-8")
    assert "13:30（T+ は訓練開始時刻 T0 から数える）" in sheet
    planned = inject_time_text(scenario.inject("noon"), scenario, EN)
    assert planned == "13:30 (time of day; T+ counts from the drill's T0)"


# ---------------------------------------------------------------- starts_after


def test_steps_of_a_phase_started_by_an_inject_wait_for_it_and_count_from_it(tmp_path):
    session, _, clock = start(tmp_path)
    assert shown(session, "s-restart").status == StepStatus.WAITING
    assert shown(session, "s-restart").target_short == "+0:30"
    assert target_label(shown(session, "s-restart"), EN) == "within 0:30 of the start of “電源復旧”"
    clock.advance(hours=2)
    assert shown(session, "s-restart").status == StepStatus.WAITING  # no minute starts it: only the call
    session.deliver_inject("power-back", manual=True)
    restart = shown(session, "s-restart")
    assert restart.status == StepStatus.UPCOMING and restart.deadline_seconds == (2 * 60 + 30) * 60
    assert target_label(restart, EN) == "within 0:30 of the start of “電源復旧” (T+2:30)"
    clock.advance(minutes=31)
    assert shown(session, "s-restart").status == StepStatus.OVERDUE


def test_a_phase_started_by_a_step_begins_when_that_step_has_its_outcome(tmp_path):
    session, _, clock = start(tmp_path)
    clock.advance(minutes=20)
    session.deliver_inject("power-back", manual=True)
    assert shown(session, "s-report").status == StepStatus.WAITING
    assert "電源復旧" not in waits_text(DrillView(session.state, session.now()), session.scenario.step("s-report"), EN)
    clock.advance(minutes=10)
    session.complete_step("s-check", "P")
    report = shown(session, "s-report")
    assert report.status == StepStatus.UPCOMING and report.deadline_seconds == (30 + 15) * 60
    clock.advance(minutes=14)
    session.complete_step("s-report", "S")
    assert shown(session, "s-report").status == StepStatus.DONE_ON_TIME


def test_the_tabletop_jump_goes_only_to_timed_phases(tmp_path):
    session, _, _ = start(tmp_path)
    assert session.advance_to_next_phase() and session.elapsed() == 60 * 60
    assert not session.advance_to_next_phase()  # the rest start at events, not at a minute


def test_headings_say_what_starts_a_phase(tmp_path):
    scenario = source(tmp_path).document
    assert phase_start_words(scenario.phase("p60"), scenario, EN) == "T+1:00"
    assert phase_start_words(scenario.phase("back"), scenario, EN) == "once inject power-back (電力会社) is given"
    assert phase_start_words(scenario.phase("checked"), scenario, JA) == "「点検」の結果が出てから"
    sheet = render_scenario_sheet(scenario, "md", JA, local(8)).decode("utf-8")
    assert "## 状況付与 power-back（電力会社）を受けてから 電源復旧" in sheet
    assert "「電源復旧」の開始から 0:30 以内" in sheet
    html = render_scenario_sheet(scenario, "html", JA, local(8)).decode("utf-8")
    assert "<h2>「点検」の結果が出てから 点検後</h2>" in html


def test_the_report_shows_clock_times_and_targets_counted_from_the_phase(tmp_path):
    session, store, clock = start(tmp_path)
    clock.advance(hours=2)
    session.deliver_inject("power-back", manual=True)
    clock.advance(minutes=20)
    session.complete_step("s-restart", "P")
    clock.advance(hours=2, minutes=10)
    session.deliver_due_injects()
    session.end()
    report = build_drill_report(read_drill_report_sources(store, session.record_id, EN.lang), EN)
    [noon] = [line for line in report.injects if line.inject_id == "noon"]
    assert noon.planned == "T+4:30 (13:30)"
    [restart] = [s for s in report.steps if s.step_id == "s-restart"]
    assert restart.target == "within 0:30 of the start of “電源復旧” (T+2:30)"
    assert restart.status == StepStatus.DONE_ON_TIME
    assert restart.target_seconds is None  # not a T+ target: no T+ number for a spreadsheet
    text = render_drill_report(report, "md", EN).decode("utf-8")
    assert "T+4:30 (13:30)" in text
    assert "within 0:30 of the start of “電源復旧” (T+2:30)" in text
    assert any("再起動" in line.text and "(T+2:30)" in line.text for line in report.timeline)


def test_the_power_outage_restart_follows_the_call_that_power_is_back():
    library = ContentLibrary.load([REPO / "scenarios"], cwd=REPO)
    outage = library.scenario("power-outage-cityhall")
    assert outage.phase("p-1440").starts_after.inject == "i05"
    assert outage.step("s09").phase == "p-1440"


def test_the_power_outage_drill_restarts_when_the_utility_calls(tmp_path):
    library = ContentLibrary.load([REPO / "scenarios"], cwd=REPO)
    clock = FakeClock()
    session = DrillSession.start(make_store(tmp_path, clock), library.scenarios["power-outage-cityhall"], "tabletop")
    session.advance_to(6 * 3600)
    assert not session.advance_to_next_phase()  # power back is the utility's call, not a minute
    assert shown(session, "s09").status == StepStatus.WAITING
    session.deliver_inject("i05", manual=True)
    assert shown(session, "s09").deadline_seconds == (6 * 60 + 30) * 60


# ---------------------------------------------------------------- validate


@pytest.fixture
def cli_env(tmp_path, monkeypatch):
    isolate_cli(tmp_path, monkeypatch)


def validate(tmp_path, capsys, text):
    folder = tmp_path / "content"
    folder.mkdir(exist_ok=True)
    (folder / "outage.yaml").write_text(dedent(text), encoding="utf-8")
    code = main(["validate", str(folder), "--lang", "en"])
    return code, capsys.readouterr().out


@pytest.mark.parametrize("change, line, words", [
    (("content: 窓口が混雑}", "content: 窓口が混雑, at_minutes: 30}"), 22,
     'inject "noon" has both at_minutes (T+30 min) and at_time (13:30)'),
    (('at_time: "１３：３０"', 'at_time: "25:00"'), 22, "cannot read '25:00' as a clock time"),
    (("starts_after: {inject: power-back}}", "starts_after: {inject: power-back}, at_minutes: 90}"), 13,
     'phase "back" has both at_minutes (T+90 min) and starts_after'),
    (("title: 1時間後, at_minutes: 60}", "title: 1時間後}"), 12, 'phase "p60" has neither at_minutes nor starts_after'),
    (("{inject: power-back}", "{inject: power-bak}"), 13, "inject 'power-bak' is not defined"),
    (("{step: s-check}", "{step: s-report}"), 14, "a phase could never begin: checked -> s-report -> checked"),
    (("{step: s-check}", "{step: s-check, inject: noon}"), 14, "starts_after takes exactly one of inject or step"),
])
def test_validate_names_each_mistake_with_its_line(tmp_path, capsys, cli_env, change, line, words):
    assert change[0] in SCENARIO
    code, out = validate(tmp_path, capsys, SCENARIO.replace(*change))
    assert code == 1, out
    [problem] = [row for row in out.splitlines() if words in row]
    assert f"outage.yaml:{line}:" in problem, problem


def test_validate_accepts_the_scenario_as_written_and_an_unquoted_time_of_day(tmp_path, capsys, cli_env):
    code, out = validate(tmp_path, capsys, SCENARIO)
    assert code == 0, out
    unquoted = SCENARIO.replace('at_time: "１３：３０"', "at_time: 13:30")  # YAML 1.1 would read 810
    code, out = validate(tmp_path, capsys, unquoted)
    assert code == 0, out
    assert source(tmp_path, unquoted).document.inject("noon").at_time == "13:30"


# ---------------------------------------------------------------- the injects table


@pytest.fixture
def planner(tmp_path, monkeypatch, capsys, cli_env):
    """A working folder holding the scenario, and `bcp-drill` run in it."""
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "outage.yaml").write_text(SCENARIO, encoding="utf-8")

    def run(*args, lang="ja"):
        code = main([*args, "--records", str(tmp_path / "records"), "--lang", lang])
        captured = capsys.readouterr()
        return code, captured.out + captured.err

    return run


def test_the_injects_table_keeps_a_time_of_day_in_its_own_column(planner, tmp_path):
    from datetime import time

    import yaml
    from openpyxl import load_workbook

    path = tmp_path / "scenarios" / "outage.yaml"
    assert planner("injects", "export", "outage", "-o", "msel.xlsx")[0] == 0
    book = load_workbook(tmp_path / "msel.xlsx")
    sheet = book["状況付与表"]
    headers = [c.value for c in sheet[1]]
    clock, minutes = headers.index("想定時刻") + 1, headers.index("付与時刻") + 1
    assert sheet.cell(2, clock).value == "13:30" and not sheet.cell(2, minutes).value
    code, out = planner("injects", "import", "msel.xlsx", "--scenario", "outage")
    assert code == 0 and path.read_text(encoding="utf-8") == SCENARIO, out  # nothing changed: nothing rewritten
    sheet.cell(2, clock).value = time(9, 15)  # what Excel stores when someone types 9:15
    sheet.cell(2, clock).number_format = "h:mm"
    book.save(tmp_path / "msel.xlsx")
    code, out = planner("injects", "import", "msel.xlsx", "--scenario", "outage")
    assert code == 0, out
    [noon] = [i for i in yaml.safe_load(path.read_text(encoding="utf-8"))["injects"] if i["id"] == "noon"]
    assert noon["at_time"] == "09:15" and "at_minutes" not in noon
    sheet.cell(2, minutes).value = "0:30"
    book.save(tmp_path / "msel.xlsx")
    before = path.read_text(encoding="utf-8")
    code, out = planner("injects", "import", "msel.xlsx", "--scenario", "outage", lang="en")
    cell = f"{sheet.cell(2, clock).column_letter}2"
    assert code == 1 and f"状況付与表!{cell}: both a time after T0 (0:30) and a time of day (09:15)" in out, out
    assert path.read_text(encoding="utf-8") == before
