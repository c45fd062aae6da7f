"""Barrier-free use: every screen by keyboard alone, a remembered high-contrast theme, 80x24."""

from textual.widgets import DataTable, OptionList

from bcp_drill.settings import save_setting
from bcp_drill.tui.app import StartRequest
from bcp_drill.tui.screens.drill_runner import DrillRunnerScreen
from bcp_drill.tui.screens.drill_setup import DrillSetupScreen
from bcp_drill.tui.screens.followups import FollowUpsScreen
from bcp_drill.tui.screens.home import HomeScreen
from bcp_drill.tui.screens.records import RecordsScreen
from bcp_drill.tui.screens.review import ReviewScreen
from bcp_drill.tui.screens.review_setup import ReviewSetupScreen
from bcp_drill.tui.screens.tally import DrillTallyScreen, TallyScreen

from conftest import REPO
from .support import make_app
from .test_snapshots import shipped_library

SMALL = (80, 24)


async def test_every_screen_is_reached_and_left_by_keys_alone(tmp_path):
    app, store, clock = make_app(tmp_path, lang="en")
    async with app.run_test(size=SMALL) as pilot:
        async def press(*keys):
            await pilot.press(*keys)
            await pilot.pause()

        assert isinstance(app.screen, HomeScreen) and isinstance(app.focused, OptionList)
        await press("d", "enter")
        assert isinstance(app.screen, DrillSetupScreen) and app.focused is not None
        await press("escape")
        await press("d", "enter", "ctrl+s")
        assert isinstance(app.screen, DrillRunnerScreen) and app.focused.id == "step-list"
        await press("tab")
        assert app.focused.id == "step-detail"  # the detail scrolls by keyboard too
        await press("tab")
        assert app.focused.id == "inject-log"
        await press("escape", "y")
        assert isinstance(app.screen, HomeScreen)
        await press("r", "enter")
        assert isinstance(app.screen, ReviewSetupScreen)
        await press("ctrl+s")
        assert isinstance(app.screen, ReviewScreen) and isinstance(app.focused, DataTable)
        await press("shift+tab")
        assert app.focused.id == "section-tree"
        await press("down", "enter")  # a section by keys: its items only
        assert [row.value for row in app.screen.query_one(DataTable).rows] == ["a1", "a2"]
        await press("ctrl+t")
        assert isinstance(app.screen, TallyScreen)
        await press("escape", "escape")
        assert isinstance(app.screen, HomeScreen)
        await press("b")
        assert isinstance(app.screen, RecordsScreen) and isinstance(app.focused, OptionList)
        await press("escape", "f")
        assert isinstance(app.screen, FollowUpsScreen) and isinstance(app.focused, DataTable)
        await press("escape", "t")
        assert isinstance(app.screen, DrillTallyScreen)
        await press("escape", "c", "escape")  # the resume list is a dialog; Esc closes it
        assert isinstance(app.screen, HomeScreen)


async def test_high_contrast_switch_is_remembered(tmp_path):
    config = tmp_path / "bcp-drill.toml"
    config.write_text('# our settings\nlang = "ja"\n\n[extra]\nnote = "kept"\n', encoding="utf-8")
    app, _, _ = make_app(tmp_path, lang="ja", config_path=config)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("f2")
        await pilot.pause()
        assert app.theme == "high-contrast"
    text = config.read_text(encoding="utf-8")
    assert text.startswith('# our settings\nlang = "ja"\n\ntheme = "high-contrast"\n[extra]')
    app, _, _ = make_app(tmp_path, lang="ja", config_path=config, theme="high-contrast")
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        assert app.theme == "high-contrast"  # started from the saved setting
        await pilot.press("f2")
        await pilot.pause()
        assert app.theme == "textual-dark"
    assert 'theme = "default"' in config.read_text(encoding="utf-8")


def test_save_setting_edits_one_line(tmp_path):
    path = tmp_path / "x.toml"
    save_setting(path, "theme", "high-contrast")
    assert path.read_text(encoding="utf-8") == 'theme = "high-contrast"\n'
    save_setting(path, "theme", "default")
    assert path.read_text(encoding="utf-8") == 'theme = "default"\n'


def test_runner_high_contrast_at_80x24(snap_compare, tmp_path):
    app, _, clock = make_app(tmp_path, lang="ja", library=shipped_library(), theme="high-contrast",
                             start=StartRequest(scenario_id="earthquake-offhours"))

    async def run_before(pilot):
        await pilot.press("ctrl+s")
        await pilot.pause()
        clock.advance(minutes=12)
        await pilot.press("p", "down", "down")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SMALL, run_before=run_before)


def test_review_high_contrast_at_80x24(snap_compare, tmp_path):
    app, _, _ = make_app(tmp_path, lang="ja", library=shipped_library(), theme="high-contrast",
                         start=StartRequest(checklist_id="plan-review-3rd"))

    async def run_before(pilot):
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("2", "s")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SMALL, run_before=run_before)


def test_home_at_80x24(snap_compare, tmp_path):
    app, _, _ = make_app(tmp_path, lang="ja", library=shipped_library())
    assert REPO.is_dir()
    assert snap_compare(app, terminal_size=SMALL)
