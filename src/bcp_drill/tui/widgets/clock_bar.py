"""The drill clock and progress line: T+, scenario time, running or paused, last save."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from bcp_drill.drill.counts import StepStatus, format_elapsed
from bcp_drill.drill.view import DrillView
from bcp_drill.drill.wording import progress_text, systems_summary
from bcp_drill.i18n import Translator
from bcp_drill.tui.context import app_context
from bcp_drill.wallclock import local


def clock_text(view: DrillView, t: Translator, saved: str, width: int | None = None) -> Text:
    """The clock line, what matters most first, so an 80-column screen still shows the clock,
    whether it runs, the last save and what is overdue; then the scenario time and progress,
    on a second line of their own when the line is wider than WIDTH (the counts stay whole)."""
    state = view.state
    out = Text()
    out.append(f"T+{format_elapsed(view.elapsed)}", style="bold")
    if state.ended is not None:
        out.append(f"  [{t('tui.clock_ended')}]", style="bold")
    elif state.paused:
        out.append(f"  [{t('tui.clock_paused')}]", style="bold reverse")
    else:
        out.append(f"  [{t('tui.clock_running')}]")
    if saved:
        out.append(f"  {saved}")
    overdue = view.count(StepStatus.OVERDUE)
    if overdue:
        out.append(f"  {StepStatus.OVERDUE.mark} {t('tui.overdue_count', count=overdue)}", style="bold")
    scenario_time = state.scenario_time(view.now)
    if scenario_time is not None:
        out.append(f"  {t('tui.scenario_time')} {local(scenario_time).strftime('%m-%d %H:%M')}")
    rest = Text(progress_text(view, t))
    systems = systems_summary(view, t)
    if systems:
        rest.append(f"  {systems}")
    wraps = width is not None and out.cell_len + 2 + rest.cell_len > width
    out.append("\n" if wraps else "  ")
    return out.append_text(rest)


class ClockBar(Static):
    """The clock line of the drill in DRILL_VIEW and the last save; both bound from the runner,
    drawn anew whenever either changes."""

    drill_view: reactive[DrillView | None] = reactive(None, layout=True)
    saved: reactive[str] = reactive("", layout=True)

    def render(self) -> Text:
        if self.drill_view is None:  # before the runner's first view arrives
            return Text()
        return clock_text(self.drill_view, app_context(self).t, self.saved, self.content_size.width or None)
