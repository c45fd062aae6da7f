"""The phases and steps of a drill as a keyboard list; each line starts with a text mark."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.reactive import var
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from bcp_drill.content.models import Scenario
from bcp_drill.drill.counts import StepStatus
from bcp_drill.drill.view import DrillView, StepView
from bcp_drill.drill.wording import phase_start_words
from bcp_drill.i18n import Lang, Translator

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
    starts = phase_start_words(phase, scenario, Translator(lang))  # "T+0:10", or the event it starts at
    return Text(f"-- {starts}  {phase.title.get(lang)} --", style="bold",
                no_wrap=True, overflow="ellipsis")


class StepList(OptionList):
    """Phases (headers, not selectable) and their steps of the drill in DRILL_VIEW (bound from
    the runner); each new view redraws only the lines that changed."""

    drill_view: var[DrillView | None] = var(None)

    def __init__(self, scenario: Scenario, lang: Lang, conflict_word: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scenario = scenario
        self.lang = lang
        self.conflict_word = conflict_word  # in the UI language
        self._drawn: dict[str, Text] = {}  # each step's line as last drawn

    def _line(self, view: DrillView, shown: StepView) -> Text:
        flag = self.conflict_word if view.state.conflict(shown.step.id) is not None else ""
        return step_line(shown, self.lang, flag)

    def watch_drill_view(self, view: DrillView | None) -> None:
        if view is None:
            return
        if self._drawn:
            self._redraw(view)
        else:
            self._build(view)

    def _build(self, view: DrillView) -> None:
        options: list[Option] = []
        for phase in self.scenario.phases:
            options.append(Option(phase_line(self.scenario, phase.id, self.lang),
                                  id=PHASE_PREFIX + phase.id, disabled=True))
            for step in self.scenario.steps_in(phase.id):
                line = self._line(view, view.step(step.id))
                self._drawn[step.id] = line
                options.append(Option(line, id=STEP_PREFIX + step.id))
        self.set_options(options)
        first_step = next((i for i, o in enumerate(options) if not o.disabled), None)
        self.highlighted = first_step

    def _redraw(self, view: DrillView) -> None:
        """Replace the prompt of each step whose line changed."""
        for shown in view.steps:
            line = self._line(view, shown)
            if self._drawn.get(shown.step.id) != line:
                self._drawn[shown.step.id] = line
                self.replace_option_prompt(STEP_PREFIX + shown.step.id, line)

    @property
    def selected_step_id(self) -> str | None:
        option = self.highlighted_option
        if option is None or option.id is None or not option.id.startswith(STEP_PREFIX):
            return None
        return option.id[len(STEP_PREFIX):]
