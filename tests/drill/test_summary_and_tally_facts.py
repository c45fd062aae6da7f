"""What the tally and the report's summary say of a drill is what its record supports: a drill
not ended is counted with what it has recorded so far, and every figure of it says so (the
tally marks it, the per-scenario table counts how many are under way, the summary never says
how long it lasted); an objective an evaluator rated says whose rating it is."""

from bcp_drill.drill.session import DrillSession
from bcp_drill.drill.tally import by_scenario, drill_figures
from bcp_drill.i18n import Translator
from bcp_drill.render.tallies import drills_table, scenarios_table
from bcp_drill.reports.drill_report import build_drill_report
from bcp_drill.reports.drill_report_sources import read_drill_report_sources
from support.drills import FakeClock, make_store, mini_library


def two_drills(tmp_path, end_second: bool):
    clock = FakeClock()
    store = make_store(tmp_path, clock)
    ids = []
    for number in range(2):
        clock.advance(minutes=10)
        session = DrillSession.start(store, mini_library().scenarios["mini"], "tabletop")
        clock.advance(minutes=2)
        session.complete_step("s1", "P")
        if number == 0 or end_second:
            session.end()
        session.close()
        ids.append(session.record_id)
    return store, ids


def column(table, key):
    index = [c.key for c in table.columns].index(key)
    return [row[index] for row in table.rows]


def test_the_tally_marks_a_drill_under_way_and_counts_them_per_scenario(tmp_path):
    store, ids = two_drills(tmp_path, end_second=False)
    t = Translator("en")
    figures = drill_figures(store, "en")
    drills = drills_table(figures, t)
    assert column(drills, "record") == ids and column(drills, "state") == ["ended", "under way"]

    table = scenarios_table(by_scenario(figures), t)
    assert column(table, "drills") == [2] and column(table, "under_way") == [1]
    assert table.notes == [t("tally.under_way_note")] and "not ended" in table.notes[0]


def test_with_every_drill_ended_the_tally_has_no_state_column(tmp_path):
    store, _ = two_drills(tmp_path, end_second=True)
    t = Translator("ja")
    figures = drill_figures(store, "ja")
    assert "state" not in [c.key for c in drills_table(figures, t).columns]
    table = scenarios_table(by_scenario(figures), t)
    assert "under_way" not in [c.key for c in table.columns] and table.notes == []


def test_the_summary_of_a_drill_under_way_says_it_has_not_ended(tmp_path):
    store, (ended, under_way) = two_drills(tmp_path, end_second=False)
    for lang, words in (("en", "not ended: under way at T+"), ("ja", "実施中（未終了。T+")):
        t = Translator(lang)
        paragraph = build_drill_report(read_drill_report_sources(store, under_way, lang), t).executive.paragraph
        assert words in paragraph and "lasting" not in paragraph and "所要" not in paragraph
        finished = build_drill_report(read_drill_report_sources(store, ended, lang), t).executive.paragraph
        assert words not in finished


def test_the_summary_names_an_evaluators_rating_and_what_the_steps_gave(tmp_path):
    """o1's steps give U (s2 not done); the evaluator rates it S: the summary's row says S is the
    evaluator's, with the reason, and that the steps gave U, in every format."""
    from bcp_drill.render.reports import render_drill_report

    clock = FakeClock()
    store = make_store(tmp_path, clock)
    session = DrillSession.start(store, mini_library().scenarios["mini"], "tabletop")
    clock.advance(minutes=2)
    session.complete_step("s1", "P")
    session.step_not_done("s2", "業者が来なかった")
    session.end()
    session.rate_objective("o1", "S", "業者の遅れは訓練の範囲外")
    session.close()
    t = Translator("en")
    report = build_drill_report(read_drill_report_sources(store, session.record_id, "en"), t)
    summary_md = render_drill_report(report, "md", t).decode().split("## ")[1]  # the summary page
    assert "| 目標1 | S performed with some challenges | evaluator's rating S: 業者の遅れは訓練の範囲外" in summary_md
    assert "From the steps: U (サーバ室点検" in summary_md
    html = render_drill_report(report, "html", t).decode()
    summary_html = html[html.index(t("report.executive")):html.index('id="objectives"')]
    assert "evaluator&#39;s rating S: 業者の遅れは訓練の範囲外" in summary_html
    assert "From the steps: U (サーバ室点検" in summary_html


def test_a_tally_that_finds_nothing_asked_for_says_what_there_is(tmp_path, capsys, monkeypatch):
    from bcp_drill.cli import main

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    store, _ = two_drills(tmp_path, end_second=True)
    code = main(["tally", "--drills", "--scenario", "nosuch", "--records", str(store.root), "--lang", "en"])
    assert code == 1
    assert "no drill of 'nosuch' (records folder: " in capsys.readouterr().err
    main(["tally", "--drills", "--year", "R2", "--records", str(store.root), "--lang", "en"])
    assert "no drill of FY2020 (records folder: " in capsys.readouterr().err
    main(["tally", "--checklist", "x", "--year", "R7", "--records", str(store.root), "--lang", "ja"])
    err = capsys.readouterr().err
    assert "「x」（令和7年度）の評価の記録はありません" in err and "ある評価: なし" in err
    main(["tally", "--drills", "--scenario", "nosuch", "--records", str(store.root), "--lang", "ja"])
    assert "ある訓練: mini (令和8年度)" in capsys.readouterr().err


def test_a_share_in_csv_is_a_number_to_four_places():
    from bcp_drill.render.tables import Column, Table, render_csv

    table = Table("t", [Column("rate", "Rate", ">"), Column("n", "N", ">")], [[5 / 6, 3], [1.0, 0]])
    assert render_csv(table).splitlines()[1:] == ["0.8333,3", "1.0,0"]
