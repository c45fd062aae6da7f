"""`run SCENARIO` / `review CHECKLIST`: the loading screen is drawn first, the content is read
after it, and then the set-up is opened over it (or the app ends with the CLI's message). When
the kept copy of the content (content/cache.py) has the outline of what was asked for, the
set-up screen is drawn first from it and the content is read behind it."""

from textual.widgets import Input, Label

from bcp_drill.content.library import ContentLibrary
from bcp_drill.tui.app import StartRequest
from bcp_drill.tui.screens.drill_runner import DrillRunnerScreen
from bcp_drill.tui.screens.drill_setup import DrillSetupScreen
from bcp_drill.tui.screens.home import HomeScreen
from bcp_drill.tui.screens.loading import LoadingScreen
from bcp_drill.tui.screens.review_setup import ReviewSetupScreen
from support.drills import DATA, mini_library

from .support import SIZE, journal_events, make_app, settle, type_text


def watched_app(tmp_path, start, lang="en"):
    """An app whose content loader notes what was on screen when it was asked for the content
    (make_app reads the content for a start request; here it must not)."""
    app, _, _ = make_app(tmp_path, lang=lang, start=start)
    seen = []

    def load() -> ContentLibrary:
        seen.append((type(app.screen), str(app.screen.query_one("#loading-message", Label).render())))
        return mini_library()

    app.ctx._library = load
    return app, seen


async def past_loading(pilot) -> None:
    """Pause until the content has been read after the first frame (the next refresh, not the
    next idle moment, runs it), or the app has ended."""
    for _ in range(200):
        await pilot.pause()
        if pilot.app._exit or not isinstance(pilot.app.screen, LoadingScreen):
            await pilot.pause()
            return
    raise AssertionError("still on the loading screen")


async def test_the_loading_screen_is_drawn_before_the_content_is_read(tmp_path):
    app, seen = watched_app(tmp_path, StartRequest(scenario_id="mini"))
    async with app.run_test(size=SIZE) as pilot:
        await past_loading(pilot)
        assert seen == [(LoadingScreen, "Reading the content: mini …")]
        assert isinstance(app.screen, DrillSetupScreen) and app.screen.scenario.id == "mini"
        await pilot.press("escape")  # left as a drill opened from the command line is: to the home screen
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    assert app.failure is None


async def test_a_checklist_is_found_after_the_first_frame_too(tmp_path):
    app, seen = watched_app(tmp_path, StartRequest(checklist_id="mini-review"), lang="ja")
    async with app.run_test(size=SIZE) as pilot:
        await past_loading(pilot)
        assert seen == [(LoadingScreen, "内容を読み込んでいます: mini-review …")]
        assert isinstance(app.screen, ReviewSetupScreen)


async def test_an_unknown_scenario_ends_the_app_with_the_command_line_message(tmp_path):
    app, _, _ = make_app(tmp_path, lang="en", start=StartRequest(scenario_id="no-such-drill"))
    app.ctx._library = mini_library
    async with app.run_test(size=SIZE) as pilot:
        await past_loading(pilot)
    assert app.return_code == 1
    assert app.failure is not None and app.failure.startswith("no scenario 'no-such-drill'; scenarios: ")
    assert "mini" in app.failure


async def test_content_problems_are_said_on_screen(tmp_path):
    broken = tmp_path / "content"
    (broken / "scenarios").mkdir(parents=True)
    (broken / "scenarios" / "broken.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    app, _, _ = make_app(tmp_path, lang="en", start=StartRequest(scenario_id="mini"))
    app.ctx._library = lambda: ContentLibrary.load([DATA / "content", broken], cwd=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await past_loading(pilot)
        assert isinstance(app.screen, DrillSetupScreen)
        assert any("1 problem in the content files" in n.message for n in app._notifications)


async def test_the_home_screen_reads_no_content_and_reads_records_only_off_its_loop(tmp_path):
    # The menu is drawn before anything is read: the records are read for the reminders (what is
    # due) in a thread after the first frame, never on the screen's loop; the content not at all.
    import threading

    from support.drills import FakeClock, make_store

    app, _, _ = make_app(tmp_path, lang="en")
    made = []

    def store():
        made.append(threading.current_thread() is threading.main_thread())
        return make_store(tmp_path, FakeClock(), recorder="記録係")

    app.ctx._store = store
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert made == [False] and not app.ctx.library_loaded
        await pilot.press("c")  # resume: the records are looked at now, the same store
        await pilot.pause()
        assert made == [False]
        assert "No unfinished drill or review to resume." in [n.message for n in app._notifications]


def kept_outline_of(library_loader):
    """What the kept copy's outline would give for LIBRARY_LOADER's content (made here, up front)."""
    outline = library_loader().outline()
    return lambda: outline


async def until_read(pilot) -> None:
    """Pause until the content has been read behind the set-up screen (after a refresh)."""
    for _ in range(200):
        await pilot.pause()
        if pilot.app.ctx.library_loaded:
            await pilot.pause()
            return
    raise AssertionError("the content was never read")


def outlined_app(tmp_path, start, library_loader=mini_library):
    """An app whose content comes with the outline its kept copy would hold; SEEN notes the
    screen shown when the content is read, and whether it was read on the screen's loop."""
    import threading

    app, store, _ = make_app(tmp_path, lang="en", start=start)
    seen = []

    def load() -> ContentLibrary:
        seen.append(type(app.screen))
        seen.append(threading.current_thread() is threading.main_thread())
        return library_loader()

    app.ctx._library, app.ctx._kept_outline = load, kept_outline_of(library_loader)
    return app, store, seen


async def test_a_kept_outline_draws_the_setup_first_and_the_content_is_read_behind_it(tmp_path):
    app, store, seen = outlined_app(tmp_path, StartRequest(scenario_id="mini"))
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, DrillSetupScreen)  # the first screen: no loading screen
        await until_read(pilot)
        assert seen == [DrillSetupScreen, False]  # read once the set-up was drawn, off its loop
        assert [type(s) for s in app.screen_stack] == [DrillSetupScreen]  # the first screen: nothing under it
        await pilot.press("tab")
        await type_text(pilot, "3F")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, DrillRunnerScreen)
        assert app.screen.session.scenario.id == "mini"
        assert len(app.screen_stack) == 1  # the set-up was replaced, as one pushed later is
        await pilot.press("escape", "y")  # leave the drill: the home screen takes its place
        await pilot.pause()
        assert [type(s) for s in app.screen_stack] == [HomeScreen]
    [started] = journal_events(store)
    assert started.scenario_id == "mini" and started.place == "3F"
    assert seen == [DrillSetupScreen, False]  # read once


async def test_a_setup_drawn_from_the_outline_is_left_to_the_home_screen(tmp_path):
    app, _, _ = outlined_app(tmp_path, StartRequest(scenario_id="mini"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    assert app.failure is None


async def test_a_review_setup_is_drawn_from_the_outline_and_starts_the_review(tmp_path):
    from bcp_drill.tui.screens.review import ReviewScreen

    app, _, seen = outlined_app(tmp_path, StartRequest(checklist_id="mini-review", fiscal_year=2025))
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, ReviewSetupScreen)
        assert app.screen.query_one("#review-year", Input).value == "2025"
        await until_read(pilot)
        assert seen == [ReviewSetupScreen, False]
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert app.screen.session.checklist.id == "mini-review"


async def test_an_outline_without_the_id_asked_for_means_the_loading_screen(tmp_path):
    # A title or a file given, or content the kept copy does not have: read the content first.
    app, seen = watched_app(tmp_path, StartRequest(scenario_id="mini"))
    outline = mini_library().outline()
    outline.scenarios.clear()
    app.ctx._kept_outline = lambda: outline
    async with app.run_test(size=SIZE) as pilot:
        await past_loading(pilot)
        assert seen == [(LoadingScreen, "Reading the content: mini …")]
        assert isinstance(app.screen, DrillSetupScreen)


async def test_content_problems_are_said_when_the_content_is_read_behind_the_setup(tmp_path):
    broken = tmp_path / "content"
    (broken / "scenarios").mkdir(parents=True)
    (broken / "scenarios" / "broken.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    app, _, _ = outlined_app(tmp_path, StartRequest(scenario_id="mini"),
                             lambda: ContentLibrary.load([DATA / "content", broken], cwd=tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await until_read(pilot)
        assert isinstance(app.screen, DrillSetupScreen)
        assert any("1 problem in the content files" in n.message for n in app._notifications)


async def test_content_problems_are_said_once_when_the_home_screen_lists_the_content(tmp_path):
    """Started on the home screen, the content is read when `d` lists the scenarios: the broken
    file left out of the list is said then, once (not again at `r`)."""
    broken = tmp_path / "content"
    (broken / "scenarios").mkdir(parents=True)
    (broken / "scenarios" / "broken.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    app, _, _ = make_app(tmp_path, lang="en",
                         library=lambda: ContentLibrary.load([DATA / "content", broken], cwd=tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("d")
        await pilot.pause()
        said = [n.message for n in app._notifications if "in the content files" in n.message]
        assert said == ["1 problem in the content files; only valid files are used (see bcp-drill validate)."]
        await pilot.press("escape", "r")
        await pilot.pause()
        assert len([n for n in app._notifications if "in the content files" in n.message]) == 1
