"""The home screen reminds of what is due, without a server: follow-ups overdue and due soon, and
the programme's overdue and next drills; with nothing to remind of, the screen is as before."""

from datetime import date

from textual.widgets import Static

from bcp_drill.drill.session import DrillSession
from programme.test_programme import PROGRAMME
from support.drills import mini_library

from .support import SIZE, make_app, settle


async def test_the_home_screen_reminds_of_follow_ups_and_the_next_drill(tmp_path, monkeypatch):
    (tmp_path / "programmes").mkdir()
    (tmp_path / "programmes" / "r8.yaml").write_text(PROGRAMME, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    app, store, clock = make_app(tmp_path, library=mini_library)  # the store's day: 2026-11-25
    session = DrillSession.start(store, mini_library().scenarios["mini"], "tabletop")
    session.raise_problem("無停電電源の点検", due=date(2026, 11, 20))
    session.raise_problem("連絡網の更新", due=date(2026, 12, 1))
    session.raise_problem("来年の課題", due=date(2027, 3, 1))
    session.close()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        panel = app.screen.query_one("#home-reminders", Static)
        text = str(panel.render())
        assert panel.display
        assert "期限を過ぎた課題が 1 件" in text and "無停電電源の点検" in text
        assert "14 日以内に期限の課題が 1 件" in text and "連絡網の更新" in text and "来年の課題" not in text
        assert "計画した訓練が未実施です: 2026年6月 机上訓練 小さなシナリオ" in text  # June's drill was never held
        assert "次の訓練: 2026-12-10 机上訓練 小さなシナリオ" in text


async def test_with_nothing_due_the_home_screen_is_as_before(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app, _, _ = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not app.screen.query_one("#home-reminders", Static).display


async def test_the_reminders_box_has_ascii_frames_with_ascii_chrome(tmp_path, monkeypatch):
    from bcp_drill.tui.themes import use_ascii_scrollbars
    from tui.test_accessibility import ambiguous_on_screen

    monkeypatch.chdir(tmp_path)
    app, store, _ = make_app(tmp_path, library=mini_library)
    app.ctx.settings.chrome = "ascii"
    session = DrillSession.start(store, mini_library().scenarios["mini"], "tabletop")
    session.raise_problem("無停電電源の点検", due=date(2026, 11, 20))
    session.close()
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert app.screen.query_one("#home-reminders", Static).display
            assert ambiguous_on_screen(app) == []
    finally:
        use_ascii_scrollbars(False)
