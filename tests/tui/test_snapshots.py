"""Screens whose layout matters, compared with reviewed SVG snapshots (Japanese text)."""

from bcp_drill.content.library import ContentLibrary
from bcp_drill.tui.app import StartRequest
from conftest import REPO

from .support import make_app


def shipped_library() -> ContentLibrary:
    return ContentLibrary.load([REPO / "scenarios", REPO / "checklists"], cwd=REPO)


def test_runner_in_japanese(snap_compare, tmp_path):
    app, _, clock = make_app(tmp_path, lang="ja", library=shipped_library(),
                             start=StartRequest(scenario_id="earthquake-offhours"))

    async def run_before(pilot):
        await pilot.press("ctrl+s")
        await pilot.pause()
        clock.advance(minutes=4)
        await pilot.press("p", "down")
        clock.advance(minutes=8)  # T+12
        app.screen.tick()
        await pilot.press("down", "1")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(100, 30), run_before=run_before)


def test_summary_in_japanese(snap_compare, tmp_path):
    app, _, clock = make_app(tmp_path, lang="ja", library=shipped_library(),
                             start=StartRequest(scenario_id="safety-callin-drill"))

    async def run_before(pilot):
        await pilot.press("ctrl+s")
        await pilot.pause()
        clock.advance(minutes=2)
        await pilot.press("p", "down")
        clock.advance(minutes=10)
        pilot.app.screen.tick()  # the clock's once-a-second tick, not left to wall-time luck: i01 arrives
        await pilot.press("s", "down", "m")
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        for char in "速い":
            await pilot.press(char)
        await pilot.press("ctrl+s")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(100, 30), run_before=run_before)


def test_review_in_japanese(snap_compare, tmp_path):
    app, _, clock = make_app(tmp_path, lang="ja", library=shipped_library(),
                             start=StartRequest(checklist_id="plan-review-3rd"))

    async def run_before(pilot):
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("2", "s", "down", "1", "e", "down", "3")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(110, 34), run_before=run_before)


def seed_tally_app(tmp_path):
    """The seed's 30 measures rated as the seed reports them, the review open on its tally."""
    from bcp_drill.review.session import ReviewSession
    from review.test_tally import rate_like_the_seed
    from support.drills import mini_library

    library = mini_library()
    app, store, _ = make_app(tmp_path, lang="ja", library=lambda: library)
    checklist = library.checklist("seed-measures")
    session = ReviewSession.start(store, library.checklists["seed-measures"], library.scale_of(checklist),
                                  fiscal_year_value=2019)
    rate_like_the_seed(session, skip={"p3-m10"})
    record_id = session.record_id
    session.close()
    return app, record_id


def _open_tally(record_id):
    async def run_before(pilot):
        from bcp_drill.review.session import ReviewSession
        from bcp_drill.tui.screens.review import ReviewScreen

        ctx = pilot.app.ctx
        pilot.app.push_screen(ReviewScreen(ReviewSession.resume(ctx.store, record_id)))
        await pilot.pause()
        await pilot.press("ctrl+t")
        await pilot.pause()

    return run_before


def test_the_seed_tally_at_80x24(snap_compare, tmp_path):
    app, record_id = seed_tally_app(tmp_path)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_open_tally(record_id))


def test_the_seed_tally_at_120x40(snap_compare, tmp_path):
    app, record_id = seed_tally_app(tmp_path)
    assert snap_compare(app, terminal_size=(120, 40), run_before=_open_tally(record_id))


async def test_the_tally_scrolls_sideways_with_the_pillar_column_fixed(tmp_path):
    from textual.widgets import DataTable

    app, record_id = seed_tally_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_tally(record_id)(pilot)
        table = app.screen.query_one("#tally-table", DataTable)
        assert table.fixed_columns == 1 and table.header_height == 3  # 施策の評価 / 継続中 / 目標以上
        await pilot.press(*["right"] * 20)
        await pilot.pause()
        assert table.scroll_x > 0  # the counts moved; the pillar names stay at the left
        labels = [str(column.label) for column in table.columns.values()]
        assert labels[2] == "施策の評価\n継続中\n目標以上" and labels[9] == "次期計画への引継ぎ\n\n拡大"


def drills_app(tmp_path):
    """Three drills of the mini scenario (one with a step not done), the app on its home screen."""
    from bcp_drill.drill.session import DrillSession
    from support.drills import mini_library

    library = mini_library()
    app, store, clock = make_app(tmp_path, lang="ja", library=lambda: library)
    for rating in ("P", "S", "M"):
        session = DrillSession.start(store, library.scenarios["mini"], "tabletop")
        clock.advance(minutes=4)
        session.complete_step("s1", rating)
        session.step_not_done("s2", "担当者不在") if rating == "M" else session.complete_step("s2", "P")
        session.end()
        session.close()
        clock.advance(days=1)
    return app


async def _open_drill_figures(pilot):
    await pilot.press("t")
    await pilot.pause()


def test_the_drill_figures_at_80x24(snap_compare, tmp_path):
    assert snap_compare(drills_app(tmp_path), terminal_size=(80, 24), run_before=_open_drill_figures)


def test_the_drill_figures_at_120x40(snap_compare, tmp_path):
    assert snap_compare(drills_app(tmp_path), terminal_size=(120, 40), run_before=_open_drill_figures)
