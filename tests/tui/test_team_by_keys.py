"""Two consoles of one team drill, each an app on the same records folder, driven by keys."""

from bcp_drill.drill.session import DrillSession
from bcp_drill.settings import Settings
from bcp_drill.tui.app import BcpDrillApp, StartRequest
from bcp_drill.tui.context import TuiContext
from bcp_drill.tui.screens.drill_runner import DrillRunnerScreen
from bcp_drill.tui.widgets.step_list import StepList
from support.drills import FakeClock, make_store, mini_library

from .support import SIZE, screen_text, use_utc


def console_app(tmp_path, store, recorder, start):
    settings = Settings(lang="en", records=store.root, recorder=recorder)
    other = make_store(tmp_path, store.clock, recorder=recorder)
    return BcpDrillApp(TuiContext(settings, mini_library, other, tmp_path / f"{recorder}.toml"), start)


def step_text(app, step_id):
    return str(app.screen.query_one(StepList).get_option(f"step:{step_id}").prompt)


async def test_two_apps_see_each_others_events_and_the_lead_settles_a_conflict(tmp_path):
    use_utc()
    clock = FakeClock()
    store = make_store(tmp_path, clock, recorder="lead")
    DrillSession.start(store, mini_library().scenarios["mini"], "tabletop").close()
    [record] = [s.record_id for s in store.summaries()]
    lead = console_app(tmp_path, store, "lead", StartRequest(record_id=record))
    desk = console_app(tmp_path, store, "desk", StartRequest(record_id=record, join=("player", "", "desk")))
    async with lead.run_test(size=SIZE) as lead_keys, desk.run_test(size=SIZE) as desk_keys:
        assert isinstance(lead.screen, DrillRunnerScreen) and isinstance(desk.screen, DrillRunnerScreen)
        assert str(desk.screen.query_one("#drill-title").render()).startswith("[player desk]")
        clock.advance(minutes=3)
        await lead_keys.press("p")  # both rate s1 before either has seen the other's
        await desk_keys.press("m")
        for app in (lead, desk):
            app.screen.tick()  # what the one-second timer does
        await lead_keys.pause()
        await desk_keys.pause()
        for app in (lead, desk):
            assert "[conflict]" in step_text(app, "s1")
        assert "[desk] Done 安否確認 (M" in screen_text(lead)
        await desk_keys.press("z")  # a player cannot settle it
        await desk_keys.pause()
        assert isinstance(desk.screen, DrillRunnerScreen)
        await lead_keys.press("z")
        await lead_keys.pause()
        await lead_keys.press("down", "enter")  # the desk's M stands
        await lead_keys.pause()
        desk.screen.tick()
        await desk_keys.pause()
        for app in (lead, desk):
            assert "[conflict]" not in step_text(app, "s1")
            assert app.screen.session.state.steps["s1"].rating == "M"
        await desk_keys.press("down", "n")
        await desk_keys.pause()
        for char in "rack ok":
            await desk_keys.press(char if char != " " else "space")
        await desk_keys.press("ctrl+s")
        await desk_keys.pause()
        lead.screen.tick()
        await lead_keys.pause()
        assert "[desk] Note (サーバ室点検): rack ok" in screen_text(lead)
        lead.screen.session.close()
        desk.screen.session.close()


async def test_join_from_the_home_screen_with_a_role_and_a_name(tmp_path):
    from bcp_drill.records.journal import read_journal
    from bcp_drill.records.team import console_paths

    from .support import type_text

    use_utc()
    clock = FakeClock()
    store = make_store(tmp_path, clock, recorder="lead")
    lead = DrillSession.start(store, mini_library().scenarios["mini"], "tabletop")
    browser = console_app(tmp_path, store, "served", StartRequest())
    async with browser.run_test(size=SIZE) as keys:
        await keys.press("j", "enter")  # the only drill under way
        await keys.pause()
        await keys.press("down", "enter")  # player, evaluator…: the evaluator
        await keys.pause()
        await keys.press("ctrl+a", "ctrl+k")  # replace the name offered (the settings' recorder)
        await type_text(keys, "Takahashi")
        await keys.press("enter")
        await keys.pause()
        assert isinstance(browser.screen, DrillRunnerScreen)
        assert str(browser.screen.query_one("#drill-title").render()).startswith("[evaluator evaluator-")
        clock.advance(minutes=3)
        await keys.press("s")
        await keys.pause()
        browser.screen.session.close()
    [journal] = console_paths(store.root, lead.record_id)
    events = read_journal(journal).events
    assert [(e.type, e.by) for e in events] == [("console_joined", "Takahashi"), ("step_completed", "Takahashi")]
    assert events[0].role == "evaluator"
    lead.close()


async def test_a_console_is_refused_before_it_sees_or_types_what_its_role_may_not(tmp_path):
    """A player's `i` lists nothing (the injects to come, contingencies included, stay hidden); a
    controller's `e` is refused before the hotwash can be typed, so nothing typed is lost."""
    from bcp_drill.tui.modals.choice import ChoiceModal

    use_utc()
    clock = FakeClock()
    store = make_store(tmp_path, clock, recorder="lead")
    DrillSession.start(store, mini_library().scenarios["mini"], "tabletop").close()
    [record] = [s.record_id for s in store.summaries()]
    player = console_app(tmp_path, store, "desk", StartRequest(record_id=record, join=("player", "", "desk")))
    async with player.run_test(size=SIZE) as keys:
        assert isinstance(player.screen, DrillRunnerScreen)
        await keys.press("i")
        await keys.pause()
        assert isinstance(player.screen, DrillRunnerScreen) and not isinstance(player.screen, ChoiceModal)
        said = " ".join(str(n.message) for n in player._notifications)
        assert "cannot deliver injects" in said
        assert "震度6強" not in screen_text(player)  # the inject's text never reached this console
        player.screen.session.close()
    controller = console_app(tmp_path, store, "ctl", StartRequest(record_id=record, join=("controller", "", "ctl")))
    async with controller.run_test(size=SIZE) as keys:
        await keys.press("e")
        await keys.pause()
        assert isinstance(controller.screen, DrillRunnerScreen)  # no confirmation, no hotwash form opened
        said = " ".join(str(n.message) for n in controller._notifications)
        assert "only the lead's console holds the hotwash and ends the drill" in said
        controller.screen.session.close()


async def test_joining_again_from_the_home_screen_finds_the_same_console(tmp_path):
    """Leave a console and join again as the same person: its own journal is reopened (one
    console, its events in one file), never a second console for the same person."""
    from bcp_drill.records.journal import read_journal
    from bcp_drill.records.team import console_paths

    from .support import type_text

    use_utc()
    clock = FakeClock()
    store = make_store(tmp_path, clock, recorder="lead")
    lead = DrillSession.start(store, mini_library().scenarios["mini"], "tabletop")
    browser = console_app(tmp_path, store, "served", StartRequest())
    titles = []
    async with browser.run_test(size=SIZE) as keys:
        for rating in ("s", "p"):
            await keys.press("j", "enter")
            await keys.pause()
            await keys.press("down", "enter")  # the evaluator
            await keys.pause()
            await keys.press("ctrl+a", "ctrl+k")
            await type_text(keys, "高橋")
            await keys.press("enter")
            await keys.pause()
            assert isinstance(browser.screen, DrillRunnerScreen)
            titles.append(str(browser.screen.query_one("#drill-title").render()).split("]")[0])
            clock.advance(minutes=1)
            await keys.press(rating)
            await keys.pause()
            await keys.press("escape")  # leave…
            await keys.pause()
            await keys.press("y")  # …yes
            await keys.pause()
            assert not isinstance(browser.screen, DrillRunnerScreen)
    assert titles[0] == titles[1] and titles[0].startswith("[evaluator evaluator-")
    [journal] = console_paths(store.root, lead.record_id)
    events = read_journal(journal).events
    assert [e.type for e in events] == ["console_joined", "step_completed", "step_completed"]
    assert {e.by for e in events} == {"高橋"}
    lead.close()


async def test_a_player_console_cannot_open_the_after_action_report(tmp_path):
    """The report names what players are expected to do and the injects held back (the scenario
    is played again): a player's `x` on the summary is refused with the reason, before any file
    is asked for; an evaluator's opens the export."""
    from bcp_drill.tui.modals.choice import ChoiceModal
    from bcp_drill.tui.screens.drill_summary import DrillSummaryScreen

    use_utc()
    clock = FakeClock()
    store = make_store(tmp_path, clock, recorder="lead")
    lead = DrillSession.start(store, mini_library().scenarios["mini"], "tabletop")
    lead.record_hotwash("", "")
    lead.end()
    lead.close()
    for role, refused in (("player", True), ("evaluator", False)):
        console = console_app(tmp_path, store, role, StartRequest(record_id=lead.record_id, join=(role, "", role)))
        async with console.run_test(size=SIZE) as keys:
            summary = console.screen
            assert isinstance(summary, DrillSummaryScreen)
            await keys.press("x")
            await keys.pause()
            said = " ".join(str(n.message) for n in console._notifications)
            if refused:
                assert console.screen is summary and "does not open the after-action report" in said
            else:  # the export asks for a format first (tui/export.py)
                assert isinstance(console.screen, ChoiceModal) and "after-action" not in said
            summary.session.close()
