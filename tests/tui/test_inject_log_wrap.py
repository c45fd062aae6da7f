"""No character is ever lost when the inject log wraps Japanese text, at any width from 60 to
140 columns and after the terminal is resized (RichLog rendered at least 78 columns and kept
lines as first wrapped, so a narrower log cut each line at its edge)."""

from rich.text import Text
from textual.app import App, ComposeResult

from bcp_drill.tui.widgets.inject_log import InjectLog

CONTENT = "T+00:05:00 [状況付与 i1] 消防本部 -> ICT部門責任者 (電話): " + "庁舎の安全確保を求める連絡が入った。" * 4


class LogApp(App):
    CSS = "InjectLog { height: 12; border: round white; }"

    def compose(self) -> ComposeResult:
        yield InjectLog()

    def on_mount(self) -> None:
        for number in range(3):
            self.query_one(InjectLog).write(Text(f"{number} {CONTENT}"))


def shown(log: InjectLog) -> str:
    return "".join(strip.text.rstrip() for strip in log.lines).replace(" ", "")


async def test_every_character_is_on_screen_at_every_width():
    want = "".join(f"{n}{CONTENT}" for n in range(3)).replace(" ", "")
    for width in range(60, 141, 8):
        app = LogApp()
        async with app.run_test(size=(width, 20)) as pilot:
            await pilot.pause()
            log = app.query_one(InjectLog)
            assert shown(log) == want, width
            assert log.virtual_size.width <= log.scrollable_content_region.width, width  # nothing hidden to the right


async def test_a_resized_log_wraps_again():
    app = LogApp()
    async with app.run_test(size=(140, 20)) as pilot:
        await pilot.pause()
        await pilot.resize_terminal(70, 20)
        await pilot.pause()
        log = app.query_one(InjectLog)
        assert log.virtual_size.width <= log.scrollable_content_region.width
        assert shown(log) == "".join(f"{n}{CONTENT}" for n in range(3)).replace(" ", "")
