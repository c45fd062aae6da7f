"""Plain mode driven through standard input end to end, as a screen reader user or a script would."""

import contextlib
import io
import os
import subprocess
import sys
from unittest import mock

from bcp_drill.records.journal import read_journal
from support.drills import DATA


def run_plain(tmp_path, args, lines, lang="en", content=DATA / "content", process=False):
    """`bcp-drill ARGS` with LINES on standard input: in this process through the console's
    streams (as fast as a function call), or with `process=True` as a real `python -m bcp_drill`."""
    env = {"BCP_DRILL_RECORDER": "音声 利用者", "XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    args = [*args, "--lang", lang, "--content", str(content), "--records", str(tmp_path / "records")]
    stdin = "\n".join(lines) + "\n"
    if process:
        return subprocess.run([sys.executable, "-m", "bcp_drill", *args], input=stdin, capture_output=True,
                              text=True, env=dict(os.environ, **env), cwd=tmp_path, timeout=60)
    from bcp_drill.cli import main

    out, err = io.StringIO(), io.StringIO()
    with (mock.patch.dict(os.environ, env), mock.patch.object(sys, "stdin", io.StringIO(stdin)),
          contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), contextlib.chdir(tmp_path)):
        code = main(args)
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())


def journal(tmp_path, kind_prefix=""):
    [path] = [p for p in (tmp_path / "records").glob("*.jsonl") if p.name != "followups.jsonl"]
    return read_journal(path).events


def test_a_whole_drill_through_standard_input(tmp_path):
    result = run_plain(tmp_path, ["run", "--plain", "mini"], process=True, lines=[
        "",                       # drill type: the default
        "3F",                     # place
        "Yamada, lead", "",       # participants, then an empty line
        "",                       # T0: now
        "help",
        "s",                      # s1 done, S; s1 stays current, as on the screen
        ".",                      # on to s2, the next step with no outcome
        "check 1",                # s2 has no sub-checks: refused
        "note rack fine",
        "problem UPS alarm", "battery 40%", "equipment", "high", "replace the battery", "ICT", "Sato", "2027-03-31", "",
        "inject i1",
        "pause",
        "x no key to the room",   # s2 not done
        "bogus",
        "end", "y", "quick call-in", "update contacts",
    ])
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "\x1b" not in out  # no cursor movement or colour codes
    assert "Commands (on the current step):" in out
    assert "No command 'bogus'" in out
    assert "[Inject i1 T+00:00:00] from 気象庁 to 責任者 (テレビ): 震度6強" in out
    assert "Problem P01 saved." in out
    assert "Summary: duration T+" in out and "problems 1" in out
    assert "Next with no outcome: s2" in out
    assert "has no sub-check 1" in out  # the session's refusal, in words
    events = journal(tmp_path)
    assert [e.type for e in events] == ["drill_started", "step_completed", "note_added", "problem_raised",
                                        "inject_delivered", "clock_paused", "step_not_done", "hotwash_recorded",
                                        "drill_ended"]
    started = events[0]
    assert started.place == "3F" and started.participants[0].name == "Yamada"
    assert events[1].step_id == "s1" and events[1].rating == "S"
    assert (events[2].step_id, events[2].text) == ("s2", "rack fine")
    assert (events[3].category, events[3].priority, events[3].owner_person) == ("equipment", "high", "Sato")
    assert (events[3].corrective_action, events[3].main_issue) == ("replace the battery", "")
    assert events[4].manual and events[6].reason == "no key to the room"
    assert all(e.by == "音声 利用者" for e in events)


def test_plain_drill_resumes_where_it_stopped(tmp_path):
    first = run_plain(tmp_path, ["run", "--plain", "mini", "--type", "tabletop", "--place", "",
                                 "--participant", "佐藤, プレイヤー", "--t0", ""], ["p", "quit"], lang="ja")
    assert first.returncode == 0, first.stderr
    assert "中断しました。ここまでの内容は保存されています。" in first.stdout
    record_id = journal(tmp_path)[0].record_id
    second = run_plain(tmp_path, ["resume", "--plain"], ["show", "m"], lang="ja")
    assert second.returncode == 0, second.stderr
    assert f"記録 {record_id}" in second.stdout
    assert "2. [*] s2" in second.stdout or "2. [ ] s2" in second.stdout  # the first unrecorded step
    assert "入力が終わりました" in second.stdout  # end of input: saved, not lost
    ratings = [(e.step_id, e.rating) for e in journal(tmp_path) if e.type == "step_completed"]
    assert ratings == [("s1", "P"), ("s2", "M")]


def test_a_review_through_standard_input(tmp_path):
    result = run_plain(tmp_path, ["review", "--plain", "mini-review", "--year", "R7"], [
        "2s",                     # a1: on target (continuing), same scale; a1 stays current
        "a on schedule",          # so the assessment lands on a1, the item just rated
        ".",
        "7", "x",                 # a2: abolished / abolish
        "problem pages are stale", "", "", "low",   # on a2: title, description, category, priority
        "renew the pages", "広報課", "", "",       # corrective action, organisation, person, due
        "情報発信の充実",                           # the main issue for the next plan
        "unrated",
        "tally",
        "finish", "y",
    ])
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Status: 1=Above target (continuing)" in out
    assert "1 item is not rated yet" in out
    events = journal(tmp_path)
    assert events[0].fiscal_year == 2025
    rated = [(e.item_id, e.dimension, e.option) for e in events if e.type == "item_rated"]
    assert rated == [("a1", "status", "continuing-on-target"), ("a1", "carryover", "same-scale"),
                     ("a2", "status", "finished-abolished"), ("a2", "carryover", "abolish")]
    [assessment] = [e for e in events if e.type == "assessment_recorded"]
    assert (assessment.item_id, assessment.text) == ("a1", "on schedule")
    [problem] = [e for e in events if e.type == "problem_raised"]
    assert (problem.source_ref, problem.title, problem.priority, problem.owner_organisation) == (
        "a2", "pages are stale", "low", "広報課")
    assert (problem.corrective_action, problem.main_issue) == ("renew the pages", "情報発信の充実")
    assert "Main issue for the next plan" in out
    assert events[-1].type == "review_finished"


def test_plain_errors_are_messages(tmp_path):
    result = run_plain(tmp_path, ["run", "--plain", "nope"], [])
    assert result.returncode == 1 and "no scenario 'nope'" in result.stderr and "Traceback" not in result.stderr
    result = run_plain(tmp_path, ["run", "--plain", "mini", "--type", "full_scale"], [])
    assert result.returncode == 1 and "Drill type 'full_scale' is not one of tabletop" in result.stderr
    result = run_plain(tmp_path, ["run", "--plain", "mini", "--type", "tabletop", "--place", "x",
                                  "--participant", "X, boss", "--t0", ""], [])
    assert result.returncode == 1 and "unknown role 'boss'" in result.stderr


def test_plain_prompts_take_the_japanese_words_of_the_screens(tmp_path):
    result = run_plain(tmp_path, ["run", "--plain", "mini", "--type", "tabletop", "--place", "",
                                  "--participant", "佐藤, 統括", "--t0", ""], [
        "p 連絡済み",            # rate and note the same step at once
        "課題 UPS の警報", "電池残量 40%", "装備・設備", "高", "", "情報政策課", "佐藤", "", "",
        "reopen", "いいえ",      # asks first; いいえ keeps the outcome
        "終了", "はい", "", "",
    ], lang="ja")
    assert result.returncode == 0, result.stderr
    assert "分類（計画, 組織, 装備・設備, 研修, 訓練）" in result.stdout
    assert "次の未記録: s2" in result.stdout
    events = journal(tmp_path)
    assert [e.type for e in events] == ["drill_started", "step_completed", "note_added", "problem_raised",
                                        "hotwash_recorded", "drill_ended"]
    assert (events[2].step_id, events[2].text) == ("s1", "連絡済み")
    assert (events[3].category, events[3].priority, events[3].source_ref) == ("equipment", "high", "s1")


def test_a_plan_drill_asks_for_its_condition_and_shows_waiting_and_not_applicable(tmp_path):
    result = run_plain(tmp_path, ["run", "--plain", "plan-quake", "--type", "tabletop", "--place", "",
                                  "--t0", ""], [
        "",                       # participants: none
        "night",                  # not a value of the condition: asked again
        "2",                      # the second value: out of hours
        "list",
        "go server-room",
        "check 12",               # the twelfth check of the damage sheet
        "go visitors",
        "p",                      # office hours only: refused, nothing written
        "quit",
    ], content=DATA / "plan")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Seismic intensity: 6-upper (fixed by this scenario)" in out
    assert '"night" is not one of them' in out
    assert "Conditions: Time of occurrence: Out of hours; Seismic intensity: 6-upper" in out
    assert "[/] visitors T+0:10" in out and "not applicable" in out
    assert "[w] server-room within 0:30 after safety" in out and "waiting" in out
    assert "[ ] callin no target" in out
    assert "sub-check 12 [x] 回線（インターネット）" in out
    assert "does not apply under this drill's conditions" in out
    events = journal(tmp_path)
    assert events[0].conditions == {"hours": "off_hours", "intensity": "six_upper"}
    assert [(e.type, getattr(e, "check_index", None)) for e in events[1:]] == [("check_toggled", 11)]


def test_a_condition_can_be_given_as_an_option(tmp_path):
    result = run_plain(tmp_path, ["run", "--plain", "plan-quake", "--type", "tabletop", "--place", "",
                                  "--t0", "", "--condition", "hours=就業時間内"], ["", "quit"], lang="ja",
                       content=DATA / "plan")
    assert result.returncode == 0, result.stderr
    assert journal(tmp_path)[0].conditions == {"hours": "office", "intensity": "six_upper"}
    (tmp_path / "bad").mkdir()
    bad = run_plain(tmp_path / "bad", ["run", "--plain", "plan-quake", "--type", "tabletop", "--condition",
                                       "hour=office"], [], content=DATA / "plan")
    assert bad.returncode == 1 and "write CONDITION=VALUE" in bad.stderr and "(hours, intensity)" in bad.stderr


def test_a_decision_in_plain_mode_asks_for_the_option_and_who_decided(tmp_path):
    result = run_plain(tmp_path, ["run", "--plain", "plan-quake", "--type", "tabletop", "--place", "",
                                  "--t0", "", "--condition", "hours=off_hours"], [
        "",                       # participants: none
        "go where",
        "s",                      # a decision: asks which option
        "代替拠点へ移る",           # by its Japanese title
        "部長",                    # who decided
        "show",
        "quit",
    ], content=DATA / "plan")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "option 2 Move to the alternate site (alternate)" in out
    assert "[Inject alt-ready" in out  # given with the decision
    assert "option 2 (*) Move to the alternate site (alternate)" in out
    events = journal(tmp_path)
    [made] = [e for e in events if e.type == "decision_made"]
    assert (made.option_id, made.rating, made.decided_by) == ("alternate", "S", "部長")


def test_systems_in_plain_mode(tmp_path):
    result = run_plain(tmp_path, ["run", "--plain", "plan-quake", "--type", "tabletop", "--place", "",
                                  "--t0", "", "--condition", "hours=office"], [
        "",                       # participants: none
        "system",                 # the list, by priority
        "system core 停止 サーバー室浸水",
        "system core sideways",   # no such state: usage, nothing written
        "system payroll down",    # no such system: refused
        "quit",
    ], content=DATA / "plan")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "core: [?] A Core system: unknown / RTO 4:00 not yet due (" in out  # (time left: the real clock runs)
    assert "[X] A Core system: down / RTO 4:00" in out
    assert "usage: system ID STATE [NOTE]" in out
    assert 'the scenario has no system "payroll"' in out
    events = journal(tmp_path)
    assert [(e.system_id, e.state, e.note) for e in events if e.type == "system_state_recorded"] == [
        ("core", "down", "サーバー室浸水")]


def test_values_in_plain_mode(tmp_path):
    result = run_plain(tmp_path, ["run", "--plain", "plan-quake", "--type", "tabletop", "--place", "",
                                  "--t0", "", "--condition", "hours=office"], [
        "", "go safety", "value 1 72%", "value 1", "quit"], content=DATA / "plan")
    assert result.returncode == 0, result.stderr
    assert "sub-check 1 [x] Response rate = 72% (!) under its threshold (at least 80%)" in result.stdout
    assert "usage: value N VALUE" in result.stdout


def test_a_deputy_in_plain_mode(tmp_path):
    result = run_plain(tmp_path, ["run", "--plain", "plan-quake", "--type", "tabletop", "--place", "",
                                  "--t0", "", "--condition", "hours=office"], [
        "", "go safety", "deputy", "deputy 2 係長が代行", "quit"], content=DATA / "plan")
    assert result.returncode == 0, result.stderr
    assert "usage: deputy N REASON (deputy order: 1. Deputy head 2. Section chief)" in result.stdout
    assert "deputy: deputy 2 of ICT lead, Section chief, acted: 係長が代行" in result.stdout


def test_annexes_in_plain_mode_line_up_with_wide_characters(tmp_path):
    from bcp_drill.render.text_table import cell_width

    result = run_plain(tmp_path, ["run", "--plain", "plan-quake", "--type", "tabletop", "--place", "",
                                  "--t0", "", "--condition", "hours=office"], ["", "annex", "quit"],
                       content=DATA / "plan")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    start = next(n for n, line in enumerate(lines) if line.endswith("Emergency contacts (form 9)"))
    header, first = lines[start + 2], lines[start + 4]  # (the rule is between them)
    assert header.startswith("Role") and "山田 太郎" in first
    # The phone column starts at the same terminal column on every line, Japanese or not.
    assert cell_width(first[:first.index("0572")]) == cell_width(header[:header.index("Phone")])


def test_plain_observations_during_the_drill_and_at_the_end(tmp_path):
    result = run_plain(tmp_path, ["run", "--plain", "mini", "--type", "tabletop", "--place", "",
                                  "--participant", "佐藤, 統括", "--t0", ""], [
        "所見 連絡網が古い",      # title given on the line; kind, objective, then the rest are asked
        "改善点", "",            # area for improvement; objective: the current step's (1)
        "組織", "毎年の更新がない", "4月に更新する",
        "終了", "はい", "", "",  # hotwash notes left empty
        "はい", "良かった点", "9",  # one more: a strength, but objective 9 does not exist: refused
        "はい", "良かった点", "0", "第一報が早い", "", "", "",
        "いいえ",
    ], lang="ja")
    assert result.returncode == 0, result.stderr
    assert "1. 目標1" in result.stdout and "所見を記録しました（2 件）" in result.stdout
    events = journal(tmp_path)
    seen = [(e.kind, e.objective_id, e.capability, e.observation, e.analysis, e.recommendation)
            for e in events if e.type == "observation_recorded"]
    assert seen == [("improvement", "o1", "organisation", "連絡網が古い", "毎年の更新がない", "4月に更新する"),
                    ("strength", None, None, "第一報が早い", "", "")]


def test_join_a_drill_under_way_in_plain_mode(tmp_path):
    """An evaluator joins from a second terminal: sees what the lead recorded, may not move the
    clock, and its observation reaches the lead's view of the drill."""
    from bcp_drill.drill.session import DrillSession
    from support.drills import FakeClock, make_store, mini_library

    store = make_store(tmp_path, FakeClock(), recorder="lead")  # the records folder run_plain uses
    lead = DrillSession.start(store, mini_library().scenarios["mini"], "tabletop")
    lead.complete_step("s1", "S")
    result = run_plain(tmp_path, ["join", "--plain", "--role", "evaluator", "--console", "eval1"], [
        "pause",                                   # not an evaluator's to do
        "inject",                                  # nor listing the injects to come
        "observation call tree slow", "improvement", "1", "", "", "",
        "consoles",
        "quit",
    ])
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Joined as console eval1 (evaluator)" in out
    assert "cannot move the clock" in out
    assert "cannot deliver injects" in out and "震度6強" not in out  # the inject's text never shown
    assert "Consoles of this drill:" in out and "eval1  evaluator  音声 利用者@" in out
    assert lead.refresh()
    [seen] = lead.state.observations
    assert (seen.console, seen.observation, seen.objective_id, seen.by) == (
        "eval1", "call tree slow", "o1", "音声 利用者")
    assert lead.state.steps["s1"].rating == "S"
    lead.close()


def test_a_player_deciding_in_plain_mode_never_sees_the_controllers_notes(tmp_path, content_copy):
    """A player's decision triggers an inject: the player is told the inject, never what the
    controller expects of the players or the controller's notes (the lead's console shows both)."""
    from bcp_drill.content.library import ContentLibrary
    from bcp_drill.drill.session import DrillSession
    from support.drills import FakeClock, make_store

    (content_copy / "decide.yaml").write_text("""kind: scenario
id: decide
version: 1.0
title: {ja: 判断, en: Decision}
summary: テスト用
hazard: 地震
drill_types: [tabletop]
objectives:
  - {id: o1, title: 目標1}
roles:
  - {id: lead, title: 責任者}
phases:
  - {id: p0, title: 直後, at_minutes: 0}
steps:
  - id: d1
    phase: p0
    title: 移転の判断
    role: lead
    target_minutes: 10
    objectives: [o1]
    options:
      - {id: stay, title: 残る}
      - {id: move, title: 移る, triggers: [i9]}
injects:
  - id: i9
    recipient: lead
    sender: 消防本部
    channel: 無線
    content: 代替拠点を確保した
    steps: [d1]
    expected_action: 移動を始める
    controller_note: 秘密の進行メモ
""", encoding="utf-8")
    store = make_store(tmp_path, FakeClock(), recorder="lead")  # the records folder run_plain uses
    library = ContentLibrary.load([content_copy], cwd=tmp_path)
    lead = DrillSession.start(store, library.scenarios["decide"], "tabletop")
    result = run_plain(tmp_path, ["join", "--plain", "--role", "player", "--console", "desk"], [
        "s", "2", "佐藤", "quit"], lang="ja", content=content_copy)  # rate the decision: option 2, by 佐藤
    assert result.returncode == 0, result.stderr
    assert "代替拠点を確保した" in result.stdout  # the inject reaches the player
    assert "移動を始める" not in result.stdout and "秘密の進行メモ" not in result.stdout
    assert lead.refresh() and "i9" in lead.state.delivered
    lead.close()


def test_a_review_item_in_plain_mode_says_every_level_it_stands_under(tmp_path):
    """Plain mode named only the pillar: the seed's ア / (ア) levels were not heard. Each level is
    said, indented as in the plan, then the requirement under it."""
    from conftest import REPO

    result = run_plain(tmp_path, ["review", "--plain", "plan-review-3rd", "--year", "R2"], ["show", "quit"],
                       lang="ja", content=REPO / "checklists")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    pillar = next(i for i, line in enumerate(lines) if line == "  (1) 施策展開における横断的考慮事項")
    assert lines[pillar + 1] == "    ア 計画的な事業の遂行"
    assert lines[pillar + 2].startswith("      施策を評価するための基準を持ち")


def test_plain_review_shows_drill_evidence_and_records_it_only_on_accept(tmp_path):
    """A call-in drill recorded, then the readiness review in plain mode: `show` says the drill's
    result and the suggested rating; `accept` records both; a rating by hand writes no evidence."""
    from datetime import datetime, timezone

    from bcp_drill.content.library import ContentLibrary
    from bcp_drill.drill.session import DrillSession
    from conftest import REPO
    from support.drills import FakeClock, make_store

    clock = FakeClock(datetime(2026, 6, 10, 1, 0, tzinfo=timezone.utc))
    store = make_store(tmp_path, clock)
    library = ContentLibrary.load([REPO / "scenarios"], cwd=REPO)
    drill = DrillSession.start(store, library.scenarios["safety-callin-drill"], "functional")
    clock.advance(minutes=20)
    for step in ("s01", "s02", "s03", "s04", "s05", "s06"):
        drill.complete_step(step, "P")
    drill.end()
    drill.close()
    result = run_plain(tmp_path, ["review", "--plain", "ict-bcp-readiness", "--year", "R8"], [
        "go org.call-in", "accept",
        "go site.server-room", "accept",  # no drill of its scenario: nothing to accept
        "go org.safety-confirmation", "2",  # proposed Done; the reviewer rates Partly
        "quit"], content=REPO / "checklists")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Proposed from drills (nothing is recorded until you accept)" in out
    assert "- safety-callin-drill s03 Tally answers at 30 minutes: [v] done on time" in out
    assert f"(drill record {drill.record_id}, 2026-06-10)" in out
    assert "Suggested rating: Status: Done (achieved)" in out and "`accept` records" in out
    assert "org.call-in: accepted from the drills (Status: Done)" in out
    assert "site.server-room: no drill evidence to accept" in out
    [review] = [p for p in (tmp_path / "records").glob("*ict-bcp-readiness*.jsonl")]
    events = [e for e in read_journal(review).events if e.type != "review_started"]
    assert [(e.type, e.item_id) for e in events] == [
        ("item_rated", "org.call-in"), ("evidence_recorded", "org.call-in"), ("item_rated", "org.safety-confirmation")]
    assert events[0].option == "done" and events[2].option == "partly" and drill.record_id in events[1].text


def test_a_yes_no_question_asks_again_rather_than_take_text_as_no():
    import io

    from bcp_drill.i18n import Translator
    from bcp_drill.plain.console import PlainConsole

    def answers(text: str) -> tuple[bool, str]:
        out = io.StringIO()
        return PlainConsole(Translator("en"), io.StringIO(text), out).confirm("Record one? (y/n)"), out.getvalue()

    said_yes, out = answers("定時報告の担当を明確に\ny\n")
    assert said_yes and "'定時報告の担当を明確に' is not an answer: type y (yes) or n (no" in out
    assert answers("\n") == (False, "Record one? (y/n) ")
    assert answers("いいえ\n")[0] is False and answers("はい\n")[0] is True and answers("")[0] is False
    said_yes, out = answers("maybe\nn\n")
    assert not said_yes and out.count("Record one?") == 2


def test_a_problems_bad_choice_or_date_is_asked_again_and_japanese_words_work_in_english():
    import io
    from datetime import datetime, timezone
    from types import SimpleNamespace

    from bcp_drill.i18n import Translator
    from bcp_drill.plain.console import PlainConsole, PlainRunner

    runner = PlainRunner.__new__(PlainRunner)  # only its dialogue (and its clock: today) is used here
    runner.session = SimpleNamespace(journal=SimpleNamespace(clock=lambda: datetime(2026, 12, 6, tzinfo=timezone.utc)))
    out = io.StringIO()
    answers = "説明\nPlanning\n最優先\n高\n是正\n情報政策課\n山田\n2027-02-30\n2026-01-31\n2027-02-28\n\nquit\n"
    runner.console = PlainConsole(Translator("en"), io.StringIO(answers), out)
    fields = runner.ask_problem("テスト")
    assert fields is not None and (fields["category"], fields["priority"]) == ("planning", "high")
    assert str(fields["due"]) == "2027-02-28" and fields["owner_person"] == "山田" and fields["main_issue"] == ""
    said = out.getvalue()
    assert "'最優先' is not one of them: type one of high, medium, low" in said
    assert "2027-02-30" in said and "Nothing was recorded" not in said
    assert "The due date 2026-01-31 is before today (2026-12-06): check the year" in said
