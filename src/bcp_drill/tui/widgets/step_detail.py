"""Everything about the selected step: what to do, who, by when, and what was recorded."""

from __future__ import annotations

from typing import Any, Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.reactive import var
from textual.widgets import Static

from bcp_drill.content.fields import text
from bcp_drill.content.models import Step
from bcp_drill.drill.counts import format_elapsed
from bcp_drill.drill.view import DrillView
from bcp_drill.drill.wording import check_text, rating_label, status_label, step_plan_lines, target_label
from bcp_drill.i18n import Translator
from bcp_drill.tui.context import app_context

NOTES_SHOWN = 20  # the newest notes of a step in its detail; `l` lists them all (a drill may have hundreds)


def note_line(note: Any) -> str:
    return f"T+{format_elapsed(note.elapsed_seconds)} {note.by}: {note.text}"


def _note_lines(out: Text, notes: Sequence[Any], heading: str, t: Translator) -> None:
    if notes:
        out.append(f"\n{heading}\n", style="bold")
        if len(notes) > NOTES_SHOWN:
            out.append(t("tui.earlier_notes", count=len(notes) - NOTES_SHOWN) + "\n")
        for note in notes[-NOTES_SHOWN:]:
            out.append(note_line(note) + "\n")


def all_notes_text(view: DrillView, step_id: str | None, t: Translator) -> str:
    """Every note of STEP_ID and of the drill, oldest first (what `l` shows)."""
    parts = []
    for heading, notes in ((t("tui.notes"), view.notes(step_id) if step_id else []),
                           (t("tui.drill_notes"), view.notes(None))):
        if notes:
            parts.append("\n".join([f"{heading} ({len(notes)})", *(note_line(n) for n in notes)]))
    return "\n\n".join(parts) or t("tui.no_notes")


def _decision_lines(out: Text, view: DrillView, step: Step, t: Translator) -> None:
    """The options of a decision step, the chosen one marked (a mark and a word, never colour)."""
    record = view.state.steps[step.id]
    chosen = record.decision.option_id if record.decision else None
    out.append(f"\n{t('tui.decision_options')}\n", style="bold")
    for number, option in enumerate(step.options, 1):
        mark = "(*)" if option.id == chosen else "( )"
        out.append(f"{number}. {mark} {option.title.get(t.lang)}")
        if option.id == chosen and record.decision is not None:
            who = record.decision.decided_by or record.decision.by
            out.append(f"  {t('tui.decided', by=who, at=format_elapsed(record.decision.elapsed_seconds))}")
        out.append("\n")


def step_detail_text(view: DrillView, step_id: str, t: Translator) -> Text:
    lang = t.lang
    shown = view.step(step_id)
    step, state = shown.step, view.state
    phase = state.scenario.phase(step.phase)
    out = Text()
    out.append(f"{step.title.get(lang)}\n", style="bold")
    out.append(status_label(shown.status, t))
    if shown.rating:
        out.append(f"  {t('tui.rating')}: {rating_label(shown.rating, t)}")
        out.append(f"  {t('tui.actual')}: {shown.actual_text}")
        if shown.late_minutes:
            out.append(f"  ({t('tui.late_by', minutes=shown.late_minutes)})")
    elif shown.reason:
        out.append(f"  {t('tui.reason')}: {shown.reason}")
    out.append("\n")
    for label, line in step_plan_lines(view, step, t):
        out.append(f"{label}: {line}\n")
    if step.is_decision:
        _decision_lines(out, view, step, t)
    out.append(f"{t('tui.target')}: {target_label(shown, t, state.scenario)}"
               f"  ({t('tui.phase')}: {phase.title.get(lang) if phase else step.phase})\n")
    if step.instructions:
        out.append(f"\n{t('tui.instructions')}\n", style="bold")
        out.append(text(step.instructions, lang) + "\n")
    if step.checks:
        out.append(f"\n{t('tui.checks')}\n", style="bold")
        for index, _check in enumerate(step.checks):
            box = "[x]" if index in shown.done_checks else "[ ]"  # ticked or measured
            key = str(index + 1) if index < 9 else "c"  # past nine: the check list (c)
            out.append(f"{key} {box} {check_text(state, step, index, t)}\n")
    if step.expected_outcome:
        out.append(f"\n{t('tui.expected')}\n", style="bold")
        out.append(text(step.expected_outcome, lang) + "\n")
    objectives = [o for o in state.scenario.objectives if o.id in step.objectives]
    if objectives:
        out.append(f"\n{t('tui.objectives')}\n", style="bold")
        for objective in objectives:
            out.append(f"・{objective.title.get(lang)}\n")
    _note_lines(out, view.notes(step_id), t("tui.notes"), t)
    problems = state.problems_for(step_id)
    if problems:
        out.append(f"\n{t('tui.problems')}\n", style="bold")
        for problem in problems:
            out.append(f"{problem.problem_id} [{t('priority.' + problem.priority)}] {problem.title}\n")
    _note_lines(out, view.notes(None), t("tui.drill_notes"), t)
    return out


class StepDetail(VerticalScroll):
    """A scrolling panel: step STEP_ID of the drill in DRILL_VIEW (both bound from the runner),
    drawn anew whenever either changes."""

    can_focus = True
    drill_view: var[DrillView | None] = var(None)
    step_id: var[str | None] = var(None)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._shown: Text | None = None  # what the body shows: laid out again only when it changes

    def compose(self) -> ComposeResult:
        yield Static(id="step-detail-body")

    def watch_drill_view(self) -> None:
        self._draw()

    def watch_step_id(self) -> None:
        self._draw()

    def _draw(self) -> None:
        if self.drill_view is None or self.step_id is None:  # nothing selected: what was shown stays
            return
        shown = step_detail_text(self.drill_view, self.step_id, app_context(self).t)
        if shown == self._shown:  # each clock tick renews the view; a long step's notes are not laid out again
            return
        self._shown = shown
        self.query_one("#step-detail-body", Static).update(shown)
