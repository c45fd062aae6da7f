"""Forms say why they cannot save where the user looks; nothing typed or recorded is lost silently."""

from datetime import date

from textual.widgets import DataTable

from bcp_drill.drill.session import DrillSession
from bcp_drill.drill.wording import rating_label
from bcp_drill.i18n import Translator
from bcp_drill.records.journal import read_journal
from bcp_drill.review.session import ReviewSession
from bcp_drill.tui.app import StartRequest
from bcp_drill.tui.modals.confirm import ConfirmModal
from bcp_drill.tui.modals.followup_form import FollowUpFormModal
from bcp_drill.tui.modals.problem_form import ProblemFormModal
from bcp_drill.tui.screens.drill_runner import DrillRunnerScreen
from bcp_drill.tui.screens.drill_summary import DrillSummaryScreen
from bcp_drill.tui.screens.followups import FollowUpsScreen
from support.drills import mini_library

from .support import journal_events, make_app, type_text

SMALL = (80, 24)


def visible(widget) -> bool:
    """Shown, and inside the part of its scrolling container that is on screen."""
    region = widget.region
    return widget.display and region.height > 0 and widget.screen.region.contains_region(region)


async def test_an_invalid_field_gets_the_focus_and_its_message_is_on_screen_at_80x24(tmp_path):
    app, store, _ = make_app(tmp_path, lang="en", start=StartRequest(scenario_id="mini"))
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("f")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ProblemFormModal)
        for _ in range(7):  # down to the due date, near the bottom of the form
            await pilot.press("tab")
        await type_text(pilot, "2027-02-30")
        await pilot.press("ctrl+s")
        await pilot.wait_for_scheduled_animations()  # the form scrolls the field into view
        await pilot.pause()
        # The title is empty: the first invalid field takes the focus and shows why.
        error = form.query_one("#problem-title-error")
        assert app.focused is form.query_one("#problem-title")
        assert "title" in str(error.render()).lower() and visible(error)
        await type_text(pilot, "UPS alarm")
        await pilot.press("ctrl+s")
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
        error = form.query_one("#problem-due-error")
        assert app.focused is form.query_one("#problem-due") and visible(error)
        assert "2027-02-30" in str(error.render())
        assert not form.query_one("#problem-title-error").display  # the old message is gone
        # A year mistyped (the store's day is 2026-11-25): said under the field, not saved.
        form.query_one("#problem-due").value = "2025-12-01"
        await pilot.press("ctrl+s")
        await pilot.pause()
        said = str(form.query_one("#problem-due-error").render())
        assert "The due date 2025-12-01 is before today (2026-11-25)" in said
    assert [e.type for e in journal_events(store)] == ["drill_started"]


async def test_escape_on_a_form_with_typed_text_asks_first(tmp_path):
    app, store, _ = make_app(tmp_path, lang="en", start=StartRequest(scenario_id="mini"))
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("f")
        await type_text(pilot, "half a thought")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("n")  # keep typing
        await pilot.pause()
        assert isinstance(app.screen, ProblemFormModal)
        assert app.screen.query_one("#problem-title").value == "half a thought"
        await pilot.press("escape")
        await pilot.pause()
        assert "Enter: keep typing" in str(app.screen.query(".dialog-hint").first().render())
        await pilot.press("enter")  # the safe answer: a hurried Enter never throws typed text away
        await pilot.pause()
        assert isinstance(app.screen, ProblemFormModal)
        assert app.screen.query_one("#problem-title").value == "half a thought"
        await pilot.press("escape", "y")
        await pilot.pause()
        assert isinstance(app.screen, DrillRunnerScreen)
        await pilot.press("n", "escape")  # nothing typed: closes at once
        await pilot.pause()
        assert isinstance(app.screen, DrillRunnerScreen)


async def test_a_drill_note_shows_in_the_runner_and_can_be_withdrawn(tmp_path):
    app, store, _ = make_app(tmp_path, lang="en", start=StartRequest(scenario_id="mini"))
    async with app.run_test(size=(110, 36)) as pilot:
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("g")
        await type_text(pilot, "generator fuel low")
        await pilot.press("ctrl+s")
        await pilot.pause()
        detail = str(app.screen.query_one("#step-detail-body").render())
        assert "Notes on the drill" in detail and "generator fuel low" in detail
        await pilot.press("w", "enter", "y")
        await pilot.pause()
        assert "generator fuel low" not in str(app.screen.query_one("#step-detail-body").render())
    events = journal_events(store)
    assert [e.type for e in events[1:]] == ["note_added", "note_retracted"]
    assert events[1].step_id is None and events[2].note_seq == events[1].seq


async def test_an_ended_drill_refuses_writes_with_the_sessions_reason(tmp_path):
    library = mini_library()
    app, store, clock = make_app(tmp_path, lang="en", library=library)
    session = DrillSession.start(store, library.scenarios["mini"], "tabletop")
    record_id = session.record_id
    session.end()
    session.close()
    async with app.run_test(size=(110, 36)) as pilot:
        app.push_screen(DrillRunnerScreen(DrillSession.resume(store, record_id)))
        await pilot.pause()
        await pilot.press("p", "n")
        await pilot.pause()
        assert isinstance(app.screen, DrillRunnerScreen)  # no note form opened
        notices = [n.message for n in app._notifications]
        assert any("has ended" in message for message in notices)
    assert [e.type for e in journal_events(store)] == ["drill_started", "drill_ended"]


async def test_an_evaluator_rates_an_objective_from_the_summary(tmp_path):
    library = mini_library()
    app, store, clock = make_app(tmp_path, lang="en", library=library)
    session = DrillSession.start(store, library.scenarios["mini"], "tabletop")
    session.complete_step("s1", "P")
    session.step_not_done("s2", "no key")
    session.end()
    async with app.run_test(size=(110, 36)) as pilot:
        app.push_screen(DrillSummaryScreen(session))
        await pilot.pause()
        body = app.screen.query_one("#summary-body")
        assert "decided by: サーバ室点検: U (not done, so U)" in str(body.render())
        await pilot.press("o", "enter")  # the one objective
        await pilot.pause()
        await pilot.press("down", "enter")  # S
        await pilot.pause()
        await type_text(pilot, "key was a drill artefact")
        await pilot.press("enter")
        await pilot.pause()
        text = str(body.render())
        assert f"  {rating_label('S', Translator('en'))}  " in text  # the objective's rating now
        assert "evaluator's rating S: key was a drill artefact" in text and "(from the steps: U)" in text
    session.close()
    assert journal_events(store)[-1].type == "objective_rated"


async def test_setting_a_follow_up_to_done_asks_for_evidence(tmp_path):
    library = mini_library()
    app, store, clock = make_app(tmp_path, lang="en", library=library)
    session = ReviewSession.start(store, library.checklists["mini-review"],
                                  library.scale_of(library.checklist("mini-review")))
    session.raise_problem("HP is stale", "a1", due=date(2030, 1, 1))
    session.close()
    async with app.run_test(size=(110, 36)) as pilot:
        await pilot.press("f")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("enter", "down", "down", "enter")  # status: done, no evidence
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("n")  # add evidence instead
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FollowUpFormModal)
        assert (app.focused is form.query_one("#followup-evidence")
                and form.query_one("#followup-evidence-error").display)
        await pilot.press("ctrl+s", "y")  # close without evidence, on purpose
        await pilot.pause()
        assert isinstance(app.screen, FollowUpsScreen)
        notices = [n.message for n in app._notifications]
        [update] = read_journal(store.path_of("followups")).events
        assert any(f"#{update.seq}" in message or f" {update.seq}" in message for message in notices)
        table = app.screen.query_one(DataTable)
        assert str(table.get_cell(f"{session.record_id}/P01", "status")) == "done"
    assert (update.status, update.closed_without_evidence) == ("done", True)


async def test_after_a_rating_the_step_stays_selected_so_a_note_lands_on_it(tmp_path):
    app, store, _ = make_app(tmp_path, lang="en", start=StartRequest(scenario_id="mini"))
    async with app.run_test(size=(110, 36)) as pilot:
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        assert app.screen.selected_step == "s1"  # as in plain mode: the step just rated stays current
        await pilot.press("n")
        await type_text(pilot, "all staff reached")
        await pilot.press("ctrl+s")
        await pilot.pause()
    events = journal_events(store)
    assert [(e.type, e.step_id) for e in events[1:]] == [("step_completed", "s1"), ("note_added", "s1")]
