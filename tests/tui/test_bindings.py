"""Textual's own words reach users in the UI language; the private access behind it is pinned."""

import textual
from textual.command import CommandPalette
from textual.widgets import Input

from bcp_drill.tui.app import StartRequest
from bcp_drill.tui.bindings import CHECKED_WITH_TEXTUAL
from bcp_drill.tui.modals.problem_form import ProblemFormModal

from .support import make_app


def test_the_private_binding_access_was_checked_with_this_textual():
    # tui/bindings.py and tui/palette.py use Textual internals (_bindings, SelectOverlay,
    # _start_no_matches_countdown): look at them again when this fails after an upgrade.
    assert textual.__version__.startswith(CHECKED_WITH_TEXTUAL)


async def test_the_palette_the_quit_hint_and_drop_downs_speak_japanese(tmp_path):
    app, _, _ = make_app(tmp_path, lang="ja", start=StartRequest(scenario_id="mini"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+s")
        await pilot.pause()
        footer = " ".join(str(w.render()) for w in app.screen.query("FooterKey"))
        assert "コマンド" in footer and "palette" not in footer
        await pilot.press("ctrl+c")
        await pilot.pause()
        [hint] = [n for n in app._notifications if "Ctrl+Q" in n.message]
        assert hint.message == "終了するには Ctrl+Q を押してください" and "[b]" not in hint.message
        await pilot.press("ctrl+p")
        await pilot.pause()
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        assert palette.query_one(Input).placeholder == "コマンドを検索…"
        await pilot.press(*"zzzz")
        await pilot.pause(0.8)
        assert "該当するコマンドはありません" in str(palette.query_one("CommandList").get_option_at_index(0).prompt)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("f")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ProblemFormModal)
        form.query_one("#problem-category").focus()
        await pilot.press("enter")  # open the drop-down
        await pilot.pause()
        escape = app.screen.active_bindings["escape"].binding  # the open list's own Escape
        assert escape.description == "一覧を閉じる"


async def test_the_palette_lists_app_actions_in_the_ui_language(tmp_path):
    from bcp_drill.tui.commands import ScreenActionsProvider

    app, _, _ = make_app(tmp_path, lang="ja", start=StartRequest(scenario_id="mini"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+s")
        await pilot.pause()
        provider = ScreenActionsProvider(app.screen)
        labels = [text for text, _ in provider._commands()]
        # the app's high-contrast switch is there too
        assert any(label.endswith("(f2)") and "コントラスト" in label for label in labels), labels
        # Textual's own words (Focus Previous, Copy selected text, palette) are translated too.
        assert all(not label.split("  (")[0].isascii() for label in labels), labels
        # What the palette shows has each command's key (a "[p]" was read as markup and vanished).
        await pilot.press("ctrl+p")
        await pilot.pause(0.5)
        listed = app.screen.query_one("CommandList")
        shown = [str(listed.get_option_at_index(i).prompt) for i in range(listed.option_count)]
        assert shown and all(line.rstrip().endswith(")") for line in shown), shown
        assert any("(p)" in line for line in shown), shown
