"""The home screen: start a drill, resume one, browse records."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Label, OptionList
from textual.widgets.option_list import Option

from bcp_drill.content.models import Scenario
from bcp_drill.tui.bindings import translate_bindings
from bcp_drill.tui.modals.choice import ChoiceModal


class HomeScreen(Screen):
    BINDINGS = [
        Binding("d", "new_drill", "keys.new_drill"),
        Binding("c", "resume", "keys.resume"),
        Binding("b", "records", "keys.records"),
        Binding("q", "app.quit", "keys.quit"),
    ]

    def compose(self) -> ComposeResult:
        t = self.app.ctx.t
        with Vertical(id="home"):
            yield Label(t("tui.home_title"), id="home-title")
            yield Label(self.app.ctx.settings.organisation or "", id="home-organisation")
            yield OptionList(
                Option(Text(f"d  {t('tui.home_new_drill')}"), id="new_drill"),
                Option(Text(f"c  {t('tui.home_resume')}"), id="resume"),
                Option(Text(f"b  {t('tui.home_records')}"), id="records"),
                Option(Text(f"q  {t('tui.home_quit')}"), id="quit"),
                id="home-menu",
            )
            yield Label(t("tui.home_hint"), classes="form-hint")
        yield Footer()

    def on_mount(self) -> None:
        translate_bindings(self, self.app.ctx.t)
        self.query_one("#home-menu").focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        action = event.option.id
        if action == "quit":
            self.app.exit()
        elif action:
            getattr(self, f"action_{action}")()

    def action_new_drill(self) -> None:
        ctx = self.app.ctx
        t, lang = ctx.t, ctx.lang
        choices = []
        for scenario_id, loaded in sorted(ctx.library.scenarios.items()):
            scenario = loaded.document
            assert isinstance(scenario, Scenario)
            choices.append((scenario_id, f"{scenario.title.get(lang)}  "
                                         f"({t('tui.step_count', count=len(scenario.steps))})"))
        if not choices:
            self.notify(t("tui.no_scenarios"), severity="error")
            return

        def chosen(scenario_id: str | None) -> None:
            if scenario_id:
                self.app.open_setup(scenario_id)

        self.app.push_screen(ChoiceModal(t("tui.choose_scenario"), choices, t("tui.choice_keys")), chosen)

    def action_resume(self) -> None:
        ctx = self.app.ctx
        t = ctx.t
        unfinished = ctx.store.unfinished("drill")
        if not unfinished:
            self.notify(t("tui.nothing_to_resume"))
            return
        choices = [(s.record_id, f"{s.record_id}  ({t('tui.events', count=s.events)})") for s in unfinished]

        def chosen(record_id: str | None) -> None:
            if record_id:
                self.app.open_drill(record_id)

        self.app.push_screen(ChoiceModal(t("tui.choose_resume"), choices, t("tui.choice_keys")), chosen)

    def action_records(self) -> None:
        from bcp_drill.tui.screens.records import RecordsScreen

        self.app.push_screen(RecordsScreen())
