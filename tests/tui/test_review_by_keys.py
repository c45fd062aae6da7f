"""Reviews and follow-ups driven by keys: rate items, filter, assess, tally, close a follow-up."""

from datetime import date

from textual.widgets import DataTable

from bcp_drill.records.journal import read_journal
from bcp_drill.review.session import ReviewSession
from bcp_drill.tui.app import StartRequest
from bcp_drill.tui.screens.followups import FollowUpsScreen
from bcp_drill.tui.screens.home import HomeScreen
from bcp_drill.tui.screens.review import ReviewScreen
from bcp_drill.tui.screens.review_setup import ReviewSetupScreen
from bcp_drill.tui.screens.tally import TallyScreen
from support.drills import mini_library

from .support import SIZE, journal_events, make_app, type_text


def cell(table: DataTable, row_key: str, column: str) -> str:
    return str(table.get_cell(row_key, column))


async def test_rate_items_by_single_keys(tmp_path):
    app, store, _ = make_app(tmp_path, start=StartRequest(checklist_id="mini-review"))
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, ReviewSetupScreen)
        await pilot.press("end")  # replace the default year
        for _ in range(4):
            await pilot.press("backspace")
        await type_text(pilot, "R7")
        await pilot.press("ctrl+s")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        await pilot.press("2", "s")  # a1: on target (continuing), same scale
        await pilot.press("down", "7", "x")  # a2: abolished, abolish
        await pilot.pause()
        table = screen.query_one(DataTable)
        assert cell(table, "a1", "mark") == "[v]"
        # 目標通り continuing and 目標通り finished are two codes: the table tells them apart.
        assert cell(table, "a1", "dim:status") == "目標通り（継続中）"
        assert cell(table, "a2", "dim:status") == "廃止・中止"
        assert cell(table, "a2", "dim:carryover") == "廃止"
        assert cell(table, "b1", "mark") == "[ ]"
        assert "評価済 2/3" in str(screen.query_one("#review-progress").render())
    events = journal_events(store)
    assert events[0].fiscal_year == 2025
    assert [(e.item_id, e.dimension, e.option) for e in events if e.type == "item_rated"] == [
        ("a1", "status", "continuing-on-target"), ("a1", "carryover", "same-scale"),
        ("a2", "status", "finished-abolished"), ("a2", "carryover", "abolish")]


async def test_filter_assess_evidence_tally_and_finish(tmp_path):
    app, store, clock = make_app(tmp_path, lang="en", start=StartRequest(checklist_id="mini-review"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+s")
        await pilot.pause()
        screen = app.screen
        await pilot.press("1", "e")  # a1 fully rated
        await pilot.press("ctrl+u")  # only unrated: a2, b1
        await pilot.pause()
        table = screen.query_one(DataTable)
        assert [row.value for row in table.rows] == ["a2", "b1"]
        await pilot.press("enter")  # assessment of a2
        await pilot.pause()
        await type_text(pilot, "on track")
        await pilot.press("ctrl+s")
        await pilot.press("ctrl+e")
        await pilot.pause()
        await type_text(pilot, "minutes 2025-03")
        await pilot.press("ctrl+s")
        await pilot.press("3")  # a2 status only: still unrated in carry-over, stays listed
        await pilot.pause()
        assert [row.value for row in table.rows] == ["a2", "b1"]
        await pilot.press("r")  # carry-over: shrink → a2 leaves the unrated list
        await pilot.pause()
        assert [row.value for row in table.rows] == ["b1"]
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert isinstance(app.screen, TallyScreen)
        body = str(app.screen.query_one("#tally-body").render())
        assert "1 item is not rated yet" in body and "[ ] b1" in body
        await pilot.press("escape", "ctrl+d")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        await pilot.press("2")  # a finished review refuses changes
        await pilot.pause()
    events = journal_events(store)
    kinds = [e.type for e in events]
    assert kinds[-1] == "review_finished"
    assert [e.text for e in events if e.type == "assessment_recorded"] == ["on track"]
    assert [(e.item_id, e.text) for e in events if e.type == "evidence_recorded"] == [("a2", "minutes 2025-03")]
    assert sum(1 for e in events if e.type == "item_rated") == 4


async def test_resume_a_review_from_home(tmp_path):
    library = mini_library()
    app, store, _ = make_app(tmp_path, lang="en", library=library)
    session = ReviewSession.start(store, library.checklists["mini-review"],
                                  library.scale_of(library.checklist("mini-review")), fiscal_year_value=2024)
    session.rate("b1", "status", "continuing-unchanged")
    session.close()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await pilot.pause()
        # The choice names the checklist, when the review started, and how much it holds.
        options = app.screen.query_one("OptionList")
        assert options.option_count == 1
        title = library.checklists["mini-review"].document.title.get("en")
        assert str(options.get_option_at_index(0).prompt) == \
            f"review  {title}  2026-11-25 01:00  (2 entries)  {session.record_id}"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        table = app.screen.query_one(DataTable)
        assert cell(table, "b1", "mark") == "[~]"  # one of two dimensions rated


async def test_close_a_follow_up_from_the_list(tmp_path):
    library = mini_library()
    app, store, clock = make_app(tmp_path, lang="en", library=library)
    session = ReviewSession.start(store, library.checklists["mini-review"],
                                  library.scale_of(library.checklist("mini-review")))
    session.raise_problem("[bold]HP[/bold] is stale", "a1", due=date(2020, 1, 1))
    session.close()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, FollowUpsScreen)
        table = screen.query_one(DataTable)
        assert cell(table, f"{session.record_id}/P01", "title") == "[bold]HP[/bold] is stale"  # not markup
        assert "[!OVERDUE]" in cell(table, f"{session.record_id}/P01", "status")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("enter")  # open the status list
        await pilot.press("down", "down", "enter")  # open → in progress → done
        await pilot.pause()
        for _ in range(5):  # to the closure evidence
            await pilot.press("tab")
        await type_text(pilot, "page renewed")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FollowUpsScreen)
        assert cell(table, f"{session.record_id}/P01", "status") == "done"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    [update] = read_journal(store.path_of("followups")).events
    assert (update.status, update.closure_evidence, update.by) == ("done", "page renewed", "記録係")
    assert update.owner_person is None  # unchanged fields are not part of the event


async def test_search_follow_ups_by_owner_and_drill_figures_screen(tmp_path):
    library = mini_library()
    app, store, clock = make_app(tmp_path, lang="en", library=library)
    review = ReviewSession.start(store, library.checklists["mini-review"],
                                 library.scale_of(library.checklist("mini-review")))
    review.raise_problem("web pages", "a1", owner_organisation="広報課")
    review.raise_problem("backups", "a2", owner_organisation="情報政策課")
    review.close()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f")
        await pilot.pause()
        await pilot.press("slash")
        await pilot.pause()
        await type_text(pilot, "広報")
        await pilot.press("enter")
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        assert [str(table.get_cell(row, "title")) for row in table.rows] == ["web pages"]
        await pilot.press("escape", "t")
        await pilot.pause()
        assert "no drill records" in str(app.screen.query_one("#tally-body").render())


async def test_a_rating_key_acts_only_on_the_item_on_screen(tmp_path):
    app, store, _ = make_app(tmp_path, lang="en", start=StartRequest(checklist_id="mini-review"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+s")
        await pilot.pause()
        screen = app.screen
        progress = screen.query_one("#review-progress")
        detail = screen.query_one("#item-detail-body")
        await pilot.press("shift+tab")  # the section tree
        await pilot.pause()
        await pilot.press("7")  # a section is highlighted there, not an item: nothing is rated
        await pilot.pause()
        assert [e.type for e in journal_events(store)] == ["review_started"]
        await pilot.press("tab", "ctrl+u", "down")  # only unrated items; on a2
        await pilot.pause()
        assert screen.shown_item == "a2" and str(detail.render()).startswith("a2")
        await pilot.press("2")
        await pilot.pause()
        assert "rated 0/3" in str(progress.render())  # partly rated: not counted yet, still listed
        await pilot.press("s")
        await pilot.pause()
        # a2 is rated and leaves the list; the item after it is selected and shown in full.
        assert "rated 1/3" in str(progress.render())
        assert screen.selected_item == screen.shown_item == "b1" and str(detail.render()).startswith("b1")
        await pilot.press("7", "x")
        await pilot.pause()
        assert "rated 2/3" in str(progress.render())
    rated = [(e.item_id, e.option) for e in journal_events(store) if e.type == "item_rated"]
    assert rated == [("a2", "continuing-on-target"), ("a2", "same-scale"),
                     ("b1", "finished-abolished"), ("b1", "abolish")]


async def test_screens_over_the_folder_name_a_record_they_could_not_read(tmp_path):
    from bcp_drill.drill.session import DrillSession
    from bcp_drill.tui.screens.tally import DrillTallyScreen

    library = mini_library()
    app, store, _ = make_app(tmp_path, lang="en", library=library)
    for _ in range(2):
        session = DrillSession.start(store, library.scenarios["mini"], "tabletop")
        session.raise_problem("UPS alarm", "s1")
        session.close()
    damaged = session.record_id
    path = store.path_of(damaged)
    path.write_bytes(path.read_bytes().replace(b'"type":"problem_raised"', b'"type":"problem_raise"'))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, FollowUpsScreen)
        assert f"record {damaged} could not be read" in str(app.screen.query_one("#followups-left-out").render())
        await pilot.press("escape", "t")
        await pilot.pause()
        assert isinstance(app.screen, DrillTallyScreen)
        assert f"record {damaged} could not be read" in str(app.screen.query_one("#tally-body").render())


async def test_screens_name_a_record_that_does_not_prove_and_one_read_only_in_part(tmp_path):
    """A rating changed and the chain made whole again (a valid journal, but not the sealed one)
    is left out and named; a last line cut by a power loss is named beside the figures it is in."""
    import json

    from bcp_drill.drill.session import DrillSession
    from bcp_drill.records.journal import line_hash
    from bcp_drill.tui.screens.records import RecordsScreen
    from bcp_drill.tui.screens.tally import DrillTallyScreen

    library = mini_library()
    app, store, _ = make_app(tmp_path, lang="en", library=library)
    ids = []
    for _ in range(2):
        session = DrillSession.start(store, library.scenarios["mini"], "tabletop")
        session.complete_step("s1", "S")
        session.close()
        ids.append(session.record_id)
    forged, cut = ids
    path = store.path_of(forged)
    lines = path.read_bytes().split(b"\n")[:-1]
    lines[1] = lines[1].replace(b'"rating":"S"', b'"rating":"P"')
    for index in range(2, len(lines)):
        data = json.loads(lines[index])
        data["prev"] = line_hash(lines[index - 1])
        lines[index] = json.dumps(data, separators=(",", ":")).encode()
    path.write_bytes(b"".join(line + b"\n" for line in lines))
    store.path_of(cut).write_bytes(store.path_of(cut).read_bytes() + b'{"seq":3,"type":"no')
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, DrillTallyScreen)
        body = str(app.screen.query_one("#tally-body").render())
        assert f"record {forged} could not be read" in body and "changed after it was sealed" in body
        assert f"record {cut} is included, but not all of it" in body and "not completely written" in body
        await pilot.press("escape", "b")
        await pilot.pause()
        assert isinstance(app.screen, RecordsScreen)
        options = app.screen.query_one("OptionList")
        shown = "\n".join(str(options.get_option_at_index(i).prompt) for i in range(options.option_count))
        assert f"[!!] {forged}" in shown and "changed after it was sealed" in shown
        assert "[!] the last event was not completely written" in shown


async def test_review_year_from_the_command_line_is_the_year_recorded(tmp_path):
    """`bcp-drill review CHECKLIST --year R2`: the set-up shows 2020 and Ctrl+S records 2020,
    whatever this year is."""
    from bcp_drill.tui.app import StartRequest
    from bcp_drill.tui.screens.review import ReviewScreen
    from bcp_drill.tui.screens.review_setup import ReviewSetupScreen

    app, store, _ = make_app(tmp_path, lang="en", library=mini_library(),
                             start=StartRequest(checklist_id="mini-review", fiscal_year=2020))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ReviewSetupScreen)
        assert app.screen.query_one("#review-year").value == "2020"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
    started = journal_events(store)[0]
    assert started.type == "review_started" and started.fiscal_year == 2020


def test_a_bad_review_year_is_refused_before_anything_is_drawn(tmp_path, capsys, monkeypatch):
    from bcp_drill.cli import main

    monkeypatch.chdir(tmp_path)
    code = main(["review", "plan-review-3rd", "--year", "R99x", "--records", str(tmp_path / "r"), "--lang", "en"])
    assert code == 1 and "R99x" in capsys.readouterr().err


async def test_the_follow_ups_screen_reads_the_records_in_a_thread(tmp_path, monkeypatch):
    """A folder of years of drills took seconds to read on the screen's own loop, every key
    waiting: now the screen shows at once ("Reading the records…"), and its list when read."""
    import threading

    from bcp_drill.tui.screens import followups as followups_screen

    from .support import settle

    library = mini_library()
    app, store, _ = make_app(tmp_path, lang="en", library=library)
    session = ReviewSession.start(store, library.checklists["mini-review"],
                                  library.scale_of(library.checklist("mini-review")))
    session.raise_problem("HP is stale", "a1")
    session.close()
    release = threading.Event()
    real_collect = followups_screen.collect_followups

    def slow_collect(*args, **kwargs):
        release.wait(10)  # a big folder, still being read
        return real_collect(*args, **kwargs)

    monkeypatch.setattr(followups_screen, "collect_followups", slow_collect)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, FollowUpsScreen)
        assert str(screen.query_one("#followups-title").render()) == "Reading the records…"
        await pilot.press("f")  # keys are taken meanwhile: the filter moves on
        await pilot.pause()
        assert screen.filter != "all"
        release.set()
        await settle(pilot)
        screen.filter = "all"
        screen.show_items()
        await pilot.pause()
        assert [item.title for item in screen.items] == ["HP is stale"]


async def test_drill_evidence_is_proposed_and_recorded_only_when_accepted(tmp_path):
    """A call-in drill recorded, then the readiness review: the item shows the drill's result and the
    suggested rating; Ctrl+A records them; another item rated by hand gets no evidence written."""
    from bcp_drill.content.library import ContentLibrary
    from bcp_drill.drill.session import DrillSession
    from conftest import REPO

    from .support import settle

    library = ContentLibrary.load([REPO / "scenarios", REPO / "checklists"], cwd=REPO)
    app, store, clock = make_app(tmp_path, lang="en", library=library,
                                 start=StartRequest(checklist_id="ict-bcp-readiness"))
    drill = DrillSession.start(store, library.scenarios["safety-callin-drill"], "functional")
    clock.advance(minutes=2)
    for step in ("s01", "s02"):
        drill.complete_step(step, "P")
    clock.advance(minutes=40)  # s03 late (target T+0:30), s04 and s05 on time
    for step in ("s03", "s04", "s05", "s06"):
        drill.complete_step(step, "P")
    drill.end()
    drill.close()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+s")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        await pilot.press("down")  # org.call-in
        await pilot.pause()
        detail = str(screen.query_one("#item-detail-body").render())
        assert "Proposed from drills (nothing is recorded until you accept)" in detail
        assert "safety-callin-drill s03 Tally answers at 30 minutes: [L] done late" in detail
        assert drill.record_id in detail and "Suggested rating: Status: Partly done (partly achieved)" in detail
        assert "Ctrl+A accepts" in detail
        assert [e.type for e in read_journal(screen.session.journal.path).events] == ["review_started"]
        await pilot.press("ctrl+a")
        await pilot.pause()
        assert cell(screen.query_one(DataTable), "org.call-in", "dim:status") == "Partly"
        await pilot.press("down", "down", "down")  # org.safety-confirmation: both objectives P, proposes Done
        await pilot.pause()
        assert "Suggested rating: Status: Done (achieved)" in str(screen.query_one("#item-detail-body").render())
        await pilot.press("2")  # the reviewer judges otherwise: rated by hand, no evidence written
        await pilot.pause()
    events = [e for e in read_journal(screen.session.journal.path).events if e.type != "review_started"]
    assert [(e.type, e.item_id) for e in events] == [
        ("item_rated", "org.call-in"), ("evidence_recorded", "org.call-in"), ("item_rated", "org.safety-confirmation")]
    assert events[0].option == "partly" and events[2].option == "partly"
    assert drill.record_id in events[1].text and "done late" in events[1].text


async def test_a_review_of_a_year_past_the_next_is_refused_under_the_year(tmp_path):
    """R40 (2058) typed for R4: said under the year field, and no record is made."""
    app, store, _ = make_app(tmp_path, lang="en", library=mini_library(),
                             start=StartRequest(checklist_id="mini-review"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await type_text(pilot, "R40")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ReviewSetupScreen)
        message = str(app.screen.query_one("#review-year-error").render())
        assert "next fiscal year (2027): 2058 is not one of them" in message
    assert not list(store.root.glob("*.jsonl"))
