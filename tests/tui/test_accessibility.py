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


def ambiguous_on_screen(app) -> list[str]:
    """Characters on screen whose width East Asian terminals may draw as one or two cells."""
    import unicodedata

    screen_text = "".join(strip.text for strip in app.screen._compositor.render_strips())
    return sorted({c for c in screen_text if unicodedata.east_asian_width(c) == "A"})


async def test_ascii_frames_leave_no_ambiguous_width_character(tmp_path):
    from textual.scrollbar import ScrollBarRender

    from bcp_drill.tui.themes import use_ascii_scrollbars

    config = tmp_path / "bcp-drill.toml"
    app, _, clock = make_app(tmp_path, lang="ja", library=shipped_library(), config_path=config)
    app.ctx.settings.chrome = "ascii"
    seen = {}
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            async def visit(name, *keys):
                await pilot.press(*keys)
                await pilot.pause()
                seen[name] = ambiguous_on_screen(app)

            await visit("home")
            await visit("scenario list", "d")
            await visit("drill set-up", "enter")
            await visit("runner", "ctrl+s", "p", "down")
            await visit("problem form", "f")
            await visit("runner again", "escape", "escape", "y")
            await visit("review", "r", "down", "enter", "ctrl+s", "2", "s")
            await visit("tally", "ctrl+t")
            assert seen == {name: [] for name in seen}
            await pilot.press("escape", "f3")  # back to line characters, remembered
            await pilot.pause()
            assert not app.has_class("-ascii-chrome")
        assert 'chrome = "unicode"' in config.read_text(encoding="utf-8")
    finally:
        use_ascii_scrollbars(False)
    assert ScrollBarRender.VERTICAL_BARS[0] == "▁"


async def test_line_frames_do_use_ambiguous_characters(tmp_path):
    # The check above can fail: with the default frames the same screen has them.
    app, _, _ = make_app(tmp_path, lang="ja", library=shipped_library())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert "─" in ambiguous_on_screen(app)


async def test_at_80_columns_the_clock_line_shows_the_last_save(tmp_path):
    """The save confirmation came last on the clock line and was cut off below 140 columns."""
    from rich.cells import cell_len

    from bcp_drill.tui.widgets.clock_bar import ClockBar

    app, store, _ = make_app(tmp_path, lang="ja", start=StartRequest(scenario_id="mini"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        bar = app.screen.query_one(ClockBar)
        line = str(bar.render())
        visible = ""
        for char in line:  # what fits in the bar's width, wide characters counted twice
            if cell_len(visible + char) > bar.size.width:
                break
            visible += char
        assert "保存済 #2" in visible, visible
        app.screen.session.close()
