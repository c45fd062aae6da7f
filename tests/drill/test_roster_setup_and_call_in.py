"""Issue 31: drill set-up offers the roster's people; a call-in drill marks people unreachable at
set-up, the deputy order is exercised (the next reachable deputy suggested) and recorded — who
acted for whom and when — in the after-action report and in coverage."""

import json
from datetime import date

import pytest

from bcp_drill.content.library import ContentLibrary
from bcp_drill.drill.call_in import call_in, deputy_option_text, deputy_options, suggested_option
from bcp_drill.drill.opening import start_drill
from bcp_drill.drill.session import DrillSession
from bcp_drill.drill.setup import (
    PARTICIPANTS,
    RECORDER,
    UNREACHABLE,
    RosterPerson,
    SetupError,
    read_setup,
    setup_questions,
)
from bcp_drill.i18n import Translator
from bcp_drill.programme.coverage import coverage
from bcp_drill.programme.roster import Roster, setup_roster
from bcp_drill.records import events as ev
from bcp_drill.records.journal import read_journal
from support.drills import FakeClock, make_store

SCENARIO = """\
kind: scenario
id: callin
version: "1"
title: {ja: 参集訓練, en: Call-in drill}
summary: テスト用
hazard: 地震
drill_types: [functional]
roles:
  - id: lead
    title: {ja: ICT部門責任者（情報政策課長）, en: ICT lead}
    deputies: [{ja: 課長補佐, en: Deputy head}, {ja: 係長, en: Section chief}]
    deputy_contacts: [deputy1, deputy2]
  - {id: infra, title: {ja: インフラ担当, en: Infrastructure officer}, deputies: [{ja: 主任, en: Officer}]}
phases:
  - {id: p0, title: 直後, at_minutes: 0}
steps:
  - {id: call, phase: p0, title: {ja: 参集指示, en: Call staff in}, role: lead, target_minutes: 15}
  - {id: power, phase: p0, title: {ja: 電源の確認, en: Check power}, role: infra, target_minutes: 30}
annexes:
  contacts:
    - {id: head, role: lead, name: 山田 太郎, title: {ja: 情報政策課長, en: Head of ICT}, phone: 090-0000-0001}
    - {id: deputy1, name: 佐藤 花子, title: {ja: 課長補佐, en: Deputy head}, phone: 090-0000-0002}
    - {id: deputy2, name: 鈴木 一郎, title: {ja: 係長, en: Section chief}, phone: 090-0000-0003}
"""

ROSTER = """\
kind: roster
id: roster
people:
  - {name: 山田 太郎, department: 情報政策課, role: ICT部門責任者}
  - {name: 佐藤 花子, department: 情報政策課, role: ICT部門責任者代行, deputy_of: 山田 太郎}
  - {name: 鈴木 一郎, department: 情報政策課, deputy_of: 山田 太郎}
  - {name: 高橋 次郎, department: 管財課, role: インフラ担当}
  - {name: 田中 三郎, department: 管財課, deputy_of: 高橋 次郎}
  - {name: 伊藤 四郎, department: 総務課}
"""

PEOPLE = [RosterPerson("山田 太郎", "情報政策課", "ICT部門責任者"),
          RosterPerson("佐藤 花子", "情報政策課", "ICT部門責任者代行", "山田 太郎"),
          RosterPerson("鈴木 一郎", "情報政策課", "", "山田 太郎"),
          RosterPerson("高橋 次郎", "管財課", "インフラ担当"),
          RosterPerson("田中 三郎", "管財課", "", "高橋 次郎"),
          RosterPerson("伊藤 四郎", "総務課")]


@pytest.fixture
def city(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    (content / "callin.yaml").write_text(SCENARIO, encoding="utf-8")
    (tmp_path / "programmes").mkdir()
    (tmp_path / "programmes" / "roster.yaml").write_text(ROSTER, encoding="utf-8")
    library = ContentLibrary.load([content], cwd=tmp_path)
    assert not library.problems, library.problems
    return library


def _start(tmp_path, library, unreachable, participants="佐藤 花子, player\n高橋 次郎, player"):
    clock = FakeClock()
    store = make_store(tmp_path, clock)
    scenario = library.scenario("callin")
    questions = setup_questions(scenario, store.recorder, PEOPLE)
    setup = read_setup(questions, {PARTICIPANTS: participants, UNREACHABLE: unreachable}, clock())
    assert not isinstance(setup, SetupError), setup
    session = start_drill(store, library.scenarios["callin"], setup)
    assert isinstance(session, DrillSession)
    return session, store, clock


def test_set_up_offers_the_roster_as_participant_lines_and_reads_unreachable_names(tmp_path, city):
    t = Translator("ja")
    roster = setup_roster(tmp_path / "programmes", t)
    assert not roster.problems and [p.name for p in roster.people] == [p.name for p in PEOPLE]
    questions = setup_questions(city.scenario("callin"), "記録係", roster.people)
    by_key = {q.key: q for q in questions}
    assert by_key[PARTICIPANTS].people == tuple(roster.people)
    assert roster.people[0].participant_line(t) == "山田 太郎, プレイヤー, 情報政策課"
    assert roster.people[0].label() == "山田 太郎（情報政策課・ICT部門責任者）"
    now = FakeClock()()
    answers = {PARTICIPANTS: roster.people[1].participant_line(t), RECORDER: "記録係",
               UNREACHABLE: "山田太郎、 鈴木 一郎\n山田 太郎"}  # width and spaces aside, each once
    setup = read_setup(questions, answers, now)
    assert setup.participants[0].name == "佐藤 花子" and setup.participants[0].role == "player"
    assert setup.participants[0].organisation == "情報政策課"
    assert setup.unreachable == ["山田太郎", "鈴木 一郎"]
    # A name nobody knows is a typing mistake, said with the name, never a record.
    wrong = read_setup(questions, {**answers, UNREACHABLE: "山田 次郎"}, now)
    assert isinstance(wrong, SetupError) and wrong.question == UNREACHABLE
    assert "「山田 次郎」" in wrong.message(t) and "参加者" in wrong.message(t)
    # No roster: the scenario's contacts and the participants may still be marked; blank is nobody.
    bare = setup_questions(city.scenario("callin"), "記録係")
    assert read_setup(bare, {UNREACHABLE: "鈴木 一郎"}, now).unreachable == ["鈴木 一郎"]
    assert read_setup(bare, {}, now).unreachable == []


def test_a_broken_roster_is_named_and_set_up_goes_on_without_it(tmp_path):
    (tmp_path / "programmes").mkdir()
    (tmp_path / "programmes" / "roster.yaml").write_text("kind: roster\nid: r\npeople:\n  - {department: x}\n",
                                                        encoding="utf-8")
    found = setup_roster(tmp_path / "programmes", Translator("en"))
    assert found.people == [] and found.problems
    assert "programmes/roster.yaml:4" in found.problems[0]
    assert setup_roster(tmp_path / "nothing", Translator("en")).problems == []


def test_the_deputy_order_is_exercised_and_recorded_who_for_whom_and_when(tmp_path, city):
    session, store, clock = _start(tmp_path, city, "山田 太郎、佐藤 花子")
    started = session.state.started
    assert started.unreachable == ["山田 太郎", "佐藤 花子"]
    lead = call_in(session.state, "lead", PEOPLE)
    assert lead.holder == "山田 太郎" and lead.holder_unreachable
    assert [(d.number, d.name, d.reachable) for d in lead.deputies] == [(1, "佐藤 花子", False), (2, "鈴木 一郎", True)]
    assert lead.suggested.number == 2  # the first deputy could not be reached either
    # infra: the roster says who holds it (its role text) and who deputises (deputy_of).
    infra = call_in(session.state, "infra", PEOPLE)
    assert infra.holder == "高橋 次郎" and not infra.holder_unreachable and infra.suggested is None
    assert [d.name for d in infra.deputies] == ["田中 三郎"]

    t = Translator("ja")
    options = deputy_options(session.state, session.scenario.step("call"), PEOPLE)
    chosen = suggested_option(options)
    assert (chosen.role_id, chosen.number, chosen.person, chosen.acted_for) == ("lead", 2, "鈴木 一郎", "山田 太郎")
    texts = [deputy_option_text(o, session.state, t) for o in options]
    assert "✗ 連絡不通" in texts[0] and "→ 次に連絡がつく代行者（山田 太郎 は連絡不通）" in texts[1]

    clock.advance(minutes=12)
    session.record_deputy("call", chosen.role_id, chosen.number, t("call_in.reason_unreachable", holder="山田 太郎"),
                          person=chosen.person, acted_for=chosen.acted_for)
    acted = read_journal(session.journal.path).events[-1]
    assert isinstance(acted, ev.DeputyActed)
    assert (acted.person, acted.acted_for, acted.deputy, acted.elapsed_seconds) == ("鈴木 一郎", "山田 太郎", 2, 720)

    # The after-action report: the deputies section says who acted for whom, when and why.
    from bcp_drill.render.reports import render_drill_report
    from bcp_drill.reports.drill_report import build_drill_report
    from bcp_drill.reports.drill_report_sources import read_drill_report_sources

    report = build_drill_report(read_drill_report_sources(store, session.record_id, "ja"), t)
    [line] = report.deputies
    assert (line.role, line.acted_for, line.person, line.at) == (
        "ICT部門責任者（情報政策課長）", "山田 太郎", "鈴木 一郎", "T+00:12:00")
    assert line.deputy.startswith("2. 鈴木 一郎（係長）")  # the place in the order and the person it names
    assert report.unreachable == ["山田 太郎", "佐藤 花子"]
    markdown = render_drill_report(report, "md", t).decode("utf-8")
    assert "### 代行の記録（連絡不通と代行順位）" in markdown
    assert "連絡不通（設定時、参集訓練）: 山田 太郎、佐藤 花子" in markdown
    assert "| 参集指示 | ICT部門責任者（情報政策課長） | 山田 太郎 | 2. 鈴木 一郎（係長）" in markdown
    assert "| T+00:12:00 | 山田 太郎 に連絡がつかない（参集訓練） |" in markdown
    assert "（山田 太郎 の代行）" in markdown  # in the step's own row too
    html = render_drill_report(report, "html", t).decode("utf-8")
    assert "<caption>代行の記録（連絡不通と代行順位）</caption>" in html


def test_a_drill_without_unreachable_people_writes_its_lines_as_before(tmp_path, city):
    session, _, _ = _start(tmp_path, city, "")
    session.record_deputy("call", "lead", 1, "不在")
    lines = [json.loads(line) for line in session.journal.path.read_text(encoding="utf-8").splitlines()]
    assert "unreachable" not in lines[0] and "acted_for" not in lines[-1]
    assert call_in(session.state, "lead").suggested is None  # nobody unreachable: nothing to suggest


def test_coverage_counts_a_deputy_who_acted_and_not_someone_unreachable(tmp_path, city):
    session, store, clock = _start(tmp_path, city, "山田 太郎", participants="山田 太郎, player\n高橋 次郎, player")
    session.record_deputy("call", "lead", 1, "連絡不通", person="佐藤 花子", acted_for="山田 太郎")
    events = read_journal(session.journal.path).events
    roster = Roster.model_validate({"kind": "roster", "id": "r", "people": [
        {"name": p.name, "department": p.department, "role": p.role, "deputy_of": p.deputy_of} for p in PEOPLE]})
    year = 2026 if date(2026, 4, 1) <= events[0].at.date() else 2025
    found = coverage(roster, year, [events[0]], None,
                     [(events[0].record_id, e.person) for e in events if isinstance(e, ev.DeputyActed)])
    by_name = {p.person.name: p for p in found.people}
    assert by_name["佐藤 花子"].drills == [session.record_id] and by_name["佐藤 花子"].as_deputy == [session.record_id]
    assert by_name["山田 太郎"].drills == [] and by_name["山田 太郎"].unreachable == [session.record_id]
    assert by_name["高橋 次郎"].drills == [session.record_id]
    from bcp_drill.render.programme import coverage_tables

    notes = coverage_tables(found, Translator("ja"))[-1].notes
    assert f"佐藤 花子 は {session.record_id} に代行として参加" in notes
    assert any(n.startswith("山田 太郎 は") and "連絡不通" in n for n in notes)
    # The lead role still counts as drilled: its deputy acted.
    [lead_role] = [r for r in found.roles if r.role == "ICT部門責任者"]
    assert not lead_role.nobody_drilled


def test_old_records_read_with_nobody_unreachable():
    line = {"seq": 1, "at": "2026-01-01T00:00:00Z", "by": "x", "host": "h", "type": "drill_started",
            "record_id": "r", "scenario_id": "s", "scenario_version": "1", "scenario_sha256": "0",
            "scenario_file": "f", "scenario_yaml": "", "drill_type": "tabletop", "t0": "2026-01-01T00:00:00Z",
            "tool_version": "0"}
    assert ev.DrillStarted.model_validate(line).unreachable == []
    acted = {"seq": 2, "at": "2026-01-01T00:00:00Z", "by": "x", "host": "h", "type": "deputy_acted",
             "step_id": "s", "role_id": "r", "deputy": 1, "reason": "x", "elapsed_seconds": 0}
    assert ev.DeputyActed.model_validate(acted).acted_for == ""


async def test_the_set_up_form_adds_a_roster_person_and_marks_someone_unreachable(tmp_path, city, monkeypatch):
    from bcp_drill.tui.app import StartRequest
    from bcp_drill.tui.modals.choice import ChoiceModal
    from bcp_drill.tui.screens.drill_runner import DrillRunnerScreen
    from bcp_drill.tui.screens.drill_setup import DrillSetupScreen
    from tui.support import SIZE, journal_events, make_app

    monkeypatch.chdir(tmp_path)  # ./programmes/roster.yaml
    app, store, clock = make_app(tmp_path, lang="ja", library=city, start=StartRequest(scenario_id="callin"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, DrillSetupScreen)
        await pilot.press("ctrl+r")  # the roster, by name with department and role
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("down", "enter")  # 佐藤 花子
        await pilot.pause()
        assert app.screen.query_one("#drill-participants").text == "佐藤 花子, プレイヤー, 情報政策課\n"
        await pilot.press("ctrl+n", "enter")  # 山田 太郎 could not be reached
        await pilot.pause()
        assert app.screen.query_one("#drill-unreachable").value == "山田 太郎"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, DrillRunnerScreen)
        started = journal_events(store)[0]
        assert [(p.name, p.role, p.organisation) for p in started.participants] == [
            ("佐藤 花子", "player", "情報政策課")]
        assert started.unreachable == ["山田 太郎"]
        # Recording a deputy on the lead's step: the next reachable deputy is where the cursor starts.
        clock.advance(minutes=5)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal) and app.screen.highlighted == 0
        await pilot.press("enter")  # 1. 佐藤 花子
        await pilot.pause()
        await pilot.press("enter")  # the reason offered: 山田 太郎 に連絡がつかない
        await pilot.pause()
        acted = journal_events(store)[-1]
        assert isinstance(acted, ev.DeputyActed)
        assert (acted.person, acted.acted_for, acted.deputy) == ("佐藤 花子", "山田 太郎", 1)
        assert acted.reason == "山田 太郎 に連絡がつかない（参集訓練）" and acted.elapsed_seconds == 300


def test_plain_mode_lists_the_roster_and_suggests_the_next_reachable_deputy(tmp_path, city):
    from plain.test_plain_mode import journal, run_plain

    result = run_plain(tmp_path, ["run", "--plain", "callin"], lang="ja", content=tmp_path / "content", lines=[
        "",                    # drill type
        "3F",                  # place
        "?", "2", "高橋 次郎, player", "",  # participants: the list, number 2 added, one typed
        "",                    # T0: now
        "?", "1、3",           # unreachable: the list, then 山田 太郎 and 鈴木 一郎 by number
        "deputy", "",          # the suggested deputy, the reason offered
        "quit",
    ])
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "職員名簿に 6 人います" in out and "  2. 佐藤 花子（情報政策課・ICT部門責任者代行）" in out
    assert "追加: 佐藤 花子, プレイヤー, 情報政策課" in out
    assert "代行順位で次に連絡がつく人: ICT部門責任者（情報政策課長）: 1." in out
    events = journal(tmp_path)
    assert [p.name for p in events[0].participants] == ["佐藤 花子", "高橋 次郎"]
    assert events[0].unreachable == ["山田 太郎", "鈴木 一郎"]
    acted = events[-1]
    assert isinstance(acted, ev.DeputyActed)
    assert (acted.person, acted.acted_for, acted.deputy, acted.reason) == (
        "佐藤 花子", "山田 太郎", 1, "山田 太郎 に連絡がつかない（参集訓練）")


def test_plain_mode_without_a_roster_asks_as_before_and_takes_unreachable_as_an_option(tmp_path, city):
    from plain.test_plain_mode import journal, run_plain

    (tmp_path / "programmes" / "roster.yaml").unlink()
    result = run_plain(tmp_path, ["run", "--plain", "callin", "--unreachable", "山田 太郎"], lang="en",
                       content=tmp_path / "content", lines=["", "", "", "", "quit"])
    assert result.returncode == 0, result.stderr
    assert "Unreachable (call-in drill)" not in result.stdout  # given, not asked
    assert journal(tmp_path)[0].unreachable == ["山田 太郎"]
    (tmp_path / "other").mkdir()
    wrong = run_plain(tmp_path / "other", ["run", "--plain", "callin", "--unreachable", "Nobody"], lang="en",
                      content=tmp_path / "content", lines=["", "", "", ""])
    assert wrong.returncode == 1 and "\"Nobody\" is no participant" in wrong.stderr
