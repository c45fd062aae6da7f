"""After a drill: the figures, the problems raised and the hotwash, on one scrolling page."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.events import Resize
from textual.message import Message
from textual.widgets import Footer, Label, Static

from bcp_drill.drill.counts import format_elapsed
from bcp_drill.drill.ratings import RATINGS
from bcp_drill.drill.session import DrillSession
from bcp_drill.drill.view import DrillView
from bcp_drill.drill.wording import progress_text, rating_label
from bcp_drill.i18n import Translator
from bcp_drill.render.tables import render_text
from bcp_drill.render.tallies import drill_figures_table
from bcp_drill.reports.drill_report import ObjectiveLine, ObservationLine, objective_lines, observation_lines
from bcp_drill.tui.bindings import translate_bindings
from bcp_drill.tui.context import app_context, the_app
from bcp_drill.tui.modals.choice import ChoiceModal
from bcp_drill.tui.modals.text_prompt import TextPromptModal
from bcp_drill.tui.screens.base import SessionScreen


def summary_text(session: DrillSession, t: Translator, width: int | None = None) -> Text:
    """The summary; its figures table fits WIDTH columns (its labels wrap) when given. Objectives
    and observations are worded as the after-action report words them (reports/drill_report.py)."""
    view = DrillView(session.state, session.now())
    out = Text()
    _append_header(out, session, view, t)
    phase_titles = {p.id: p.title.get(t.lang) for p in session.scenario.phases}
    out.append(render_text(drill_figures_table(view.figures, phase_titles, t), gap=" ", width=width) + "\n")
    _append_objectives(out, objective_lines(view, t), t)
    figures = view.figures
    out.append(f"{t('tui.summary_injects', delivered=figures.injects_delivered, total=figures.injects_total)}\n")
    _append_problems(out, session, figures.problems, t)
    _append_notes_and_hotwash(out, session, view, t)
    _append_observations(out, observation_lines(session.state, t), t)
    return out


def _append_header(out: Text, session: DrillSession, view: DrillView, t: Translator) -> None:
    started = session.state.started
    assert started is not None
    out.append(f"{t('tui.summary_drill')}: {session.scenario.title.get(t.lang)}\n", style="bold")
    out.append(f"{t('tui.summary_type')}: {t('drill_type.' + started.drill_type)}   "
               f"{t('tui.summary_place')}: {started.place or '-'}   "
               f"{t('tui.summary_duration')}: T+{format_elapsed(view.figures.elapsed_seconds)}\n")
    if started.participants:
        people = ", ".join(f"{p.name} ({t('drill_role.' + p.role)})" for p in started.participants)
        out.append(f"{t('tui.summary_participants')}: {people}\n")
    out.append(f"{progress_text(view, t)}\n\n")


def _append_objectives(out: Text, objectives: list[ObjectiveLine], t: Translator) -> None:
    if not objectives:
        return
    out.append(f"{t('tui.objectives')}\n", style="bold")
    for line in objectives:
        out.append(f"  {rating_label(line.rating, t)}  {line.title}\n")
        if line.decided_by != "-":
            out.append(f"      {t('objective.decided_by')}: {line.decided_by}\n")
        if line.override:
            out.append(f"      {line.override} ({t('objective.derived')}: {line.derived})\n")
        if line.provisional:
            out.append(f"      {t('objective.provisional')}\n")
    out.append("\n")


def _append_problems(out: Text, session: DrillSession, count: int, t: Translator) -> None:
    out.append(f"\n{t('tui.problems')} ({count})\n", style="bold")
    for problem in session.state.problems:
        step = session.scenario.step(problem.source_ref) if problem.source_ref else None
        owner = " / ".join(x for x in (problem.owner_organisation, problem.owner_person) if x) or "-"
        out.append(f"{problem.problem_id} [{t('priority.' + problem.priority)}] {problem.title}"
                   f"  ({step.title.get(t.lang) if step else '-'}; {owner}; {problem.due or '-'})\n")


def _append_notes_and_hotwash(out: Text, session: DrillSession, view: DrillView, t: Translator) -> None:
    notes = view.notes(None)
    if notes:
        out.append(f"\n{t('tui.drill_notes')}\n", style="bold")
        for note in notes:
            out.append(f"T+{format_elapsed(note.elapsed_seconds)} {note.by}: {note.text}\n")
    hotwash = session.state.hotwash
    if hotwash:
        out.append(f"\n{t('tui.hotwash_strengths')}\n", style="bold")
        out.append((hotwash.strengths or "-") + "\n")
        out.append(f"\n{t('tui.hotwash_improvements')}\n", style="bold")
        out.append((hotwash.improvements or "-") + "\n")


def _append_observations(out: Text, observations: list[ObservationLine], t: Translator) -> None:
    if not observations:
        return
    out.append(f"\n{t('report.sheet_observations')} ({len(observations)})\n", style="bold")
    for seen in observations:
        out.append(f"[{t('observation_kind.' + seen.kind)}] {seen.observation}  ({seen.objective})\n")
        for label, value in ((t("report.col_analysis"), seen.analysis),
                             (t("report.col_recommendation"), seen.recommendation)):
            if value:
                out.append(f"    {label}: {value}\n")


class SummaryBody(Static):
    """The summary's text; tells its screen when its width changes, so the table is laid out
    again for the new width (its labels wrap on a narrow screen)."""

    class Resized(Message):
        pass

    _width = 0

    def on_resize(self, event: Resize) -> None:
        if event.size.width != self._width:
            self._width = event.size.width
            self.post_message(self.Resized())


class DrillSummaryScreen(SessionScreen[DrillSession]):
    BINDINGS = [
        Binding("x", "export", "keys.export"),
        Binding("o", "rate_objective", "keys.rate_objective"),
        Binding("ctrl+o", "observation", "keys.observation"),
        Binding("escape,q", "leave", "keys.back_home"),
    ]

    def __init__(self, session: DrillSession) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        yield Label(app_context(self).t("tui.summary_title", record=self.session.record_id), id="summary-title",
                    markup=False)
        with VerticalScroll(id="summary-scroll"):
            yield SummaryBody(summary_text(self.session, app_context(self).t, self._text_width()), id="summary-body")
        yield Footer()

    def on_mount(self) -> None:
        translate_bindings(self, app_context(self).t)
        self.query_one("#summary-scroll").focus()

    def _text_width(self) -> int:
        return self.app.size.width - 4  # the padding and the scroll bar

    def on_screen_resume(self) -> None:
        self.refresh_summary()

    def on_summary_body_resized(self, message: "SummaryBody.Resized") -> None:
        self.refresh_summary()

    def refresh_summary(self) -> None:
        self.query_one("#summary-body", Static).update(summary_text(self.session, app_context(self).t,
                                                                    self._text_width()))

    @work
    async def action_observation(self) -> None:
        from bcp_drill.tui.modals.observation_form import ObservationFields, ObservationFormModal

        observation: ObservationFields | None = await self.app.push_screen_wait(
            ObservationFormModal(app_context(self).t, self.session.scenario))
        if observation is not None and self._safely(
                self.session.record_observation, observation.kind, observation.observation,
                objective_id=observation.objective_id, capability=observation.capability,
                analysis=observation.analysis, recommendation=observation.recommendation) is not None:
            self.refresh_summary()

    @work
    async def action_rate_objective(self) -> None:
        """An evaluator's rating of an objective, with a reason: pick it, pick the rating, say why."""
        t = app_context(self).t
        view = DrillView(self.session.state, self.session.now())
        if not view.objectives:
            self.notify(t("objective.none"))
            return
        choices = []
        for result in view.objectives:
            objective = self.session.scenario.objective(result.objective_id)
            title = objective.title.get(t.lang) if objective else result.objective_id
            choices.append((result.objective_id, f"{result.rating}  {title}"))
        objective_id: str | None = await self.app.push_screen_wait(
            ChoiceModal(t("objective.pick_title"), choices, t("tui.choice_keys")))
        if objective_id is None:
            return
        options = [(r, rating_label(r, t)) for r in RATINGS]
        if objective_id in self.session.state.objective_overrides:
            options.append(("-", t("objective.withdraw_override")))
        chosen: str | None = await self.app.push_screen_wait(
            ChoiceModal(t("objective.rating_title"), options, t("tui.choice_keys")))
        if chosen is None:
            return
        reason: str | None = await self.app.push_screen_wait(
            TextPromptModal(t("objective.reason_title"), t("tui.enter_saves"), error_text=t("tui.required")))
        if reason:
            self._safely(self.session.rate_objective, objective_id, None if chosen == "-" else chosen, reason)
            self.refresh_summary()

    def action_export(self) -> None:
        from bcp_drill.tui.export import ask_and_export

        if not self._permitted(lambda: self.session.check("report", open_only=False)):
            return  # a player's console: said why, before any file is asked for
        ask_and_export(self, self.session.record_id, "drill")

    def action_leave(self) -> None:
        self.session.close()
        the_app(self).leave_screen()
