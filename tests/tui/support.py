"""Building the app for Pilot tests: small content, a fake clock, a temp records folder."""

from datetime import timezone

from bcp_drill import wallclock
from bcp_drill.records.journal import read_journal
from bcp_drill.settings import Settings
from bcp_drill.tui.app import BcpDrillApp, StartRequest
from bcp_drill.tui.context import TuiContext
from support.drills import FakeClock, make_store, mini_library

SIZE = (110, 36)


def use_utc() -> None:
    # Screens show times on the wall clock (wallclock.py); tests pin it so snapshots do not move.
    wallclock.use_zone(timezone.utc)


def make_app(tmp_path, lang="ja", start=None, clock=None, library=None, theme="default", config_path=None):
    use_utc()
    clock = clock or FakeClock()
    store = make_store(tmp_path, clock, recorder="記録係")
    settings = Settings(lang=lang, records=store.root, recorder="記録係", theme=theme)
    # The content is handed over as a loader, as `bcp-drill` does for its home screen: it is
    # read the first time a screen asks for it. A drill or review asked for at the start gets
    # it read already, so that the first key lands on its screen (test_loading.py covers
    # `run SCENARIO`'s loading screen, drawn while the content is read).
    asked = start is not None and bool(start.scenario_id or start.checklist_id)
    content = library if library is not None else mini_library
    if asked and callable(content):
        content = content()
    context = TuiContext(settings, content, store, config_path or tmp_path / "bcp-drill.toml")
    app = BcpDrillApp(context, start or StartRequest())
    return app, store, clock


def journal_events(store):
    [path] = sorted(store.root.glob("*.jsonl"))
    return read_journal(path).events


async def type_text(pilot, text: str) -> None:
    for char in text:
        await pilot.press(char)


async def end_drill(pilot, strengths: str = "", improvements: str = "") -> None:
    """On the runner: `e`, confirm with `y`, type the hotwash, save it with Ctrl+S."""
    await pilot.press("e")
    await pilot.pause()
    await pilot.press("y")
    await pilot.pause()
    await type_text(pilot, strengths)
    await pilot.press("tab")
    await type_text(pilot, improvements)
    await pilot.press("ctrl+s")
    await pilot.pause()


def screen_text(app) -> str:
    """The text of every label, list and log line on the current screen, one per line."""
    from textual.widgets import OptionList, RichLog, Static

    parts: list[str] = []
    for widget in app.screen.query("*"):
        if isinstance(widget, RichLog):
            parts += [strip.text for strip in widget.lines]
        elif isinstance(widget, OptionList):
            parts += [str(option.prompt) for option in widget.options]
        elif isinstance(widget, Static):
            parts.append(str(widget.render()))
    return "\n".join(parts)


async def settle(pilot) -> None:
    """Wait until the screen's workers (the records read in a thread) are done and shown."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
