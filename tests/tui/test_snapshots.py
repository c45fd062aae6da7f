"""Screens whose layout matters, compared with reviewed SVG snapshots (Japanese text)."""

from conftest import REPO

from bcp_drill.content.library import ContentLibrary
from bcp_drill.tui.app import StartRequest

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
