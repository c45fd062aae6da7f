"""Everything about the selected step: what to do, who, by when, and what was recorded."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from bcp_drill.content.fields import text
from bcp_drill.drill.state import DrillState
from bcp_drill.drill.summary import format_elapsed, format_minutes
from bcp_drill.i18n import Translator


def step_detail_text(state: DrillState, step_id: str, now: datetime, t: Translator) -> Text:
    lang = t.lang
    record = state.steps[step_id]
    step = record.step
    status = record.status(state.elapsed_seconds(now))
    role = state.scenario.role(step.role)
    phase = state.scenario.phase(step.phase)
    out = Text()
    out.append(f"{step.title.get(lang)}\n", style="bold")
    out.append(f"{status.mark} {t('status.' + status.value)}")
    if record.outcome == "done":
        out.append(f"  {t('tui.rating')}: {t('rating.' + (record.rating or ''))}")
        out.append(f"  {t('tui.actual')}: T+{format_elapsed(record.elapsed_seconds or 0)}")
        late = record.late_by_seconds()
        if late:
            out.append(f"  ({t('tui.late_by', minutes=(late + 59) // 60)})")
    elif record.outcome in ("not_done", "skipped"):
        out.append(f"  {t('tui.reason')}: {record.reason}")
    out.append("\n")
    out.append(f"{t('tui.role')}: {role.title.get(lang) if role else step.role}\n")
    out.append(f"{t('tui.target')}: T+{format_minutes(step.target_minutes)}"
               f"  ({t('tui.phase')}: {phase.title.get(lang) if phase else step.phase})\n")
    if step.instructions:
        out.append(f"\n{t('tui.instructions')}\n", style="bold")
        out.append(text(step.instructions, lang) + "\n")
    if step.checks:
        out.append(f"\n{t('tui.checks')}\n", style="bold")
        for index, check in enumerate(step.checks):
            box = "[x]" if index in record.checks else "[ ]"
            key = str(index + 1) if index < 9 else " "
            out.append(f"{key} {box} {check.get(lang)}\n")
    if step.expected_outcome:
        out.append(f"\n{t('tui.expected')}\n", style="bold")
        out.append(text(step.expected_outcome, lang) + "\n")
    objectives = [o for o in state.scenario.objectives if o.id in step.objectives]
    if objectives:
        out.append(f"\n{t('tui.objectives')}\n", style="bold")
        for objective in objectives:
            out.append(f"・{objective.title.get(lang)}\n")
    notes = state.notes_for(step_id)
    if notes:
        out.append(f"\n{t('tui.notes')}\n", style="bold")
        for note in notes:
            out.append(f"T+{format_elapsed(note.elapsed_seconds)} {note.by}: {note.text}\n")
    problems = state.problems_for(step_id)
    if problems:
        out.append(f"\n{t('tui.problems')}\n", style="bold")
        for problem in problems:
            out.append(f"{problem.problem_id} [{t('priority.' + problem.priority)}] {problem.title}\n")
    return out


class StepDetail(VerticalScroll):
    """A scrolling panel; `show` redraws it for one step."""

    can_focus = True

    def compose(self):
        yield Static(id="step-detail-body")

    def show(self, content: Text) -> None:
        self.query_one("#step-detail-body", Static).update(content)
