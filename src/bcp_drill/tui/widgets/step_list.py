"""The phases and steps of a drill as a keyboard list; each line starts with a text mark."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from bcp_drill.content.models import Scenario
from bcp_drill.drill.counts import StepStatus, format_minutes
from bcp_drill.drill.view import DrillView, StepView
from bcp_drill.i18n import Lang

STEP_PREFIX = "step:"
PHASE_PREFIX = "phase:"

# Style adds emphasis only; the mark and the words carry the meaning.
STATUS_STYLES = {
    StepStatus.OVERDUE: "bold reverse",
    StepStatus.DUE: "bold",
    StepStatus.NOT_DONE: "italic",
    StepStatus.SKIPPED: "dim",
    StepStatus.NOT_APPLICABLE: "dim",
    StepStatus.WAITING: "italic",
}


def step_line(view: StepView, lang: Lang, flag: str = "") -> Text:
    """One list line: mark, target time, title and, once rated, rating and actual time; FLAG
    (a conflict between team consoles, in words) before the title so it is never cut off."""
    line = Text(no_wrap=True, overflow="ellipsis")  # one line per step; the detail shows all
    line.append(view.status.mark, style=STATUS_STYLES.get(view.status, ""))
    line.append(f" {view.target_short:>6}  ")
    if flag:
        line.append(f"{flag} ", style="bold reverse")
    line.append(view.step.title.get(lang))
    if view.rating:
        line.append(f"  {view.rating} {view.actual_text}")
    return line


def phase_line(scenario: Scenario, phase_id: str, lang: Lang) -> Text:
    phase = scenario.phase(phase_id)
    assert phase is not None
    return Text(f"-- T+{format_minutes(phase.at_minutes)}  {phase.title.get(lang)} --", style="bold",
                no_wrap=True, overflow="ellipsis")


class StepList(OptionList):
    """Phases (headers, not selectable) and their steps; redraws only lines that changed."""

    def __init__(self, scenario: Scenario, lang: Lang, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scenario = scenario
        self.lang = lang
        self.conflict_word = ""  # set by the screen, in the UI language
        self._drawn: dict[str, tuple[StepStatus, str | None, str | None, bool]] = {}

    def _flag(self, view: DrillView, step_id: str) -> str:
        return self.conflict_word if view.state.conflict(step_id) is not None else ""

    def build(self, view: DrillView) -> None:
        options: list[Option] = []
        for phase in self.scenario.phases:
            options.append(Option(phase_line(self.scenario, phase.id, self.lang),
                                  id=PHASE_PREFIX + phase.id, disabled=True))
            for step in self.scenario.steps_in(phase.id):
                shown = view.step(step.id)
                flag = self._flag(view, step.id)
                self._drawn[step.id] = (shown.status, shown.record.outcome, shown.rating, bool(flag))
                options.append(Option(step_line(shown, self.lang, flag), id=STEP_PREFIX + step.id))
        self.set_options(options)
        first_step = next((i for i, o in enumerate(options) if not o.disabled), None)
        self.highlighted = first_step

    def redraw(self, view: DrillView, force: str | None = None) -> None:
        """Replace the prompt of each step whose status, outcome or rating changed (and FORCE's)."""
        for shown in view.steps:
            step_id = shown.step.id
            flag = self._flag(view, step_id)
            key = (shown.status, shown.record.outcome, shown.rating, bool(flag))
            if self._drawn.get(step_id) != key or step_id == force:
                self._drawn[step_id] = key
                self.replace_option_prompt(STEP_PREFIX + step_id, step_line(shown, self.lang, flag))

    @property
    def selected_step_id(self) -> str | None:
        option = self.highlighted_option
        if option is None or option.id is None or not option.id.startswith(STEP_PREFIX):
            return None
        return option.id[len(STEP_PREFIX):]
