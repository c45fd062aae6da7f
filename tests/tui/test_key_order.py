"""Keys that arrive together (a busy PC, a remote desktop's burst) are applied in the order typed."""

import unicodedata

from textual import events

from bcp_drill.tui.app import StartRequest
from bcp_drill.tui.screens.drill_setup import DrillSetupScreen
from bcp_drill.tui.screens.review import ReviewScreen
from bcp_drill.tui.screens.review_setup import ReviewSetupScreen
from support.drills import mini_library

from .support import SIZE, journal_events, make_app


def send_together(app, *keys: str) -> None:
    """KEYS handed to the app at once, as the terminal driver hands over keys read in one go
    (Pilot's `press` waits for each key to be handled before the next: no burst)."""
    for key in keys:
        try:
            character = unicodedata.lookup(key.upper()) if len(key) > 1 else key
        except KeyError:
            character = None  # a named key (backspace, end...)
        event = events.Key(key, character)
        event.set_sender(app)
        app._driver.send_message(event)


async def focused_field(pilot, screen_type, selector: str):
    """The field SELECTOR of the first screen (a SCREEN_TYPE), focused."""
    await pilot.pause()
    assert isinstance(pilot.app.screen, screen_type)
    field = pilot.app.screen.query_one(selector)
    field.focus()
    await pilot.pause()
    return field


async def test_a_backspace_in_a_burst_deletes_what_was_typed_before_it(tmp_path):
    """The year field holds 2023: End, four Backspaces and R6 sent together leave R6, and a
    second burst mends it to R2: the review recorded is FY2020 (令和2年度)."""
    app, store, _ = make_app(tmp_path, lang="en", library=mini_library(),
                             start=StartRequest(checklist_id="mini-review", fiscal_year=2023))
    async with app.run_test(size=SIZE) as pilot:
        year = await focused_field(pilot, ReviewSetupScreen, "#review-year")
        send_together(app, "end", "backspace", "backspace", "backspace", "backspace", "R", "6")
        await pilot.pause()
        assert year.value == "R6"
        send_together(app, "x", "backspace", "left", "delete", "2")
        await pilot.pause()
        assert year.value == "R2"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
    started = journal_events(store)[0]
    assert started.fiscal_year == 2020


async def test_the_participants_box_keeps_the_order_of_a_burst(tmp_path):
    app, _, _ = make_app(tmp_path, lang="en", start=StartRequest(scenario_id="mini"))
    async with app.run_test(size=SIZE) as pilot:
        area = await focused_field(pilot, DrillSetupScreen, "#drill-participants")
        send_together(app, "a", "b", "x", "backspace", "c", "enter", "d", "left", "backspace", "e")
        await pilot.pause()
        assert area.text == "abced"  # Left then Backspace deleted the line break


async def test_keys_behind_a_tab_go_to_the_next_field(tmp_path):
    """A Tab in a burst moves on before the keys behind it are typed (a field takes its text
    whole when focused, as it does by keys typed one at a time)."""
    app, store, _ = make_app(tmp_path, lang="en", library=mini_library(),
                             start=StartRequest(checklist_id="mini-review", fiscal_year=2021))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        send_together(app, "R", "5", "tab", "a", "b", "c", "tab", "x", "y", "backspace", "z", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
    started = journal_events(store)[0]
    assert (started.fiscal_year, started.reviewer, started.organisation) == (2023, "abc", "xz")
