"""The bcp-drill Textual application: screens on a stack, home at the bottom."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from textual import work
from textual.app import App
from textual.await_complete import AwaitComplete
from textual.binding import Binding
from textual.screen import Screen

from bcp_drill.errors import describe
from bcp_drill.tui.bindings import translate_bindings
from bcp_drill.tui.commands import ScreenActionsProvider
from bcp_drill.tui.context import TuiContext
from bcp_drill.tui.screens.home import HomeScreen
from bcp_drill.tui.themes import HIGH_CONTRAST, THEME_NAMES, use_ascii_scrollbars

if TYPE_CHECKING:
    from bcp_drill.content.library import ContentLibrary
    from bcp_drill.drill.opening import Notice, Opened
    from bcp_drill.drill.session import DrillSession
    from bcp_drill.i18n import Translator
    from bcp_drill.sessions import JournalSession

SessionT = TypeVar("SessionT", bound="JournalSession")


@dataclass(frozen=True)
class StartRequest:
    """What to open straight after the home screen: a new drill or a resumed one."""

    scenario_id: str | None = None
    checklist_id: str | None = None
    fiscal_year: int | None = None  # the 年度 a review is set up for (`review --year`); None: this one
    record_id: str | None = None
    join: tuple[str, str, str | None] | None = None  # open RECORD_ID as a team console: role, team, name


def resolve_start(library: ContentLibrary, start: StartRequest, t: Translator) -> StartRequest | str:
    """START with its scenario or checklist reference (an id, a title or a file) made the id of
    the content it names, or the message saying that there is no such content."""
    if start.scenario_id:
        scenario = library.scenario(start.scenario_id)
        if scenario is None:
            return library.not_found("scenario", start.scenario_id, t)
        return StartRequest(scenario_id=scenario.id)
    if start.checklist_id:
        checklist = library.checklist(start.checklist_id)
        if checklist is None:
            return library.not_found("checklist", start.checklist_id, t)
        return StartRequest(checklist_id=checklist.id, fiscal_year=start.fiscal_year)
    return start


class BcpDrillApp(App):
    CSS_PATH = "app.tcss"
    TITLE = "bcp-drill"
    # Only the screen's own actions, named in the UI language (Textual's system commands are English).
    COMMANDS = {ScreenActionsProvider}
    BINDINGS = [
        Binding("ctrl+q", "quit", "keys.quit", show=False, priority=True),
        Binding("f2", "toggle_contrast", "keys.toggle_contrast"),
        Binding("f3", "toggle_chrome", "keys.toggle_chrome", show=False),
    ]

    def __init__(self, ctx: TuiContext, start: StartRequest | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.start = start or StartRequest()
        self.failure: str | None = None  # why the app gave up opening what was asked (said after exit)
        self.read_content_after_draw = False  # the first screen is a set-up drawn from the content's outline
        self._first_screen: Screen | None = None  # what `show` gives while the first screen is being opened
        self._opening_first = False
        self.loading_screen: Screen | None = None  # drawn first while the content is read, then kept under
        self._said_content_problems = False

    def get_default_screen(self) -> Screen:
        # The screen a person came for is the first one drawn (not pushed over an empty screen
        # after it: one frame sooner): the home screen, or what the command line asked for.
        start = self.start
        if (start.scenario_id or start.checklist_id) and not self.ctx.library_loaded:
            early = self.setup_from_outline()
            if early is not None:  # the first screen drawn; the content is read behind it
                self.read_content_after_draw = True
                return early
            from bcp_drill.tui.screens.loading import LoadingScreen

            self.loading_screen = LoadingScreen(start.scenario_id or start.checklist_id or "")
            return self.loading_screen
        if start.scenario_id or start.checklist_id or start.record_id:
            return self.opened_first() or HomeScreen()  # what cannot be opened leaves the home screen
        return HomeScreen()

    def on_mount(self) -> None:
        translate_bindings(self, self.ctx.t)
        self.register_theme(HIGH_CONTRAST)
        if self.theme != THEME_NAMES[self.ctx.settings.theme]:  # each change restyles everything
            self.theme = THEME_NAMES[self.ctx.settings.theme]
        if self.ctx.settings.chrome == "ascii":  # the default frames need no second styling pass
            self.apply_chrome()
        # A drill or review asked for on the command line is the first screen drawn (opened in
        # get_default_screen); the home screen takes its place when it is left (see
        # `leave_screen`). When the content is not read yet, the loading screen is drawn first
        # and the content read after it (or, when the kept copy's outline had it, the set-up
        # screen, and the content read behind it).
        if self.read_content_after_draw:
            self.call_after_refresh(self.read_content)
            return
        if self.loading_screen is not None:
            self.call_after_refresh(self.open_requested_content)

    def opened_first(self) -> Screen | None:
        """What the command line asked for, opened as the first screen drawn (one frame sooner
        than pushed over an empty screen); None, said, when it cannot be opened."""
        self._opening_first = True
        try:
            self.open_start()
        finally:
            self._opening_first = False
        return self._first_screen

    def show(self, screen: Screen) -> None:
        """SCREEN over the one shown, or as the first screen while that is being opened."""
        if self._opening_first:
            self._first_screen = screen
        else:
            self.push_screen(screen)

    def setup_from_outline(self) -> Screen | None:
        """The set-up screen asked for on the command line, drawn from the outline kept with the
        content's derived copy (content/outline.py) before the content is read; None when the
        copy does not name it by id (a title, a file, no usable copy: the content is read first)."""
        outline = self.ctx.kept_outline()
        if outline is None:
            return None
        if self.start.scenario_id and self.start.scenario_id in outline.scenarios:
            from bcp_drill.tui.screens.drill_setup import DrillSetupScreen

            return DrillSetupScreen(outline.scenarios[self.start.scenario_id])
        if self.start.checklist_id and self.start.checklist_id in outline.checklists:
            from bcp_drill.tui.screens.review_setup import ReviewSetupScreen

            return ReviewSetupScreen(outline.checklists[self.start.checklist_id], self.start.fiscal_year)
        return None

    @work(thread=True, group="content")
    def read_content(self) -> None:
        """Read the content behind a set-up screen drawn from its outline (from the same kept
        copy), off the screen's loop so that typing starts at once, and say whether some files
        of it have problems, as on any opening. Starting waits for it (TuiContext.library)."""
        self.call_from_thread(self.say_content_problems, self.ctx.library)

    def open_requested_content(self) -> None:
        """Read the content, then open the scenario or checklist asked for on the command line
        over the loading screen; an unknown one ends the app with the CLI's message."""
        library = self.ctx.library
        found = resolve_start(library, self.start, self.ctx.t)
        if isinstance(found, str):
            return self.give_up(found)
        self.start = found
        self.say_content_problems(library)
        if not self.open_start():  # over the loading screen, which stays at the bottom
            self.push_screen(HomeScreen())

    def say_content_problems(self, library: ContentLibrary) -> None:
        """Whether some content files have problems (only the valid ones are used), as the CLI
        says: once a run, whichever screen reads the content first."""
        if library.problems and not self._said_content_problems:
            self._said_content_problems = True
            self.notify(self.ctx.t("cli.content_problems_warning", problems=len(library.problems)),
                        severity="warning", timeout=15)

    def give_up(self, message: str) -> None:
        self.failure = message
        self.exit(return_code=1)

    def open_start(self) -> bool:
        """Open what the command line asked for; False, said, when it cannot be opened."""
        opened = False
        if self.start.scenario_id:
            opened = self.open_setup(self.start.scenario_id)
        elif self.start.checklist_id:
            opened = self.open_review_setup(self.start.checklist_id, self.start.fiscal_year)
        elif self.start.record_id and self.start.join:
            opened = self.open_join(self.start.record_id, *self.start.join)
        elif self.start.record_id:
            opened = self.open_record(self.start.record_id)
        return opened

    def switch_screen(self, screen: Screen | str) -> AwaitComplete:
        # Textual drops the result callback a pushed screen holds when it replaces it; the first
        # screen (get_default_screen's: a set-up drawn first) was never pushed and holds none.
        # Private, as bindings.py's accesses are, and checked against the same Textual version.
        if len(self.screen_stack) == 1 and not self.screen._result_callbacks:
            self.screen._push_result_callback(self.screen, None)
        return super().switch_screen(screen)

    def leave_screen(self) -> None:
        """Back to the screen underneath, or to the home screen when there is none."""
        # At the bottom is the home screen, what the command line opened, or the loading screen
        # under what was opened after it.
        stack = self.screen_stack
        if len(stack) > 1 and stack[-2] is not self.loading_screen:
            self.pop_screen()
        else:
            self.switch_screen(HomeScreen())

    def action_command_palette(self) -> None:
        from bcp_drill.tui.palette import LocalCommandPalette

        if self.use_command_palette and not LocalCommandPalette.is_open(self):
            self.push_screen(LocalCommandPalette(self.ctx.t))

    def action_help_quit(self) -> None:
        """Ctrl+C does not quit (it copies in a text field): say, in the UI language, what does."""
        self.notify(self.ctx.t("tui.quit_hint", key="Ctrl+Q"), title=self.ctx.t("tui.quit_hint_title"))

    def notify(self, message: str, *, markup: bool = True, **kwargs: Any) -> None:
        # Messages carry content and user text (an inject, a title with "[...]"): never markup.
        super().notify(message, markup=False, **kwargs)

    def apply_chrome(self) -> None:
        ascii_only = self.ctx.settings.chrome == "ascii"
        self.set_class(ascii_only, "-ascii-chrome")  # app.tcss swaps every frame for ASCII
        use_ascii_scrollbars(ascii_only)
        self.refresh(layout=True)

    def action_toggle_chrome(self) -> None:
        """Switch frames between Unicode lines and ASCII, and remember it in the settings file."""
        choice: Literal["unicode", "ascii"] = "unicode" if self.ctx.settings.chrome == "ascii" else "ascii"
        self.ctx.settings.chrome = choice
        self.apply_chrome()
        self._save_setting("chrome", choice, f"tui.chrome_{choice}")

    def _save_setting(self, key: str, value: str, message_key: str) -> None:
        from bcp_drill.settings import SettingsError, save_setting, writable_config_path

        path = self.ctx.config_path or writable_config_path()
        try:
            save_setting(path, key, value)
        except (OSError, SettingsError) as error:
            self.notify(self.ctx.t("tui.theme_not_saved", reason=describe(error, self.ctx.t)), severity="warning")
            return
        self.notify(self.ctx.t(message_key, path=str(path)))

    def action_toggle_contrast(self) -> None:
        """Switch the high-contrast theme on or off and remember it in the settings file."""
        choice: Literal["default", "high-contrast"] = (
            "default" if self.ctx.settings.theme == "high-contrast" else "high-contrast")
        self.ctx.settings.theme = choice
        self.theme = THEME_NAMES[choice]
        self._save_setting("theme", choice, f"tui.theme_{choice.replace('-', '_')}")

    # -- opening drills ----------------------------------------------------------

    def open_setup(self, scenario_id: str) -> bool:
        from bcp_drill.content.models import Scenario
        from bcp_drill.content.outline import scenario_outline
        from bcp_drill.tui.screens.drill_setup import DrillSetupScreen

        source = self.ctx.library.scenarios.get(scenario_id)
        if source is None or not isinstance(source.document, Scenario):
            self.notify(self.ctx.t("tui.unknown_scenario", id=scenario_id), severity="error")
            return False
        self.show(DrillSetupScreen(scenario_outline(source.document)))
        return True

    def open_review_setup(self, checklist_id: str, fiscal_year: int | None = None) -> bool:
        from bcp_drill.content.models import Checklist
        from bcp_drill.content.outline import checklist_outline
        from bcp_drill.tui.screens.review_setup import ReviewSetupScreen

        source = self.ctx.library.checklists.get(checklist_id)
        if source is None or not isinstance(source.document, Checklist):
            self.notify(self.ctx.t("review.unknown_checklist", id=checklist_id), severity="error")
            return False
        self.show(ReviewSetupScreen(checklist_outline(source.document), fiscal_year))
        return True

    def open_record(self, record_id: str) -> bool:
        """Open a drill or a review, whichever the record is; False when it cannot be opened."""
        if self.ctx.store.kind_of(record_id) == "review":
            return self.open_review(record_id)
        return self.open_drill(record_id)

    def open_review(self, record_id: str) -> bool:
        from bcp_drill.drill.opening import resume_session
        from bcp_drill.review.session import ReviewSession
        from bcp_drill.tui.screens.review import ReviewScreen

        session = self._opened(resume_session(ReviewSession.resume, self.ctx.store, record_id))
        if session is None:
            return False
        self.show(ReviewScreen(session))
        return True

    def _opened(self, opened: Opened[SessionT] | Notice) -> SessionT | None:
        """The session opened, after saying what to know about it; or None, after saying why not."""
        from bcp_drill.drill.opening import Notice

        t = self.ctx.t
        if isinstance(opened, Notice):
            self.notify(opened.text(t), severity="error", timeout=15)
            return None
        for notice in opened.notices:  # a crashed last write set aside stays in sight a little longer
            self.notify(notice.text(t), severity="warning", timeout=20 if notice.key == "journal.recovered" else 15)
        return opened.session

    def open_join(self, record_id: str, role: str, team: str = "", console_id: str | None = None,
                  recorder: str | None = None) -> bool:
        """Open a drill under way as a console of a team drill (its own journal, drill/team.py);
        RECORDER: who records at this console, when not the settings' recorder."""
        from bcp_drill.drill.opening import Notice, join_as_console

        t = self.ctx.t
        session = join_as_console(self.ctx.store, record_id, role, team, console_id, recorder)
        if isinstance(session, Notice):
            self.notify(session.text(t), severity="error", timeout=15)
            return False
        self.notify(t("tui.joined", console=session.console, role=t(f"console_role.{role}"),
                      offset=f"{session.clock_offset:+.0f}"), timeout=10)
        self.show(self._drill_screen(session, bool(session.state.ended)))
        return True

    def open_drill(self, record_id: str) -> bool:
        """Resume an unfinished drill, or show the summary of a finished one."""
        from bcp_drill.drill.opening import resume_drill

        session = self._opened(resume_drill(self.ctx.store, record_id, current=self.ctx.library.scenarios))
        if session is None:
            return False
        self.show(self._drill_screen(session, session.state.ended is not None))
        return True

    @staticmethod
    def _drill_screen(session: DrillSession, ended: bool) -> Screen:
        """The runner of a drill under way, or the summary of one ended (only the one shown is loaded)."""
        if ended:
            from bcp_drill.tui.screens.drill_summary import DrillSummaryScreen

            return DrillSummaryScreen(session)
        from bcp_drill.tui.screens.drill_runner import DrillRunnerScreen

        return DrillRunnerScreen(session)
