"""What a report states about a drill is exactly what the record supports."""

from bcp_drill.drill.session import DrillSession
from bcp_drill.i18n import Translator
from bcp_drill.render.reports import render_drill_report
from bcp_drill.reports.drill_report import build_drill_report
from bcp_drill.reports.drill_report_sources import read_drill_report_sources
from support.drills import FakeClock, make_store, mini_library


def drill_with_corrections(tmp_path):
    clock = FakeClock()
    store = make_store(tmp_path, clock, recorder="佐藤")
    session = DrillSession.start(store, mini_library().scenarios["mini"], "tabletop")
    wrong = session.add_note("ラック3が発火", "s1")
    drill_wrong = session.add_note("全体: 誤記のメモ")
    clock.advance(minutes=2)
    session.complete_step("s1", "P")
    session.retract_note(wrong.seq, "ラック4の誤り")
    session.retract_note(drill_wrong.seq, "誤記")
    session.add_note("ラック4が発火", "s1")
    session.reopen_step("s1")
    session.complete_step("s1", "M")
    session.step_not_done("s2", "鍵がない")
    session.end()
    session.close()
    return store, session.record_id


def test_withdrawn_notes_and_corrected_outcomes_never_read_as_valid(tmp_path):
    store, record_id = drill_with_corrections(tmp_path)
    t = Translator("ja")
    report = build_drill_report(read_drill_report_sources(store, record_id, t.lang), t)
    [s1, s2] = report.steps
    assert s1.notes == ["ラック4が発火"] and s1.rating == "M"
    assert report.notes == [] and report.withdrawn_notes == 2
    md = render_drill_report(report, "md", t).decode()
    # The withdrawn note shows only struck through, with who withdrew it and why.
    assert md.count("ラック3が発火") == 1
    assert "~~メモ（安否確認）: ラック3が発火~~ (\\#5 で取り消し（佐藤 " in md and "ラック4の誤り" in md
    assert "~~メモ（全体）: 全体: 誤記のメモ~~" in md
    assert "~~完了 安否確認（P、目標 T+0:05）~~" in md
    html = render_drill_report(report, "html", t).decode()
    assert "<del>メモ（安否確認）: ラック3が発火</del>" in html and "誤記のメモ</del>" in html
    assert html.count("ラック3が発火") == 1


def test_the_report_names_the_step_that_decided_each_objective(tmp_path):
    store, record_id = drill_with_corrections(tmp_path)
    report = build_drill_report(read_drill_report_sources(store, record_id, "ja"), Translator("ja"))
    [objective] = report.objectives
    assert (objective.rating, objective.derived) == ("U", "U")
    assert objective.decided_by == "サーバ室点検: U (未実施のため U)"
    md = render_drill_report(report, "md", Translator("ja")).decode()
    assert "| 目標1 | U 実施できず | サーバ室点検: U (未実施のため U) |" in md
    assert "時間内率 = 目標時刻までに実施できたステップ" in md
