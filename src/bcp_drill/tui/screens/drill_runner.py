"""The drill runner: steps, the selected step, the clock and the inject log.

Every key turns into one session call (one fsynced event); the screen then takes the drill
as it stands into `drill_view`, and the clock, the step list and the detail, bound to it,
redraw themselves. Nothing here decides what a drill means.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.reactive import var
from textual.widgets import Footer, Label, OptionList

from bcp_drill.drill.ratings import rating_dimension
from bcp_drill.drill.session import DrillSession
from bcp_drill.drill.setup import RosterPerson
from bcp_drill.drill.state import DeliveredInject
from bcp_drill.drill.view import DrillView, value_views
from bcp_drill.drill.wording import (
    condition_values_text,
    conflict_choices,
    inject_time_text,
    occurrence_saved_text,
    status_label,
    system_line,
    system_state_label,
    threshold_text,
    timeline_lines,
    value_text,
)
from bcp_drill.records import events as ev
from bcp_drill.records.values import SYSTEM_STATES
from bcp_drill.tui.bindings import bind_drill_rating_keys, translate_bindings
from bcp_drill.tui.context import app_context, the_app
from bcp_drill.tui.modals.choice import ChoiceModal
from bcp_drill.tui.modals.confirm import ConfirmModal
from bcp_drill.tui.modals.hotwash import HotwashModal, HotwashText
from bcp_drill.tui.modals.observation_form import ObservationFields, ObservationFormModal
from bcp_drill.tui.modals.problem_form import ProblemFields, ProblemFormModal
from bcp_drill.tui.modals.text_prompt import TextPromptModal
from bcp_drill.tui.modals.text_view import TextViewModal
from bcp_drill.tui.screens.base import SessionScreen
from bcp_drill.tui.widgets.clock_bar import ClockBar
from bcp_drill.tui.widgets.inject_log import InjectLog, inject_line
from bcp_drill.tui.widgets.step_detail import StepDetail, all_notes_text
from bcp_drill.tui.widgets.step_list import StepList

TICK_SECONDS = 1.0
INJECTS_IN_ONE_POPUP = 3  # injects that arrive together share one pop-up; the log holds them all


class DrillRunnerScreen(SessionScreen[DrillSession]):
    BINDINGS = [
        Binding("x", "not_done", "keys.not_done"),
        Binding("k", "skip", "keys.skip"),
        Binding("n", "note", "keys.note"),
        Binding("f", "problem", "keys.problem"),
        Binding("ctrl+o", "observation", "keys.observation", show=False),
        Binding("i", "inject", "keys.inject"),
        Binding("space", "toggle_clock", "keys.toggle_clock"),
        Binding("j", "next_phase", "keys.next_phase"),
        Binding("e", "end_drill", "keys.end_drill"),
        Binding("r", "reopen", "keys.reopen", show=False),
        Binding("w", "withdraw_note", "keys.withdraw_note", show=False),
        Binding("l", "all_notes", "keys.all_notes", show=False),
        Binding("g", "drill_note", "keys.drill_note", show=False),
        Binding("c", "pick_check", "keys.pick_check", show=False),
        Binding("y", "systems", "keys.systems", show=False),
        Binding("v", "value", "keys.value", show=False),
        Binding("o", "occurrence", "keys.occurrence", show=False),
        Binding("a", "deputy", "keys.deputy", show=False),
        Binding("b", "annexes", "keys.annexes", show=False),
        Binding("z", "settle", "keys.settle", show=False),
        Binding("tab", "app.focus_next", "keys.focus_next", show=False),
        Binding("escape", "leave", "keys.leave"),
        *[Binding(str(n), f"toggle_check({n - 1})", "keys.toggle_check", show=False) for n in range(1, 10)],
    ]

    drill_view: var[DrillView | None] = var(None)  # the drill as the widgets show it: renewed by each write and tick
    detail_step: var[str | None] = var(None)  # the step whose detail is shown: the list's highlight

    def __init__(self, session: DrillSession) -> None:
        super().__init__()
        self.session = session
        self._people: list[RosterPerson] | None = None  # the roster's, read when a deputy is first recorded

    # -- layout ------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        ctx = app_context(self)
        # p s m u: keys and words from the shipped scale; all in the UI language before the
        # footer is composed, so that it is drawn once.
        bind_drill_rating_keys(self, rating_dimension(), ctx.lang)
        translate_bindings(self, ctx.t, refresh=False)
        scenario = self.session.scenario
        title = scenario.title.get(ctx.lang)
        if scenario.conditions:  # which case is played decides which steps apply: kept in sight
            title += f"  [{condition_values_text(self.session.state, ctx.t)}]"
        title += f"  ({self.session.record_id})"
        if self.session.console is not None:  # a team console: which one this is, first, never cut off
            title = ctx.t("tui.console_title", console=self.session.console,
                          role=ctx.t(f"console_role.{self.session.role}")) + "  " + title
        yield Label(title, id="drill-title", markup=False)
        yield ClockBar(id="clock-bar").data_bind(DrillRunnerScreen.drill_view, DrillRunnerScreen.saved)
        with Horizontal(id="drill-body"):
            yield StepList(scenario, ctx.lang, ctx.t("tui.conflict_flag"),
                           id="step-list").data_bind(DrillRunnerScreen.drill_view)
            with Vertical(id="detail-pane"):
                yield StepDetail(id="step-detail").data_bind(DrillRunnerScreen.drill_view,
                                                             step_id=DrillRunnerScreen.detail_step)
        yield InjectLog(id="inject-log")
        yield Footer()

    def on_mount(self) -> None:
        log = self.query_one(InjectLog)
        for delivered in sorted(self.session.state.delivered.values(), key=lambda d: d.elapsed_seconds):
            if self.session.sees_inject(delivered.inject):
                log.write(self._inject_line(delivered))
        self.redraw()
        self.query_one(StepList).focus()
        self.set_interval(TICK_SECONDS, self.tick)
        self.tick()

    # -- drawing -----------------------------------------------------------------

    def _recipient(self, role_id: str) -> str:
        role = self.session.scenario.role(role_id)
        return role.title.get(app_context(self).lang) if role else role_id

    def _inject_line(self, delivered: DeliveredInject) -> Text:
        t = app_context(self).t
        return inject_line(delivered, self._recipient(delivered.inject.recipient), t,
                           inject_time_text(delivered.inject, self.session.scenario, t, self.session.state),
                           for_controller=self.session.may("inject"))

    @property
    def selected_step(self) -> str | None:
        return self.query_one(StepList).selected_step_id

    def view(self) -> DrillView:
        return DrillView(self.session.state, self.session.now())

    def redraw(self) -> None:
        """Take the drill as it stands now: the clock, every changed line of the list and the
        selected step's detail redraw themselves from it."""
        self.drill_view = self.view()
        selected = self.selected_step
        if selected is not None:  # none while the list is being built: its highlight comes as a message
            self.detail_step = selected

    def tick(self) -> None:
        if self.session.store is not None and self.session.refresh():
            self._take_in_others()
        delivered = self._safely(self.session.deliver_due_injects) or []
        self._announce_injects([event.inject_id for event in delivered])
        self.redraw()

    def _take_in_others(self) -> None:
        """A team drill: what the other consoles wrote since the last tick, with who wrote it."""
        t = app_context(self).t
        log = self.query_one(InjectLog)
        incoming = self.session.incoming
        # Those this console sees, as its own are shown.
        self._announce_injects([e.inject_id for e in incoming if isinstance(e, ev.InjectDelivered)])
        others = [e for e in incoming if not isinstance(e, ev.InjectDelivered)]
        for entry in timeline_lines(self.session.state, others, t):
            log.write(Text(f"[{entry.by}] {entry.text}"))
        for conflict in self.session.new_conflicts:
            step = self.session.scenario.step(conflict.step_id)
            self.notify(t("tui.conflict_notice", step=step.title.get(t.lang) if step else conflict.step_id),
                        severity="warning", timeout=15)

    @work
    async def action_settle(self) -> None:
        """The lead picks which of two consoles' outcomes for the selected step stands."""
        t = app_context(self).t
        step_id = self.selected_step
        conflict = self.session.state.conflict(step_id) if step_id else None
        if conflict is None:
            self.notify(t("tui.no_conflict"))
            return
        if not self._allowed("settle"):
            return
        choices = [(str(n), text) for n, text in enumerate(conflict_choices(conflict, t))]
        chosen: str | None = await self.app.push_screen_wait(
            ChoiceModal(t("tui.settle_pick"), choices, t("tui.choice_keys")))
        if chosen is None:
            return
        outcome = conflict.outcomes[int(chosen)]
        self._safely(self.session.settle_conflict, conflict.step_id, outcome.console, outcome.seq,
                     t("tui.settled_on_screen"))
        self.redraw()

    def _announce_injects(self, inject_ids: list[str]) -> None:
        """Each inject into the log, and one pop-up for all that arrive together: a pop-up each
        stacked up over the screen and cut each other's first characters."""
        if not inject_ids:
            return
        t = app_context(self).t
        records = [self.session.state.delivered[inject_id] for inject_id in inject_ids]
        log = self.query_one(InjectLog)
        for record in records:
            log.write(self._inject_line(record))
        if len(records) == 1:
            self.notify(records[0].inject.content.get(t.lang), title=t("tui.inject_arrived", id=inject_ids[0]),
                        severity="warning", timeout=10)
            return
        shown = records[:INJECTS_IN_ONE_POPUP]
        lines = [f"{r.inject.id}: {r.inject.content.get(t.lang).splitlines()[0]}" for r in shown]
        if len(records) > len(shown):
            lines.append(t("tui.injects_more", count=len(records) - len(shown)))
        self.notify("\n".join(lines), title=t("tui.injects_arrived", count=len(records)), severity="warning",
                    timeout=15)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.redraw()  # the detail of the step now highlighted, as the drill stands now

    # -- recording ---------------------------------------------------------------
    # A key that asks something first is a worker: it awaits each answer on the next line.

    def _with_step(self, right: str = "outcome") -> str | None:
        """The selected step, when the session would take a write of RIGHT now (it says why not)."""
        step_id = self.selected_step
        if step_id is None:
            self.notify(app_context(self).t("tui.select_a_step"), severity="warning")
            return None
        return step_id if self._allowed(right) else None

    def _allowed(self, right: str, open_only: bool = True) -> bool:
        """Whether this console may do RIGHT now: asked before a list or a form is shown."""
        return self._permitted(lambda: self.session.check(right, open_only))

    def action_rate(self, rating: str) -> None:
        step_id = self._with_step()
        if not step_id:
            return
        step = self.session.state.steps[step_id].step
        if step.is_decision and self.session.state.steps[step_id].outcome is None:
            self._ask_decision(step_id, rating)
            return
        self._safely(self.session.complete_step, step_id, rating)
        self.redraw()

    @work
    async def _ask_decision(self, step_id: str, rating: str) -> None:
        """A decision step: which option was chosen, then who chose it (blank: the recorder)."""
        t = app_context(self).t
        step = self.session.state.steps[step_id].step
        choices = [(o.id, f"{n}. {o.title.get(t.lang)}") for n, o in enumerate(step.options, 1)]
        option_id: str | None = await self.app.push_screen_wait(
            ChoiceModal(t("tui.decision_picker", step=step.title.get(t.lang), rating=rating), choices,
                        t("tui.choice_keys")))
        if option_id is None:
            return
        decided_by: str | None = await self.app.push_screen_wait(
            TextPromptModal(t("tui.decided_by_title"), t("tui.enter_saves"), required=False))
        if decided_by is None:
            return
        decided = self._safely(self.session.decide, step_id, option_id, rating, decided_by)
        if decided is not None:
            self._announce_injects(list(decided.triggered))  # what the option triggers arrives now
        self.redraw()

    @work
    async def action_reopen(self) -> None:
        """Withdraw the step's outcome, after asking: a correction event; nothing is erased."""
        step_id = self._with_step()
        if not step_id:
            return
        t = app_context(self).t
        shown = self.view().step(step_id)
        if shown.record.outcome is None:
            self.notify(t("session.no_outcome_to_withdraw", step_id=step_id))
            return
        question = t("tui.reopen_confirm", step=shown.step.title.get(t.lang), status=status_label(shown.status, t))
        if await self.app.push_screen_wait(ConfirmModal(question, t("tui.yes_no_keys"))):
            self._safely(self.session.reopen_step, step_id)
            self.redraw()

    def action_toggle_check(self, index: int) -> None:
        step_id = self._with_step()
        if step_id:
            self._safely(self.session.toggle_check, step_id, index)
            self.redraw()

    @work
    async def action_pick_check(self) -> None:
        """Every check of the step in a list (keys 1-9 reach only the first nine)."""
        step_id = self._with_step()
        if not step_id:
            return
        t = app_context(self).t
        record = self.session.state.steps[step_id]
        if not record.step.checks:
            self.notify(t("tui.no_checks"))
            return
        choices = [(str(index), f"{index + 1:>2}. {'[x]' if index in record.checks else '[ ]'} {check.get(t.lang)}")
                   for index, check in enumerate(record.step.checks)]
        chosen: str | None = await self.app.push_screen_wait(
            ChoiceModal(t("tui.check_picker"), choices, t("tui.choice_keys")))
        if chosen is not None:
            self.action_toggle_check(int(chosen))

    def action_annexes(self) -> None:
        """The scenario's annexes: contacts (様式9), resources (様式18), locations, references."""
        from bcp_drill.render.annexes import annexes_text

        t = app_context(self).t
        self.app.push_screen(TextViewModal(t("annex.title"), annexes_text(self.session.scenario, t),
                                           t("tui.text_view_keys")))

    @work
    async def action_deputy(self) -> None:
        """Record that a deputy acted on the step (代行): pick the role's deputy, give a reason. In a
        call-in drill the next reachable deputy of a holder found unreachable is offered first."""
        from bcp_drill.drill.call_in import deputy_option_text, deputy_options

        step_id = self._with_step()
        if not step_id:
            return
        t = app_context(self).t
        state = self.session.state
        options = deputy_options(state, state.steps[step_id].step, self._roster_people(), t.lang)
        if not options:
            self.notify(t("tui.no_deputies"))
            return
        suggested = next((index for index, o in enumerate(options) if o.suggested), None)
        choices = [(str(index), deputy_option_text(option, state, t)) for index, option in enumerate(options)]
        chosen: str | None = await self.app.push_screen_wait(
            ChoiceModal(t("tui.deputy_picker"), choices, t("tui.choice_keys"), highlighted=suggested))
        if chosen is None:
            return
        option = options[int(chosen)]
        default = t("call_in.reason_unreachable", holder=option.acted_for) if suggested is not None \
            else t("tui.deputy_reason_default")
        reason: str | None = await self.app.push_screen_wait(
            TextPromptModal(t("tui.deputy_reason"), t("tui.enter_saves"), initial=default,
                            error_text=t("tui.required")))
        if reason:
            self._safely(self.session.record_deputy, step_id, option.role_id, option.number, reason,
                         person=option.person, acted_for=option.acted_for)
            self.redraw()

    def _roster_people(self) -> list[RosterPerson]:
        """The roster's people (./programmes/roster.yaml), read once: who holds and deputises for each role."""
        if self._people is None:
            from bcp_drill.programme.reminders import PROGRAMME_FOLDER
            from bcp_drill.programme.roster import setup_roster

            self._people = setup_roster(Path.cwd() / PROGRAMME_FOLDER, app_context(self).t).people
        return self._people

    @work
    async def action_value(self) -> None:
        """Enter a measured value for a check of the step (picked first when it has several)."""
        step_id = self._with_step()
        if not step_id:
            return
        t = app_context(self).t
        step = self.session.state.steps[step_id].step
        items = value_views(self.session.state, step)
        if not items:
            self.notify(t("tui.no_values"))
            return
        item = items[0]
        if len(items) > 1:
            choices = [(str(i.index), f"{i.index + 1}. {i.check.get(t.lang)} = {value_text(i, t)}") for i in items]
            chosen: str | None = await self.app.push_screen_wait(
                ChoiceModal(t("tui.value_picker"), choices, t("tui.choice_keys")))
            if chosen is None:
                return
            item = next(i for i in items if i.index == int(chosen))
        threshold = threshold_text(item.spec, t)
        title = t("tui.value_title", check=item.check.get(t.lang)) + (f" [{threshold}]" if threshold else "")
        typed: str | None = await self.app.push_screen_wait(
            TextPromptModal(title, t("tui.enter_saves"), error_text=t("tui.required")))
        if typed:
            self._safely(self.session.record_value, step_id, item.index, typed)
            self.redraw()

    @work
    async def action_occurrence(self) -> None:
        """An occurrence of the selected repeated step done (定時報告): the next one not yet
        recorded, with a note that may be blank."""
        step_id = self._with_step()
        if not step_id:
            return
        t = app_context(self).t
        if self.session.state.steps[step_id].step.repeat is None:
            self.notify(t("repeat.no_repeat"))
            return
        note: str | None = await self.app.push_screen_wait(
            TextPromptModal(t("repeat.note_title"), t("tui.enter_saves"), required=False))
        if note is None:
            return
        event = self._safely(self.session.record_occurrence, step_id, None, None, note)
        if event is not None:
            self.notify(occurrence_saved_text(self.session.state, event, self.session.elapsed(), t))
        self.redraw()

    @work
    async def action_systems(self) -> None:
        """The systems panel: each system with its state and recovery target; Enter records
        a new state (then a note, which may be blank), and the panel comes back."""
        t = app_context(self).t
        if not self.session.scenario.systems:
            self.notify(t("tui.no_systems"))
            return
        while self._allowed("systems"):
            choices = [(s.system.id, system_line(s, t)) for s in self.view().systems]
            system_id: str | None = await self.app.push_screen_wait(
                ChoiceModal(t("tui.systems_panel"), choices, t("tui.systems_keys")))
            if system_id is None:
                return
            current = self.session.state.system_state(system_id)
            states = [(s, ("(*) " if s == current else "( ) ") + system_state_label(s, t)) for s in SYSTEM_STATES]
            system = self.session.scenario.system(system_id)
            title = t("tui.system_state_picker", system=system.name.get(t.lang) if system else system_id)
            state: str | None = await self.app.push_screen_wait(ChoiceModal(title, states, t("tui.choice_keys")))
            if state is None:
                continue
            note: str | None = await self.app.push_screen_wait(
                TextPromptModal(t("tui.system_note"), t("tui.enter_saves"), required=False))
            if note is not None:
                self._safely(self.session.record_system_state, system_id, state, note)
                self.redraw()

    @work
    async def _ask_reason(self, skipped: bool) -> None:
        step_id = self._with_step()
        if not step_id:
            return
        t = app_context(self).t
        title = t("tui.skip_title" if skipped else "tui.not_done_title")
        reason: str | None = await self.app.push_screen_wait(
            TextPromptModal(title, t("tui.enter_saves"), error_text=t("tui.required")))
        if reason:
            self._safely(self.session.step_not_done, step_id, reason, skipped)
            self.redraw()

    def action_not_done(self) -> None:
        self._ask_reason(skipped=False)

    def action_skip(self) -> None:
        self._ask_reason(skipped=True)

    @work
    async def _ask_note(self, step_id: str | None) -> None:
        t = app_context(self).t
        title = t("tui.note_title") if step_id else t("tui.drill_note_title")
        note: str | None = await self.app.push_screen_wait(
            TextPromptModal(title, t("tui.ctrl_s_saves"), multiline=True, error_text=t("tui.required")))
        if note:
            self._safely(self.session.add_note, note, step_id)
            self.redraw()

    def action_note(self) -> None:
        step_id = self._with_step("note")
        if step_id:
            self._ask_note(step_id)

    @work
    async def action_withdraw_note(self) -> None:
        """Withdraw a note of the selected step or of the drill: pick it, then confirm.

        A correction event; the note stays in the journal, marked withdrawn.
        """
        if not self._allowed("note"):
            return
        t = app_context(self).t
        step_id = self.selected_step
        view = self.view()
        notes = (view.notes(step_id) if step_id else []) + view.notes(None)
        if not notes:
            self.notify(t("tui.no_note_to_withdraw"))
            return
        choices = [(n.key, f"#{n.key} [{n.step_id or t('tui.drill_note_short')}] {n.text}") for n in notes]
        chosen: str | None = await self.app.push_screen_wait(
            ChoiceModal(t("tui.withdraw_note_pick"), choices, t("tui.choice_keys")))
        note = next((n for n in notes if n.key == chosen), None)
        if note is None:
            return
        if await self.app.push_screen_wait(ConfirmModal(t("tui.withdraw_note_confirm", text=note.text),
                                                        t("tui.yes_no_keys"))):
            self._safely(self.session.retract_note, note.seq, t("tui.withdrawn_on_screen"), note.console)
            self.redraw()

    def action_all_notes(self) -> None:
        """Every note of the selected step and of the drill (the detail shows the newest)."""
        t = app_context(self).t
        step = self.session.scenario.step(self.selected_step or "")
        title = t("tui.all_notes_title", step=step.title.get(t.lang) if step else t("tui.drill_note_short"))
        self.app.push_screen(TextViewModal(title, all_notes_text(self.view(), self.selected_step, t),
                                           t("tui.text_view_keys")))

    def action_drill_note(self) -> None:
        if self._allowed("note"):
            self._ask_note(None)

    @work
    async def action_problem(self) -> None:
        step_id = self.selected_step
        if not self._allowed("problem"):
            return
        t = app_context(self).t
        step = self.session.scenario.step(step_id) if step_id else None
        heading = t("tui.problem_heading", step=step.title.get(t.lang) if step else "-")
        problem: ProblemFields | None = await self.app.push_screen_wait(ProblemFormModal(t, heading))
        if problem is not None:
            self._raise_problem(problem, source_ref=step_id)
            self.redraw()

    @work
    async def action_observation(self) -> None:
        """A strength or an area for improvement; allowed after the end too (evaluators finish later)."""
        if not self._allowed("evaluate", open_only=False):
            return
        step_id = self.selected_step
        step = self.session.scenario.step(step_id) if step_id else None
        observation: ObservationFields | None = await self.app.push_screen_wait(
            ObservationFormModal(app_context(self).t, self.session.scenario,
                                 step.objectives[0] if step and step.objectives else None))
        if observation is not None:
            self._save_observation(observation)

    def _save_observation(self, observation: ObservationFields) -> None:
        if self._safely(self.session.record_observation, observation.kind, observation.observation,
                        objective_id=observation.objective_id, capability=observation.capability,
                        analysis=observation.analysis, recommendation=observation.recommendation) is not None:
            self.notify(app_context(self).t("tui.observation_saved", count=len(self.session.state.observations)))

    @work
    async def action_inject(self) -> None:
        t = app_context(self).t
        if not self._allowed("inject"):  # before anything is listed: a player never sees what is to come
            return
        pending = self.session.state.pending_injects()
        if not pending:
            self.notify(t("tui.no_pending_injects"))
            return
        choices = [(i.id, f"{inject_time_text(i, self.session.scenario, t, self.session.state)}  {i.id}  "
                          f"{i.sender.get(t.lang)}: {i.content.get(t.lang)}") for i in pending]
        inject_id: str | None = await self.app.push_screen_wait(
            ChoiceModal(t("tui.inject_picker"), choices, t("tui.choice_keys")))
        if inject_id and self._safely(self.session.deliver_inject, inject_id, True):
            self._announce_injects([inject_id])
            self.redraw()

    def action_toggle_clock(self) -> None:
        self._safely(self.session.toggle_clock)
        self.redraw()

    def action_next_phase(self) -> None:
        if self._safely(self.session.advance_to_next_phase) is False:
            self.notify(app_context(self).t("tui.no_next_phase"))
        self.tick()

    @work
    async def action_end_drill(self) -> None:
        """Confirm, take the hotwash (it comes back with its text until it is saved), end, summary."""
        t = app_context(self).t
        state = self.session.state
        if state.ended is not None:
            self._show_summary()
            return
        if not self._allowed("end"):  # before the hotwash is typed: only the lead ends the drill
            return
        open_steps = len(self.view().open_steps)
        if not await self.app.push_screen_wait(ConfirmModal(t("tui.end_confirm", open=open_steps),
                                                            t("tui.yes_no_keys"))):
            return
        previous = state.hotwash
        typed = HotwashText(previous.strengths if previous else "", previous.improvements if previous else "")
        while True:
            hotwash: HotwashText | None = await self.app.push_screen_wait(
                HotwashModal(t, typed.strengths, typed.improvements, self.session.scenario, self._save_observation,
                             lambda: len(self.session.state.observations)))
            if hotwash is None:
                return
            if self._saved(self.session.record_hotwash, hotwash.strengths, hotwash.improvements):
                break
            typed = hotwash  # not saved (the message says why): the text comes back, never lost
        if self._saved(self.session.end):  # else the drill goes on; its hotwash is recorded
            self._show_summary()

    def _show_summary(self) -> None:
        from bcp_drill.tui.screens.drill_summary import DrillSummaryScreen

        self.app.switch_screen(DrillSummaryScreen(self.session))

    @work
    async def action_leave(self) -> None:
        t = app_context(self).t
        if await self.app.push_screen_wait(ConfirmModal(t("tui.leave_confirm"), t("tui.yes_no_keys"))):
            self.session.close()
            the_app(self).leave_screen()
