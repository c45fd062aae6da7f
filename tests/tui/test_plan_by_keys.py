"""The plan structures by keys alone: conditions at set-up, waiting and not-applicable marks,
every check of a long check sheet."""

from bcp_drill.content.library import ContentLibrary
from bcp_drill.tui.app import StartRequest
from bcp_drill.tui.screens.drill_runner import DrillRunnerScreen
from bcp_drill.tui.screens.drill_setup import DrillSetupScreen
from bcp_drill.tui.widgets.step_list import StepList
from support.drills import DATA

from .support import SIZE, journal_events, make_app, screen_text, type_text


def plan_library():
    return ContentLibrary.load([DATA / "plan"], cwd=DATA)


OFFICE, OUT_OF_HOURS = 1, 2  # places of the time-of-occurrence values in the set-up list


async def start_drill(pilot, hours: int) -> DrillRunnerScreen:
    """Set up the plan drill by keys: the time of occurrence chosen, then Ctrl+S."""
    await pilot.press("tab", "enter", *["down"] * hours, "enter", "ctrl+s")
    await pilot.pause()
    runner = pilot.app.screen
    assert isinstance(runner, DrillRunnerScreen)
    return runner


async def select_step(pilot, runner: DrillRunnerScreen, step_id: str) -> None:
    step_list = runner.query_one(StepList)
    while step_list.selected_step_id != step_id:
        await pilot.press("down")


async def test_setup_asks_for_the_condition_and_records_it(tmp_path):
    app, store, _ = make_app(tmp_path, lang="en", start=StartRequest(scenario_id="plan-quake"),
                             library=plan_library)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, DrillSetupScreen)
        shown = screen_text(app)
        assert "Seismic intensity: 6-upper (fixed by this scenario)" in shown
        await pilot.press("ctrl+s")  # nothing chosen for the time of occurrence
        await pilot.pause()
        assert isinstance(app.screen, DrillSetupScreen)
        error = app.screen.query_one("#condition-0-error")
        assert "choose Time of occurrence" in str(error.render()) and error.display
        assert app.focused is app.screen.query_one("#condition-0")
        assert not store.root.exists() or not list(store.root.glob("*.jsonl"))
        await pilot.press("enter", "down", "down", "enter")  # open the list: Out of hours
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, DrillRunnerScreen)
        shown = screen_text(app)
        assert "[Out of hours / 6-upper]" in shown  # the case played stays in sight
        assert "[/]" in shown and "[w]" in shown  # not applicable, waiting: marks, not colour
    [started] = journal_events(store)
    assert started.conditions == {"hours": "off_hours", "intensity": "six_upper"}


async def test_the_twelfth_check_is_reachable_by_keys(tmp_path):
    app, store, _ = make_app(tmp_path, lang="en", start=StartRequest(scenario_id="plan-quake"),
                             library=plan_library)
    async with app.run_test(size=SIZE) as pilot:
        runner = await start_drill(pilot, OFFICE)
        await select_step(pilot, runner, "server-room")
        await pilot.press("c")  # the list of every check
        await pilot.pause()
        await pilot.press(*["down"] * 11, "enter")
        await pilot.pause()
        assert runner.session.state.steps["server-room"].checks == {11}
    toggled = [e for e in journal_events(store) if e.type == "check_toggled"]
    assert [(e.step_id, e.check_index, e.checked) for e in toggled] == [("server-room", 11, True)]


async def test_a_decision_is_recorded_by_keys_with_its_option_and_who_decided(tmp_path):
    app, store, clock = make_app(tmp_path, lang="en", start=StartRequest(scenario_id="plan-quake"),
                                 library=plan_library)
    async with app.run_test(size=SIZE) as pilot:
        runner = await start_drill(pilot, OUT_OF_HOURS)
        await select_step(pilot, runner, "where")
        clock.advance(minutes=5)
        await pilot.press("s")  # a decision: S asks which option was chosen
        await pilot.pause()
        await pilot.press("down", "enter")  # the second option: the alternate site
        await pilot.pause()
        await type_text(pilot, "部長")
        await pilot.press("enter")
        await pilot.pause()
        shown = screen_text(app)
        assert "(*) Move to the alternate site" in shown and "decided by 部長" in shown
        assert "alt-ready" in shown  # the option's inject arrived with it
    events = journal_events(store)
    [made] = [e for e in events if e.type == "decision_made"]
    assert (made.step_id, made.option_id, made.rating, made.decided_by) == ("where", "alternate", "S", "部長")
    assert [e.inject_id for e in events if e.type == "inject_delivered"] == ["alt-ready"]


async def test_the_systems_panel_records_a_state_by_keys(tmp_path):
    app, store, clock = make_app(tmp_path, lang="en", start=StartRequest(scenario_id="plan-quake"),
                                 library=plan_library)
    async with app.run_test(size=SIZE) as pilot:
        await start_drill(pilot, OUT_OF_HOURS)
        clock.advance(minutes=10)
        await pilot.press("y")  # the systems panel, by priority: core, web, lgwan (A), mail (B)
        await pilot.pause()
        shown = screen_text(app)
        assert "[?] A Core system: unknown / RTO 4:00 not yet due (3:50 left)" in shown
        await pilot.press("enter")  # core
        await pilot.pause()
        await pilot.press("down", "enter")  # the states from unknown: down
        await pilot.pause()
        await type_text(pilot, "flooded")
        await pilot.press("enter")
        await pilot.pause()
        assert "[X] A Core system: down" in screen_text(app)  # the panel is back, up to date
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DrillRunnerScreen)
        assert "systems: down 1" in screen_text(app)
    [recorded] = [e for e in journal_events(store) if e.type == "system_state_recorded"]
    assert (recorded.system_id, recorded.state, recorded.note, recorded.elapsed_seconds) == (
        "core", "down", "flooded", 600)


async def test_a_measured_value_is_entered_by_keys_and_flagged_in_words(tmp_path):
    app, store, _ = make_app(tmp_path, lang="ja", start=StartRequest(scenario_id="plan-quake"),
                             library=plan_library)
    async with app.run_test(size=SIZE) as pilot:
        runner = await start_drill(pilot, OUT_OF_HOURS)
        await select_step(pilot, runner, "safety")
        await pilot.press("v")  # two checks take values: pick the first
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await type_text(pilot, "72")
        await pilot.press("enter")
        await pilot.pause()
        assert "安否回答率 = 72% (!) 下限 80% を下回る" in screen_text(app)
    [value] = [e for e in journal_events(store) if e.type == "value_recorded"]
    assert (value.step_id, value.check_index, value.text, value.number) == ("safety", 0, "72", 72.0)


async def test_a_deputy_is_recorded_by_keys(tmp_path):
    app, store, _ = make_app(tmp_path, lang="en", start=StartRequest(scenario_id="plan-quake"),
                             library=plan_library)
    async with app.run_test(size=SIZE) as pilot:
        runner = await start_drill(pilot, OFFICE)
        await select_step(pilot, runner, "safety")
        await pilot.press("a")  # the lead's deputies
        await pilot.pause()
        await pilot.press("enter")  # the first deputy; the reason is offered, Enter takes it
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert "deputy 1 of ICT lead (ICT team)" not in screen_text(app)  # titles, not team, in the sentence
        assert "deputy 1 of ICT lead, Deputy head, acted: the holder could not be reached" in screen_text(app)
    [acted] = [e for e in journal_events(store) if e.type == "deputy_acted"]
    assert (acted.step_id, acted.role_id, acted.deputy) == ("safety", "lead", 1)


async def test_the_annexes_open_by_a_key_and_close_with_escape(tmp_path):
    app, _, _ = make_app(tmp_path, lang="en", start=StartRequest(scenario_id="plan-quake"), library=plan_library)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_drill(pilot, OFFICE)
        await pilot.press("b")
        await pilot.pause()
        shown = screen_text(app)
        assert "Emergency contacts (form 9)" in shown and "衛星電話 080-0000-0000" in shown
        await pilot.press("pagedown", "escape")
        await pilot.pause()
        assert isinstance(app.screen, DrillRunnerScreen)
