"""A city's measures sheet (XLSX) imported, then reviewed by keys: rate, raise a problem under a
main issue, and read the seed's section-2 table on the tally screen."""

from textual.widgets import DataTable, Input

from bcp_drill.cli import main
from bcp_drill.content.library import ContentLibrary
from bcp_drill.followups.collect import collect_followups
from bcp_drill.followups.items import main_issues
from bcp_drill.tui.app import StartRequest
from bcp_drill.tui.modals.problem_form import ProblemFormModal
from bcp_drill.tui.screens.review import ReviewScreen
from bcp_drill.tui.screens.tally import TallyScreen
from support.drills import PILLARS, city_sheet

from .support import SIZE, journal_events, make_app, screen_text, type_text


async def test_review_an_imported_measures_sheet_by_keys(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    city_sheet(tmp_path / "measures.xlsx", rows_per_pillar=(2, 1, 1))
    (tmp_path / "checklists").mkdir()
    code = main(["measures", "import", str(tmp_path / "measures.xlsx"), "--id", "plan-3rd",
                 "--title", "第3次計画の施策評価", "-o", str(tmp_path / "checklists" / "plan-3rd.yaml"),
                 "--records", str(tmp_path / "imports"), "--lang", "ja"])
    assert code == 0, capsys.readouterr()
    library = ContentLibrary.load([tmp_path / "checklists"], cwd=tmp_path)
    assert library.problems == []

    app, store, _ = make_app(tmp_path, start=StartRequest(checklist_id="plan-3rd"), library=library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("end", *["backspace"] * 4)
        await type_text(pilot, "R2")
        await pilot.press("ctrl+s")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        # The sheet's earlier ratings are shown as the measure's previous assessment.
        assert "令和元年度: 目標通り（継続中）" in screen_text(app)
        await pilot.press("2", "s", "down", "1", "e", "down", "3", "r", "down", "5", "x")
        await pilot.press("ctrl+f")  # a problem on m3-1, the measure just rated
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ProblemFormModal)
        await type_text(pilot, "予約システムの利用が少ない")
        form.query_one("#problem-corrective-action", Input).focus()
        await type_text(pilot, "周知を広げる")
        form.query_one("#problem-main-issue", Input).focus()
        await type_text(pilot, "市民サービスの向上")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert isinstance(app.screen, TallyScreen)
        table = app.screen.query_one("#tally-table", DataTable)
        headings = [str(column.label) for column in table.columns.values()]
        assert headings[0].endswith("基本施策（柱）") and headings[1].endswith("施策数")
        assert any(h.startswith("施策の評価") for h in headings)
        rows = [[str(cell) for cell in table.get_row_at(index)] for index in range(table.row_count)]
        assert [row[0] for row in rows[:3]] == PILLARS and [row[1] for row in rows[:3]] == ["2", "1", "1"]
        assert rows[-1][1] == "4"  # the total

    events = journal_events(store)
    assert (events[0].checklist_id, events[0].fiscal_year) == ("plan-3rd", 2020)
    rated = [(e.item_id, e.dimension, e.option) for e in events if e.type == "item_rated"]
    assert rated == [("m1-1", "status", "continuing-on-target"), ("m1-1", "carryover", "same-scale"),
                     ("m1-2", "status", "continuing-above"), ("m1-2", "carryover", "expand"),
                     ("m2-1", "status", "continuing-in-progress"), ("m2-1", "carryover", "shrink"),
                     ("m3-1", "status", "finished-above"), ("m3-1", "carryover", "abolish")]
    [problem] = [e for e in events if e.type == "problem_raised"]
    assert (problem.source_ref, problem.corrective_action, problem.main_issue) == (
        "m3-1", "周知を広げる", "市民サービスの向上")
    [issue] = main_issues(collect_followups(store))
    assert issue.title == "市民サービスの向上" and [f.title for f in issue.followups] == ["予約システムの利用が少ない"]
