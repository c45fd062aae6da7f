"""Setting up a drill: type, the scenario's conditions, place, participants with roles, and T0."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Button, Footer, Input, Label, Select, TextArea

from bcp_drill.content.loader import LoadedFile
from bcp_drill.content.models import Scenario
from bcp_drill.drill.session import DrillSession
from bcp_drill.drill.setup import parse_participants, parse_t0
from bcp_drill.drill.view import reference_text
from bcp_drill.errors import UserError, describe
from bcp_drill.tui.bindings import translate_bindings
from bcp_drill.tui.context import app_context
from bcp_drill.tui.modals.form import field_error_label
from bcp_drill.tui.screens.base import FormScreen


class DrillSetupScreen(FormScreen):
    BINDINGS = [
        Binding("ctrl+s", "start", "keys.start_drill"),
        Binding("escape", "cancel", "keys.cancel"),
    ]

    def __init__(self, source: LoadedFile) -> None:
        super().__init__()
        self.source = source
        assert isinstance(source.document, Scenario)
        self.scenario: Scenario = source.document

    def compose(self) -> ComposeResult:
        ctx = app_context(self)
        t, lang = ctx.t, ctx.lang
        with VerticalScroll(id="setup-form"):
            yield Label(t("tui.setup_title", title=self.scenario.title.get(lang)), classes="form-title", markup=False)
            yield Label(self.scenario.summary.get(lang), classes="form-summary", markup=False)
            if self.scenario.notes:  # which targets are the scenario's assumptions, before anyone relies on them
                yield Label(f"{t('tui.scenario_notes')}: {self.scenario.notes.get(lang)}", classes="form-hint",
                            markup=False)
            for reference in self.scenario.sources:
                yield Label(f"{t('tui.scenario_source')}: {reference_text(reference, t)}", classes="form-hint",
                            markup=False)
            yield Label(t("tui.setup_type"), markup=False)
            yield Select([(t(f"drill_type.{d.value}"), d.value) for d in self.scenario.drill_types],
                         value=self.scenario.drill_types[0].value, allow_blank=False, id="drill-type")
            for index, condition in enumerate(self.scenario.conditions):
                if condition.fixed is not None:
                    fixed = condition.value(condition.fixed)
                    yield Label(t("plain.condition_fixed", condition=condition.title.get(lang),
                                  value=fixed.title.get(lang) if fixed else condition.fixed), markup=False)
                    continue
                yield Label(t("tui.setup_condition", condition=condition.title.get(lang)), markup=False)
                # No value is preselected: the person setting up must say which case is played.
                yield Select([(v.title.get(lang), v.id) for v in condition.values], prompt=t("tui.setup_choose"),
                             id=f"condition-{index}")
                yield field_error_label(f"condition-{index}")
            yield Label(t("tui.setup_place"), markup=False)
            yield Input(id="drill-place")
            yield Label(t("tui.setup_participants"), markup=False)
            yield TextArea(id="drill-participants", soft_wrap=True)
            yield field_error_label("drill-participants")
            yield Label(t("tui.setup_participants_hint"), classes="form-hint", markup=False)
            yield Label(t("tui.setup_t0"), markup=False)
            yield Input(id="drill-t0", placeholder=t("tui.setup_t0_placeholder"))
            yield field_error_label("drill-t0")
            # Who records at this console: stamped on every event and named in the report
            # (the login name, e.g. "root", said nothing about who recorded).
            yield Label(t("tui.setup_recorder"), markup=False)
            yield Input(ctx.store.recorder, id="drill-recorder")
            yield Label("", id="setup-error", classes="dialog-error", markup=False)
            yield Button(t("tui.setup_start"), id="start", variant="primary")
            yield Label(t("tui.setup_keys"), classes="form-hint", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        translate_bindings(self, app_context(self).t)
        self.query_one("#drill-type").focus()

    def action_start(self) -> None:
        ctx = app_context(self)
        t = ctx.t
        error = self.query_one("#setup-error", Label)
        participants, problems = parse_participants(self.query_one("#drill-participants", TextArea).text)
        if problems:
            first = problems[0]
            self.show_field_error("drill-participants", t(f"tui.{first.code}", line=first.line, value=first.value))
            return
        conditions: dict[str, str] = {}
        for index, condition in enumerate(self.scenario.conditions):
            if condition.fixed is not None:
                continue
            chosen = self.query_one(f"#condition-{index}", Select).value
            if not isinstance(chosen, str):  # still on the prompt: nothing chosen
                self.show_field_error(f"condition-{index}", t("tui.condition_required",
                                                              condition=condition.title.get(t.lang)))
                return
            conditions[condition.id] = str(chosen)
        t0_text = self.query_one("#drill-t0", Input).value
        t0 = parse_t0(t0_text, ctx.store.clock())
        if t0 is None:
            self.show_field_error("drill-t0", t("tui.bad_t0", value=t0_text))
            return
        recorder = self.query_one("#drill-recorder", Input).value.strip() or ctx.store.recorder
        store = ctx.store if recorder == ctx.store.recorder else ctx.store.as_recorder(recorder)
        try:
            session = DrillSession.start(
                store, self.source, str(self.query_one("#drill-type", Select).value),
                place=self.query_one("#drill-place", Input).value.strip(),
                participants=participants, t0=t0, conditions=conditions)
        except (UserError, OSError) as failure:
            error.update(t("tui.cannot_create_record", reason=describe(failure, t)))
            error.scroll_visible()
            return
        from bcp_drill.tui.screens.drill_runner import DrillRunnerScreen

        self.app.switch_screen(DrillRunnerScreen(session))
