"""A whole drill driven by keys alone, asserting what lands in the journal."""

from bcp_drill.drill.session import DrillSession
from bcp_drill.tui.app import StartRequest
from bcp_drill.tui.screens.drill_runner import DrillRunnerScreen
from bcp_drill.tui.screens.drill_setup import DrillSetupScreen
from bcp_drill.tui.screens.drill_summary import DrillSummaryScreen
from bcp_drill.tui.screens.home import HomeScreen
from bcp_drill.tui.widgets.step_list import StepList
from support.drills import mini_library

from .support import SIZE, end_drill, journal_events, make_app, type_text


async def test_home_to_runner_by_keys(tmp_path):
    app, store, clock = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("d")  # new drill → scenario list
        await pilot.press("enter")  # the only scenario
        assert isinstance(app.screen, DrillSetupScreen)
        await pilot.press("tab")
        await type_text(pilot, "3F")
        await pilot.press("tab")
        await type_text(pilot, "Yamada, lead")
        await pilot.press("enter")
        await type_text(pilot, "Sato, player, ICT")
        await pilot.press("tab")
        await type_text(pilot, "05:30")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, DrillRunnerScreen)
    [started] = journal_events(store)
    assert started.place == "3F"
    assert [(p.name, p.role, p.organisation) for p in started.participants] == [
        ("Yamada", "lead", ""), ("Sato", "player", "ICT")]
    assert started.t0.astimezone().strftime("%H:%M") == "05:30"
    assert started.by == "記録係"


async def test_setup_rejects_an_unknown_role_and_keeps_the_form(tmp_path):
    app, store, _ = make_app(tmp_path, lang="en", start=StartRequest(scenario_id="mini"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("tab", "tab")
        await type_text(pilot, "Yamada, boss")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, DrillSetupScreen)
        # The message sits under the field, which has the focus, so it is where the user looks.
        error = app.screen.query_one("#drill-participants-error")
        assert "line 1: unknown role 'boss'" in str(error.render()) and error.display
        assert app.focused is app.screen.query_one("#drill-participants")
    assert not store.root.exists() or not list(store.root.glob("*.jsonl"))


async def test_a_drill_from_start_to_summary(tmp_path):
    app, store, clock = make_app(tmp_path, start=StartRequest(scenario_id="mini"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+s")  # defaults: tabletop, now
        await pilot.pause()
        runner = app.screen
        assert isinstance(runner, DrillRunnerScreen)
        assert runner.query_one(StepList).selected_step_id == "s1"

        clock.advance(minutes=3)
        runner.tick()  # what the one-second interval does: i1 (T+3) is now delivered
        await pilot.press("1", "2")  # sub-check 1 of s1 ticked; s1 has no sub-check 2: nothing
        await pilot.press("p")  # s1 done, P, at T+3:00
        await pilot.press("down")
        clock.advance(minutes=20)  # T+23: s2 (target 20) is now late
        await pilot.press("n")
        await type_text(pilot, "rack ok")
        await pilot.press("ctrl+s")
        await pilot.press("f")  # raise a problem on s2
        await type_text(pilot, "UPS alarm")
        await pilot.press("ctrl+s")
        await pilot.press("m")
        await pilot.press("space")  # pause the clock
        await pilot.press("i")  # nothing left to deliver: a notice, no dialog
        await pilot.pause()
        assert isinstance(app.screen, DrillRunnerScreen)
        await end_drill(pilot, "fast", "contacts")
        assert isinstance(app.screen, DrillSummaryScreen)
        body = str(app.screen.query_one("#summary-body").render())
        assert "UPS alarm" in body and "fast" in body and "contacts" in body

    events = journal_events(store)
    kinds = [e.type for e in events]
    assert kinds[0] == "drill_started"
    [delivered] = [e for e in events if e.type == "inject_delivered"]
    assert (delivered.inject_id, delivered.manual, delivered.elapsed_seconds) == ("i1", False, 180)
    assert [(e.step_id, e.check_index, e.checked) for e in events if e.type == "check_toggled"] == [("s1", 0, True)]
    done = {e.step_id: (e.rating, e.elapsed_seconds) for e in events if e.type == "step_completed"}
    assert done == {"s1": ("P", 180), "s2": ("M", 1380)}
    [note] = [e for e in events if e.type == "note_added"]
    assert (note.step_id, note.text) == ("s2", "rack ok")
    [problem] = [e for e in events if e.type == "problem_raised"]
    assert (problem.problem_id, problem.source_ref, problem.title) == ("P01", "s2", "UPS alarm")
    assert kinds[-3:] == ["clock_paused", "hotwash_recorded", "drill_ended"]
    assert events[-1].elapsed_seconds == 1380
    assert all(e.by == "記録係" for e in events)


async def test_not_done_skip_and_reopen(tmp_path):
    app, store, clock = make_app(tmp_path, lang="en", start=StartRequest(scenario_id="mini"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("x")
        await type_text(pilot, "no staff")
        await pilot.press("enter")
        await pilot.press("r")  # withdraw: asks first, then a correction event
        await pilot.pause()
        assert "Withdraw the outcome" in str(app.screen.query_one(".dialog-title").render())
        await pilot.press("y")
        await pilot.press("down", "k")
        await type_text(pilot, "out of scope")
        await pilot.press("enter")
        await pilot.press("escape", "y")  # back home; the drill is saved
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    events = journal_events(store)
    assert [(e.type, getattr(e, "step_id", None)) for e in events[1:]] == [
        ("step_not_done", "s1"), ("step_reopened", "s1"), ("step_not_done", "s2")]
    assert events[3].skipped and events[3].reason == "out of scope"


async def test_delivering_an_inject_early_by_hand(tmp_path):
    app, store, clock = make_app(tmp_path, start=StartRequest(scenario_id="mini"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("i", "enter")
        await pilot.pause()
        log_lines = [str(line.text) for line in app.screen.query_one("#inject-log").lines]
        assert any("震度6強" in line for line in log_lines)
    [delivered] = [e for e in journal_events(store) if e.type == "inject_delivered"]
    assert (delivered.inject_id, delivered.manual, delivered.elapsed_seconds) == ("i1", True, 0)


async def test_tabletop_clock_jumps_to_the_next_phase(tmp_path):
    app, store, clock = make_app(tmp_path, start=StartRequest(scenario_id="mini"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("j")
        await pilot.pause()
        assert app.screen.session.elapsed() == 600
        clock_line = str(app.screen.query_one("#clock-bar").render())
        assert clock_line.startswith("T+00:10:00")


async def test_resume_shows_the_recorded_state(tmp_path):
    library = mini_library()
    app, store, clock = make_app(tmp_path, lang="en", library=library)
    session = DrillSession.start(store, library.scenarios["mini"], "tabletop")
    clock.advance(minutes=2)
    session.complete_step("s1", "S")
    session.pause()
    session.close()
    app.start = StartRequest(record_id=session.record_id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        runner = app.screen
        assert isinstance(runner, DrillRunnerScreen)
        assert runner.session.elapsed() == 120
        first_line = str(runner.query_one(StepList).get_option("step:s1").prompt)
        assert first_line.startswith("[v]") and "S T+00:02:00" in first_line
        assert "PAUSED" in str(runner.query_one("#clock-bar").render())


async def test_command_palette_lists_and_runs_runner_actions(tmp_path):
    app, store, clock = make_app(tmp_path, lang="en", start=StartRequest(scenario_id="mini"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_text(pilot, "major")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DrillRunnerScreen)
    done = [(e.step_id, e.rating) for e in journal_events(store) if e.type == "step_completed"]
    assert done == [("s1", "M")]


async def test_export_the_report_from_the_summary(tmp_path):
    from openpyxl import load_workbook

    app, store, clock = make_app(tmp_path, lang="en", start=StartRequest(scenario_id="mini"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("p", "e")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, DrillSummaryScreen)
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("down", "down", "down", "enter")  # html, md, csv, xlsx
        await pilot.pause()
        record_id = app.screen.session.record_id
    exported = store.root / "exports" / f"{record_id}.xlsx"
    assert exported.is_file()
    assert load_workbook(exported).sheetnames == ["Summary", "Overview", "Objectives", "Steps", "Figures", "Injects",
                                                  "Timeline", "Improvement plan"]


async def test_withdraw_a_note_by_keys(tmp_path):
    app, store, clock = make_app(tmp_path, lang="en", start=StartRequest(scenario_id="mini"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await type_text(pilot, "wrong step")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("w")  # pick the note, then confirm
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert app.screen.session.state.notes_for("s1") == []
        await pilot.press("w")  # nothing left: a notice, no dialog
        await pilot.pause()
        assert isinstance(app.screen, DrillRunnerScreen)
    events = journal_events(store)
    assert [e.type for e in events[1:]] == ["note_added", "note_retracted"]
    assert events[2].note_seq == events[1].seq


async def test_open_a_record_from_the_records_list(tmp_path):
    from bcp_drill.tui.screens.records import RecordsScreen

    library = mini_library()
    app, store, clock = make_app(tmp_path, lang="en", library=library)
    DrillSession.start(store, library.scenarios["mini"], "tabletop").close()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, RecordsScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DrillRunnerScreen)


async def test_a_drill_opened_from_the_command_line_goes_home_when_left(tmp_path):
    from bcp_drill.tui.screens.drill_setup import DrillSetupScreen

    app, store, _ = make_app(tmp_path, lang="en", start=StartRequest(scenario_id="mini"))
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, DrillSetupScreen)  # drawn first, no home screen under it
        assert len(app.screen_stack) == 1  # the first screen itself: nothing empty under it
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    app, store, _ = make_app(tmp_path, lang="en", start=StartRequest(scenario_id="no-such-scenario"))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)  # what could not be opened leaves the home screen
        assert [n.message for n in app._notifications] == ["No scenario 'no-such-scenario'."]  # and is said
        await pilot.pause()
        toasts = [str(toast.render()) for toast in app.screen.query("Toast")]
        assert any("No scenario 'no-such-scenario'." in text for text in toasts)  # on the screen, too
    library = mini_library()
    app, store, _ = make_app(tmp_path, lang="en", library=library)
    session = DrillSession.start(store, library.scenarios["mini"], "tabletop")
    session.close()
    app, store, _ = make_app(tmp_path, lang="en", library=library, start=StartRequest(record_id=session.record_id))
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, DrillRunnerScreen)
        await pilot.press("escape", "y")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_observations_by_keys_during_the_drill_in_the_hotwash_and_after(tmp_path):
    """Ctrl+O records an HSEEP observation: on the runner (the step's objective preselected), from
    the hotwash, and on the summary after the end; each is saved when its form is saved."""
    from textual.widgets import Label, Select

    from bcp_drill.tui.modals.hotwash import HotwashModal
    from bcp_drill.tui.modals.observation_form import ObservationFormModal

    app, store, clock = make_app(tmp_path, lang="en", start=StartRequest(scenario_id="mini"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("ctrl+o")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ObservationFormModal)
        assert form.query_one("#observation-objective", Select).value == "o1"  # s1's objective
        await pilot.press("ctrl+s")  # nothing written yet: refused in words at the field
        await pilot.pause()
        assert app.screen is form and form.query_one("#observation-text-error").display
        await type_text(pilot, "call-in list out of date")
        await pilot.press("tab")
        await type_text(pilot, "no yearly update")
        await pilot.press("tab")
        await type_text(pilot, "update it each April")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, DrillRunnerScreen)
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        hotwash = app.screen
        assert isinstance(hotwash, HotwashModal)
        assert "Observations recorded: 1" in str(hotwash.query_one("#hotwash-observations", Label).render())
        await pilot.press("ctrl+o")
        await pilot.pause()
        kind = app.screen.query_one("#observation-kind", Select)
        kind.value = "strength"
        app.screen.query_one("#observation-text").focus()
        await type_text(pilot, "fast first report")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is hotwash
        assert "Observations recorded: 2" in str(hotwash.query_one("#hotwash-observations", Label).render())
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, DrillSummaryScreen)
        body = str(app.screen.query_one("#summary-body").render())
        assert "[area for improvement] call-in list out of date" in body and "update it each April" in body
        assert "[strength] fast first report  ((no objective))" in body
    events = journal_events(store)
    observations = [(e.kind, e.objective_id, e.observation, e.analysis, e.recommendation)
                    for e in events if e.type == "observation_recorded"]
    assert observations == [
        ("improvement", "o1", "call-in list out of date", "no yearly update", "update it each April"),
        ("strength", None, "fast first report", "", "")]
    assert [e.type for e in events][-3:] == ["observation_recorded", "hotwash_recorded", "drill_ended"]


async def test_setup_asks_who_records_and_every_event_says_so(tmp_path):
    app, store, clock = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("d", "enter")
        assert isinstance(app.screen, DrillSetupScreen)
        field = app.screen.query_one("#drill-recorder")
        assert field.value == "記録係"  # from the settings, to be changed by whoever records here
        field.focus()
        await pilot.press("ctrl+u")
        await type_text(pilot, "佐藤 花子")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, DrillRunnerScreen)
        await pilot.press("p")
        await pilot.pause()
        app.screen.session.close()
    assert {e.by for e in journal_events(store)} == {"佐藤 花子"}


async def test_a_hotwash_that_cannot_be_saved_comes_back_with_its_text(tmp_path, monkeypatch):
    """The disk refuses the hotwash: the message says so, the form comes back with what was typed,
    and the console stays on a drill still running (it never shows the summary of an unended drill);
    once the disk is back, Ctrl+S saves it and the drill ends."""
    from textual.widgets import TextArea

    from bcp_drill.records.journal import JournalError
    from bcp_drill.tui.modals.hotwash import HotwashModal

    app, store, clock = make_app(tmp_path, lang="en", start=StartRequest(scenario_id="mini"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+s")
        await pilot.pause()
        runner = app.screen
        session = runner.session
        real_record = session.record_hotwash

        def disk_full(*args, **kwargs):
            raise JournalError(session.journal.path, "journal_write_failed", reason="No space left on device",
                               attempts=4)

        monkeypatch.setattr(session, "record_hotwash", disk_full)
        await end_drill(pilot, "quick call-in", "contacts out of date")
        form = app.screen
        assert isinstance(form, HotwashModal)
        assert form.query_one("#hotwash-strengths", TextArea).text == "quick call-in"
        assert form.query_one("#hotwash-improvements", TextArea).text == "contacts out of date"
        assert not session.state.ended
        monkeypatch.setattr(session, "record_hotwash", real_record)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, DrillSummaryScreen)
    events = journal_events(store)
    assert [e.type for e in events][-2:] == ["hotwash_recorded", "drill_ended"]
    assert (events[-2].strengths, events[-2].improvements) == ("quick call-in", "contacts out of date")


async def test_the_summary_figures_fit_an_80_column_screen(tmp_path):
    """At 80x24 the English figures table of earthquake-offhours wrapped every row (its last
    column on a line of its own): its labels now wrap at their spaces instead, and every line of
    the table fits the screen; a wide screen keeps one header line."""
    from textual.widgets import Static

    from bcp_drill.content.library import ContentLibrary
    from conftest import REPO

    library = ContentLibrary.load([REPO / "scenarios"], cwd=REPO)
    app, store, clock = make_app(tmp_path, lang="en", start=StartRequest(scenario_id="earthquake-offhours"),
                                 library=library)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+s")
        await pilot.pause()
        clock.advance(minutes=3)
        await pilot.press("p")
        await pilot.pause()
        await end_drill(pilot)
        assert isinstance(app.screen, DrillSummaryScreen)

        def table_lines():
            lines = str(app.screen.query_one("#summary-body", Static).render()).splitlines()
            top = next(i for i, line in enumerate(lines) if line.strip().startswith("Rating"))
            bottom = next(i for i, line in enumerate(lines) if line.startswith("Total"))
            return lines[top:bottom + 1]

        narrow = table_lines()
        assert max(len(line) for line in narrow) <= 76
        assert narrow[-1].split()[-1] == "100%" and narrow[-1].split()[0] == "Total"  # the rate on its row
        assert any(line.rstrip().endswith("rate") for line in narrow) and "On-time rate" not in "\n".join(narrow)
        await pilot.resize_terminal(140, 30)
        await pilot.pause()
        await pilot.pause()
        assert any(line.rstrip().endswith("On-time rate") for line in table_lines())  # one header line


async def test_injects_that_arrive_together_share_one_popup_and_all_reach_the_log(tmp_path, monkeypatch):
    """Jumping the clock hours ahead delivers several injects at once: one pop-up, not a pile of
    them over the screen; it names the first few and the log holds every one."""
    from bcp_drill.content.library import ContentLibrary
    from bcp_drill.tui.widgets.inject_log import InjectLog
    from conftest import REPO

    library = ContentLibrary.load([REPO / "scenarios"], cwd=REPO)
    app, store, clock = make_app(tmp_path, lang="en", start=StartRequest(scenario_id="earthquake-offhours"),
                                 library=library)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+s")
        await pilot.pause()
        runner = app.screen
        shown = []
        monkeypatch.setattr(runner, "notify", lambda message, **kw: shown.append((kw.get("title"), message)))
        before = set(runner.session.state.delivered)
        clock.advance(hours=3)
        runner.tick()
        await pilot.pause()
        arrived = [i for i in runner.session.state.delivered if i not in before]
        assert len(arrived) > 3
        assert len(shown) == 1
        title, message = shown[0]
        assert title == f"{len(arrived)} injects"
        assert [line.split(":")[0] for line in message.splitlines()[:3]] == arrived[:3]
        assert message.splitlines()[3] == f"… and {len(arrived) - 3} more in the inject log"
        log = "\n".join(str(line) for line in runner.query_one(InjectLog)._written)
        assert all(inject_id in log for inject_id in arrived)


async def test_a_step_with_many_notes_shows_the_newest_and_l_lists_them_all(tmp_path):
    from textual.widgets import Static

    from bcp_drill.tui.modals.text_view import TextViewModal
    from bcp_drill.tui.widgets.step_detail import NOTES_SHOWN

    app, _, _ = make_app(tmp_path, lang="en", start=StartRequest(scenario_id="mini"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+s")
        await pilot.pause()
        runner = app.screen
        assert isinstance(runner, DrillRunnerScreen)
        for number in range(1, NOTES_SHOWN + 6):
            runner.session.add_note(f"note {number:02d}", "s1")
        runner.session.add_note("about the whole drill")
        runner.redraw()
        await pilot.pause()
        detail = str(runner.query_one("#step-detail-body", Static).render())
        assert "... 5 earlier notes (l shows them all)" in detail
        assert "note 05" not in detail and "note 06" in detail and "note 25" in detail
        assert detail.index("note 06") < detail.index("note 25")  # oldest first, as recorded
        assert "about the whole drill" in detail
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, TextViewModal)
        listed = app.screen.body
        assert all(f"note {n:02d}" in listed for n in range(1, NOTES_SHOWN + 6))
        assert listed.startswith("Notes (25)") and "Notes on the drill (1)" in listed
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is runner
