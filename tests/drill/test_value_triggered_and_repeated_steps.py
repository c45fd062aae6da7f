"""Issue 26: a step that applies only when a measured value is out of range (`applies_if`), and a
step repeated during the drill with each occurrence recorded (`repeat`).

Driven through DrillSession with a FakeClock, as a user records a drill; what is asserted is what
a user sees: statuses and the step's lines in the view, the after-action report, the paper sheet,
`bcp-drill validate` and plain mode.
"""

import io
import textwrap
from datetime import datetime

import pytest

from bcp_drill.content.library import ContentLibrary
from bcp_drill.drill.counts import StepStatus
from bcp_drill.drill.session import DrillSession
from bcp_drill.drill.view import DrillView, occurrence_views, repeat_counts
from bcp_drill.drill.wording import step_plan_lines
from bcp_drill.errors import RecordClosed, SessionRefused
from bcp_drill.i18n import Translator
from bcp_drill.records.journal import read_journal
from support.drills import FakeClock, make_store

JA, EN = Translator("ja"), Translator("en")

SCENARIO = """\
kind: scenario
id: fuel-and-reports
version: "1"
title: 停電と定時報告
summary: 本庁舎の停電が長引く
hazard: 停電
drill_types: [tabletop]
roles:
  - {id: lead, title: ICT部門責任者}
  - {id: staff, title: 情報政策課職員}
phases:
  - {id: p0, title: 直後, at_minutes: 0}
  - {id: p1, title: 3時間後, at_minutes: 180}
steps:
  - id: generator
    phase: p0
    title: 非常用発電機の確認
    role: staff
    target_minutes: 30
    checks:
      - 発電機の起動
      - text: 燃料残量
        value: {kind: number, unit: 時間, min: 12}
  - id: order-fuel
    phase: p0
    title: 燃料の追加発注
    role: lead
    target_after_minutes: 30
    applies_if: {step: generator, check: 2, outside: true}
  - id: log-fuel
    phase: p0
    title: 燃料の記録だけ残す
    role: staff
    applies_if: {step: generator, check: 2, outside: false}
  - id: report
    phase: p1
    title: 定時報告
    role: lead
    target_minutes: 180
    repeat: {every_minutes: 180, until_minutes: 720}
"""


def scenario_folder(tmp_path, text=SCENARIO, name="fuel.yaml"):
    folder = tmp_path / "content"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def source(tmp_path):
    folder = scenario_folder(tmp_path)
    library = ContentLibrary.load([folder], cwd=folder)
    assert not library.problems, library.problems
    return library.scenarios["fuel-and-reports"]


def start(tmp_path):
    clock = FakeClock()
    store = make_store(tmp_path, clock)
    return DrillSession.start(store, source(tmp_path), "tabletop"), store, clock


def statuses(session):
    return {v.step.id: v.status for v in DrillView(session.state, session.now()).steps}


def plan_lines(session, step_id, t=JA):
    view = DrillView(session.state, session.now())
    return dict(step_plan_lines(view, session.scenario.step(step_id), t))


# ---------------------------------------------------------------- applies_if


def test_a_step_on_a_value_waits_then_applies_when_the_value_is_out_of_range(tmp_path):
    session, _, clock = start(tmp_path)
    assert statuses(session)["order-fuel"] == StepStatus.WAITING
    assert statuses(session)["log-fuel"] == StepStatus.WAITING
    lines = plan_lines(session, "order-fuel")
    assert lines["対象となる条件"] == "燃料残量が 12時間未満のとき"
    assert "燃料残量（非常用発電機の確認）の値 (未記録)" in lines["待つもの"]
    with pytest.raises(SessionRefused) as waiting:  # the value may rule it out: no outcome before it
        session.complete_step("order-fuel", "P")
    assert waiting.value.code == "step_waits_for_value"
    assert "先に値を記録してください" in waiting.value.message(JA)

    clock.advance(minutes=20)
    session.record_value("generator", 1, "8時間")
    shown = statuses(session)
    assert shown["order-fuel"] == StepStatus.UPCOMING  # applies: due 30 min after the value
    assert shown["log-fuel"] == StepStatus.NOT_APPLICABLE
    assert plan_lines(session, "order-fuel")["値による判定"] == "燃料残量 8時間（12時間未満）のため"
    assert plan_lines(session, "log-fuel")["値による判定"] == "燃料残量 8時間（12時間未満）のため対象外"
    assert plan_lines(session, "order-fuel", EN)["By the value"] == "applies: 燃料残量 8時間 (below 12時間)"
    view = DrillView(session.state, session.now())
    assert view.step("order-fuel").deadline_seconds == 50 * 60  # 30 min after the value was recorded
    with pytest.raises(SessionRefused) as ruled_out:
        session.complete_step("log-fuel", "P")
    assert ruled_out.value.code == "step_ruled_out_by_value"
    clock.advance(minutes=10)
    session.complete_step("order-fuel", "P")
    assert statuses(session)["order-fuel"] == StepStatus.DONE_ON_TIME
    session.close()


def test_a_value_within_range_rules_the_step_out_and_a_correction_brings_it_back(tmp_path):
    session, _, clock = start(tmp_path)
    session.record_value("generator", 1, "15")
    assert statuses(session)["order-fuel"] == StepStatus.NOT_APPLICABLE
    assert statuses(session)["log-fuel"] == StepStatus.UPCOMING  # no target: never overdue
    assert plan_lines(session, "order-fuel")["値による判定"] == "燃料残量 15時間（12時間以上）のため対象外"
    figures = DrillView(session.state, session.now()).figures.overall
    assert (figures.total, figures.not_applicable) == (3, 1)
    clock.advance(minutes=5)
    session.record_value("generator", 1, "10")  # measured again: below 12 h after all
    assert statuses(session)["order-fuel"] == StepStatus.UPCOMING
    assert statuses(session)["log-fuel"] == StepStatus.NOT_APPLICABLE
    session.close()


def test_a_value_change_never_drops_a_recorded_outcome_without_a_word(tmp_path):
    """As a decision: a value that would rule out a step holding an outcome is refused, naming
    it, and nothing is written; once the outcome is withdrawn the value stands."""
    session, _, clock = start(tmp_path)
    session.record_value("generator", 1, "8")
    clock.advance(minutes=5)
    session.complete_step("order-fuel", "S")
    before = read_journal(session.journal.path).events
    with pytest.raises(SessionRefused) as refused:
        session.record_value("generator", 1, "20")
    assert refused.value.code == "value_sets_aside"
    assert refused.value.params["steps"] == "order-fuel (S)"
    said = refused.value.message(EN)
    assert "would rule out steps that already have outcomes (order-fuel (S))" in said and "withdraw them first" in said
    assert "記録済みのステップ（order-fuel (S)）が対象外" in refused.value.message(JA)
    assert read_journal(session.journal.path).events == before  # nothing was written
    assert statuses(session)["order-fuel"] == StepStatus.DONE_ON_TIME  # still counted
    session.record_value("generator", 1, "9")  # still below: nothing is ruled out
    session.reopen_step("order-fuel")
    session.record_value("generator", 1, "20")
    assert statuses(session)["order-fuel"] == StepStatus.NOT_APPLICABLE
    session.close()


def test_the_value_gate_survives_resume_from_the_pinned_scenario(tmp_path):
    session, store, _ = start(tmp_path)
    session.record_value("generator", 1, "8")
    session.close()
    (tmp_path / "content" / "fuel.yaml").unlink()  # today's YAML is gone: the record pins its own
    resumed = DrillSession.resume(store, session.record_id)
    assert statuses(resumed)["order-fuel"] == StepStatus.UPCOMING
    assert statuses(resumed)["log-fuel"] == StepStatus.NOT_APPLICABLE
    resumed.close()


# ---------------------------------------------------------------- repeat


def test_each_occurrence_has_its_own_due_time_and_is_recorded(tmp_path):
    session, _, clock = start(tmp_path)
    view = DrillView(session.state, session.now())
    assert view.step("report").deadline_seconds is None  # timed by its occurrences, never overdue itself
    report = session.scenario.step("report")
    assert [(o.number, o.due_seconds, o.status)
            for o in occurrence_views(session.state, report, view.elapsed)] == [(1, 10800, "upcoming")]
    with pytest.raises(SessionRefused) as early:
        session.record_occurrence("report", 2)
    assert early.value.code == "occurrence_not_due"
    clock.advance(minutes=175)
    first = session.record_occurrence("report", note="異常なし")  # a little early: on time
    assert (first.occurrence, first.rating) == (1, None)
    clock.advance(minutes=5 + 180 + 20)  # T+6:20: the second is 20 minutes late
    session.record_occurrence("report", rating="S")
    clock.advance(minutes=180 + 180)  # T+12:20: the third (T+9:00) was never recorded; the fourth is due
    steps = {o.number: o.status for o in occurrence_views(session.state, session.scenario.step("report"),
                                                          session.elapsed())}
    assert steps == {1: "done", 2: "late", 3: "missed", 4: "due"}
    lines = plan_lines(session, "report")
    assert lines["第1回"] == "[v] 時間内 (予定 T+3:00, 実施 T+02:55:00): 異常なし"
    assert lines["第2回"] == "[L] 遅れ (予定 T+6:00, 実施 T+06:20:00 S)"
    assert lines["第3回"] == "[!] 未実施 (予定 T+9:00)"
    assert "第5回" not in lines  # until T+12:00: no fifth
    session.complete_step("report", "S")  # the step's own outcome closes it
    assert statuses(session)["report"] == StepStatus.DONE_NO_TARGET
    with pytest.raises(SessionRefused) as closed:
        session.record_occurrence("report")
    assert closed.value.code == "repeat_closed"
    with pytest.raises(SessionRefused) as not_repeated:
        session.record_occurrence("generator")
    assert not_repeated.value.code == "step_not_repeated"
    session.end()
    with pytest.raises(RecordClosed):
        session.record_occurrence("report")
    session.close()


def test_an_observer_may_not_record_an_occurrence(tmp_path):
    session, _, _ = start(tmp_path)
    session.role = "observer"
    if session.may("outcome"):
        pytest.skip("observers may record outcomes in this version")
    with pytest.raises(SessionRefused) as refused:
        session.record_occurrence("report")
    assert refused.value.code == "role_outcome"
    session.close()


def repeat_drill(tmp_path):
    session, store, clock = start(tmp_path)
    clock.advance(minutes=170)
    session.record_occurrence("report", rating="P")  # 1: on time
    clock.advance(minutes=190)  # T+6:00
    session.record_occurrence("report", rating="P")  # 2: on time, at its due minute
    clock.advance(minutes=200)  # T+9:20
    session.record_occurrence("report", rating="M")  # 3: late
    session.record_value("generator", 1, "8")
    session.complete_step("order-fuel", "P")
    session.complete_step("generator", "P")
    session.end()  # at T+9:20: occurrence 4 (T+12:00) was not due yet
    session.close()
    return session, store


def test_the_report_counts_each_occurrence_and_says_why_a_step_applied(tmp_path):
    from bcp_drill.render.reports import render_drill_report
    from bcp_drill.reports.drill_report import build_drill_report
    from bcp_drill.reports.drill_report_sources import read_drill_report_sources

    session, store = repeat_drill(tmp_path)
    counts = repeat_counts(session.state, session.elapsed())
    assert [(c.due, c.count("done"), c.count("late")) for c in counts] == [(3, 2, 1)]
    sources = read_drill_report_sources(store, session.record_id, "ja")
    report = build_drill_report(sources, JA)
    assert report.repeats == ["定時報告 3 回中 2 回を時間内に（遅れ 1・未実施 0・実施できず 0・記録待ち 0）"]
    md = render_drill_report(report, "md", JA).decode("utf-8")
    assert "定時報告 3 回中 2 回を時間内に" in md
    assert "| 定時報告 | 3 | T+9:00 | T+09:20:00 | \\[L\\] 遅れ | M |" in md
    assert "繰り返しのステップ（定時報告など）は、ステップとしては結果で 1 回だけ数え" in md  # the rule, once
    assert "燃料残量 8時間（12時間未満）のため" in md
    assert "燃料残量 8時間（12時間未満）のため対象外" in md  # log-fuel
    assert "定時報告 第3回 実施 M" in md  # the timeline
    html = render_drill_report(build_drill_report(sources, EN), "html", EN).decode("utf-8")
    assert "定時報告: 2 of 3 on time (late 1, missed 0, unable 0, open 0)" in html
    assert "applies: 燃料残量 8時間 (below 12時間)" in html


def test_the_paper_sheet_prints_the_value_condition_and_the_repeat(tmp_path):
    from bcp_drill.render.sheets import render_scenario_sheet

    scenario = source(tmp_path).document
    md = render_scenario_sheet(scenario, "md", JA, datetime(2026, 11, 25)).decode("utf-8")
    assert "燃料残量が 12時間未満のとき" in md
    assert "燃料残量が 12時間以上のとき" in md
    assert "T+3:00 から 3:00 ごと（T+12:00 まで）" in md
    html = render_scenario_sheet(scenario, "html", EN, datetime(2026, 11, 25)).decode("utf-8")
    assert "when 燃料残量 is below 12時間" in html
    assert "every 3:00 from T+3:00 until T+12:00" in html


# ---------------------------------------------------------------- validate


BAD = {
    "no step": ("applies_if: {step: generator, check: 2, outside: true}",
                "applies_if: {step: generatr, check: 2, outside: true}", "generatr"),
    "no check": ("applies_if: {step: generator, check: 2, outside: true}",
                 "applies_if: {step: generator, check: 5, outside: true}", "check 5"),
    "no threshold": ("applies_if: {step: generator, check: 2, outside: true}",
                     "applies_if: {step: generator, check: 1, outside: true}", "no value with a min or max"),
    "repeat without target": ("    target_minutes: 180\n    repeat:", "    repeat:", "needs target_minutes"),
    "until before target": ("until_minutes: 720", "until_minutes: 60", "before the first occurrence"),
}


@pytest.mark.parametrize("mistake", list(BAD))
def test_validate_names_each_mistake_with_its_line(tmp_path, capsys, mistake):
    from bcp_drill.cli import main

    old, new, words = BAD[mistake]
    assert old in SCENARIO
    text = SCENARIO.replace(old, new, 1)
    folder = scenario_folder(tmp_path, text)
    code = main(["validate", str(folder / "fuel.yaml"), "--lang", "en"])
    out = capsys.readouterr()
    assert code == 1
    said = out.out + out.err
    assert words in said
    line = next(n for n, row in enumerate(text.splitlines(), 1) if new.strip().split("\n")[-1].strip() in row)
    assert f"fuel.yaml:{line}" in said or f"fuel.yaml:{line + 1}" in said, said


def test_validate_accepts_the_scenario(tmp_path, capsys):
    from bcp_drill.cli import main

    folder = scenario_folder(tmp_path)
    assert main(["validate", str(folder / "fuel.yaml"), "--lang", "en"]) == 0, capsys.readouterr()


# ---------------------------------------------------------------- plain mode


def test_plain_mode_records_an_occurrence_and_shows_the_list(tmp_path):
    from bcp_drill.plain.console import PlainConsole
    from bcp_drill.plain.drill import PlainDrill

    session, _, clock = start(tmp_path)
    out = io.StringIO()
    console = PlainConsole(JA, io.StringIO(textwrap.dedent("""\
        go 4
        repeat
        repeat 2 P 異常なし
        quit
        """)), out)
    clock.advance(minutes=181)
    PlainDrill(session, console).run()
    said = out.getvalue()
    assert "第1回を記録しました（遅れ）" in said
    assert "第2回を記録しました（時間内）" in said
    assert "第1回: [L] 遅れ (予定 T+3:00, 実施 T+03:01:00)" in said
    assert session.state.occurrences["report"][2].occurrence == 2
    session.close()


# ---------------------------------------------------------------- the runner


async def test_the_runner_records_an_occurrence_with_o(tmp_path):
    from bcp_drill.tui.app import StartRequest
    from bcp_drill.tui.screens.drill_runner import DrillRunnerScreen
    from bcp_drill.tui.widgets.step_list import StepList
    from tui.support import SIZE, journal_events, make_app, screen_text

    folder = scenario_folder(tmp_path)
    app, store, clock = make_app(tmp_path, lang="ja", start=StartRequest(scenario_id="fuel-and-reports"),
                                 library=lambda: ContentLibrary.load([folder], cwd=folder))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+s")
        await pilot.pause()
        runner = app.screen
        assert isinstance(runner, DrillRunnerScreen)
        step_list = runner.query_one(StepList)
        while step_list.selected_step_id != "report":
            await pilot.press("down")
        clock.advance(minutes=170)
        await pilot.press("o")
        await pilot.pause()
        await pilot.press("enter")  # no note
        await pilot.pause()
        assert "第1回" in screen_text(app)
    [done] = [e for e in journal_events(store) if e.type == "step_occurrence_done"]
    assert (done.step_id, done.occurrence, done.note) == ("report", 1, "")
