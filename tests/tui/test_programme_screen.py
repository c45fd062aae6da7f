"""The year's programme on the screen, by keys: opened from home with `y`, each entry's state with
its mark (the same table `bcp-drill programme` prints), the drills nobody planned named under it,
coverage with `c` when a roster is there, Enter opening an entry's record, Escape back home; with no
programme for the 年度, the screen says where to put one."""

from datetime import datetime, timezone

from textual.widgets import DataTable, Static

from bcp_drill.drill.session import DrillSession
from bcp_drill.records.events import Participant
from bcp_drill.tui.screens.drill_summary import DrillSummaryScreen
from bcp_drill.tui.screens.home import HomeScreen
from bcp_drill.tui.screens.programme import ProgrammeScreen
from programme.test_programme import PROGRAMME, drill_on
from support.drills import START, mini_library

from .support import SIZE, make_app, settle

ROSTER = """\
kind: roster
id: roster
people:
  - {name: 山田 太郎, department: 情報政策課, role: ICT部門責任者}
  - {name: 佐藤 花子, department: 情報政策課, deputy_of: 山田太郎}
  - {name: 鈴木 一郎, department: 総務課, role: 情報システム班長}
"""


def rows(table: DataTable) -> list[list[str]]:
    return [[str(cell) for cell in table.get_row_at(index)] for index in range(table.row_count)]


def a_year_of_drills(tmp_path, monkeypatch, roster: bool = False):
    """The programme of 令和8年度 in ./programmes, a June drill ended (with 山田 taking part) and a
    November one nobody planned; the store's day is 2026-11-25."""
    (tmp_path / "programmes").mkdir()
    (tmp_path / "programmes" / "r8.yaml").write_text(PROGRAMME, encoding="utf-8")
    if roster:
        (tmp_path / "programmes" / "roster.yaml").write_text(ROSTER, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    app, store, clock = make_app(tmp_path, library=mini_library)
    clock.now = datetime(2026, 6, 15, 1, 0, tzinfo=timezone.utc)
    june = DrillSession.start(store, mini_library().scenarios["mini"], "tabletop",
                              participants=[Participant(name="山田太郎", role="lead")])
    june.end()
    june.close()
    unplanned = drill_on(store, clock, datetime(2026, 11, 20, 1, 0, tzinfo=timezone.utc), "tabletop", end=True)
    clock.now = START
    return app, june.record_id, unplanned


async def test_the_programme_from_home_with_states_and_marks(tmp_path, monkeypatch):
    app, june, unplanned = a_year_of_drills(tmp_path, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, ProgrammeScreen)
        table = app.screen.query_one("#programme-table", DataTable)
        shown = rows(table)
        assert [row[4] for row in shown] == ["✓ 実施済", "✓ 実施済", "! 期限超過（未実施）", "→ 次回",
                                             "! 期限超過（未実施）", "· 予定"]
        assert shown[1][:3] == ["2026年6月", "机上訓練", "小さなシナリオ"] and shown[1][5] == june
        assert shown[0][5] == "2026-05-20 に実施"  # a briefing held: no record stands for it
        notes = str(app.screen.query_one("#programme-notes", Static).render())
        assert "計画 6 件のうち 実施済 2 件、実施中 0 件、期限超過 2 件。" in notes
        assert unplanned in notes and "計画にない訓練" in notes
        assert "令和8年度 ICT-BCP 訓練計画" in str(app.screen.query_one("#programme-title").render())
        await pilot.press("c")  # no roster: the screen says where to put one
        await pilot.pause()
        coverage = str(app.screen.query_one("#coverage-notes", Static).render())
        assert "名簿がありません" in coverage and str(tmp_path / "programmes" / "roster.yaml") in coverage
        await pilot.press("c")
        await pilot.pause()
        assert app.screen.focused is table
        await pilot.press("down", "enter")  # June's entry: its record's summary
        await settle(pilot)
        assert isinstance(app.screen, DrillSummaryScreen) and app.screen.session.record_id == june
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ProgrammeScreen)
        await pilot.press("down", "enter")  # September's entry was never held: said, nothing opened
        await pilot.pause()
        assert isinstance(app.screen, ProgrammeScreen)
        assert any("まだ訓練の記録がありません" in n.message for n in app._notifications)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_coverage_with_a_roster(tmp_path, monkeypatch):
    app, june, _ = a_year_of_drills(tmp_path, monkeypatch, roster=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("c")
        await pilot.pause()
        assert "参加状況（令和8年度）" in str(app.screen.query_one("#programme-title").render())
        roles = rows(app.screen.query_one("#coverage-0", DataTable))
        assert roles[0][0] == "情報システム班長" and roles[0][4] == "✗ なし"  # nobody drilled: first
        assert roles[1][:3] == ["ICT部門責任者", "山田 太郎", "✓ あり"]
        people = rows(app.screen.query_one("#coverage-2", DataTable))
        assert [row[0] for row in people] == ["山田 太郎", "佐藤 花子", "鈴木 一郎"]
        assert app.screen.focused is app.screen.query_one("#coverage-0")


async def test_the_year_plan_is_exported_with_x(tmp_path, monkeypatch):
    app, _, _ = a_year_of_drills(tmp_path, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("enter")  # html, the first format offered
        await pilot.pause()
        written = tmp_path / "records" / "exports" / "programme-r8.html"
        assert written.is_file() and "令和8年度 ICT-BCP 訓練計画" in written.read_text(encoding="utf-8")


async def test_without_a_programme_the_screen_says_where_to_put_one(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "programmes").mkdir()
    (tmp_path / "programmes" / "bad.yaml").write_text("kind: programme\nid: r8\n", encoding="utf-8")
    app, _, _ = make_app(tmp_path, library=mini_library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert not app.screen.query("#programme-table")
        notes = str(app.screen.query_one("#programme-notes", Static).render())
        assert "令和8年度 の訓練計画が見つかりません" in notes and str(tmp_path / "programmes") in notes
        assert "programmes/bad.yaml:" in notes  # a file with mistakes is named with its line
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ProgrammeScreen)  # nothing to export: said, no dialog
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
