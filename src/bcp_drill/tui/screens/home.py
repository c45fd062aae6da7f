"""The home screen: start a drill, resume one, browse records."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Label, OptionList, Static
from textual.widgets.option_list import Option

from bcp_drill.tui.bindings import translate_bindings

if TYPE_CHECKING:
    from bcp_drill.programme.reminders import Reminders
    from bcp_drill.records.store import RecordSummary
from bcp_drill.tui.context import app_context, the_app
from bcp_drill.tui.modals.choice import ChoiceModal


class HomeScreen(Screen):
    AUTO_FOCUS = "#home-menu"  # focused as the screen opens: the footer is composed once
    BINDINGS = [
        Binding("d", "new_drill", "keys.new_drill"),
        Binding("r", "new_review", "keys.new_review"),
        Binding("c", "resume", "keys.resume"),
        Binding("j", "join", "keys.join"),
        Binding("b", "records", "keys.records"),
        Binding("f", "followups", "keys.followups"),
        Binding("t", "drill_tally", "keys.drill_tally"),
        Binding("y", "programme", "keys.programme"),
        Binding("q", "app.quit", "keys.quit"),
    ]

    def compose(self) -> ComposeResult:
        t = app_context(self).t
        translate_bindings(self, t, refresh=False)  # before the footer is composed: drawn once
        with Vertical(id="home"):
            yield Label(t("tui.home_title"), id="home-title", markup=False)
            yield Label(app_context(self).settings.organisation or "", id="home-organisation", markup=False)
            yield OptionList(
                Option(Text(f"d  {t('tui.home_new_drill')}"), id="new_drill"),
                Option(Text(f"r  {t('tui.home_new_review')}"), id="new_review"),
                Option(Text(f"c  {t('tui.home_resume')}"), id="resume"),
                Option(Text(f"j  {t('tui.home_join')}"), id="join"),
                Option(Text(f"b  {t('tui.home_records')}"), id="records"),
                Option(Text(f"f  {t('tui.home_followups')}"), id="followups"),
                Option(Text(f"t  {t('tui.home_drill_tally')}"), id="drill_tally"),
                Option(Text(f"y  {t('tui.home_programme')}"), id="programme"),
                Option(Text(f"q  {t('tui.home_quit')}"), id="quit"),
                id="home-menu",
            )
            yield Label(t("tui.home_hint"), classes="form-hint", markup=False)
            yield Static(id="home-reminders")  # shown once there is something to remind of
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#home-reminders", Static).display = False
        self._read_reminders()

    @work(thread=True, exclusive=True, group="reminders")
    def _read_reminders(self) -> None:
        """Follow-ups due and the programme's next drill, read in a thread after the first frame:
        a folder of years of drills never holds up the menu."""
        from bcp_drill.programme.reminders import reminders

        ctx = app_context(self)
        found = reminders(ctx.store, Path.cwd(), ctx.settings.reminder_days, ctx.lang)
        if found.anything:
            self.app.call_from_thread(self._show_reminders, found)

    def _show_reminders(self, found: Reminders) -> None:
        from bcp_drill.render.programme import reminder_lines

        ctx = app_context(self)  # the content is read on the screen's own loop, never from the thread
        library = ctx.library
        titles = {scenario_id: scenario.title.get(ctx.lang) for scenario_id in library.scenarios
                  if (scenario := library.scenario(scenario_id)) is not None}
        panel = self.query_one("#home-reminders", Static)
        panel.update(Text("\n".join(reminder_lines(found, titles, ctx.t))))
        panel.display = True

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        action = event.option.id
        if action == "quit":
            self.app.exit()
        elif action:
            getattr(self, f"action_{action}")()

    @work
    async def action_join(self) -> None:
        """Join a drill under way as another console: pick the drill, then this console's role."""
        from bcp_drill.drill.rights import ROLE_RIGHTS

        ctx = app_context(self)
        t = ctx.t
        under_way = ctx.store.unfinished("drill")
        if not under_way:
            self.notify(t("tui.nothing_to_join"))
            return
        drills = [(s.record_id, f"{s.record_id}  ({s.events})") for s in under_way]
        roles: list[tuple[str, str]] = [(role, t(f"console_role.{role}"))
                                        for role in ("player", "evaluator", "controller", "lead")
                                        if role in ROLE_RIGHTS]
        record_id: str | None = await self.app.push_screen_wait(
            ChoiceModal(t("tui.join_pick_drill"), drills, t("tui.choice_keys")))
        if not record_id:
            return
        role: str | None = await self.app.push_screen_wait(
            ChoiceModal(t("tui.join_pick_role"), roles, t("tui.choice_keys")))
        if not role:
            return
        # Who records here: a browser served from one PC would otherwise be anonymous.
        from bcp_drill.tui.modals.text_prompt import TextPromptModal  # (TextArea: not before the first frame)

        name: str | None = await self.app.push_screen_wait(
            TextPromptModal(t("tui.join_your_name"), t("tui.enter_saves"), initial=ctx.settings.recorder,
                            error_text=t("tui.required")))
        if name:
            the_app(self).open_join(record_id, role, recorder=name.strip())

    @work
    async def action_new_drill(self) -> None:
        ctx = app_context(self)
        t, lang = ctx.t, ctx.lang
        the_app(self).say_content_problems(ctx.library)  # a file left out of the list is named
        choices = []
        for scenario_id, _loaded in sorted(ctx.library.scenarios.items()):
            scenario = ctx.library.scenario(scenario_id)
            assert scenario is not None
            choices.append((scenario_id, f"{scenario.title.get(lang)}  "
                                         f"({t('tui.step_count', count=len(scenario.steps))})"))
        if not choices:
            self.notify(t("tui.no_scenarios"), severity="error")
            return
        chosen: str | None = await self.app.push_screen_wait(
            ChoiceModal(t("tui.choose_scenario"), choices, t("tui.choice_keys")))
        if chosen:
            the_app(self).open_setup(chosen)

    @work
    async def action_new_review(self) -> None:
        ctx = app_context(self)
        t, lang = ctx.t, ctx.lang
        the_app(self).say_content_problems(ctx.library)  # a file left out of the list is named
        choices = []
        for checklist_id in sorted(ctx.library.checklists):
            checklist = ctx.library.checklist(checklist_id)
            assert checklist is not None
            count = sum(1 for _ in checklist.all_items())
            choices.append((checklist_id, f"{checklist.title.get(lang)}  ({t('review.item_count', count=count)})"))
        if not choices:
            self.notify(t("review.no_checklists"), severity="error")
            return
        chosen: str | None = await self.app.push_screen_wait(
            ChoiceModal(t("review.choose_checklist"), choices, t("tui.choice_keys")))
        if chosen:
            the_app(self).open_review_setup(chosen)

    def action_drill_tally(self) -> None:
        from bcp_drill.tui.screens.tally import DrillTallyScreen

        self.app.push_screen(DrillTallyScreen())

    def action_programme(self) -> None:
        from bcp_drill.tui.screens.programme import ProgrammeScreen

        self.app.push_screen(ProgrammeScreen())

    def action_followups(self) -> None:
        from bcp_drill.tui.screens.followups import FollowUpsScreen

        self.app.push_screen(FollowUpsScreen())

    @work
    async def action_resume(self) -> None:
        ctx = app_context(self)
        t = ctx.t
        unfinished = ctx.store.unfinished()
        if not unfinished:
            self.notify(t("tui.nothing_to_resume"))
            return
        from bcp_drill.drill.counts import format_local_minute

        library = ctx.library  # (resuming a drill reads it anyway: is its scenario's file unchanged?)

        def title(summary: RecordSummary) -> str:
            document = (library.scenario if summary.kind == "drill" else library.checklist)(summary.subject_id)
            return document.title.get(t.lang) if document is not None else summary.subject_id

        choices = [(s.record_id, "  ".join([t("kind." + s.kind), title(s),
                                            format_local_minute(s.started) if s.started else "-",
                                            f"({t('tui.events', count=s.events)})", s.record_id]))
                   for s in unfinished]
        record_id: str | None = await self.app.push_screen_wait(
            ChoiceModal(t("tui.choose_resume"), choices, t("tui.choice_keys")))
        if record_id:
            the_app(self).open_record(record_id)

    def action_records(self) -> None:
        from bcp_drill.tui.screens.records import RecordsScreen

        self.app.push_screen(RecordsScreen())
