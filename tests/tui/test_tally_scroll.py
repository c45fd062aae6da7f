"""The review tally scrolled sideways at 80 and 120 columns: each group heading stays over its own
columns, every figure and label shows whole or not at all ("12" never as "2"), the pillar names
stay at the left; and the item table shows whole ratings at 80 columns."""

import pytest
from rich.cells import cell_len

from bcp_drill.render.tables import Table
from bcp_drill.render.tallies import review_tally_table
from bcp_drill.review.tally import tally_review
from bcp_drill.tui.app import StartRequest
from bcp_drill.tui.screens.tally import GroupHeadedTable, TallyScreen

from .support import make_app
from .test_snapshots import _open_tally, seed_tally_app, shipped_library

LEVELS = ("supergroup", "group")


def screen_cells(app) -> list[list[str]]:
    """The screen as the terminal shows it, one list of cells per line (a wide character's second
    cell is "")."""
    lines = []
    for strip in app.screen._compositor.render_strips():
        cells: list[str] = []
        for char in strip.text:
            cells += [char] + [""] * (cell_len(char) - 1)
        lines.append(cells)
    return lines


def shown(cells: list[str], left: int, right: int) -> str:
    """The text in the cells LEFT..RIGHT of a line (nothing where the range is off screen)."""
    return "".join(cells[max(left, 0):right]).strip() if right > left else ""


def column_edges(table: GroupHeadedTable) -> list[tuple[int, int]]:
    """Each column's left and right edge on screen, where the table draws its cells."""
    x, edges = 0, []
    for index, column in enumerate(table.ordered_columns):
        width = column.get_render_width(table)
        left = table.region.x + x - (0 if index < table.fixed_columns else round(table.scroll_x))
        edges.append((left, left + width))
        x += width
    return edges


def runs(model: Table, level: str) -> list[tuple[int, int, str]]:
    """The runs (start, end, heading) of columns after the pillar under one heading of LEVEL and
    the same headings above it."""
    upper = LEVELS[: LEVELS.index(level) + 1]
    found: list[tuple[int, int, str]] = []
    for index in range(1, len(model.columns)):
        key = [getattr(model.columns[index], name) for name in upper]
        if found and [getattr(model.columns[found[-1][0]], name) for name in upper] == key:
            found[-1] = (found[-1][0], index + 1, found[-1][2])
        else:
            found.append((index, index + 1, getattr(model.columns[index], level)))
    return found


def check_the_view(app, model: Table) -> int:
    """Everything on screen stands over its own column; returns how many counted columns show whole."""
    table = app.screen.query_one("#tally-table", GroupHeadedTable)
    screen = screen_cells(app)
    edges = column_edges(table)
    fixed_end, right_end = edges[0][1], table.region.right
    whole = [index == 0 or (fixed_end <= left and right <= right_end) for index, (left, right) in enumerate(edges)]
    top = table.region.y
    label_line = top + len(LEVELS)
    body = [[model.columns[index].label for index in range(len(model.columns))], *model.rows]
    for line, values in enumerate(body, start=label_line):
        for index, (left, right) in enumerate(edges):
            text = shown(screen[line], max(left, fixed_end if index else left), min(right, right_end))
            # A whole column shows its label or figure exactly; a column partly in view shows nothing.
            assert text == (str(values[index]) if whole[index] else ""), (line, index, text)
    for depth, level in enumerate(LEVELS):
        for start, end, heading in runs(model, level):
            in_view = [index for index in range(start, end) if whole[index]]
            if not in_view:
                continue
            text = shown(screen[top + depth], edges[in_view[0]][0], edges[in_view[-1]][1])
            room = edges[in_view[-1]][1] - edges[in_view[0]][0] - 2
            # The run's own heading over the part of it in view (cut only where it is wider than that part).
            assert text == heading if cell_len(heading) <= room else heading.startswith(text) and text, (
                level, heading, text)
        for index in range(1, len(edges)):
            if not whole[index]:
                left, right = max(edges[index][0], fixed_end), min(edges[index][1], right_end)
                assert shown(screen[top + depth], left, right) == ""
    return sum(whole) - 1


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_headings_follow_their_columns_and_no_figure_is_cut(tmp_path, size):
    app, record_id = seed_tally_app(tmp_path)
    async with app.run_test(size=size) as pilot:
        await _open_tally(record_id)(pilot)
        screen = app.screen
        assert isinstance(screen, TallyScreen)
        model = review_tally_table(tally_review(screen.state), screen.state, app.ctx.t,
                                   app.ctx.settings.zeros == "blank")
        table = screen.query_one("#tally-table", GroupHeadedTable)
        assert table.max_scroll_x > 0  # the counts do not fit: the table scrolls sideways
        assert check_the_view(app, model) > 0
        seen = [table.scroll_x]
        while True:  # right steps a whole column at a time
            await pilot.press("right")
            await pilot.pause()
            if table.scroll_x == seen[-1]:
                break
            seen.append(table.scroll_x)
            assert check_the_view(app, model) > 0
        assert seen[-1] == table.max_scroll_x and len(seen) > 3
        for key in ("home", "end", "left", "left"):
            await pilot.press(key)
            await pilot.pause()
            assert check_the_view(app, model) > 0
        # A scroll to any cell (the mouse, the scroll bar) cuts no figure either.
        for x in range(table.max_scroll_x + 1):
            table.scroll_to(x=x, animate=False, immediate=True)
            await pilot.pause()
            assert check_the_view(app, model) > 0


async def test_the_pillar_column_stays_while_the_counts_scroll(tmp_path):
    app, record_id = seed_tally_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_tally(record_id)(pilot)
        await pilot.press("end")
        await pilot.pause()
        text = "\n".join("".join(line) for line in screen_cells(app))
        assert "基本施策（柱）" in text and "(1) にぎわいと活力を創出する情報化" in text
        assert "次期計画への引継ぎ" in text and "確認" in text  # the last columns, whole


@pytest.mark.parametrize("size", [(80, 24), (110, 34)])
async def test_the_item_table_tells_continuing_from_finished(tmp_path, size):
    app, _, _ = make_app(tmp_path, lang="ja", library=shipped_library(),
                         start=StartRequest(checklist_id="plan-review-3rd"))
    async with app.run_test(size=size) as pilot:
        await pilot.press("ctrl+s")
        await pilot.pause()
        # 目標通り while continuing, then when finished; each with its carry-over
        await pilot.press("2", "s", "down", "6", "e", "down")
        await pilot.pause()
        text = "\n".join("".join(line) for line in screen_cells(app))
        table_lines = [line for line in text.splitlines() if "cc-a.a" in line or "cc-i.a" in line]
        assert "目標通り（継続中）" in table_lines[0] and "目標通り（完了）" in table_lines[1]
        if size[0] >= 110:  # room for the carry-over too, whole
            assert "同規模" in table_lines[0] and "拡大" in table_lines[1]
