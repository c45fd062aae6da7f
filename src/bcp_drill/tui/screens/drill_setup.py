"""Setting up a drill: type, the scenario's conditions, place, participants with roles, and T0."""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Button, Footer, Input, Label, Select, TextArea

from bcp_drill.content.outline import ScenarioOutline
from bcp_drill.drill.setup import (
    DRILL_TYPE,
    PARTICIPANTS,
    PLACE,
    RECORDER,
    T0,
    UNREACHABLE,
    RosterPerson,
    SetupError,
    SetupQuestion,
    SetupRoster,
    condition_key,
    read_setup,
    setup_questions,
)
from bcp_drill.tui.bindings import translate_bindings
from bcp_drill.tui.context import app_context
from bcp_drill.tui.modals.choice import ChoiceModal
from bcp_drill.tui.modals.form import field_error_label
from bcp_drill.tui.screens.base import FormScreen
from bcp_drill.tui.widgets.text_fields import InOrderInput, InOrderTextArea

# Where each set-up question is answered (a condition's field is `condition-<its place>`), and its label.
_FIELD_IDS = {DRILL_TYPE: "drill-type", PLACE: "drill-place", PARTICIPANTS: "drill-participants", T0: "drill-t0",
              RECORDER: "drill-recorder", UNREACHABLE: "drill-unreachable"}
_LABELS = {DRILL_TYPE: "tui.setup_type", PLACE: "tui.setup_place", PARTICIPANTS: "tui.setup_participants",
           T0: "tui.setup_t0", RECORDER: "tui.setup_recorder", UNREACHABLE: "call_in.setup_unreachable"}


class DrillSetupScreen(FormScreen):
    BINDINGS = [
        Binding("ctrl+s", "start", "keys.start_drill"),
        Binding("ctrl+r", "add_from_roster", "keys.add_from_roster"),
        Binding("ctrl+n", "mark_unreachable", "keys.mark_unreachable"),
        Binding("escape", "cancel", "keys.cancel"),
    ]

    def __init__(self, scenario: ScenarioOutline) -> None:
        super().__init__()
        # Drawn from the outline (content/outline.py): the validated scenario is taken from the
        # content library when the drill starts.
        self.scenario = scenario
        self.questions: tuple[SetupQuestion, ...] = ()  # made at compose, once the settings (the recorder) are known
        self.people: list[RosterPerson] = []  # the roster's (./programmes/roster.yaml), offered with Ctrl+R
        self.field_ids = {**_FIELD_IDS, **{condition_key(c): f"condition-{index}"
                                           for index, c in enumerate(self.scenario.conditions)}}

    def compose(self) -> ComposeResult:
        ctx = app_context(self)
        t, lang = ctx.t, ctx.lang
        translate_bindings(self, t, refresh=False)  # before the footer is composed: drawn once
        with VerticalScroll(id="setup-form"):
            yield Label(t("tui.setup_title", title=self.scenario.title.get(lang)), classes="form-title", markup=False)
            yield Label(self.scenario.summary.get(lang), classes="form-summary", markup=False)
            if self.scenario.notes:  # which targets are the scenario's assumptions, before anyone relies on them
                yield Label(f"{t('tui.scenario_notes')}: {self.scenario.notes.get(lang)}", classes="form-hint",
                            markup=False)
            for reference in self.scenario.sources:
                yield Label(f"{t('tui.scenario_source')}: {reference.get(lang)}", classes="form-hint",
                            markup=False)
            roster = self.roster()
            self.people = roster.people
            if roster.people:
                yield Label(t("call_in.roster_offered", count=len(roster.people), path=roster.path),
                            classes="form-hint", markup=False)
            for problem in roster.problems:  # set-up still works, typed; the roster's mistake is named
                yield Label(t("call_in.roster_unreadable", problem=problem), classes="form-hint", markup=False)
            self.questions = setup_questions(self.scenario, ctx.settings.recorder, roster.people)
            for question in self.questions:
                yield from self.question_field(question)
            yield Label("", id="setup-error", classes="dialog-error", markup=False)
            yield Button(t("tui.setup_start"), id="start", variant="primary")
            yield Label(t("tui.setup_keys"), classes="form-hint", markup=False)
        yield Footer()

    def roster(self) -> SetupRoster:
        """The roster of ./programmes/ offered at set-up (read only when there is one: reading it
        loads the content models)."""
        from bcp_drill.programme import PROGRAMME_FOLDER, ROSTER_FILE

        folder = Path.cwd() / PROGRAMME_FOLDER
        if not (folder / ROSTER_FILE).exists():
            return SetupRoster()
        from bcp_drill.programme.roster import setup_roster

        return setup_roster(folder, app_context(self).t)

    def on_mount(self) -> None:
        self.query_one("#drill-type").focus()

    def question_field(self, question: SetupQuestion) -> ComposeResult:
        """The label and the field a set-up question is answered in (a fixed condition: its value)."""
        t = app_context(self).t
        field_id = self.field_ids[question.key]
        if question.condition is not None:
            title = question.condition.title.get(t.lang)
            if question.fixed is not None:
                yield Label(t("plain.condition_fixed", condition=title,
                              value=question.choice_title(question.fixed, t)), markup=False)
                return
            yield Label(t("tui.setup_condition", condition=title), markup=False)
            # No value is preselected: the person setting up must say which case is played.
            yield Select([(question.choice_title(v, t), v) for v in question.choices], prompt=t("tui.setup_choose"),
                         id=field_id)
            yield field_error_label(field_id)
            return
        yield Label(t(_LABELS[question.key]), markup=False)
        if question.kind == "choice":
            yield Select([(question.choice_title(v, t), v) for v in question.choices], value=question.default,
                         allow_blank=False, id=field_id)
        elif question.kind == "lines":
            yield InOrderTextArea(id=field_id, soft_wrap=True)
            yield field_error_label(field_id)
            yield Label(t("tui.setup_participants_hint"), classes="form-hint", markup=False)
        elif question.kind == "names":
            yield InOrderInput(id=field_id, placeholder=t("call_in.setup_unreachable_placeholder"))
            yield field_error_label(field_id)
            yield Label(t("call_in.setup_unreachable_hint"), classes="form-hint", markup=False)
        elif question.kind == "time":
            yield InOrderInput(id=field_id, placeholder=t("tui.setup_t0_placeholder"))
            yield field_error_label(field_id)
        else:
            yield InOrderInput(question.default, id=field_id)

    def answer(self, question: SetupQuestion) -> str | None:
        """What the field of QUESTION holds; None while a list is still on its prompt."""
        widget = self.query_one(f"#{self.field_ids[question.key]}")
        if isinstance(widget, TextArea):
            return widget.text
        if isinstance(widget, Select):
            return widget.value if isinstance(widget.value, str) else None
        return widget.value if isinstance(widget, Input) else None

    def _roster_choices(self) -> list[tuple[str, str]]:
        return [(str(index), person.label()) for index, person in enumerate(self.people)]

    @work
    async def action_add_from_roster(self) -> None:
        """Add a person of the roster to the participants ("name, player, department"; the role may be changed)."""
        t = app_context(self).t
        if not self.people:
            self.notify(t("call_in.no_roster"))
            return
        chosen: str | None = await self.app.push_screen_wait(
            ChoiceModal(t("call_in.roster_picker"), self._roster_choices(), t("tui.choice_keys")))
        if chosen is None:
            return
        area = self.query_one(f"#{self.field_ids[PARTICIPANTS]}", TextArea)
        lines = [line for line in area.text.splitlines() if line.strip()]
        area.text = "\n".join([*lines, self.people[int(chosen)].participant_line(t)]) + "\n"
        area.focus()

    @work
    async def action_mark_unreachable(self) -> None:
        """Mark a person of the roster, or a participant, unreachable (a call-in drill: 連絡不通)."""
        t = app_context(self).t
        area = self.query_one(f"#{self.field_ids[PARTICIPANTS]}", TextArea)
        typed = [line.split(",")[0].split("、")[0].strip() for line in area.text.splitlines() if line.strip()]
        names = list(dict.fromkeys([*(p.name for p in self.people), *typed]))
        if not names:
            self.notify(t("call_in.nobody_to_mark"))
            return
        labels = {p.name: p.label() for p in self.people}
        chosen: str | None = await self.app.push_screen_wait(
            ChoiceModal(t("call_in.unreachable_picker"), [(str(i), labels.get(n, n)) for i, n in enumerate(names)],
                        t("tui.choice_keys")))
        if chosen is None:
            return
        field = self.query_one(f"#{self.field_ids[UNREACHABLE]}", Input)
        field.value = "、".join(x for x in (field.value.strip(" 、,"), names[int(chosen)]) if x)
        field.focus()

    def action_start(self) -> None:
        ctx = app_context(self)
        t = ctx.t
        answers = {q.key: self.answer(q) for q in self.questions if q.fixed is None}
        setup = read_setup(self.questions, answers, ctx.now())
        if isinstance(setup, SetupError):
            self.show_field_error(self.field_ids[setup.question], setup.message(t))
            return
        from bcp_drill.drill.opening import Notice, start_drill  # the records' machinery: not before it is needed

        source = ctx.library.scenarios.get(self.scenario.id)
        if source is None:  # its file was changed or removed since the form was drawn
            self.query_one("#setup-error", Label).update(t("tui.unknown_scenario", id=self.scenario.id))
            return
        session = start_drill(ctx.store, source, setup)
        if isinstance(session, Notice):
            error = self.query_one("#setup-error", Label)
            error.update(session.text(t))
            error.scroll_visible()
            return
        from bcp_drill.tui.screens.drill_runner import DrillRunnerScreen

        self.app.switch_screen(DrillRunnerScreen(session))
